"""`make bench`: one table of the forum under load next to a bare Flask "ceiling", at 100k and 1M posts.

For each size in BENCH_SIZES (default 100000,1000000 posts; 2,000 members, one topic per 20 posts):
1. A fresh SQLite database: `flask db upgrade`, `flask demo seed` (timed), one account to post replies.
2. gunicorn, 2 sync workers on a free loopback port, serves the forum (rate limits off, members-only off, first
   posts not held); wrk (16 connections, 2 threads, --latency) loads the index, the busiest board's first page
   and a topic page showing 20 posts as a guest, the same topic as the signed-in poster, then the poster's reply
   POST. Each gunicorn worker's resident memory (VmRSS in /proc/<pid>/status) is read after the pages.
3. The same gunicorn settings serve bench/ceiling.py, a bare Flask app rendering pages of the same byte counts
   from a file template compiled once (and a redirecting POST), measured the same way. The two never run at once.
Then, once: the reply again on a throwaway PostgreSQL at the first size (BENCH_POSTGRES=0 skips it; .ci/services.sh
starts it, fsync off), the SQL one reply runs on each database (bench/reply_statements.py), a worker's cold start
(a fresh gunicorn with one worker: spawn to the first 200 of the index, and the worker's memory after the three pages), the
crisis flagger's typical and worst-case time per post (bench/bench_crisis.py, bench/crisis_worst_case.py), and
EXPLAIN QUERY PLAN for every query behind the index, board and topic pages at the largest size.
BENCH_SEARCH_POSTS=1000000 adds bench/search_plans.py (about 15 minutes; off by default).

About 7 minutes on 2 idle cores. The machine is shared and has 2 cores for wrk, gunicorn and everything else:
figures taken while others work are noisy. Environment: BENCH_SECONDS (10 per wrk run), BENCH_SIZES,
BENCH_MEMBERS, BENCH_POSTGRES, BENCH_SEARCH_POSTS.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import subprocess  # noqa: S404 - the bench starts its own servers and tools  # nosec B404
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "2000"))
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "100000,1000000").split(",") if n.strip()]
POSTS_PER_TOPIC = 20
POSTGRES = os.environ.get("BENCH_POSTGRES", "1") != "0"
SEARCH_POSTS = int(os.environ.get("BENCH_SEARCH_POSTS", "0"))
CONNECTIONS, THREADS = 16, 2
USER_AGENT = "forum-bench"
POSTER = "bench_poster"
POSTER_PASSWORD = secrets.token_urlsafe(18)
REPLY_TEXT = "Thanks for sharing this. Having a plan for the weekend makes a big difference for me too."
P99_TARGET_MS = 50.0
# The targets: guest pages at half the ceiling's rate, a signed-in member's topic page at 0.4.
RATIO_TARGETS = {"board": 0.5, "topic": 0.5, "member topic": 0.4}
COLD_START_TARGET_S = 1.0
RSS_TARGET_MB = 80
PAGES = ("index", "board", "topic", "member topic", "reply")


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    # The workers' CPU time per request (user + system, from /proc): barely moved by other load on the machine.
    cpu_ms: float = 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict, stdin: str | None = None) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _flask(env: dict, *args: str, stdin: str | None = None) -> str:
    return _run([str(BIN / "flask"), "--app", "wsgi", *args], env, stdin)


class Server:
    """gunicorn with 2 workers (or `workers`) on a free loopback port, stopped on exit."""

    def __init__(self, app: str, env: dict, log: Path, chdir: Path = ROOT, workers: int = 2):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        self._process = subprocess.Popen(  # noqa: S603 - fixed arguments  # nosec B603
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(chdir),
                app,
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, path: str, every: float = 0.2) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                sys.exit(f"gunicorn exited; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2):  # noqa: S310 - loopback  # nosec B310
                    return
            except OSError:
                time.sleep(every)
        sys.exit(f"gunicorn did not answer; see {self._log.name}")

    def workers(self) -> list[int]:
        """The worker processes' ids: the master's children, read from /proc."""
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            except OSError:  # the process ended while we looked
                continue
            if int(fields["PPid"]) == self._process.pid:
                pids.append(int(status.parent.name))
        return pids

    def load(self, url: str, script: Path | None = None) -> Result:
        """wrk on ``url``, with the workers' CPU time per request."""
        before = sum(map(_cpu_seconds, self.workers()))
        result = wrk(url, script)
        result.cpu_ms = (sum(map(_cpu_seconds, self.workers())) - before) * 1000 / max(result.requests, 1)
        return result

    def worker_rss_mb(self) -> list[float]:
        """Resident memory (VmRSS) of each worker, in MB."""
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sorted(sizes)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._log.close()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * _UNITS[unit]


def wrk(url: str, script: Path | None = None, seconds: int = SECONDS) -> Result:
    args = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-H", f"User-Agent: {USER_AGENT}"]
    if script is not None:
        args += ["-s", str(script)]
    out = _run([*args, url], dict(os.environ))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Result(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)),
        p99_ms=_ms(re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        errors=errors,
    )


def _fetch(opener, url: str, data: dict | None = None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"User-Agent": USER_AGENT})  # noqa: S310 - loopback
    with opener.open(request, timeout=10) as response:
        return response.status, response.read().decode()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def signed_in_reply(base: str, topic_path: str) -> tuple[str, str, int]:
    """Sign the poster in; return its session cookie, the reply form's CSRF token and the topic page's bytes."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, login_page = _fetch(opener, base + "/login")
    _fetch(opener, base + "/login", {"csrf_token": _csrf(login_page), "pseudonym": POSTER, "password": POSTER_PASSWORD})
    _, topic_page = _fetch(opener, base + topic_path)
    if "Post reply" not in topic_page:
        sys.exit("the bench poster could not sign in")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, _csrf(topic_page), len(topic_page.encode())


def write_member_script(folder: Path, cookie: str) -> Path:
    script = folder / "member.lua"
    script.write_text(f'wrk.headers["Cookie"] = "{cookie}"\n')
    return script


def write_reply_script(folder: Path, cookie: str, token: str) -> Path:
    body = urllib.parse.urlencode({"csrf_token": token, "body": REPLY_TEXT, "content_note": ""})
    script = folder / "reply.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = "{cookie}"\n'
    )
    return script


def pick_pages(database_url: str) -> dict[str, str]:
    """The index, the busiest board's first page, and a topic whose first page shows 20 posts."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        topic_id, slug = conn.exec_driver_sql(
            "SELECT topic.id, board.slug FROM topic JOIN board ON board.id = topic.board_id "
            "WHERE topic.post_count BETWEEN 21 AND 40 AND NOT topic.is_locked ORDER BY topic.id LIMIT 1"
        ).one()
        (board_slug,) = conn.exec_driver_sql(
            "SELECT board.slug FROM board ORDER BY board.topic_count DESC, board.id LIMIT 1"
        ).one()
    engine.dispose()
    topic = f"/boards/{slug}/topics/{topic_id}"
    return {"index": "/", "board": f"/boards/{board_slug}", "topic": topic, "member topic": topic}


def count_replies(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        written = conn.execute(
            text('SELECT count(*) FROM post JOIN "user" ON "user".id = post.author_id WHERE "user".pseudonym = :name'),
            {"name": POSTER},
        ).scalar_one()
    engine.dispose()
    return written


def page_sizes(base: str, pages: dict[str, str]) -> dict[str, int]:
    opener = urllib.request.build_opener()
    sizes = {}
    for name, path in pages.items():
        if name == "member topic":
            continue
        status, html = _fetch(opener, base + path)
        assert status == 200, (name, status)
        sizes[name] = len(html.encode())
        if name == "topic":
            shown = html.count('<article class="post')
            assert shown == 20, f"the topic page shows {shown} posts, not 20"
    return sizes


def explain_hot_queries(env: dict, pages: dict[str, str]) -> list[str]:
    """Catch the SQL each page runs (in-process, as a guest) and EXPLAIN QUERY PLAN every statement."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import event

    from forum import create_app
    from forum.extensions import db

    app = create_app()
    client = app.test_client()
    problems: list[str] = []
    with app.app_context():
        engine = db.engine
    for name in ("index", "board", "topic"):
        client.get(pages[name])  # warm caches, so only the page's own queries are caught
        caught: list[tuple[str, tuple]] = []

        def record(_conn, _cursor, statement, parameters, *_rest, into=caught):
            if statement.lstrip().upper().startswith("SELECT"):
                into.append((statement, parameters))

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get(pages[name]).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        print(f"\n{name} page ({pages[name]}): {len(caught)} queries")
        with engine.connect() as conn:
            for number, (statement, parameters) in enumerate(caught, 1):
                print(f"  {number}. {' '.join(statement.split())[:150]}")
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
                for row in plan:
                    detail = row[-1]
                    print(f"       {detail}")
                    if re.match(r"SCAN (post|topic|user)\b", detail) and "COVERING INDEX" not in detail:
                        problems.append(f"{name}: {detail}")
    return problems


@dataclass
class Run:
    """One database size: the forum's and the ceiling's results per page, and what the workers held."""

    posts: int
    seed_seconds: float
    sizes: dict[str, int]
    forum: dict[str, Result]
    ceiling: dict[str, Result]
    rss_mb: list[float]
    written: int
    database: str = "sqlite"


def bench_env(folder: Path, database_url: str) -> dict:
    return {
        **os.environ,
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "RATELIMIT_ENABLED": "0",
        "MEMBERS_ONLY": "0",
        "HOLD_FIRST_POSTS": "0",
        "SESSION_COOKIE_SECURE": "0",
        "LOG_LEVEL": "WARNING",
    }


def seed(env: dict, posts: int) -> float:
    """Migrate, seed ``posts`` posts and add the poster; the seed's wall time with the command's start-up."""
    _flask(env, "db", "upgrade")
    topics = max(1, posts // POSTS_PER_TOPIC)
    started = time.perf_counter()
    seeded = _flask(
        env, "demo", "seed", "--members", str(MEMBERS), "--topics", str(topics), "--posts", str(posts), "--seed", "1"
    )
    seconds = time.perf_counter() - started
    _flask(env, "users", "create", POSTER, stdin=POSTER_PASSWORD + "\n")
    print(f"  {seeded.strip()} ({seconds:.1f} s with the command's start-up)", flush=True)
    return seconds


def measure(
    env: dict, folder: Path, posts: int, pages: dict[str, str], only: tuple[str, ...] = PAGES, ceiling: bool = True
) -> Run:
    """Load the forum, then (unless ``ceiling`` is off) the ceiling at the same byte counts, page by page."""
    forum: dict[str, Result] = {}
    with Server("wsgi:app", env, folder / "forum.log") as server:
        server.wait("/healthz")
        sizes = page_sizes(server.base, pages)
        cookie, token, sizes["member topic"] = signed_in_reply(server.base, pages["topic"])
        member = write_member_script(folder, cookie)
        scripts = {"member topic": member}
        for name in only[:-1] if only[-1] == "reply" else only:
            wrk(server.base + pages[name], scripts.get(name), seconds=2)  # warm-up
            forum[name] = server.load(server.base + pages[name], scripts.get(name))
        rss = server.worker_rss_mb()
        if "reply" in only:
            forum["reply"] = server.load(
                f"{server.base}{pages['topic']}/reply", write_reply_script(folder, cookie, token)
            )
    written = count_replies(env["DATABASE_URL"])
    database = env["DATABASE_URL"].split(":", 1)[0].split("+", 1)[0]
    top = measure_ceiling(env, folder, sizes, list(forum)) if ceiling else {}
    return Run(posts, 0.0, sizes, forum, top, rss, written, database)


def measure_ceiling(env: dict, folder: Path, sizes: dict[str, int], names: list[str]) -> dict[str, Result]:
    ceiling: dict[str, Result] = {}
    with Server("ceiling:app", env, folder / "ceiling.log", chdir=ROOT / "bench") as server:
        server.wait("/page/100")
        wrk(f"{server.base}/page/{sizes['topic']}", seconds=2)  # warm-up
        for name in names:
            if name == "reply":
                ceiling[name] = server.load(f"{server.base}/reply", _post_script(folder))
            else:
                ceiling[name] = server.load(f"{server.base}/page/{sizes[name]}")
    return ceiling


def measure_size(folder: Path, posts: int) -> tuple[Run, dict, dict[str, str]]:
    db_path = folder / f"bench-{posts}.db"
    env = bench_env(folder, f"sqlite:///{db_path}")
    print(f"\n{posts:,} posts on SQLite:", flush=True)
    seconds = seed(env, posts)
    pages = pick_pages(env["DATABASE_URL"])
    run = measure(env, folder, posts, pages)
    run.seed_seconds = seconds
    return run, env, pages


def measure_postgres(folder: Path, posts: int, ceiling: Result) -> tuple[Run, str] | None:
    """The reply on a throwaway PostgreSQL (this script again, under .ci/services.sh); None without PostgreSQL.

    The ceiling's redirecting POST needs no database, so the SQLite run's figure serves for it."""
    out = _run(
        [
            str(ROOT / ".ci" / "services.sh"),
            "postgres",
            "--",
            sys.executable,
            __file__,
            "--postgres",
            str(posts),
            str(folder),
        ],
        dict(os.environ),
    )
    print(out.rstrip())
    report = folder / "postgres.txt"
    if not report.exists():
        return None
    fields = report.read_text().split("\n", 1)
    rps, p50, p99, requests, errors, written = fields[0].split()
    run = Run(
        posts,
        0.0,
        {},
        {"reply": Result(float(rps), float(p50), float(p99), int(requests), int(errors))},
        {"reply": ceiling},
        [],
        int(written),
        "postgresql",
    )
    return run, fields[1]


def postgres_child(posts: int, folder: Path) -> None:
    """Under .ci/services.sh: seed PostgreSQL, measure the reply, list its statements, write the figures."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return
    env = bench_env(folder, url)
    print(f"\n{posts:,} posts on PostgreSQL (fsync off), reply only:", flush=True)
    seed(env, posts)
    pages = pick_pages(url)
    run = measure(env, folder, posts, pages, only=("reply",), ceiling=False)
    statements = reply_statements(env, pages)
    reply = run.forum["reply"]
    (folder / "postgres.txt").write_text(
        f"{reply.rps} {reply.p50_ms} {reply.p99_ms} {reply.requests} {reply.errors} {run.written}\n{statements}"
    )


def reply_statements(env: dict, pages: dict[str, str]) -> str:
    script = ROOT / "bench" / "reply_statements.py"
    return _run([sys.executable, str(script), POSTER, POSTER_PASSWORD, pages["topic"]], env).rstrip()


def cold_start(env: dict, folder: Path, pages: dict[str, str]) -> tuple[float, float, float]:
    """A fresh gunicorn with one worker, three times: the median seconds from spawning it to the index's first 200
    (its master's start included), the worker's CPU seconds by then (steady even on a busy machine), and the
    worker's MB after the index, board and topic pages."""
    runs = []
    for attempt in range(3):
        started = time.perf_counter()
        with Server("wsgi:app", env, folder / f"cold-{attempt}.log", workers=1) as server:
            server.wait(pages["index"], every=0.01)
            seconds = time.perf_counter() - started
            (worker,) = server.workers()
            cpu = _cpu_seconds(worker)
            opener = urllib.request.build_opener()
            for name in ("board", "topic"):
                _fetch(opener, server.base + pages[name])
            runs.append((seconds, cpu, max(server.worker_rss_mb())))
    runs.sort()
    return runs[1]


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def flagger() -> tuple[str, str]:
    """The flagger's typical time per 2,000-character post, and its worst case on 20,000-character posts."""
    typical = _run([sys.executable, str(ROOT / "bench" / "bench_crisis.py")], dict(os.environ))
    worst = _run([sys.executable, str(ROOT / "bench" / "crisis_worst_case.py")], dict(os.environ))
    cpu_us = re.search(r"CPU: [\d,]+ posts/s, ([\d,]+) us per post", typical).group(1)
    long_typical = re.search(r"typical posts of [\d,]+ characters: mean ([\d.]+) ms", worst).group(1)
    worst_line = re.search(r"worst case: ([\d.]+) ms \((.*)\)", worst)
    return (
        f"{cpu_us} µs CPU per 2,000-character post; {long_typical} ms per 20,000-character one",
        f"{worst_line.group(1)} ms CPU ({worst_line.group(2)}), target < 50 ms",
    )


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: as root, apt-get install wrk (make bench does this)")
    started = datetime.now(UTC)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="forum-bench-") as tmp:
        folder = Path(tmp)
        env, pages = {}, {}
        for posts in SIZES:
            run, env, pages = measure_size(folder, posts)
            runs.append(run)
        statements = {"sqlite": reply_statements(env, pages)}
        cold = cold_start(env, folder, pages)
        if POSTGRES:
            measured = measure_postgres(folder, SIZES[0], runs[0].ceiling["reply"])
            if measured is not None:
                runs.append(measured[0])
                statements["postgresql"] = measured[1]
        typical, worst = flagger()
        print_table(runs, cold, typical, worst)
        print()
        for listing in statements.values():
            print(listing)
        problems = explain_hot_queries(env, pages)
    print(
        "\nQuery plans: "
        + ("every hot query uses an index (no SCAN of post, topic or user)" if not problems else "MISS")
    )
    for problem in problems:
        print(f"  {problem}")
    if SEARCH_POSTS:
        print(f"\nSearch at {SEARCH_POSTS:,} posts (bench/search_plans.py):")
        search = [sys.executable, str(ROOT / "bench" / "search_plans.py"), "--posts", str(SEARCH_POSTS)]
        print(_run([str(ROOT / ".ci" / "services.sh"), "postgres", "--", *search], dict(os.environ)).rstrip())
    print(f"\nStarted {started:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores; {SECONDS} s per wrk run.")


def _post_script(folder: Path) -> Path:
    script = folder / "ceiling_post.lua"
    script.write_text('wrk.method = "POST"\nwrk.body = "body=x"\n')
    return script


def print_table(runs: list[Run], cold: tuple[float, float, float], typical: str, worst: str) -> None:
    print(f"\nwrk: {CONNECTIONS} connections, {THREADS} threads, {SECONDS} s each; gunicorn, 2 sync workers\n")
    header = (
        f"{'posts':>10}  {'db':<7}{'page':<13}{'bytes':>7}{'req/s':>8}{'ceiling':>9}{'ratio':>7}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'cpu ms':>8}{'cpu ratio':>10}"
    )
    rule = "-" * len(header)
    print(header)
    print(rule)
    for run in runs:
        for number, (name, result) in enumerate(run.forum.items()):
            top = run.ceiling[name]
            size = f"{run.sizes[name]:,}" if name in run.sizes else "-"
            posts = f"{run.posts:,}" if number == 0 else ""
            print(
                f"{posts:>10}  {run.database[:6]:<7}{name:<13}{size:>7}{result.rps:>8.0f}{top.rps:>9.0f}"
                f"{result.rps / top.rps:>7.2f}{result.p50_ms:>8.1f}{result.p99_ms:>8.1f}{result.errors:>7}"
                f"{result.cpu_ms:>8.2f}{top.cpu_ms / result.cpu_ms if result.cpu_ms else 0:>10.2f}"
            )
        if run.rss_mb:
            workers = " and ".join(f"{mb:.0f}" for mb in run.rss_mb)
            print(f"{'':>10}  worker RSS after the pages: {workers} MB; seeded in {run.seed_seconds:.1f} s")
        print(f"{'':>10}  reply: {run.written} replies stored for {run.forum['reply'].requests} POSTs sent")
    print(rule)
    print(
        f"{'run':>10}  cold start (gunicorn spawned to the index's first 200, 1 worker): {cold[0]:.2f} s;"
        f" the worker's CPU by then {cold[1]:.2f} s"
    )
    print(f"{'':>10}  a fresh worker's RSS after the index, board and topic pages: {cold[2]:.0f} MB")
    print(f"{'':>10}  crisis flagger, typical: {typical}")
    print(f"{'':>10}  crisis flagger, worst case: {worst}")
    print("\nTargets:")
    for run in runs:
        for name, target in RATIO_TARGETS.items():
            if name in run.forum:
                ratio = run.forum[name].rps / run.ceiling[name].rps
                print(
                    f"  {_verdict(ratio >= target)}  {run.posts:,} {name}: {ratio:.2f} of the ceiling (target >= {target})"
                )
        for name, result in run.forum.items():
            print(
                f"  {_verdict(result.p99_ms < P99_TARGET_MS)}  {run.posts:,} {run.database} {name}: p99 {result.p99_ms:.1f} ms (target < {P99_TARGET_MS:.0f})"
            )
        if run.rss_mb:
            print(
                f"  {_verdict(max(run.rss_mb) < RSS_TARGET_MB)}  {run.posts:,} worker RSS {max(run.rss_mb):.0f} MB (target < {RSS_TARGET_MB})"
            )
    print(
        f"  {_verdict(cold[0] < COLD_START_TARGET_S)}  cold start {cold[0]:.2f} s (target < {COLD_START_TARGET_S:.0f} s)"
    )


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


if __name__ == "__main__":
    if sys.argv[1:2] == ["--postgres"]:
        postgres_child(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()

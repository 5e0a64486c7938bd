"""`make bench`: the forum under load next to a bare Flask "ceiling", query plans, and the flagger.

1. A fresh SQLite database in a temporary folder: `flask db upgrade`, then `flask demo seed`
   (6 boards, 2,000 members, 5,000 topics, 100,000 posts) and one account to post replies.
2. gunicorn, 2 sync workers on a free loopback port, serves the forum (rate limits off, members-only
   off, first posts not held); wrk (16 connections, 2 threads, --latency) measures the index, a board
   page, a topic page showing 20 posts (as a guest) and posting a reply (signed in, with a CSRF token).
3. The same gunicorn settings then serve bench/ceiling.py, pages of the same byte counts and a
   redirecting POST, measured the same way. The two never run at once.
4. A table with requests/s, p50, p99 and the ratio to the ceiling; PASS/MISS for the targets
   (topic and board pages at half the ceiling's rate or better; p99 under 50 ms).
5. EXPLAIN QUERY PLAN for every query the index, board and topic pages run, caught in-process.
6. The crisis flagger's posts per second (bench/bench_crisis.py) and its worst case on 20,000-character
   adversarial posts (bench/crisis_worst_case.py).
7. Search at BENCH_SEARCH_POSTS posts (default 1,000,000; 0 skips it): bench/search_plans.py prints
   EXPLAIN for each search query and its time, on SQLite and on a throwaway PostgreSQL cluster
   (.ci/services.sh postgres; SQLite only when PostgreSQL is not installed). Seeding takes minutes.

The machine is shared and has 2 cores for wrk, gunicorn and everything else: figures are noisy.
Environment: BENCH_SECONDS (default 10), BENCH_POSTS/BENCH_TOPICS/BENCH_MEMBERS to seed less.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess  # noqa: S404 - the bench starts its own servers and tools  # nosec B404
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
MEMBERS = int(os.environ.get("BENCH_MEMBERS", "2000"))
TOPICS = int(os.environ.get("BENCH_TOPICS", "5000"))
POSTS = int(os.environ.get("BENCH_POSTS", "100000"))
SEARCH_POSTS = int(os.environ.get("BENCH_SEARCH_POSTS", "1000000"))
CONNECTIONS, THREADS = 16, 2
USER_AGENT = "forum-bench"
POSTER = "bench_poster"
POSTER_PASSWORD = secrets.token_urlsafe(18)
REPLY_TEXT = "Thanks for sharing this. Having a plan for the weekend makes a big difference for me too."
P99_TARGET_MS = 50.0
RATIO_TARGET = 0.5


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


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
    """gunicorn with 2 workers on a free loopback port, stopped on exit."""

    def __init__(self, app: str, env: dict, log: Path, chdir: Path = ROOT):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._log = log.open("w")
        self._process = subprocess.Popen(  # noqa: S603 - fixed arguments  # nosec B603
            [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "--chdir", str(chdir), app],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                sys.exit(f"gunicorn exited; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2):  # noqa: S310 - loopback  # nosec B310
                    return
            except OSError:
                time.sleep(0.2)
        sys.exit(f"gunicorn did not answer; see {self._log.name}")

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


def signed_in_reply(base: str, topic_path: str) -> tuple[str, str]:
    """Sign the poster in; return its session cookie and the reply form's CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _, login_page = _fetch(opener, base + "/login")
    _fetch(opener, base + "/login", {"csrf_token": _csrf(login_page), "pseudonym": POSTER, "password": POSTER_PASSWORD})
    _, topic_page = _fetch(opener, base + topic_path)
    if "Post reply" not in topic_page:
        sys.exit("the bench poster could not sign in")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, _csrf(topic_page)


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


def pick_pages(db_path: Path) -> dict[str, str]:
    """The index, the busiest board's first page, and a topic whose first page shows 20 posts."""
    with sqlite3.connect(db_path) as conn:
        topic_id, slug = conn.execute(
            "SELECT topic.id, board.slug FROM topic JOIN board ON board.id = topic.board_id "
            "WHERE topic.post_count BETWEEN 21 AND 40 AND NOT topic.is_locked ORDER BY topic.id LIMIT 1"
        ).fetchone()
    return {"index": "/", "board": f"/boards/{slug}", "topic": f"/boards/{slug}/topics/{topic_id}"}


def page_sizes(base: str, pages: dict[str, str]) -> dict[str, int]:
    opener = urllib.request.build_opener()
    sizes = {}
    for name, path in pages.items():
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


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: as root, apt-get install wrk (make bench does this)")
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="forum-bench-") as tmp:
        folder = Path(tmp)
        db_path = folder / "bench.db"
        env = {
            **os.environ,
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{db_path}",
            "RATELIMIT_ENABLED": "0",
            "MEMBERS_ONLY": "0",
            "HOLD_FIRST_POSTS": "0",
            "SESSION_COOKIE_SECURE": "0",
            "LOG_LEVEL": "WARNING",
        }
        _flask(env, "db", "upgrade")
        t0 = time.perf_counter()
        seeded = _flask(
            env,
            "demo",
            "seed",
            "--members",
            str(MEMBERS),
            "--topics",
            str(TOPICS),
            "--posts",
            str(POSTS),
            "--seed",
            "1",
        ).strip()
        seed_wall = time.perf_counter() - t0
        _flask(env, "users", "create", POSTER, stdin=POSTER_PASSWORD + "\n")
        print(f"{seeded} ({seed_wall:.1f} s with the command's start-up)")
        pages = pick_pages(db_path)

        forum: dict[str, Result] = {}
        with Server("wsgi:app", env, folder / "forum.log") as server:
            server.wait("/healthz")
            sizes = page_sizes(server.base, pages)
            for path in pages.values():
                wrk(server.base + path, seconds=2)  # warm-up
            for name, path in pages.items():
                forum[name] = wrk(server.base + path)
            cookie, token = signed_in_reply(server.base, pages["topic"])
            script = write_reply_script(folder, cookie, token)
            forum["reply"] = wrk(f"{server.base}{pages['topic']}/reply", script)
        with sqlite3.connect(db_path) as conn:
            written = conn.execute(
                "SELECT count(*) FROM post JOIN user ON user.id = post.author_id WHERE user.pseudonym = ?", (POSTER,)
            ).fetchone()[0]

        ceiling: dict[str, Result] = {}
        with Server("ceiling:app", env, folder / "ceiling.log", chdir=ROOT / "bench") as server:
            server.wait("/page/100")
            wrk(f"{server.base}/page/{sizes['topic']}", seconds=2)  # warm-up
            for name in pages:
                ceiling[name] = wrk(f"{server.base}/page/{sizes[name]}")
            ceiling["reply"] = wrk(f"{server.base}/reply", _post_script(folder))

        print_table(forum, ceiling, sizes, written)
        problems = explain_hot_queries(env, pages)
    print(
        "\nQuery plans: "
        + ("every hot query uses an index (no SCAN of post, topic or user)" if not problems else "MISS")
    )
    for problem in problems:
        print(f"  {problem}")
    print("\nCrisis flagger (bench/bench_crisis.py):")
    print(_run([sys.executable, str(ROOT / "bench" / "bench_crisis.py")], dict(os.environ)).rstrip())
    print("\nCrisis flagger, worst case (bench/crisis_worst_case.py):")
    print(_run([sys.executable, str(ROOT / "bench" / "crisis_worst_case.py")], dict(os.environ)).rstrip())
    if SEARCH_POSTS:
        print(f"\nSearch at {SEARCH_POSTS:,} posts (bench/search_plans.py):")
        search = [sys.executable, str(ROOT / "bench" / "search_plans.py"), "--posts", str(SEARCH_POSTS)]
        print(_run([str(ROOT / ".ci" / "services.sh"), "postgres", "--", *search], dict(os.environ)).rstrip())
    print(f"\nStarted {started:%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores; {SECONDS} s per wrk run.")


def _post_script(folder: Path) -> Path:
    script = folder / "ceiling_post.lua"
    script.write_text('wrk.method = "POST"\nwrk.body = "body=x"\n')
    return script


def print_table(forum: dict[str, Result], ceiling: dict[str, Result], sizes: dict[str, int], written: int) -> None:
    print(f"\nwrk: {CONNECTIONS} connections, {THREADS} threads, {SECONDS} s each; gunicorn, 2 sync workers\n")
    header = f"{'page':<8}{'bytes':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}  |{'ceiling req/s':>14}{'p50':>7}{'p99':>7}  |{'ratio':>7}"
    print(header)
    print("-" * len(header))
    for name, result in forum.items():
        top = ceiling[name]
        size = sizes.get(name, 0)
        print(
            f"{name:<8}{size:>8}{result.rps:>9.0f}{result.p50_ms:>9.1f}{result.p99_ms:>9.1f}{result.errors:>8}  |"
            f"{top.rps:>14.0f}{top.p50_ms:>7.1f}{top.p99_ms:>7.1f}  |{result.rps / top.rps:>7.2f}"
        )
    print(
        f"\nreply: {written} replies stored for {forum['reply'].requests} POSTs sent (errors above are non-3xx answers)"
    )
    print("\nTargets:")
    for name in ("board", "topic"):
        ratio = forum[name].rps / ceiling[name].rps
        verdict = "PASS" if ratio >= RATIO_TARGET else "MISS"
        print(f"  {verdict}  {name} page at {ratio:.2f} of the ceiling's rate (target >= {RATIO_TARGET})")
    for name, result in forum.items():
        verdict = "PASS" if result.p99_ms < P99_TARGET_MS else "MISS"
        print(f"  {verdict}  {name} p99 {result.p99_ms:.1f} ms (target < {P99_TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()

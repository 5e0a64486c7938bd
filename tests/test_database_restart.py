"""A PostgreSQL restart (or a proxy dropping idle connections) costs no member a failed page.

The restart tests stop and start the throwaway server of `.ci/services.sh` (found through
`SHOW data_directory`) under a live gunicorn while members read and post.
"""

import http.cookiejar
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from glob import glob
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from forum.config import PROJECT_ROOT
from forum.extensions import db
from tests.apps import fresh_postgres_database
from tests.factories import PASSWORD, make_board, make_topic, make_user

READERS = 20
POSTERS = 3
# The server is down this long, as in the 1.7 s restart the issue measured.
OUTAGE_SECONDS = 1.5


@pytest.fixture
def postgres_app(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (make test runs the suite there too)")
    return app


def test_pages_survive_the_server_dropping_every_pooled_connection(postgres_app):
    make_board(name="After restart")
    client = postgres_app.test_client()
    assert client.get("/").status_code == 200
    db.session.remove()  # the request's connection is back in the pool, idle

    killer = create_engine(db.engine.url)
    with killer.connect() as conn:
        dropped = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    killer.dispose()
    assert dropped >= 1

    response = client.get("/")
    assert response.status_code == 200
    assert "After restart" in response.text


def test_a_page_whose_connection_dies_after_it_was_built_still_answers(postgres_app):
    make_board(name="Evenings")
    killer = create_engine(db.engine.url)

    @postgres_app.after_request
    def server_drops_the_connection(response):
        # The page is built; the server goes away before the request's session is closed.
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        with killer.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return response

    answers = []
    # In a thread of its own, the request gets its own app context, torn down as gunicorn's would be.
    request = threading.Thread(target=lambda: answers.append(postgres_app.test_client().get("/")))
    request.start()
    request.join(timeout=60)
    killer.dispose()
    assert answers[0].status_code == 200 and "Evenings" in answers[0].text


def test_a_signed_in_read_that_loses_its_connection_midway_is_retried(postgres_app):
    from flask import before_render_template

    board = make_board(name="Evenings")
    topic_url = f"/boards/{board.slug}/topics/{make_topic(board, make_user('river'), title='Forty days').id}"
    client = postgres_app.test_client()
    client.post("/login", data={"pseudonym": "river", "password": PASSWORD})
    killer = create_engine(db.engine.url)
    killed = []

    def server_drops_the_connection(_app, **_context):
        # The member and the topic are loaded; the header's queries are still to come.
        if not killed:
            pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
            with killer.connect() as conn:
                killed.append(conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar())

    answers = []
    with before_render_template.connected_to(server_drops_the_connection, postgres_app):
        # In a thread of its own, the request gets its own app context, as under gunicorn.
        request = threading.Thread(target=lambda: answers.append(client.get(topic_url)))
        request.start()
        request.join(timeout=60)
    killer.dispose()
    assert killed == [True]
    assert answers[0].status_code == 200
    assert "Forty days" in answers[0].text and "river" in answers[0].text


# A live server, and a PostgreSQL cluster the test may stop and start ----------------------------


class Cluster:
    """The test PostgreSQL server, stopped and started with its own pg_ctl."""

    def __init__(self, url: str):
        engine = create_engine(url)
        with engine.connect() as conn:
            self.data_dir = conn.execute(text("SHOW data_directory")).scalar()
        engine.dispose()
        self.pg_ctl = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1:] or ["pg_ctl"]
        # `pg_ctl start` does not reuse the running server's options (port, socket folder); keep them.
        words = shlex.split(Path(self.data_dir, "postmaster.opts").read_text())
        self.options = shlex.join(words[3:] if words[1:2] == ["-D"] else words[1:])

    def _run(self, *args: str) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*as_postgres, *self.pg_ctl, "-D", self.data_dir, "-l", f"{self.data_dir}/log", "-w", *args]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603 - fixed arguments

    def stop(self) -> None:
        self._run("-m", "fast", "stop")

    def start(self) -> None:
        self._run("-o", self.options, "start")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(url: str) -> str:
    from forum import create_app
    from forum.config import TestConfig

    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, TestConfig)
    with app.app_context():
        board = make_board(slug="restart")
        for i in range(POSTERS):
            make_user(f"poster{i}")
        topic_url = f"/boards/restart/topics/{make_topic(board, make_user('starter'), title='Evenings').id}"
        db.session.remove()
        db.engine.dispose()
    return topic_url


@pytest.fixture(scope="module")
def live_forum(tmp_path_factory):
    """gunicorn on a fresh database of the test server; yields (base URL, database URL, cluster)."""
    server_url = os.environ.get("TEST_DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        pytest.skip("needs PostgreSQL (make test runs the suite there too)")
    cluster = Cluster(server_url)
    with fresh_postgres_database(server_url, "restart") as url:
        env = dict(
            os.environ,
            SECRET_KEY="restart-test-" + "x" * 40,
            DATABASE_URL=url,
            SESSION_COOKIE_SECURE="0",
            RATELIMIT_ENABLED="0",
            ALERT_WORKER="0",
            HOLD_FIRST_POSTS="0",
            LOG_LEVEL="WARNING",
        )
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        topic_url = _seed(url)
        port = _free_port()
        log_path = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
        log = log_path.open("wb")
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "8", "--bind", f"127.0.0.1:{port}"]
            + ["wsgi:app"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base, server, log_path)
            yield base, url, cluster, topic_url
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
            if not _answers(url):
                cluster.start()
        # Any traceback gunicorn logged is a failure, whichever test caused it.
        stderr = log_path.read_text()
        assert "Traceback" not in stderr, stderr[stderr.index("Traceback") - 500 :]


def _wait_for(base: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            # Polling for the server to come up; there is nothing else to wait on.
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start: " + log_path.read_text()[-2000:])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )
        self.token = ""

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode(errors="replace"), error.headers.get("Location", "")

    def sign_in(self, pseudonym: str) -> None:
        _, page, _ = self.open("/login")
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _, _ = self.open("/login", {"pseudonym": pseudonym, "password": PASSWORD})
        assert status == 302, f"sign-in answered {status}"


def _is_forum_page(page: str) -> bool:
    return "Dual Recovery Forum" in page and "Get help now" in page


@pytest.mark.slow
@pytest.mark.postgres
def test_a_restart_under_load_gives_no_500_and_keeps_every_post(live_forum):
    base, url, cluster, topic_url = live_forum
    posters = [Browser(base) for _ in range(POSTERS)]
    for i, poster in enumerate(posters):
        poster.sign_in(f"poster{i}")
    reads: list[tuple[float, int, str]] = []
    posts: list[tuple[str, int, str]] = []
    problems: list[str] = []
    stop = threading.Event()
    in_flight = [0]
    lock = threading.Lock()

    def timed(browser: Browser, path: str, data: dict | None = None) -> tuple[float, int, str, str]:
        """The request's start time and its answer."""
        with lock:
            in_flight[0] += 1
        try:
            return (time.monotonic(), *browser.open(path, data))
        finally:
            with lock:
                in_flight[0] -= 1

    def read(n: int) -> None:
        browser = Browser(base)
        paths = ["/", topic_url, "/boards/restart"]
        try:
            while not stop.is_set():
                reads.append(timed(browser, paths[n % 3])[:3])
                n += 1
        except Exception as error:  # noqa: BLE001 - reported by the test
            problems.append(repr(error))

    def post(index: int) -> None:
        browser, n = posters[index], 0
        try:
            while not stop.is_set():
                n += 1
                body = f"Evening {n} from poster {index}: I kept busy and it passed. {time.monotonic()}"
                _, status, page, _ = timed(browser, f"{topic_url}/reply", {"body": body})
                posts.append((body, status, page))
                if status == 302:
                    reads.append(timed(browser, topic_url)[:3])
        except Exception as error:  # noqa: BLE001 - reported by the test
            problems.append(repr(error))

    threads = [threading.Thread(target=read, args=(i,)) for i in range(READERS)]
    threads += [threading.Thread(target=post, args=(i,)) for i in range(POSTERS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)  # load before the restart
        busy_at_stop = in_flight[0]
        stopped_at = time.monotonic()
        cluster.stop()
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        back_at = time.monotonic()
        time.sleep(2.5)  # load after it
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        if not _answers(url):
            cluster.start()

    assert not problems, problems[:3]
    assert busy_at_stop > 0, "no request was in flight when the server stopped"
    read_statuses = [status for _, status, _ in reads]
    post_statuses = [status for _, status, _ in posts]
    print(
        f"\nreads: {len(reads)}, {read_statuses.count(503)} answered 503 "
        f"({read_statuses.count(503) / len(reads):.1%}); posts: {len(posts)}, "
        f"{post_statuses.count(503)} answered 503 ({post_statuses.count(503) / len(posts):.1%})"
    )
    assert set(read_statuses) <= {200, 503}, sorted(set(read_statuses))
    # A read that lost its connection waits for the server and runs again; only an outage longer than
    # that wait (a slow start on a busy machine) may leave a read with the 503 page.
    assert read_statuses.count(503) <= len(reads) // 100, f"{read_statuses.count(503)} of {len(reads)} reads"
    assert set(post_statuses) <= {302, 503}, sorted(set(post_statuses))
    assert all(_is_forum_page(page) for _, status, page in reads if status == 503)
    # A refused post comes back with its text, to copy and send again.
    assert all(body in page for body, status, page in posts if status == 503)
    assert any(at < stopped_at for at, _, _ in reads)
    # Reads sent once the server is back succeed again.
    after = [status for at, status, _ in reads if at > back_at]
    assert after and set(after) == {200}

    accepted = [body for body, status, _ in posts if status == 302]
    assert accepted
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT body, count(*) FROM post GROUP BY body")).all())
    engine.dispose()
    assert [body for body in accepted if stored.get(body) != 1] == []


def _answers(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_a_stopped_server_gets_the_forum_page_and_the_post_back(live_forum):
    base, url, cluster, topic_url = live_forum
    member = Browser(base)
    member.sign_in("poster0")
    assert member.open(topic_url)[0] == 200
    body = "Thirty days today. I wanted to say thank you to everyone here."

    cluster.stop()
    try:
        read = member.open(topic_url)
        refused = member.open(f"{topic_url}/reply", {"body": body})
        health = member.open("/healthz")
        missing = member.open("/no-such-page")
    finally:
        cluster.start()

    assert read[0] == 503 and _is_forum_page(read[1])
    assert refused[0] == 503 and _is_forum_page(refused[1]) and body in refused[1]
    assert "Sign in" not in refused[1]  # the header left out what it couldn't look up
    assert health[0] == 503
    assert missing[0] == 503 and _is_forum_page(missing[1])  # the 404 page can't look the member up either
    # The member is still signed in once the server is back, and the page reads again.
    page = member.open(topic_url)
    assert page[0] == 200 and "poster0" in page[1]

"""Ten requests sent at once get no more than the limit: allowances are counted before the work.

A live gunicorn serves the forum; ten threads share one member's session and send together. Runs
with in-memory counters (one process, ten threads) and with Redis (four processes) when
TEST_REDIS_URL is set, on SQLite or on PostgreSQL when TEST_DATABASE_URL points there.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from sqlalchemy import create_engine, text

from forum.config import PROJECT_ROOT
from tests.security.test_concurrency import PASSWORD, _database, _drop_everything, _free_port, _NoRedirect

AT_ONCE = 10
POSTS_PER_MINUTE = 5  # forum.ratelimits.POSTING_LIMIT
WORRIED_PER_DAY = 5  # forum.moderation.reports.WORRIED_REPORTS_PER_DAY


def _seed(url: str) -> dict:
    from forum import create_app
    from forum.config import TestConfig
    from forum.extensions import db
    from tests.factories import make_board, make_post, make_topic, make_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1)}, TestConfig)
    with app.app_context():
        board = make_board(slug="race")
        racer = make_user("racer")
        other = make_user("other")
        topic = make_topic(board, other, title="seed")
        posts = [make_post(topic, other, body=f"post {n}").id for n in range(AT_ONCE)]
        seeded = {"racer": racer.id, "topic": topic.id, "posts": posts}
        db.session.remove()
        db.engine.dispose()
    return seeded


def _serve(url: str, port: int, storage: str, workers: int, threads: int):
    env = dict(os.environ)
    env.update(
        SECRET_KEY="limits-test-" + "x" * 40,
        DATABASE_URL=url,
        SESSION_COOKIE_SECURE="0",
        RATELIMIT_ENABLED="1",
        RATELIMIT_STORAGE_URI=storage,
        RATELIMIT_KEY_PREFIX=f"at-once-{uuid.uuid4().hex[:8]}",
        ALERT_WORKER="0",
        HOLD_FIRST_POSTS="0",
        LOG_LEVEL="WARNING",
    )
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    command += ["--worker-class", "gthread", "--threads", str(threads), "wsgi:app"]
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            # Polling for the server to come up; nothing to wait on but the socket.
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode()[-2000:])


class Browser:
    """One member's browser: a cookie jar shared by the threads that send at once."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )

    def open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def sign_in(self, pseudonym: str) -> str:
        _, page = self.open("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _ = self.open("/login", {"csrf_token": token, "pseudonym": pseudonym, "password": PASSWORD})
        assert status == 302, status
        return token


def _all_at_once(requests: list[tuple[Browser, str, dict]]) -> list[int]:
    statuses: list[int] = [0] * len(requests)
    start = threading.Barrier(len(requests))

    def send(n: int, browser: Browser, path: str, data: dict) -> None:
        start.wait(timeout=60)
        statuses[n] = browser.open(path, data)[0]

    threads = [threading.Thread(target=send, args=(n, *request)) for n, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _storages() -> list:
    redis_url = os.environ.get("TEST_REDIS_URL")
    redis = pytest.param(
        (redis_url, 4, 3),
        id="redis-4-workers",
        marks=[] if redis_url else pytest.mark.skip(reason="TEST_REDIS_URL is not set (run under .ci/services.sh)"),
    )
    if not redis_url and os.environ.get("CI") == "true":
        redis = pytest.param((None, 4, 3), id="redis-4-workers")
    return [pytest.param(("memory://", 1, AT_ONCE), id="memory-1-worker-10-threads"), redis]


@pytest.mark.slow
@pytest.mark.parametrize("server_setup", _storages())
def test_ten_replies_and_ten_worried_reports_at_once_get_exactly_the_limit(tmp_path, server_setup):
    storage, workers, threads = server_setup
    assert storage, "TEST_REDIS_URL is not set; run under `.ci/services.sh redis -- ...`"
    url, shared = _database(tmp_path)
    port = _free_port()
    server = _serve(url, port, storage, workers, threads)
    try:
        seeded = _seed(url)
        browser = Browser(f"http://127.0.0.1:{port}")
        token = browser.sign_in("racer")
        reply = f"/boards/race/topics/{seeded['topic']}/reply"
        replies = _all_at_once(
            [(browser, reply, {"csrf_token": token, "body": f"at once {n}"}) for n in range(AT_ONCE)]
        )
        reports = _all_at_once(
            [
                (browser, f"/posts/{post_id}/report", {"csrf_token": token, "reason": "worried"})
                for post_id in seeded["posts"]
            ]
        )
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    try:
        assert b"Traceback" not in stderr, stderr.decode()[-3000:]
        assert sorted(replies) == [302] * POSTS_PER_MINUTE + [429] * (AT_ONCE - POSTS_PER_MINUTE), replies
        assert sorted(reports) == [302] * WORRIED_PER_DAY + [400] * (AT_ONCE - WORRIED_PER_DAY), reports
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            racer = {"racer": seeded["racer"]}
            posts = conn.execute(text("SELECT count(*) FROM post WHERE author_id = :racer"), racer).scalar()
            worried = conn.execute(text("SELECT count(*) FROM report WHERE reporter_id = :racer"), racer).scalar()
        engine.dispose()
        assert (posts, worried) == (POSTS_PER_MINUTE, WORRIED_PER_DAY)
    finally:
        if shared:
            _drop_everything(url)

"""50 members post at once to a live gunicorn server; nothing is lost, doubled or miscounted.

Runs on a temporary SQLite file, or on PostgreSQL when TEST_DATABASE_URL points there. The same
workload, longer and with more options, is `bench/soak.py`.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from forum.config import PROJECT_ROOT

MEMBERS = 50
WORKERS = 4
SECONDS = 8
SEED_TOPICS = 5
PASSWORD = "correct horse battery"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database(tmp_path: Path) -> tuple[str, bool]:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgres"):
        return url, True
    return f"sqlite:///{tmp_path / 'forum.db'}", False


def _env(url: str) -> dict:
    env = dict(os.environ)
    env.update(
        SECRET_KEY="concurrency-test-" + "x" * 40,
        DATABASE_URL=url,
        SESSION_COOKIE_SECURE="0",
        # Fifty sign-ins from one address would trip the per-address limit, which is tested elsewhere.
        RATELIMIT_ENABLED="0",
        ALERT_WORKER="0",
        HOLD_FIRST_POSTS="0",
        LOG_LEVEL="WARNING",
    )
    return env


def _seed(url: str) -> list[int]:
    """Members and a few topics, written with the app's own models."""
    from forum import create_app
    from forum.config import TestConfig
    from forum.extensions import db
    from tests.factories import make_board, make_topic, make_user

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1)}, TestConfig)
    with app.app_context():
        board = make_board(slug="load")
        for i in range(MEMBERS):
            make_user(f"load{i}")
        topics = [make_topic(board, make_user(f"starter{i}"), title=f"seed {i}").id for i in range(SEED_TOPICS)]
        db.session.remove()
        db.engine.dispose()
    return topics


class Member(threading.Thread):
    def __init__(self, base: str, index: int, topics: list[int], start: threading.Barrier, results: list, errors: list):
        super().__init__(daemon=True)
        self.base, self.index, self.topics, self.start_together = base, index, topics, start
        self.results, self.errors = results, errors
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )

    def _open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def run(self):
        try:
            status, page = self._open("/login")
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            status, _ = self._open(
                "/login", {"csrf_token": token, "pseudonym": f"load{self.index}", "password": PASSWORD}
            )
            assert status == 302, f"sign-in answered {status}"
            # Everyone signs in first (scrypt is slow on purpose), then all post at once.
            self.start_together.wait(timeout=300)
            until = time.monotonic() + SECONDS
            n = 0
            while n == 0 or time.monotonic() < until:
                n += 1
                marker = f"m{self.index}-{n}-{random.random()}"
                if n % 4 == 1:
                    status, _ = self._open(
                        "/boards/load/topics/new", {"csrf_token": token, "title": f"t {marker}", "body": marker}
                    )
                else:
                    topic = random.choice(self.topics)
                    status, _ = self._open(f"/boards/load/topics/{topic}/reply", {"csrf_token": token, "body": marker})
                self.results.append((marker, status))
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.errors.append(f"member {self.index}: {error!r}")


def _serve(url: str, port: int):
    env = _env(url)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
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


def _check_consistency(url: str, accepted: list[str]) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        bodies = {}
        for body, count in conn.execute(text("SELECT body, count(*) FROM post GROUP BY body")):
            bodies[body] = count
        missing = [m for m in accepted if bodies.get(m) != 1]
        assert not missing, f"{len(missing)} accepted posts not stored exactly once, e.g. {missing[:3]}"
        wrong_topics = conn.execute(
            text(
                "SELECT t.id, t.post_count, p.n, t.last_post_id, p.last_id, t.last_activity_at, lp.created_at "
                "FROM topic t LEFT JOIN (SELECT topic_id, count(*) AS n, max(id) AS last_id FROM post "
                "WHERE status = 'visible' GROUP BY topic_id) p ON p.topic_id = t.id "
                "LEFT JOIN post lp ON lp.id = p.last_id "
                "WHERE t.post_count != coalesce(p.n, 0) OR coalesce(t.last_post_id, 0) != coalesce(p.last_id, 0) "
                "OR (lp.id IS NOT NULL AND t.last_activity_at != lp.created_at)"
            )
        ).all()
        assert not wrong_topics, f"topics whose counts or last activity disagree with their posts: {wrong_topics[:5]}"
        wrong_boards = conn.execute(
            text(
                "SELECT b.id FROM board b LEFT JOIN (SELECT board_id, count(*) AS n, sum(post_count) AS posts, "
                "max(last_activity_at) AS last FROM topic WHERE status = 'visible' GROUP BY board_id) t "
                "ON t.board_id = b.id WHERE b.topic_count != coalesce(t.n, 0) "
                "OR b.post_count != coalesce(t.posts, 0) OR b.last_activity_at IS DISTINCT FROM t.last"
                if url.startswith("postgres")
                else "SELECT b.id FROM board b LEFT JOIN (SELECT board_id, count(*) AS n, sum(post_count) AS posts, "
                "max(last_activity_at) AS last FROM topic WHERE status = 'visible' GROUP BY board_id) t "
                "ON t.board_id = b.id WHERE b.topic_count != coalesce(t.n, 0) "
                "OR b.post_count != coalesce(t.posts, 0) OR b.last_activity_at IS NOT t.last"
            )
        ).all()
        assert not wrong_boards, f"boards whose counts disagree with their topics: {wrong_boards}"
    engine.dispose()


def _drop_everything(url: str) -> None:
    from forum import create_app
    from forum.config import TestConfig
    from forum.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1)}, TestConfig)
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()


@pytest.mark.slow
def test_fifty_members_posting_at_once_lose_nothing(tmp_path):
    url, shared = _database(tmp_path)
    port = _free_port()
    server = _serve(url, port)
    try:
        topics = _seed(url)
        results: list[tuple[str, int]] = []
        errors: list[str] = []
        start = threading.Barrier(MEMBERS)
        members = [Member(f"http://127.0.0.1:{port}", i, topics, start, results, errors) for i in range(MEMBERS)]
        for member in members:
            member.start()
        for member in members:
            member.join(timeout=SECONDS + 300)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    try:
        assert not errors, errors[:5]
        statuses = [s for _, s in results]
        assert statuses.count(302) >= MEMBERS, f"too few posts accepted: {len(statuses)} tried"
        assert not [s for s in statuses if s >= 500], f"server errors: {[s for s in statuses if s >= 500][:5]}"
        assert b"Traceback" not in stderr, stderr.decode()[-3000:]
        _check_consistency(url, [m for m, s in results if s == 302])
    finally:
        if shared:
            _drop_everything(url)

"""Alerts reach moderators through the outbox: real SMTP and HTTP servers on loopback."""

import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller

from forum import create_app
from forum.accounts.models import utcnow
from forum.boards import services as boards
from forum.config import TestConfig
from forum.crisis import alerts
from forum.crisis.models import AlertOutbox
from forum.extensions import db
from forum.worker import stop_worker
from tests.crisis.test_services import URGENT_TEXT
from tests.factories import make_board, make_user


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp_port():
    return _free_port()


def _start_smtp(inbox: Inbox, port: int) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def test_alert_survives_smtp_outage_and_restart_and_arrives_once(tmp_path, smtp_port):
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.db'}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "SMTP_SENDER": "alerts@forum.example",
        "ALERT_EMAIL_TO": ["oncall@example.org"],
        "ALERT_BASE_URL": "https://forum.example",
    }
    inbox = Inbox()
    server = _start_smtp(inbox, smtp_port)
    server.stop()  # the mail server is down when the crisis post arrives

    first = create_app(settings, config_class=TestConfig)
    with first.app_context():
        db.create_all()
        author = make_user("struggling")
        boards.create_topic(make_board(), author, title="tonight", body=URGENT_TEXT)
        assert alerts.deliver_due() == 0
        row = db.session.scalar(db.select(AlertOutbox))
        assert row.attempts == 1 and row.delivered_at is None and "Error" in row.last_error
        retry_at = row.next_attempt_at
        db.session.remove()
        db.engine.dispose()

    # The app restarts; the alert is still waiting, and is sent once the server is back.
    server = _start_smtp(inbox, smtp_port)
    try:
        second = create_app(settings, config_class=TestConfig)
        with second.app_context():
            assert alerts.backlog() == 1
            assert alerts.deliver_due(now=retry_at - timedelta(seconds=1)) == 0
            assert alerts.deliver_due(now=retry_at) == 1
            assert alerts.deliver_due(now=retry_at + timedelta(hours=1)) == 0
            assert alerts.backlog() == 0
            db.session.remove()
            db.engine.dispose()
    finally:
        server.stop()
    assert len(inbox.messages) == 1
    recipients, content = inbox.messages[0]
    assert recipients == ["oncall@example.org"]
    assert "URGENT" in content and "https://forum.example/moderation/items/1" in content
    assert "pills" not in content and "struggling" not in content


def test_retry_waits_grow(app):
    assert alerts._backoff(1) < alerts._backoff(2) < alerts._backoff(3)
    assert alerts._backoff(50) == timedelta(seconds=alerts.MAX_BACKOFF_SECONDS)


def test_claimed_row_is_not_sent_twice(app, smtp_port):
    inbox = Inbox()
    server = _start_smtp(inbox, smtp_port)
    try:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port, ALERT_EMAIL_TO=["a@example.org"])
        alerts.queue_alert("subject", "body")
        db.session.commit()
        row = db.session.scalar(db.select(AlertOutbox))
        now = utcnow()
        assert alerts._claim(row.id, now)  # another worker holds it
        assert alerts.deliver_due(now=now) == 0
        assert alerts.deliver_due(now=now + timedelta(seconds=alerts.CLAIM_SECONDS + 1)) == 1
    finally:
        server.stop()
    assert len(inbox.messages) == 1


def test_webhook_receives_json(app, member):
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        app.config["ALERT_WEBHOOK_URL"] = f"http://127.0.0.1:{httpd.server_port}/hook"
        boards.create_topic(make_board(), member, title="tonight", body=URGENT_TEXT)
        assert alerts.deliver_due() == 1
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert received[0]["event"] == "crisis_flag" and received[0]["level"] == "urgent"
    assert set(received[0]) == {"event", "level", "item_id", "url"}


def test_background_worker_delivers_within_seconds_of_the_post(tmp_path, smtp_port):
    import time

    inbox = Inbox()
    server = _start_smtp(inbox, smtp_port)
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'forum.db'}",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "ALERT_EMAIL_TO": ["oncall@example.org"],
        "ALERT_WORKER": True,
    }
    app = create_app(settings, config_class=TestConfig)
    try:
        with app.app_context():
            db.create_all()
            board = make_board()
            make_user("struggling")
            slug = board.slug
        client = app.test_client()
        client.post("/login", data={"pseudonym": "struggling", "password": "correct horse battery"})
        client.post(f"/boards/{slug}/topics/new", data={"title": "tonight", "body": URGENT_TEXT})
        deadline = time.monotonic() + 10
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting on another thread's delivery, bounded by the deadline
        assert len(inbox.messages) == 1
    finally:
        stop_worker(app)
        server.stop()
        with app.app_context():
            db.engine.dispose()

"""Alerts get through outages: of the database under `flask alerts deliver --loop`, and of SMTP.

Real servers on loopback (aiosmtpd), a real worker process; the SMTP outage is an hour long, so its
test moves `now` forward rather than waiting.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from forum import create_app
from forum.accounts.models import utcnow
from forum.boards import services as boards
from forum.config import PROJECT_ROOT, TestConfig
from forum.crisis import alerts
from forum.crisis.models import AlertOutbox
from forum.extensions import db
from tests.crisis.test_alerts import Inbox, _free_port, _start_smtp
from tests.crisis.test_services import CONCERN_TEXT, URGENT_TEXT
from tests.factories import make_board, make_user


@pytest.fixture
def smtp_port():
    return _free_port()


def _wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)  # waiting on another process, bounded by the deadline
    return condition()


@pytest.mark.slow
def test_the_delivery_loop_waits_out_a_missing_database_then_delivers(tmp_path, smtp_port):
    database = tmp_path / "not-yet" / "forum.db"  # SQLite can't open a file in a folder that isn't there
    url = f"sqlite:///{database}"
    inbox = Inbox()
    server = _start_smtp(inbox, smtp_port)
    log_path = tmp_path / "worker.log"
    env = dict(
        os.environ,
        SECRET_KEY="outage-test-" + "x" * 40,
        DATABASE_URL=url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        ALERT_EMAIL_TO="oncall@example.org",
        ALERT_WORKER="0",
        LOG_LEVEL="INFO",
    )
    with log_path.open("wb") as log:
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "flask", "--app", "wsgi", "alerts", "deliver", "--loop"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        # The database is away for two attempts and the backoff between them...
        assert _wait_until(lambda: log_path.read_text().count("database unavailable") >= 2, 30), log_path.read_text()
        assert worker.poll() is None, log_path.read_text()

        # ...then it is there, with an alert waiting.
        database.parent.mkdir()
        app = create_app({"SQLALCHEMY_DATABASE_URI": url}, config_class=TestConfig)
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port, ALERT_EMAIL_TO=["oncall@example.org"])
        with app.app_context():
            db.create_all()
            alerts.queue_alert("[URGENT] A post needs a moderator (item #1)", "Please open the queue.")
            db.session.commit()

            assert _wait_until(lambda: len(inbox.messages) == 1, 40), log_path.read_text()
            assert worker.poll() is None
            assert _wait_until(lambda: "database back" in log_path.read_text(), 10)
            db.session.remove()
            row = db.session.scalar(db.select(AlertOutbox))
            assert row.delivered_at is not None
            db.engine.dispose()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.stop()
    assert "Traceback" not in log_path.read_text()


def test_urgent_alerts_are_retried_every_minute_through_a_long_smtp_outage(app, smtp_port):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_port, ALERT_EMAIL_TO=["oncall@example.org"])
    board = make_board()
    boards.create_topic(board, make_user("struggling"), title="tonight", body=URGENT_TEXT)
    boards.create_topic(board, make_user("low"), title="lately", body=CONCERN_TEXT)
    urgent, concern = db.session.scalars(db.select(AlertOutbox).order_by(AlertOutbox.id)).all()
    assert alerts.is_urgent(urgent) and not alerts.is_urgent(concern)

    # The mail server is down for an hour; the worker tries whatever is due, whenever it is due.
    now, outage_ends = utcnow(), utcnow() + timedelta(hours=1)
    urgent_waits = []
    while now < outage_ends:
        before = urgent.next_attempt_at
        alerts.deliver_due(now=now)
        if urgent.next_attempt_at != before:
            urgent_waits.append(urgent.next_attempt_at - now)
        now = min(urgent.next_attempt_at, concern.next_attempt_at)
    assert urgent.delivered_at is None and concern.delivered_at is None
    assert max(urgent_waits) == timedelta(seconds=alerts.URGENT_MAX_BACKOFF_SECONDS)
    assert urgent.attempts >= 55  # about once a minute
    assert concern.next_attempt_at - now > timedelta(minutes=5)  # the others back off further

    # The server comes back: the urgent alert goes out within the minute, the other later.
    inbox = Inbox()
    server = _start_smtp(inbox, smtp_port)
    try:
        assert alerts.deliver_due(now=urgent.next_attempt_at) == 1
    finally:
        server.stop()
    assert urgent.delivered_at is not None and concern.delivered_at is None
    assert len(inbox.messages) == 1 and "URGENT" in inbox.messages[0][1]

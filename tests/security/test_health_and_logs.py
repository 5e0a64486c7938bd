"""/healthz answers for uptime checks; logs are JSON lines."""

import json
import logging

from forum import create_app
from forum.config import TestConfig
from forum.crisis.models import AlertOutbox
from forum.extensions import db
from forum.logs import JsonFormatter
from tests.apps import running_app


def test_healthz_reports_database_and_backlog(client):
    db.session.add(AlertOutbox(channel="webhook", recipients="http://x", subject="s", body="{}"))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "alert_backlog": 1}


def test_healthz_is_open_in_members_only_mode():
    with running_app({"MEMBERS_ONLY": True}) as app:
        assert app.test_client().get("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    missing = tmp_path / "no-such-dir" / "forum.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"}, config_class=TestConfig)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_json_formatter_escapes_the_message():
    record = logging.LogRecord("forum", logging.WARNING, __file__, 1, 'quote " and\nnewline %s', ("x",), None)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == 'quote " and\nnewline x'
    assert entry["level"] == "WARNING" and entry["logger"] == "forum"

"""`/healthz`: whether the database answers and takes writes, and how many alerts wait, for uptime checks."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from forum.crisis.alerts import backlog
from forum.extensions import db
from forum.faults import database_writable

log = logging.getLogger(__name__)


def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        waiting = backlog()
        writable = database_writable()
    except SQLAlchemyError as error:
        db.session.rollback()
        log.error("health check: database unreachable (%s)", type(error).__name__)
        return jsonify(status="unavailable", database="unreachable", alert_backlog=None), 503
    if not writable:
        # Pages still read, but no post, reply or sign-up can be saved: not ok.
        return jsonify(status="unavailable", database="read-only", alert_backlog=waiting), 503
    return jsonify(status="ok", database="ok", alert_backlog=waiting), 200


def register_health(app: Flask) -> None:
    # An app-level endpoint named "healthz", so members-only mode can leave it open.
    app.add_url_rule("/healthz", endpoint="healthz", view_func=healthz)

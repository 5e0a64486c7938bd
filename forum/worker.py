"""The alert worker: escalates unclaimed urgent items, then delivers the outbox's due alerts.

Production runs it as its own process (`flask alerts deliver --loop`). With ALERT_WORKER on, each
app also owns one thread (kept in `app.extensions`), started by its first request.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from forum.crisis.alerts import SEND_TIMEOUT_SECONDS, deliver_due, wake
from forum.extensions import db
from forum.moderation.oncall import escalate_unclaimed

log = logging.getLogger(__name__)

# How often the worker looks for retries that have come due.
POLL_SECONDS = 5
_KEY = "forum.alert_worker"
_started = threading.Lock()


def run_once() -> int:
    """One sweep: escalate urgent items no one claimed, then send what is due; returns how many were sent."""
    escalate_unclaimed()
    return deliver_due()


class AlertWorker:
    """One app's delivery thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="alert-outbox", daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            wake.wait(POLL_SECONDS)
            wake.clear()
            if self.stopping.is_set():
                return
            with self.app.app_context():
                try:
                    run_once()
                except Exception:  # the worker must outlive a database hiccup
                    log.exception("alert delivery failed")
                    db.session.rollback()
                finally:
                    db.session.remove()


def start_worker(app: Flask) -> None:
    """Start this app's delivery thread once; later calls do nothing."""
    with _started:
        worker = app.extensions.get(_KEY)
        if worker is not None and worker.thread.is_alive():
            return
        worker = app.extensions[_KEY] = AlertWorker(app)
        worker.thread.start()


def stop_worker(app: Flask) -> None:
    """Stop this app's delivery thread (tests, and clean shutdowns)."""
    with _started:
        worker = app.extensions.pop(_KEY, None)
        if worker is not None:
            worker.stopping.set()
            wake.set()
            worker.thread.join(timeout=SEND_TIMEOUT_SECONDS + 5)

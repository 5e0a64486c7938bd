import logging
import time

from flask import Flask, flash, g, render_template, request
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, PendingRollbackError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import Forbidden, HTTPException
from werkzeug.exceptions import NotFound as werkzeug_not_found

from forum.extensions import db, limiter, login_manager

log = logging.getLogger(__name__)


class NotAllowed(Exception):
    """The acting user may not do this."""


class InvalidAction(Exception):
    """The request breaks a rule; the message is shown to the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Exception):
    """The thing asked for does not exist or is not visible to this user."""


def add_error(form, error: InvalidAction, *, default: str | None = None, flash_unplaced: bool = False) -> None:
    """Show a service's refusal on its form: on the field it names (else `default`), else above the form.

    With `flash_unplaced`, a refusal that names no field of the form is flashed instead (one-button forms).
    """
    name = error.field if error.field and error.field in form else default
    if name is not None:
        form[name].errors = [*form[name].errors, error.message]
    elif flash_unplaced:
        flash(error.message, "error")
    else:
        form.form_errors.append(error.message)


ERROR_PAGES = {
    400: _l("That request could not be understood"),
    403: _l("You don't have access to this page"),
    404: _l("We couldn't find that page"),
    405: _l("That action isn't available here"),
    413: _l("That was too much to send at once"),
    429: _l("Slow down a little"),
    500: _l("Something went wrong on our side"),
    503: _l("We couldn't save or load that just now"),
}


def _render_error(error: HTTPException):
    code = error.code or 500
    title = ERROR_PAGES.get(code, _l("Something went wrong"))
    if code == 413:
        # The body was refused unread; the page's own forms must not parse it again (a second 413 is a 500).
        request.__dict__.setdefault("form", request.parameter_storage_class())
        request.__dict__.setdefault("files", request.parameter_storage_class())
    if code >= 500:
        # Whatever failed may have left the session in a failed transaction; the page must not reuse it.
        return _render_fault(code, title)
    # A screened form (forum/posting.py) always gets its text back, whatever refused it.
    submission = request.environ.get("forum.submission")
    kept = _kept_text() if code == 429 or submission is not None else []
    wait_minutes = _minutes_to_wait(error) if code == 429 else None
    try:
        page = render_template(
            "errors/error.html",
            code=code,
            title=title,
            error=error,
            kept=kept,
            wait_minutes=wait_minutes,
            form_page=submission.form_page if submission is not None and submission.kept_draft else None,
        )
    except DATABASE_ERRORS as database_error:
        # The header looks up the member, which fails while the database is away.
        return _database_error(database_error)
    retry_after = getattr(error, "retry_after", None)
    return page, code, ({"Retry-After": str(retry_after)} if isinstance(retry_after, int) else {})


# What a database that is away, restarting, read-only or full raises; each gets the 503 page.
DATABASE_ERRORS = (DBAPIError, PendingRollbackError, PoolTimeout)


def _database_error(error: Exception):
    """A read or write the database refused (restart, read-only or full file): 503, with the member's text."""
    log.error("database error on %s %s: %s", request.method, request.endpoint, type(error).__name__)
    return _render_fault(503, ERROR_PAGES[503])


def _render_fault(code: int, title: str):
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a dead connection can fail its rollback too; the page comes first
        log.warning("rollback failed while rendering the error page", exc_info=True)
    # The header's badges and the member's name need the database; on this page they are left out,
    # and flask-login, which loads the member for every template, is told nobody is signed in. The
    # session is untouched, so the member is still signed in on the next page.
    g.degraded_page = True
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()
    kept = _kept_text()
    try:
        return render_template("errors/error.html", code=code, title=title, kept=kept, degraded=True), code
    except Exception:  # noqa: BLE001 - the last resort must not fail: plain HTML with the text kept
        log.exception("error page failed to render")
        return _plain_fault_page(title, kept), code


def _plain_fault_page(title: str, kept: list[tuple[str, str, str]]) -> str:
    parts = [f"<!doctype html><html lang=en><title>{escape(title)}</title><h1>{escape(title)}</h1>"]
    parts.append('<p>Please try again in a moment. <a href="/help">Get help now</a></p>')
    if kept:
        parts.append("<p>Nothing was saved. Here is what you wrote, so you can copy it and send it again:</p>")
        parts.extend(f"<p>{escape(label)}</p><textarea readonly>{escape(text)}</textarea>" for _, label, text in kept)
    return "".join(parts)


# What a member wrote, by form field, shown back on the 429 and 5xx pages so a refused post isn't lost.
KEPT_FIELDS = {
    "title": _l("Title"),
    "body": _l("Message"),
    "content_note": _l("Content note"),
    "note": _l("Note"),
    # A recovery start date's name (forum/recovery/forms.py), which shares the editing allowance.
    "label": _l("What you count"),
    # A meeting's reading and a worry about a mentoring message: screened text like a post's.
    "reading": _l("Reading or topic (optional)"),
    "reason": _l("Reason"),
}


def _kept_text() -> list[tuple[str, str, str]]:
    if request.method != "POST":
        return []
    form = request.form
    return [(name, label, form[name]) for name, label in KEPT_FIELDS.items() if form.get(name, "").strip()]


def _minutes_to_wait(error: HTTPException) -> int | None:
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int):
        return max(1, round(retry_after / 60))
    current = limiter.current_limit
    if current is None or not current.breached:
        return None
    return max(1, round((current.reset_at - time.time()) / 60))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _render_error)
    for database_error in DATABASE_ERRORS:
        app.register_error_handler(database_error, _database_error)

    @app.errorhandler(NotAllowed)
    def not_allowed(_error):
        return _render_error(Forbidden())

    @app.errorhandler(NotFound)
    def not_found(_error):
        return _render_error(werkzeug_not_found())

import time

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException


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


ERROR_PAGES = {
    400: "That request could not be understood",
    403: "You don't have access to this page",
    404: "We couldn't find that page",
    405: "That action isn't available here",
    413: "That was too much to send at once",
    429: "Slow down a little",
    500: "Something went wrong on our side",
}


def _render_error(error: HTTPException):
    code = error.code or 500
    title = ERROR_PAGES.get(code, "Something went wrong")
    if code == 413:
        # The body was refused unread; the page's own forms must not parse it again (a second 413 is a 500).
        request.__dict__.setdefault("form", request.parameter_storage_class())
        request.__dict__.setdefault("files", request.parameter_storage_class())
    kept, wait_minutes = (_kept_text(), _minutes_to_wait()) if code == 429 else ([], None)
    return (
        render_template("errors/error.html", code=code, title=title, error=error, kept=kept, wait_minutes=wait_minutes),
        code,
    )


# What a member wrote, by form field, shown back on the 429 page so a refused post isn't lost.
KEPT_FIELDS = {"title": "Title", "body": "Message", "content_note": "Content note", "note": "Note"}


def _kept_text() -> list[tuple[str, str, str]]:
    if request.method != "POST":
        return []
    form = request.form
    return [(name, label, form[name]) for name, label in KEPT_FIELDS.items() if form.get(name, "").strip()]


def _minutes_to_wait() -> int | None:
    from forum.extensions import limiter

    current = limiter.current_limit
    if current is None or not current.breached:
        return None
    return max(1, round((current.reset_at - time.time()) / 60))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, _render_error)

    @app.errorhandler(NotAllowed)
    def not_allowed(_error):
        return render_template("errors/error.html", code=403, title=ERROR_PAGES[403]), 403

    @app.errorhandler(NotFound)
    def not_found(_error):
        return render_template("errors/error.html", code=404, title=ERROR_PAGES[404]), 404

"""Security headers on every kind of page, and cookie flags outside tests."""

import pytest

from forum import create_app
from forum.config import Config
from tests.apps import running_app
from tests.factories import make_topic

PAGES = ["/", "/login", "/register", "/help", "/guidelines", "/no-such-page", "/account", "/healthz"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_the_security_headers(client, login, member, path):
    login(member)
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'self'"
    for kind in ("script-src", "style-src"):
        assert directives[kind] == "'self'", "no inline script or style, no other hosts"
    assert "unsafe" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    if response.mimetype == "text/html" and response.status_code != 302:
        # A page's <meta name="referrer"> overrides the header, so the two must agree.
        assert '<meta name="referrer" content="same-origin">' in response.text
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_topic_page_has_no_inline_script_or_style(client, member):
    topic = make_topic(author=member)
    page = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text
    assert "<script>" not in page and "style=" not in page and "<style" not in page


def test_production_config_marks_cookies_secure_httponly_lax(monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    app = create_app({"SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://", "ALERT_WORKER": False}, Config)
    for prefix in ("SESSION", "REMEMBER"):
        assert app.config[f"{prefix}_COOKIE_HTTPONLY"] is True
        assert app.config[f"{prefix}_COOKIE_SAMESITE"] == "Lax"
    assert Config.SESSION_COOKIE_SECURE is True and Config.REMEMBER_COOKIE_SECURE is True


def test_session_and_remember_cookies_carry_the_flags():
    with running_app(
        {
            "SECRET_KEY": "x" * 64,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "ALERT_WORKER": False,
            "SESSION_COOKIE_SECURE": True,
            "REMEMBER_COOKIE_SECURE": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        },
        Config,
    ) as app:
        from tests.factories import PASSWORD, make_user

        make_user("cookie_tester")
        response = app.test_client().post(
            "/login", data={"pseudonym": "cookie_tester", "password": PASSWORD, "remember": "y"}
        )
        assert response.status_code == 302
        cookies = response.headers.getlist("Set-Cookie")
        assert {c.split("=", 1)[0] for c in cookies} >= {"session", "remember_token"}
        for cookie in cookies:
            flags = cookie.lower()
            assert "httponly" in flags and "samesite=lax" in flags and "secure" in flags, cookie

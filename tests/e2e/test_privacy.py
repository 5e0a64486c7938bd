"""No page asks another host for anything: no fonts, scripts, images or analytics from elsewhere."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "role", [None, "member", "facilitator", "moderator", "admin"], ids=lambda role: role or "guest"
)
def test_every_request_goes_to_the_forum_itself(role, new_page, sample_site, live_server):
    page = new_page(role)
    requested: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    for path in sample_site.pages(role).values():
        page.goto(path)
        page.wait_for_load_state("networkidle")

    origin = live_server.url + "/"
    elsewhere = [url for url in requested if not url.startswith(origin)]
    assert requested, "no requests were recorded"
    assert not elsewhere, f"requests left the forum: {elsewhere}"
    # A blocked inline script or style would show here as a Content-Security-Policy error.
    assert not console_errors, console_errors

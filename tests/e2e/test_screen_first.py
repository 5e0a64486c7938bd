"""Screen first, always: a crisis message sent after five quick replies still reaches help, on a phone."""

from __future__ import annotations

import os
import secrets
import subprocess  # noqa: S404 - the test starts its own server
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    BIN,
    PASSWORD,
    ROOT,
    LiveServer,
    _flask,
    _free_port,
    _require_browser,
    _wait_until_up,
    sign_in,
)
from tests.e2e.helpers import reply, start_topic, topic_path, unique

pytestmark = pytest.mark.e2e

# The issue's own example: the rate limit answered before anything read it.
CRISIS = "i cant stop thinking about ending it. i have the rope in my car"
PHONE = {"width": 390, "height": 844}
POSTS_PER_MINUTE = 5  # forum.ratelimits.POSTING_LIMIT


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The live forum with its rate limits on (the shared server has them off for speed)."""
    _require_browser()
    db_file = tmp_path_factory.mktemp("e2e-limits") / "forum.db"
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{db_file}",
        "SESSION_COOKIE_SECURE": "0",
        "HOLD_FIRST_POSTS": "0",
        "ALERT_WORKER": "0",
        "RATELIMIT_ENABLED": "1",
        "RATELIMIT_STORAGE_URI": "memory://",
        "DEFAULT_REGION": "US",
    }
    env.pop("FLASK_DEBUG", None)
    _flask(env, "db", "upgrade")
    _flask(env, "seed")
    for pseudonym, role in (("quick_replier", "member"), ("sage_watches", "moderator")):
        _flask(env, "users", "create", pseudonym, "--role", role, stdin=PASSWORD + "\n")
    port = _free_port()
    log_path = db_file.with_name("server.log")
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(BIN / "gunicorn"), "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log_path)
        yield LiveServer(url=url, env=env)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_crisis_reply_after_five_quick_replies_shows_support_and_reaches_the_queue(browser, limited_server):
    moderator_context = browser.new_context(base_url=limited_server.url, viewport=PHONE)
    moderator = moderator_context.new_page()
    sign_in(moderator, limited_server.url, "sage_watches")
    start_topic(moderator, unique("Evening check-in"), "How is everyone doing tonight?")
    path = topic_path(moderator)

    context = browser.new_context(base_url=limited_server.url, viewport=PHONE)
    page = context.new_page()
    sign_in(page, limited_server.url, "quick_replier")
    page.goto(path)
    for n in range(POSTS_PER_MINUTE):
        reply(page, f"quick thought number {n}")
        expect(page.get_by_text(f"quick thought number {n}")).to_be_visible()
    reply(page, CRISIS)

    expect(page.get_by_role("heading", level=1)).to_have_text("Slow down a little")
    panel = page.get_by_role("region", name="We're glad you reached out")
    expect(panel).to_be_visible()
    heading = panel.get_by_role("heading", name="We're glad you reached out").bounding_box()
    assert heading and 0 <= heading["y"] and heading["y"] + heading["height"] <= PHONE["height"], heading
    expect(panel.locator("a[href^='tel:']").first).to_be_visible()
    # The member's words come back to them.
    expect(page.get_by_label("Message")).to_have_value(CRISIS)

    moderator.goto("/moderation/")
    unposted = moderator.get_by_role("region", name="Risky messages that were not posted")
    expect(unposted).to_contain_text(CRISIS)
    expect(unposted).to_contain_text("quick_replier")
    expect(unposted).to_contain_text("Rate limit")
    unposted.get_by_label("Note for the log (optional)").fill("Messaged them with the crisis lines.")
    unposted.get_by_role("button", name="Dealt with").click()
    expect(moderator.get_by_text("Marked as dealt with.")).to_be_visible()
    expect(moderator.get_by_role("region", name="Risky messages that were not posted")).to_have_count(0)
    context.close()
    moderator_context.close()

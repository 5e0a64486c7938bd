"""A member's unsent reply survives leaving the page (the draft script), and the announcement banner."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import start_topic, topic_path, unique

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
UNSENT = "Still here after the meeting. I almost called my sponsor but didn't know what to say."


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    # Its top edge is on screen (a tall box may run on below the fold).
    return box is not None and 0 <= box["y"] < size["height"] and 0 < box["width"] <= size["width"]


def test_an_unsent_reply_is_back_after_leaving_the_page_on_a_phone(new_page):
    page = new_page("member", viewport=PHONE)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    start_topic(page, unique("Drafts"), "Does anyone else write replies and never send them?")
    path = topic_path(page)
    page.goto(path)
    box = page.locator("#reply").get_by_label("Message")
    box.click()
    # Typed, not filled: the script saves after the member stops typing.
    with page.expect_response(lambda r: r.url.endswith("/account/drafts") and r.status == 204, timeout=10_000):
        box.press_sequentially(UNSENT)
    page.goto("/")
    page.goto(path)
    box = page.locator("#reply").get_by_label("Message")
    expect(box).to_have_value(UNSENT)
    box.scroll_into_view_if_needed()
    assert _in_viewport(page, box)
    discard = page.get_by_role("button", name="Discard draft")
    expect(discard).to_be_visible()
    discard.click()
    page.wait_for_load_state()
    expect(page.locator("#reply").get_by_label("Message")).to_have_value("")
    assert not errors, errors


def test_the_banner_shows_under_the_header_and_can_be_dismissed(new_page):
    staff = new_page("facilitator", viewport=DESKTOP)
    staff.goto("/account")
    staff.get_by_role("link", name="Set or clear the announcement").click()
    staff.get_by_label("Announcement").fill("Group chat moves to **Thursday** this week.")
    staff.get_by_role("button", name="Post the announcement").click()
    staff.wait_for_load_state()
    try:
        for role, viewport in (("member", PHONE), (None, DESKTOP)):
            page = new_page(role, viewport=viewport)
            page.goto("/")
            banner = page.get_by_role("complementary", name="Announcement")
            expect(banner).to_be_visible()
            expect(banner.locator("strong")).to_have_text("Thursday")
            # At the top of the page, under the header, without scrolling.
            assert _in_viewport(page, banner)
            header = page.locator("header.site-header").bounding_box()
            assert banner.bounding_box()["y"] >= header["y"] + header["height"] - 1
            banner.get_by_role("button", name="Dismiss").click()
            page.wait_for_load_state()
            expect(page.get_by_role("complementary", name="Announcement")).to_have_count(0)
            page.goto("/help")
            expect(page.get_by_role("complementary", name="Announcement")).to_have_count(0)
    finally:
        # The live server is shared: leave no banner for the other browser tests.
        staff.goto("/announcement")
        staff.get_by_role("button", name="Clear the announcement").click()
        staff.wait_for_load_state()
    expect(staff.get_by_text("No announcement is showing.")).to_be_visible()

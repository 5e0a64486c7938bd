"""The issue's journey: B answers A's anonymous topic and reacts "Me too"; A is told, follows it, sees the count."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import register, reply, start_topic, topic_path, unique

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size["width"] and box["y"] >= 0


def test_member_is_told_of_a_reply_and_a_reaction_on_their_anonymous_topic(new_page):
    asker, answerer = unique("ash").replace(" ", "_"), unique("birch").replace(" ", "_")
    title = unique("Can't sleep after stopping")

    a = new_page(viewport=DESKTOP)
    register(a, asker)
    start_topic(a, title, "Third night awake since I stopped drinking. Does it get better?", anonymous=True)
    topic = topic_path(a)
    header = a.locator("a.notifications-link")
    assert re.fullmatch(r"Notifications", header.inner_text().strip())

    b = new_page(viewport=DESKTOP)
    register(b, answerer)
    b.goto(topic)
    assert asker not in b.content()
    reply(b, "It did for me, after about two weeks. Keep going.")
    b.locator("article.post").first.get_by_role("button", name="Me too").click()
    b.wait_for_load_state()
    assert b.locator("article.post").first.get_by_role("button", name="Me too 1").is_visible()

    # A reply and a reaction in one topic are one thing to read.
    for viewport in (DESKTOP, PHONE):
        a.set_viewport_size(viewport)
        a.goto("/")
        assert header.is_visible() and _in_view(a, header), viewport
        assert re.fullmatch(r"Notifications 1\s*unread", header.inner_text().strip()), header.inner_text()

    header.click()
    a.wait_for_load_state()
    SCREENSHOTS.mkdir(exist_ok=True)
    a.screenshot(path=str(SCREENSHOTS / "member-notifications-journey-390.png"), full_page=True)
    assert a.get_by_role("link", name=f"{answerer} replied in “{title}”").is_visible()
    assert a.get_by_role("link", name=f"Someone reacted “Me too” to your post in “{title}”").is_visible()
    # Looking at the list reads nothing; following the reply does.
    assert "Notifications 1" in header.inner_text()
    a.get_by_role("link", name=f"{answerer} replied in “{title}”").click()
    a.wait_for_load_state()
    assert re.search(r"/topics/\d+.*#post-\d+$", a.url), a.url
    reply_id = a.url.rsplit("#", 1)[1]
    answer = a.locator(f"article#{reply_id}")
    assert answer.is_visible() and "about two weeks" in answer.inner_text()
    own = a.locator("article.post").first
    assert "Anonymous member (you)" in own.inner_text()
    assert re.search(r"Me too\s*1", own.locator(".reactions").inner_text())
    assert header.inner_text().strip() == "Notifications"
    # The phone-sized page shows the reaction count too.
    assert own.locator(".reactions").is_visible()


def test_member_asks_for_a_meeting_reminder_on_a_phone_and_is_told(new_page, live_server):
    title = unique("Morning check-in circle")
    facilitator = new_page("facilitator", viewport=DESKTOP)
    facilitator.goto("/meetings/new")
    facilitator.get_by_label("Title").fill(title)
    start = (datetime.now(UTC) + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    facilitator.get_by_label("Starts (UTC)").fill(start)
    facilitator.get_by_label("Length in minutes").fill("45")
    facilitator.get_by_role("button", name="Schedule").click()
    facilitator.wait_for_load_state()
    room = facilitator.url

    member = new_page(viewport=PHONE)
    register(member, unique("cedar").replace(" ", "_"))
    member.goto(room)
    remind = member.get_by_role("button", name="Remind me")
    assert remind.is_visible() and _in_view(member, remind)
    remind.click()
    member.wait_for_load_state()
    assert member.get_by_text("You'll be reminded 30 minutes before it starts.").is_visible()
    assert member.get_by_role("button", name="Don't remind me").is_visible()

    # What cron runs every few minutes; a second run tells nobody twice.
    assert "Reminders sent: 1." in live_server.flask("meetings", "remind")
    assert "Reminders sent: 0." in live_server.flask("meetings", "remind")
    member.goto("/")
    header = member.locator("a.notifications-link")
    assert _in_view(member, header) and re.fullmatch(r"Notifications 1\s*unread", header.inner_text().strip())
    header.click()
    member.wait_for_load_state()
    line = member.get_by_role("link", name=re.compile(f"Reminder: “{re.escape(title)}” starts at"))
    assert line.is_visible()
    line.click()
    member.wait_for_load_state()
    assert member.url == room and member.get_by_role("heading", name=title).is_visible()
    assert header.inner_text().strip() == "Notifications"

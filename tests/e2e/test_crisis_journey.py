"""The journey of a member in distress, walked in a real browser at phone and desktop size: after a
post that signals risk the support panel is the first thing on screen and has focus; a guest chooses
the lines of their region; readers of a flagged post are shown how to reply."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import CRISIS_TEXT, reply, start_topic, topic_path, unique

pytestmark = pytest.mark.e2e

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}

# Rated concern: published, so other members read it.
CONCERN_TEXT = "honestly i want to die lately. no plan, i just can't shake the thought"


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.evaluate("window.innerHeight")
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize("size", SIZES)
def test_after_a_crisis_reply_the_panel_is_first_on_screen_with_focus(new_page, size):
    page = new_page("member", viewport=SIZES[size])
    start_topic(page, unique("A long week"), "Checking in after a long week.")
    for n in range(6):
        reply(page, f"Update {n}: still here, still going to meetings. " + "One day at a time. " * 12)
    reply(page, CRISIS_TEXT)

    assert page.url.endswith("#support")
    heading = page.get_by_role("heading", name="We're glad you reached out")
    expect(heading).to_be_focused()
    panel = page.get_by_role("region", name="We're glad you reached out")
    first_line = panel.locator(".hotline").first
    assert _in_viewport(page, first_line), first_line.bounding_box()
    call = first_line.locator("a[href^='tel:']")
    expect(call).to_be_visible()
    assert _in_viewport(page, call)
    # An urgent post: the emergency number is unfolded, not inside "More options".
    emergency = panel.locator("a[href='tel:911']").first
    expect(emergency).to_be_visible()
    assert not emergency.evaluate("a => !!a.closest('details')")
    expect(panel.get_by_text("a moderator will look at it soon")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_a_guest_chooses_a_region_and_it_is_remembered(new_page, size):
    page = new_page(viewport=SIZES[size])
    page.goto("/help")
    expect(page.locator(".hotlines").first.locator("a[href='tel:988']").first).to_be_visible()
    page.get_by_role("link", name="UK and Ireland").click()
    first = page.locator(".hotline").first
    expect(first).to_contain_text("Samaritans")
    assert _in_viewport(page, first.locator("a[href^='tel:']"))
    page.goto("/help")
    expect(page.locator(".hotline").first).to_contain_text("Samaritans")
    page.get_by_role("link", name="Somewhere else").click()
    shown = page.locator("ul.hotlines").first
    expect(shown).to_contain_text("findahelpline.com")
    expect(shown.locator("a[href='tel:988']")).to_be_visible()
    expect(shown.locator("a[href='tel:131114']")).to_be_visible()


def test_readers_of_a_flagged_post_see_how_to_help_and_worry_reaches_the_moderators(new_page):
    author = new_page("member", viewport=SIZES["phone"])
    title = unique("Hard days")
    start_topic(author, title, "Things have been hard.")
    reply(author, CONCERN_TEXT)
    path = topic_path(author)

    reader = new_page("facilitator", viewport=SIZES["phone"])
    reader.goto(path)
    post = reader.locator("article.post", has_text="want to die lately")
    expect(post.locator(".peer-guidance")).to_be_visible()
    expect(post.locator(".peer-guidance")).to_contain_text("don't argue or share methods")
    expect(reader.locator("#reply")).to_contain_text("Replying to someone who's struggling?")

    post.get_by_role("link", name="Report").click()
    reader.get_by_label("I'm worried about this member").check()
    reader.get_by_role("button", name="Send report").click()
    expect(reader.get_by_role("heading", name="Thank you for looking out for them")).to_be_visible()
    expect(reader.locator("a[href='tel:988']").first).to_be_visible()

    moderator = new_page("moderator")
    moderator.goto("/moderation/")
    row = moderator.locator("li, tr", has_text=title).first
    expect(row).to_be_visible()

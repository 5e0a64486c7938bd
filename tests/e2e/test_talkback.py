"""On a phone: the member's own safety plan in the support panel, and talking back to a moderator."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import CRISIS_TEXT, register, start_topic, unique
from tests.e2e.test_accessibility import RUN_AXE, WCAG_TAGS, _describe

pytestmark = pytest.mark.e2e

# CSP is bypassed in these contexts only so that axe can be injected; members never get axe.
PHONE = {"viewport": {"width": 390, "height": 844}, "bypass_csp": True}
PLAN = {
    "Warning signs": "Skipping meetings, not sleeping",
    "Things I can do on my own": "Walk round the reservoir",
    "People and places that take my mind off things": "The Thursday group; the library",
    "People I can ask for help": "My brother Tom 555-0134",
    "Professionals and services": "Dr Osei 555-0188",
    "Making my space safer": "Tom keeps my prescriptions",
    "What matters most to me": "Seeing my niece grow up",
}


def _no_violations(page, axe_source: str, where: str) -> None:
    page.evaluate(axe_source)
    found = [(where, v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    assert not found, "axe found WCAG 2.1 AA violations:\n" + _describe(found)
    # Nothing scrolls sideways on the phone.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, where


def _new_member(new_page):
    page = new_page(**PHONE)
    register(page, f"planner_{secrets.token_hex(3)}")
    return page


def test_my_safety_plan_is_shown_above_the_hotlines_after_a_flagged_post(new_page, axe_source):
    page = _new_member(new_page)
    page.goto("/account")
    page.get_by_role("link", name="My safety plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My safety plan")
    for label, text in PLAN.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Save plan").click()
    expect(page.get_by_text("Your safety plan is saved.")).to_be_visible()
    _no_violations(page, axe_source, "safety plan page")

    # Printed, the plan is one page with every section on it.
    pdf = page.pdf(width="8.5in", height="11in")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1

    start_topic(page, unique("Tonight"), CRISIS_TEXT)
    panel = page.get_by_role("region", name="We're glad you reached out")
    expect(panel).to_be_visible()
    plan = panel.get_by_role("region", name="Your safety plan")
    expect(plan).to_contain_text("Walk round the reservoir")
    expect(plan).to_contain_text("My brother Tom 555-0134")
    # Coping steps and people come first, the hotlines after the plan.
    text = panel.inner_text()
    assert text.index("Walk round the reservoir") < text.index("My brother Tom") < text.index("Seeing my niece")
    first_call = panel.locator("a[href^='tel:']").first
    assert plan.bounding_box()["y"] < first_call.bounding_box()["y"]
    _no_violations(page, axe_source, "support panel with the plan")


def test_member_replies_to_a_moderators_check_in_and_the_moderator_sees_it(new_page, axe_source):
    member = _new_member(new_page)
    title = unique("Tonight")
    start_topic(member, title, CRISIS_TEXT)

    moderator = new_page("moderator", **PHONE)
    moderator.goto("/moderation/")
    moderator.get_by_role("link", name=title).click()
    # A crisis item opens on its playbook, the check-in already written.
    moderator.get_by_role("button", name="Send message").first.click()
    expect(moderator.get_by_text("Message sent to the author's account.")).to_be_visible()
    item_url = moderator.url

    member.goto("/")
    expect(
        member.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Messages"))
    ).to_contain_text("1")
    member.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Messages")).click()
    # Listing the messages leaves them unread.
    expect(member.get_by_text("new", exact=True)).to_be_visible()
    _no_violations(member, axe_source, "messages")
    member.get_by_role("link", name=re.compile("^Reply")).first.click()
    member.get_by_label("Your reply").fill("Thank you for asking. Walking helped a bit.")
    member.get_by_role("button", name="Send reply").click()
    expect(member.get_by_text("Your reply is sent to the moderators.")).to_be_visible()
    expect(member.locator(".thread")).to_contain_text("Walking helped a bit.")
    _no_violations(member, axe_source, "member's conversation")
    expect(
        member.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Messages"))
    ).not_to_contain_text("1")

    moderator.goto(item_url)
    expect(moderator.get_by_role("region", name="Messages with the author")).to_contain_text("Walking helped a bit.")
    _no_violations(moderator, axe_source, "queue item with the conversation")
    moderator.goto("/moderation/messages")
    _no_violations(moderator, axe_source, "replies from members")
    moderator.get_by_role("link", name="Checking in with you").first.click()
    expect(moderator.locator(".thread")).to_contain_text("Walking helped a bit.")
    _no_violations(moderator, axe_source, "moderator's conversation")
    moderator.get_by_label("Your reply").fill("Glad it helped. We're here.")
    moderator.get_by_role("button", name="Send reply").click()

    member.goto("/messages")
    member.get_by_role("link", name="Checking in with you", exact=True).click()
    expect(member.locator(".thread")).to_contain_text("Glad it helped. We're here.")

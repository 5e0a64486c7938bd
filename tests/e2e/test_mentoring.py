"""Peer mentoring on a phone: an admin grants the badge, a member asks, a mentor offers, they talk, one ends it."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, SCREENSHOTS, sign_in
from tests.e2e.test_accessibility import RUN_AXE, WCAG_TAGS, _describe

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


class Checks:
    """Each page on the way: no sideways scrolling, no WCAG 2.1 AA violation, a screenshot."""

    def __init__(self, axe_source: str):
        self.axe_source = axe_source
        self.found: list[tuple[str, dict]] = []

    def __call__(self, page, name: str, width: int = PHONE["width"]) -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url
        page.evaluate(self.axe_source)
        self.found += [(f"{name} at {width}", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
        page.screenshot(path=str(SCREENSHOTS / f"mentoring-{name}-{width}.png"), full_page=True)


def test_member_asks_is_matched_talks_and_ends_the_pairing(live_server, new_page, axe_source):
    SCREENSHOTS.mkdir(exist_ok=True)
    check = Checks(axe_source)
    # CSP is bypassed in these contexts only, so the test can inject axe.
    phone = {"viewport": PHONE, "bypass_csp": True}
    suffix = secrets.token_hex(3)
    asker, guide = f"asker_{suffix}", f"guide_{suffix}"
    for name in (asker, guide):
        live_server.flask("users", "create", name, "--role", "member", stdin=PASSWORD + "\n")

    admin = new_page("admin", **phone)
    admin.goto("/mentoring/mentors")
    admin.get_by_label("Member's pseudonym").fill(guide)
    admin.get_by_label("Date they finished the peer mentor training").fill("2026-11-01")
    admin.get_by_role("button", name="Grant the badge").click()
    expect(admin.get_by_text(f"{guide} is now a peer mentor.")).to_be_visible()
    expect(admin.locator(".mentor-badges")).to_contain_text("trained 01 Nov 2026")
    check(admin, "mentors")

    member = new_page(**phone)
    sign_in(member, live_server.url, asker)
    member.get_by_role("link", name="Peer mentors").click()
    member.get_by_role("link", name="Ask for a peer mentor").click()
    expect(member.get_by_text("Peer mentors see this note with your pseudonym")).to_be_visible()
    member.get_by_label("What would you like support with?").fill("Getting through evenings without drinking")
    member.get_by_role("button", name="Ask for a peer mentor").click()
    expect(member.get_by_text("No offers yet")).to_be_visible()
    check(member, "ask-sent")

    mentor = new_page(**phone)
    sign_in(mentor, live_server.url, guide)
    mentor.goto("/mentoring/")
    mentor.get_by_role("link", name="Members asking for a peer mentor").click()
    request = mentor.locator(".mentor-requests li", has_text=asker)
    expect(request).to_contain_text("Getting through evenings without drinking")
    request.get_by_role("button", name=f"Offer to mentor {asker}").click()
    expect(mentor.get_by_text("Your offer is sent.")).to_be_visible()
    check(mentor, "requests")

    member.reload()
    member.get_by_role("button", name=f"Accept {guide}").click()
    boundaries = member.locator(".boundaries")
    expect(boundaries).to_be_in_viewport()
    expect(boundaries).to_contain_text("no swapping contacts, no medical advice")
    expect(member.get_by_role("heading", level=1)).to_contain_text(f"With your peer mentor, {guide}")
    member.get_by_label("Your message").fill("Hi, thank you for offering. Evenings are the hardest.")
    member.get_by_role("button", name="Send", exact=True).click()
    expect(member.locator(".thread")).to_contain_text("Evenings are the hardest.")
    check(member, "pairing")

    mentor.goto("/mentoring/")
    mentor.get_by_role("link", name=f"With the member you support, {asker}").click()
    expect(mentor.locator(".thread")).to_contain_text("Evenings are the hardest.")
    mentor.get_by_label("Your message").fill("They were for me too. What usually happens around 8?")
    mentor.get_by_role("button", name="Send", exact=True).click()
    expect(mentor.locator(".thread")).to_contain_text("What usually happens around 8?")

    member.reload()
    expect(member.locator(".thread")).to_contain_text("What usually happens around 8?")
    member.get_by_role("button", name="End this pairing").click()
    expect(member.get_by_text("This mentoring pairing has ended")).to_be_visible()

    mentor.reload()
    expect(mentor.get_by_text("This mentoring pairing has ended")).to_be_in_viewport()
    # The history stays readable, read-only.
    expect(mentor.locator(".thread")).to_contain_text("Evenings are the hardest.")
    expect(mentor.get_by_label("Your message")).to_have_count(0)
    expect(mentor.get_by_role("button", name="End this pairing")).to_have_count(0)
    check(mentor, "pairing-ended")
    # The same page on a desktop screen: the reminder and the ended notice both in view at once.
    mentor.set_viewport_size(DESKTOP)
    mentor.reload()
    expect(mentor.locator(".boundaries")).to_be_in_viewport()
    expect(mentor.get_by_text("This mentoring pairing has ended")).to_be_in_viewport()
    check(mentor, "pairing-ended", width=DESKTOP["width"])
    assert not check.found, "axe found WCAG 2.1 AA violations:\n" + _describe(check.found)

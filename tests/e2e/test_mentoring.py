"""Peer mentoring on a phone: an admin grants the badge, a member asks, a mentor offers, they talk, one ends it."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _fits_the_phone(page) -> None:
    # Nothing wider than the screen: no sideways scrolling to reach a button.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_member_asks_is_matched_talks_and_ends_the_pairing(live_server, new_page):
    suffix = secrets.token_hex(3)
    asker, guide = f"asker_{suffix}", f"guide_{suffix}"
    for name in (asker, guide):
        live_server.flask("users", "create", name, "--role", "member", stdin=PASSWORD + "\n")

    admin = new_page("admin", viewport=PHONE)
    admin.goto("/mentoring/mentors")
    admin.get_by_label("Member's pseudonym").fill(guide)
    admin.get_by_label("Date they finished the peer mentor training").fill("2026-11-01")
    admin.get_by_role("button", name="Grant the badge").click()
    expect(admin.get_by_text(f"{guide} is now a peer mentor.")).to_be_visible()
    expect(admin.locator(".mentor-badges")).to_contain_text("trained 2026-11-01")
    _fits_the_phone(admin)

    member = new_page(viewport=PHONE)
    sign_in(member, live_server.url, asker)
    member.get_by_role("link", name="Peer mentors").click()
    member.get_by_role("link", name="Ask for a peer mentor").click()
    expect(member.get_by_text("Peer mentors see this note with your pseudonym")).to_be_visible()
    member.get_by_label("What would you like support with?").fill("Getting through evenings without drinking")
    member.get_by_role("button", name="Ask for a peer mentor").click()
    expect(member.get_by_text("No offers yet")).to_be_visible()
    _fits_the_phone(member)

    mentor = new_page(viewport=PHONE)
    sign_in(mentor, live_server.url, guide)
    mentor.goto("/mentoring/")
    mentor.get_by_role("link", name="Members asking for a peer mentor").click()
    request = mentor.locator(".mentor-requests li", has_text=asker)
    expect(request).to_contain_text("Getting through evenings without drinking")
    request.get_by_role("button", name=f"Offer to mentor {asker}").click()
    expect(mentor.get_by_text("Your offer is sent.")).to_be_visible()
    _fits_the_phone(mentor)

    member.reload()
    member.get_by_role("button", name=f"Accept {guide}").click()
    boundaries = member.locator(".boundaries")
    expect(boundaries).to_be_in_viewport()
    expect(boundaries).to_contain_text("don't swap phone numbers")
    expect(member.get_by_role("heading", level=1)).to_contain_text(f"With your peer mentor, {guide}")
    member.get_by_label("Your message").fill("Hi, thank you for offering. Evenings are the hardest.")
    member.get_by_role("button", name="Send", exact=True).click()
    expect(member.locator(".thread")).to_contain_text("Evenings are the hardest.")
    _fits_the_phone(member)

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
    _fits_the_phone(mentor)

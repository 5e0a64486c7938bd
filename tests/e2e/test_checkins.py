"""A member's check-in, their chart and day count, and a milestone shared anonymously: at phone size."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import register, unique
from tests.e2e.test_accessibility import RUN_AXE, WCAG_TAGS, _describe

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _on_screen(page, locator) -> None:
    """Visible, and inside the phone's width: nothing to scroll sideways for."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box


def test_check_in_see_the_chart_and_share_a_milestone_anonymously(new_page, axe_source):
    SCREENSHOTS.mkdir(exist_ok=True)
    # CSP is bypassed only so the test can inject axe; the page itself runs no script at all.
    page = new_page(viewport=PHONE, bypass_csp=True)
    pseudonym = unique("checkin").replace(" ", "_")
    register(page, pseudonym)
    page.goto("/")
    _on_screen(page, page.get_by_role("link", name="Check-in", exact=True))
    page.get_by_role("link", name="Check-in", exact=True).click()
    expect(page.get_by_role("heading", name="Check-ins and milestones", level=1)).to_be_visible()

    page.get_by_role("link", name="Check in for today").click()
    page.get_by_role("group", name="Mood today").get_by_label("2 · low").check()
    page.get_by_role("group", name="Cravings today").get_by_label("6", exact=True).check()
    page.get_by_role("group", name="How did you sleep?").get_by_label("4 · good").check()
    page.get_by_role("group", name="Medication taken as planned").get_by_label("Yes").check()
    page.get_by_label("One line about today (optional)").fill("Went to my meeting, felt shaky after.")
    page.evaluate(axe_source)
    found = [("check-in form", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Check-in saved. Only you can see it.")).to_be_visible()
    chart = page.get_by_role("img", name="Mood and cravings, last 30 days")
    _on_screen(page, chart)
    # One mood point and one cravings point today, drawn on the right-hand edge.
    assert chart.locator("circle").count() == 1 and chart.locator("rect").count() == 1
    page.get_by_text("The numbers, day by day").first.click()
    expect(page.get_by_role("row").filter(has_text="No check-in").first).to_be_visible()

    page.get_by_label("What you count").fill("clean and sober")
    page.get_by_label("Start date").fill((datetime.now(UTC).date() - timedelta(days=95)).isoformat())
    page.get_by_role("button", name="Save start date").click()
    page.wait_for_load_state()
    # 95 days by the server's UTC date; the member's own zone may still be on yesterday.
    _on_screen(page, page.get_by_text(re.compile(r"^9[45] days$")))
    expect(page.get_by_text("Next milestone: 6 months")).to_be_visible()
    page.evaluate(axe_source)
    found += [("recovery page", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    page.screenshot(path=str(SCREENSHOTS / "member-recovery-390.png"), full_page=True)

    share = page.get_by_role("button", name="Share 90 days")
    _on_screen(page, share)
    page.get_by_label("Share anonymously").check()
    share.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="90 days: clean and sober")).to_be_visible()
    expect(page.get_by_text("Anonymous member (you)").first).to_be_visible()
    topic = page.url
    assert not found, "axe found WCAG 2.1 AA violations:\n" + _describe(found)

    # A guest reading the Milestones board sees the milestone, never who shared it.
    guest = new_page(viewport=PHONE)
    guest.goto(topic)
    expect(guest.get_by_role("heading", name="90 days: clean and sober")).to_be_visible()
    expect(guest.get_by_text("Anonymous member", exact=True).first).to_be_visible()
    assert pseudonym not in guest.content()

    # On a desktop: the shared milestone is marked, and the 90-day chart is there too.
    desktop = new_page(viewport={"width": 1280, "height": 900}, storage_state=page.context.storage_state())
    desktop.goto("/recovery")
    expect(desktop.get_by_text("90 days: shared to Milestones.")).to_be_visible()
    expect(desktop.get_by_role("img", name="Mood and cravings, last 90 days")).to_be_visible()
    desktop.screenshot(path=str(SCREENSHOTS / "member-recovery-1280.png"), full_page=True)

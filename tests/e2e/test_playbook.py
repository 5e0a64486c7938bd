"""A moderator takes an urgent item on a phone: claim, reach out, outcome, follow-up."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import CRISIS_TEXT, start_topic, unique

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_a_moderator_takes_an_urgent_item_from_claim_to_follow_up_on_a_phone(new_page):
    author = new_page("member", viewport=PHONE)
    title = unique("Tonight")
    start_topic(author, title, CRISIS_TEXT)

    moderator = new_page("moderator", viewport=PHONE)
    moderator.goto("/moderation/?show=urgent")
    moderator.get_by_role("link", name=title).click()
    moderator.get_by_role("button", name="Claim").click()
    expect(moderator.get_by_text("It's yours.")).to_be_visible()

    # The reach-out form is within the first two screens; no visibility choice is preselected.
    send = moderator.get_by_role("button", name="Send message")
    box = send.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 2 * PHONE["height"], box
    expect(moderator.get_by_label("Message", exact=True)).to_have_value(
        "Hi, I'm one of the volunteer moderators here. I noticed your recent post and wanted to check in: "
        "how are you doing right now?\n\nYou're welcome to keep posting. If things feel like too much, the people "
        "at the lines below are there any time of day or night, and talking to them is confidential."
    )
    radios = moderator.locator("input[name='visibility']")
    expect(radios).to_have_count(4)
    for n in range(4):
        expect(radios.nth(n)).not_to_be_checked()
    send.click()
    expect(moderator.get_by_text("Message sent")).to_be_visible()

    moderator.get_by_label("Keep hidden while we reach out").check()
    moderator.get_by_role("button", name="Save", exact=True).click()
    expect(moderator.get_by_text("Saved. Next: record what happened")).to_be_visible()

    moderator.get_by_label("No answer yet").check()
    moderator.locator("#outcome-note").fill("Messaged; waiting to hear back.")
    moderator.get_by_role("button", name="Record outcome").click()
    expect(moderator.get_by_text("Outcome recorded.")).to_be_visible()

    moderator.get_by_label("Check back in (hours)").fill("3")
    moderator.get_by_role("button", name="Check back then").click()
    expect(moderator.get_by_text("This item reopens at")).to_be_visible()
    timeline = moderator.locator("section", has=moderator.get_by_role("heading", name="Timeline"))
    expect(timeline).to_contain_text("Flagged urgent")
    expect(timeline).to_contain_text("message author")
    expect(timeline).to_contain_text("outcome no answer")
    expect(timeline).to_contain_text("follow up (in 3 h)")


def test_a_moderator_hands_off_an_item_and_reads_it_in_the_audit_log(new_page):
    author = new_page("member", viewport=PHONE)
    title = unique("Goodbye")
    start_topic(author, title, CRISIS_TEXT)

    moderator = new_page("moderator", viewport=PHONE)
    moderator.goto("/moderation/?show=urgent")
    moderator.get_by_role("link", name=title).click()
    moderator.get_by_role("button", name="Claim").click()
    moderator.get_by_text("Hand off", exact=True).click()
    moderator.locator("#hand-off-note").fill("Messaged at 21:10, no answer yet; please try again at 22:00.")
    moderator.get_by_role("button", name="Hand off to the next moderator on call").click()
    expect(moderator.get_by_text("Released with your note").or_(moderator.get_by_text("Handed off."))).to_be_visible()
    expect(moderator.get_by_role("button", name="Claim")).to_be_visible()

    moderator.goto("/moderation/")
    moderator.get_by_role("link", name="Audit log").click()
    moderator.get_by_label("Action").select_option("hand_off")
    moderator.get_by_role("button", name="Filter").click()
    row = moderator.locator("tr", has_text="please try again at 22:00")
    expect(row).to_be_visible()
    expect(row).to_contain_text("hand_off")

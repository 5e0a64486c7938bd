"""The main journeys, in a real browser against a live server."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROLE_ACCOUNTS
from tests.e2e.helpers import CRISIS_TEXT, register, reply, start_topic, topic_path, unique

pytestmark = pytest.mark.e2e


def test_registration_shows_recovery_codes_once(new_page):
    page = new_page()
    pseudonym = f"newcomer_{secrets.token_hex(3)}"
    register(page, pseudonym)

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {pseudonym}")
    codes = page.locator("ul.codes code")
    expect(codes).not_to_have_count(0)
    assert all(len(code.strip()) >= 8 for code in codes.all_inner_texts())
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name=pseudonym)).to_be_visible()
    page.get_by_role("link", name="I've saved them: go to the boards").click()
    expect(page.locator("ul.codes")).to_have_count(0)


def test_member_starts_a_topic(new_page):
    page = new_page("member")
    title = unique("Three months without a drink")
    start_topic(page, title, "Some **good** news for once.")

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    post = page.locator("article.post").first
    expect(post.locator("strong")).to_have_text("good")
    expect(post.get_by_role("link", name=ROLE_ACCOUNTS["member"])).to_be_visible()


def test_anonymous_reply_hides_the_pseudonym_from_other_members(new_page):
    author = new_page("member")
    start_topic(author, unique("Telling my family"), "How did you tell them?")
    path = topic_path(author)
    reply(author, "I told my sister first. It went better than I feared.", anonymous=True)
    expect(author.get_by_text("I told my sister first")).to_be_visible()

    reader = new_page("facilitator")
    reader.goto(path)
    anonymous_post = reader.locator("article.post", has_text="I told my sister first")
    expect(anonymous_post.locator(".author")).to_have_text("Anonymous member")
    expect(anonymous_post).not_to_contain_text(ROLE_ACCOUNTS["member"])
    assert ROLE_ACCOUNTS["member"] not in anonymous_post.inner_html()


def test_crisis_post_shows_the_support_panel_with_call_and_text_links(new_page):
    page = new_page("member")
    start_topic(page, unique("Can't do this any more"), CRISIS_TEXT)

    panel = page.get_by_role("region", name="We're glad you reached out")
    expect(panel).to_be_visible()
    call = panel.locator("a[href^='tel:']").first
    text = panel.locator("a[href^='sms:']").first
    expect(call).to_be_visible()
    expect(text).to_be_visible()
    assert call.inner_text().startswith("Call ")
    assert text.inner_text().startswith("Text ")
    # Shown once: the next page is calm again.
    page.reload()
    expect(page.get_by_role("region", name="We're glad you reached out")).to_have_count(0)


def test_moderator_resolves_a_crisis_post_from_the_queue(new_page):
    author = new_page("member")
    title = unique("Tonight")
    start_topic(author, title, CRISIS_TEXT)
    path = topic_path(author)

    moderator = new_page("moderator")
    moderator.goto("/")
    moderator.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    expect(moderator.get_by_role("heading", level=1)).to_have_text("Moderation queue")
    moderator.get_by_role("link", name=title).click()
    expect(moderator.get_by_text(CRISIS_TEXT)).to_be_visible()
    # The crisis playbook: reach out, decide visibility (nothing preselected), record the outcome.
    moderator.get_by_role("button", name="Send message").click()
    expect(moderator.get_by_text("Message sent")).to_be_visible()
    moderator.get_by_label("The member is safe: publish").check()
    moderator.locator("#visibility-note").fill("Reached out with the crisis lines; they are with a friend.")
    moderator.get_by_role("button", name="Save", exact=True).click()
    expect(moderator.get_by_text("Saved. Next: record what happened")).to_be_visible()
    moderator.get_by_label("Member says they are safe").check()
    moderator.get_by_label("This item is done: close it").check()
    moderator.get_by_role("button", name="Record outcome").click()

    expect(moderator.get_by_text("Outcome recorded.")).to_be_visible()
    moderator.goto("/moderation/")
    expect(moderator.get_by_role("link", name=title)).to_have_count(0)
    # Approved: another member now reads it.
    reader = new_page("facilitator")
    reader.goto(path)
    expect(reader.get_by_text(CRISIS_TEXT)).to_be_visible()


def test_facilitator_pins_a_resource_that_then_shows_on_its_board(new_page):
    board = "Coping skills & wins"
    title = unique("Grounding exercises")
    page = new_page("facilitator")
    page.goto("/resources")
    page.get_by_role("link", name="Add a resource").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("Five short exercises for a racing mind.")
    page.get_by_label("Web address").fill("https://example.org/grounding")
    page.get_by_label("Board").select_option(label=board)
    page.get_by_label("Reason for this change").fill("Members asked for it in the wins thread.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Saved {title}.")).to_be_visible()

    pin_form = page.locator("form").filter(has=page.get_by_role("button", name="Pin", exact=True))
    pin_form.get_by_label("Reason").fill("Useful beside the coping topics.")
    pin_form.get_by_role("button", name="Pin", exact=True).click()
    expect(page.get_by_text(f"Pin: done for {title}.")).to_be_visible()

    reader = new_page("member")
    reader.goto("/")
    reader.get_by_role("link", name=board, exact=True).click()
    aside = reader.get_by_role("complementary", name="Resources")
    expect(aside.get_by_role("link", name=title)).to_have_attribute("href", "https://example.org/grounding")

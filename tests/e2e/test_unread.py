"""Unread markers in a browser: a member sees "2 new" on the board, on a phone and on a desktop, and
the topic opens at the first reply they haven't read."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import open_board, reply, start_topic, topic_path, unique

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
BOARD = "Stigma"


def test_new_replies_are_marked_on_the_board_and_the_topic_opens_at_the_first(new_page):
    writer = new_page("facilitator", viewport=DESKTOP)
    title = unique("Telling my family")
    start_topic(writer, title, "How did you tell your family about your diagnosis?", board=BOARD)
    reader = new_page("member", viewport=PHONE)
    reader.goto(topic_path(writer))
    expect(reader.get_by_role("heading", name=title)).to_be_visible()
    reply(writer, "I wrote them a letter first, then we talked.")
    reply(writer, "My sister came with me to the first meeting.", anonymous=True)

    open_board(reader, BOARD)
    row = reader.get_by_role("row").filter(has=reader.get_by_role("link", name=title, exact=True))
    marker = row.locator(".tag-new")
    expect(marker).to_have_text("2 new")
    expect(marker).to_be_in_viewport()
    reader.set_viewport_size(DESKTOP)
    expect(marker).to_be_in_viewport()
    reader.set_viewport_size(PHONE)

    row.get_by_role("link", name=title, exact=True).click()
    reader.wait_for_load_state()
    first_new = re.search(r"#post-(\d+)$", reader.url)
    assert first_new, reader.url
    article = reader.locator(f"#post-{first_new.group(1)}")
    expect(article).to_contain_text("I wrote them a letter first")
    expect(article).to_be_in_viewport()

    open_board(reader, BOARD)
    expect(row.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(row.locator(".tag-new")).to_have_count(0)

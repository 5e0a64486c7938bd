"""Page rows are built by column name and offer what the templates read of a model (the Protocols)."""

from __future__ import annotations

import typing

import pytest

from forum.boards import services
from forum.boards.rows import AuthorLike, PostLike, TopicLike
from tests.factories import make_board, make_post, make_topic, make_user


def _members(protocol) -> set[str]:
    names = set(typing.get_type_hints(protocol)) if protocol.__annotations__ else set()
    return names | {name for name, value in vars(protocol).items() if isinstance(value, property)}


@pytest.mark.parametrize("protocol", [AuthorLike, TopicLike, PostLike])
def test_every_protocol_names_what_it_promises(protocol):
    assert _members(protocol)


def test_board_rows_and_topics_offer_what_the_board_page_reads(app, member):
    board = make_board()
    topic = make_topic(board, member, title="Named")
    make_post(topic, make_user("replier"), body="A reply.")
    row = services.board_topics(board, None, 1).items[0]
    for name in _members(TopicLike):
        assert getattr(row, name) == getattr(topic, name), name
    for name in _members(AuthorLike):
        assert getattr(row.author, name) == getattr(member, name), name


def test_topic_rows_and_posts_offer_what_the_topic_page_reads(app, member):
    topic = make_topic(author=member, body="Opening words.")
    reply = make_post(topic, member, body="More words.", anonymous=True)
    rows = services.topic_posts(topic, member, 1).items
    assert [row.id for row in rows] == [topic.first_post_id, reply.id]
    for name in _members(PostLike):
        assert getattr(rows[1], name) == getattr(reply, name), name
    assert rows[1].reactions == dict.fromkeys(services.REACTIONS, 0) and rows[1].reacted == frozenset()

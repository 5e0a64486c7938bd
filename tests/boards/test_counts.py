"""Board and topic counters move with each change, in SQL, and `flask check counts` finds drift."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select, text

from forum.accounts.models import User
from forum.accounts.privacy import REMOVE_POSTS, delete_account
from forum.boards import counts
from forum.boards import services as boards
from forum.boards.models import Board, Post, PostStatus, Topic
from forum.crisis.services import flag_missed_post
from forum.extensions import db
from forum.moderation import actions
from forum.moderation import services as moderation
from forum.moderation.models import ItemKind
from tests.factories import PASSWORD, make_board, make_user

pytestmark = pytest.mark.usefixtures("app")

URGENT_TEXT = "i've saved up my pills, tonight's the night. wanted to say goodbye to you all"


def _exact() -> None:
    assert counts.check_counts(repair=False) == []


def _board(board_id: int) -> tuple:
    db.session.expire_all()
    board = db.session.get(Board, board_id)
    return board.topic_count, board.post_count, board.last_post_id


def _item(post, by):
    item = moderation.enqueue(post, ItemKind.REPORT)
    db.session.commit()
    moderation.claim_item(item, by)
    return item


def test_a_reply_adds_to_the_counts_instead_of_recounting_the_board(member):
    board = make_board()
    topic = boards.create_topic(board, member, title="Sleep", body="Any tips?")
    # Drift planted by hand: a recount would erase it, an increment carries it along.
    db.session.execute(text("UPDATE board SET post_count = 100, topic_count = 50 WHERE id = :id"), {"id": board.id})
    db.session.commit()
    reply = boards.create_reply(topic, member, body="Same here.")
    assert _board(board.id) == (50, 101, reply.id)
    db.session.expire_all()
    assert db.session.get(Topic, topic.id).post_count == 2


def test_a_reply_reads_no_other_topic_of_its_board(app, member):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN")
    board = make_board()
    topics = [boards.create_topic(board, member, title=f"t{i}", body="Hello.") for i in range(5)]
    topic = db.session.get(Topic, topics[2].id)
    caught: list[tuple[str, tuple]] = []

    def record(_conn, _cursor, statement, parameters, *_rest):
        caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        boards.create_reply(topic, member, body="Thanks, that helps.")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    with db.engine.connect() as conn:
        details = [
            row[-1]
            for statement, parameters in caught
            if statement.lstrip().upper().startswith(("SELECT", "UPDATE"))
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        ]
    # Only rows found by primary key: no walk over the board's topics (board_id=?) or a thread's posts.
    by_board = [d for d in details if re.search(r"\btopic\b.*board_id=", d) or re.match(r"SCAN (topic|post)\b", d)]
    assert not by_board, by_board


def test_every_kind_of_change_keeps_the_counts_exact(app, moderator):
    app.config["HOLD_FIRST_POSTS"] = 1
    board, elsewhere = make_board(), make_board()
    regular, newcomer = make_user("regular"), make_user("newcomer")
    regular_first = boards.create_topic(board, regular, title="First", body="Hello.")  # held: a first post
    moderation.resolve_item(moderation.open_item_for(_first(regular_first)), moderator, resolution="approve")
    _exact()
    topic = boards.create_topic(board, regular, title="Evenings", body="What helps in the evening?")
    replies = [boards.create_reply(topic, regular, body=f"Reply {i}.") for i in range(3)]
    _exact()
    assert _board(board.id) == (2, 5, replies[-1].id)

    held = boards.create_topic(board, newcomer, title="Hi", body="New here.")
    assert held.status == PostStatus.HELD
    _exact()
    assert _board(board.id)[:2] == (2, 5)
    moderation.resolve_item(moderation.open_item_for(_first(held)), moderator, resolution="approve")
    _exact()
    assert _board(board.id)[:2] == (3, 6)

    # Hiding a thread's newest post moves the topic's and the board's last post back.
    actions.hide_post(_item(replies[-1], moderator), moderator, guideline="spam", note="Advert")
    _exact()
    assert _board(board.id)[:2] == (3, 5)
    boards.delete_own_post(db.session.get(Post, replies[0].id), regular)
    _exact()
    # Hiding an opening post hides its topic: the board loses the topic and its remaining posts.
    actions.hide_post(_item(_first(topic), moderator), moderator, guideline="spam", note="Advert")
    _exact()
    assert _board(board.id)[:2] == (2, 2)

    moved = boards.create_topic(board, regular, title="Move me", body="Wrong board.")
    boards.create_reply(moved, newcomer, body="Agreed.")
    actions.move_topic(_item(_first(moved), moderator), moderator, board=db.session.get(Board, elsewhere.id))
    _exact()
    assert _board(elsewhere.id)[:2] == (1, 2)

    # A moderator holds a post the flagger missed; an edit the flagger holds.
    flag_missed_post(db.session.get(Post, replies[1].id), moderator, level="urgent", note="goodbye")
    _exact()
    late = boards.create_reply(db.session.get(Topic, moved.id), regular, body="Fine now.")
    boards.edit_post(late, regular, body=URGENT_TEXT)
    assert late.status == PostStatus.HELD
    _exact()

    delete_account(db.session.get(User, regular.id), password=PASSWORD, posts=REMOVE_POSTS)
    _exact()
    assert _board(elsewhere.id)[:2] == (1, 1)


def _first(topic: Topic) -> Post:
    return db.session.scalar(select(Post).where(Post.topic_id == topic.id).order_by(Post.id).limit(1))


def test_hiding_a_post_twice_moves_the_counts_once(member):
    board = make_board()
    topic = boards.create_topic(board, member, title="Evenings", body="Hello.")
    reply = boards.create_reply(topic, member, body="Me too.")
    counts.set_post_status(reply, PostStatus.HIDDEN.value)
    counts.set_post_status(reply, PostStatus.HIDDEN.value)  # a second moderator, a moment later
    db.session.commit()
    _exact()
    assert _board(board.id)[:2] == (1, 1)


def test_flagging_a_missed_post_that_holds_it_takes_it_out_of_the_counts(moderator, member):
    board = make_board()
    topic = boards.create_topic(board, member, title="Evenings", body="Hello.")
    reply = boards.create_reply(topic, member, body="See you all.")
    flag_missed_post(reply, moderator, level="urgent", note="sounds like a goodbye")
    assert reply.status == PostStatus.HELD
    _exact()
    assert _board(board.id)[:2] == (1, 1)


def test_check_counts_reports_drift_and_repairs_it_with_repair(app, member):
    board = make_board()
    topic = boards.create_topic(board, member, title="Evenings", body="Hello.")
    boards.create_reply(topic, member, body="Me too.")
    db.session.execute(text("UPDATE topic SET post_count = 7, last_post_id = NULL WHERE id = :id"), {"id": topic.id})
    db.session.execute(text("UPDATE board SET topic_count = 3, post_count = 9 WHERE id = :id"), {"id": board.id})
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["check", "counts"])
    assert result.exit_code == 1
    assert f"topic {topic.id}: stored (7, none," in result.output
    assert f"board {board.id}: stored (3, 9," in result.output
    assert "run with --repair" in result.output
    assert counts.check_counts(repair=False)  # reporting changed nothing

    result = runner.invoke(args=["check", "counts", "--repair"])
    assert result.exit_code == 0, result.output
    assert "repaired 2" in result.output
    _exact()
    assert _board(board.id)[:2] == (1, 2)
    result = runner.invoke(args=["check", "counts"])
    assert result.exit_code == 0 and "agrees" in result.output


def test_the_crisis_playbook_moves_the_counts_when_it_hides_and_publishes(moderator, member):
    from forum.moderation import playbook

    board = make_board()
    topic = boards.create_topic(board, moderator, title="Evenings", body="Hello.")
    post = boards.create_reply(
        topic, member, body="honestly i want to die lately. no plan, i just can't shake the thought"
    )
    item = moderation.open_item_for(post)
    assert post.status == PostStatus.VISIBLE and _board(board.id)[:2] == (1, 2)
    playbook.decide_visibility(item, moderator, choice="hold", note="reaching out first")
    _exact()
    assert _board(board.id)[:2] == (1, 1)
    playbook.decide_visibility(item, moderator, choice="publish_note")
    _exact()
    assert _board(board.id)[:2] == (1, 2)

"""`flask demo seed`: bulk demo content whose cached counts agree with its posts."""

from __future__ import annotations

import random
import re

import pytest
from sqlalchemy import func, select, text

from forum.accounts.models import User
from forum.boards.models import Board, Post, PostStatus, Topic
from forum.boards.services import ANONYMOUS_LABEL
from forum.crisis.detector import Level, assess
from forum.demo import _title, make_body, seed_demo
from forum.extensions import db
from forum.notifications.models import TopicWatch
from tests.factories import make_post, make_topic, make_user


def _assert_counts_agree() -> None:
    for topic in db.session.scalars(select(Topic)):
        visible = db.session.execute(
            select(func.count(Post.id), func.max(Post.id)).where(
                Post.topic_id == topic.id, Post.status == PostStatus.VISIBLE
            )
        ).one()
        assert (topic.post_count, topic.last_post_id) == tuple(visible)
        assert topic.last_activity_at == db.session.get(Post, topic.last_post_id).created_at
        first = db.session.scalar(select(Post).where(Post.topic_id == topic.id).order_by(Post.id).limit(1))
        assert (topic.author_id, topic.is_anonymous, topic.created_at) == (
            first.author_id,
            first.is_anonymous,
            first.created_at,
        )
    for board in db.session.scalars(select(Board)):
        topics = db.session.scalar(select(func.count(Topic.id)).where(Topic.board_id == board.id))
        posts = db.session.scalar(
            select(func.count(Post.id)).join(Topic).where(Topic.board_id == board.id, Post.status == PostStatus.VISIBLE)
        )
        latest = db.session.scalar(
            select(Post)
            .join(Topic)
            .where(Topic.board_id == board.id, Post.status == PostStatus.VISIBLE)
            .order_by(Post.created_at.desc())
            .limit(1)
        )
        assert (board.topic_count, board.post_count) == (topics, posts)
        expected = (latest.id, latest.created_at) if latest else (None, None)
        assert (board.last_post_id, board.last_activity_at) == expected


def test_seed_fills_default_boards_and_counts_agree_with_posts(app):
    result = seed_demo(12, 30, 400, seed=3)
    assert (result.members, result.topics, result.posts, result.boards) == (12, 30, 400, 7)
    assert db.session.scalar(select(func.count(Post.id))) == 400
    assert db.session.scalar(select(func.count(User.id))) == 12
    _assert_counts_agree()
    # Some anonymous posts and pinned topics; ids follow time, as on a real forum.
    anonymous = db.session.scalar(select(func.count(Post.id)).where(Post.is_anonymous))
    assert 0 < anonymous < 400 * 0.3
    assert db.session.scalar(select(func.count(Topic.id)).where(Topic.is_pinned)) > 0
    times = list(db.session.scalars(select(Post.created_at).order_by(Post.id)))
    assert times == sorted(times)
    assert (times[-1] - times[0]).days > 30
    # Each member watches every topic they started or answered, as the notifications migration does.
    watches = set(db.session.execute(select(TopicWatch.user_id, TopicWatch.topic_id)).tuples())
    assert watches == set(db.session.execute(select(Post.author_id, Post.topic_id).distinct()).tuples())


def test_bodies_vary_from_a_sentence_to_several_paragraphs_and_stay_calm():
    rng = random.Random(5)
    bodies = [make_body(rng, reply=i % 2 == 0) for i in range(400)]
    lengths = sorted(len(b) for b in bodies)
    assert lengths[0] < 200 and lengths[-1] > 1500
    assert any(b.count("\n\n") >= 3 for b in bodies)
    # Demo text skips the crisis flagger, so it must never look like a crisis.
    for sample in bodies + [_title(rng) for _ in range(200)]:
        assert assess(sample).level == Level.NONE, sample


def test_anonymous_authors_stay_hidden_on_pages(app, client):
    seed_demo(6, 8, 120, seed=11)
    names = dict(db.session.execute(select(User.id, User.pseudonym)).tuples().all())
    anonymous = list(db.session.scalars(select(Post).where(Post.is_anonymous, Post.status == PostStatus.VISIBLE)))
    assert anonymous
    for post in anonymous[:15]:
        page = client.get(f"/posts/{post.id}", follow_redirects=True).text
        article = re.search(rf'<article[^>]*id="post-{post.id}".*?</article>', page, re.S).group(0)
        assert ANONYMOUS_LABEL in article
        assert names[post.author_id] not in article
        assert post.author.anonymous_handle not in page
    for topic in db.session.scalars(select(Topic).where(Topic.is_anonymous)):
        board_page = client.get(f"/boards/{topic.board.slug}?page=1").text
        row = re.search(rf'<tr>\s*<td>(?:(?!</tr>).)*?/topics/{topic.id}".*?</tr>', board_page, re.S)
        if row:
            assert names[topic.author_id] not in row.group(0).split("<small>by")[1].split("</small>")[0]
    for member_id, name in names.items():
        profile = client.get(f"/members/{name}").text
        for post_id in db.session.scalars(select(Post.id).where(Post.author_id == member_id, Post.is_anonymous)):
            assert f'/posts/{post_id}"' not in profile


def test_running_twice_adds_more_and_counts_still_agree(app):
    seed_demo(5, 10, 60, seed=1)
    seed_demo(5, 10, 60, seed=1)
    assert db.session.scalar(select(func.count(Post.id))) == 120
    assert db.session.scalar(select(func.count(Topic.id))) == 20
    keys = list(db.session.scalars(select(User.pseudonym_key)))
    assert len(keys) == len(set(keys)) == 10
    _assert_counts_agree()
    # Ordinary writes after the bulk insert get fresh ids (PostgreSQL's sequences were moved on).
    topic = make_topic(author=make_user())
    make_post(topic)
    assert topic.id > 20


def test_demo_posts_are_in_the_search_index(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the FTS5 index is SQLite's; PostgreSQL's tsvector column is generated by the database")
    if not db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'post_fts'")):
        pytest.skip("no search index in this schema")
    seed_demo(5, 10, 200, seed=2)
    indexed = db.session.scalar(text("SELECT count(*) FROM post_fts WHERE post_fts MATCH 'journaling'"))
    written = db.session.scalar(select(func.count(Post.id)).where(Post.body.like("%Journaling%")))
    assert indexed == written > 0
    # The per-row trigger is back for posts written afterwards.
    assert db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'post_fts_insert'")) == 1


def test_cli_seeds_and_reports(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed", "--members", "4", "--topics", "5", "--posts", "20", "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert "Added 4 members, 5 topics and 20 posts over 7 boards" in result.output
    bad = runner.invoke(args=["demo", "seed", "--topics", "5", "--posts", "2"])
    assert bad.exit_code != 0


def test_a_seeded_world_passes_check_counts_and_keeps_every_post_index(app):
    def schema():
        rows = db.session.execute(text("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'post'"))
        return sorted(rows.tuples())

    before = schema() if db.engine.dialect.name == "sqlite" else None
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["demo", "seed", "--members", "30", "--topics", "40", "--posts", "900", "--seed", "4"])
    assert seeded.exit_code == 0, seeded.output
    checked = runner.invoke(args=["check", "counts"])
    assert checked.exit_code == 0, checked.output
    assert "every topic and board agrees with its posts" in checked.output
    assert db.session.scalar(select(func.count(Post.id))) == 900
    assert db.session.scalar(select(func.sum(Board.post_count))) == db.session.scalar(
        select(func.count(Post.id)).where(Post.status == PostStatus.VISIBLE)
    )
    if before is not None:  # the indexes and trigger dropped for the bulk insert are all back, as they were
        assert schema() == before
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"

"""Search finds titles and bodies, keeps its index in step, and shows only what everyone may read."""

import pytest
from sqlalchemy import update

from forum.accounts.privacy import REMOVE_POSTS, delete_account
from forum.boards import services as boards
from forum.boards.models import Post, PostStatus, Topic
from forum.errors import InvalidAction
from forum.extensions import db
from forum.search import services
from tests.factories import PASSWORD, make_post, make_topic, make_user


def _first_post(topic):
    return db.session.scalar(db.select(Post).where(Post.topic_id == topic.id).order_by(Post.id))


def test_finds_words_in_bodies_with_stemming(search, member):
    topic = make_topic(title="Evenings", body="Nothing to see.")
    reply = make_post(topic, body="The cravings were strongest after work.")
    assert search("craving") == [reply.id]
    assert search("strongest work") == [reply.id]
    assert search("craving morning") == []


def test_finds_topic_titles_as_their_first_post(search):
    topic = make_topic(title="Relapse prevention plan", body="Let's share ours.")
    make_post(topic, body="Mine is on the fridge.")
    assert search("prevention") == [_first_post(topic).id]


def test_title_and_body_of_one_post_count_once(search):
    topic = make_topic(title="Sleep", body="Sleep helps me most.")
    assert search("sleep") == [_first_post(topic).id]
    assert services.search_posts("sleep", None, 1).total == 1


def test_title_matches_rank_above_body_matches(search):
    in_body = make_topic(title="Evening walks", body="Walking helps with anxiety, and walking is free.")
    in_title = make_topic(title="Anxiety", body="Does anyone else get it in the mornings?")
    assert search("anxiety") == [_first_post(in_title).id, _first_post(in_body).id]


def test_phrases_need_their_words_in_order(search):
    topic = make_topic(body="A bad day, not a day that was bad.")
    other = make_topic(body="The day was bad.")
    assert search('"bad day"') == [_first_post(topic).id]
    assert set(search("bad day")) == {_first_post(topic).id, _first_post(other).id}


def test_accented_words_are_found(search):
    topic = make_topic(body="Met at the café after the meeting.")
    assert search("café") == [_first_post(topic).id]
    if db.engine.dialect.name == "sqlite":
        # FTS5 folds diacritics; PostgreSQL's 'english' configuration does not (unaccent is an extension).
        assert search("cafe") == [_first_post(topic).id]


@pytest.mark.parametrize(
    "raw",
    [
        "body:x",
        "NEAR(a b)",
        "x*",
        '"unclosed',
        "(a OR b) AND NOT c",
        "a & !b | c <-> d:*",
        "'; DROP TABLE post; --",
        '""',
        '" "',
        "-x",
        "^x",
        "{body}: x",
        "title : x",
        "AND",
        "x AND",
        "\\",
        "ß",
        "日本語",
        "٣",
        "🙂 x",
        "_",
    ],  # fmt: skip
)
def test_hostile_syntax_never_reaches_the_engine(raw, search):
    make_topic(title="x marks", body="x ß 日本語 ٣ body title")
    try:
        search(raw)
    except InvalidAction:
        pass


def test_hidden_held_and_removed_posts_are_not_found(search, moderator):
    topic = make_topic(title="Open topic", body="Opening words.")
    visible = make_post(topic, body="needle visible")
    make_post(topic, body="needle hidden", status=PostStatus.HIDDEN)
    make_post(topic, body="needle held", status=PostStatus.HELD)
    make_post(topic, body="needle removed", status=PostStatus.REMOVED)
    assert search("needle") == [visible.id]
    # Moderators review hidden and held posts in the queue; search shows them what members see.
    assert search("needle", moderator) == [visible.id]


def test_posts_in_hidden_or_held_topics_are_not_found(search):
    hidden = make_topic(title="needle in hidden topic", body="needle body", status=PostStatus.HIDDEN.value)
    make_post(hidden, body="needle reply")
    held = make_topic(title="needle held topic", body="needle", status=PostStatus.HELD.value)
    assert held.id
    assert search("needle") == []


def test_authors_do_not_find_their_own_held_posts(search):
    author = make_user()
    topic = make_topic(body="Hello.")
    make_post(topic, author, body="needle waiting", status=PostStatus.HELD)
    assert search("needle", author) == []


def test_editing_a_post_updates_the_index(search, member):
    topic = make_topic(author=member, title="Old title", body="Original wording.")
    post = _first_post(topic)
    boards.edit_post(post, member, body="Rewritten completely.", title="Fresh heading")
    assert search("original") == []
    assert search("old title") == []
    assert search("rewritten") == [post.id]
    assert search("heading") == [post.id]


def test_deleting_own_post_removes_it_from_results(search, member):
    topic = make_topic(body="Hello.")
    post = make_post(topic, member, body="needle regret")
    boards.delete_own_post(post, member)
    assert search("needle") == []


def test_deleted_account_words_leave_the_index(search, member):
    make_topic(author=member, title="My own story", body="needle private story")
    delete_account(member, password=PASSWORD, posts=REMOVE_POSTS)
    assert search("needle") == []
    # The index itself no longer holds the words, whatever the status filter says.
    db.session.execute(update(Post).values(status=PostStatus.VISIBLE.value))
    db.session.execute(update(Topic).values(status=PostStatus.VISIBLE.value))
    assert search("needle") == []
    assert search("story") == []


def test_hard_deleted_rows_leave_the_index(search):
    topic = make_topic(title="Gone soon", body="needle")
    db.session.execute(db.delete(Post).where(Post.topic_id == topic.id))
    db.session.execute(db.delete(Topic).where(Topic.id == topic.id))
    db.session.commit()
    assert search("needle") == []
    assert search("gone") == []


def test_anonymous_posts_are_not_found_by_their_authors_pseudonym(search):
    author = make_user("Quiet_Heron")
    public = make_topic(author=author, title="Quiet thoughts", body="Signed as myself.")
    make_post(public, author, body="needle said anonymously", anonymous=True)
    assert search("Quiet_Heron") == []
    assert search("heron") == []
    assert search("quiet") == [_first_post(public).id]


def test_pages_are_bounded(search):
    topic = make_topic(title="Busy", body="Opening.")
    posts = [make_post(topic, body=f"needle {i}") for i in range(45)]
    newest_first = [p.id for p in reversed(posts)]
    first = services.search_posts("needle", None, 1)
    assert (first.page, first.pages, first.total) == (1, 3, 45)
    assert [hit.post.id for hit in first.items] == newest_first[:20]
    assert search("needle", page=3) == newest_first[40:]
    assert services.search_posts("needle", None, 99).page == 3
    assert services.search_posts("needle", None, -4).page == 1
    assert services.search_posts("absent", None, 5).page == 1


def test_common_words_rank_only_the_newest_matches(search, monkeypatch, moderator):
    # A small window stands in for WINDOW (2,000), which bounds the work when a word is everywhere.
    monkeypatch.setattr(services, "WINDOW", 5)
    topic = make_topic(title="Window", body="Opening.")
    # The oldest posts would rank best (the word three times in a short text): outside the window.
    old = [make_post(topic, body="needle needle needle") for _ in range(3)]
    newer = [make_post(topic, body=f"one needle among many other words, number {i}, said plainly") for i in range(5)]
    best_new = make_post(topic, body="needle needle")
    found = services.search_posts("needle", None, 1)
    assert found.more and found.total == 5
    ids = [hit.post.id for hit in found.items]
    assert ids[0] == best_new.id
    assert set(ids) == {best_new.id, *[p.id for p in newer[1:]]}
    assert not {p.id for p in old} & set(ids)
    # Only what everyone may read: a held post inside the window is left out, not replaced.
    newer[4].status = PostStatus.HELD.value
    db.session.commit()
    found = services.search_posts("needle", None, 1)
    assert found.total == 4 and newer[4].id not in [hit.post.id for hit in found.items]


def test_title_matches_are_windowed_by_topic(search, monkeypatch):
    monkeypatch.setattr(services, "WINDOW", 2)
    topics = [make_topic(title=f"Gratitude list {i}", body="Mine today.") for i in range(4)]
    found = services.search_posts("gratitude", None, 1)
    assert found.more and found.total == 2
    assert [hit.post.id for hit in found.items] == [_first_post(t).id for t in reversed(topics[2:])]


def test_searches_within_the_window_say_nothing_more(search):
    for i in range(3):
        make_topic(title=f"Walk {i}", body="needle")
    found = services.search_posts("needle", None, 1)
    assert not found.more and found.total == 3


def test_counting_stops_one_past_the_window(search, monkeypatch):
    # Bodies and titles are windowed apart, so together they can rank up to twice the window;
    # the count stops at WINDOW + 1 and the page says "more than" instead of reading on.
    monkeypatch.setattr(services, "WINDOW", 3)
    for i in range(3):
        make_topic(title=f"Needle {i}", body=f"needle in a body {i}")
        make_topic(title=f"Needle title only {i}", body="Nothing here.")
    found = services.search_posts("needle", None, 1)
    assert found.capped and found.total == 3 and found.pages == 1
    assert len(found.items) == 5  # three bodies, and two more topics whose titles match

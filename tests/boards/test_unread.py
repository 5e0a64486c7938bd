"""Unread markers: each member's place in a topic, "3 new" on the board, and the link to the first unread post."""

import re
from datetime import timedelta

from flask import g
from sqlalchemy import func, select

from forum.accounts.models import utcnow
from forum.boards import reading, services
from forum.boards.models import PostStatus, TopicRead
from forum.extensions import db
from tests.factories import make_board, make_post, make_topic, make_user

OLD = utcnow() - timedelta(days=reading.UNVISITED_NEW_DAYS + 1)


def _read(viewer, topic, page: int = 1) -> bool:
    """What the topic page does after rendering: record the viewer's place."""
    shown = services.topic_posts(topic, viewer, page)
    return reading.mark_topic_read(viewer, topic.id, shown=shown.items, known=shown.read_up_to)


def _row(board, viewer, topic):
    return next(t for t in services.board_topics(board, viewer, 1).items if t.id == topic.id)


def _old_topic(board=None, author=None, **fields):
    return make_topic(board or make_board(), author or make_user(), created_at=OLD, **fields)


# Services -----------------------------------------------------------------------------------


def test_replies_after_a_visit_are_new_and_the_first_of_them_is_linked(app, member):
    topic = _old_topic()
    _read(member, topic)
    replies = [make_post(topic, make_user()) for _ in range(3)]
    row = _row(topic.board, member, topic)
    assert (row.new_posts, row.first_new_id, row.unopened_new) == (3, replies[0].id, False)
    _read(member, topic)
    row = _row(topic.board, member, topic)
    assert (row.new_posts, row.first_new_id) == (0, None)


def test_held_and_hidden_posts_are_not_new(app, member, moderator):
    topic = _old_topic()
    _read(member, topic)
    _read(moderator, topic)
    make_post(topic, make_user(), status=PostStatus.HELD)
    make_post(topic, make_user(), status=PostStatus.HIDDEN)
    make_post(topic, make_user(), status=PostStatus.REMOVED)
    for viewer in (member, moderator):
        assert _row(topic.board, viewer, topic).new_posts == 0
    shown = make_post(topic, make_user())
    for viewer in (member, moderator):
        row = _row(topic.board, viewer, topic)
        assert (row.new_posts, row.first_new_id) == (1, shown.id)


def test_own_replies_are_not_new_since_posting_shows_them(client, login, member):
    topic = _old_topic()
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    login(member)
    client.get(url)
    make_post(topic, make_user())
    for anonymous in ("", "y"):
        response = client.post(f"{url}/reply", data={"body": "Thanks, that helps.", "anonymous": anonymous})
        client.get(client.get(response.headers["Location"]).headers["Location"])
    # The pages the replies landed on showed the other member's post too: nothing is new.
    assert _row(topic.board, member, topic).new_posts == 0
    make_post(topic, make_user())
    assert _row(topic.board, member, topic).new_posts == 1


def test_a_long_absence_counts_up_to_a_cap(client, login, member):
    topic = _old_topic(title="Busy thread")
    _read(member, topic)
    for _ in range(reading.MAX_COUNTED_NEW + 1):
        make_post(topic, make_user())
    assert _row(topic.board, member, topic).new_posts == reading.MAX_COUNTED_NEW + 1
    login(member)
    assert (
        f'<span class="tag tag-new">{reading.MAX_COUNTED_NEW}+ new</span>'
        in client.get(f"/boards/{topic.board.slug}").text
    )
    make_post(topic, make_user(), status=PostStatus.HIDDEN)
    db.session.execute(TopicRead.__table__.update().values(last_read_post_id=TopicRead.last_read_post_id + 2))
    db.session.commit()
    assert _row(topic.board, member, topic).new_posts == reading.MAX_COUNTED_NEW - 1


def test_read_state_is_per_member(app, member, other_member):
    topic = _old_topic()
    _read(member, topic)
    make_post(topic, make_user())
    assert _row(topic.board, member, topic).new_posts == 1
    # Never opened and older than two days: nothing for the other member.
    row = _row(topic.board, other_member, topic)
    assert (row.new_posts, row.unopened_new) == (None, False)


def test_an_unopened_topic_is_new_for_two_days_and_never_to_its_author(app, member, other_member):
    board = make_board()
    recent = make_topic(board, other_member)
    old = _old_topic(board, other_member)
    assert _row(board, member, recent).unopened_new is True
    assert _row(board, member, old).unopened_new is False
    assert _row(board, other_member, recent).unopened_new is False
    _read(member, recent)
    assert _row(board, member, recent).unopened_new is False


def test_guests_have_no_read_state(app):
    topic = _old_topic()
    make_post(topic, make_user())
    assert _read(None, topic) is False
    row = _row(topic.board, None, topic)
    assert (row.new_posts, row.first_new_id, row.unopened_new) == (None, None, False)
    assert db.session.scalar(select(func.count()).select_from(TopicRead)) == 0


def test_reading_an_earlier_page_never_moves_the_place_back(app, member):
    topic = _old_topic()
    for _ in range(25):
        make_post(topic, make_user())
    assert _read(member, topic, page=2) is True
    place = db.session.scalar(select(TopicRead.last_read_post_id))
    assert place == topic.last_post_id
    _read(member, topic, page=1)
    db.session.expire_all()
    assert db.session.scalar(select(TopicRead.last_read_post_id)) == place


def test_a_page_already_read_writes_nothing(app, member, count_queries):
    topic = _old_topic()
    assert _read(member, topic) is True
    shown = services.topic_posts(topic, member, 1)
    assert shown.read_up_to == topic.last_post_id
    with count_queries() as counter:
        assert reading.mark_topic_read(member, topic.id, shown=shown.items, known=shown.read_up_to) is False
    assert counter.count == 0


# Pages --------------------------------------------------------------------------------------


def test_board_shows_how_many_are_new_and_links_to_the_first_unread(client, login, member):
    topic = _old_topic(title="Evenings are hard")
    for _ in range(19):
        make_post(topic, make_user())
    url = f"/boards/{topic.board.slug}"
    login(member)
    assert client.get(f"{url}/topics/{topic.id}").status_code == 200
    assert "tag-new" not in client.get(url).text
    # The page showed posts 1-20; five more come, the first of them the 21st, on page 2.
    replies = [make_post(topic, make_user()) for _ in range(5)]
    page = client.get(url).text
    assert '<span class="tag tag-new">5 new</span>' in page
    link = re.search(r'<a href="([^"]+)">Evenings are hard</a>', page).group(1)
    assert link == f"/posts/{replies[0].id}"
    landing = client.get(link)
    assert landing.headers["Location"].endswith(f"/topics/{topic.id}?page=2#post-{replies[0].id}")
    # Reading page 2 leaves nothing new, and the link is the topic's own address again.
    assert f'id="post-{replies[0].id}"' in client.get(landing.headers["Location"]).text
    page = client.get(url).text
    assert "tag-new" not in page and f'<a href="{url}/topics/{topic.id}">Evenings are hard</a>' in page


def test_board_marks_a_recent_unopened_topic_new(client, login, member):
    topic = make_topic(make_board(), make_user(), title="Just posted")
    login(member)
    page = client.get(f"/boards/{topic.board.slug}").text
    assert '>Just posted</a> <span class="tag tag-new">new</span>' in page


def test_guest_board_page_is_the_same_whatever_members_have_read(app, client, login, member):
    board = make_board()
    old, recent = _old_topic(board), make_topic(board, make_user())
    make_post(old, make_user())
    url = f"/boards/{board.slug}"
    guest = app.test_client()
    before = guest.get(url).text
    login(member)
    client.get(f"{url}/topics/{old.id}")
    client.get(f"{url}/topics/{recent.id}")
    assert db.session.scalar(select(func.count()).select_from(TopicRead)) == 2
    # The tests share one app context: forget the member flask-login kept there, as a new request would.
    g.pop("_login_user", None)
    assert guest.get(url).text == before
    assert "tag-new" not in before


def test_board_read_state_rides_on_the_listing_query(client, login, member, count_queries):
    board = make_board()
    first = _old_topic(board)
    url = f"/boards/{board.slug}"

    def statements():
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.statements

    assert not any("topic_read" in s for s in statements())
    login(member)
    client.get(f"{url}/topics/{first.id}")
    small = statements()
    for _ in range(30):
        topic = _old_topic(board)
        client.get(f"{url}/topics/{topic.id}")
        make_post(topic, make_user())
    big = statements()
    assert client.get(url).text.count('<span class="tag tag-new">1 new</span>') == 25
    # One statement reads the rows and every row's read state, however many topics were read.
    assert len(small) == len(big)
    assert sum("topic_read" in s for s in big) == 1


def test_topic_page_writes_the_place_once(client, login, member, count_queries):
    topic = _old_topic()
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    login(member)

    def writes():
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return [s for s in counter.statements if s.lstrip().upper().startswith("INSERT")]

    assert len(writes()) == 1
    assert writes() == []
    make_post(topic, make_user())
    assert len(writes()) == 1
    assert writes() == []
    client.post("/logout")
    assert writes() == []

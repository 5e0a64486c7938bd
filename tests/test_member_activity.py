"""What members are told about their own posts: "Your activity", staff badges, the newcomer's hold."""

import html
import re

from forum import permissions
from forum.boards import services
from forum.boards.models import PostStatus
from forum.extensions import db
from forum.moderation.models import CARE_NOTE
from forum.moderation.services import FIRST_POST_NOTICE, next_post_held
from forum.permissions import Role
from tests.factories import make_board, make_post, make_topic, make_user

# --- Your activity ---


def _own_posts(member):
    topic = make_topic(make_board(), make_user(), title="Someone else's topic")
    return {
        "named": make_post(topic, member, body="named words"),
        "anonymous": make_post(make_topic(title="Anon topic"), member, anonymous=True),
        "held": make_post(make_topic(title="Held topic"), member, status=PostStatus.HELD),
        "hidden": make_post(make_topic(title="Hidden topic"), member, status=PostStatus.HIDDEN),
        "removed": make_post(make_topic(title="Removed topic"), member, status=PostStatus.REMOVED),
    }


def test_member_activity_lists_every_own_post_newest_first(app, member, other_member):
    posts = _own_posts(member)
    make_post(author=other_member)
    listed = services.member_activity(member)
    assert [p.id for p in listed.items] == sorted((p.id for p in posts.values()), reverse=True)
    assert listed.total == 5 and listed.pages == 1
    assert services.member_activity(other_member).total == 1


def test_activity_pages_through_many_posts(client, login, app, member, monkeypatch):
    monkeypatch.setattr(services, "ACTIVITY_PER_PAGE", 2)
    topics = [make_topic(make_board(), make_user(), title=f"Topic number {i}") for i in range(5)]
    for topic in topics:
        make_post(topic, member)
    assert [p.topic.title for p in services.member_activity(member, 3).items] == ["Topic number 0"]
    login(member)
    first = client.get("/account/activity").text
    assert "Topic number 4" in first and "Topic number 2" not in first and "Page 1 of 3" in first
    last = client.get("/account/activity?page=99").text
    assert "Topic number 0" in last and "Topic number 1" not in last


def test_activity_page_shows_anonymous_and_held_posts_with_their_status(client, login, member):
    posts = _own_posts(member)
    login(member)
    page = client.get("/account/activity")
    assert page.status_code == 200
    text = page.text
    for title in ("Someone else", "Anon topic", "Held topic", "Hidden topic", "Removed topic"):
        assert title in text
    assert "Posted anonymously (only you see this is yours)" in text
    assert "Waiting for a moderator" in text and "Hidden by a moderator" in text and "Removed by you" in text
    for post in posts.values():
        assert f'href="/posts/{post.id}"' in text
    # Linked from the account page.
    assert 'href="/account/activity"' in client.get("/account").text


def test_activity_page_never_shows_another_members_posts(client, login, member, other_member):
    _own_posts(member)
    login(other_member)
    text = client.get("/account/activity").text
    assert "Anon topic" not in text and "Held topic" not in text and "haven't posted yet" in text
    # Nor can an address name someone else: there is only the signed-in member's page.
    assert client.get(f"/account/activity?member={member.pseudonym}").text == text


def test_guest_is_sent_to_sign_in(client):
    response = client.get("/account/activity")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_care_hidden_post_reads_as_only_you(client, login, member):
    make_post(make_topic(title="Care topic"), member, status=PostStatus.HIDDEN, moderator_note=CARE_NOTE)
    login(member)
    text = client.get("/account/activity").text
    assert "Only you can see this for now" in text and "Hidden by a moderator" not in text


# --- Staff badges ---


def test_staff_badge_labels():
    assert permissions.staff_badge(Role.MODERATOR.value) == "Moderator"
    assert permissions.staff_badge(Role.ADMIN.value) == "Moderator"
    assert permissions.staff_badge(Role.FACILITATOR.value) == "Facilitator"
    assert permissions.staff_badge(Role.MEMBER.value) is None
    assert permissions.staff_badge(None) is None


def test_topic_page_badges_named_staff_posts_only(client, app, member, moderator, facilitator, admin):
    topic = make_topic(make_board(), member, body="member opener")
    make_post(topic, moderator, body="from the moderator")
    make_post(topic, facilitator, body="from the facilitator")
    make_post(topic, admin, body="from the admin")
    text = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text
    assert text.count('<span class="staff-badge">Moderator</span>') == 2
    assert text.count('<span class="staff-badge">Facilitator</span>') == 1


def test_anonymous_staff_post_looks_like_any_anonymous_post(client, login, member, moderator, other_member):
    topic = make_topic(make_board(), member)
    staff = make_post(topic, moderator, body="anon from staff", anonymous=True)
    plain = make_post(topic, other_member, body="anon from member", anonymous=True)
    login(member)
    text = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text
    assert "staff-badge" not in text

    def header(post):
        start = text.index(f'id="post-{post.id}"')
        return text[start : text.index("</header>", start)].replace(str(post.id), "ID")

    staff_header, plain_header = header(staff), header(plain)
    # Same markup, apart from the date.
    strip = re.compile(r"<time[^>]*>.*?</time>")
    assert strip.sub("", staff_header) == strip.sub("", plain_header)


def test_badge_on_single_post_pages_too(client, moderator):
    post = make_post(make_topic(make_board()), moderator)
    text = client.get(f"/posts/{post.id}", follow_redirects=True).text
    assert '<span class="staff-badge">Moderator</span>' in text


# --- The newcomer is told their first post waits ---


def test_next_post_held_follows_the_hold_rule(app, member, moderator, facilitator):
    app.config["HOLD_FIRST_POSTS"] = 1
    assert next_post_held(member)
    assert not next_post_held(moderator) and not next_post_held(facilitator)
    make_post(author=member, status=PostStatus.HELD)
    assert next_post_held(member)  # a held post doesn't count as their first
    make_post(author=member)
    assert not next_post_held(member)
    app.config["HOLD_FIRST_POSTS"] = 0
    db.session.expire_all()
    assert not next_post_held(make_user())


def test_newcomer_sees_the_notice_where_they_post(client, login, app, member):
    app.config["HOLD_FIRST_POSTS"] = 1
    topic = make_topic(make_board(), make_user())
    login(member)
    for url in (f"/boards/{topic.board.slug}/topics/new", f"/boards/{topic.board.slug}/topics/{topic.id}"):
        assert FIRST_POST_NOTICE in html.unescape(client.get(url).text), url


def _shows_notice(text):
    return "first-post-notice" in text


def test_no_notice_for_guests_regulars_staff_or_when_off(client, login, app, member, moderator):
    app.config["HOLD_FIRST_POSTS"] = 1
    topic = make_topic(make_board(), make_user())
    topic_url, new_url = f"/boards/{topic.board.slug}/topics/{topic.id}", f"/boards/{topic.board.slug}/topics/new"
    assert not _shows_notice(client.get(topic_url).text)
    login(moderator)
    assert not _shows_notice(client.get(new_url).text)
    client.post("/logout")
    make_post(author=member)
    login(member)
    assert not _shows_notice(client.get(new_url).text) and not _shows_notice(client.get(topic_url).text)
    app.config["HOLD_FIRST_POSTS"] = 0
    client.post("/logout")
    login(make_user())
    assert not _shows_notice(client.get(new_url).text)


def test_notice_costs_one_query_and_only_for_a_newcomer(client, login, app, member, count_queries):
    topic = make_topic(make_board(), make_user())
    for _ in range(5):
        make_post(topic, make_user())
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    login(member)

    def queries():
        db.session.expunge_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    app.config["HOLD_FIRST_POSTS"] = 0
    # The first visit also records the member's place in the topic (one write, forum/boards/reading.py).
    queries()
    off = queries()
    app.config["HOLD_FIRST_POSTS"] = 1
    # One count of the member's visible posts, once a request; the badge rides on the posts' query.
    assert queries() == off + 1

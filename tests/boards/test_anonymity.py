"""An anonymous author's pseudonym must appear nowhere another member or a guest can look."""

import re
from datetime import date

import pytest

from forum.boards.models import Post, PostStatus, Topic
from forum.extensions import db
from forum.meetings.models import Meeting
from forum.mentoring.services import grant_badge
from tests.factories import PASSWORD, make_board, make_meeting, make_topic


@pytest.fixture
def anonymous_thread(client, login, app):
    from tests.factories import make_user

    author = make_user("Secret_Author_X")
    board = make_board()
    login(author)
    client.post(
        f"/boards/{board.slug}/topics/new", data={"title": "Hard week", "body": "I relapsed.", "anonymous": "y"}
    )
    topic = db.session.scalar(db.select(Topic))
    public = make_topic(make_board(), author, title="Public topic", body="Under my name")
    client.post(f"/boards/{public.board.slug}/topics/{public.id}/reply", data={"body": "anon reply", "anonymous": "y"})
    # A meeting room where the same author shares anonymously, then under their name.
    meeting = make_meeting(board, keep_posts=True)
    client.post(f"/meetings/{meeting.id}/post", data={"body": "anon share", "anonymous": "y"})
    client.post("/logout")
    return author, board, topic, public


def _pages(client, board, topic, public):
    urls = ["/", f"/boards/{board.slug}", f"/boards/{board.slug}/topics/{topic.id}", "/help"]
    # Feeds of the anonymous topic's board and thread (the public topic names its author, rightly).
    urls += [f"/boards/{board.slug}/feed.atom", f"/boards/{board.slug}/topics/{topic.id}/feed.atom"]
    # Search results label each hit's author.
    urls += ["/search?q=relapsed", "/search?q=anon+reply"]
    # "Your activity" is always the viewer's own: another member sees only their own posts there.
    urls += ["/account/activity"]
    # Meetings: the list, the calendar feed, the room and its live endpoint.
    meeting = db.session.scalar(db.select(Meeting))
    urls += ["/meetings", "/meetings.ics", f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/live?after=0"]
    for post in db.session.scalars(db.select(Post).where(Post.is_anonymous.is_(True), Post.topic_id == topic.id)):
        urls.append(f"/posts/{post.id}")
        urls.append(f"/boards/{board.slug}/topics/{topic.id}?quote={post.id}")
    return urls


def _assert_hidden(client, urls, secret):
    for url in urls:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert secret.lower() not in response.text.lower(), url
        assert secret.lower() not in str(response.headers).lower(), url


def test_guest_never_sees_anonymous_author(client, anonymous_thread):
    author, board, topic, public = anonymous_thread
    _assert_hidden(client, _pages(client, board, topic, public), author.pseudonym)
    page = client.get(f"/boards/{board.slug}/topics/{topic.id}").text
    assert "Anonymous member" in page
    # The walk is not vacuous: search finds both anonymous posts, labelled as such.
    for query in ("relapsed", "anon reply"):
        assert "Anonymous member" in client.get("/search", query_string={"q": query}).text


def test_other_member_never_sees_anonymous_author(client, login, anonymous_thread):
    from tests.factories import make_user

    author, board, topic, public = anonymous_thread
    login(make_user("curious"))
    _assert_hidden(client, _pages(client, board, topic, public), author.pseudonym)
    profile = client.get(f"/members/{author.pseudonym}").text
    assert "Hard week" not in profile and "anon reply" not in profile
    public_page = client.get(f"/boards/{public.board.slug}/topics/{public.id}").text
    # The anonymous reply sits beside the same author's public post: it must not be linked to them.
    assert public_page.count(f">{author.pseudonym}</a>") == 1
    assert "anon reply" in public_page
    room = client.get(f"/meetings/{db.session.scalar(db.select(Meeting)).id}").text
    assert "anon share" in room and "Anonymous member" in room


def test_peer_mentor_badge_never_marks_an_anonymous_post(client, login, admin, anonymous_thread):
    from tests.factories import make_user

    author, board, topic, public = anonymous_thread
    grant_badge(author, by=admin, trained_on=date(2026, 11, 1))
    login(make_user("curious"))
    urls = _pages(client, board, topic, public)
    _assert_hidden(client, urls, author.pseudonym)
    _assert_hidden(client, urls, "Peer mentor</span>")
    public_page = client.get(f"/boards/{public.board.slug}/topics/{public.id}").text
    # Only beside the named post: a badge on the anonymous reply would narrow who wrote it.
    assert public_page.count("Peer mentor</span>") == 1


def test_author_sees_their_anonymous_post_is_theirs(client, anonymous_thread):
    author, board, topic, _ = anonymous_thread
    client.post("/login", data={"pseudonym": author.pseudonym, "password": PASSWORD})
    page = client.get(f"/boards/{board.slug}/topics/{topic.id}").text
    assert "Anonymous member (you)" in page
    # Their own activity page lists both anonymous posts (which another member's walk never shows).
    activity = client.get("/account/activity").text
    assert "Hard week" in activity and "Public topic" in activity and "only you see this" in activity


def test_moderator_sees_stable_handle_not_pseudonym(client, login, moderator, anonymous_thread):
    author, board, topic, public = anonymous_thread
    login(moderator)
    page = client.get(f"/boards/{board.slug}/topics/{topic.id}").text
    assert f"Anonymous #{author.anonymous_handle}" in page
    assert author.pseudonym not in page


# Every place that copies an author label into new text ------------------------------------------


def _quote_box(client, board, topic, post_id):
    page = client.get(f"/boards/{board.slug}/topics/{topic.id}?quote={post_id}").text
    return page.split('name="body"', 1)[1].split("</textarea>", 1)[0]


def _anonymous_opening_post(topic):
    return db.session.scalar(db.select(Post).where(Post.topic_id == topic.id).order_by(Post.id))


def test_quoting_own_anonymous_post_copies_only_the_public_label(client, anonymous_thread):
    author, board, topic, _ = anonymous_thread
    client.post("/login", data={"pseudonym": author.pseudonym, "password": PASSWORD})
    box = _quote_box(client, board, topic, _anonymous_opening_post(topic).id)
    assert "Anonymous member wrote:" in box and "(you)" not in box and author.pseudonym not in box
    # Posted as it stands, under the author's name, the reply links nothing to the anonymous post.
    client.post(f"/boards/{board.slug}/topics/{topic.id}/reply", data={"body": box.split(">", 1)[1]})
    client.post("/logout")
    page = client.get(f"/boards/{board.slug}/topics/{topic.id}").text
    assert "Anonymous member (you)" not in page and "Anonymous member wrote:" in page


def test_moderator_quote_of_anonymous_post_has_no_private_handle(client, login, moderator, anonymous_thread):
    author, board, topic, _ = anonymous_thread
    login(moderator)
    box = _quote_box(client, board, topic, _anonymous_opening_post(topic).id)
    assert "Anonymous member wrote:" in box
    assert author.anonymous_handle not in box and author.pseudonym not in box


def test_hidden_post_cannot_be_quoted_into_public_text(client, login, moderator):
    from tests.factories import make_post

    topic = make_topic(make_board(), title="Open topic")
    hidden = make_post(topic, body="Words a moderator hid", status=PostStatus.HIDDEN)
    login(moderator)
    page = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}")
    assert f"quote={hidden.id}" not in page.text
    assert "Words a moderator hid" not in _quote_box(client, topic.board, topic, hidden.id)


def test_deleted_account_keeps_its_anonymous_posts_anonymous(client, login, moderator, anonymous_thread):
    author, board, topic, public = anonymous_thread
    client.post("/login", data={"pseudonym": author.pseudonym, "password": PASSWORD})
    assert client.post("/account/delete", data={"posts": "keep", "password": PASSWORD}).status_code == 302
    for viewer in (None, moderator):
        if viewer is not None:
            login(viewer)
        anonymous_page = client.get(f"/boards/{board.slug}/topics/{topic.id}").text
        assert "Former member" not in anonymous_page and "Anonymous member" in anonymous_page
        public_page = client.get(f"/boards/{public.board.slug}/topics/{public.id}").text
        # The named opening post becomes "Former member"; the anonymous reply beside it does not.
        assert public_page.count("Former member") == 1 and "Anonymous member" in public_page


URGENT_TEXT = "i've saved up my pills, tonight's the night. wanted to say goodbye to you all"


def _secrets(author):
    return (author.pseudonym.lower(), author.anonymous_handle.lower())


def test_alerts_never_name_an_anonymous_author(app, client, login):
    from forum.crisis.models import AlertOutbox
    from tests.factories import make_user

    app.config.update(
        SMTP_HOST="smtp.invalid", ALERT_EMAIL_TO=["mods@example.org"], ALERT_WEBHOOK_URL="https://h.invalid/"
    )
    author = make_user("Secret_Author_Y")
    board = make_board()
    login(author)
    client.post(f"/boards/{board.slug}/topics/new", data={"title": "Tonight", "body": URGENT_TEXT, "anonymous": "y"})
    rows = db.session.scalars(db.select(AlertOutbox)).all()
    assert {row.channel for row in rows} == {"email", "webhook"}
    for row in rows:
        text = f"{row.subject} {row.body} {row.recipients}".lower()
        assert not any(secret in text for secret in _secrets(author)), row.channel


def test_reporter_pages_messages_and_export_never_name_an_anonymous_author(client, login, moderator, anonymous_thread):
    from forum.moderation import actions, services
    from tests.factories import make_user

    author, board, topic, _ = anonymous_thread
    reporter = make_user("worried_reader")
    post = _anonymous_opening_post(topic)
    login(reporter)
    client.post(f"/posts/{post.id}/report", data={"reason": "worried", "note": "Are they safe?"})
    item = services.open_item_for(post)
    actions.message_author(item, moderator, subject="Checking in", body="How are you?")
    actions.hide_post(item, moderator, guideline="graphic", note="Please add a content note")
    for url in ("/reports", "/messages", "/account/export"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert not any(secret in response.text.lower() for secret in _secrets(author)), url
    assert "Are they safe?" in client.get("/account/export").text


def test_crisis_feedback_export_never_names_an_anonymous_author(client, login, moderator):
    from forum.boards.services import create_topic
    from forum.crisis import services as crisis
    from tests.factories import make_user

    author = make_user("Secret_Author_Z")
    topic = create_topic(make_board(), author, title="Tonight", body=URGENT_TEXT, anonymous=True)
    crisis.record_feedback(crisis.latest_flag(_anonymous_opening_post(topic)), moderator, "confirmed")
    login(moderator)
    export = client.get("/moderation/crisis-feedback.jsonl").text
    assert "goodbye" in export
    assert not any(secret in export.lower() for secret in _secrets(author))


def test_logs_never_name_an_anonymous_author(client, login, moderator, anonymous_thread, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    author, board, topic, _ = anonymous_thread
    client.post("/login", data={"pseudonym": author.pseudonym, "password": PASSWORD})
    client.post(f"/boards/{board.slug}/topics/{topic.id}/reply", data={"body": "Another anonymous", "anonymous": "y"})
    client.post("/logout")
    login(moderator)
    client.get(f"/boards/{board.slug}/topics/{topic.id}")
    for record in caplog.records:
        # Signing in may name the account; nothing may tie it to a post.
        message = record.getMessage().lower()
        assert author.anonymous_handle.lower() not in message and "another anonymous" not in message, message


def test_latest_feed_labels_the_anonymous_topic_only_anonymous(client, anonymous_thread):
    author, *_ = anonymous_thread
    feed = client.get("/latest.atom").text
    entries = {e.split("<title", 1)[1].split("</title>")[0]: e for e in feed.split("<entry>")[1:]}
    (anonymous,) = [e for title, e in entries.items() if "Hard week" in title]
    assert "<name>Anonymous member</name>" in anonymous and author.pseudonym not in anonymous


def test_talking_back_about_an_anonymous_post_never_names_the_author(client, login, moderator, anonymous_thread):
    from forum.moderation import actions, conversations, services
    from forum.moderation.models import ItemKind
    from tests.factories import make_user

    author, board, topic, public = anonymous_thread
    post = db.session.scalar(db.select(Post).where(Post.topic_id == topic.id))
    item = services.enqueue(post, ItemKind.CONCERN_CRISIS)
    db.session.commit()
    message = actions.message_author(item, moderator, subject="Checking in", body="How are you?")
    conversations.reply_to_message(message, author, body="Thanks for asking")
    conversations.answer_member(message, moderator, body="Any time")
    staff_pages = ["/moderation/", "/moderation/messages", f"/moderation/messages/{message.id}"]
    staff_pages.append(f"/moderation/items/{item.id}")
    login(moderator)
    for url in staff_pages:
        page = client.get(url).text
        assert author.pseudonym not in page, url
    assert author.anonymous_label in client.get("/moderation/messages").text
    client.post("/logout")
    login(make_user("nosy"))
    for url in (f"/messages/{message.id}", "/messages"):
        response = client.get(url)
        assert author.pseudonym not in response.text and "Thanks for asking" not in response.text, url
    assert client.get(f"/messages/{message.id}").status_code == 403


def test_unread_markers_never_name_an_anonymous_author(client, login, anonymous_thread):
    from tests.factories import make_post, make_user

    author, board, topic, _ = anonymous_thread
    login(make_user("curious"))
    client.get(f"/boards/{board.slug}/topics/{topic.id}")
    reply = make_post(topic, author, body="Another anonymous note", anonymous=True)
    page = client.get(f"/boards/{board.slug}").text
    # The walk is not vacuous: the row is marked and links to the anonymous reply.
    assert '<span class="tag tag-new">1 new</span>' in page and f'href="/posts/{reply.id}"' in page
    _assert_hidden(client, [f"/boards/{board.slug}", f"/posts/{reply.id}"], author.pseudonym)


def test_muting_the_author_never_folds_their_anonymous_posts(client, login, anonymous_thread):
    # A fold under "Anonymous member" would tell the muter who wrote it.
    from tests.factories import make_user

    author, board, topic, public = anonymous_thread
    login(make_user("muter"))
    assert client.post(f"/members/{author.pseudonym}/mute").status_code == 302
    client.get(f"/members/{author.pseudonym}")  # the confirmation names them, on their own page
    _assert_hidden(client, _pages(client, board, topic, public), author.pseudonym)
    assert "You muted this member" not in client.get(f"/boards/{board.slug}/topics/{topic.id}").text
    public_page = client.get(f"/boards/{public.board.slug}/topics/{public.id}").text
    # Their named post folds; the anonymous reply beside it does not.
    assert public_page.count("You muted this member") == 1 and "anon reply" in public_page


def test_notifications_never_name_an_anonymous_author(client, login, moderator):
    """An anonymous reply, quote, mention and reaction reach their readers as "Anonymous member" only."""
    from forum.boards.services import create_reply, create_topic, react
    from forum.text import quote_markdown
    from tests.factories import make_user

    author = make_user("Secret_Author_X")
    reader = make_user("curious")
    board = make_board()
    topic = create_topic(board, reader, title="Cravings at night", body="What helps you?")
    opening = _anonymous_opening_post(topic)
    # Every kind of notification, each written anonymously by the same member, mentioning the moderator too.
    create_reply(topic, author, body=f"@curious @{moderator.pseudonym} a walk helps me.", anonymous=True)
    mine = create_reply(topic, reader, body="Thank you, I'll try.")
    create_reply(topic, author, body=quote_markdown("curious", mine.body) + "Let us know.", anonymous=True)
    react(opening, author, "support")
    expected = {
        reader: ("Anonymous member mentioned you", "Anonymous member quoted you", "reacted “Sending support”"),
        moderator: ("Anonymous member mentioned you",),
    }
    for viewer, lines in expected.items():
        login(viewer)
        page = client.get("/notifications").text
        assert all(line in page for line in lines), page
        assert author.pseudonym.lower() not in page.lower()
        assert author.anonymous_handle not in page
        for link in re.findall(r'href="(/notifications/\d+)"', page):
            followed = client.get(link, follow_redirects=True)
            assert followed.status_code == 200
            assert author.pseudonym.lower() not in followed.text.lower()
        client.post("/logout")


def test_an_anonymously_shared_milestone_never_names_its_author(client, login, moderator):
    from datetime import timedelta

    from forum.accounts.models import utcnow
    from forum.boards.services import seed_default_boards
    from forum.recovery import services as recovery
    from tests.factories import make_user

    seed_default_boards()
    author = make_user("Milestone_Author_Q")
    today = utcnow().date()
    start = recovery.add_start(
        author, label="clean and sober", started_on=today - timedelta(days=91), today=today
    ).start
    login(author)
    shared = client.post(f"/recovery/starts/{start.id}/milestones/90d/share", data={"anonymous": "y"})
    assert shared.status_code == 302
    client.post("/logout")
    topic = db.session.scalar(db.select(Topic).where(Topic.board.has(slug="milestones")))
    urls = ["/", "/boards/milestones", f"/boards/milestones/topics/{topic.id}", "/latest.atom"]
    urls += ["/boards/milestones/feed.atom", f"/boards/milestones/topics/{topic.id}/feed.atom", "/search?q=sober"]
    urls += [f"/posts/{post.id}" for post in db.session.scalars(db.select(Post).where(Post.topic_id == topic.id))]
    _assert_hidden(client, urls, author.pseudonym)
    login(make_user("curious_reader"))
    _assert_hidden(client, [*urls, "/recovery", "/account/activity"], author.pseudonym)
    profile = client.get(f"/members/{author.pseudonym}").text
    assert "90 days" not in profile
    # Not vacuous: the topic is there, labelled as anonymous, and search finds it.
    assert "Anonymous member" in client.get(f"/boards/milestones/topics/{topic.id}").text
    assert '<span class="author">Anonymous member</span>' in client.get("/search?q=sober").text
    client.post("/logout")
    login(moderator)
    page = client.get(f"/boards/milestones/topics/{topic.id}").text
    assert author.anonymous_label in page and author.pseudonym not in page


def test_other_member_reading_in_spanish_never_sees_anonymous_author(client, login, anonymous_thread):
    from tests.factories import make_user

    author, board, topic, public = anonymous_thread
    login(make_user("curiosa"))
    client.set_cookie("lang", "es")
    _assert_hidden(client, _pages(client, board, topic, public), author.pseudonym)
    page = client.get(f"/boards/{board.slug}/topics/{topic.id}").text
    # The walk is not vacuous: the page is in Spanish and the label is the translated one.
    assert '<html lang="es">' in page and "Miembro anónimo" in page and "Anonymous member" not in page

"""Atom feeds hold only what a guest may read, and never name an anonymous author."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from forum.boards.models import Post, PostStatus
from forum.extensions import db
from tests.factories import make_board, make_post, make_topic, make_user

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == "application/atom+xml"
    return response, ET.fromstring(response.data)  # noqa: S314 - the forum's own output, under test


def _entries(root):
    return root.findall(f"{ATOM}entry")


def _titles(root):
    return [entry.findtext(f"{ATOM}title") for entry in _entries(root)]


def _contents(root):
    return [entry.findtext(f"{ATOM}content") for entry in _entries(root)]


def _urls(board, topic):
    return ["/latest.atom", f"/boards/{board.slug}/feed.atom", f"/boards/{board.slug}/topics/{topic.id}/feed.atom"]


def test_feeds_are_valid_atom_with_absolute_links_and_utc_times(client, app):
    board = make_board(slug="general")
    topic = make_topic(board, title="First steps")
    make_post(topic, body="Welcome")
    for url in _urls(board, topic):
        _response, root = _feed(client, url)
        assert root.tag == f"{ATOM}feed"
        assert RFC3339_UTC.match(root.findtext(f"{ATOM}updated"))
        assert root.findtext(f"{ATOM}id").startswith("http://localhost/")
        assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"http://localhost{url}"
        assert _entries(root)
        for entry in _entries(root):
            for name in ("id", "title", "updated", "published", "content"):
                assert entry.find(f"{ATOM}{name}") is not None, (url, name)
            assert RFC3339_UTC.match(entry.findtext(f"{ATOM}updated"))
            assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/posts/")
            assert entry.find(f"{ATOM}content").get("type") == "html"


def test_latest_feed_lists_newest_topics_first_twenty_at_most(client, app):
    board, other = make_board(), make_board()
    for n in range(22):
        make_topic(board if n % 2 else other, title=f"Topic {n}", body=f"Opening {n}")
    make_post(make_topic(board, title="Topic 22"), body="a late reply")
    _response, root = _feed(client, "/latest.atom")
    assert _titles(root) == [f"Topic {n}" for n in range(22, 2, -1)]
    _response, root = _feed(client, f"/boards/{board.slug}/feed.atom")
    assert _titles(root) == ["Topic 22"] + [f"Topic {n}" for n in range(21, 0, -2)]
    # A topic entry carries its opening post, not the replies.
    assert "a late reply" not in _response.text


def test_topic_feed_lists_newest_posts_first(client, app):
    topic = make_topic(title="Hard week", body="opening")
    for n in range(3):
        make_post(topic, body=f"reply {n}")
    _response, root = _feed(client, f"/boards/{topic.board.slug}/topics/{topic.id}/feed.atom")
    assert _titles(root) == ["Re: Hard week"] * 3 + ["Hard week"]
    assert [re.sub(r"<[^>]+>", "", text).strip() for text in _contents(root)] == [
        "reply 2",
        "reply 1",
        "reply 0",
        "opening",
    ]


def test_edited_post_updates_its_entry_and_the_feed(client, app):
    topic = make_topic(title="Edited")
    post = make_post(topic, body="changed later")
    post.edited_at = datetime(2030, 1, 2, 3, 4, 5)
    db.session.commit()
    _response, root = _feed(client, f"/boards/{topic.board.slug}/topics/{topic.id}/feed.atom")
    assert root.findtext(f"{ATOM}updated") == "2030-01-02T03:04:05Z"
    assert _entries(root)[0].findtext(f"{ATOM}updated") == "2030-01-02T03:04:05Z"
    assert _entries(root)[0].findtext(f"{ATOM}published") != "2030-01-02T03:04:05Z"


@pytest.mark.parametrize("status", [PostStatus.HELD, PostStatus.HIDDEN, PostStatus.REMOVED])
def test_held_hidden_and_removed_posts_are_left_out(client, login, app, status):
    author = make_user("writer")
    board = make_board()
    topic = make_topic(board, title="Open topic", body="open text")
    make_post(topic, author, body=f"secret {status} reply", status=status)
    closed = make_topic(board, author, title=f"Closed {status} topic", body="closed opening")
    closed.status = status.value
    opener = make_topic(board, author, title=f"Opener {status} topic", body="gone opening")
    _first_post(opener).status = status.value
    db.session.commit()
    # The author sees their own held post on the page; the feed is the guest's view, whoever asks.
    for viewer in ("guest", "author"):
        if viewer == "author":
            login(author)
        for url in _urls(board, topic):
            response, _root = _feed(client, url)
            for text in (f"secret {status} reply", "Closed", "closed opening", "Opener", "gone opening"):
                assert text not in response.text, (viewer, url, text)
        assert client.get(f"/boards/{board.slug}/topics/{closed.id}/feed.atom").status_code == 404


def _first_post(topic):
    return db.session.scalars(db.select(Post).where(Post.topic_id == topic.id).order_by(Post.id)).first()


def test_anonymous_author_appears_nowhere_in_any_feed(client, login, app, moderator):
    author = make_user("Secret_Author_X", anonymous_handle="f00dfeed")
    board = make_board()
    topic = make_topic(board, author, title="Hard week", body="I relapsed.", anonymous=True)
    make_post(topic, author, body="anonymous reply", anonymous=True)
    make_post(topic, body="a named reply from someone else")
    # Even for a moderator, who sees the handle on the page, the feed shows what a guest sees.
    for viewer in ("guest", "moderator"):
        if viewer == "moderator":
            login(moderator)
        for url in _urls(board, topic):
            response, root = _feed(client, url)
            data = response.data.lower()
            assert b"secret_author_x" not in data, (viewer, url)
            assert b"f00dfeed" not in data, (viewer, url)
            assert b"/members/" not in data, (viewer, url)
            authors = [entry.find(f"{ATOM}author") for entry in _entries(root)]
            anonymous = [a for a in authors if a.findtext(f"{ATOM}name") == "Anonymous member"]
            assert anonymous
            # Nothing but a name: no profile address, no email.
            assert all([child.tag for child in a] == [f"{ATOM}name"] for a in anonymous)


def test_content_note_folds_the_text_behind_a_link(client, app):
    topic = make_topic(title="Noted")
    post = make_post(topic, body="details of the relapse", content_note="mentions relapse")
    response, root = _feed(client, f"/boards/{topic.board.slug}/topics/{topic.id}/feed.atom")
    assert "details of the relapse" not in response.text
    content = _contents(root)[0]
    assert "Content note: mentions relapse" in content
    assert f'href="http://localhost/posts/{post.id}"' in content.replace("&#34;", '"')


def test_script_in_a_post_is_sanitised_in_the_feed(client, app):
    body = "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)> **fine**"
    topic = make_topic(title="<b>Title</b> & more", body=body)
    for url in _urls(topic.board, topic):
        _response, root = _feed(client, url)
        html = _contents(root)[0]
        assert "<strong>fine</strong>" in html
        assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
        assert "&lt;script&gt;" in html
        assert root.find(f"{ATOM}entry/{ATOM}title").text.startswith("<b>Title</b> & more")


def test_members_only_refuses_feeds_to_guests(client, login, app, member):
    app.config["MEMBERS_ONLY"] = True
    topic = make_topic(title="Private")
    for url in _urls(topic.board, topic):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    login(member)
    for url in _urls(topic.board, topic):
        _feed(client, url)


def test_unknown_or_misplaced_feeds(client, app):
    topic = make_topic()
    assert client.get("/boards/nowhere/feed.atom").status_code == 404
    assert client.get(f"/boards/{topic.board.slug}/topics/999/feed.atom").status_code == 404
    assert client.get(f"/boards/{topic.board.slug}/topics/99999999999999/feed.atom").status_code == 404
    moved = client.get(f"/boards/elsewhere/topics/{topic.id}/feed.atom")
    assert moved.status_code == 301
    assert moved.location.endswith(f"/boards/{topic.board.slug}/topics/{topic.id}/feed.atom")


def test_pages_point_readers_at_their_feeds(client, app):
    topic = make_topic()
    link = '<link rel="alternate" type="application/atom+xml"'
    pages = {
        "/": "/latest.atom",
        f"/boards/{topic.board.slug}": f"/boards/{topic.board.slug}/feed.atom",
        f"/boards/{topic.board.slug}/topics/{topic.id}": f"/boards/{topic.board.slug}/topics/{topic.id}/feed.atom",
    }
    for page, feed in pages.items():
        head = client.get(page).text.split("</head>")[0]
        assert link in head and f'href="{feed}"' in head, page


def test_feeds_make_a_fixed_number_of_queries(client, app, count_queries):
    board = make_board()
    topic = make_topic(board)
    make_post(topic)
    urls = _urls(board, topic)

    def counts():
        result = []
        for url in urls:
            with count_queries() as counter:
                _feed(client, url)
            result.append(counter.count)
        return result

    few = counts()
    for n in range(25):
        make_post(topic, make_user(), anonymous=n % 2 == 0)
        make_topic(board, make_user(), anonymous=n % 3 == 0)
    assert counts() == few
    assert few == [1, 2, 2]


def _revalidate(client, url, previous):
    """GET with the validators of an earlier response, as a feed reader polls."""
    return client.get(
        url,
        headers={"If-None-Match": previous.headers["ETag"], "If-Modified-Since": previous.headers["Last-Modified"]},
    )


def test_unchanged_feeds_answer_not_modified_without_a_body(client, app):
    board = make_board()
    topic = make_topic(board, title="Polled", body="opening")
    make_post(topic, body="a reply")
    for url in _urls(board, topic):
        first, _root = _feed(client, url)
        assert first.headers["ETag"].startswith('W/"'), url
        assert first.last_modified is not None, url
        for headers in (
            {"If-None-Match": first.headers["ETag"]},
            {"If-None-Match": first.headers["ETag"], "If-Modified-Since": first.headers["Last-Modified"]},
        ):
            again = client.get(url, headers=headers)
            assert again.status_code == 304, (url, headers)
            assert again.data == b""
            assert again.headers["ETag"] == first.headers["ETag"]
        # Another validator is no match: the feed comes whole.
        assert client.get(url, headers={"If-None-Match": 'W/"something-else"'}).status_code == 200
        # A date alone can't tell that a moderator hid a post, so it never earns a 304.
        dated = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert dated.status_code == 200 and dated.data == first.data


def test_feed_validators_change_with_new_edited_and_hidden_posts(client, login, app, member, moderator):
    from forum.moderation import services as moderation
    from forum.moderation.models import ItemKind

    board = make_board()
    topic = make_topic(board, member, title="Polled", body="opening")
    topic_url = f"/boards/{board.slug}/topics/{topic.id}/feed.atom"
    urls = _urls(board, topic)
    seen = {url: _feed(client, url)[0] for url in urls}

    def changed(expected_urls):
        for url in urls:
            response = _revalidate(client, url, seen[url])
            if url in expected_urls:
                assert response.status_code == 200, url
                assert response.headers["ETag"] != seen[url].headers["ETag"], url
                seen[url] = response
            else:
                assert response.status_code == 304, url

    login(member)
    assert client.post(f"/boards/{board.slug}/topics/{topic.id}/reply", data={"body": "A new reply"}).status_code == 302
    changed({topic_url})
    reply = db.session.scalars(db.select(Post).where(Post.topic_id == topic.id).order_by(Post.id.desc())).first()
    assert client.post(f"/posts/{reply.id}/edit", data={"body": "An edited reply"}).status_code == 302
    changed({topic_url})
    assert "An edited reply" in seen[topic_url].text

    # Hiding a post drops its entry: the newest entry's time goes back, yet the ETag changes.
    client.post("/logout")
    login(moderator)

    def hide(post):
        item = moderation.enqueue(post, ItemKind.REPORT)
        db.session.commit()
        response = client.post(f"/moderation/items/{item.id}/hide", data={"guideline": "spam", "note": "Advert"})
        assert response.status_code == 302

    hide(reply)
    changed({topic_url})
    assert "An edited reply" not in seen[topic_url].text
    # The opening post carries the topic in the latest and board feeds; hiding it hides the topic.
    hide(_first_post(topic))
    urls.remove(topic_url)
    changed(set(urls))
    assert all("Polled" not in seen[url].text for url in urls)
    assert _revalidate(client, topic_url, seen[topic_url]).status_code == 404


def test_a_new_topic_changes_the_latest_and_board_feeds(client, login, app, member):
    board = make_board()
    topic = make_topic(board, title="Older")
    urls = _urls(board, topic)
    seen = {url: _feed(client, url)[0] for url in urls}
    login(member)
    response = client.post(f"/boards/{board.slug}/topics/new", data={"title": "Newer", "body": "hello"})
    assert response.status_code == 302
    for url in urls:
        again = _revalidate(client, url, seen[url])
        assert again.status_code == (304 if "/topics/" in url else 200), url

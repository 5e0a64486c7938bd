import re

import pytest

from forum.boards.models import Post, Topic
from forum.boards.services import seed_default_boards
from forum.extensions import db
from tests.factories import make_board, make_post, make_topic, make_user


def test_index_lists_the_default_boards_with_counts(client, app):
    seed_default_boards()
    page = client.get("/").text
    for name in (
        "Dual diagnosis",
        "Stigma",
        "Relapse prevention",
        "Introductions",
        "Coping skills &amp; wins",
        "Milestones",
        "Family &amp; friends",
    ):
        assert name in page
    assert "No posts yet" in page


def test_guest_can_read_but_not_post(client, app):
    topic = make_topic(title="Readable")
    assert client.get(f"/boards/{topic.board.slug}").status_code == 200
    assert "Readable" in client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text
    response = client.get(f"/boards/{topic.board.slug}/topics/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_guest_reading_a_thread_gets_no_session_cookie(client, app):
    app.config["WTF_CSRF_ENABLED"] = True  # a reply form would put its token in a new session
    make_post(topic=(topic := make_topic()), body="Read me")
    response = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}")
    assert "Read me" in response.text
    assert "Set-Cookie" not in response.headers


def test_members_only_setting_sends_guests_to_sign_in(client, app):
    app.config["MEMBERS_ONLY"] = True
    topic = make_topic()
    assert client.get(f"/boards/{topic.board.slug}").status_code == 302
    assert client.get("/help").status_code == 200


def test_new_topic_and_reply_flow(client, login, member):
    board = make_board()
    login(member)
    form = client.get(f"/boards/{board.slug}/topics/new").text
    for label in ("Title", "Message", "Post anonymously"):
        assert f">{label}</label>" in form or f"> {label}</label>" in form
    response = client.post(f"/boards/{board.slug}/topics/new", data={"title": "Day one", "body": "Hello **all**"})
    assert response.status_code == 302
    topic = db.session.scalar(db.select(Topic))
    page = client.get(response.headers["Location"], follow_redirects=True).text
    assert "<strong>all</strong>" in page
    response = client.post(f"/boards/{board.slug}/topics/{topic.id}/reply", data={"body": "A reply"})
    assert response.status_code == 302
    assert "A reply" in client.get(response.headers["Location"], follow_redirects=True).text


def test_rejected_topic_keeps_the_members_text(client, login, member):
    board = make_board()
    login(member)
    response = client.post(f"/boards/{board.slug}/topics/new", data={"title": "", "body": "my precious words"})
    assert response.status_code == 400
    assert "give your topic a title" in response.text
    assert "my precious words" in response.text
    long = "x" * 20_001
    response = client.post(f"/boards/{board.slug}/topics/new", data={"title": "ok", "body": long})
    assert "up to 20,000 characters" in response.text
    assert long in response.text


def test_reply_to_locked_topic_keeps_text(client, login, member):
    topic = make_topic(is_locked=True)
    login(member)
    response = client.post(f"/boards/{topic.board.slug}/topics/{topic.id}/reply", data={"body": "keep me"})
    assert response.status_code == 400
    assert "locked" in response.text and "keep me" in response.text


def test_unknown_board_and_topic_are_404_in_site_style(client, app):
    response = client.get("/boards/nope")
    assert response.status_code == 404 and "couldn" in response.text
    assert client.get("/boards/nope/topics/99999999999999999999").status_code == 404
    assert client.get("/posts/0").status_code == 404


@pytest.mark.parametrize("page", ["-5", "0", "abc", "99999999999999999999999"])
def test_odd_page_numbers_are_handled(client, app, page):
    topic = make_topic()
    assert client.get(f"/boards/{topic.board.slug}/topics/{topic.id}?page={page}").status_code == 200
    assert client.get(f"/boards/{topic.board.slug}?page={page}").status_code == 200


def test_topic_pagination_and_permalinks(client, app):
    topic = make_topic()
    posts = [make_post(topic, body=f"reply number {i}") for i in range(25)]
    page_two = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}?page=2").text
    assert "reply number 24" in page_two and "reply number 5 " not in page_two
    response = client.get(f"/posts/{posts[-1].id}")
    assert response.headers["Location"].endswith(f"page=2#post-{posts[-1].id}")


def test_board_pagination_is_25(client, app):
    board = make_board()
    author = make_user()
    for i in range(26):
        make_topic(board, author, title=f"topic {i:02d}")
    first = client.get(f"/boards/{board.slug}").text
    assert first.count("<tr>") == 26  # header row + 25 topics
    assert "Page 1 of 2" in first


def test_quote_prefills_reply(client, login, member):
    topic = make_topic(body="line one\nline two")
    login(member)
    first = db.session.scalar(db.select(Post))
    page = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}?quote={first.id}").text
    assert "&gt; line one" in page and "wrote:" in page


def test_edit_and_delete_own_post(client, login, member):
    post = make_post(author=member, body="original")
    login(member)
    response = client.post(f"/posts/{post.id}/edit", data={"body": "changed"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True).text
    assert "changed" in page and "edited" in page
    client.post(f"/posts/{post.id}/delete")
    page = client.get(f"/posts/{post.id}", follow_redirects=True).text
    assert "removed by its author" in page and "changed" not in page


def test_cannot_edit_someone_elses_post(client, login, member, other_member):
    post = make_post(author=other_member)
    login(member)
    assert client.get(f"/posts/{post.id}/edit").status_code == 403
    assert client.post(f"/posts/{post.id}/delete").status_code == 403


def test_markdown_is_sanitised_and_links_marked(client, app):
    topic = make_topic(
        body="<script>alert(1)</script> [site](https://example.org/x) ![pic](https://tracker.example/p.png) <img src=x onerror=alert(1)>"
    )
    page = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text
    assert "<script>alert" not in page
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'rel="nofollow ugc noopener"' in page
    assert "(example.org)" in page
    assert 'src="https://tracker.example' not in page


def test_content_note_folds_the_message(client, app):
    topic = make_topic()
    make_post(topic, body="hard stuff", content_note="mentions relapse")
    page = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text
    assert re.search(r"<details class=\"content-note\">\s*<summary>Content note: mentions relapse", page)


def test_help_link_on_every_page(client, app):
    assert 'href="/help"' in client.get("/").text
    assert "988" in client.get("/help").text or "Get help now" in client.get("/help").text


def test_error_pages_use_site_style(client, app):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "Get help now" in response.text
    big = client.post("/login", data={"pseudonym": "x" * 400_000})
    assert big.status_code == 413 and "too much" in big.text


def _count_page_queries(client, count_queries, url):
    # Tests share the request's session; start from an empty one as a real request would.
    db.session.expunge_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_topic_and_board_pages_make_a_fixed_number_of_queries(client, app, count_queries):
    board = make_board()
    small = make_topic(board)
    make_post(small)
    small_counts = (
        _count_page_queries(client, count_queries, f"/boards/{board.slug}/topics/{small.id}"),
        _count_page_queries(client, count_queries, f"/boards/{board.slug}"),
        _count_page_queries(client, count_queries, "/"),
    )
    big = make_topic(board)
    for i in range(30):
        make_post(big, author=make_user(), anonymous=i % 2 == 0)
    for _ in range(30):
        make_topic(board, author=make_user())
    big_counts = (
        _count_page_queries(client, count_queries, f"/boards/{board.slug}/topics/{big.id}"),
        _count_page_queries(client, count_queries, f"/boards/{board.slug}"),
        _count_page_queries(client, count_queries, "/"),
    )
    assert small_counts == big_counts
    assert max(big_counts) <= 5


def test_signed_in_pages_make_a_fixed_number_of_queries(client, app, login, member, count_queries):
    board = make_board()
    topic = make_topic(board)
    login(member)
    before = _count_page_queries(client, count_queries, f"/boards/{board.slug}/topics/{topic.id}")
    for _ in range(25):
        make_post(topic, author=make_user())
    assert _count_page_queries(client, count_queries, f"/boards/{board.slug}/topics/{topic.id}") == before

"""The search page: results, messages, anonymity in the HTML, members-only mode, query count."""

import re

import pytest

from forum.search.query import MAX_QUERY_LENGTH
from tests.factories import make_post, make_topic, make_user


def test_header_has_a_labelled_search_box(client):
    page = client.get("/").text
    assert re.search(r'<form class="site-search" method="get" action="/search" role="search">', page)
    assert '<label for="site-search-q" class="visually-hidden">Search the forum</label>' in page


def test_search_page_without_a_query_shows_the_form(client):
    page = client.get("/search")
    assert page.status_code == 200
    assert '<label for="q">Search posts and topics</label>' in page.text
    assert "error-message" not in page.text


def test_results_link_to_posts_and_highlight_safely(client):
    topic = make_topic(title="Evening <b>routine</b>", body="Intro.")
    post = make_post(topic, body="My routine: <script>alert(1)</script> tea, then bed.")
    page = client.get("/search", query_string={"q": "routine"}).text
    assert "2 posts found" in page
    assert f'href="/posts/{post.id}"' in page
    assert "Evening &lt;b&gt;<mark>routine</mark>&lt;/b&gt;" in page
    assert "My <mark>routine</mark>: &lt;script&gt;alert(1)&lt;/script&gt; tea, then bed." in page
    assert "<script>alert" not in page


def test_content_note_folds_the_snippet(client):
    topic = make_topic(body="Intro.")
    make_post(topic, body="needle details", content_note="mentions relapse")
    page = client.get("/search", query_string={"q": "needle"}).text
    assert re.search(r"<details class=\"content-note\">\s*<summary>Content note: mentions relapse</summary>", page)


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a word or two"),
        ("  ", "Type a word or two"),
        ("?!*", "punctuation on its own"),
        ("x" * (MAX_QUERY_LENGTH + 1), "Searches can be up to 200 characters."),
    ],  # fmt: skip
)
def test_unusable_queries_get_a_clear_message(client, q, message):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200
    assert message in response.text
    assert 'aria-invalid="true"' in response.text


@pytest.mark.parametrize(
    "q",
    [
        "body:x",
        "NEAR(a b, 2)",
        "x*",
        '"unclosed',
        "(a OR b) AND NOT c",
        "a & !b | c <-> d:*",
        "'; DROP TABLE post;--",
        "{body title}: x",
        "^x",
        "x\\",
        '"" x',
        "🙂",
        "%",
        "\u202e x",
    ],  # fmt: skip
)
def test_hostile_fts_syntax_gets_a_page_not_an_error(client, q):
    make_topic(title="x marks the spot", body="body title x")
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200


def test_pages_keep_the_query_and_are_bounded(client):
    topic = make_topic(title="Busy", body="Opening.")
    for i in range(45):
        make_post(topic, body=f"needle {i}")
    first = client.get("/search?q=needle").text
    assert "Page 1 of 3" in first
    assert 'href="/search?page=2&amp;q=needle"' in first
    assert first.count('class="search-hit"') == 20
    last = client.get("/search?q=needle&page=3").text
    assert last.count('class="search-hit"') == 5
    for page in ("999999999999999999999", "-3", "abc", "0"):
        assert client.get(f"/search?q=needle&page={page}").status_code == 200
    assert "Page 3 of 3" in client.get("/search?q=needle&page=99").text


@pytest.fixture
def anonymous_posts(app):
    author = make_user("Hidden_Kestrel")
    topic = make_topic(author=author, title="Kestrel weekend", body="needle anonymous opening", anonymous=True)
    make_post(topic, author, body="needle anonymous reply mentions nothing", anonymous=True)
    return author


@pytest.mark.parametrize("viewer", ["guest", "other member"])
def test_anonymous_authors_pseudonym_never_appears(client, login, other_member, anonymous_posts, viewer):
    if viewer != "guest":
        login(other_member)
    for q in ("needle", "kestrel", "needle anonymous"):
        response = client.get("/search", query_string={"q": q})
        assert response.status_code == 200
        assert "Anonymous member" in response.text
        assert anonymous_posts.pseudonym.lower() not in response.text.lower()
        assert anonymous_posts.pseudonym.lower() not in str(response.headers).lower()


def test_moderators_see_the_handle_not_the_pseudonym(client, login, moderator, anonymous_posts):
    login(moderator)
    page = client.get("/search", query_string={"q": "needle"}).text
    assert anonymous_posts.anonymous_label in page
    assert anonymous_posts.pseudonym not in page


def test_searching_the_pseudonym_finds_no_anonymous_post(client, anonymous_posts):
    page = client.get("/search", query_string={"q": anonymous_posts.pseudonym}).text
    assert "Nothing found" in page
    assert 'class="search-hit"' not in page


def test_author_sees_their_own_anonymous_posts_marked(client, login, anonymous_posts):
    login(anonymous_posts)
    page = client.get("/search", query_string={"q": "needle"}).text
    assert "Anonymous member (you)" in page


def test_members_only_mode_sends_guests_to_sign_in(app, client):
    app.config["MEMBERS_ONLY"] = True
    response = client.get("/search?q=x")
    assert response.status_code == 302 and "/login" in response.location
    assert "site-search" not in client.get("/login").text


def test_search_page_makes_the_same_number_of_queries_however_many_results(client, count_queries):
    topic = make_topic(title="Counting", body="needle first")
    authors = [make_user() for _ in range(3)]

    def measure():
        with count_queries() as counter:
            assert client.get("/search?q=needle").status_code == 200
        return counter.count

    make_post(topic, authors[0], body="needle one")
    few = measure()
    for i in range(30):
        make_post(make_topic(title=f"Topic {i}"), authors[i % 3], body=f"needle {i}", anonymous=i % 2 == 0)
    assert measure() == few
    assert few <= 4


def test_page_says_when_older_matches_were_left_out(client, monkeypatch):
    from forum.search import services

    monkeypatch.setattr(services, "WINDOW", 3)
    topic = make_topic(title="Busy", body="Opening.")
    for i in range(4):
        make_post(topic, body=f"needle {i}")
    page = client.get("/search?q=needle").text
    assert "3 posts found" in page and "older posts match too" in page
    assert "older posts match too" not in client.get("/search?q=opening").text


def test_a_capped_count_reads_more_than(client, monkeypatch):
    from forum.search import services

    monkeypatch.setattr(services, "WINDOW", 2)
    for i in range(2):
        make_topic(title=f"Walk {i}", body="needle")
        make_topic(title=f"Needle {i}", body="Nothing.")
    page = client.get("/search?q=needle").text
    assert "More than 2 posts found" in page

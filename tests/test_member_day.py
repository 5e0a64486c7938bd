"""Small things members asked for: who can read, noindex, delete with a confirmation page, every
sign-up error at once, and a registration limit that counts only sign-ups that worked."""

import pytest

from forum.boards.models import Post, PostStatus
from forum.extensions import db
from tests.apps import running_app
from tests.factories import make_post, make_topic


@pytest.mark.parametrize("path", ["/", "/help", "/login", "/latest.atom", "/robots.txt", "/no-such-page"])
def test_every_page_and_feed_asks_search_engines_to_stay_away(client, path):
    response = client.get(path)
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    if response.mimetype == "text/html":
        assert '<meta name="robots" content="noindex, nofollow">' in response.text


def test_robots_txt_disallows_everything_unless_indexing_is_allowed(client, app):
    assert client.get("/robots.txt").text == "User-agent: *\nDisallow: /\n"
    app.config["ALLOW_INDEXING"] = True
    response = client.get("/robots.txt")
    assert "Disallow: /\n" not in response.text and "Disallow: /moderation/" in response.text
    assert "X-Robots-Tag" not in response.headers
    assert 'name="robots"' not in client.get("/").text
    app.config["MEMBERS_ONLY"] = True
    assert client.get("/robots.txt").text == "User-agent: *\nDisallow: /\n"


def test_compose_forms_say_who_can_read(client, login, member, app):
    topic = make_topic()
    login(member)
    pages = (f"/boards/{topic.board.slug}/topics/new", f"/boards/{topic.board.slug}/topics/{topic.id}")
    for path in pages:
        assert (
            "including guests who aren't signed in. Search engines are asked not to list it." in client.get(path).text
        )
    app.config["MEMBERS_ONLY"] = True
    for path in pages:
        assert "Who can read this: signed-in members only." in client.get(path).text


def test_delete_asks_first_on_a_page_and_then_removes(client, login, member, other_member):
    post = make_post(author=member, body="an old post I regret")
    login(member)
    page = client.get(f"/boards/{post.topic.board.slug}/topics/{post.topic_id}").text
    assert f'<a href="/posts/{post.id}/delete">Delete</a>' in page
    confirm = client.get(f"/posts/{post.id}/delete")
    assert confirm.status_code == 200 and "Delete your post?" in confirm.text and "can't be undone" in confirm.text
    assert db.session.get(Post, post.id).status == PostStatus.VISIBLE
    assert client.post(f"/posts/{post.id}/delete").status_code == 302
    assert db.session.get(Post, post.id).status == PostStatus.REMOVED
    client.post("/logout")
    login(other_member)
    assert client.get(f"/posts/{make_post(author=member).id}/delete").status_code == 403


def test_sign_up_shows_every_problem_at_once_and_keeps_the_pseudonym(client, member):
    response = client.post("/register", data={"pseudonym": "river", "password": "short", "agree": ""})
    text = response.text.replace("&#39;", "'")
    assert "That pseudonym is taken" in text
    assert "agree to the community guidelines" in text
    assert text.count('class="field field-error"') == 3
    assert 'value="river"' in text


def test_the_registration_limit_counts_only_sign_ups_that_worked():
    with running_app({"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}) as app:
        client = app.test_client()
        for _ in range(15):
            response = client.post("/register", data={"pseudonym": "x", "password": "nope", "agree": ""})
            assert response.status_code == 200
        for n in range(10):
            fresh = app.test_client()
            data = {"pseudonym": f"clinic_{n}", "password": "a long unusual passphrase", "agree": "y"}
            assert fresh.post("/register", data=data).status_code == 200
            fresh.post("/logout")
        response = app.test_client().post(
            "/register", data={"pseudonym": "clinic_x", "password": "a long unusual passphrase", "agree": "y"}
        )
        assert response.status_code == 429

"""Posting, editing and reporting limits, counted per member on the in-memory store."""

import re
import subprocess
import sys

import pytest
from flask import g

from forum.boards.models import Post
from forum.config import PROJECT_ROOT
from forum.extensions import db
from tests.apps import running_app
from tests.factories import PASSWORD, make_post, make_topic, make_user

PER_MINUTE = 5  # forum.ratelimits.POSTING_LIMIT
EDITS_PER_MINUTE = 10  # forum.ratelimits.EDITING_LIMIT
SAME_ADDRESS = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def limited_app():
    with running_app({"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}) as app:
        yield app


class _Client:
    """A test client whose requests don't reuse the user cached in the test's app context."""

    def __init__(self, client):
        self.client = client

    def post(self, *args, **kwargs):
        g.pop("_login_user", None)
        return self.client.post(*args, **kwargs)

    def get(self, *args, **kwargs):
        g.pop("_login_user", None)
        return self.client.get(*args, **kwargs)


def _signed_in(app, user):
    g.pop("_login_user", None)
    client = app.test_client()
    client.environ_base.update(SAME_ADDRESS)
    response = client.post("/login", data={"pseudonym": user.pseudonym, "password": PASSWORD})
    assert response.status_code == 302
    return _Client(client)


def _reply_url(topic) -> str:
    return f"/boards/{topic.board.slug}/topics/{topic.id}/reply"


def test_replies_past_the_limit_get_the_friendly_page_with_the_text_kept(limited_app):
    topic = make_topic()
    client = _signed_in(limited_app, make_user("river"))
    for n in range(PER_MINUTE):
        assert client.post(_reply_url(topic), data={"body": f"reply {n}"}).status_code == 302
    refused = client.post(
        _reply_url(topic), data={"body": "words I <b>don't</b> want to lose", "content_note": "mentions relapse"}
    )
    assert refused.status_code == 429
    assert "Slow down a little" in refused.text
    assert "Nothing was sent" in refused.text
    assert "words I &lt;b&gt;don&#39;t&lt;/b&gt; want to lose</textarea>" in refused.text
    assert "mentions relapse</textarea>" in refused.text
    assert re.search(r"wait about 1 minute\b", refused.text)
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert db.session.scalar(db.select(db.func.count(Post.id))) == 1 + PER_MINUTE


def test_members_on_one_address_have_their_own_allowance(limited_app):
    topic = make_topic()
    first = _signed_in(limited_app, make_user("river"))
    second = _signed_in(limited_app, make_user("meadow"))
    for n in range(PER_MINUTE):
        assert first.post(_reply_url(topic), data={"body": f"reply {n}"}).status_code == 302
    assert first.post(_reply_url(topic), data={"body": "one more"}).status_code == 429
    assert second.post(_reply_url(topic), data={"body": "my turn"}).status_code == 302


def test_topics_and_replies_share_one_allowance(limited_app):
    topic = make_topic()
    client = _signed_in(limited_app, make_user("river"))
    new_topic = f"/boards/{topic.board.slug}/topics/new"
    for n in range(PER_MINUTE - 2):
        assert client.post(_reply_url(topic), data={"body": f"reply {n}"}).status_code == 302
    for n in range(2):
        assert client.post(new_topic, data={"title": f"Topic {n}", "body": "hello"}).status_code == 302
    refused = client.post(new_topic, data={"title": "My kept title", "body": "kept body"})
    assert refused.status_code == 429
    assert "My kept title</textarea>" in refused.text and "kept body</textarea>" in refused.text


def test_refused_forms_do_not_use_up_the_allowance(limited_app):
    topic = make_topic()
    client = _signed_in(limited_app, make_user("river"))
    for _ in range(PER_MINUTE * 2):
        assert client.post(_reply_url(topic), data={"body": ""}).status_code == 400
    assert client.post(_reply_url(topic), data={"body": "at last"}).status_code == 302


def test_reading_is_never_limited(limited_app):
    topic = make_topic()
    client = _signed_in(limited_app, make_user("river"))
    for n in range(PER_MINUTE):
        client.post(_reply_url(topic), data={"body": f"reply {n}"})
    assert client.post(_reply_url(topic), data={"body": "too many"}).status_code == 429
    assert client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").status_code == 200
    assert client.get(f"/boards/{topic.board.slug}/topics/new").status_code == 200


def test_edits_have_their_own_larger_allowance(limited_app):
    member = make_user("river")
    post = make_post(author=member)
    client = _signed_in(limited_app, member)
    for n in range(EDITS_PER_MINUTE):
        assert client.post(f"/posts/{post.id}/edit", data={"body": f"version {n}"}).status_code == 302
    refused = client.post(f"/posts/{post.id}/edit", data={"body": "the final version"})
    assert refused.status_code == 429
    assert "the final version</textarea>" in refused.text
    # Editing doesn't spend the posting allowance.
    assert client.post(_reply_url(post.topic), data={"body": "a new reply"}).status_code == 302


def test_a_refused_start_date_keeps_what_the_member_counts(limited_app):
    client = _signed_in(limited_app, make_user("river"))
    for n in range(EDITS_PER_MINUTE):
        response = client.post("/recovery/starts", data={"label": f"count {n}", "started_on": "2026-01-01"})
        assert response.status_code == 302
    refused = client.post("/recovery/starts", data={"label": "gambling, my words", "started_on": "2026-01-01"})
    assert refused.status_code == 429
    assert "What you count" in refused.text and "gambling, my words</textarea>" in refused.text


def test_reports_are_counted_per_member(limited_app):
    author = make_user("author")
    posts = [make_post(author=author) for _ in range(21)]
    first = _signed_in(limited_app, make_user("river"))
    second = _signed_in(limited_app, make_user("meadow"))
    statuses = [
        first.post(f"/posts/{p.id}/report", data={"reason": "spam", "note": f"note {p.id}"}).status_code for p in posts
    ]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429
    assert second.post(f"/posts/{posts[0].id}/report", data={"reason": "spam"}).status_code == 302


def test_the_limit_page_never_echoes_a_password(limited_app):
    client = limited_app.test_client()
    client.environ_base.update(SAME_ADDRESS)
    for n in range(20):
        client.post("/login", data={"pseudonym": f"guess{n}", "password": "hunter2-secret"})
    refused = client.post("/login", data={"pseudonym": "guess", "password": "hunter2-secret"})
    assert refused.status_code == 429
    assert "hunter2-secret" not in refused.text and "Nothing was sent" not in refused.text


def _sign_in_statuses(app, proxy_headers: dict, tries: int, first: int = 0) -> list[int]:
    # A new pseudonym each time, so only the per-address limit applies, not the per-name one.
    client = app.test_client()
    return [
        client.post(
            "/login",
            data={"pseudonym": f"guess{n}", "password": "x"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
            headers=proxy_headers,
        ).status_code
        for n in range(first, first + tries)
    ]


def test_behind_a_trusted_proxy_each_visitor_has_their_own_address():
    with running_app({"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "TRUSTED_PROXIES": 1}) as app:
        assert _sign_in_statuses(app, {"X-Forwarded-For": "198.51.100.1"}, 21)[-1] == 429
        assert _sign_in_statuses(app, {"X-Forwarded-For": "198.51.100.2"}, 1) == [200]


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(limited_app):
    statuses = [
        _sign_in_statuses(limited_app, {"X-Forwarded-For": f"198.51.100.{n}"}, 1, first=n)[0] for n in range(21)
    ]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


# Run in its own process: Flask-Limiter remembers "storage is down" on the shared extension.
UNREACHABLE_REDIS = """
import socket
from forum import create_app
from forum.config import PROJECT_ROOT, TestConfig
from forum.extensions import db

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]  # closed again at once: nothing listens there
app = create_app(
    {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{port}/0"}, config_class=TestConfig
)
with app.app_context():
    db.create_all()
    client = app.test_client()
    print(" ".join(
        str(client.post("/login", data={"pseudonym": f"guess{n}", "password": "x"}).status_code) for n in range(21)
    ))
"""


def test_an_unreachable_redis_falls_back_to_counting_in_memory():
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", UNREACHABLE_REDIS],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.split() == ["200"] * 20 + ["429"], result.stderr[-2000:]

"""The site-wide announcement banner: set by admins and facilitators, shown on every page, dismissible."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.announcements import services
from forum.announcements.models import Announcement
from forum.crisis.services import seed_hotlines
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation.models import UnpostedText
from forum.permissions import Role
from tests.apps import running_app
from tests.factories import make_board, make_topic, make_user

NEWS = "Group chat moves to **Thursday** this week. <script>alert(1)</script>"
BANNER = '<aside class="announcement"'


def _banner(page: str) -> str:
    start = page.index(BANNER)
    return page[start : page.index("</aside>", start)]


# Services ----------------------------------------------------------------------------------------


def test_facilitators_and_admins_set_and_clear_the_announcement(app, facilitator, admin):
    first = services.set_announcement("  First  ", by=facilitator)
    assert services.current_banner() == services.Banner(first.id, "First")
    second = services.set_announcement("Second", by=admin)
    assert services.current_banner().id == second.id
    # One showing at a time: the earlier one is cleared, and kept as a record of what was said.
    rows = db.session.scalars(select(Announcement).order_by(Announcement.id)).all()
    assert [r.cleared_at is None for r in rows] == [False, True]
    services.clear_announcement(by=facilitator)
    assert services.current_banner() is None


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_members_and_moderators_may_not_set_it(app, request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(NotAllowed):
        services.set_announcement("Hi", by=user)
    with pytest.raises(NotAllowed):
        services.clear_announcement(by=user)


@pytest.mark.parametrize("body", ["", "   ", "x" * (services.MAX_ANNOUNCEMENT + 1)])
def test_an_empty_or_long_announcement_is_refused(app, admin, body):
    with pytest.raises(InvalidAction):
        services.set_announcement(body, by=admin)


def test_the_banner_is_read_once_per_cache_period_and_invalidated_on_change(count_queries):
    with running_app({"ANNOUNCEMENT_CACHE_SECONDS": 60}) as app:
        admin = make_user("oak", role="admin")
        client = app.test_client()
        client.get("/")
        with count_queries() as cached:
            client.get("/guidelines")
        assert not any("announcement" in s for s in cached.statements)
        # A change in this process shows at once, without waiting for the cache.
        services.set_announcement("Now showing", by=admin)
        assert "Now showing" in client.get("/guidelines").text
        with count_queries() as again:
            assert "Now showing" in client.get("/guidelines").text
        assert not any("announcement" in s for s in again.statements)
        services.clear_announcement(by=admin)
        assert BANNER not in client.get("/guidelines").text


def test_without_a_cache_each_page_costs_one_small_query(client, admin, count_queries):
    services.set_announcement("Hello", by=admin)
    with count_queries() as counter:
        client.get("/guidelines")
    assert sum("announcement" in s for s in counter.statements) == 1


# Pages -------------------------------------------------------------------------------------------


def test_the_banner_shows_on_every_page_rendered_by_the_post_filter(client, login, facilitator, member):
    topic = make_topic(make_board())
    login(facilitator)
    assert client.get("/announcement").status_code == 200
    response = client.post("/announcement", data={"body": NEWS})
    assert response.status_code == 302
    client.post("/logout")
    for url in ("/", f"/boards/{topic.board.slug}", f"/boards/{topic.board.slug}/topics/{topic.id}", "/help"):
        banner = _banner(client.get(url).text)
        assert "<strong>Thursday</strong>" in banner and "<script>" not in banner, url
    login(member)
    assert "<strong>Thursday</strong>" in _banner(client.get("/account").text)


def test_guests_and_members_dismiss_it_without_javascript_until_a_new_one(client, app, admin):
    services.set_announcement("Old news", by=admin)
    page = client.get("/guidelines").text
    assert 'action="/announcement/dismiss"' in _banner(page) and 'value="/guidelines"' in _banner(page)
    # A guest's page carries no token and starts no session for it.
    assert "csrf_token" not in _banner(page) and "session" not in str(client.get("/guidelines").headers).lower()
    response = client.post("/announcement/dismiss", data={"next": "/guidelines"})
    assert response.status_code == 302 and response.location.endswith("/guidelines")
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert BANNER not in client.get("/guidelines").text
    services.set_announcement("New news", by=admin)
    assert "New news" in client.get("/guidelines").text


def test_the_banner_reads_in_spanish_and_dismiss_returns_under_a_mount_path(client, admin):
    services.set_announcement("Noticias", by=admin)
    banner = _banner(client.get("/guidelines", headers={"Accept-Language": "es"}).text)
    assert "Cerrar" in banner and "Dismiss" not in banner and "el aviso" in banner
    mounted = {"SCRIPT_NAME": "/forum"}
    assert 'value="/forum/guidelines"' in _banner(client.get("/guidelines", environ_overrides=mounted).text)
    response = client.post("/announcement/dismiss", data={"next": "/forum/guidelines"}, environ_overrides=mounted)
    assert response.location == "/forum/guidelines"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example", "javascript:evil", ""]
)
def test_dismiss_only_returns_to_this_site(client, admin, target):
    services.set_announcement("Hi", by=admin)
    response = client.post("/announcement/dismiss", data={"next": target})
    assert response.status_code == 302 and response.location == "/"


def test_a_refused_announcement_comes_back_in_the_form(client, login, admin):
    login(admin)
    long_text = "Long " * 200
    response = client.post("/announcement", data={"body": long_text})
    assert response.status_code == 400 and long_text.strip() in response.text
    assert services.current_banner() is None


def test_preview_shows_the_announcement_without_posting_it(client, login, facilitator):
    login(facilitator)
    response = client.post("/announcement", data={"body": NEWS, "preview": "1"})
    assert response.status_code == 200 and 'id="preview"' in response.text
    assert "<strong>Thursday</strong>" in response.text and services.current_banner() is None


def test_clear_takes_the_banner_down(client, login, facilitator):
    login(facilitator)
    client.post("/announcement", data={"body": "Up"})
    assert BANNER in client.get("/guidelines").text
    assert client.post("/announcement/clear").status_code == 302
    assert BANNER not in client.get("/guidelines").text


def test_only_admins_and_facilitators_see_the_link_or_reach_the_page(client, login, member, facilitator):
    login(member)
    assert "/announcement" not in client.get("/account").text
    assert client.get("/announcement").status_code == 403
    assert client.post("/announcement", data={"body": "Hi"}).status_code == 403
    assert services.current_banner() is None
    client.post("/logout")
    login(facilitator)
    assert 'href="/announcement"' in client.get("/account").text


def test_in_members_only_mode_a_guest_dismisses_it_from_the_sign_in_page():
    with running_app({"MEMBERS_ONLY": True}) as app:
        services.set_announcement("Maintenance tonight", by=make_user("oak", role="admin"))
        client = app.test_client()
        assert "Maintenance tonight" in client.get("/login").text
        response = client.post("/announcement/dismiss", data={"next": "/login"})
        assert response.status_code == 302 and response.location == "/login"
        assert BANNER not in client.get("/login").text


def test_a_risky_announcement_reaches_the_moderators_and_its_author_sees_support(client, login, facilitator):
    seed_hotlines()
    risky = "honestly i want to die lately. no plan, i just can't shake the thought"
    login(facilitator)
    response = client.post("/announcement", data={"body": risky})
    assert response.status_code == 302 and response.location.endswith("#support")
    assert "glad you reached out" in client.get(response.location).text.replace("&#39;", "'")
    [kept] = db.session.scalars(select(UnpostedText)).all()
    assert (kept.author_id, kept.kind, kept.text) == (facilitator.id, "announcement", risky)
    assert "announcement banner" in kept.refusal
    client.post("/logout")
    login(make_user("queue_mod", role=Role.MODERATOR))
    queue = client.get("/moderation/")
    assert queue.status_code == 200 and "announcement not posted" in queue.text

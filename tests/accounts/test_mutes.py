"""Muting members: their named posts fold for me alone; staff and anonymous posts never fold."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from forum.accounts import mutes, privacy
from forum.accounts.models import MemberMute
from forum.errors import InvalidAction
from forum.extensions import db
from forum.permissions import Role
from tests.factories import PASSWORD, make_board, make_post, make_topic, make_user

FOLDED = "You muted this member"


def _topic_url(topic) -> str:
    return f"/boards/{topic.board.slug}/topics/{topic.id}"


def _article(page: str, post) -> str:
    start = page.index(f'id="post-{post.id}"')
    return page[start : page.index("</article>", start)]


@pytest.fixture
def noisy(app):
    return make_user("noisy_one")


# Services ----------------------------------------------------------------------------------------


def test_mute_and_unmute(app, member, noisy):
    assert mutes.muted_ids(member.id) == frozenset()
    mutes.mute_member(member, noisy)
    mutes.mute_member(member, noisy)  # twice is harmless: the database keeps one row
    assert mutes.muted_ids(member.id) == frozenset({noisy.id})
    assert mutes.muted_ids(noisy.id) == frozenset()
    assert [m.pseudonym for m in mutes.muted_members(member)] == ["noisy_one"]
    mutes.unmute_member(member, noisy)
    assert mutes.muted_ids(member.id) == frozenset()


def test_nobody_mutes_themselves(app, member):
    with pytest.raises(InvalidAction):
        mutes.mute_member(member, member)


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.MODERATOR, Role.ADMIN])
def test_staff_cannot_be_muted(app, member, role):
    staff = make_user(f"staff_{role.value}", role=role)
    with pytest.raises(InvalidAction):
        mutes.mute_member(member, staff)
    assert mutes.muted_ids(member.id) == frozenset()


def test_staff_may_mute_members(app, moderator, noisy):
    mutes.mute_member(moderator, noisy)
    assert mutes.muted_ids(moderator.id) == {noisy.id}


def test_mutes_are_exported_and_go_with_either_account(app, member, noisy, other_member):
    mutes.mute_member(member, noisy)
    mutes.mute_member(other_member, noisy)
    assert privacy.export_member_data(member)["muted_members"] == ["noisy_one"]
    # The muted member's own export says nothing of who muted them.
    # (The headings name every section, the same fixed words for everyone: they are left out here.)
    exported = {key: value for key, value in privacy.export_member_data(noisy).items() if key != "headings"}
    assert "muted" not in str(exported).replace("muted_members': []", "")
    privacy.delete_account(noisy, password=PASSWORD, posts=privacy.KEEP_AS_FORMER_MEMBER)
    assert db.session.scalars(select(MemberMute)).all() == []
    mutes.mute_member(member, other_member)
    privacy.delete_account(member, password=PASSWORD, posts=privacy.REMOVE_POSTS)
    assert db.session.scalars(select(MemberMute)).all() == []


# Pages -------------------------------------------------------------------------------------------


def test_mute_from_the_profile_folds_their_posts_for_me_only(client, login, member, noisy, other_member):
    topic = make_topic(make_board(), other_member, body="Opening words")
    post = make_post(topic, noisy, body="Noisy words here")
    login(member)
    profile = client.get("/members/noisy_one").text
    assert 'action="/members/noisy_one/mute"' in profile
    response = client.post("/members/noisy_one/mute")
    assert response.status_code == 302 and response.location.endswith("/members/noisy_one")
    assert "Unmute" in client.get("/members/noisy_one").text
    page = client.get(_topic_url(topic)).text
    article = _article(page, post)
    # Folded without JavaScript: a <details> holds the body, "Show" opens it.
    assert f'<details class="muted-post"><summary>{FOLDED}.' in article and "Noisy words here" in article
    assert FOLDED not in page.replace(article, "")
    # The muted member is not told; another member sees the post as before.
    client.post("/logout")
    login(noisy)
    assert FOLDED not in client.get(_topic_url(topic)).text
    assert "muted" not in client.get("/members/noisy_one").text.lower()
    client.post("/logout")
    login(other_member)
    assert FOLDED not in client.get(_topic_url(topic)).text


def test_a_muted_members_anonymous_posts_never_fold(client, login, member, noisy):
    # Folding an anonymous post would tell me that its author is the member I muted.
    topic = make_topic(make_board(), noisy, body="Named opening", anonymous=True)
    anonymous = make_post(topic, noisy, body="Anonymous words", anonymous=True)
    named = make_post(topic, noisy, body="Named words")
    login(member)
    client.post("/members/noisy_one/mute")
    page = client.get(_topic_url(topic)).text
    assert FOLDED not in _article(page, anonymous)
    assert FOLDED in _article(page, named)
    assert page.count(FOLDED) == 1
    assert "noisy_one" not in _article(page, anonymous)


def test_staff_posts_never_fold_even_if_muted_before_promotion(client, login, member, noisy):
    topic = make_topic(make_board(), noisy, body="Before")
    post = make_post(topic, noisy, body="Staff words")
    login(member)
    client.post("/members/noisy_one/mute")
    assert FOLDED in _article(client.get(_topic_url(topic)).text, post)
    db.session.merge(noisy).role = Role.MODERATOR.value
    db.session.commit()
    assert FOLDED not in client.get(_topic_url(topic)).text


def test_no_mute_button_for_oneself_staff_or_guests(client, login, member, moderator):
    assert "/mute" not in client.get("/members/river").text
    login(member)
    assert "/mute" not in client.get("/members/river").text
    assert "/mute" not in client.get(f"/members/{moderator.pseudonym}").text
    assert client.post("/members/river/mute").status_code == 403
    assert client.post(f"/members/{moderator.pseudonym}/mute").status_code == 403
    assert client.post("/members/nobody_here/mute").status_code == 404
    assert db.session.scalars(select(MemberMute)).all() == []


def test_account_page_lists_muted_members_with_unmute(client, login, member, noisy):
    login(member)
    client.post("/members/noisy_one/mute")
    page = client.get("/account").text
    assert "Muted members" in page and 'action="/members/noisy_one/unmute?next=/account"' in page
    response = client.post("/members/noisy_one/unmute?next=/account")
    assert response.status_code == 302 and response.location.endswith("/account")
    assert "haven't muted anyone" in client.get("/account").text


def _queries(client, count_queries, url) -> int:
    db.session.expunge_all()
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_mutes_cost_one_query_for_members_and_none_for_guests(app, client, member, noisy, count_queries):
    topic = make_topic(make_board(), noisy)
    for _ in range(5):
        make_post(topic, make_user())
    url = _topic_url(topic)
    guest_page = client.get(url).text
    guest = _queries(client, count_queries, url)
    assert client.post("/login", data={"pseudonym": "river", "password": PASSWORD}).status_code == 302
    # The first visit records the member's place in the topic (unread markers); measure a later one.
    _queries(client, count_queries, url)
    before = _queries(client, count_queries, url)
    client.post("/members/noisy_one/mute")
    after = count_queries()
    db.session.expunge_all()
    with after:
        page = client.get(url).text
    assert FOLDED in page
    assert after.count == before
    assert sum("member_mute" in s for s in after.statements) == 1
    # Guests: no query about mutes, and the very same page as before anyone muted.
    guest_client = app.test_client()
    # Requests share the test's app context, hence `g`: forget the member flask-login kept there.
    g.pop("_login_user", None)
    db.session.expunge_all()
    with count_queries() as again:
        assert guest_client.get(url).text == guest_page
    assert again.count == guest and not any("member_mute" in s for s in again.statements)

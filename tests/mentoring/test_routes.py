"""Peer mentoring through its pages: real routes, real forms, the real database."""

import pytest
from sqlalchemy import select

from forum.crisis.services import seed_hotlines
from forum.extensions import db
from forum.mentoring import concerns, services
from forum.mentoring.models import MentoringConcern, MentorPairing, MentorRequest
from forum.mentoring.routes import BOUNDARIES
from forum.moderation.models import ModerationAction, UnpostedText
from tests.factories import make_board, make_post, make_topic, make_user
from tests.mentoring.test_services import URGENT_TEXT, mentor_of, paired

PANEL = "glad you reached out"


def _text(response) -> str:
    return response.text.replace("&#39;", "'").replace("&#34;", '"')


@pytest.fixture
def hotlines(app):
    seed_hotlines()


@pytest.fixture
def sign_in_as(client, login):
    """Sign out whoever is signed in, then sign this user in through the form."""

    def switch(user):
        client.post("/logout")
        login(user)

    return switch


def test_guest_is_sent_to_sign_in(client):
    response = client.get("/mentoring/")
    assert response.status_code == 302 and "/login" in response.location


def test_member_asks_and_is_told_mentors_see_their_pseudonym(client, login, member):
    login(member)
    page = _text(client.get("/mentoring/ask"))
    assert "Peer mentors see this note with your pseudonym" in page
    response = client.post("/mentoring/ask", data={"note": "Staying sober at family dinners"})
    assert response.status_code == 302
    page = _text(client.get("/mentoring/"))
    assert "Staying sober at family dinners" in page and "No offers yet" in page


def test_crisis_note_shows_the_support_panel_at_once(client, login, member, hotlines):
    login(member)
    page = _text(client.post("/mentoring/ask", data={"note": URGENT_TEXT}, follow_redirects=True))
    assert PANEL in page and "A moderator will read your note first" in page
    assert db.session.scalar(select(MentoringConcern)).level == "urgent"


def test_refused_crisis_note_comes_back_and_still_reaches_moderators(client, login, member, hotlines):
    login(member)
    note = URGENT_TEXT + " " + "x" * 1000
    response = client.post("/mentoring/ask", data={"note": note})
    assert response.status_code == 400
    page = _text(response)
    assert PANEL in page and note in page
    kept = db.session.scalar(select(UnpostedText))
    assert (kept.kind, kept.level, kept.author_id) == ("mentor request", "urgent", member.id)
    assert db.session.scalar(select(MentorRequest)) is None


def test_second_request_is_refused_with_the_text_back(client, login, member):
    services.ask_for_mentor(member, note="first")
    login(member)
    response = client.post("/mentoring/ask", data={"note": "my second note"})
    assert response.status_code == 400
    assert "my second note" in _text(response) and "asked already" in _text(response)


def test_only_mentors_see_open_requests_with_note_and_pseudonym(client, sign_in_as, admin, member, other_member):
    services.ask_for_mentor(member, note="Panic attacks and cravings")
    sign_in_as(other_member)
    assert client.get("/mentoring/requests").status_code == 403
    mentor = mentor_of(admin, "willow_mentor")
    sign_in_as(mentor)
    page = _text(client.get("/mentoring/requests"))
    assert "Panic attacks and cravings" in page and member.pseudonym in page


def test_offer_accept_talk_report_end(client, sign_in_as, admin, member, moderator, hotlines):
    mentor = mentor_of(admin, "willow_mentor")
    request, _ = services.ask_for_mentor(member, note="Sleep")
    sign_in_as(mentor)
    assert client.post(f"/mentoring/requests/{request.id}/offer").status_code == 302
    sign_in_as(member)
    page = _text(client.get("/mentoring/"))
    assert "Accept willow_mentor" in page
    offer_id = request.offers[0].id
    response = client.post(f"/mentoring/offers/{offer_id}/accept")
    pairing = db.session.scalar(select(MentorPairing))
    assert response.location.endswith(f"/mentoring/pairings/{pairing.id}")
    page = _text(client.get(response.location))
    assert str(BOUNDARIES) in page and "With your peer mentor, willow_mentor" in page
    page = _text(
        client.post(f"/mentoring/pairings/{pairing.id}/messages", data={"body": URGENT_TEXT}, follow_redirects=True)
    )
    assert PANEL in page and URGENT_TEXT in page
    sign_in_as(mentor)
    client.post(f"/mentoring/pairings/{pairing.id}/messages", data={"body": "Call me on 555-0100"})
    sign_in_as(member)
    message = pairing.messages[-1]
    assert client.post(f"/mentoring/messages/{message.id}/report", data={"reason": "phone number"}).status_code == 302
    # A member never reports their own message.
    assert client.get(f"/mentoring/messages/{pairing.messages[0].id}/report").status_code == 403
    client.post(f"/mentoring/pairings/{pairing.id}/end")
    sign_in_as(mentor)
    page = _text(client.get(f"/mentoring/pairings/{pairing.id}"))
    assert "This mentoring pairing has ended" in page and "Call me on 555-0100" in page
    assert 'name="body"' not in page and "End this pairing" not in page
    response = client.post(f"/mentoring/pairings/{pairing.id}/messages", data={"body": "hello?"})
    assert response.status_code == 400 and "hello?" in _text(response)


def test_moderator_sees_mentoring_items_in_the_queue_and_reading_is_logged(client, login, admin, member, moderator):
    pairing, mentor = paired(admin, member)
    message, _ = services.send_message(pairing, mentor, body="Let's move to another app")
    services.send_message(pairing, member, body="Earlier message from the member")
    concern = concerns.report_message(message, member, reason="off-site contact")
    login(moderator)
    # Without an item there is no way in: the pairing itself refuses staff.
    assert client.get(f"/mentoring/pairings/{pairing.id}").status_code == 403
    queue = _text(client.get("/moderation/"))
    assert "Mentoring" in queue and f"/mentoring/concerns/{concern.id}" in queue
    # The header's badge counts it with the other open items.
    assert '<span class="badge">1<span class="visually-hidden"> open items' in queue
    page = _text(client.get(f"/mentoring/concerns/{concern.id}"))
    assert "Earlier message from the member" in page and "off-site contact" in page
    assert db.session.scalar(select(ModerationAction).where(ModerationAction.action == "read_mentoring"))
    client.post(f"/mentoring/concerns/{concern.id}/resolve", data={"note": "spoke to the mentor"})
    assert concerns.open_concerns() == []


def test_admin_grants_and_withdraws_badges_on_a_page(client, login, admin, member):
    login(admin)
    response = client.post("/mentoring/mentors", data={"pseudonym": "nobody_here", "trained_on": "2026-11-01"})
    assert response.status_code == 400 and "no member with that pseudonym" in _text(response)
    response = client.post("/mentoring/mentors", data={"pseudonym": member.pseudonym, "trained_on": "2026-11-01"})
    assert response.status_code == 302
    page = _text(client.get("/mentoring/mentors"))
    assert member.pseudonym in page and "trained 01 Nov 2026" in page and admin.pseudonym in page
    badge = services.active_badge(member)
    client.post(f"/mentoring/mentors/{badge.id}/withdraw")
    assert services.active_badge(member) is None


def test_admin_form_refuses_impossible_dates_without_a_500(client, login, admin, member):
    login(admin)
    for value in ("2026-13-45", "9999-12-31", "", "x" * 500):
        response = client.post("/mentoring/mentors", data={"pseudonym": member.pseudonym, "trained_on": value})
        assert response.status_code == 400, value


def test_badge_shows_beside_named_posts_and_never_anonymous_ones(client, admin):
    mentor = mentor_of(admin, "willow_mentor")
    topic = make_topic(make_board(), make_user(), body="opener")
    make_post(topic, mentor, body="named reply")
    make_post(topic, mentor, body="anonymous reply", anonymous=True)
    articles = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text.split("<article")
    [named] = [a for a in articles if "named reply" in a]
    [anonymous] = [a for a in articles if "anonymous reply" in a]
    assert "willow_mentor" in named and "Peer mentor</span>" in named
    assert "Peer mentor" not in anonymous and "willow_mentor" not in anonymous


def test_huge_ids_are_not_found(client, login, member):
    login(member)
    for url in ("/mentoring/pairings/99999999999", "/mentoring/messages/99999999999/report"):
        assert client.get(url).status_code == 404
    assert client.post("/mentoring/offers/99999999999/accept").status_code == 404

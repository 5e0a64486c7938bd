"""Mentoring tells the other side: an offer, an accepted offer, a message, an ended pairing."""

from datetime import date

import pytest
from sqlalchemy import select

from forum.errors import InvalidAction
from forum.extensions import db
from forum.mentoring import services as mentoring
from forum.notifications import services
from forum.notifications.models import Notification
from tests.factories import make_user

TRAINED = date(2026, 11, 1)
PRIVATE = "my sponsor relapsed and I found his stash"


@pytest.fixture
def mentor(admin):
    user = make_user("willow_mentor")
    mentoring.grant_badge(user, by=admin, trained_on=TRAINED)
    return user


def _kinds(user) -> list[str]:
    return list(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def _pair(member, mentor):
    request, _ = mentoring.ask_for_mentor(member, note="Staying sober through the holidays")
    offer = mentoring.offer_mentoring(request, mentor)
    assert _kinds(member) == ["mentor_offer"] and _kinds(mentor) == []
    pairing = mentoring.accept_offer(offer, member)
    assert _kinds(mentor) == ["offer_accepted"]
    return pairing


def test_each_step_notifies_the_other_side_only(app, member, mentor):
    pairing = _pair(member, mentor)
    mentoring.send_message(pairing, member, body=PRIVATE)
    assert _kinds(mentor) == ["offer_accepted", "mentor_message"] and _kinds(member) == ["mentor_offer"]
    mentoring.send_message(pairing, mentor, body="Thank you for telling me.")
    assert _kinds(member) == ["mentor_offer", "mentor_message"]
    mentoring.end_pairing(pairing, mentor)
    assert _kinds(member) == ["mentor_offer", "mentor_message", "pairing_ended"]
    # A pairing counts once in the header, however many messages it holds.
    assert services.unread_count(mentor) == 1


def test_a_refused_message_notifies_nobody(app, member, mentor):
    pairing = _pair(member, mentor)
    mentoring.end_pairing(pairing, member)
    with pytest.raises(InvalidAction):
        mentoring.send_message(pairing, member, body="Still there?")
    assert _kinds(mentor) == ["offer_accepted", "pairing_ended"]


def test_list_never_quotes_the_message_and_opening_goes_to_the_pairing(client, login, member, mentor):
    pairing = _pair(member, mentor)
    mentoring.send_message(pairing, member, body=PRIVATE)
    pairing_id = pairing.id
    login(mentor)
    listing = client.get("/notifications").text
    assert "New message in your mentoring conversation" in listing and "Your offer of peer mentoring" in listing
    assert "sponsor" not in listing and "river" not in listing
    newest = db.session.scalar(
        select(Notification.id).where(Notification.user_id == mentor.id).order_by(Notification.id.desc())
    )
    response = client.get(f"/notifications/{newest}")
    assert response.status_code == 302 and response.location.endswith(f"/mentoring/pairings/{pairing_id}")
    assert services.unread_count(mentor) == 0


def test_opening_the_pairing_reads_its_notifications_and_the_offer_links_to_mentoring(client, login, member, mentor):
    request, _ = mentoring.ask_for_mentor(member, note="Staying sober through the holidays")
    offer = mentoring.offer_mentoring(request, mentor)
    login(member)
    offer_note = db.session.scalar(select(Notification.id).where(Notification.user_id == member.id))
    assert client.get(f"/notifications/{offer_note}").location.endswith("/mentoring/")
    pairing = mentoring.accept_offer(offer, member)
    mentoring.send_message(pairing, mentor, body="Hello, glad to be here.")
    assert services.unread_count(member) == 1
    assert client.get(f"/mentoring/pairings/{pairing.id}").status_code == 200
    assert services.unread_count(member) == 0

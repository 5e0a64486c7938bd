"""Peer mentoring's rules, called without HTTP."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.accounts.privacy import delete_account, export_member_data
from forum.crisis.models import AlertOutbox
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.mentoring import concerns, services
from forum.mentoring.models import (
    MentorBadge,
    MentoringConcern,
    MentoringMessage,
    MentorOffer,
    MentorPairing,
    MentorRequest,
)
from forum.moderation.models import ModerationAction
from forum.permissions import ROLE_CAPABILITIES, Capability, Role
from tests.factories import PASSWORD, make_user

URGENT_TEXT = "i've saved up my pills, tonight's the night. wanted to say goodbye to you all"
CONCERN_TEXT = "honestly i want to die lately. no plan, i just can't shake the thought"
TRAINED = date(2026, 11, 1)


def mentor_of(admin, name: str | None = None):
    user = make_user(name)
    services.grant_badge(user, by=admin, trained_on=TRAINED)
    return user


def paired(admin, member, mentor=None):
    mentor = mentor or mentor_of(admin)
    request, _ = services.ask_for_mentor(member, note="Staying sober through the holidays")
    offer = services.offer_mentoring(request, mentor)
    return services.accept_offer(offer, member), mentor


def test_only_admins_may_manage_mentor_badges():
    assert {role for role, caps in ROLE_CAPABILITIES.items() if Capability.MANAGE_MENTORS in caps} == {Role.ADMIN}


def test_admin_grants_badge_recording_training_date_and_granter(app, admin, member):
    badge = services.grant_badge(member, by=admin, trained_on=TRAINED)
    assert (badge.trained_on, badge.granted_by_id, badge.withdrawn_at) == (TRAINED, admin.id, None)
    assert badge.granted_at is not None
    assert services.active_mentor_ids() == {member.id}
    entry = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "grant_mentor"))
    assert entry.actor_id == admin.id and entry.target_user_id == member.id and "2026-11-01" in entry.note


@pytest.mark.parametrize("role", ["member", "moderator", "facilitator"])
def test_only_an_admin_grants_the_badge(app, role, member, moderator, facilitator):
    by = {"member": make_user(), "moderator": moderator, "facilitator": facilitator}[role]
    with pytest.raises(NotAllowed):
        services.grant_badge(member, by=by, trained_on=TRAINED)


def test_badge_needs_a_member_a_past_date_and_no_current_badge(app, admin, member):
    with pytest.raises(InvalidAction):
        services.grant_badge(None, by=admin, trained_on=TRAINED)
    with pytest.raises(InvalidAction, match="future"):
        services.grant_badge(member, by=admin, trained_on=utcnow().date() + timedelta(days=1))
    services.grant_badge(member, by=admin, trained_on=TRAINED)
    with pytest.raises(InvalidAction, match="already"):
        services.grant_badge(member, by=admin, trained_on=TRAINED)


def test_withdrawn_badge_is_kept_lapses_offers_and_may_be_granted_again(app, admin, member, other_member):
    mentor = mentor_of(admin)
    request, _ = services.ask_for_mentor(member, note="Sleep and cravings")
    offer = services.offer_mentoring(request, mentor)
    badge = services.active_badge(mentor)
    services.withdraw_badge(badge.id, by=admin)
    assert services.active_badge(mentor) is None and badge.withdrawn_by_id == admin.id
    assert offer.status == "lapsed"
    with pytest.raises(NotAllowed):
        services.offer_mentoring(request, mentor)
    services.grant_badge(mentor, by=admin, trained_on=TRAINED)
    assert db.session.scalar(select(db.func.count(MentorBadge.id))) == 2


def test_database_keeps_one_active_badge_per_member(app, admin, member):
    services.grant_badge(member, by=admin, trained_on=TRAINED)
    db.session.add(MentorBadge(user_id=member.id, trained_on=TRAINED))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


def test_member_asks_once_at_a_time(app, member):
    request, level = services.ask_for_mentor(member, note="  Staying sober through the holidays ")
    assert (request.status, request.note, level) == ("open", "Staying sober through the holidays", None)
    with pytest.raises(InvalidAction, match="asked already"):
        services.ask_for_mentor(member, note="another")
    services.withdraw_request(request, member)
    assert services.ask_for_mentor(member, note="again")[0].status == "open"


def test_database_keeps_one_open_request_per_member(app, member):
    services.ask_for_mentor(member, note="first")
    db.session.add(MentorRequest(member_id=member.id, note="second"))
    with pytest.raises(Exception, match="(?i)unique"):
        db.session.commit()
    db.session.rollback()


def test_empty_or_long_note_is_refused(app, member):
    with pytest.raises(InvalidAction):
        services.ask_for_mentor(member, note="   ")
    with pytest.raises(InvalidAction, match="1,000"):
        services.ask_for_mentor(member, note="x" * 1001)


def test_suspended_member_cannot_ask(app, member):
    member.suspended_until = utcnow() + timedelta(days=1)
    with pytest.raises(NotAllowed):
        services.ask_for_mentor(member, note="help")


def test_crisis_note_reaches_the_moderators_and_urgent_waits_for_them(app, member, moderator):
    app.config["ALERT_WEBHOOK_URL"] = "https://hooks.example.org/forum"
    request, level = services.ask_for_mentor(member, note=URGENT_TEXT)
    assert level.value == "urgent" and request.status == "held" and request.crisis_level == "urgent"
    concern = db.session.scalar(select(MentoringConcern))
    assert (concern.kind, concern.level, concern.author_id, concern.request_id) == (
        "crisis",
        "urgent",
        member.id,
        request.id,
    )
    assert concern.text == URGENT_TEXT
    alert = db.session.scalar(select(AlertOutbox))
    assert f"/mentoring/concerns/{concern.id}" in alert.body and "pills" not in alert.body
    assert member.pseudonym not in alert.body
    # Mentors don't see it until a moderator has read it.
    assert services.open_requests(make_user()) == []
    concerns.resolve_concern(concern, moderator, note="reached out")
    assert request.status == "open" and services.open_requests(make_user()) == [request]


def test_concern_note_is_queued_but_stays_open_to_mentors(app, member):
    request, level = services.ask_for_mentor(member, note=CONCERN_TEXT)
    assert level.value == "concern" and request.status == "open"
    assert [c.level for c in concerns.open_concerns()] == ["concern"]


def test_mentor_offers_member_accepts_and_other_offers_lapse(app, admin, member):
    first, second = mentor_of(admin), mentor_of(admin)
    request, _ = services.ask_for_mentor(member, note="Anxiety and drinking")
    offer_one = services.offer_mentoring(request, first)
    offer_two = services.offer_mentoring(request, second)
    pairing = services.accept_offer(offer_two, member)
    assert (pairing.member_id, pairing.mentor_id, pairing.request_id) == (member.id, second.id, request.id)
    assert (offer_one.status, offer_two.status, request.status) == ("lapsed", "accepted", "matched")
    with pytest.raises(InvalidAction):
        services.accept_offer(offer_one, member)


def test_only_mentors_offer_and_never_on_their_own_request(app, admin, member, other_member):
    request, _ = services.ask_for_mentor(member, note="help")
    with pytest.raises(NotAllowed):
        services.offer_mentoring(request, other_member)
    services.grant_badge(member, by=admin, trained_on=TRAINED)
    with pytest.raises(NotAllowed):
        services.offer_mentoring(request, member)


def test_mentor_offers_once(app, admin, member):
    mentor = mentor_of(admin)
    request, _ = services.ask_for_mentor(member, note="help")
    services.offer_mentoring(request, mentor)
    with pytest.raises(InvalidAction, match="already"):
        services.offer_mentoring(request, mentor)


def test_only_the_member_who_asked_accepts(app, admin, member, other_member):
    request, _ = services.ask_for_mentor(member, note="help")
    offer = services.offer_mentoring(request, mentor_of(admin))
    with pytest.raises(NotAllowed):
        services.accept_offer(offer, other_member)


def test_mentor_supports_at_most_the_configured_number(app, admin):
    app.config["MENTOR_MAX_PAIRINGS"] = 2
    mentor = mentor_of(admin)
    pairings = [paired(admin, make_user(), mentor)[0] for _ in range(2)]
    waiting = make_user()
    request, _ = services.ask_for_mentor(waiting, note="help")
    with pytest.raises(InvalidAction, match="at most 2"):
        services.offer_mentoring(request, mentor)
    # An offer made before the limit was reached can't be accepted past it either.
    other_request, _ = services.ask_for_mentor(make_user(), note="help")
    services.end_pairing(pairings[0], mentor)
    offer = services.offer_mentoring(other_request, mentor)
    paired(admin, make_user(), mentor)
    with pytest.raises(InvalidAction, match="at most 2"):
        services.accept_offer(offer, other_request.member)
    # Ending a pairing frees a place.
    services.end_pairing(pairings[1], pairings[1].member)
    assert services.offer_mentoring(request, mentor).status == "pending"


def test_withdrawn_mentor_offer_cannot_be_accepted(app, admin, member):
    mentor = mentor_of(admin)
    request, _ = services.ask_for_mentor(member, note="help")
    offer = services.offer_mentoring(request, mentor)
    services.active_badge(mentor).withdrawn_at = utcnow()
    db.session.commit()
    with pytest.raises(InvalidAction):
        services.accept_offer(offer, member)


def test_pair_write_and_nobody_else_reads(app, admin, member, other_member, moderator):
    pairing, mentor = paired(admin, member)
    message, level = services.send_message(pairing, member, body="Hello, thank you for offering")
    reply, _ = services.send_message(pairing, mentor, body="Glad to. How was today?")
    assert level is None and [m.id for m in pairing.messages] == [message.id, reply.id]
    for outsider in (other_member, moderator, admin):
        with pytest.raises(NotAllowed):
            services.get_pairing(pairing.id, outsider)
        with pytest.raises(NotAllowed):
            services.send_message(pairing, outsider, body="hi")


def test_crisis_in_a_message_reaches_moderators_with_its_text(app, admin, member):
    app.config["ALERT_WEBHOOK_URL"] = "https://hooks.example.org/forum"
    pairing, mentor = paired(admin, member)
    message, level = services.send_message(pairing, member, body=URGENT_TEXT)
    assert level.value == "urgent" and message.crisis_level == "urgent"
    concern = concerns.open_concerns()[0]
    assert (concern.message_id, concern.pairing_id, concern.text, concern.level) == (
        message.id,
        pairing.id,
        URGENT_TEXT,
        "urgent",
    )
    assert db.session.scalar(select(db.func.count(AlertOutbox.id))) == 1


def test_either_side_ends_and_history_stays_read_only(app, admin, member):
    pairing, mentor = paired(admin, member)
    services.send_message(pairing, mentor, body="Hi there")
    services.end_pairing(pairing, member)
    assert not pairing.is_active
    assert services.get_pairing(pairing.id, mentor).messages[0].body == "Hi there"
    with pytest.raises(InvalidAction, match="ended"):
        services.send_message(pairing, mentor, body="are you there?")
    with pytest.raises(InvalidAction):
        services.end_pairing(pairing, mentor)


def test_either_side_reports_the_others_message_once(app, admin, member):
    pairing, mentor = paired(admin, member)
    message, _ = services.send_message(pairing, mentor, body="Text me on my phone instead")
    with pytest.raises(NotAllowed):
        concerns.report_message(message, mentor, reason="own message")
    concern = concerns.report_message(message, member, reason="asked for my number")
    assert (concern.kind, concern.level, concern.reporter_id, concern.author_id) == (
        "report",
        None,
        member.id,
        mentor.id,
    )
    with pytest.raises(InvalidAction, match="already"):
        concerns.report_message(message, member, reason="again")


def test_moderator_reads_a_conversation_only_through_an_item_and_it_is_logged(app, admin, member, moderator):
    pairing, mentor = paired(admin, member)
    message, _ = services.send_message(pairing, mentor, body="Let's talk on another app")
    concern = concerns.report_message(message, member, reason="")
    with pytest.raises(NotAllowed):
        concerns.open_concern(concern.id, member)
    assert concerns.open_concern(concern.id, moderator).pairing.messages == [message]
    entry = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "read_mentoring"))
    assert entry.actor_id == moderator.id and f"pairing #{pairing.id}" in entry.note
    concerns.resolve_concern(concern, moderator)
    assert concerns.open_concerns() == []
    with pytest.raises(InvalidAction):
        concerns.resolve_concern(concern, moderator)


def test_export_holds_the_members_own_mentoring_words(app, admin, member):
    pairing, mentor = paired(admin, member)
    services.send_message(pairing, member, body="my words")
    message, _ = services.send_message(pairing, mentor, body="their words")
    concerns.report_message(message, member, reason="my report note")
    data = export_member_data(member)["mentoring"]
    assert data["requests"][0]["note"] == "Staying sober through the holidays"
    assert data["pairings"][0]["with"] == mentor.pseudonym
    assert [m["body"] for m in data["pairings"][0]["messages"]] == ["my words"]
    assert data["reports_made"][0]["note"] == "my report note"
    mentor_data = export_member_data(mentor)["mentoring"]
    assert mentor_data["badges"][0]["trained_on"] == "2026-11-01" and mentor_data["offers_made"]


@pytest.mark.parametrize("posts", ["remove", "keep"])
def test_deleting_an_account_erases_its_mentoring_words_and_ends_pairings(app, admin, member, posts):
    pairing, mentor = paired(admin, member)
    services.send_message(pairing, member, body=URGENT_TEXT)
    services.send_message(pairing, mentor, body="I'm here. Can you call a line now?")
    delete_account(member, password=PASSWORD, posts=posts)
    db.session.expire_all()
    assert db.session.scalar(select(MentorRequest)) is None
    assert db.session.scalar(select(MentoringConcern)) is None
    assert [m.body for m in db.session.scalars(select(MentoringMessage))] == ["I'm here. Can you call a line now?"]
    pairing = db.session.scalar(select(MentorPairing))
    assert pairing.member_id is None and pairing.ended_at is not None
    assert services.partner_name(pairing, mentor) == "Former member"
    assert db.session.scalar(select(MentorOffer)) is None


def test_deleting_a_reporter_removes_their_reports(app, admin, member):
    pairing, mentor = paired(admin, member)
    message, _ = services.send_message(pairing, mentor, body="hello")
    concerns.report_message(message, member, reason="my words about it")
    delete_account(member, password=PASSWORD, posts="keep")
    assert db.session.scalar(select(MentoringConcern)) is None


def test_deleting_a_mentor_removes_badge_and_offers(app, admin, member):
    mentor = mentor_of(admin)
    request, _ = services.ask_for_mentor(member, note="help")
    services.offer_mentoring(request, mentor)
    delete_account(mentor, password=PASSWORD, posts="keep")
    db.session.expire_all()
    assert db.session.scalar(select(MentorBadge)) is None and request.offers == []

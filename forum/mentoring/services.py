"""Peer mentors: the badge, asking, offering, accepting, the pair's conversation and its end.

Every note and message is screened by the crisis flagger (`concerns.screen_text`) in the same
transaction that stores it, so a crisis reaches the moderators however the pair talk.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import format_decimal, gettext
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum.accounts.models import User, utcnow
from forum.crisis.detector import Level
from forum.errors import InvalidAction, NotAllowed, NotFound
from forum.extensions import db
from forum.mentoring.concerns import screen_text
from forum.mentoring.models import (
    MentorBadge,
    MentoringMessage,
    MentorOffer,
    MentorPairing,
    MentorRequest,
    OfferStatus,
    RequestStatus,
)
from forum.moderation.services import log_action
from forum.notifications import services as notifications
from forum.notifications.models import NotificationKind
from forum.permissions import (
    can_accept_offer,
    can_ask_for_mentor,
    can_end_pairing,
    can_manage_mentors,
    can_mentor,
    can_offer_mentoring,
    can_write_in_pairing,
    is_in_pairing,
    is_requester,
)
from forum.text import plain_text
from forum.translatable import translatable

# A note is a few lines: what the member would like support with, not their story.
MAX_NOTE = 1000
MAX_MESSAGE = 5000
FORMER_MEMBER = translatable("Former member")


def _get(model, row_id: int):
    row = db.session.get(model, row_id) if 0 < row_id < 2**31 else None
    if row is None:
        raise NotFound()
    return row


def active_badge(user: User | None) -> MentorBadge | None:
    """The member's current "Peer mentor" badge, if they hold one."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(MentorBadge).where(MentorBadge.user_id == user.id, MentorBadge.withdrawn_at.is_(None))
    )


def active_mentor_ids() -> set[int]:
    """Ids of every member holding the badge now (a few dozen at most), for the badge beside posts."""
    return set(db.session.scalars(select(MentorBadge.user_id).where(MentorBadge.withdrawn_at.is_(None))))


def active_badges() -> list[MentorBadge]:
    """Current peer mentors, by pseudonym, for the admins' page."""
    return list(
        db.session.scalars(
            select(MentorBadge)
            .join(User, User.id == MentorBadge.user_id)
            .options(selectinload(MentorBadge.user), selectinload(MentorBadge.granted_by))
            .where(MentorBadge.withdrawn_at.is_(None))
            .order_by(User.pseudonym_key)
        )
    )


def grant_badge(member: User | None, *, by: User, trained_on: date) -> MentorBadge:
    """An admin grants the badge, recording the training date. Raises NotAllowed or InvalidAction."""
    if not can_manage_mentors(by):
        raise NotAllowed()
    if member is None or member.is_banned:
        raise InvalidAction(gettext("There is no member with that pseudonym."), field="pseudonym")
    if trained_on > utcnow().date():
        raise InvalidAction(gettext("The training date can't be in the future."), field="trained_on")
    if active_badge(member) is not None:
        raise InvalidAction(gettext("%(name)s is a peer mentor already.", name=member.pseudonym), field="pseudonym")
    badge = MentorBadge(user_id=member.id, trained_on=trained_on, granted_by_id=by.id, granted_at=utcnow())
    db.session.add(badge)
    log_action(by, "grant_mentor", target=member, note=f"trained on {trained_on.isoformat()}")
    _commit_or(InvalidAction(gettext("%(name)s is a peer mentor already.", name=member.pseudonym), field="pseudonym"))
    return badge


def withdraw_badge(badge_id: int, *, by: User) -> MentorBadge:
    """An admin withdraws a badge; the mentor's pending offers lapse, their pairings go on. Raises as above."""
    if not can_manage_mentors(by):
        raise NotAllowed()
    badge = _get(MentorBadge, badge_id)
    if badge.withdrawn_at is not None:
        raise InvalidAction(gettext("That badge was withdrawn already."))
    badge.withdrawn_at = utcnow()
    badge.withdrawn_by_id = by.id
    db.session.execute(
        update(MentorOffer)
        .where(MentorOffer.mentor_id == badge.user_id, MentorOffer.status == OfferStatus.PENDING.value)
        .values(status=OfferStatus.LAPSED.value)
    )
    log_action(by, "withdraw_mentor", target=badge.user)
    db.session.commit()
    return badge


def _commit_or(error: InvalidAction) -> None:
    # A unique index keeps the rule when two requests race; the loser gets the same message as a check.
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise error from None


def _text(body: str | None, limit: int, field: str, empty: str) -> str:
    body = plain_text(body)
    if not body:
        raise InvalidAction(empty, field=field)
    if len(body) > limit:
        raise InvalidAction(
            gettext(
                "This can be up to %(max)s characters; it has %(length)s.",
                max=format_decimal(limit),
                length=format_decimal(len(body)),
            ),
            field=field,
        )
    return body


def open_request_of(member: User) -> MentorRequest | None:
    """The member's request still waiting for a mentor (open, or held for a moderator)."""
    return db.session.scalar(
        select(MentorRequest).where(
            MentorRequest.member_id == member.id,
            MentorRequest.status.in_((RequestStatus.OPEN.value, RequestStatus.HELD.value)),
        )
    )


def ask_for_mentor(member: User, *, note: str) -> tuple[MentorRequest, Level | None]:
    """A member asks for a peer mentor; the note is screened like a post. One open request at a time.

    An urgent note waits for a moderator before mentors see it (as CRISIS_HOLD_URGENT holds a post).
    Returns the request and the level the screening found. Raises NotAllowed or InvalidAction.
    """
    if not can_ask_for_mentor(member):
        raise NotAllowed()
    note = _text(note, MAX_NOTE, "note", gettext("Please say in a line or two what you'd like support with."))
    already = InvalidAction(gettext("You've asked already; you can withdraw that request and ask again."))
    if open_request_of(member) is not None:
        raise already
    request = MentorRequest(member_id=member.id, note=note, created_at=utcnow())
    db.session.add(request)
    db.session.flush()
    level = screen_text(note, author=member, request=request)
    if level is not None:
        request.crisis_level = level.value
        if level == Level.URGENT and current_app.config["CRISIS_HOLD_URGENT"]:
            request.status = RequestStatus.HELD.value
    _commit_or(already)
    return request, level


def get_request(request_id: int) -> MentorRequest:
    """A request by id; raises NotFound."""
    return _get(MentorRequest, request_id)


def withdraw_request(request: MentorRequest, member: User) -> None:
    """The member withdraws their request; its offers lapse. Raises NotAllowed or InvalidAction."""
    if not is_requester(member, request):
        raise NotAllowed()
    if not request.is_open:
        raise InvalidAction(gettext("This request is no longer open."))
    request.status = RequestStatus.WITHDRAWN.value
    request.closed_at = utcnow()
    _lapse_offers(request)
    db.session.commit()


def _lapse_offers(request: MentorRequest, keep: MentorOffer | None = None) -> None:
    for offer in request.offers:
        if offer is not keep and offer.status == OfferStatus.PENDING:
            offer.status = OfferStatus.LAPSED.value


def open_requests(viewer: User) -> list[MentorRequest]:
    """Requests mentors may offer on (never the viewer's own, never held ones), oldest first."""
    return list(
        db.session.scalars(
            select(MentorRequest)
            .options(selectinload(MentorRequest.member), selectinload(MentorRequest.offers))
            .where(MentorRequest.status == RequestStatus.OPEN.value, MentorRequest.member_id != viewer.id)
            .order_by(MentorRequest.created_at, MentorRequest.id)
        )
    )


def active_pairing_count(mentor_id: int) -> int:
    """How many members the mentor supports now."""
    return db.session.scalar(
        select(func.count(MentorPairing.id)).where(
            MentorPairing.mentor_id == mentor_id, MentorPairing.ended_at.is_(None)
        )
    )


def _check_capacity(mentor_id: int) -> None:
    limit = current_app.config["MENTOR_MAX_PAIRINGS"]
    if active_pairing_count(mentor_id) >= limit:
        raise InvalidAction(gettext("A peer mentor supports at most %(limit)s members at once.", limit=limit))


def offer_mentoring(request: MentorRequest, mentor: User) -> MentorOffer:
    """A peer mentor offers to support the member who asked. Raises NotAllowed or InvalidAction."""
    if not can_offer_mentoring(mentor, active_badge(mentor), request):
        raise NotAllowed()
    _check_capacity(mentor.id)
    if any(offer.mentor_id == mentor.id for offer in request.offers):
        raise InvalidAction(gettext("You've offered already; the member will see it."))
    offer = MentorOffer(request=request, mentor_id=mentor.id, created_at=utcnow())
    db.session.add(offer)
    notifications.mentoring_event(request.member_id, NotificationKind.MENTOR_OFFER, request_id=request.id)
    _commit_or(InvalidAction(gettext("You've offered already; the member will see it.")))
    return offer


def get_offer(offer_id: int) -> MentorOffer:
    """An offer by id; raises NotFound."""
    return _get(MentorOffer, offer_id)


def accept_offer(offer: MentorOffer, member: User) -> MentorPairing:
    """The member accepts one offer: the pair begin and the other offers lapse. Raises NotAllowed or InvalidAction."""
    if not is_requester(member, offer.request):
        raise NotAllowed()
    if not can_accept_offer(member, offer):
        raise InvalidAction(gettext("This offer is no longer open."))
    if not can_mentor(offer.mentor, active_badge(offer.mentor)):
        raise InvalidAction(gettext("This peer mentor can't take on anyone just now."))
    _check_capacity(offer.mentor_id)
    request = offer.request
    offer.status = OfferStatus.ACCEPTED.value
    _lapse_offers(request, keep=offer)
    request.status = RequestStatus.MATCHED.value
    request.closed_at = utcnow()
    pairing = MentorPairing(request_id=request.id, member_id=member.id, mentor_id=offer.mentor_id, started_at=utcnow())
    db.session.add(pairing)
    db.session.flush()
    notifications.mentoring_event(offer.mentor_id, NotificationKind.OFFER_ACCEPTED, pairing_id=pairing.id)
    db.session.commit()
    return pairing


def get_pairing(pairing_id: int, viewer: User) -> MentorPairing:
    """A pairing one of the pair may open; raises NotFound, or NotAllowed for anyone else (moderators too)."""
    pairing = _get(MentorPairing, pairing_id)
    if not is_in_pairing(viewer, pairing):
        raise NotAllowed()
    return pairing


def pairings_of(user: User) -> list[MentorPairing]:
    """The user's pairings, as member or mentor, the active ones first."""
    return list(
        db.session.scalars(
            select(MentorPairing)
            .options(selectinload(MentorPairing.member), selectinload(MentorPairing.mentor))
            .where(or_(MentorPairing.member_id == user.id, MentorPairing.mentor_id == user.id))
            .order_by(MentorPairing.ended_at.is_not(None), MentorPairing.id.desc())
        )
    )


def partner_name(pairing: MentorPairing, viewer: User) -> str:
    """The other side's pseudonym as the viewer sees it."""
    other = pairing.mentor if pairing.member_id == viewer.id else pairing.member
    return other.pseudonym if other is not None else gettext(FORMER_MEMBER)


def author_name(message: MentoringMessage, viewer: User) -> str:
    """Who wrote a message, as one of the pair sees it."""
    if message.author is None:
        return gettext(FORMER_MEMBER)
    return gettext("You") if message.author_id == viewer.id else message.author.pseudonym


def send_message(pairing: MentorPairing, author: User, *, body: str) -> tuple[MentoringMessage, Level | None]:
    """One of the pair writes; screened like a post. Returns the message and the level the screening found.

    Raises NotAllowed (not one of the pair, or restricted) or InvalidAction (ended, empty, too long).
    """
    if not is_in_pairing(author, pairing):
        raise NotAllowed()
    if not pairing.is_active:
        raise InvalidAction(gettext("This mentoring pairing has ended."))
    if not can_write_in_pairing(author, pairing):
        raise NotAllowed()
    message = MentoringMessage(
        pairing=pairing,
        author_id=author.id,
        body=_text(body, MAX_MESSAGE, "body", gettext("Please write a message.")),
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    level = screen_text(message.body, author=author, pairing=pairing, message=message)
    if level is not None:
        message.crisis_level = level.value
    notifications.mentoring_event(_other_side(pairing, author), NotificationKind.MENTOR_MESSAGE, pairing_id=pairing.id)
    db.session.commit()
    return message, level


def end_pairing(pairing: MentorPairing, by: User, *, now: datetime | None = None) -> None:
    """Either side ends the pairing, no reason asked; the conversation stays readable to both."""
    if not is_in_pairing(by, pairing):
        raise NotAllowed()
    if not can_end_pairing(by, pairing):
        raise InvalidAction(gettext("This mentoring pairing has ended."))
    pairing.ended_at = now or utcnow()
    notifications.mentoring_event(_other_side(pairing, by), NotificationKind.PAIRING_ENDED, pairing_id=pairing.id)
    db.session.commit()


def _other_side(pairing: MentorPairing, user: User) -> int | None:
    return pairing.mentor_id if pairing.member_id == user.id else pairing.member_id


def read_pairing(pairing: MentorPairing, viewer: User) -> None:
    """One of the pair opened the conversation: what it notified them of is read. Raises NotAllowed."""
    if not is_in_pairing(viewer, pairing):
        raise NotAllowed()
    notifications.pairing_read(viewer.id, pairing.id)
    db.session.commit()


def get_message(message_id: int, viewer: User) -> MentoringMessage:
    """A message one of the pair may see; raises NotFound or NotAllowed."""
    message = _get(MentoringMessage, message_id)
    if not is_in_pairing(viewer, message.pairing):
        raise NotAllowed()
    return message

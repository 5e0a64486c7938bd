"""Peer mentors: the badge admins grant, requests, offers, pairings and their private conversation."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, utcnow
from forum.extensions import db


class MentorBadge(db.Model):
    """An admin's grant of the "Peer mentor" badge after the organisation's training; kept when withdrawn."""

    # One active badge per member: the database keeps it, not a check before the insert.
    __table_args__ = (
        Index(
            "uq_mentor_badge_active",
            "user_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    trained_on: Mapped[date]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])


class RequestStatus(enum.StrEnum):
    OPEN = "open"
    # An urgent note waits for a moderator before mentors see it, as an urgent post is held.
    HELD = "held"
    MATCHED = "matched"
    WITHDRAWN = "withdrawn"


class MentorRequest(db.Model):
    """A member's "Ask for a peer mentor", with a short note mentors read beside their pseudonym."""

    __table_args__ = (
        Index(
            "uq_mentor_request_open",
            "member_id",
            unique=True,
            sqlite_where=text("status IN ('open', 'held')"),
            postgresql_where=text("status IN ('open', 'held')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=RequestStatus.OPEN.value, index=True)
    # The level the crisis screening gave the note; None when it found no risk.
    crisis_level: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    member: Mapped[User] = relationship()
    offers: Mapped[list[MentorOffer]] = relationship(
        back_populates="request", order_by="MentorOffer.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.OPEN, RequestStatus.HELD)


class OfferStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    # The member accepted another offer, withdrew the request, or the mentor reached their limit.
    LAPSED = "lapsed"


class MentorOffer(db.Model):
    """A peer mentor's offer to support a member who asked."""

    __table_args__ = (UniqueConstraint("request_id", "mentor_id", name="uq_mentor_offer_request_mentor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("mentor_request.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=OfferStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[MentorRequest] = relationship(back_populates="offers")
    mentor: Mapped[User] = relationship()


class MentorPairing(db.Model):
    """A member and their peer mentor; ended by either, its conversation then read-only for both."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_request.id", ondelete="SET NULL"))
    # Both sides go to None when that account is deleted; the pairing ends with it.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    member: Mapped[User | None] = relationship(foreign_keys=[member_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    messages: Mapped[list[MentoringMessage]] = relationship(
        back_populates="pairing", order_by="MentoringMessage.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class MentoringMessage(db.Model):
    """One message in a pairing's private conversation; screened like a post."""

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(ForeignKey("mentor_pairing.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    crisis_level: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    pairing: Mapped[MentorPairing] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()


class ConcernKind(enum.StrEnum):
    CRISIS = "crisis"
    REPORT = "report"


class MentoringConcern(db.Model):
    """A mentoring note or message for the moderators: flagged by the crisis screening, or reported.

    It holds a copy of the words, so the item reads the same if the message is later erased; it is
    the only way a moderator opens a pairing's conversation (and each opening is logged).
    """

    __table_args__ = (Index("ix_mentoring_concern_open", "resolved_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    # "urgent" or "concern" for the screening's items; None for a report.
    level: Mapped[str | None] = mapped_column(String(10))
    # Whose words these are: the item goes with their account.
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_request.id", ondelete="SET NULL"))
    pairing_id: Mapped[int | None] = mapped_column(ForeignKey("mentor_pairing.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("mentoring_message.id", ondelete="SET NULL"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    request: Mapped[MentorRequest | None] = relationship()
    pairing: Mapped[MentorPairing | None] = relationship()

    @property
    def is_urgent(self) -> bool:
        return self.level == "urgent"

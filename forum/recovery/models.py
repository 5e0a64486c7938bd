"""A member's check-ins, recovery start dates and shared milestones: private rows, gone with the account."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.accounts.models import utcnow
from forum.extensions import db
from forum.translatable import translatable


class Medication(enum.StrEnum):
    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "n/a"


# Stored values stay "yes", "no", "n/a"; the labels are shown in the reader's language (the `seeded` filter).
MEDICATION_LABELS = {
    Medication.YES: translatable("Yes"),
    Medication.NO: translatable("No"),
    Medication.NOT_APPLICABLE: translatable("Not applicable"),
}


class CheckIn(db.Model):
    """One member's daily check-in: one per day, editable that day, seen by nobody else."""

    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_check_in_user_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    day: Mapped[date]
    mood: Mapped[int]
    cravings: Mapped[int]
    # Sleep quality 1 (very poor) to 5 (very good), not hours: see README, "Check-ins and milestones".
    sleep: Mapped[int]
    medication: Mapped[str] = mapped_column(String(3))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def medication_label(self) -> str:
        return MEDICATION_LABELS.get(self.medication, self.medication)


class RecoveryStart(db.Model):
    """A date the member counts from ("clean and sober", or one substance); a reset keeps the old row."""

    __table_args__ = (Index("ix_recovery_start_user", "user_id", "replaced_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(60))
    started_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the member saved a new start date for the same count: the old one stays in their history.
    replaced_at: Mapped[datetime | None]
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("recovery_start.id", ondelete="SET NULL"))

    @property
    def is_current(self) -> bool:
        return self.replaced_at is None


class MilestoneShare(db.Model):
    """A milestone the member shared to the Milestones board; one share per start date and milestone."""

    __table_args__ = (UniqueConstraint("start_id", "milestone", name="uq_milestone_share_start_milestone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    start_id: Mapped[int] = mapped_column(ForeignKey("recovery_start.id", ondelete="CASCADE"))
    milestone: Mapped[str] = mapped_column(String(8))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryPreference(db.Model):
    """A member's choices about check-ins; no row means the defaults (nothing leaves the account)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    # "Let a moderator know if my check-ins look hard": off unless the member turns it on.
    tell_moderators: Mapped[bool] = mapped_column(default=False)
    # When a concern last went to the moderators; None once the check-ins no longer look hard.
    concern_open_since: Mapped[datetime | None]
    # The zone whose midnight starts a new check-in day (forum/recovery/zones.py); None: the region's.
    time_zone: Mapped[str | None] = mapped_column(String(40))

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import User, utcnow
from forum.boards.models import Post
from forum.crisis.hotlines import EMERGENCY_NUMBERS
from forum.extensions import db
from forum.validation import is_web_address


class CrisisFlag(db.Model):
    """One assessment of a post that found risk, or a moderator's flag of a missed one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    level: Mapped[str] = mapped_column(String(10))
    matches_json: Mapped[str] = mapped_column(Text, default="[]")
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None for the flagger's own flags; set when a moderator flags a post it missed.
    flagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A moderator's verdict: "confirmed", "false_alarm" or "missed" (level was too low).
    feedback: Mapped[str | None] = mapped_column(String(20))
    feedback_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()
    flagged_by: Mapped[User | None] = relationship(foreign_keys=[flagged_by_id])

    @property
    def matches(self) -> list[dict]:
        return json.loads(self.matches_json or "[]")


class Hotline(db.Model):
    """A crisis line shown to members; data that admins keep current."""

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(8), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Primary lines are shown first, as tap-to-call and tap-to-text buttons.
    is_primary: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    sms_number: Mapped[str] = mapped_column(String(40), default="")
    sms_body: Mapped[str] = mapped_column(String(40), default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    # The languages the line answers in, e.g. "en" or "en es": a reader's own come first.
    languages: Mapped[str] = mapped_column(String(40), default="en")
    last_checked: Mapped[date | None]

    def speaks(self, language: str) -> bool:
        return language in self.languages.split()

    @property
    def is_emergency(self) -> bool:
        """A line that reaches emergency services (911, 999, 112...)."""
        return "".join(ch for ch in self.phone if ch.isdigit()) in EMERGENCY_NUMBERS

    @property
    def web_address(self) -> str:
        # Checked again on the way out: a row saved before the rule, or by hand, may hold anything.
        return self.url if is_web_address(self.url) else ""

    @property
    def tel_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+") if self.phone else ""

    @property
    def sms_href(self) -> str:
        if not self.sms_number:
            return ""
        number = "".join(ch for ch in self.sms_number if ch.isdigit() or ch == "+")
        return f"sms:{number}" + (f"?&body={self.sms_body}" if self.sms_body else "")


class AlertOutbox(db.Model):
    """An alert waiting to be delivered; kept until it is, so restarts and outages lose none."""

    __table_args__ = (Index("ix_alert_outbox_due", "delivered_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipients: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A worker holds a row until this time while it sends it, so two workers never both send.
    claimed_until: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))

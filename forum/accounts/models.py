from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.roles import Role


def utcnow() -> datetime:
    # Stored naive in UTC, so SQLite and PostgreSQL compare the same way.
    return datetime.now(UTC).replace(tzinfo=None)


def new_anonymous_handle() -> str:
    return secrets.token_hex(3)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(30))
    # Lower-cased pseudonym: uniqueness ignores case.
    pseudonym_key: Mapped[str] = mapped_column(String(30), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    region: Mapped[str | None] = mapped_column(String(8))
    # The interface language chosen on the account page ("en" or "es"); None follows the browser.
    language: Mapped[str | None] = mapped_column(String(8))
    # Shown to moderators as "Anonymous #<handle>" for all of this member's anonymous posts.
    anonymous_handle: Mapped[str] = mapped_column(String(12), unique=True, default=new_anonymous_handle)
    suspended_until: Mapped[datetime | None]
    is_banned: Mapped[bool] = mapped_column(default=False)
    restriction_reason: Mapped[str | None] = mapped_column(String(500))
    # Staff only: where on-call and escalation alerts go. Members never have one.
    alert_email: Mapped[str | None] = mapped_column(String(254))
    # A moderator is on call (gets urgent alerts at once) until this time.
    on_call_until: Mapped[datetime | None]
    # Bumped on password change so remember-me cookies and sessions from before stop working.
    session_version: Mapped[int] = mapped_column(default=0)

    recovery_codes: Mapped[list[RecoveryCode]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def is_restricted(self) -> bool:
        return self.is_banned or self.is_suspended

    @property
    def anonymous_label(self) -> str:
        return f"Anonymous #{self.anonymous_handle}"

    def __repr__(self) -> str:
        return f"<User {self.pseudonym}>"


class RecoveryCode(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class SafetyPlan(db.Model):
    """A member's own Stanley-Brown safety plan: private to them, shown to them in the support panel."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    warning_signs: Mapped[str] = mapped_column(Text, default="")
    coping_steps: Mapped[str] = mapped_column(Text, default="")
    distractions: Mapped[str] = mapped_column(Text, default="")
    helpers: Mapped[str] = mapped_column(Text, default="")
    professionals: Mapped[str] = mapped_column(Text, default="")
    safe_space: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class KeptDraft(db.Model):
    """A form a signed-out visitor sent, kept until they sign in and return to it.

    The browser holds only a random token (in its session); the text waits here, not in the cookie,
    which could not hold a long message.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The page whose form gets the text back.
    path: Mapped[str] = mapped_column(String(500))
    fields_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class MemberDraft(db.Model):
    """A signed-in member's unsent reply or topic, back in the form when they return to it.

    One per member and form: `key` is "reply:<topic id>" or "topic:<board slug>". Private to the
    member; gone with the account (the foreign key), and in their data export.
    """

    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    fields_json: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberMute(db.Model):
    """One member folding another's posts for themselves alone; the muted member is never told."""

    __table_args__ = (UniqueConstraint("user_id", "muted_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    muted_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

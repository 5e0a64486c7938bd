"""Muting members: a member folds another member's posts for themselves alone.

The muted member is never told. Staff can't be muted (their posts and messages may carry what a
member needs to read), and a muted member's anonymous posts never fold: folding them would tell the
reader who wrote them. `muted_ids` is what other features read (notifications skip muted senders).
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from forum import permissions
from forum.accounts.models import MemberMute, User, utcnow
from forum.errors import InvalidAction
from forum.extensions import db


def muted_ids(user_id: int) -> frozenset[int]:
    """The ids of the members this member has muted (one query)."""
    return frozenset(db.session.scalars(select(MemberMute.muted_id).where(MemberMute.user_id == user_id)))


def mute_member(user: User, member: User) -> None:
    """Fold `member`'s named posts for `user`; raises InvalidAction for oneself or staff. Muting twice is fine."""
    if not permissions.can_mute_member(user, member):
        raise InvalidAction("You can't mute yourself or a member of staff.")
    try:
        db.session.add(MemberMute(user_id=user.id, muted_id=member.id, created_at=utcnow()))
        db.session.commit()
    except IntegrityError:
        # Already muted (a second tab, a double press): the database keeps one row.
        db.session.rollback()


def unmute_member(user: User, member: User) -> None:
    """Show `member`'s posts to `user` again."""
    db.session.execute(delete(MemberMute).where(MemberMute.user_id == user.id, MemberMute.muted_id == member.id))
    db.session.commit()


def muted_members(user: User) -> list[User]:
    """The members `user` has muted, by pseudonym, for their account page."""
    return list(
        db.session.scalars(
            select(User)
            .join(MemberMute, MemberMute.muted_id == User.id)
            .where(MemberMute.user_id == user.id)
            .order_by(User.pseudonym_key)
        )
    )


def is_muted(user: User, member: User) -> bool:
    """Whether `user` has muted `member`."""
    return member.id in muted_ids(user.id)

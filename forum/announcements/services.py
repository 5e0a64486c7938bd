"""The announcement banner: setting, clearing, and the cached read every page makes."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select, update

from forum import permissions
from forum.accounts.models import User, utcnow
from forum.announcements.models import Announcement
from forum.crisis.services import assess_text, keep_unposted_text
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.translatable import translatable

# A banner is a line or two, not a post.
MAX_ANNOUNCEMENT = 500
_CACHE = "forum.announcement"


@dataclass(frozen=True, slots=True)
class Banner:
    """What every page shows of the current announcement: its id (for dismissing) and its Markdown."""

    id: int
    body: str


def set_announcement(body: str, *, by: User) -> Announcement:
    """Replace the current announcement with `body`, screened for risk like a post; raises NotAllowed or
    InvalidAction (empty, too long)."""
    if not permissions.can_set_announcement(by):
        raise NotAllowed("Only admins and facilitators set the announcement.")
    body = body.strip()
    if not body:
        raise InvalidAction(gettext("Write the announcement, or clear it instead."), field="body")
    if len(body) > MAX_ANNOUNCEMENT:
        raise InvalidAction(
            gettext("Keep it under %(max)s characters: it shows on every page.", max=MAX_ANNOUNCEMENT), field="body"
        )
    now = utcnow()
    db.session.execute(update(Announcement).where(Announcement.cleared_at.is_(None)).values(cleared_at=now))
    announcement = Announcement(body=body, created_by_id=by.id, created_at=now)
    db.session.add(announcement)
    db.session.commit()
    invalidate_banner()
    # Screened like any text a person writes: a crisis in the banner reaches the moderators too.
    keep_unposted_text(
        assess_text(body),
        text=body,
        author=by,
        kind="announcement",
        path="/announcement",
        refusal=translatable("Not a board post: published as the site-wide announcement banner."),
    )
    return announcement


def clear_announcement(*, by: User) -> None:
    """Take the banner down; raises NotAllowed."""
    if not permissions.can_set_announcement(by):
        raise NotAllowed("Only admins and facilitators clear the announcement.")
    db.session.execute(update(Announcement).where(Announcement.cleared_at.is_(None)).values(cleared_at=utcnow()))
    db.session.commit()
    invalidate_banner()


def _load_banner() -> Banner | None:
    row = db.session.execute(
        select(Announcement.id, Announcement.body)
        .where(Announcement.cleared_at.is_(None))
        .order_by(Announcement.id.desc())
        .limit(1)
    ).first()
    return Banner(row.id, row.body) if row is not None else None


def current_banner() -> Banner | None:
    """The announcement every page shows, read at most once per ANNOUNCEMENT_CACHE_SECONDS per process.

    A change made in this process shows at once (invalidate_banner); other processes (gunicorn workers,
    app hosts) see it within the cache's seconds.
    """
    seconds = current_app.config["ANNOUNCEMENT_CACHE_SECONDS"]
    cached = current_app.extensions.get(_CACHE)
    now = time.monotonic()
    if cached is not None and now < cached[0]:
        return cached[1]
    banner = _load_banner()
    if seconds > 0:
        current_app.extensions[_CACHE] = (now + seconds, banner)
    return banner


def invalidate_banner() -> None:
    """Forget this process's cached announcement, after it changed."""
    current_app.extensions.pop(_CACHE, None)

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.accounts.models import utcnow
from forum.extensions import db


class Announcement(db.Model):
    """A site-wide banner. The newest one not cleared is shown; older rows record what was said."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # Short Markdown, rendered by the same sanitising filter as posts.
    body: Mapped[str] = mapped_column(String(1000))
    # Who set it; kept when they delete their account as "a staff member".
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(index=True)

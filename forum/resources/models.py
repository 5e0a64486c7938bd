from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.accounts.models import utcnow
from forum.boards.models import Board
from forum.extensions import db
from forum.translatable import translatable
from forum.validation import is_web_address


class ResourceCategory(enum.StrEnum):
    CRISIS_LINE = "crisis_line"
    MUTUAL_AID = "mutual_aid"
    TREATMENT_LOCATOR = "treatment_locator"
    READING = "reading"
    LOCAL_SERVICE = "local_service"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


# In the order /resources lists them: the most urgent help first.
CATEGORY_LABELS = {
    ResourceCategory.CRISIS_LINE: translatable("Crisis lines"),
    ResourceCategory.MUTUAL_AID: translatable("Mutual-aid meetings"),
    ResourceCategory.TREATMENT_LOCATOR: translatable("Finding treatment"),
    ResourceCategory.READING: translatable("Reading"),
    ResourceCategory.LOCAL_SERVICE: translatable("Local services"),
}


class Resource(db.Model):
    """A service or reading that facilitators keep current; pinned ones show beside a board's topics."""

    __table_args__ = (Index("ix_resource_pinned", "is_pinned", "board_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    url: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    category: Mapped[str] = mapped_column(String(20))
    # No board: the resource belongs to the whole forum, and when pinned shows on every board.
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    is_pinned: Mapped[bool] = mapped_column(default=False)
    last_checked: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    board: Mapped[Board | None] = relationship()

    @property
    def web_address(self) -> str:
        # Checked again on the way out: a row saved before the rule, or by hand, may hold anything.
        return self.url if is_web_address(self.url) else ""

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS[ResourceCategory(self.category)]

    @property
    def tel(self) -> str:
        """The phone number as a tel: target (digits and a leading +)."""
        return "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")

"""Facilitators' work: pinning topics, marking announcements, and the resource library."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache

from flask_babel import gettext
from sqlalchemy import bindparam, or_, select

from forum import permissions
from forum.accounts.models import User, utcnow
from forum.boards.models import Board, Topic
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation.services import log_action
from forum.resources.defaults import CHECKED, DEFAULT_RESOURCES
from forum.resources.models import CATEGORY_LABELS, Resource, ResourceCategory
from forum.translatable import translatable
from forum.validation import web_address_problem

MAX_NOTE = 500
# Phone numbers change and services close; a resource nobody has checked for about six months is suspect.
STALE_AFTER = timedelta(days=183)
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()\-]{1,38}$")

# action -> (Topic attribute, value, what is already true, log action)
TOPIC_ACTIONS = {
    "pin": ("is_pinned", True, translatable("This topic is already pinned."), "pin_topic"),
    "unpin": ("is_pinned", False, translatable("This topic is not pinned."), "unpin_topic"),
    "announce": ("is_announcement", True, translatable("This topic is already an announcement."), "mark_announcement"),
    "unannounce": ("is_announcement", False, translatable("This topic is not an announcement."), "unmark_announcement"),
}


def _require_note(note: str | None) -> str:
    note = (note or "").strip()
    if not note:
        raise InvalidAction(gettext("Please say why, for the moderation log."), field="note")
    if len(note) > MAX_NOTE:
        raise InvalidAction(gettext("Notes can be up to %(max)s characters.", max=MAX_NOTE), field="note")
    return note


def _change_topic(topic: Topic, by: User, note: str | None, action: str) -> Topic:
    if not permissions.can_pin_topics(by):
        raise NotAllowed()
    attribute, value, unchanged, log_name = TOPIC_ACTIONS[action]
    note = _require_note(note)
    if getattr(topic, attribute) == value:
        raise InvalidAction(gettext(unchanged))
    setattr(topic, attribute, value)
    log_action(by, log_name, topic=topic, note=note)
    db.session.commit()
    return topic


def pin_topic(topic: Topic, *, by: User, note: str | None) -> Topic:
    """Pin a topic to the top of its board; raises NotAllowed or InvalidAction (no note, already pinned)."""
    return _change_topic(topic, by, note, "pin")


def unpin_topic(topic: Topic, *, by: User, note: str | None) -> Topic:
    """Return a pinned topic to the normal order; raises NotAllowed or InvalidAction."""
    return _change_topic(topic, by, note, "unpin")


def mark_announcement(topic: Topic, *, by: User, note: str | None) -> Topic:
    """Label a topic as an announcement; raises NotAllowed or InvalidAction."""
    return _change_topic(topic, by, note, "announce")


def unmark_announcement(topic: Topic, *, by: User, note: str | None) -> Topic:
    """Remove the announcement label; raises NotAllowed or InvalidAction."""
    return _change_topic(topic, by, note, "unannounce")


def change_topic(topic: Topic, action: str, *, by: User, note: str | None) -> Topic:
    """Apply one of TOPIC_ACTIONS by name (the view's single entry point)."""
    if action not in TOPIC_ACTIONS:
        raise InvalidAction(gettext("Unknown action."))
    return _change_topic(topic, by, note, action)


# The resource library


def _ordered():
    return select(Resource).order_by(Resource.position, Resource.title, Resource.id)


def list_resources() -> dict[ResourceCategory, list[Resource]]:
    """Every resource grouped by category, categories in CATEGORY_LABELS order; one query."""
    grouped: dict[ResourceCategory, list[Resource]] = {category: [] for category in CATEGORY_LABELS}
    for resource in db.session.scalars(_ordered()):
        grouped[ResourceCategory(resource.category)].append(resource)
    return {category: items for category, items in grouped.items() if items}


def pinned_resources(board: Board) -> list[Resource]:
    """Pinned resources shown beside a board: its own and the forum-wide ones; one query."""
    return list(db.session.scalars(_pinned_statement(), {"board_id": board.id}))


# Built once per process and run with a bound value: building and hashing a fresh statement on
# every board page cost about as much as running it.
@cache
def _pinned_statement():
    return _ordered().where(
        Resource.is_pinned, or_(Resource.board_id == bindparam("board_id"), Resource.board_id.is_(None))
    )


def stale_resources(now: datetime) -> list[Resource]:
    """Resources never checked, or last checked more than STALE_AFTER before now, oldest first."""
    cutoff = now.date() - STALE_AFTER
    query = (
        select(Resource)
        .where(or_(Resource.last_checked.is_(None), Resource.last_checked < cutoff))
        .order_by(Resource.last_checked.is_not(None), Resource.last_checked, Resource.title)
    )
    return list(db.session.scalars(query))


def _clean_fields(fields: Mapping) -> dict:
    clean = {key: (fields.get(key) or "").strip() for key in ("title", "description", "url", "phone", "category")}
    if not clean["title"]:
        raise InvalidAction(gettext("Give the resource a title."), field="title")
    if clean["category"] not in {c.value for c in ResourceCategory}:
        raise InvalidAction(gettext("Choose a category."), field="category")
    if not (clean["url"] or clean["phone"]):
        raise InvalidAction(gettext("Give a web address, a phone number, or both."), field="url")
    # Only web links: a javascript: or data: address would run in members' browsers.
    problem = web_address_problem(clean["url"])
    if problem:
        raise InvalidAction(problem, field="url")
    if clean["phone"] and not PHONE_PATTERN.match(clean["phone"]):
        raise InvalidAction(
            gettext("Phone numbers use digits, spaces, brackets, dashes and a leading +."), field="phone"
        )
    board = fields.get("board")
    clean["board_id"] = board.id if board is not None else None
    clean["position"] = int(fields.get("position") or 0)
    return clean


def save_resource(resource: Resource | None, *, by: User, note: str | None, **fields) -> Resource:
    """Add a resource (resource=None) or edit one; logged. Raises NotAllowed or InvalidAction."""
    if not permissions.can_manage_resources(by):
        raise NotAllowed()
    note = _require_note(note)
    clean = _clean_fields(fields)
    action = "edit_resource" if resource is not None else "add_resource"
    if resource is None:
        resource = Resource()
        db.session.add(resource)
    for key, value in clean.items():
        setattr(resource, key, value)
    if "last_checked" in fields:
        resource.last_checked = fields["last_checked"]
    db.session.flush()
    log_action(by, action, note=_resource_note(resource, note))
    db.session.commit()
    return resource


def _resource_note(resource: Resource, note: str) -> str:
    # The log has no resource column; the id and title say which one.
    return f"Resource #{resource.id} ({resource.title}): {note}"


def _neighbour(resource: Resource, direction: str) -> Resource | None:
    siblings = list(db.session.scalars(_ordered().where(Resource.category == resource.category)))
    index = siblings.index(resource) + (-1 if direction == "up" else 1)
    if not 0 <= index < len(siblings):
        return None
    # Renumber first, so that equal positions (the default 0) still swap cleanly.
    for number, sibling in enumerate(siblings):
        sibling.position = number
    return siblings[index]


def update_resource(
    resource: Resource, action: str, *, by: User, note: str | None, today: date | None = None
) -> Resource:
    """Pin, unpin, mark checked today, or move up/down within its category; logged.

    Raises NotAllowed, or InvalidAction for a missing note or an action that changes nothing.
    """
    if not permissions.can_manage_resources(by):
        raise NotAllowed()
    note = _require_note(note)
    if action in ("pin", "unpin"):
        if resource.is_pinned == (action == "pin"):
            raise InvalidAction(
                gettext("It is already pinned.") if resource.is_pinned else gettext("It is not pinned.")
            )
        resource.is_pinned = action == "pin"
    elif action == "check":
        resource.last_checked = today or utcnow().date()
    elif action in ("up", "down"):
        other = _neighbour(resource, action)
        if other is None:
            raise InvalidAction(
                gettext("It is already the first in its category.")
                if action == "up"
                else gettext("It is already the last in its category.")
            )
        resource.position, other.position = other.position, resource.position
    else:
        raise InvalidAction(gettext("Unknown action."))
    log_action(by, f"{action}_resource", note=_resource_note(resource, note))
    db.session.commit()
    return resource


def pin_resource(resource: Resource, *, by: User, note: str | None) -> Resource:
    """Show a resource beside its board's topics (every board's, when it has none)."""
    return update_resource(resource, "pin", by=by, note=note)


def seed_resources(today: date | None = None) -> int:
    """Add each default resource whose title is not in the library yet; returns how many were added."""
    existing = set(db.session.scalars(select(Resource.title)))
    added = 0
    for position, data in enumerate(DEFAULT_RESOURCES):
        if data["title"] in existing:
            continue
        db.session.add(Resource(**data, position=position, last_checked=today or CHECKED))
        added += 1
    db.session.commit()
    return added

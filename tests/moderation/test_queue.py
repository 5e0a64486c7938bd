"""The database keeps one open queue item per post; enqueue upserts against it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.accounts.models import utcnow
from forum.extensions import db
from forum.moderation.models import ItemKind, QueueItem
from forum.moderation.queue import enqueue
from tests.factories import make_post


def _open_items(post) -> int:
    return db.session.scalar(
        select(func.count(QueueItem.id)).where(QueueItem.post_id == post.id, QueueItem.resolved_at.is_(None))
    )


def test_the_database_refuses_a_second_open_item_for_a_post(app):
    post = make_post()
    db.session.add(QueueItem(post=post, priority=ItemKind.REPORT.value))
    db.session.commit()
    db.session.add(QueueItem(post=post, priority=ItemKind.HELD.value))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert _open_items(post) == 1


def test_a_closed_item_leaves_room_for_a_new_one(app):
    post = make_post()
    first = enqueue(post, ItemKind.REPORT)
    first.resolved_at = utcnow()
    db.session.commit()
    second = enqueue(post, ItemKind.REPORT)
    db.session.commit()
    assert second.id != first.id
    assert _open_items(post) == 1


def test_enqueue_raises_the_open_item_and_never_lowers_it(app):
    post = make_post()
    item = enqueue(post, ItemKind.REPORT)
    assert enqueue(post, ItemKind.CONCERN_CRISIS).id == item.id
    assert item.priority == ItemKind.CONCERN_CRISIS.value
    enqueue(post, ItemKind.HELD)
    db.session.commit()
    assert item.priority == ItemKind.CONCERN_CRISIS.value and item.urgent_at is None
    assert _open_items(post) == 1


def test_turning_urgent_stamps_the_time_once(app):
    post = make_post()
    enqueue(post, ItemKind.REPORT)
    item = enqueue(post, ItemKind.URGENT_CRISIS)
    stamped = item.urgent_at
    assert stamped is not None
    assert enqueue(post, ItemKind.URGENT_CRISIS).urgent_at == stamped
    db.session.commit()

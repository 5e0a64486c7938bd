"""Board and topic counters (visible posts, visible topics, last post), kept in step with each change.

A topic counts its visible posts and points at the newest one; a board counts its visible topics,
their posts, and points at the visible topic with the latest activity. Every change moves the
counters by the difference, in SQL (`post_count = post_count - 1`), in the same transaction as the
change, so a reply costs the same on a board of ten topics or of a hundred thousand: recounting
the board under its row lock made each reply read every topic of the board.

Exact under concurrency: a status only changes through a conditional UPDATE (`... WHERE status =
'visible'`), so of two moderators hiding one post only one moves the counts; increments are
atomic; and the newest-post pointers move only forward (`CASE WHEN last_post_id < :id`), whatever
order concurrent replies commit in. A pointer is recomputed only when the post it points at stops
being visible, with the row already locked by this transaction's UPDATE. Locks are taken in one
order (post, then topics, then boards, each by id), so writers never wait on each other in a ring.

`recount_topic` and `recount_board` recompute from scratch under the row's lock: for the demo
seeder, test factories and `flask check counts` (`check_counts`), which repairs drift.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import attributes, util

from forum.boards.models import Board, CacheEpoch, Post, PostStatus, Topic
from forum.extensions import db

VISIBLE = PostStatus.VISIBLE.value
_post, _topic, _board = Post.__table__, Topic.__table__, Board.__table__
_TOPIC_COUNTERS = ("post_count", "last_post_id", "last_activity_at")
_BOARD_COUNTERS = ("topic_count", "post_count", "last_post_id", "last_activity_at", "last_post")


def _run(statement, values: dict | None = None):
    return db.session.connection().execute(statement, values or {})


def _expire(model, row_id: int, names: tuple[str, ...]) -> None:
    # The counters changed in SQL; a loaded object reads them again when next asked.
    loaded = db.session.identity_map.get(util.identity_key(model, row_id))
    if loaded is not None:
        db.session.expire(loaded, list(names))


def _change_status(table, row_id: int, status: str) -> int:
    """Set a row's status; +1 when it became visible, -1 when it stopped being visible, else 0."""
    if status == VISIBLE:
        changed = _run(update(table).where(table.c.id == row_id, table.c.status != VISIBLE).values(status=status))
        return 1 if changed.rowcount else 0
    hidden = _run(update(table).where(table.c.id == row_id, table.c.status == VISIBLE).values(status=status))
    if hidden.rowcount:
        return -1
    _run(update(table).where(table.c.id == row_id).values(status=status))
    return 0


def set_post_status(post: Post, status: str) -> None:
    """Give an existing post a new status, moving its topic's and board's counters with it."""
    db.session.flush()
    delta = _change_status(_post, post.id, status)
    attributes.set_committed_value(post, "status", status)
    if delta > 0:
        post_shown(post)
    elif delta < 0:
        posts_withdrawn([(post.id, post.topic_id)])


def hold_post(post: Post) -> None:
    """Hold a visible post for a moderator (a post of any other status stays as it is)."""
    db.session.flush()
    held = _run(
        update(_post).where(_post.c.id == post.id, _post.c.status == VISIBLE).values(status=PostStatus.HELD.value)
    )
    if held.rowcount:
        attributes.set_committed_value(post, "status", PostStatus.HELD.value)
        posts_withdrawn([(post.id, post.topic_id)])


def set_topic_status(topic: Topic, status: str) -> None:
    """Give an existing topic a new status, moving its board's counters with it."""
    db.session.flush()
    delta = _change_status(_topic, topic.id, status)
    attributes.set_committed_value(topic, "status", status)
    if delta:
        _topic_counted(topic.id, delta)


def post_shown(post: Post) -> None:
    """Count a post that became visible (a new reply, an approval): its topic, then its board."""
    db.session.flush()
    newer = or_(_topic.c.last_post_id.is_(None), _topic.c.last_post_id < post.id)
    topic = _run(
        update(_topic)
        .where(_topic.c.id == post.topic_id)
        .values(
            post_count=_topic.c.post_count + 1,
            last_post_id=case((newer, post.id), else_=_topic.c.last_post_id),
            last_activity_at=case((newer, post.created_at), else_=_topic.c.last_activity_at),
        )
        .returning(_topic.c.status, _topic.c.board_id, _topic.c.last_post_id, _topic.c.last_activity_at)
    ).one()
    _expire(Topic, post.topic_id, _TOPIC_COUNTERS)
    if topic.status == VISIBLE:
        _board_gained(topic.board_id, topics=0, posts=1, last_post_id=topic.last_post_id, at=topic.last_activity_at)


def topic_started(topic: Topic, first: Post) -> None:
    """Count a new topic and its first post (no other transaction can see either yet)."""
    topic.first_post_id = first.id
    if first.status == VISIBLE:
        topic.post_count, topic.last_post_id, topic.last_activity_at = 1, first.id, first.created_at
    db.session.flush()
    if topic.status == VISIBLE:
        _topic_counted(topic.id, 1)


def posts_withdrawn(posts: list[tuple[int, int]]) -> None:
    """Uncount posts (id, topic id) that stopped being visible: topics first, then boards, each by id."""
    db.session.flush()
    by_topic: dict[int, list[int]] = defaultdict(list)
    for post_id, topic_id in posts:
        by_topic[topic_id].append(post_id)
    withdrawn = {post_id for post_id, _ in posts}
    board_posts: dict[int, int] = defaultdict(int)
    for topic_id in sorted(by_topic):
        topic = _run(
            update(_topic)
            .where(_topic.c.id == topic_id)
            .values(post_count=_topic.c.post_count - len(by_topic[topic_id]))
            .returning(_topic.c.status, _topic.c.board_id, _topic.c.last_post_id)
        ).one()
        if topic.last_post_id in withdrawn:
            _point_topic_at_newest(topic_id)
        _expire(Topic, topic_id, _TOPIC_COUNTERS)
        if topic.status == VISIBLE:
            board_posts[topic.board_id] += len(by_topic[topic_id])
    for board_id in sorted(board_posts):
        board = _run(
            update(_board)
            .where(_board.c.id == board_id)
            .values(post_count=_board.c.post_count - board_posts[board_id])
            .returning(_board.c.last_post_id)
        ).one()
        if board.last_post_id in withdrawn:
            _point_board_at_latest(board_id)
        _expire(Board, board_id, _BOARD_COUNTERS)


def move_topic(topic: Topic, board: Board) -> None:
    """Move a topic to another board, moving its counts from the old board to the new."""
    db.session.flush()
    old = _run(
        update(_topic)
        .where(_topic.c.id == topic.id)
        .values(post_count=_topic.c.post_count)
        .returning(_topic.c.board_id)
    ).scalar_one()
    if old == board.id:
        return
    moved = _run(
        update(_topic)
        .where(_topic.c.id == topic.id)
        .values(board_id=board.id)
        .returning(_topic.c.status, _topic.c.post_count, _topic.c.last_post_id, _topic.c.last_activity_at)
    ).one()
    db.session.expire(topic, ["board_id", "board"])
    if moved.status != VISIBLE:
        return
    for board_id in sorted((old, board.id)):
        if board_id == board.id:
            _board_gained(board_id, 1, moved.post_count, moved.last_post_id, moved.last_activity_at)
        else:
            _board_lost_topic(board_id, moved.post_count, moved.last_post_id)


def _topic_counted(topic_id: int, delta: int) -> None:
    """A topic became visible (+1) or stopped being visible (-1) on its board."""
    topic = _run(
        select(_topic.c.board_id, _topic.c.post_count, _topic.c.last_post_id, _topic.c.last_activity_at).where(
            _topic.c.id == topic_id
        )
    ).one()
    if delta > 0:
        _board_gained(topic.board_id, 1, topic.post_count, topic.last_post_id, topic.last_activity_at)
    else:
        _board_lost_topic(topic.board_id, topic.post_count, topic.last_post_id)


def _board_gained(board_id: int, topics: int, posts: int, last_post_id: int | None, at: datetime | None) -> None:
    values = {"topic_count": _board.c.topic_count + topics, "post_count": _board.c.post_count + posts}
    if at is not None:
        later = or_(_board.c.last_activity_at.is_(None), _board.c.last_activity_at < at)
        values["last_activity_at"] = case((later, at), else_=_board.c.last_activity_at)
        values["last_post_id"] = case((later, last_post_id), else_=_board.c.last_post_id)
    _run(update(_board).where(_board.c.id == board_id).values(**values))
    _expire(Board, board_id, _BOARD_COUNTERS)


def _board_lost_topic(board_id: int, posts: int, last_post_id: int | None) -> None:
    board = _run(
        update(_board)
        .where(_board.c.id == board_id)
        .values(topic_count=_board.c.topic_count - 1, post_count=_board.c.post_count - posts)
        .returning(_board.c.last_post_id, _board.c.last_activity_at)
    ).one()
    # The board pointed at this topic (its last post, or its activity when it has no visible post).
    if board.last_post_id == last_post_id:
        _point_board_at_latest(board_id)
    _expire(Board, board_id, _BOARD_COUNTERS)


def _point_topic_at_newest(topic_id: int) -> None:
    newest = _run(
        select(_post.c.id, _post.c.created_at)
        .where(_post.c.topic_id == topic_id, _post.c.status == VISIBLE)
        .order_by(_post.c.id.desc())
        .limit(1)
    ).first()
    values = {"last_post_id": newest.id, "last_activity_at": newest.created_at} if newest else {"last_post_id": None}
    _run(update(_topic).where(_topic.c.id == topic_id).values(**values))


def _latest_visible_topic(board_id: int):
    """(last_activity_at, last_post_id) of the board's visible topic with the latest activity.

    Read pinned and unpinned topics separately, so each walks ix_topic_board_listing backwards and
    stops at its first visible topic, rather than sorting the whole board.
    """
    latest = None
    for pinned in (False, True):
        row = _run(
            select(_topic.c.last_activity_at, _topic.c.last_post_id)
            .where(_topic.c.board_id == board_id, _topic.c.is_pinned == pinned, _topic.c.status == VISIBLE)
            .order_by(_topic.c.last_activity_at.desc(), _topic.c.id.desc())
            .limit(1)
        ).first()
        if row is not None and (latest is None or row.last_activity_at > latest.last_activity_at):
            latest = row
    return latest


def _point_board_at_latest(board_id: int) -> None:
    latest = _latest_visible_topic(board_id)
    at, last_post_id = (latest.last_activity_at, latest.last_post_id) if latest else (None, None)
    _run(update(_board).where(_board.c.id == board_id).values(last_activity_at=at, last_post_id=last_post_id))


# Recounting from scratch -------------------------------------------------------------------------


def _lock(table, row_id: int) -> None:
    """Take the row's write lock before recounting it, so a concurrent change waits or is seen.

    A no-op UPDATE of a counter (not a key, so inserting a post that references the row
    does not wait on it) locks on both engines (on SQLite it also starts the write transaction, which a
    SELECT would not); the recount then runs as a new statement that sees every committed change,
    and a writer that has not committed yet must wait for this lock before it moves the counter.
    """
    _run(update(table).where(table.c.id == row_id).values(post_count=table.c.post_count))


def recount_topic(topic_id: int) -> None:
    """Recount a topic's visible posts and its newest post from the posts themselves."""
    db.session.flush()
    _lock(_topic, topic_id)
    count = _run(select(func.count()).where(_post.c.topic_id == topic_id, _post.c.status == VISIBLE)).scalar_one()
    _run(update(_topic).where(_topic.c.id == topic_id).values(post_count=count))
    _point_topic_at_newest(topic_id)
    _expire(Topic, topic_id, _TOPIC_COUNTERS)


def recount_board(board_id: int) -> None:
    """Recount a board's visible topics, their posts and its latest activity from its topics."""
    db.session.flush()
    _lock(_board, board_id)
    topics, posts = _run(
        select(func.count(), func.coalesce(func.sum(_topic.c.post_count), 0)).where(
            _topic.c.board_id == board_id, _topic.c.status == VISIBLE
        )
    ).one()
    _run(update(_board).where(_board.c.id == board_id).values(topic_count=topics, post_count=posts))
    _point_board_at_latest(board_id)
    _expire(Board, board_id, _BOARD_COUNTERS)


@dataclass(frozen=True)
class Mismatch:
    kind: str  # "topic" or "board"
    id: int
    stored: tuple
    counted: tuple


def _topic_mismatches() -> list[Mismatch]:
    visible = (
        select(_post.c.topic_id, func.count().label("n"), func.max(_post.c.id).label("last_id"))
        .where(_post.c.status == VISIBLE)
        .group_by(_post.c.topic_id)
        .subquery()
    )
    last = _post.alias("last")
    n, last_id = func.coalesce(visible.c.n, 0), visible.c.last_id
    rows = _run(
        select(
            _topic.c.id,
            _topic.c.post_count,
            _topic.c.last_post_id,
            _topic.c.last_activity_at,
            n,
            last_id,
            last.c.created_at,
        )
        .select_from(_topic.outerjoin(visible, visible.c.topic_id == _topic.c.id).outerjoin(last, last.c.id == last_id))
        .where(
            or_(
                _topic.c.post_count != n,
                func.coalesce(_topic.c.last_post_id, 0) != func.coalesce(last_id, 0),
                and_(last.c.id.is_not(None), _topic.c.last_activity_at != last.c.created_at),
            )
        )
        .order_by(_topic.c.id)
    ).all()
    return [Mismatch("topic", r[0], tuple(r[1:4]), (r[4], r[5], r[6] if r[5] is not None else r[3])) for r in rows]


def _board_mismatches() -> list[Mismatch]:
    totals = dict(
        (r[0], (r[1], r[2]))
        for r in _run(
            select(_topic.c.board_id, func.count(), func.sum(_topic.c.post_count))
            .where(_topic.c.status == VISIBLE)
            .group_by(_topic.c.board_id)
        )
    )
    found = []
    for board in _run(
        select(_board.c.id, _board.c.topic_count, _board.c.post_count, _board.c.last_activity_at).order_by(_board.c.id)
    ):
        latest = _latest_visible_topic(board.id)
        counted = (*totals.get(board.id, (0, 0)), latest.last_activity_at if latest else None)
        if tuple(board[1:]) != counted:
            found.append(Mismatch("board", board.id, tuple(board[1:]), counted))
    return found


def check_counts(*, repair: bool) -> list[Mismatch]:
    """Every topic and board whose counters disagree with a recount; with `repair`, fix them (commits)."""
    found = _topic_mismatches()
    db.session.rollback()
    if repair:
        for mismatch in found:
            recount_topic(mismatch.id)
            db.session.commit()
    boards = _board_mismatches()
    db.session.rollback()
    if repair:
        for mismatch in boards:
            recount_board(mismatch.id)
            db.session.commit()
    return found + boards


def bump_cache_epoch() -> None:
    """Text leaves pages in this transaction: every process empties its in-process caches once it commits."""
    moved = _run(update(CacheEpoch).where(CacheEpoch.id == 1).values(value=CacheEpoch.value + 1))
    if moved.rowcount == 0:
        # The migration writes the row; a schema made by create_all (tests) starts without it.
        db.session.add(CacheEpoch(id=1, value=1))


def cache_epoch() -> int:
    """The cache epoch's current value (0 before the first change)."""
    return db.session.scalar(select(CacheEpoch.value).where(CacheEpoch.id == 1)) or 0

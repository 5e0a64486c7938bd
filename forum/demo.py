"""Demo content: members, topics and posts written straight to the database in bulk.

`flask --app wsgi demo seed` calls `seed_demo`. The text is stitched from calm, everyday
recovery-forum phrases, so it never trips the crisis flagger (a test checks), and the flagger
does not run on it. Rows go to the driver's `executemany` in batches inside one transaction (a
million posts in about a minute on SQLite, its post indexes and search index built once afterwards), with
explicit ids computed here, so each topic's and board's cached counts and last activity are
known before anything is written; boards are then recounted by `recount_board`, the same
function `flask check counts` repairs with. Every demo member shares one password hash of a random
password that is thrown away: nobody can sign in as them (make an account with `flask users
create` for that).
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from forum.accounts.models import User, utcnow
from forum.boards.counts import recount_board
from forum.boards.models import Board, Post, PostStatus, Topic
from forum.boards.services import seed_default_boards
from forum.extensions import db
from forum.notifications.models import TopicWatch, WatchLevel
from forum.permissions import Role

BATCH = 5_000
ANONYMOUS_SHARE = 0.15
REMOVED_SHARE = 0.01
CONTENT_NOTE_SHARE = 0.04
# At least this many topics per board are pinned (the first ones, as a facilitator would).
PINNED_PER_BOARD = 2
# Replies arrive this long after a topic opens, on average.
REPLY_MEAN_SECONDS = 4 * 24 * 3600

_ADJECTIVES = (
    "quiet calm steady gentle brave patient hopeful sunny misty amber cedar willow river "
    "harbor meadow silver morning evening northern coastal humble kind slow bright"
).split()
_NOUNS = (
    "fox heron otter maple pine stone lantern path tide wren sparrow oak fern moss "
    "harbor garden trail kettle compass sail brook lark birch thistle"
).split()

_TITLE_TEMPLATES = (
    "Day {n} and still going",
    "How do you handle {trigger}?",
    "Small win: {win}",
    "First time posting here",
    "Talking to my doctor about {topic}",
    "Anyone else find {trigger} hard?",
    "What helps you with {topic}?",
    "{n} days today",
    "Routines that keep me steady",
    "Telling family about {topic}",
    "Back after a rough month",
    "Ideas for sober weekends",
    "Sleep and {topic}",
    "Grateful for this group",
    "Question about {topic}",
    "My plan for {trigger}",
    "Checking in: {win}",
    "Meetings vs online groups",
    "Reading recommendations for {topic}",
    "What I wish I'd known about {topic}",
)
_TRIGGERS = (
    "Friday evenings",
    "family gatherings",
    "work stress",
    "payday",
    "old friends getting in touch",
    "the holidays",
    "long weekends",
    "being alone at night",
    "celebrations at work",
    "boredom",
)
_WINS = (
    "cooked dinner every night this week",
    "went to a meeting on my own",
    "called my sponsor instead of isolating",
    "kept my therapy appointment",
    "slept a full night",
    "said no to a party",
    "walked every morning",
    "paid off a small debt",
    "finished a book",
    "got through a family visit",
)
_TOPICS = (
    "anxiety",
    "low mood",
    "medication changes",
    "cravings",
    "bipolar and sobriety",
    "therapy",
    "sleep problems",
    "shame",
    "going back to work",
    "boundaries",
    "loneliness",
    "exercise",
)
_OPENERS = (
    "Hi everyone.",
    "Hello all.",
    "I've been reading here for a while and finally decided to post.",
    "Quick check-in from me.",
    "Something I've been thinking about this week.",
    "Not sure if this is the right board, but here goes.",
    "Morning all, coffee in hand.",
)
_REPLY_OPENERS = (
    "Thanks for sharing this.",
    "Same here, honestly.",
    "This really resonates with me.",
    "Congratulations, that's a real achievement.",
    "I remember feeling exactly like this.",
    "Sending you some warmth today.",
    "Good to see you posting again.",
    "I'm glad you wrote this.",
)
_SENTENCES = (
    "My counsellor suggested writing down three things that went okay each day, and it helps more than I expected.",
    "The mornings are easier now that I have a routine with breakfast and a short walk.",
    "I talked with my psychiatrist about adjusting my medication and we agreed to go slowly.",
    "Cravings still show up around the time I used to drink, so I keep that hour busy.",
    "I went to an evening meeting and just listened, which felt like enough for a first time.",
    "Having a plan for the weekend makes a big difference for me.",
    "My sister asked how she could help and I didn't know what to say at first.",
    "I'm learning that feeling anxious doesn't mean something is actually wrong.",
    "Sleep has been patchy, but cutting out caffeine after lunch seems to help.",
    "I used to think asking for help was weakness, and now I see it as a skill.",
    "Journaling before bed gives the thoughts somewhere to go.",
    "The group on Thursdays has become something I look forward to.",
    "Some days the depression is heavy and I just aim for the basics: eat, shower, message someone.",
    "I keep a list of people I can text when things get loud in my head.",
    "Work found out about my diagnosis and, to my surprise, they were supportive.",
    "I noticed I was isolating again, so I made myself reply to a couple of messages.",
    "The breathing exercise from my therapist sounds silly but it takes the edge off.",
    "Being honest with my doctor about drinking was scary, and it went better than I feared.",
    "I've started cooking simple meals again, which feels like a small act of care.",
    "Recovery isn't a straight line, and I'm trying to be kinder to myself about that.",
    "My mood tracker shows the dips come after poor sleep, which is useful to know.",
    "A friend invited me to a barbecue and I brought my own sparkling water.",
    "I'm still figuring out which friendships are good for me now.",
    "The waiting list for therapy is long, so this forum has been a lifeline of sorts.",
    "I set a reminder to take my medication at the same time every day.",
    "Gardening has turned into my way of slowing down after work.",
    "I told my partner about my triggers and we made a plan together.",
    "Some weeks I go to three meetings and some weeks only one, and both are okay.",
    "The shame used to keep me quiet, and writing here is helping with that.",
    "I'm proud of getting through the holidays without going back to old habits.",
    "My care coordinator helped me sort out the paperwork I had been avoiding.",
    "When the anxiety spikes, I name five things I can see around me.",
    "I had a lapse last month, talked it through with my sponsor, and started again.",
    "Music helps when my head is noisy, especially something slow.",
    "I've learned to leave events early when I start to feel uneasy, without apologising.",
)
_CLOSERS = (
    "Thanks for reading.",
    "Would love to hear what works for others.",
    "One day at a time.",
    "Take care, everyone.",
    "Just wanted to share that.",
    "Hope your week is going gently.",
    "Any tips are welcome.",
    "Glad this place exists.",
)
_CONTENT_NOTES = (
    "mentions drinking",
    "talks about a hospital stay",
    "family conflict",
    "mentions cravings in detail",
    "discusses a lapse",
)


@dataclass(frozen=True)
class DemoResult:
    members: int
    topics: int
    posts: int
    boards: int


def _title(rng: random.Random) -> str:
    return rng.choice(_TITLE_TEMPLATES).format(
        n=rng.choice((3, 7, 12, 30, 45, 60, 90, 100, 180, 365)),
        trigger=rng.choice(_TRIGGERS),
        win=rng.choice(_WINS),
        topic=rng.choice(_TOPICS),
    )


# Strides through the sentence list that never repeat a sentence within a paragraph.
_STRIDES = tuple(k for k in range(1, len(_SENTENCES)) if math.gcd(k, len(_SENTENCES)) == 1)


def _paragraph(rng: random.Random, sentences: int) -> str:
    # A random start and stride: cheaper than rng.sample, and as varied for demo text.
    start, stride, n = rng.randrange(len(_SENTENCES)), rng.choice(_STRIDES), len(_SENTENCES)
    return " ".join([_SENTENCES[(start + k * stride) % n] for k in range(sentences)])


def make_body(rng: random.Random, *, reply: bool) -> str:
    """A post from one sentence to several paragraphs, as forum posts vary."""
    shape = rng.random()
    if shape < 0.25:
        opener = rng.choice(_REPLY_OPENERS if reply else _OPENERS)
        return f"{opener} {rng.choice(_SENTENCES)}"
    if shape < 0.65:
        paragraphs = [_paragraph(rng, rng.randint(2, 5))]
    elif shape < 0.9:
        paragraphs = [_paragraph(rng, rng.randint(2, 5)) for _ in range(rng.randint(2, 3))]
    else:
        paragraphs = [_paragraph(rng, rng.randint(3, 6)) for _ in range(rng.randint(4, 6))]
    paragraphs[0] = f"{rng.choice(_REPLY_OPENERS if reply else _OPENERS)} {paragraphs[0]}"
    if rng.random() < 0.5:
        paragraphs.append(rng.choice(_CLOSERS))
    return "\n\n".join(paragraphs)


def _pseudonyms(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        base = f"{rng.choice(_ADJECTIVES)}_{rng.choice(_NOUNS)}"
        name = base if base not in taken else f"{base}{rng.randint(2, 99_999)}"
        if name.lower() not in taken:
            taken.add(name.lower())
            names.append(name)
    return names


def _handles(count: int, taken: set[str]) -> list[str]:
    handles = []
    while len(handles) < count:
        handle = secrets.token_hex(3)
        if handle not in taken:
            taken.add(handle)
            handles.append(handle)
    return handles


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _insert(table, rows: list[dict]) -> None:
    """Rows (all with the same keys) straight to the driver's executemany, in batches.

    Core's insert() converts and checks each row's parameters one by one, which at a million posts cost more
    than the database's own work; here only the columns whose type needs it (dates on SQLite) are converted.
    """
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=list(rows[0]))
    columns = compiled.positiontup if compiled.positional else list(rows[0])
    converters = [(i, table.c[c].type.bind_processor(dialect)) for i, c in enumerate(columns)]
    converters = [(i, convert) for i, convert in converters if convert is not None]
    for start in range(0, len(rows), BATCH):
        batch = []
        for row in rows[start : start + BATCH]:
            values = [row[c] for c in columns]
            for i, convert in converters:
                values[i] = convert(values[i])
            batch.append(tuple(values) if compiled.positional else dict(zip(columns, values, strict=True)))
        connection.exec_driver_sql(str(compiled), batch)


# SQLite's page cache while seeding, in KiB (negative: a size, not a page count): the post indexes and the
# search index stay in memory instead of spilling to the write-ahead log page by page. Reset afterwards.
_SEED_CACHE_KIB = 512 * 1024


@contextmanager
def _post_indexes_deferred(first_post_id: int) -> Iterator[None]:
    """On SQLite, build the post table's indexes and search index once, after the bulk insert.

    Each index would otherwise take the posts one at a time in topic or author order, all over the tree, and the
    search index's per-row trigger (forum/search/models.py) is three times slower than one INSERT ... SELECT.
    Dropping and restoring them happens in the same transaction, so no other writer sees the table without them.
    """
    connection = db.session.connection()
    if db.engine.dialect.name != "sqlite":
        yield
        return
    deferred = connection.execute(
        text(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'post' AND sql IS NOT NULL "
            "AND (type = 'index' OR name = 'post_fts_insert')"
        )
    ).all()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{_SEED_CACHE_KIB}")
    for kind, name, _ in deferred:
        connection.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    yield
    for _, _, sql in deferred:
        connection.exec_driver_sql(sql)
    if any(name == "post_fts_insert" for _, name, _ in deferred):
        connection.execute(
            text("INSERT INTO post_fts(rowid, body) SELECT id, body FROM post WHERE id >= :first"),
            {"first": first_post_id},
        )
    connection.exec_driver_sql("PRAGMA cache_size = -2000")  # SQLite's default


_SEQUENCE_FIXES = (
    "SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), (SELECT max(id) FROM \"user\"))",
    "SELECT setval(pg_get_serial_sequence('topic', 'id'), (SELECT max(id) FROM topic))",
    "SELECT setval(pg_get_serial_sequence('post', 'id'), (SELECT max(id) FROM post))",
)


def _fix_sequences() -> None:
    # Explicit ids leave PostgreSQL's sequences behind; move them past the new rows.
    if db.engine.dialect.name != "postgresql":
        return
    for statement in _SEQUENCE_FIXES:
        db.session.execute(text(statement))


def seed_demo(
    members: int, topics: int, posts: int, *, months: int = 6, seed: int | None = None, now: datetime | None = None
) -> DemoResult:
    """Add demo members, topics and posts (at least one post per topic) in one transaction."""
    if members < 1 or topics < 0 or posts < topics:
        raise ValueError("Need at least one member and at least as many posts as topics.")
    rng = random.Random(seed)  # noqa: S311 - demo text, not secrets  # nosec B311
    if not db.session.scalar(select(func.count(Board.id))):
        seed_default_boards()
    boards = list(db.session.scalars(select(Board).order_by(Board.position, Board.id)))
    now = now or utcnow()
    start = now - timedelta(days=30 * months)
    user_rows = _member_rows(rng, members, start)
    user_ids = [row["id"] for row in user_rows]
    # A few members write most of the posts, as on any forum.
    author_weights = [rng.paretovariate(1.5) for _ in user_ids]
    opened, post_times = _post_times(rng, topics, posts, start, now)
    first_topic, first_post = _next_id(Topic), _next_id(Post)
    authors = rng.choices(user_ids, weights=author_weights, k=len(post_times))
    post_rows, topic_first, topic_last, topic_counts = _post_rows(
        rng, topics, post_times, authors, first_topic, first_post
    )
    board_of = [boards[rng.randrange(len(boards))].id for _ in range(topics)]
    pinned: set[int] = set()
    for board in boards:
        pinned.update([t for t in range(topics) if board_of[t] == board.id][:PINNED_PER_BOARD])
    topic_rows = [
        _topic_row(rng, first_topic + t, board_of[t], post_rows[topic_first[t]], topic_last[t], topic_counts[t])
        | {"created_at": opened[t], "is_pinned": t in pinned}
        for t in range(topics)
    ]
    _insert(User.__table__, user_rows)
    _insert(Topic.__table__, topic_rows)
    with _post_indexes_deferred(first_post):
        _insert(Post.__table__, post_rows)
    # Members watch the topics they started or answered, as the notifications migration backfilled.
    watched = sorted({(row["author_id"], row["topic_id"]) for row in post_rows})
    _insert(
        TopicWatch.__table__,
        [{"user_id": user, "topic_id": topic, "level": WatchLevel.WATCHING.value} for user, topic in watched],
    )
    _fix_sequences()
    for board in boards:
        recount_board(board.id)
    db.session.commit()
    return DemoResult(members=members, topics=topics, posts=len(post_rows), boards=len(boards))


def _member_rows(rng: random.Random, members: int, start: datetime) -> list[dict]:
    """Members who joined before the demo window opens, with one shared hash of a discarded password."""
    password_hash = generate_password_hash(secrets.token_urlsafe(24))
    taken_names = set(db.session.scalars(select(User.pseudonym_key)))
    taken_handles = set(db.session.scalars(select(User.anonymous_handle)))
    first_user = _next_id(User)
    user_ids = list(range(first_user, first_user + members))
    return [
        {
            "id": user_id,
            "pseudonym": name,
            "pseudonym_key": name.lower(),
            "password_hash": password_hash,
            "role": Role.MEMBER.value,
            "created_at": start - timedelta(days=rng.uniform(1, 365)),
            "region": None,
            "anonymous_handle": handle,
            "is_banned": False,
            "session_version": 0,
        }
        for user_id, name, handle in zip(
            user_ids, _pseudonyms(rng, members, taken_names), _handles(members, taken_handles), strict=True
        )
    ]


def _post_times(
    rng: random.Random, topics: int, posts: int, start: datetime, now: datetime
) -> tuple[list[datetime], list[tuple[datetime, int]]]:
    """When each topic opens, and (when, topic index) for every post in time order."""
    span = (now - start).total_seconds()
    # Topics open at random times; replies share out with a long tail, so some threads run long.
    opened = sorted(start + timedelta(seconds=rng.uniform(0, span)) for _ in range(topics))
    extra = rng.choices(range(topics), weights=[rng.lognormvariate(0, 1.0) for _ in range(topics)], k=posts - topics)
    post_times: list[tuple[datetime, int]] = [(opened[t], t) for t in range(topics)]
    for t in extra:
        # Most replies come within days of the opening post; none after now.
        open_seconds = max((now - opened[t]).total_seconds(), 61.0)
        after = 60 + rng.expovariate(1 / REPLY_MEAN_SECONDS)
        if after > open_seconds:
            after = rng.uniform(60, open_seconds)
        post_times.append((opened[t] + timedelta(seconds=after), t))
    post_times.sort()
    return opened, post_times


def _post_rows(rng: random.Random, topics: int, post_times, authors, first_topic: int, first_post: int):
    """The post rows, and per topic index: its opening row's offset, its last (id, time), its visible count."""
    topic_first: dict[int, int] = {}
    topic_last: dict[int, tuple[int, datetime]] = {}
    topic_counts = [0] * topics
    post_rows = []
    for offset, ((at, t), author) in enumerate(zip(post_times, authors, strict=True)):
        post_id = first_post + offset
        opening = t not in topic_first
        if opening:
            topic_first[t] = offset
        removed = not opening and rng.random() < REMOVED_SHARE
        if not removed:
            topic_counts[t] += 1
            topic_last[t] = (post_id, at)
        post_rows.append(
            {
                "id": post_id,
                "topic_id": first_topic + t,
                "author_id": author,
                "is_anonymous": rng.random() < ANONYMOUS_SHARE,
                "body": make_body(rng, reply=not opening),
                "content_note": rng.choice(_CONTENT_NOTES) if rng.random() < CONTENT_NOTE_SHARE else None,
                "status": PostStatus.REMOVED.value if removed else PostStatus.VISIBLE.value,
                "created_at": at,
                "edited_at": None,
                "moderator_note": None,
            }
        )
    return post_rows, topic_first, topic_last, topic_counts


def _topic_row(rng: random.Random, topic_id: int, board_id: int, first: dict, last: tuple, count: int) -> dict:
    last_id, last_at = last
    return {
        "id": topic_id,
        "board_id": board_id,
        "author_id": first["author_id"],
        "is_anonymous": first["is_anonymous"],
        "title": _title(rng),
        "status": PostStatus.VISIBLE.value,
        "last_activity_at": last_at,
        "last_post_id": last_id,
        "first_post_id": first["id"],
        "post_count": count,
        "is_announcement": False,
        "is_locked": False,
    }

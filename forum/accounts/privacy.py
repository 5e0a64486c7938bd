"""A member's own data: downloading it and deleting the account."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy import delete, or_, select, update
from werkzeug.security import check_password_hash

from forum.accounts.drafts import export_member_drafts
from forum.accounts.models import User
from forum.accounts.mutes import muted_members
from forum.accounts.safety_plan import export_safety_plan
from forum.boards import counts
from forum.boards.models import Post, PostRevision, PostStatus, Reaction, Topic
from forum.caches import board_fragments, forget_fragments, forget_texts, topic_fragments
from forum.crisis.models import CrisisFlag
from forum.errors import InvalidAction
from forum.extensions import db
from forum.meetings.services import export_meeting_posts
from forum.mentoring.privacy import erase_mentoring, export_mentoring
from forum.moderation import models as moderation_models
from forum.moderation.models import ModeratorMessage, UnpostedText
from forum.notifications.privacy import export_notifications
from forum.notifications.services import export_watches
from forum.recovery.models import CheckIn, MilestoneShare, RecoveryPreference, RecoveryStart

# What happens to a deleted member's posts.
REMOVE_POSTS = "remove"
KEEP_AS_FORMER_MEMBER = "keep"
REMOVED_TOPIC_TITLE = "Removed by its author"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def _json_value(value):
    if isinstance(value, datetime):
        return _iso(value)
    return value.isoformat() if isinstance(value, date) else value


def _own_rows(model, user: User, order) -> list[dict]:
    """Every row of a member's private table, column by column (their check-ins, start dates...)."""
    rows = db.session.scalars(select(model).where(model.user_id == user.id).order_by(order)).all()
    columns = [c.key for c in model.__table__.columns if c.key != "user_id"]
    return [{c: _json_value(getattr(row, c)) for c in columns} for row in rows]


def _post_record(post) -> dict:
    return {
        "id": post.id,
        "topic_id": post.topic_id,
        "topic_title": post.topic.title,
        "board": post.topic.board.slug,
        "anonymous": post.is_anonymous,
        "status": post.status,
        "content_note": post.content_note,
        "body": post.body,
        "created_at": _iso(post.created_at),
        "edited_at": _iso(post.edited_at),
        "moderator_note": post.moderator_note,
    }


def _reports_by(user: User) -> list[dict]:
    # Reports belong to the moderation domain, which may not define them in every version.
    report = getattr(moderation_models, "Report", None)
    reporter = getattr(report, "reporter_id", None)
    if reporter is None:
        return []
    rows = db.session.scalars(select(report).where(reporter == user.id).order_by(report.id)).all()
    # What the member wrote and whether it was reviewed, as their reports page says: never the outcome,
    # which is about another member's post (a crisis playbook's outcome is about their health).
    columns = ("id", "post_id", "reason", "note", "created_at", "reviewed_at")
    return [{c: _json_value(getattr(row, c)) for c in columns} for row in rows]


def _messages_to(user: User) -> list[dict]:
    messages = db.session.scalars(
        select(ModeratorMessage).where(ModeratorMessage.recipient_id == user.id).order_by(ModeratorMessage.id)
    ).all()
    return [
        {
            "subject": m.subject,
            "body": m.body,
            "created_at": _iso(m.created_at),
            # The conversation under the message; moderators are not named.
            "replies": [
                {"from": "you" if r.from_member else "a moderator", "body": r.body, "created_at": _iso(r.created_at)}
                for r in m.replies
            ],
        }
        for m in messages
    ]


def _headings() -> dict[str, str]:
    # The keys stay in English so programs can read any member's file; the headings say them in the reader's language.
    return {
        "profile": gettext("Your profile"),
        "posts": gettext("Your posts"),
        "reports": gettext("Your reports"),
        "safety_plan": gettext("Your safety plan"),
        "messages": gettext("Messages from the moderators"),
        "unposted_texts": gettext("Texts kept for the moderators"),
        "drafts": gettext("Your drafts"),
        "muted_members": gettext("Members you muted"),
        "mentoring": gettext("Peer mentoring"),
        "check_ins": gettext("Daily check-ins"),
        "recovery_start_dates": gettext("Start dates"),
        "milestones_shared": gettext("Milestones you shared"),
        "check_in_preferences": gettext("Check-in settings"),
        "meeting_posts": gettext("Your posts in meetings"),
        "topic_watches": gettext("Topics you watch or muted"),
        "notifications": gettext("Notifications"),
        "meeting_reminders": gettext("Meeting reminders"),
    }


def export_member_data(user: User) -> dict:
    """Everything the forum holds that a member wrote or chose, as plain JSON-ready data, with its headings."""
    posts = db.session.scalars(select(Post).where(Post.author_id == user.id).order_by(Post.id)).all()
    data = {
        "profile": {
            "pseudonym": user.pseudonym,
            "role": user.role,
            "created_at": _iso(user.created_at),
            "region": user.region,
            "language": user.language,
            "anonymous_handle": user.anonymous_handle,
            "suspended_until": _iso(user.suspended_until),
            "restriction_reason": user.restriction_reason,
            "unused_recovery_codes": sum(1 for c in user.recovery_codes if c.used_at is None),
        },
        "posts": [_post_record(p) for p in posts],
        "reports": _reports_by(user),
        "safety_plan": export_safety_plan(user),
        "messages": _messages_to(user),
        "unposted_texts": _unposted_by(user),
        "drafts": export_member_drafts(user),
        "muted_members": [member.pseudonym for member in muted_members(user)],
        "mentoring": export_mentoring(user),
        "check_ins": _own_rows(CheckIn, user, CheckIn.day),
        "recovery_start_dates": _own_rows(RecoveryStart, user, RecoveryStart.id),
        "milestones_shared": _own_rows(MilestoneShare, user, MilestoneShare.id),
        "check_in_preferences": _own_rows(RecoveryPreference, user, RecoveryPreference.user_id),
        "meeting_posts": export_meeting_posts(user),
        "topic_watches": export_watches(user),
        **export_notifications(user),
    }
    headings = _headings()
    return {"headings": {key: headings[key] for key in data if key in headings}, **data}


def _unposted_by(user: User) -> list[dict]:
    # Risky texts whose post was refused, kept for the moderators (forum/posting.py).
    rows = db.session.scalars(select(UnpostedText).where(UnpostedText.author_id == user.id).order_by(UnpostedText.id))
    return [
        {"kind": row.kind, "text": row.text, "refusal": row.refusal, "created_at": _iso(row.created_at)} for row in rows
    ]


def _cut_links(user_id: int) -> None:
    """Null or delete every other row that points at the user, whichever the column allows."""
    user_table = User.__table__
    for table in db.metadata.sorted_tables:
        if table is user_table:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is not user_table:
                continue
            column = fk.parent
            if column.nullable:
                db.session.execute(update(table).where(column == user_id).values({column.name: None}))
            else:
                db.session.execute(delete(table).where(column == user_id))


def delete_account(user: User, *, password: str, posts: str) -> None:
    """Delete a member after checking their password, removing or orphaning their posts.

    Raises InvalidAction on a wrong password or an unknown choice.
    """
    if posts not in (REMOVE_POSTS, KEEP_AS_FORMER_MEMBER):
        raise InvalidAction(gettext("Please choose what happens to your posts."), field="posts")
    if not check_password_hash(user.password_hash, password):
        raise InvalidAction(gettext("Your current password isn't right."), field="password")
    # Their name and (when removed) their words leave the cached pages that showed them.
    shown_in = db.session.execute(
        select(Topic.id, Topic.board_id).where(
            or_(Topic.author_id == user.id, Topic.id.in_(select(Post.topic_id).where(Post.author_id == user.id)))
        )
    ).all()
    groups = [topic_fragments(t) for t, _ in shown_in] + [board_fragments(b) for b in {b for _, b in shown_in}]
    if posts == REMOVE_POSTS:
        forget_texts(*db.session.scalars(select(Post.body).where(Post.author_id == user.id)))
        # The visible ones first: exactly the posts this statement hides leave the counts.
        withdrawn = db.session.execute(
            update(Post.__table__)
            .where(Post.author_id == user.id, Post.status == PostStatus.VISIBLE.value)
            .values(status=PostStatus.REMOVED.value)
            .returning(Post.id, Post.topic_id)
        ).all()
        counts.posts_withdrawn([tuple(row) for row in withdrawn])
        db.session.execute(
            update(Post)
            .where(Post.author_id == user.id)
            .values(status=PostStatus.REMOVED.value, body="", content_note=None, moderator_note=None)
        )
        # Matched phrases quote the post; keep only that a flag existed, for the audit.
        own_posts = select(Post.id).where(Post.author_id == user.id)
        db.session.execute(delete(PostRevision).where(PostRevision.post_id.in_(own_posts)))
        db.session.execute(
            update(CrisisFlag).where(CrisisFlag.post_id.in_(own_posts)).values(matches_json="[]", reason="")
        )
        # A topic whose opening post is removed keeps its replies but loses its title.
        db.session.execute(update(Topic).where(Topic.author_id == user.id).values(title=REMOVED_TOPIC_TITLE))
    user_id = user.id
    # Never-posted texts go with the account, whichever choice: they were never anyone else's to read.
    db.session.execute(delete(UnpostedText).where(UnpostedText.author_id == user_id))
    # Check-ins and start dates are the member's alone: gone with the account (shares before the dates they name).
    for model in (MilestoneShare, RecoveryStart, CheckIn, RecoveryPreference):
        db.session.execute(delete(model).where(model.user_id == user_id))
    # Reactions they gave go too (SQLite does not enforce the cascade; PostgreSQL would).
    db.session.execute(delete(Reaction).where(Reaction.user_id == user_id))
    # Their mentoring notes and messages go whichever choice: they were written to one person.
    erase_mentoring(user_id)
    _cut_links(user_id)
    db.session.expire_all()
    db.session.execute(delete(User).where(User.id == user_id))
    counts.bump_cache_epoch()
    db.session.commit()
    forget_fragments(*groups)

"""The posting workflow: what happens to every text a member writes, in one direction.

Topics, replies and edits (boards.services), replies to a moderator (moderation.conversations) and
texts a form refused (forum/posting.py) all come through here once their service has validated and
recorded them: the crisis detector screens the text (a pure function of it), risk is handed to
moderation (hold, flag, queue item) and the alerts are queued, in the caller's transaction. It
imports models, the queue, the rota and the outbox only; domain services call down into it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from forum.accounts.models import User, utcnow
from forum.boards import counts
from forum.boards.models import Post, PostStatus
from forum.crisis import alerts
from forum.crisis.detector import Assessment, Level, assess
from forum.crisis.models import CrisisFlag
from forum.errors import InvalidAction
from forum.extensions import db
from forum.moderation.models import ItemKind, MessageReply, ModeratorMessage, QueueItem, UnpostedText
from forum.moderation.queue import current_holder, enqueue, hold_if_new_author, log_action, open_item_for
from forum.moderation.rota import on_call_emails
from forum.moderation.unposted import add_unposted

_KIND = {Level.URGENT: ItemKind.URGENT_CRISIS, Level.CONCERN: ItemKind.CONCERN_CRISIS}


def post_text(post: Post) -> str:
    """The text the flagger reads for a post: a first post's title with its body."""
    if post.is_first:
        return f"{post.topic.title}\n{post.body}"
    return post.body


def should_hold(level: Level) -> bool:
    """Whether a text at this level waits for a moderator before others see it (CRISIS_HOLD_*)."""
    config = current_app.config
    return (level == Level.URGENT and config["CRISIS_HOLD_URGENT"]) or (
        level == Level.CONCERN and config["CRISIS_HOLD_CONCERN"]
    )


def screen_post(post: Post, *, edited: bool = False) -> CrisisFlag | None:
    """Assess a new or edited post; on risk, flag it, maybe hold it, queue it and alert. Caller commits."""
    assessment = assess(post_text(post))
    if assessment.level == Level.NONE:
        return None
    return _record_flag(post, assessment, flagged_by=None, counted=edited)


def screen_reply(reply: MessageReply) -> Level | None:
    """Assess a member's reply to a moderator; on risk, raise or queue the post the conversation is about
    and alert, as for a post. Caller commits."""
    assessment = assess(reply.body)
    if assessment.level == Level.NONE:
        return None
    level = Level(assessment.level)
    reply.crisis_level = level.value
    message = reply.message
    if message.post is None:
        # A message about no post (a reveal notice) has no queue item; the channel still hears of it.
        alerts.queue_reply_alert(message.id, level.value)
        return level
    item = _hand_over(message.post, _KIND[level], level.value)
    log_action(None, "reply_flagged", post=message.post, item=item, note=f"{level.value}: reply #{reply.id}")
    return level


def screen_new_post(post: Post) -> CrisisFlag | None:
    """A new topic's first post or a reply: hold a newcomer's, then screen it. Caller commits."""
    hold_if_new_author(post)
    flag = screen_post(post)
    post.support_level = flag.level if flag is not None else None
    return flag


def screen_edit(post: Post) -> CrisisFlag | None:
    """An author's edit: screen the new text; its author sees support while the post carries any flag."""
    flag = screen_post(post, edited=True)
    latest = flag or latest_flag(post)
    post.support_level = latest.level if latest is not None else None
    return flag


def latest_flag(post: Post) -> CrisisFlag | None:
    """The most recent assessment that found risk in this post."""
    return db.session.scalar(
        select(CrisisFlag).where(CrisisFlag.post_id == post.id).order_by(CrisisFlag.id.desc()).limit(1)
    )


def _hand_over(post: Post, kind: ItemKind, level: str) -> QueueItem:
    """The one place a risky post reaches the moderators: its queue item (which alerts on call when it turns
    urgent), then the channel."""
    item = enqueue(post, kind)
    alerts.queue_crisis_alert(item, level)
    return item


def screen_member_reply(reply: MessageReply, now: datetime | None = None) -> Level | None:
    """A member's reply to a moderator: screened as a post, and its holder (or on call) hears of it. Caller commits."""
    level = screen_reply(reply)
    _alert_reply_on_crisis_item(reply.message, level.value if level else None, now)
    return level


def _alert_reply_on_crisis_item(message: ModeratorMessage, level: str | None, now: datetime | None) -> None:
    """A member answered about a post with an open crisis item: alert its holder, else on call, else the channel."""
    item = open_item_for(message.post) if message.post is not None else None
    if item is None or item.priority > ItemKind.CONCERN_CRISIS:
        return
    holder = current_holder(item, now)
    emails = [holder.alert_email] if holder is not None and holder.alert_email else on_call_emails(now)
    alerts.queue_reply_alert(message.id, level, emails=emails or None)


def keep_unposted_text(
    assessment: Assessment,
    *,
    text: str,
    author: User | None,
    anonymous: bool = False,
    kind: str,
    path: str,
    refusal: str,
) -> UnpostedText | None:
    """A risky text was refused (limit, validation, lock, suspension, sign-in): queue it and alert. Commits.

    Returns None when the text signals no risk.
    """
    if assessment.level == Level.NONE:
        return None
    item = add_unposted(
        text=text,
        level=Level(assessment.level).value,
        author=author,
        anonymous=anonymous,
        kind=kind,
        path=path,
        refusal=refusal,
    )
    alerts.queue_unposted_alert(item)
    if item.is_urgent:
        emails = on_call_emails()
        if emails:
            alerts.queue_unposted_alert(item, emails=emails)
    db.session.commit()
    return item


def _record_flag(post: Post, assessment: Assessment, *, flagged_by: User | None, counted: bool) -> CrisisFlag:
    level = Level(assessment.level)
    flag = CrisisFlag(
        post=post,
        level=level.value,
        matches_json=json.dumps([{"phrase": m.phrase, "category": m.category} for m in assessment.matches]),
        reason=assessment.reason,
        flagged_by=flagged_by,
    )
    db.session.add(flag)
    if should_hold(level):
        if counted:
            # Already on its topic's and board's counts: holding it takes it off them.
            counts.hold_post(post)
        elif post.status == PostStatus.VISIBLE:
            post.status = PostStatus.HELD.value
    item = _hand_over(post, _KIND[level], level.value)
    if level == Level.CONCERN and flagged_by is None:
        _raise_repeated_concern(post, item)
    return flag


def repeated_concern_posts(post: Post) -> list[Post]:
    """The author's posts the flagger found risk in lately (CRISIS_REPEAT_HOURS), oldest first.

    Counted under the name this post shows (anonymous posts with anonymous ones), so the rule never
    links an anonymous post to its author's pseudonym.
    """
    if post.author_id is None:
        return []
    since = utcnow() - timedelta(hours=current_app.config["CRISIS_REPEAT_HOURS"])
    return list(
        db.session.scalars(
            select(Post)
            .where(
                Post.author_id == post.author_id,
                Post.is_anonymous.is_(post.is_anonymous),
                Post.id.in_(
                    select(CrisisFlag.post_id).where(
                        CrisisFlag.flagged_by_id.is_(None),
                        CrisisFlag.level.in_((Level.CONCERN.value, Level.URGENT.value)),
                        CrisisFlag.created_at >= since,
                    )
                ),
            )
            .order_by(Post.id)
        )
    )


def _raise_repeated_concern(post: Post, item) -> None:
    """A member's third concern-level post in a few days is urgent: the item lists the posts."""
    posts = repeated_concern_posts(post)
    if len(posts) < current_app.config["CRISIS_REPEAT_COUNT"] or item.kind == ItemKind.URGENT_CRISIS:
        return
    item = _hand_over(post, ItemKind.URGENT_CRISIS, Level.URGENT.value)
    hours = current_app.config["CRISIS_REPEAT_HOURS"]
    listed = ", ".join(f"#{p.id}" for p in posts)
    log_action(
        None, "crisis_pattern", post=post, item=item, note=f"{len(posts)} posts with risk in {hours} hours: {listed}"
    )


def flag_missed_post(post: Post, by: User, *, level: str, note: str) -> CrisisFlag:
    """A moderator flags a post the flagger missed; kept for tuning the lexicon."""
    if level not in (Level.CONCERN, Level.URGENT):
        raise InvalidAction(gettext("Choose concern or urgent."), field="level")
    if not note.strip():
        raise InvalidAction(gettext("Please say briefly what the flagger missed."), field="note")
    assessment = Assessment(level=Level(level), matches=(), reason=f"Flagged by a moderator: {note.strip()}")
    flag = _record_flag(post, assessment, flagged_by=by, counted=True)
    flag.feedback = "missed"
    flag.feedback_by_id = by.id
    log_action(by, "flag_missed", post=post, note=note.strip())
    db.session.commit()
    return flag

"""The crisis flow: assess a post, hold or flag it, queue it, and alert the moderators."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from forum.accounts.models import User, utcnow
from forum.boards import counts
from forum.boards.models import Post, PostStatus
from forum.crisis import alerts
from forum.crisis.detector import Assessment, Level, assess
from forum.crisis.hotlines import CHECKED, DEFAULT_HOTLINES, REGIONS
from forum.crisis.models import CrisisFlag, Hotline
from forum.errors import InvalidAction
from forum.extensions import db
from forum.moderation.models import ItemKind, MessageReply, UnpostedText
from forum.moderation.oncall import on_call_emails
from forum.moderation.services import enqueue, log_action
from forum.moderation.unposted import MAX_KEPT, add_unposted
from forum.validation import web_address_problem

_KIND = {Level.URGENT: ItemKind.URGENT_CRISIS, Level.CONCERN: ItemKind.CONCERN_CRISIS}


def _post_text(post: Post) -> str:
    first = db.session.scalar(select(Post.id).where(Post.topic_id == post.topic_id).order_by(Post.id).limit(1))
    if first == post.id:
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
    assessment = assess(_post_text(post))
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
    item = enqueue(message.post, _KIND[level])
    log_action(None, "reply_flagged", post=message.post, item=item, note=f"{level.value}: reply #{reply.id}")
    alerts.queue_crisis_alert(item, level.value)
    return level


def assess_text(text: str) -> Assessment:
    """The flagger's reading of a text being sent, before anything may refuse it."""
    return assess(text[:MAX_KEPT])


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
    item = enqueue(post, _KIND[level])
    alerts.queue_crisis_alert(item, level.value)
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
    item = enqueue(post, ItemKind.URGENT_CRISIS)
    alerts.queue_crisis_alert(item, Level.URGENT.value)
    hours = current_app.config["CRISIS_REPEAT_HOURS"]
    listed = ", ".join(f"#{p.id}" for p in posts)
    log_action(
        None, "crisis_pattern", post=post, item=item, note=f"{len(posts)} posts with risk in {hours} hours: {listed}"
    )


def flag_missed_post(post: Post, by: User, *, level: str, note: str) -> CrisisFlag:
    """A moderator flags a post the flagger missed; kept for tuning the lexicon."""
    if level not in (Level.CONCERN, Level.URGENT):
        raise InvalidAction("Choose concern or urgent.", field="level")
    if not note.strip():
        raise InvalidAction("Please say briefly what the flagger missed.", field="note")
    assessment = Assessment(level=Level(level), matches=(), reason=f"Flagged by a moderator: {note.strip()}")
    flag = _record_flag(post, assessment, flagged_by=by, counted=True)
    flag.feedback = "missed"
    flag.feedback_by_id = by.id
    log_action(by, "flag_missed", post=post, note=note.strip())
    db.session.commit()
    return flag


FEEDBACK_CHOICES = {"confirmed": "Right call", "false_alarm": "False alarm", "missed": "Level too low (missed)"}


def record_feedback(flag: CrisisFlag, by: User, verdict: str) -> None:
    """A moderator's verdict on an assessment, kept for tuning."""
    if verdict not in FEEDBACK_CHOICES:
        raise InvalidAction("Choose one of the listed verdicts.")
    flag.feedback = verdict
    flag.feedback_by_id = by.id
    log_action(by, f"crisis_{verdict}", post=flag.post, note=f"assessment #{flag.id}")
    db.session.commit()


def export_feedback() -> Iterator[str]:
    """JSON lines of every reviewed assessment with the post's text, for tuning the lexicon.

    A post its author removed (or erased with their account) is left out: only what still exists.
    """
    flags = db.session.scalars(
        select(CrisisFlag)
        .join(Post, Post.id == CrisisFlag.post_id)
        .where(CrisisFlag.feedback.is_not(None), Post.status != PostStatus.REMOVED.value)
        .order_by(CrisisFlag.id)
    )
    for flag in flags:
        yield (
            json.dumps(
                {
                    "id": f"flag-{flag.id}",
                    "text": _post_text(flag.post),
                    "flagged_level": flag.level,
                    "feedback": flag.feedback,
                    "matches": flag.matches,
                },
                ensure_ascii=False,
            )
            + "\n"
        )


def latest_flag(post: Post) -> CrisisFlag | None:
    """The most recent assessment that found risk in this post."""
    return db.session.scalar(
        select(CrisisFlag).where(CrisisFlag.post_id == post.id).order_by(CrisisFlag.id.desc()).limit(1)
    )


def hotlines_for(
    region: str | None, *, urgent: bool = False, language: str = "en"
) -> tuple[list[Hotline], list[Hotline]]:
    """The lines to show first for a region, and the rest folded under "more options".

    Within the region, lines that answer in the reader's language come first. After an urgent post
    the region's emergency number is shown unfolded too, right after the first lines, so nobody has
    to open anything to find it.
    """
    region = region if region in REGIONS else current_app.config["DEFAULT_REGION"]
    lines = list(db.session.scalars(select(Hotline).order_by(Hotline.region, Hotline.position, Hotline.id)))
    own = [h for h in lines if h.region == region]
    primary = sorted((h for h in own if h.is_primary), key=lambda h: not h.speaks(language))
    first = primary + [h for h in own if urgent and h.is_emergency and not h.is_primary]
    rest = [h for h in lines if h not in first]
    # Other regions come after the member's own, so the most useful extra lines are nearest.
    rest.sort(key=lambda h: (h.region != region, not h.speaks(language), h.region, h.position))
    return first, rest


def chosen_region(cookie: str | None, member_region: str | None) -> str:
    """The region whose lines come first: a choice made on /help or in the panel, else the account's."""
    for region in (cookie, member_region):
        if region in REGIONS:
            return region
    return current_app.config["DEFAULT_REGION"]


def seed_hotlines() -> int:
    """Add the default crisis lines when the table is empty; returns how many were added."""
    if db.session.scalar(select(Hotline.id).limit(1)) is not None:
        return 0
    for data in DEFAULT_HOTLINES:
        db.session.add(Hotline(**{"last_checked": CHECKED, **data}))
    db.session.commit()
    return len(DEFAULT_HOTLINES)


def save_hotline(hotline: Hotline | None, by: User, **fields) -> Hotline:
    """Create or update a crisis line (admins); recorded in the audit log."""
    if not fields.get("name"):
        raise InvalidAction("Every line needs a name.", field="name")
    if not (fields.get("phone") or fields.get("sms_number") or fields.get("url")):
        raise InvalidAction("Give a phone number, a text number or a web address.", field="phone")
    if fields.get("region") not in REGIONS:
        raise InvalidAction("Choose a region.", field="region")
    # The same rule as the resource library: a javascript: or data: address would run on /help.
    fields["url"] = (fields.get("url") or "").strip()
    problem = web_address_problem(fields["url"])
    if problem:
        raise InvalidAction(problem, field="url")
    if hotline is None:
        hotline = Hotline()
        db.session.add(hotline)
    for key, value in fields.items():
        setattr(hotline, key, value)
    db.session.flush()
    log_action(by, "save_hotline", note=f"{hotline.region}: {hotline.name}")
    db.session.commit()
    return hotline

"""Crisis lines, moderators' verdicts on assessments, and the flagger's reading of a text being sent.

Flagging, holding, queueing and alerting are the posting workflow's (forum/workflow.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask import current_app
from flask_babel import gettext
from sqlalchemy import select

from forum.accounts.models import User
from forum.boards.models import Post, PostStatus
from forum.crisis.detector import Assessment, assess
from forum.crisis.hotlines import CHECKED, DEFAULT_HOTLINES, REGIONS
from forum.crisis.models import CrisisFlag, Hotline
from forum.errors import InvalidAction
from forum.extensions import db
from forum.moderation.queue import log_action
from forum.moderation.unposted import MAX_KEPT
from forum.translatable import translatable
from forum.validation import web_address_problem

# The posting workflow screens, flags, queues and alerts; these names stay importable from here.
from forum.workflow import (  # noqa: F401
    flag_missed_post,
    keep_unposted_text,
    latest_flag,
    post_text,
    repeated_concern_posts,
    screen_post,
    screen_reply,
    should_hold,
)


def assess_text(text: str) -> Assessment:
    """The flagger's reading of a text being sent, before anything may refuse it."""
    return assess(text[:MAX_KEPT])


FEEDBACK_CHOICES = {
    "confirmed": translatable("Right call"),
    "false_alarm": translatable("False alarm"),
    "missed": translatable("Level too low (missed)"),
}


def record_feedback(flag: CrisisFlag, by: User, verdict: str) -> None:
    """A moderator's verdict on an assessment, kept for tuning."""
    if verdict not in FEEDBACK_CHOICES:
        raise InvalidAction(gettext("Choose one of the listed verdicts."))
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
                    "text": post_text(flag.post),
                    "flagged_level": flag.level,
                    "feedback": flag.feedback,
                    "matches": flag.matches,
                },
                ensure_ascii=False,
            )
            + "\n"
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
        raise InvalidAction(gettext("Every line needs a name."), field="name")
    if not (fields.get("phone") or fields.get("sms_number") or fields.get("url")):
        raise InvalidAction(gettext("Give a phone number, a text number or a web address."), field="phone")
    if fields.get("region") not in REGIONS:
        raise InvalidAction(gettext("Choose a region."), field="region")
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

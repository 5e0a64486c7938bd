"""Alerts to moderators through a durable outbox: email over SMTP and an optional webhook.

A row is written in the same transaction as the flag that caused it, then delivered by
`deliver_due`, which a background thread in each web process (or `flask alerts deliver`) runs.
A failed delivery is retried with growing waits until it succeeds.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import threading
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext
from sqlalchemy import event, func, or_, select, update
from sqlalchemy.orm import Session

from forum.accounts.models import User, utcnow
from forum.crisis.models import AlertOutbox
from forum.extensions import db
from forum.i18n import DEFAULT_LANGUAGE, LANGUAGES, in_language
from forum.translatable import translatable

log = logging.getLogger(__name__)

# A sender holds a row this long; long enough for a slow SMTP server, short enough to retry soon.
CLAIM_SECONDS = 60
# First retry after this many seconds, doubling each time up to MAX_BACKOFF_SECONDS.
FIRST_BACKOFF_SECONDS = 5
MAX_BACKOFF_SECONDS = 15 * 60
# An urgent alert is retried at least this often however long the outage: someone may be in danger now.
URGENT_MAX_BACKOFF_SECONDS = 60
SEND_TIMEOUT_SECONDS = 10

LEVEL_WORDS = {"urgent": translatable("URGENT"), "concern": translatable("Concern")}
LEVEL_NAMES = {"urgent": translatable("urgent"), "concern": translatable("concern")}


def _item_url(item_id: int) -> str:
    base = current_app.config.get("ALERT_BASE_URL", "").rstrip("/")
    return f"{base}/moderation/items/{item_id}"


def queue_alert(
    subject: str, body: str, *, emails: list[str] | None = None, payload: dict | None = None
) -> list[AlertOutbox]:
    """Write outbox rows for the configured channels, in the caller's transaction."""
    return _queue_written(lambda: (subject, body), emails=emails, payload=payload)


def _languages(recipients: list[str]) -> dict[str, list[str]]:
    """Alert addresses grouped by the language of the account each belongs to; English otherwise."""
    query = select(User.alert_email, User.language).where(User.alert_email.in_(recipients))
    chosen = {email: language for email, language in db.session.execute(query)}
    groups: dict[str, list[str]] = {}
    for email in recipients:
        language = chosen.get(email)
        groups.setdefault(language if language in LANGUAGES else DEFAULT_LANGUAGE, []).append(email)
    return groups


def _queue_written(
    write: Callable[[], tuple[str, str]], *, emails: list[str] | None, payload: dict | None
) -> list[AlertOutbox]:
    """Outbox rows with the subject and body `write` returns, written in each recipient's language."""
    config = current_app.config
    rows = []
    recipients = emails if emails is not None else config.get("ALERT_EMAIL_TO", [])
    if recipients and config.get("SMTP_HOST"):
        for language, group in _languages(recipients).items():
            with in_language(language):
                subject, body = write()
            rows.append(AlertOutbox(channel="email", recipients=",".join(group), subject=subject, body=body))
    # The webhook is the channel-wide alert; mail to named people (on call, escalation) skips it.
    if config.get("ALERT_WEBHOOK_URL") and emails is None:
        with in_language(DEFAULT_LANGUAGE):
            subject, _body = write()
        data = json.dumps(payload or {"subject": subject})
        rows.append(AlertOutbox(channel="webhook", recipients=config["ALERT_WEBHOOK_URL"], subject=subject, body=data))
    db.session.add_all(rows)
    # Wake the worker once these rows are committed, not before: it could not see them yet.
    db.session.info["wake_alert_worker"] = bool(rows) or db.session.info.get("wake_alert_worker", False)
    return rows


def queue_crisis_alert(item, level: str, *, emails: list[str] | None = None) -> list[AlertOutbox]:
    """Alert moderators that a queue item needs them; links to the item, never copies the post."""
    db.session.flush()
    url = _item_url(item.id)

    def write() -> tuple[str, str]:
        subject = _tag(level) + gettext("A post needs a moderator (item #%(id)s)", id=item.id)
        body = gettext(
            "The crisis flagger assessed a post as %(level)s.\n\n"
            "Please open the moderation queue to look at it:\n%(url)s\n\n"
            "This message does not include the post or its author, to keep them private.",
            level=_level_name(level),
            url=url,
        )
        return subject, body

    payload = {"event": "crisis_flag", "level": level, "item_id": item.id, "url": url}
    return _queue_written(write, emails=emails, payload=payload)


def _tag(level: str | None) -> str:
    """ "[URGENT] " or "[URGENTE] ": mail filters and is_urgent read it."""
    if not level:
        return ""
    return f"[{gettext(LEVEL_WORDS[level]) if level in LEVEL_WORDS else level}] "


def _level_name(level: str) -> str:
    return gettext(LEVEL_NAMES[level]) if level in LEVEL_NAMES else level


def queue_worry_alert(item) -> list[AlertOutbox]:
    """Alert moderators that a member is worried about someone; links to the item, never copies the post."""
    db.session.flush()
    url = _item_url(item.id)

    def write() -> tuple[str, str]:
        subject = _tag("concern") + gettext("A member is worried about someone (item #%(id)s)", id=item.id)
        body = gettext(
            'A member reported a post with "I\'m worried about this member".\n\n'
            "Please open the moderation queue to look at it:\n%(url)s\n\n"
            "This message does not include the post, its author or the reporter, to keep them private.",
            url=url,
        )
        return subject, body

    payload = {"event": "worried_report", "level": "concern", "item_id": item.id, "url": url}
    return _queue_written(write, emails=None, payload=payload)


def queue_reply_alert(message_id: int, level: str | None, *, emails: list[str] | None = None) -> list[AlertOutbox]:
    """Tell moderators a member answered a moderator's message; links to the conversation, never copies it."""
    base = current_app.config.get("ALERT_BASE_URL", "").rstrip("/")
    url = f"{base}/moderation/messages/{message_id}"

    def write() -> tuple[str, str]:
        subject = _tag(level) + gettext(
            "A member replied to a moderator's message (conversation #%(id)s)", id=message_id
        )
        if level:
            answered = gettext(
                "A member answered a message from the moderators; the crisis flagger assessed the reply as %(level)s.",
                level=_level_name(level),
            )
        else:
            answered = gettext("A member answered a message from the moderators.")
        body = (
            answered
            + "\n\n"
            + gettext(
                "Please open the conversation:\n%(url)s\n\n"
                "This message does not include the reply or the member's name, to keep them private.",
                url=url,
            )
        )
        return subject, body

    payload = {"event": "message_reply", "level": level, "message_id": message_id, "url": url}
    return _queue_written(write, emails=emails, payload=payload)


def queue_unposted_alert(item, *, emails: list[str] | None = None) -> list[AlertOutbox]:
    """Alert moderators that a risky text was not posted; links to the queue, never copies the text."""
    db.session.flush()
    base = current_app.config.get("ALERT_BASE_URL", "").rstrip("/")
    url = f"{base}/moderation/#unposted-{item.id}"

    def write() -> tuple[str, str]:
        subject = _tag(item.level) + gettext("A message that was not posted needs a moderator")
        body = gettext(
            "The crisis flagger assessed a message as %(level)s, but it was not posted "
            "(refused or sent while signed out).\n\n"
            "Please open the moderation queue to read it:\n%(url)s\n\n"
            "This message does not include the text or its author, to keep them private.",
            level=_level_name(item.level),
            url=url,
        )
        return subject, body

    payload = {"event": "crisis_unposted", "level": item.level, "unposted_id": item.id, "url": url}
    return _queue_written(write, emails=emails, payload=payload)


def _backoff(attempts: int, *, urgent: bool = False) -> timedelta:
    ceiling = URGENT_MAX_BACKOFF_SECONDS if urgent else MAX_BACKOFF_SECONDS
    return timedelta(seconds=min(FIRST_BACKOFF_SECONDS * 2 ** min(max(attempts - 1, 0), 30), ceiling))


def is_urgent(row: AlertOutbox) -> bool:
    """Whether the alert is about an urgent crisis (its subject says so, in any language; see _tag)."""
    tags = []
    for language in LANGUAGES:
        with in_language(language):
            tags.append(_tag("urgent"))
    return row.subject.startswith(tuple(tags))


def _send_email(row: AlertOutbox, config) -> None:
    message = EmailMessage()
    message["From"] = config["SMTP_SENDER"]
    message["To"] = row.recipients
    message["Subject"] = row.subject
    message["Message-ID"] = f"<alert-{row.id}@{config['SMTP_SENDER'].rpartition('@')[2] or 'forum'}>"
    message.set_content(row.body)
    tls = config.get("SMTP_TLS", "none")
    if tls == "ssl":
        client = smtplib.SMTP_SSL(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=SEND_TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=SEND_TIMEOUT_SECONDS)
    with client:
        if tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            client.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD", ""))
        client.send_message(message)


def _send_webhook(row: AlertOutbox) -> None:
    if not row.recipients.startswith(("https://", "http://")):
        raise ValueError("webhook URL must be http(s)")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        row.recipients, data=row.body.encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=SEND_TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) checked above  # nosec B310
        if response.status >= 300:
            raise OSError(f"webhook answered {response.status}")


def _claim(row_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(AlertOutbox)
        .where(AlertOutbox.id == row_id, AlertOutbox.delivered_at.is_(None))
        .where(or_(AlertOutbox.claimed_until.is_(None), AlertOutbox.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    db.session.commit()
    return claimed.rowcount == 1


def deliver_due(now: datetime | None = None) -> int:
    """Send every alert that is due; returns how many were delivered."""
    now = now or utcnow()
    config = current_app.config
    due_ids = db.session.scalars(
        select(AlertOutbox.id)
        .where(AlertOutbox.delivered_at.is_(None), AlertOutbox.next_attempt_at <= now)
        .order_by(AlertOutbox.id)
        .limit(50)
    ).all()
    delivered = 0
    for row_id in due_ids:
        if not _claim(row_id, now):
            continue
        row = db.session.get(AlertOutbox, row_id)
        try:
            if row.channel == "email":
                _send_email(row, config)
            else:
                _send_webhook(row)
        except (OSError, smtplib.SMTPException, ValueError) as error:
            row.attempts += 1
            row.next_attempt_at = now + _backoff(row.attempts, urgent=is_urgent(row))
            row.last_error = f"{type(error).__name__}: {error}"[:300]
            log.warning("alert %s not delivered (attempt %s): %s", row.id, row.attempts, type(error).__name__)
        else:
            row.attempts += 1
            row.delivered_at = utcnow()
            delivered += 1
        row.claimed_until = None
        db.session.commit()
    return delivered


def backlog() -> int:
    """How many alerts wait to be delivered."""
    return db.session.scalar(select(func.count(AlertOutbox.id)).where(AlertOutbox.delivered_at.is_(None)))


# Waking the worker -------------------------------------------------------------------------

# Set after a commit that queued an alert, so the worker (forum/worker.py) delivers it at once.
wake = threading.Event()


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.info.pop("wake_alert_worker", False):
        wake.set()

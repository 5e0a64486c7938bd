"""A small forum with one of everything, and real URLs for every rule in the URL map."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Flask
from werkzeug.routing import Rule

from forum.accounts.models import User, utcnow
from forum.crisis.models import CrisisFlag, Hotline
from forum.extensions import db
from forum.meetings.models import MeetingPost
from forum.mentoring.models import (
    MentorBadge,
    MentoringConcern,
    MentoringMessage,
    MentorOffer,
    MentorPairing,
    MentorRequest,
)
from forum.moderation.models import ModeratorMessage, QueueItem, UnpostedText
from forum.notifications.models import Notification
from forum.permissions import Role
from forum.recovery.models import RecoveryStart
from forum.resources.models import Resource
from tests.factories import PASSWORD, make_board, make_meeting, make_post, make_topic, make_user

ROLES = ("guest", "member", "author", "other_member", "facilitator", "moderator", "admin")


@dataclass
class World:
    users: dict[str, User]
    values: dict[str, object] = field(default_factory=dict)


def build_world() -> World:
    """Users for every role, a board, a topic and a reply by `author`, a queue item, a flag, a hotline."""
    users = {
        "member": make_user("plain_member"),
        "author": make_user("the_author"),
        "other_member": make_user("other_member"),
        "facilitator": make_user("facil", role=Role.FACILITATOR),
        "moderator": make_user("modder", role=Role.MODERATOR),
        "admin": make_user("adminer", role=Role.ADMIN),
    }
    board = make_board(slug="general")
    topic = make_topic(board, users["author"], title="Author's topic")
    post = make_post(topic, users["author"], body="Author's reply")
    item = QueueItem(post=post)
    flag = CrisisFlag(post=post, level="concern", reason="test")
    hotline = Hotline(region="US", name="Test line", phone="988")
    resource = Resource(title="Test resource", url="https://example.org", category="reading")
    message = ModeratorMessage(
        recipient=users["author"], sender_id=users["moderator"].id, post=post, subject="Hi", body="How are you?"
    )
    unposted = UnpostedText(kind="reply", path="/", level="urgent", text="kept text", refusal="test")
    meeting = make_meeting(board, users["facilitator"], reading="Step one.")
    meeting_post = MeetingPost(meeting=meeting, author=users["author"], body="Author's share", is_anonymous=True)
    start = RecoveryStart(
        user_id=users["author"].id, label="clean and sober", started_on=utcnow().date() - timedelta(days=400)
    )
    db.session.add_all([item, flag, hotline, resource, message, unposted, meeting_post, start])
    db.session.commit()
    mentoring = _add_mentoring(users)
    notification = Notification(
        user_id=users["author"].id, kind="message", group_key=f"m{message.id}", message_id=message.id
    )
    db.session.add(notification)
    db.session.commit()
    values = {
        "slug": board.slug,
        "board_slug": board.slug,
        "topic_id": topic.id,
        "post_id": post.id,
        "item_id": item.id,
        "flag_id": flag.id,
        "hotline_id": hotline.id,
        "resource_id": resource.id,
        "message_id": message.id,
        "notification_id": notification.id,
        # Facilitator actions on topics and resources (pin, unpin, ...): pin is valid for both.
        "action": "pin",
        # The footer's language link.
        "code": "es",
        "pseudonym": users["author"].pseudonym,
        "user_id": users["author"].id,
        "member_id": users["author"].id,
        **mentoring,
        # The author's recovery start date, and a milestone it has reached.
        "start_id": start.id,
        "milestone": "30d",
    }
    return World(users=users, values=values)


def _add_mentoring(users: dict[str, User]) -> dict[str, int]:
    """other_member is a peer mentor: offering on member's open request and paired with author.

    Returns the ids for the routes: "the first row" would change under PostgreSQL once a row is updated.
    """
    mentor, member, author = users["other_member"], users["member"], users["author"]
    badge = MentorBadge(user_id=mentor.id, trained_on=date(2026, 11, 1), granted_by_id=users["admin"].id)
    db.session.add(badge)
    asking = MentorRequest(member_id=member.id, note="Sleep and cravings")
    db.session.add(asking)
    db.session.flush()
    offer = MentorOffer(request_id=asking.id, mentor_id=mentor.id)
    db.session.add(offer)
    matched = MentorRequest(member_id=author.id, note="Anxiety", status="matched")
    db.session.add(matched)
    db.session.flush()
    pairing = MentorPairing(request_id=matched.id, member_id=author.id, mentor_id=mentor.id)
    message = MentoringMessage(pairing=pairing, author_id=mentor.id, body="Hello from your mentor")
    db.session.add_all([pairing, message])
    db.session.flush()
    concern = MentoringConcern(
        kind="report", author_id=mentor.id, pairing_id=pairing.id, message_id=message.id, text="x"
    )
    db.session.add(concern)
    db.session.commit()
    return {
        "mentor_badge_id": badge.id,
        "mentor_request_id": asking.id,
        "mentor_offer_id": offer.id,
        "mentor_pairing_id": pairing.id,
        "mentoring_message_id": message.id,
        "mentoring_concern_id": concern.id,
    }


def _extra_value(name: str):
    """Ids of things other engineers add (resources, reports...): the first row of that model."""
    from sqlalchemy import select

    base = name.removesuffix("_id")
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if cls.__tablename__ == base or re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower() == base:
            row = db.session.scalars(select(cls).limit(1)).first()
            return row.id if row is not None else 1
    return None


def rule_url(app: Flask, rule: Rule, world: World) -> str:
    """A URL for the rule with real arguments; fails loudly when an argument is unknown."""
    args = {}
    for name in rule.arguments:
        if rule.defaults and name in rule.defaults:
            continue
        value = world.values.get(name)
        converter = rule._converters.get(name)
        if value is None and hasattr(converter, "items"):
            value = sorted(converter.items)[0]  # an <any(...)> choice
        if value is None and name.endswith("_id"):
            value = _extra_value(name)
        if value is None and name == "slug":
            value = world.values["slug"]
        assert value is not None, f"tests/security/world.py: no value for <{name}> in {rule.rule}; add one"
        args[name] = value
    with app.test_request_context():
        return app.url_for(rule.endpoint, **args) if not rule.defaults else _format(rule, args)


def _format(rule: Rule, args: dict) -> str:
    # Rules with defaults share an endpoint with another rule; build this exact one.
    path = rule.rule
    for name, value in args.items():
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
    return path


def app_rules(app: Flask) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: (r.endpoint, r.rule))


def csrf_token(client, path: str = "/login") -> str:
    page = client.get(path).text
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, user: User, *, with_token: bool) -> None:
    data = {"pseudonym": user.pseudonym, "password": PASSWORD}
    if with_token:
        data["csrf_token"] = csrf_token(client)
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.text

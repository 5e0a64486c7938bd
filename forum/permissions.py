"""Who may do what: the one place that answers it.

Views, services and templates all ask these functions; nothing else compares roles.
"""

from __future__ import annotations

import enum
from functools import wraps
from typing import TYPE_CHECKING

from flask import abort
from flask_login import current_user

from forum.extensions import login_manager
from forum.roles import Role
from forum.translatable import translatable

if TYPE_CHECKING:
    from forum.accounts.models import User
    from forum.boards.models import Post, Topic
    from forum.meetings.models import Meeting
    from forum.mentoring.models import MentorBadge, MentoringMessage, MentorOffer, MentorPairing, MentorRequest
    from forum.moderation.models import ModeratorMessage
    from forum.notifications.models import Notification
    from forum.recovery.models import RecoveryStart


class Capability(enum.StrEnum):
    POST = "post"
    PIN_TOPICS = "pin_topics"
    MANAGE_RESOURCES = "manage_resources"
    REVIEW_QUEUE = "review_queue"
    SEE_ANONYMOUS_HANDLE = "see_anonymous_handle"
    REVEAL_ANONYMOUS = "reveal_anonymous"
    EDIT_ANY_POST = "edit_any_post"
    MANAGE_MEMBERS = "manage_members"
    READ_AUDIT_LOG = "read_audit_log"
    MANAGE_BOARDS = "manage_boards"
    MANAGE_HOTLINES = "manage_hotlines"
    # Warn, suspend or ban an anonymous post's author directly (others' requests go to an admin).
    RESTRICT_ANONYMOUS_AUTHOR = "restrict_anonymous_author"
    # Schedule meetings and run the ones you facilitate.
    SCHEDULE_MEETINGS = "schedule_meetings"
    # Run (open, close, pause in, edit, cancel) any meeting, not only your own.
    RUN_ANY_MEETING = "run_any_meeting"
    # Fold another member's posts for oneself (staff can't be muted: see can_mute_member).
    MUTE_MEMBERS = "mute_members"
    # Set and clear the site-wide announcement banner.
    SET_ANNOUNCEMENT = "set_announcement"

    # Grant and withdraw the "Peer mentor" badge (after the organisation's own training).
    MANAGE_MENTORS = "manage_mentors"
    # Be told of replies, quotes, mentions and reactions; watch and mute topics.
    NOTIFICATIONS = "notifications"
    # Keep private daily check-ins and recovery start dates (every role: staff are in recovery too).
    KEEP_CHECK_INS = "keep_check_ins"


_MEMBER = {Capability.POST, Capability.MUTE_MEMBERS, Capability.NOTIFICATIONS, Capability.KEEP_CHECK_INS}
_FACILITATOR = _MEMBER | {
    Capability.PIN_TOPICS,
    Capability.MANAGE_RESOURCES,
    Capability.SCHEDULE_MEETINGS,
    Capability.SET_ANNOUNCEMENT,
}
_MODERATOR = _MEMBER | {
    Capability.REVIEW_QUEUE,
    Capability.SEE_ANONYMOUS_HANDLE,
    Capability.REVEAL_ANONYMOUS,
    Capability.EDIT_ANY_POST,
    Capability.MANAGE_MEMBERS,
}

# The table: each role and what it may do. Adding a capability needs no migration.
ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.MEMBER: frozenset(_MEMBER),
    Role.FACILITATOR: frozenset(_FACILITATOR),
    Role.MODERATOR: frozenset(_MODERATOR),
    Role.ADMIN: frozenset(Capability),
}


# The badge shown beside a named staff post's author; admins moderate, so they read "Moderator".
_STAFF_BADGES = {
    Role.FACILITATOR: translatable("Facilitator"),
    Role.MODERATOR: translatable("Moderator"),
    Role.ADMIN: translatable("Moderator"),
}


def staff_badge(role: str | None) -> str | None:
    """The badge beside a post by this role ("Moderator", "Facilitator"); None for members."""
    return _STAFF_BADGES.get(role) if role else None


def roles_with(capability: Capability) -> tuple[str, ...]:
    """The stored role values whose table entry grants the capability, for queries over members."""
    return tuple(role.value for role, granted in ROLE_CAPABILITIES.items() if capability in granted)


def has_capability(user: User | None, capability: Capability) -> bool:
    """True when a signed-in, active user's role grants the capability."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    # Role is a StrEnum, so the stored string finds its entry without building a Role each time
    # (a thread page asks some 50 times).
    return capability in ROLE_CAPABILITIES[user.role]


def can_post(user: User | None) -> bool:
    """Signed in, allowed to post and not suspended or banned."""
    return has_capability(user, Capability.POST) and not user.is_restricted


def can_review_queue(user: User | None) -> bool:
    """Moderators and admins work the moderation queue."""
    return has_capability(user, Capability.REVIEW_QUEUE)


def can_see_anonymous_handle(user: User | None) -> bool:
    """Moderators see a stable handle for anonymous authors instead of 'Anonymous member'."""
    return has_capability(user, Capability.SEE_ANONYMOUS_HANDLE)


def can_reveal_anonymous(user: User | None) -> bool:
    """Moderators may reveal an anonymous author, with a written reason."""
    return has_capability(user, Capability.REVEAL_ANONYMOUS)


def can_pin_topics(user: User | None) -> bool:
    """Facilitators and admins pin topics and mark announcements."""
    return has_capability(user, Capability.PIN_TOPICS)


def can_manage_resources(user: User | None) -> bool:
    """Facilitators and admins curate the resource library."""
    return has_capability(user, Capability.MANAGE_RESOURCES)


def can_read_audit_log(user: User | None) -> bool:
    """Admins read and filter the whole moderation log."""
    return has_capability(user, Capability.READ_AUDIT_LOG)


def can_react(user: User | None, post) -> bool:
    """Members react to others' visible posts ("Thank you", "Me too", "Sending support")."""
    return can_post(user) and not is_author(user, post) and post.status == "visible"


def has_read_state(user: User | None) -> bool:
    """Signed-in people (any role, suspended too) keep per-topic read state for unread markers; guests never."""
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_view_post_history(user: User | None, post) -> bool:
    """A post's earlier versions: its author and the moderators."""
    return is_author(user, post) or can_review_queue(user)


def can_read_moderation_log(user: User | None) -> bool:
    """Moderators read the log of items, posts and members; admins (can_read_audit_log) read all of it."""
    return can_review_queue(user)


def can_manage_members(user: User | None) -> bool:
    """Moderators and admins warn, suspend and ban members."""
    return has_capability(user, Capability.MANAGE_MEMBERS)


def can_restrict_member(user: User | None, member: User) -> bool:
    """Moderators warn, suspend and ban members; only admins restrict moderators, and never admins or themselves."""
    if not can_manage_members(user) or member.id == user.id:
        return False
    if can_review_queue(member):
        return can_read_audit_log(user) and not can_read_audit_log(member)
    return True


def can_restrict_anonymous_author(user: User | None) -> bool:
    """Admins act on an anonymous post's author themselves.

    A moderator's warning, suspension or ban there goes to an admin instead, whoever wrote the post:
    a refusal when the author is staff would tell the moderator who they are.
    """
    return has_capability(user, Capability.RESTRICT_ANONYMOUS_AUTHOR)


def is_staff(user: User | None) -> bool:
    """Facilitators, moderators and admins: the roles whose named posts carry a badge."""
    return user is not None and staff_badge(user.role) is not None


def can_mute_member(user: User | None, member: User) -> bool:
    """Members fold other members' posts for themselves; never their own, never staff's (as Discourse)."""
    return has_capability(user, Capability.MUTE_MEMBERS) and member.id != user.id and not is_staff(member)


def can_set_announcement(user: User | None) -> bool:
    """Admins and facilitators set and clear the site-wide announcement banner."""
    return has_capability(user, Capability.SET_ANNOUNCEMENT)


def can_manage_hotlines(user: User | None) -> bool:
    """Admins edit the crisis lines shown to members."""
    return has_capability(user, Capability.MANAGE_HOTLINES)


def can_schedule_meetings(user: User | None) -> bool:
    """Facilitators and admins schedule meetings."""
    return has_capability(user, Capability.SCHEDULE_MEETINGS)


def can_run_meeting(user: User | None, meeting: Meeting) -> bool:
    """A meeting's own facilitator, and admins, edit, cancel, open, close and pause in it."""
    if not can_schedule_meetings(user):
        return False
    return meeting.facilitator_id == user.id or has_capability(user, Capability.RUN_ANY_MEETING)


def can_keep_check_ins(user: User | None) -> bool:
    """Signed-in members keep their own check-ins and start dates, even while suspended from posting."""
    return has_capability(user, Capability.KEEP_CHECK_INS)


def can_manage_start(user: User | None, start: RecoveryStart) -> bool:
    """Only the member who set a start date reads, changes or shares it; no staff role does."""
    return can_keep_check_ins(user) and start.user_id == user.id


def can_ask_meeting_reminder(user: User | None) -> bool:
    """Signed-in members who get notifications may ask to be reminded of a meeting."""
    return has_capability(user, Capability.NOTIFICATIONS)


def can_see_meeting_handles(user: User | None, meeting: Meeting) -> bool:
    """Who sees an anonymous participant's stable handle: whoever runs the meeting, and the moderators."""
    return can_see_anonymous_handle(user) or can_run_meeting(user, meeting)


def is_author(user: User | None, post: Post) -> bool:
    """The user wrote this post (anonymously or not)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and post.author_id == user.id)


def can_edit_post(user: User | None, post: Post) -> bool:
    """Authors edit their own live posts; moderators edit any post (with a reason)."""
    if post.is_removed_by_author:
        return False
    if is_author(user, post):
        return can_post(user)
    return has_capability(user, Capability.EDIT_ANY_POST)


def can_delete_post(user: User | None, post: Post) -> bool:
    """Authors remove their own posts."""
    return is_author(user, post) and not post.is_removed_by_author and can_post(user)


def can_reply(user: User | None, topic: Topic) -> bool:
    """Members reply to open topics; moderators also to locked ones."""
    if not can_post(user):
        return False
    return not topic.is_locked or can_review_queue(user)


def can_report_post(user: User | None, post: Post) -> bool:
    """Members report other people's posts."""
    return can_post(user) and not is_author(user, post)


def can_read_message(user: User | None, message: ModeratorMessage) -> bool:
    """Only the member a moderator's message was sent to reads it and replies to it on /messages."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and message.recipient_id == user.id)


def can_manage_mentors(user: User | None) -> bool:
    """Admins grant and withdraw the "Peer mentor" badge."""
    return has_capability(user, Capability.MANAGE_MENTORS)


def can_ask_for_mentor(user: User | None) -> bool:
    """Any member who may post may ask for a peer mentor."""
    return can_post(user)


def can_mentor(user: User | None, badge: MentorBadge | None) -> bool:
    """A member holding an active "Peer mentor" badge (and free to post) sees open requests and offers."""
    return bool(badge is not None and badge.withdrawn_at is None and can_post(user) and badge.user_id == user.id)


def can_offer_mentoring(user: User | None, badge: MentorBadge | None, request: MentorRequest) -> bool:
    """A peer mentor offers on someone else's open request."""
    return can_mentor(user, badge) and request.member_id != user.id and request.status == "open"


def is_requester(user: User | None, request: MentorRequest) -> bool:
    """The member who asked for a peer mentor."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and request.member_id == user.id)


def can_accept_offer(user: User | None, offer: MentorOffer) -> bool:
    """The member who asked accepts a pending offer on their open request."""
    return is_requester(user, offer.request) and offer.status == "pending" and offer.request.status == "open"


def is_in_pairing(user: User | None, pairing: MentorPairing) -> bool:
    """One of the pair: only they read the conversation (moderators only through a flagged or reported item)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.id in (pairing.member_id, pairing.mentor_id)


def can_write_in_pairing(user: User | None, pairing: MentorPairing) -> bool:
    """Either side writes while the pairing lasts and they may post."""
    return is_in_pairing(user, pairing) and pairing.ended_at is None and can_post(user)


def can_end_pairing(user: User | None, pairing: MentorPairing) -> bool:
    """Either side ends the pairing at any time, without giving a reason."""
    return is_in_pairing(user, pairing) and pairing.ended_at is None


def can_report_mentoring_message(user: User | None, message: MentoringMessage) -> bool:
    """Either side reports the other's message to the moderators."""
    return is_in_pairing(user, message.pairing) and message.author_id != user.id


def can_watch_topics(user: User | None) -> bool:
    """Signed-in members watch and mute topics and read their notifications (also while suspended)."""
    return has_capability(user, Capability.NOTIFICATIONS)


def can_read_notification(user: User | None, notification: Notification) -> bool:
    """A notification is read, opened and marked read by the member it was for, and nobody else."""
    return can_watch_topics(user) and notification.user_id == user.id


def role_required(*capabilities: Capability):
    """Decorate a view so that it answers 403 (or sends guests to sign in) without the capabilities."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not all(has_capability(current_user, c) for c in capabilities):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


TEMPLATE_CHECKS = {
    f.__name__: f
    for f in (
        can_post,
        can_review_queue,
        can_see_anonymous_handle,
        can_reveal_anonymous,
        can_pin_topics,
        can_manage_resources,
        can_read_audit_log,
        can_read_moderation_log,
        can_manage_members,
        can_restrict_anonymous_author,
        can_restrict_member,
        can_manage_hotlines,
        can_schedule_meetings,
        can_run_meeting,
        can_ask_meeting_reminder,
        can_mute_member,
        can_set_announcement,
        can_keep_check_ins,
        can_edit_post,
        can_delete_post,
        can_reply,
        can_report_post,
        can_watch_topics,
        is_author,
        can_manage_mentors,
        can_ask_for_mentor,
        can_accept_offer,
        can_write_in_pairing,
        can_end_pairing,
        can_report_mentoring_message,
    )
}

"""The notifications page, opening one notification, marking them read, and Watch / Mute on topics."""

from flask import Blueprint, abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from forum.accounts.forms import ActionForm
from forum.boards.services import get_topic
from forum.errors import InvalidAction
from forum.notifications import services
from forum.notifications.forms import WatchForm
from forum.notifications.models import NotificationKind, WatchLevel

bp = Blueprint("notifications", __name__)

MAX_ID = 2**31 - 1
# Kept in the request's environ, not on the user or `g`: tests hold one app context (and one `g`,
# with flask-login's user in it) across requests, which would carry a stale count into the next.
_UNREAD = "forum.unread_notifications"


def remember_unread_notifications(user_id: int, count: int) -> None:
    """Keep the count loaded with the signed-in member (forum/__init__.py) for this request's header."""
    if has_request_context():
        request.environ[_UNREAD] = (user_id, count)


def header_count(user) -> int:
    """The header's count: loaded with the member, else (signed in during this request) one query."""
    remembered = request.environ.get(_UNREAD)
    if remembered is not None and remembered[0] == user.id:
        return remembered[1]
    count = services.unread_count(user)
    remember_unread_notifications(user.id, count)
    return count


@bp.app_context_processor
def notification_helpers():
    def unread_notifications() -> int:
        return header_count(current_user) if current_user.is_authenticated else 0

    def watch_state(topic) -> str | None:
        # boards.services.get_topic loads the reader's choice with the topic; anything else asks.
        if hasattr(topic, "watch_level"):
            return topic.watch_level
        return services.watch_level(topic.id, current_user)

    return {"unread_notifications": unread_notifications, "watch_state": watch_state}


@bp.route("/notifications")
@login_required
def list_notifications():
    inbox = services.notifications_for(current_user)
    return render_template("notifications/notifications.html", inbox=inbox)


@bp.route("/notifications/<id:notification_id>")
@login_required
def open_notification(notification_id: int):
    # Following a notification is reading it: its group (topic, message, report) becomes read.
    notification = services.get_notification(notification_id, current_user)
    services.mark_read(notification, current_user)
    if notification.post_id is not None:
        if not services.is_shown(notification):
            flash(gettext("That post was removed or hidden since."), "info")
            return redirect(url_for("notifications.list_notifications"))
        return redirect(url_for("boards.show_post", post_id=notification.post_id))
    if notification.message_id is not None:
        return redirect(url_for("messages.show_message", message_id=notification.message_id))
    if notification.pairing_id is not None:
        return redirect(url_for("mentoring.show_pairing", mentor_pairing_id=notification.pairing_id))
    if notification.meeting_id is not None:
        return redirect(url_for("meetings.show_meeting", meeting_id=notification.meeting_id))
    if notification.kind == NotificationKind.MENTOR_OFFER:
        return redirect(url_for("mentoring.overview"))
    return redirect(url_for("reports.my_reports"))


@bp.post("/notifications/<id:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    notification = services.get_notification(notification_id, current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_read(notification, current_user)
    return redirect(url_for("notifications.list_notifications"))


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user)
    flash(gettext("All notifications are marked read."), "success")
    return redirect(url_for("notifications.list_notifications"))


@bp.post("/topics/<id:topic_id>/watch")
@login_required
def watch_topic(topic_id: int):
    if topic_id > MAX_ID:
        abort(404)
    topic = get_topic(topic_id, current_user)
    form = WatchForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.set_watch(topic, current_user, form.level.data)
    except InvalidAction:
        abort(400)
    if form.level.data == WatchLevel.MUTED:
        flash(gettext("Muted: this topic won't notify you, not even of mentions."), "success")
    else:
        flash(gettext("Watching: every reply to this topic will notify you."), "success")
    return redirect(url_for("boards.show_topic", slug=topic.board.slug, topic_id=topic.id))

"""Member-facing moderation pages: reporting a post, one's own reports, and messages from the moderators."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from forum.accounts.forms import ActionForm
from forum.boards.visibility import get_post
from forum.crisis.services import hotlines_for
from forum.errors import InvalidAction, add_error
from forum.extensions import limiter
from forum.moderation import actions, conversations, reports
from forum.moderation.forms import ReplyForm, ReportForm
from forum.moderation.models import ReportReason
from forum.moderation.services import restriction_message
from forum.permissions import is_author
from forum.posting import current_submission, is_preview, kept_fields, note_refusal, screened
from forum.ratelimits import REPORTING_LIMIT, member_or_address, spend

reports_bp = Blueprint("reports", __name__)
messages_bp = Blueprint("messages", __name__)


@reports_bp.route("/posts/<id:post_id>/report", methods=["GET", "POST"])
@screened("report", fields=("note",), keep=("reason",))
@login_required
def report_post(post_id: int):
    post = get_post(post_id, current_user)
    if is_author(current_user, post):
        abort(403)
    form = ReportForm(data=kept_fields() if request.method == "GET" else None)
    notice = restriction_message(current_user) or (
        reports.ALREADY_REPORTED if reports.has_reported(post, current_user) else None
    )
    if form.validate_on_submit():
        try:
            reports.report_post(
                post,
                current_user,
                reason=form.reason.data,
                note=form.note.data,
                before_write=lambda: spend(REPORTING_LIMIT, "reporting"),
            )
        except InvalidAction as error:
            flash(error.message, "error")
            add_error(form, error)
        else:
            if form.reason.data == ReportReason.WORRIED:
                return redirect(url_for("reports.after_worry", post_id=post.id))
            flash(
                gettext("Thank you. The moderators will look at this; the member won't know who reported it."),
                "success",
            )
            if current_submission().is_risky:
                session["show_support"] = {"level": current_submission().level}
            return redirect(url_for("boards.show_post", post_id=post.id))
    status = 200
    if request.method == "POST":
        note_refusal(form)
        status = 400
    page = render_template("moderation/report_post.html", post=post, topic=post.topic, form=form, notice=notice)
    return page, status


@reports_bp.route("/posts/<id:post_id>/worried")
@login_required
def after_worry(post_id: int):
    """What a member who is worried about someone can do now, after telling the moderators."""
    post = get_post(post_id, current_user)
    first, rest = hotlines_for(current_user.region)
    return render_template("moderation/after_worry.html", post=post, first=first, rest=rest)


@reports_bp.route("/reports")
@login_required
def my_reports():
    return render_template("moderation/my_reports.html", reports=reports.reports_by(current_user))


@messages_bp.route("/messages")
@login_required
def inbox():
    # Listing is not reading: a cross-site GET must not be able to clear a warning's "new" mark.
    messages = actions.messages_for(current_user)
    needs_lines = any(m.include_crisis_lines for m in messages)
    first, _ = hotlines_for(current_user.region) if needs_lines else ([], [])
    return render_template("moderation/messages.html", messages=messages, lines={"first": first})


@messages_bp.route("/messages/<id:message_id>")
@login_required
def show_message(message_id: int):
    message = conversations.message_for_member(message_id, current_user)
    new = conversations.open_message(message, current_user)
    return _render_message(message, ReplyForm(data=kept_fields()), new)


def _render_message(message, form, new=frozenset(), status=200, preview=None):
    first = hotlines_for(current_user.region)[0] if message.include_crisis_lines else []
    page = render_template(
        "moderation/message.html", message=message, form=form, new=new, lines=first, staff=False, preview=preview
    )
    return page, status


@messages_bp.post("/messages/<id:message_id>/reply")
@screened("message", fields=("body",), back="messages.show_message")
@login_required
# A preview sends nothing, so it spends nothing.
@limiter.limit("30 per hour", key_func=member_or_address, exempt_when=is_preview)
def reply_to_message(message_id: int):
    message = conversations.message_for_member(message_id, current_user)
    form = ReplyForm()
    valid = form.validate_on_submit()
    if valid and is_preview():
        return _render_message(message, form, preview={"body": form.body.data, "plain": True})
    if valid:
        try:
            reply = conversations.reply_to_message(message, current_user, body=form.body.data)
        except InvalidAction as error:
            add_error(form, error, default="body")
        else:
            flash(gettext("Your reply is sent to the moderators."), "success")
            anchor = f"reply-{reply.id}"
            if reply.crisis_level:
                # As after a post: the support panel comes first, and the page opens on it.
                session["show_support"] = {"level": reply.crisis_level, "held": False}
                anchor = "support"
            return redirect(url_for("messages.show_message", message_id=message.id, _anchor=anchor))
    note_refusal(form)
    return _render_message(message, form, status=400)


@messages_bp.post("/messages/<id:message_id>/read")
@login_required
def mark_message_read(message_id: int):
    message = conversations.message_for_member(message_id, current_user)
    if ActionForm().validate_on_submit():
        conversations.mark_message_read(message, current_user)
    return redirect(url_for("messages.inbox"))


@messages_bp.post("/messages/read")
@login_required
def mark_all_read():
    if ActionForm().validate_on_submit():
        actions.mark_read(current_user)
    return redirect(url_for("messages.inbox"))

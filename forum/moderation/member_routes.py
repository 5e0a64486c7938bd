"""Member-facing moderation pages: reporting a post, one's own reports, and messages from the moderators."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forum.boards.services import get_post
from forum.crisis.services import hotlines_for
from forum.errors import InvalidAction
from forum.extensions import limiter
from forum.moderation import actions, reports
from forum.moderation.forms import ReportForm
from forum.moderation.models import ReportReason
from forum.moderation.services import restriction_message
from forum.permissions import is_author
from forum.ratelimits import member_or_address

reports_bp = Blueprint("reports", __name__)
messages_bp = Blueprint("messages", __name__)


@reports_bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
@limiter.limit("20 per hour", methods=["POST"], key_func=member_or_address)
def report_post(post_id: int):
    if post_id >= 2**31:
        abort(404)
    post = get_post(post_id, current_user)
    if is_author(current_user, post):
        abort(403)
    form = ReportForm()
    notice = restriction_message(current_user) or (
        reports.ALREADY_REPORTED if reports.has_reported(post, current_user) else None
    )
    if form.validate_on_submit():
        try:
            reports.report_post(post, current_user, reason=form.reason.data, note=form.note.data)
        except InvalidAction as error:
            flash(error.message, "error")
        else:
            if form.reason.data == ReportReason.WORRIED:
                return redirect(url_for("reports.after_worry", post_id=post.id))
            flash("Thank you. The moderators will look at this; the member won't know who reported it.", "success")
            return redirect(url_for("boards.show_post", post_id=post.id))
    return render_template("moderation/report_post.html", post=post, topic=post.topic, form=form, notice=notice)


@reports_bp.route("/posts/<int:post_id>/worried")
@login_required
def after_worry(post_id: int):
    """What a member who is worried about someone can do now, after telling the moderators."""
    if post_id >= 2**31:
        abort(404)
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
    messages = actions.messages_for(current_user)
    unread = {m.id for m in messages if m.read_at is None}
    needs_lines = any(m.include_crisis_lines for m in messages)
    first, rest = hotlines_for(current_user.region) if needs_lines else ([], [])
    page = render_template(
        "moderation/messages.html", messages=messages, unread_ids=unread, lines={"first": first, "rest": rest}
    )
    # Opening the page is reading them; the header count drops on the next page.
    if unread:
        actions.mark_read(current_user)
    return page

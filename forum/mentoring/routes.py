"""Peer mentor pages: asking, offering, accepting, the pair's conversation, the admins' badge page,
and the moderators' view of a flagged or reported mentoring item."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from forum.accounts.forms import ActionForm
from forum.accounts.services import find_user
from forum.errors import InvalidAction, NotAllowed, add_error
from forum.extensions import limiter
from forum.i18n import lazy_text as _l
from forum.mentoring import concerns, services
from forum.mentoring.forms import AskForm, GrantForm, MessageForm, ReportMessageForm, ResolveConcernForm
from forum.permissions import can_manage_mentors, can_mentor, can_review_queue
from forum.posting import kept_fields, note_refusal, screened
from forum.ratelimits import member_or_address

bp = Blueprint("mentoring", __name__, url_prefix="/mentoring")

# The line at the top of every mentoring conversation.
BOUNDARIES = _l(
    "Mentoring stays on the forum: no swapping contacts, no medical advice. "
    "If either of you may be at risk, bring in a moderator (Report) or Get help now."
)


@bp.app_context_processor
def mentoring_helpers():
    def mentoring_queue() -> list:
        """Mentoring items for the moderation queue page."""
        return concerns.open_concerns() if can_review_queue(current_user) else []

    return {"mentoring_queue": mentoring_queue, "MENTORING_BOUNDARIES": BOUNDARIES}


def _show_support(level) -> bool:
    if level is None:
        return False
    # As after a post: the support panel comes first, and the page opens on it.
    session["show_support"] = {"level": level.value, "held": False}
    return True


@bp.route("/")
@login_required
def overview():
    badge = services.active_badge(current_user)
    return render_template(
        "mentoring/overview.html",
        open_request=services.open_request_of(current_user),
        pairings=services.pairings_of(current_user),
        is_mentor=can_mentor(current_user, badge),
        active_count=services.active_pairing_count(current_user.id) if badge else 0,
        partner_name=services.partner_name,
    )


@bp.route("/ask", methods=["GET", "POST"])
@screened("mentor request", fields=("note",))
@login_required
@limiter.limit("10 per hour", key_func=member_or_address, methods=["POST"])
def ask_for_mentor():
    form = AskForm(data=kept_fields() if request.method == "GET" else None)
    existing = services.open_request_of(current_user)
    if form.validate_on_submit():
        try:
            _, level = services.ask_for_mentor(current_user, note=form.note.data)
        except InvalidAction as error:
            add_error(form, error, default="note")
        else:
            flash(gettext("You've asked for a peer mentor. Offers will appear here."), "success")
            anchor = "support" if _show_support(level) else None
            return redirect(url_for("mentoring.overview", _anchor=anchor))
    status = 200
    if request.method == "POST":
        note_refusal(form)
        status = 400
    return render_template("mentoring/ask.html", form=form, existing=existing), status


@bp.post("/requests/<id:mentor_request_id>/withdraw")
@login_required
def withdraw_request(mentor_request_id: int):
    mentor_request = services.get_request(mentor_request_id)
    if ActionForm().validate_on_submit():
        try:
            services.withdraw_request(mentor_request, current_user)
        except InvalidAction as error:
            flash(error.message, "error")
        else:
            flash(gettext("Your request is withdrawn."), "info")
    return redirect(url_for("mentoring.overview"))


@bp.route("/requests")
@login_required
def list_requests():
    if not can_mentor(current_user, services.active_badge(current_user)):
        abort(403)
    return render_template(
        "mentoring/requests.html",
        requests=services.open_requests(current_user),
        active_count=services.active_pairing_count(current_user.id),
    )


@bp.post("/requests/<id:mentor_request_id>/offer")
@login_required
def offer_mentoring(mentor_request_id: int):
    mentor_request = services.get_request(mentor_request_id)
    if not can_mentor(current_user, services.active_badge(current_user)):
        abort(403)
    if ActionForm().validate_on_submit():
        try:
            services.offer_mentoring(mentor_request, current_user)
        except NotAllowed:
            flash(gettext("This request is no longer open."), "error")
        except InvalidAction as error:
            flash(error.message, "error")
        else:
            flash(
                gettext("Your offer is sent. The member chooses; you'll see a new pairing here if they accept."),
                "success",
            )
    return redirect(url_for("mentoring.list_requests"))


@bp.post("/offers/<id:mentor_offer_id>/accept")
@login_required
def accept_offer(mentor_offer_id: int):
    offer = services.get_offer(mentor_offer_id)
    if ActionForm().validate_on_submit():
        try:
            pairing = services.accept_offer(offer, current_user)
        except InvalidAction as error:
            flash(error.message, "error")
        else:
            return redirect(url_for("mentoring.show_pairing", mentor_pairing_id=pairing.id))
    return redirect(url_for("mentoring.overview"))


@bp.route("/pairings/<id:mentor_pairing_id>")
@login_required
def show_pairing(mentor_pairing_id: int):
    pairing = services.get_pairing(mentor_pairing_id, current_user)
    page = _render_pairing(pairing, MessageForm(data=kept_fields()))
    # After rendering: the commit would otherwise expire what the template reads.
    services.read_pairing(pairing, current_user)
    return page


def _render_pairing(pairing, form, status: int = 200):
    page = render_template(
        "mentoring/pairing.html",
        pairing=pairing,
        form=form,
        partner=services.partner_name(pairing, current_user),
        author_name=services.author_name,
    )
    return page, status


@bp.post("/pairings/<id:mentor_pairing_id>/messages")
@screened("mentoring message", fields=("body",), back="mentoring.show_pairing")
@login_required
@limiter.limit("60 per hour", key_func=member_or_address)
def send_message(mentor_pairing_id: int):
    pairing = services.get_pairing(mentor_pairing_id, current_user)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            message, level = services.send_message(pairing, current_user, body=form.body.data)
        except InvalidAction as error:
            add_error(form, error, default="body")
        else:
            anchor = "support" if _show_support(level) else f"message-{message.id}"
            return redirect(url_for("mentoring.show_pairing", mentor_pairing_id=pairing.id, _anchor=anchor))
    note_refusal(form)
    return _render_pairing(pairing, form, status=400)


@bp.post("/pairings/<id:mentor_pairing_id>/end")
@login_required
def end_pairing(mentor_pairing_id: int):
    pairing = services.get_pairing(mentor_pairing_id, current_user)
    if ActionForm().validate_on_submit():
        try:
            services.end_pairing(pairing, current_user)
        except InvalidAction as error:
            flash(error.message, "info")
        else:
            flash(gettext("The pairing has ended. The conversation stays here for you to read."), "info")
    return redirect(url_for("mentoring.show_pairing", mentor_pairing_id=pairing.id))


@bp.route("/messages/<id:mentoring_message_id>/report", methods=["GET", "POST"])
@screened("report", fields=("reason",))
@login_required
def report_message(mentoring_message_id: int):
    message = services.get_message(mentoring_message_id, current_user)
    if message.author_id == current_user.id:
        abort(403)
    form = ReportMessageForm(data=kept_fields() if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            concerns.report_message(message, current_user, reason=form.reason.data)
        except InvalidAction as error:
            add_error(form, error, default="reason")
        else:
            flash(gettext("Thank you. A moderator will read this message and the conversation around it."), "success")
            return redirect(url_for("mentoring.show_pairing", mentor_pairing_id=message.pairing_id))
    status = 200
    if request.method == "POST":
        note_refusal(form)
        status = 400
    return render_template("mentoring/report_message.html", message=message, form=form), status


@bp.route("/mentors", methods=["GET", "POST"])
@login_required
def manage_mentors():
    if not can_manage_mentors(current_user):
        abort(403)
    form = GrantForm()
    if form.validate_on_submit():
        member = find_user(form.pseudonym.data.strip())
        try:
            services.grant_badge(member, by=current_user, trained_on=form.trained_on.data)
        except InvalidAction as error:
            add_error(form, error, default="pseudonym")
        else:
            flash(gettext("%(name)s is now a peer mentor.", name=member.pseudonym), "success")
            return redirect(url_for("mentoring.manage_mentors"))
    status = 400 if request.method == "POST" else 200
    page = render_template("mentoring/mentors.html", form=form, badges=services.active_badges())
    return page, status


@bp.post("/mentors/<id:mentor_badge_id>/withdraw")
@login_required
def withdraw_badge(mentor_badge_id: int):
    if not can_manage_mentors(current_user):
        abort(403)
    if ActionForm().validate_on_submit():
        try:
            badge = services.withdraw_badge(mentor_badge_id, by=current_user)
        except InvalidAction as error:
            flash(error.message, "error")
        else:
            flash(gettext("%(name)s is no longer a peer mentor.", name=badge.user.pseudonym), "info")
    return redirect(url_for("mentoring.manage_mentors"))


@bp.route("/concerns/<id:mentoring_concern_id>")
@login_required
def show_concern(mentoring_concern_id: int):
    concern = concerns.open_concern(mentoring_concern_id, current_user)
    return render_template(
        "mentoring/concern.html",
        concern=concern,
        form=ResolveConcernForm(),
    )


@bp.post("/concerns/<id:mentoring_concern_id>/resolve")
@login_required
def resolve_concern(mentoring_concern_id: int):
    if not can_review_queue(current_user):
        abort(403)
    concern = concerns.get_concern(mentoring_concern_id)
    form = ResolveConcernForm()
    if form.validate_on_submit():
        try:
            concerns.resolve_concern(concern, current_user, note=form.note.data or "")
        except InvalidAction as error:
            flash(error.message, "info")
        else:
            flash("Marked as dealt with.", "success")
    return redirect(url_for("moderation.queue"))

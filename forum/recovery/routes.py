from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from forum.crisis.services import latest_flag
from forum.errors import InvalidAction, add_error
from forum.permissions import Capability, role_required
from forum.posting import kept_fields, note_refusal, screened
from forum.ratelimits import EDITING_LIMIT, POSTING_LIMIT, spend
from forum.recovery import services
from forum.recovery.chart import build_chart
from forum.recovery.forms import CheckInForm, PreferenceForm, ResetForm, ShareForm, StartForm

bp = Blueprint("recovery", __name__)


@bp.app_template_filter("milestone_name")
def milestone_name(milestone) -> str:
    """A milestone ("30 days", "1 year") in the reader's language."""
    return services.milestone_name(milestone)


CHART_PERIODS = (30, 90)
MAX_ID = 2**31 - 1


def _today():
    return services.today_for(current_user)


def _zone() -> str:
    return services.time_zone_of(current_user)


def _kept_form(form_class):
    """The form as sent before sign-in or a refusal, read like a submission so choices and dates come back."""
    kept = kept_fields()
    return form_class(formdata=MultiDict(kept)) if kept else None


def _support_after(level: str | None) -> str:
    """Remember to show the support panel after a risky text; the fragment lands on it."""
    if level:
        session["show_support"] = {"level": level}
        return "#support"
    return ""


def _refused(refused_form, template: str = "recovery/overview.html", **context):
    note_refusal(refused_form)
    if template == "recovery/overview.html":
        return _overview(**context), 400
    return render_template(template, **context), 400


def _overview(**forms) -> str:
    today = _today()
    user = current_user
    readings = services.recent_check_ins(user, today, max(CHART_PERIODS))
    starts = [
        (
            summary,
            forms.get(f"edit_{summary.start.id}") or StartForm(formdata=None, obj=summary.start),
            forms.get(f"reset_{summary.start.id}") or ResetForm(formdata=None),
        )
        for summary in services.start_summaries(user, today)
    ]
    preference = services.get_preference(user)
    return render_template(
        "recovery/overview.html",
        today=today,
        today_check_in=services.get_check_in(user, today),
        charts=[build_chart(readings, today, days) for days in CHART_PERIODS],
        starts=starts,
        shared=services.shared_milestones(user),
        earlier=services.earlier_starts(user),
        start_form=forms.get("start_form") or _kept_form(StartForm) or StartForm(formdata=None),
        share_form=ShareForm(),
        preference_form=PreferenceForm(
            formdata=None,
            tell_moderators=bool(preference and preference.tell_moderators),
            time_zone=(preference.time_zone if preference else None) or "",
        ),
        time_zone=services.time_zone_of(user),
    )


@bp.route("/recovery")
@role_required(Capability.KEEP_CHECK_INS)
def overview():
    return _overview()


@bp.route("/recovery/check-in", methods=["GET", "POST"])
@screened("check-in", fields=("note",), keep=("mood", "cravings", "sleep", "medication"))
@role_required(Capability.KEEP_CHECK_INS)
def check_in():
    today = _today()
    existing = services.get_check_in(current_user, today)
    kept = _kept_form(CheckInForm) if request.method == "GET" else None
    form = kept or CheckInForm(obj=existing)
    if form.validate_on_submit():
        # Check-ins and start dates share the editing allowance: each risky line alerts the moderators.
        spend(EDITING_LIMIT, "recovery")
        try:
            saved = services.save_check_in(
                current_user,
                today=today,
                mood=form.mood.data,
                cravings=form.cravings.data,
                sleep=form.sleep.data,
                medication=form.medication.data,
                note=form.note.data,
                path=request.path,
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            flash(gettext("Check-in saved. Only you can see it."), "success")
            return redirect(url_for("recovery.overview") + (_support_after(saved.crisis_level) or "#chart-30"))
    if request.method == "POST":
        return _refused(form, "recovery/check_in.html", form=form, existing=existing, today=today, zone=_zone())
    return render_template("recovery/check_in.html", form=form, existing=existing, today=today, zone=_zone())


@bp.route("/recovery/starts", methods=["POST"])
@screened("start date", fields=("label",), keep=("started_on",), back="recovery.overview")
@role_required(Capability.KEEP_CHECK_INS)
def add_start():
    form = StartForm()
    if form.validate_on_submit():
        spend(EDITING_LIMIT, "recovery")
        try:
            saved = services.add_start(
                current_user, label=form.label.data, started_on=form.started_on.data, today=_today(), path=request.path
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            flash(gettext("Start date saved."), "success")
            return redirect(url_for("recovery.overview") + (_support_after(saved.crisis_level) or "#starts"))
    return _refused(form, start_form=form)


@bp.route("/recovery/starts/<id:start_id>", methods=["POST"])
@screened("start date", fields=("label",), back="recovery.overview")
@role_required(Capability.KEEP_CHECK_INS)
def edit_start(start_id: int):
    start = services.get_own_start(current_user, min(start_id, MAX_ID))
    form = StartForm()
    if form.validate_on_submit():
        spend(EDITING_LIMIT, "recovery")
        try:
            saved = services.correct_start(
                start, label=form.label.data, started_on=form.started_on.data, today=_today(), path=request.path
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            flash(gettext("Start date corrected."), "success")
            return redirect(url_for("recovery.overview") + (_support_after(saved.crisis_level) or "#starts"))
    return _refused(form, **{f"edit_{start.id}": form})


@bp.route("/recovery/starts/<id:start_id>/reset", methods=["POST"])
@role_required(Capability.KEEP_CHECK_INS)
def reset_start(start_id: int):
    start = services.get_own_start(current_user, min(start_id, MAX_ID))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            services.reset_start(start, started_on=form.started_on.data, today=_today())
        except InvalidAction as error:
            add_error(form, error)
        else:
            flash(gettext("New start date saved. Every day counts."), "success")
            return redirect(url_for("recovery.overview") + "#starts")
    return _refused(form, **{f"reset_{start.id}": form})


@bp.route("/recovery/starts/<id:start_id>/milestones/<milestone>/share", methods=["POST"])
@role_required(Capability.KEEP_CHECK_INS)
def share_milestone(start_id: int, milestone: str):
    start = services.get_own_start(current_user, min(start_id, MAX_ID))
    form = ShareForm()
    if not form.validate_on_submit():
        flash(gettext("The form had expired; please press the button again."), "error")
        return redirect(url_for("recovery.overview") + "#starts")
    try:
        post = services.share_milestone(
            start,
            current_user,
            key=milestone,
            today=_today(),
            anonymous=form.anonymous.data,
            before_write=lambda: spend(POSTING_LIMIT, "posting"),
        )
    except InvalidAction as error:
        flash(error.message, "error")
        return redirect(url_for("recovery.overview") + "#starts")
    flag = latest_flag(post)
    if flag is not None:
        session["show_support"] = {"level": flag.level, "held": post.is_held}
    else:
        flash(gettext("Shared to Milestones. Every day counts."), "success")
    return redirect(url_for("boards.show_topic", slug=post.topic.board.slug, topic_id=post.topic_id))


@bp.route("/recovery/preferences", methods=["POST"])
@role_required(Capability.KEEP_CHECK_INS)
def update_preferences():
    form = PreferenceForm()
    if not form.validate_on_submit():
        flash(gettext("Nothing changed: please choose from the list and save again."), "error")
        return redirect(url_for("recovery.overview") + "#preferences")
    on = form.tell_moderators.data
    services.set_preferences(current_user, tell_moderators=on, time_zone=form.time_zone.data)
    flash(
        gettext("Saved. A moderator will hear if your check-ins look hard.")
        if on
        else gettext("Saved. Your check-ins stay with you."),
        "success",
    )
    return redirect(url_for("recovery.overview") + "#preferences")

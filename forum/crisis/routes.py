from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from forum.accounts import safety_plan
from forum.boards.visibility import get_post
from forum.crisis import services
from forum.crisis.forms import FeedbackForm, FlagMissedForm, HotlineForm
from forum.crisis.hotlines import REGIONS
from forum.crisis.models import CrisisFlag, Hotline
from forum.errors import InvalidAction, add_error
from forum.extensions import db
from forum.i18n import select_locale
from forum.permissions import Capability, role_required

bp = Blueprint("crisis", __name__)


# A functional cookie: the region a visitor chose on /help or in the panel (no account needed).
REGION_COOKIE = "region"


def _region() -> str:
    member_region = current_user.region if current_user.is_authenticated else None
    return services.chosen_region(request.cookies.get(REGION_COOKIE), member_region)


def _panel(shown) -> dict:
    """What the support panel shows: `shown` is what the posting route remembered (True or a dict)."""
    shown = shown if isinstance(shown, dict) else {}
    urgent = shown.get("level") == "urgent"
    first, rest = services.hotlines_for(_region(), urgent=urgent, language=select_locale())
    plan = safety_plan.get_safety_plan(current_user) if current_user.is_authenticated else None
    return {
        "first": first,
        "rest": rest,
        "urgent": urgent,
        "held": bool(shown.get("held")),
        "region": _region(),
        "plan": safety_plan.panel_sections(plan),
    }


@bp.app_context_processor
def support_panel():
    """The calm support panel: shown once, on the page after a post that signals risk."""

    def take_support_panel():
        shown = session.pop("show_support", None)
        if not shown:
            # A risky text that was refused (forum/posting.py) shows the panel on this very page.
            submission = request.environ.get("forum.submission")
            if submission is not None and submission.is_risky:
                shown = {"level": submission.level}
        return _panel(shown) if shown else None

    return {"take_support_panel": take_support_panel, "crisis_regions": REGIONS}


@bp.route("/help")
def get_help():
    chosen = request.args.get("region")
    region = services.chosen_region(chosen, None) if chosen in REGIONS else _region()
    first, rest = services.hotlines_for(region, language=select_locale())
    response = make_response(render_template("crisis/get_help.html", first=first, rest=rest, region=region))
    if chosen in REGIONS:
        response.set_cookie(
            REGION_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.route("/admin/hotlines")
@role_required(Capability.MANAGE_HOTLINES)
def list_hotlines():
    lines = db.session.scalars(db.select(Hotline).order_by(Hotline.region, Hotline.position)).all()
    return render_template("crisis/hotlines.html", lines=lines, regions=REGIONS)


@bp.route("/admin/hotlines/new", methods=["GET", "POST"], defaults={"hotline_id": None})
@bp.route("/admin/hotlines/<id:hotline_id>", methods=["GET", "POST"])
@role_required(Capability.MANAGE_HOTLINES)
def edit_hotline(hotline_id: int | None):
    hotline = db.session.get(Hotline, hotline_id) if hotline_id else None
    if hotline_id and hotline is None:
        abort(404)
    form = HotlineForm(obj=hotline)
    if form.validate_on_submit():
        fields = {
            name: form[name].data
            for name in (
                "region",
                "name",
                "description",
                "phone",
                "sms_number",
                "sms_body",
                "url",
                "position",
                "is_primary",
                "last_checked",
            )
        }
        fields = {k: ("" if v is None and k not in ("position", "last_checked") else v) for k, v in fields.items()}
        fields["position"] = fields["position"] or 0
        try:
            services.save_hotline(hotline, current_user, **fields)
        except InvalidAction as error:
            add_error(form, error, default="name")
        else:
            flash(gettext("Saved."), "success")
            return redirect(url_for("crisis.list_hotlines"))
    return render_template("crisis/edit_hotline.html", form=form, hotline=hotline)


@bp.route("/moderation/crisis-feedback.jsonl")
@role_required(Capability.REVIEW_QUEUE)
def export_feedback():
    return Response(
        "".join(services.export_feedback()),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": "attachment; filename=crisis-feedback.jsonl"},
    )


@bp.route("/moderation/flags/<id:flag_id>/feedback", methods=["POST"])
@role_required(Capability.REVIEW_QUEUE)
def flag_feedback(flag_id: int):
    flag = db.session.get(CrisisFlag, flag_id)
    if flag is None:
        abort(404)
    form = FeedbackForm()
    form.verdict.choices = [(key, gettext(label)) for key, label in services.FEEDBACK_CHOICES.items()]
    if form.validate_on_submit():
        services.record_feedback(flag, current_user, form.verdict.data)
        flash(gettext("Thanks: your verdict is saved for tuning the flagger."), "success")
    return redirect(url_for("boards.show_post", post_id=flag.post_id))


@bp.route("/posts/<id:post_id>/flag-missed", methods=["GET", "POST"])
@role_required(Capability.REVIEW_QUEUE)
def flag_missed(post_id: int):
    post = get_post(post_id, current_user)
    form = FlagMissedForm()
    if form.validate_on_submit():
        try:
            services.flag_missed_post(post, current_user, level=form.level.data, note=form.note.data)
        except InvalidAction as error:
            add_error(form, error, default="note")
        else:
            flash(gettext("Flagged. It is in the moderation queue now."), "success")
            return redirect(url_for("boards.show_post", post_id=post.id))
    return render_template("crisis/flag_missed.html", form=form, post=post)


@bp.app_context_processor
def crisis_feedback_helpers():
    def feedback_form():
        form = FeedbackForm()
        form.verdict.choices = [(key, gettext(label)) for key, label in services.FEEDBACK_CHOICES.items()]
        return form

    def verdict_label(verdict: str) -> str:
        label = services.FEEDBACK_CHOICES.get(verdict)
        return gettext(label) if label else verdict

    return {"crisis_feedback_form": feedback_form, "verdict_label": verdict_label}

import json
from urllib.parse import urlsplit

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
    url_for,
)
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forum import permissions
from forum.accounts import drafts, mutes, privacy, safety_plan, services
from forum.accounts.forms import (
    ActionForm,
    ChangePasswordForm,
    DeleteAccountForm,
    LanguageForm,
    LoginForm,
    RecoverForm,
    RegionForm,
    RegisterForm,
    SafetyPlanForm,
)
from forum.crisis.hotlines import REGIONS
from forum.crisis.services import hotlines_for
from forum.errors import InvalidAction, add_error
from forum.extensions import limiter
from forum.i18n import LANGUAGE_COOKIE, LANGUAGES, select_locale
from forum.ratelimits import sign_in_guess_limit

bp = Blueprint("accounts", __name__)


# Browsers drop tabs and line breaks anywhere in a URL, and spaces or control characters at
# either end, before reading it (WHATWG URL standard); "/\t/evil.example" is "//evil.example".
_URL_DROPPED = str.maketrans("", "", "\t\n\r")
_URL_TRIMMED = "".join(map(chr, range(0x21)))


def local_path(target: str) -> str | None:
    """The target as a browser reads it when it is a path on this site, else None."""
    cleaned = target.translate(_URL_DROPPED).strip(_URL_TRIMMED).replace("\\", "/")
    if not cleaned.startswith("/") or cleaned.startswith("//") or any(ch < " " or ch == "\x7f" for ch in cleaned):
        return None
    parts = urlsplit(cleaned)
    return None if parts.scheme or parts.netloc else cleaned


def _safe_next(default: str) -> str:
    return local_path(request.args.get("next", "")) or default


def _registered(response) -> bool:
    # Only a sign-up that worked counts towards the limit, so typos on a shared clinic or library
    # connection don't lock the next person out.
    return response.status_code == 200 and getattr(response, "new_account", False)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], deduct_when=_registered)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("boards.index"))
    form = RegisterForm()
    valid = form.validate_on_submit()
    if form.is_submitted():
        # Every problem at once: the form's own checks and the service's, field by field.
        problems = services.registration_problems(
            form.pseudonym.data or "", form.password.data or "", agreed_to_guidelines=form.agree.data
        )
        for name, message in problems.items():
            if not form[name].errors:
                form[name].errors = [*form[name].errors, message]
        valid = valid and not problems
    if valid:
        try:
            user, codes = services.register_member(
                form.pseudonym.data, form.password.data, agreed_to_guidelines=form.agree.data
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            login_user(user)
            response = make_response(render_template("accounts/recovery_codes.html", codes=codes, new_account=True))
            response.new_account = True
            return response
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per 10 minutes", methods=["POST"])
@sign_in_guess_limit
def login():
    if current_user.is_authenticated:
        return redirect(url_for("boards.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.pseudonym.data, form.password.data)
        except InvalidAction as error:
            add_error(form, error)
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("boards.index")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if ActionForm().validate_on_submit():
        if current_user.is_authenticated:
            # Ends the session server-side too (on every device), so a copied cookie is worthless.
            services.end_sessions(current_user._get_current_object())
        logout_user()
        flash(gettext("You have signed out. Take care."), "info")
    return redirect(url_for("boards.index"))


@bp.route("/recover", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def recover():
    form = RecoverForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password_with_code(form.pseudonym.data, form.code.data, form.new_password.data)
        except InvalidAction as error:
            add_error(form, error)
        else:
            login_user(user)
            left = services.unused_code_count(user)
            flash(gettext("Your password is changed. You have %(num)s recovery codes left.", num=left), "success")
            return redirect(url_for("accounts.settings"))
    return render_template("accounts/recover.html", form=form)


def _settings_forms():
    region = RegionForm(prefix="region", region=current_user.region or current_app.config["DEFAULT_REGION"])
    region.region.choices = list(REGIONS.items())
    return ChangePasswordForm(prefix="pw"), region, ActionForm(prefix="codes")


def _language_cookie(response, language: str | None):
    if language is None:
        response.delete_cookie(LANGUAGE_COOKIE)
    else:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


@bp.route("/language/<code>")
def choose_language(code: str):
    """The footer's "Español" / "English" link: this device reads the forum in that language."""
    if code not in LANGUAGES:
        abort(404)
    return _language_cookie(redirect(_safe_next(url_for("boards.index"))), code)


@bp.route("/account/language", methods=["POST"])
@login_required
def change_language():
    form = LanguageForm(prefix="language")
    if form.validate_on_submit():
        services.set_language(current_user, form.language.data)
        # The account's choice now holds on every device; this device's footer choice gives way.
        response = _language_cookie(redirect(url_for("accounts.settings")), None)
        flash(_("Saved. The forum now speaks your chosen language."), "success")
        return response
    return redirect(url_for("accounts.settings"))


@bp.route("/account")
@login_required
def settings():
    password_form, region_form, codes_form = _settings_forms()
    return render_template(
        "accounts/settings.html",
        password_form=password_form,
        region_form=region_form,
        language_form=LanguageForm(prefix="language", language=current_user.language or select_locale()),
        codes_form=codes_form,
        codes_left=services.unused_code_count(current_user),
        muted=mutes.muted_members(current_user),
    )


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    password_form, region_form, codes_form = _settings_forms()
    if password_form.validate_on_submit():
        try:
            services.change_password(current_user, password_form.current_password.data, password_form.new_password.data)
        except InvalidAction as error:
            add_error(password_form, error)
        else:
            login_user(current_user._get_current_object())
            flash(gettext("Your password is changed."), "success")
            return redirect(url_for("accounts.settings"))
    return render_template(
        "accounts/settings.html",
        password_form=password_form,
        region_form=region_form,
        language_form=LanguageForm(prefix="language", language=current_user.language or select_locale()),
        codes_form=codes_form,
        codes_left=services.unused_code_count(current_user),
        muted=mutes.muted_members(current_user),
    ), 400


@bp.route("/account/region", methods=["POST"])
@login_required
def change_region():
    _, region_form, _ = _settings_forms()
    if region_form.validate_on_submit():
        services.set_region(current_user, region_form.region.data)
        flash(gettext("Saved. The support lines shown to you now match that region."), "success")
    response = redirect(url_for("accounts.settings"))
    # A region picked on /help before now gives way to the one saved on the account.
    response.delete_cookie("region")
    return response


@bp.route("/account/recovery-codes", methods=["POST"])
@login_required
def regenerate_codes():
    if not ActionForm(prefix="codes").validate_on_submit():
        return redirect(url_for("accounts.settings"))
    codes = services.regenerate_recovery_codes(current_user)
    return render_template("accounts/recovery_codes.html", codes=codes, new_account=False)


@bp.route("/account/export")
@login_required
def export_data():
    data = privacy.export_member_data(current_user)
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=my-forum-data.json"},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            privacy.delete_account(
                current_user._get_current_object(), password=form.password.data, posts=form.posts.data
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            logout_user()
            flash(gettext("Your account is deleted. Take good care of yourself."), "info")
            return redirect(url_for("boards.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/delete_account.html", form=form), status


@bp.route("/account/safety-plan", methods=["GET", "POST"])
@login_required
def edit_safety_plan():
    plan = safety_plan.get_safety_plan(current_user)
    form = SafetyPlanForm(obj=plan)
    if form.validate_on_submit():
        try:
            plan = safety_plan.save_safety_plan(current_user, {f: form[f].data for f in safety_plan.FIELDS})
        except InvalidAction as error:
            add_error(form, error)
        else:
            flash(gettext("Your safety plan is saved. Only you can see it."), "success")
            return redirect(url_for("accounts.edit_safety_plan"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "accounts/safety_plan.html",
        form=form,
        plan=plan,
        sections=safety_plan.SECTIONS,
        lines=hotlines_for(current_user.region, language=select_locale())[0],
    ), status


def _member_or_404(pseudonym: str):
    member = services.find_user(pseudonym)
    if member is None:
        abort(404)
    return member


@bp.post("/members/<pseudonym>/mute")
@login_required
def mute_member(pseudonym: str):
    member = _member_or_404(pseudonym)
    if not permissions.can_mute_member(current_user, member):
        abort(403)
    if ActionForm().validate_on_submit():
        mutes.mute_member(current_user, member)
        flash(
            _("You muted %(name)s. Their posts are folded for you; they are not told.", name=member.pseudonym),
            "success",
        )
    return redirect(url_for("boards.show_member", pseudonym=member.pseudonym))


@bp.post("/members/<pseudonym>/unmute")
@login_required
def unmute_member(pseudonym: str):
    member = _member_or_404(pseudonym)
    if ActionForm().validate_on_submit():
        mutes.unmute_member(current_user, member)
        flash(gettext("You unmuted %(name)s.", name=member.pseudonym), "success")
    return redirect(_safe_next(url_for("boards.show_member", pseudonym=member.pseudonym)))


@bp.post("/account/drafts")
@login_required
def save_draft():
    # The draft script's save while the member types (static/js/drafts.js): no page, just a status.
    key = request.form.get("draft_key", "")
    if not ActionForm().validate_on_submit() or not drafts.is_draft_key(key):
        abort(400)
    drafts.save_member_draft(current_user, key, request.form.to_dict())
    return "", 204


@bp.post("/account/drafts/discard")
@login_required
def discard_draft():
    key = request.form.get("draft_key", "")
    if not ActionForm().validate_on_submit() or not drafts.is_draft_key(key):
        abort(400)
    drafts.discard_member_draft(current_user, key)
    flash(gettext("Your draft is discarded."), "info")
    return redirect(_safe_next(url_for("boards.index")))


@bp.route("/guidelines")
def guidelines():
    return render_template("accounts/guidelines.html")

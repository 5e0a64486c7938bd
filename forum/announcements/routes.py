import re

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user

from forum.accounts.forms import ActionForm
from forum.announcements import services
from forum.announcements.forms import AnnouncementForm
from forum.errors import InvalidAction, add_error
from forum.extensions import csrf
from forum.permissions import Capability, role_required
from forum.posting import current_submission, is_preview, note_refusal, screened

bp = Blueprint("announcements", __name__)

# The cookie holding the id of the announcement this browser dismissed; a newer one shows again.
DISMISSED_COOKIE = "dismissed_announcement"
# A year: a dismissed banner stays dismissed, and the cookie holds nothing but a number.
DISMISSED_SECONDS = 365 * 24 * 3600
# Where Dismiss returns: a path on this site as the page wrote it (request.path), made only of the
# characters such a path holds, so no scheme, host, backslash or control character can lead elsewhere.
_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9/_.~%@+-]*")


@bp.app_context_processor
def banner_helpers():
    return {"announcement_banner": _banner_for_request}


def _banner_for_request():
    banner = services.current_banner()
    if banner is None or request.cookies.get(DISMISSED_COOKIE) == str(banner.id):
        return None
    return banner


@bp.route("/announcement", methods=["GET", "POST"])
@screened("announcement", fields=("body",))
@role_required(Capability.SET_ANNOUNCEMENT)
def edit_announcement():
    current = services.current_banner()
    form = AnnouncementForm(data={"body": current.body} if current and request.method == "GET" else None)
    valid = form.validate_on_submit()
    if valid and is_preview():
        return render_template("announcements/edit_announcement.html", form=form, current=current, preview=True)
    if valid:
        try:
            services.set_announcement(form.body.data or "", by=current_user._get_current_object())
        except InvalidAction as error:
            add_error(form, error, default="body")
        else:
            flash(gettext("The announcement is up on every page."), "success")
            submission = current_submission()
            if submission.is_risky:
                # As after a post: the author sees the support panel first.
                session["show_support"] = {"level": submission.level, "held": False}
                return redirect(url_for("announcements.edit_announcement", _anchor="support"))
            return redirect(url_for("announcements.edit_announcement"))
    status = 200
    if request.method == "POST":
        note_refusal(form)
        status = 400
    return render_template("announcements/edit_announcement.html", form=form, current=current), status


@bp.post("/announcement/clear")
@role_required(Capability.SET_ANNOUNCEMENT)
def clear_announcement():
    if ActionForm().validate_on_submit():
        services.clear_announcement(by=current_user._get_current_object())
        flash(gettext("The announcement is taken down."), "success")
    return redirect(url_for("announcements.edit_announcement"))


@bp.post("/announcement/dismiss")
@csrf.exempt
def dismiss_announcement():
    # No CSRF token: dismissing changes nothing on the server, only hides a banner in this browser,
    # and a token would give every guest a session cookie on every page the banner shows on.
    back = request.form.get("next", "")
    response = redirect(back if _LOCAL_PATH.fullmatch(back) else url_for("boards.index"))
    banner = services.current_banner()
    if banner is not None:
        response.set_cookie(
            DISMISSED_COOKIE,
            str(banner.id),
            max_age=DISMISSED_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response

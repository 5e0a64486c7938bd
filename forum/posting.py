"""Screen first, always: the crisis flagger reads every text a member sends before anything refuses it.

A form that carries a member's words (topic, reply, edit, report note) may be refused for many
reasons: an expired form or session, a rate limit, an empty title, a locked topic, a suspension.
None of them may stop a cry for help from being seen. `screened` wraps such a view: it assesses the
text first, then lets the checks and the view run, and if the text was refused it keeps it for the
moderators (when it signals risk), shows its author the support panel, and gives the text back.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import current_app, flash, make_response, redirect, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, TooManyRequests

from forum.accounts import drafts
from forum.crisis.detector import Assessment, Level
from forum.crisis.services import assess_text
from forum.errors import NotAllowed, NotFound
from forum.extensions import csrf, db
from forum.ratelimits import SIGNED_OUT_SCREENING_LIMIT, spend
from forum.translatable import translatable
from forum.workflow import keep_unposted_text

SUBMISSION = "forum.submission"
SIGNED_OUT = translatable("You were signed out, so your message wasn't sent. Sign in, and it will be back in the form.")


@dataclass
class Submission:
    """What a member sent to a screened form, and what the flagger made of it."""

    kind: str
    fields: dict[str, str]
    kept: dict[str, str]
    assessment: Assessment
    # The page holding the form, where a kept draft goes back.
    form_page: str = ""
    kept_draft: bool = False
    # Why the form was sent back, in the words the member saw.
    refusal: str | None = None
    # The member pressed "Preview": nothing is posted, so nothing is refused either.
    preview: bool = False
    # The signed-in member's draft for this form ("reply:<topic id>", "topic:<slug>"), if it keeps one.
    draft_key: str | None = None
    # The view's service deletes the draft in its own transaction (draft_to_discard), so the wrapper need not.
    draft_handed_over: bool = False

    @property
    def text(self) -> str:
        return "\n".join(value.strip() for value in self.fields.values() if value.strip())

    @property
    def level(self) -> str:
        return Level(self.assessment.level).value

    @property
    def is_risky(self) -> bool:
        return self.assessment.level != Level.NONE


def screened(
    kind: str, fields: tuple[str, ...], keep: tuple[str, ...] = (), back: str | None = None, draft: str | None = None
):
    """Decorate a view taking a member's text: screen it before CSRF, sign-in, limits and the view itself.

    `fields` are read by the flagger; `keep` are other fields given back with them (a checkbox, a
    choice). `back` is the endpoint of the page holding the form, when it isn't the view's own.
    `draft` names the member's draft for the form, filled in from the view's arguments
    ("reply:{topic_id}"): a preview or a refusal keeps the text there, a post discards it.
    The view must sit under this decorator (and under @bp.route), with its other decorators below.
    """

    def decorate(view):
        @wraps(view)
        def wrapper(**kwargs):
            if request.method != "POST":
                return view(**kwargs)
            submission = _submission(kind, fields, keep, back, draft, kwargs)
            # Kept on the request (not `g`, which tests share between requests): a page rendered for
            # this request from here on is a refusal, and shows the support panel when the text is risky.
            request.environ[SUBMISSION] = submission
            try:
                if current_app.config["WTF_CSRF_ENABLED"]:
                    csrf.protect()
                if not current_user.is_authenticated:
                    return _keep_for_sign_in(submission)
                response = make_response(view(**kwargs))
            except CSRFError:
                _keep_draft(submission)
                # Not kept as the member's draft: a form without its token may come from another site.
                _refused(submission, "The form had expired (open a long time, or the session ended).")
                raise
            except TooManyRequests:
                _keep_draft(submission)
                _refused(submission, "Rate limit: sent too often in a short time.")
                _keep_member_draft(submission)
                raise
            except (HTTPException, NotAllowed, NotFound) as error:
                _refused(submission, _describe(error))
                _keep_member_draft(submission)
                raise
            if response.status_code >= 400:
                _refused(submission, submission.refusal or "The form was sent back.")
            if response.status_code >= 400 or submission.preview:
                _keep_member_draft(submission)
            elif submission.draft_key is not None and not submission.draft_handed_over:
                drafts.discard_member_draft(current_user, submission.draft_key)
            return response

        wrapper.keeps_text = True
        csrf.exempt(wrapper)
        return wrapper

    return decorate


def _submission(kind: str, fields, keep, back: str | None, draft: str | None, kwargs: dict) -> Submission:
    """What this POST sent to a screened form, with the flagger's reading of its text."""
    form = request.form
    texts = {name: form.get(name, "") for name in fields}
    kept = {**texts, **{name: form[name] for name in keep if name in form}}
    submission = Submission(kind, texts, kept, assess_text("\n".join(texts.values())))
    submission.preview = "preview" in form
    submission.form_page = url_for(back, **kwargs) if back else request.path
    if draft is not None and drafts.is_draft_key(draft.format(**kwargs)):
        submission.draft_key = draft.format(**kwargs)
    return submission


def current_submission() -> Submission | None:
    """What this request sent to a screened form, if it is such a request."""
    return request.environ.get(SUBMISSION)


def is_preview() -> bool:
    """Whether this request asked for a preview of its text rather than to send it."""
    submission = current_submission()
    return submission is not None and submission.preview


def draft_to_discard() -> str | None:
    """The key of the member's draft that this form replaces once posted, for the view to hand its service.

    The service deletes the draft in the post's own transaction; a refused post rolls the deletion back with
    everything else, and the wrapper keeps the text as the draft again.
    """
    submission = current_submission()
    if submission is None or submission.preview or submission.draft_key is None:
        return None
    submission.draft_handed_over = True
    return submission.draft_key


def note_refusal(form) -> None:
    """Record why a screened form is being sent back, in the words the member sees."""
    submission = current_submission()
    if submission is None:
        return
    messages = [*form.form_errors]
    for name, errors in form.errors.items():
        if name is not None:
            messages.extend(str(error) for error in errors)
    submission.refusal = " ".join(messages) or "The form was sent back."


def kept_fields() -> dict[str, str] | None:
    """The fields kept for this page when its form was sent while signed out or refused; read once."""
    token = session.get("draft_token")
    if not token:
        return None
    fields = drafts.take_draft(token, request.path)
    if fields is not None:
        session.pop("draft_token", None)
        flash(gettext("Your message is back in the form. Send it when you're ready."), "info")
    return fields


def member_draft(key: str) -> dict[str, str] | None:
    """The signed-in member's saved draft for the form `key`, or None."""
    if not current_user.is_authenticated or not drafts.is_draft_key(key):
        return None
    return drafts.member_draft(current_user, key)


def _keep_member_draft(submission: Submission) -> None:
    """A preview or a refused form: keep the member's text as their draft for that form."""
    if submission.draft_key is None or not current_user.is_authenticated:
        return
    # Whatever the refused view left half-done is not the draft's to commit.
    db.session.rollback()
    drafts.save_member_draft(current_user, submission.draft_key, submission.kept)


def _keep_draft(submission: Submission) -> None:
    if not submission.text:
        return
    session["draft_token"] = drafts.keep_draft(submission.form_page, submission.kept)
    submission.kept_draft = True


def _keep_for_sign_in(submission: Submission):
    """A signed-out visitor sent a form: keep it for after sign-in, and send them to sign in."""
    _keep_draft(submission)
    _refused(submission, "Sent while signed out (the session had ended).")
    if submission.is_risky:
        session["show_support"] = {"level": submission.level}
    flash(gettext(SIGNED_OUT), "info")
    return redirect(url_for("accounts.login", next=submission.form_page))


def _refused(submission: Submission, refusal: str) -> None:
    """The text was not posted: when it signals risk, the moderators get it all the same."""
    # A preview is still screened, so a risky draft shows its author the support panel on the preview
    # page (the support context processor reads the submission). It is not queued: the member is still
    # writing, nothing was sent, and each press would queue and alert again. Sending it screens it again.
    if not submission.is_risky or submission.preview:
        return
    db.session.rollback()
    author = current_user._get_current_object() if current_user.is_authenticated else None
    if author is None:
        try:
            spend(SIGNED_OUT_SCREENING_LIMIT, "screening-signed-out")
        except TooManyRequests:
            current_app.logger.warning("Signed-out risky texts over the limit; not queued")
            return
    keep_unposted_text(
        submission.assessment,
        text=submission.text,
        author=author,
        anonymous=bool(submission.kept.get("anonymous")),
        kind=submission.kind,
        path=request.path,
        refusal=refusal,
    )


def _describe(error: Exception) -> str:
    if isinstance(error, NotFound) or getattr(error, "code", None) == 404:
        return "Not found: the topic or post was removed or hidden."
    if isinstance(error, NotAllowed) or getattr(error, "code", None) == 403:
        return "Not allowed (for example a locked topic or someone else's post)."
    return f"Refused ({getattr(error, 'code', None) or type(error).__name__})."

from datetime import datetime, time, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from forum.accounts.models import utcnow
from forum.accounts.services import find_user
from forum.boards.models import Board
from forum.crisis.models import CrisisFlag
from forum.errors import InvalidAction, add_error
from forum.extensions import db, login_manager
from forum.i18n import lazy_text as _l
from forum.i18n import seeded
from forum.moderation import actions, conversations, oncall, playbook, services, unposted
from forum.moderation.forms import (
    AlertEmailForm,
    FollowUpForm,
    HideForm,
    LogFilterForm,
    MemberActionForm,
    MessageForm,
    MoveForm,
    NoteForm,
    OnCallForm,
    OutcomeForm,
    ReplyForm,
    ResolveForm,
    RevealForm,
    VisibilityForm,
)
from forum.moderation.models import KIND_LABELS, LEVEL_LABELS, STATUS_LABELS, ItemKind, QueueItem, UnpostedText
from forum.permissions import can_read_audit_log, can_read_moderation_log, can_review_queue

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.before_request
def moderators_only():
    # One guard for the whole blueprint: every moderation page refuses visitors and members.
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not can_review_queue(current_user):
        abort(403)
    return None


_FIRST_POST_NOTICE = "forum.first_post_notice"


@bp.app_context_processor
def moderation_helpers():
    def unread_messages() -> int:
        return actions.unread_count(current_user) if current_user.is_authenticated else 0

    def restriction_notice() -> str | None:
        return services.restriction_message(current_user) if current_user.is_authenticated else None

    def member_moderation(member) -> dict | None:
        """For a member's page: their open items under their pseudonym, and the warn/suspend form."""
        if not current_user.is_authenticated or not can_review_queue(current_user):
            return None
        return {"items": services.open_items_about(member), "form": MemberActionForm()}

    def first_post_notice() -> str | None:
        """The newcomer's line above a post form; asked only where a form is shown, once a request."""
        if not current_user.is_authenticated:
            return None
        # Kept in the request's environ rather than g: tests (and CLI code) may hold one app context
        # across several requests, so g would carry one member's answer into the next request.
        environ = request.environ
        if _FIRST_POST_NOTICE not in environ:
            held = services.next_post_held(current_user)
            environ[_FIRST_POST_NOTICE] = gettext(services.FIRST_POST_NOTICE) if held else None
        return environ[_FIRST_POST_NOTICE]

    return {
        "first_post_notice": first_post_notice,
        "member_moderation": member_moderation,
        "unread_messages": unread_messages,
        "restriction_notice": restriction_notice,
        "format_wait": services.format_wait,
        "kind_label": lambda kind: gettext(KIND_LABELS[kind]),
        "level_label": lambda level: gettext(LEVEL_LABELS[level]) if level in LEVEL_LABELS else level,
        "status_label": lambda status: gettext(STATUS_LABELS[status]) if status in STATUS_LABELS else status,
    }


@bp.route("/")
def queue():
    shown = request.args.get("show", "")
    items = services.open_items(
        escalated_first=can_read_audit_log(current_user),
        kind=services.QUEUE_FILTERS.get(shown),
        held_by=current_user if shown == "mine" else None,
    )
    week_ago = _now() - timedelta(days=7)
    handled = playbook.crisis_items_handled(week_ago, None if can_read_audit_log(current_user) else current_user)
    return render_template(
        "moderation/queue.html",
        handled_by_me=handled.get(current_user.id, 0),
        handled_by_all=services.pseudonyms(handled) if can_read_audit_log(current_user) else {},
        urgent_this_shift=playbook.urgent_items_this_shift(current_user),
        break_after=current_app.config["BREAK_AFTER_URGENT_ITEMS"],
        items=items,
        shown=shown if shown in services.QUEUE_FILTERS or shown == "mine" else "",
        per_member=services.items_per_member(items),
        excerpt=services.excerpt,
        # Unposted texts head the whole queue; a filtered view lists queue items only.
        unposted=unposted.open_unposted() if not shown else [],
        unposted_author=unposted.author_name,
        unposted_kind=unposted.kind_name,
        stats=services.queue_stats(),
        now=_now(),
        claim_holder=services.current_holder,
        unread_replies=conversations.unread_replies_count(),
    )


def _now() -> datetime:
    return utcnow()


def _get_item(item_id: int) -> QueueItem:
    item = db.session.get(QueueItem, item_id)
    if item is None:
        abort(404)
    return item


def _render_item(item: QueueItem, status: int = 200, **forms):
    boards = db.session.scalars(db.select(Board).order_by(Board.position, Board.id)).all()
    move = forms.pop("move", None) or MoveForm()
    move.board.choices = [(b.id, seeded(b.name)) for b in boards if b.id != item.post.topic.board_id]
    message = forms.pop("message", None) or MessageForm()
    if request.method == "GET" and request.args.get("template") == "reach_out":
        message.subject.data, message.body.data = actions.reach_out_template(item)
        message.crisis_lines.data = True
    flags = db.session.scalars(
        db.select(CrisisFlag).where(CrisisFlag.post_id == item.post_id).order_by(CrisisFlag.id)
    ).all()
    hide = forms.pop("hide", None) or HideForm()
    if item.kind in (ItemKind.URGENT_CRISIS, ItemKind.CONCERN_CRISIS):
        hide.note.label.text = gettext("Note for the log (the author doesn't see it)")
    crisis = playbook.is_crisis_item(item)
    if crisis and request.method == "GET" and not message.body.data:
        # The playbook opens on reaching out: the template, lines included, is ready to send, in the
        # language the author reads the forum in.
        message.subject.data, message.body.data = actions.reach_out_template(item)
        message.crisis_lines.data = True
    context = {
        "crisis": crisis,
        "visibility": forms.pop("visibility", None) or VisibilityForm(),
        "outcome": forms.pop("outcome", None) or OutcomeForm(),
        "follow_up": forms.pop("follow_up", None) or FollowUpForm(),
        "timeline": playbook.timeline(item) if crisis else [],
        "recent_flags": services.recent_flagged_posts(item.post) if crisis else [],
        "item": item,
        "form": forms.pop("form", None) or ResolveForm(),
        "hide": hide,
        "move": move,
        "message": message,
        "member": forms.pop("member", None) or MemberActionForm(),
        "reveal": forms.pop("reveal", None) or RevealForm(),
        "note_form": NoteForm(),
        "flags": flags,
        "reports": services.item_reports(item),
        "history": services.author_history(item.post),
        "log": services.item_history(item),
        "conversations": conversations.item_conversations(item),
        "member_label": conversations.member_label,
        "holder": services.current_holder(item),
        "claim_expires": services.claim_expires_at(item),
        "now": _now(),
        **forms,
    }
    return render_template("moderation/item.html", **context), status


@bp.route("/items/<id:item_id>", methods=["GET", "POST"])
def show_item(item_id: int):
    item = _get_item(item_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            services.resolve_item(item, current_user, resolution=form.resolution.data, note=form.note.data)
        except InvalidAction as error:
            flash(error.message, "error")
        else:
            flash(gettext("Done. Thank you."), "success")
            return redirect(url_for("moderation.queue"))
    return _render_item(item, form=form)


def _act(item: QueueItem, form, call, done, form_name: str):
    """Validate a form, run one service, and go back to the item (or show the errors there).

    `done` is the flash message, or a function of the service's result that returns it.
    """
    if form.validate_on_submit():
        try:
            result = call()
        except InvalidAction as error:
            add_error(form, error, flash_unplaced=True)
        else:
            flash(done(result) if callable(done) else str(done), "success")
            return redirect(url_for("moderation.show_item", item_id=item.id))
    return _render_item(item, 400, **{form_name: form})


@bp.post("/unposted/<id:unposted_text_id>/resolve")
def resolve_unposted(unposted_text_id: int):
    item = db.session.get(UnpostedText, unposted_text_id)
    if item is None:
        abort(404)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            unposted.resolve_unposted(item, current_user, note=form.note.data)
        except InvalidAction as error:
            flash(error.message, "error")
        else:
            flash(gettext("Marked as dealt with."), "success")
    return redirect(url_for("moderation.queue"))


@bp.post("/items/<id:item_id>/claim")
def claim_item(item_id: int):
    item = _get_item(item_id)
    return _act(item, NoteForm(), lambda: services.claim_item(item, current_user), _l("It's yours."), "note_form")


@bp.post("/items/<id:item_id>/release")
def release_item(item_id: int):
    item = _get_item(item_id)
    return _act(item, NoteForm(), lambda: services.release_item(item, current_user), _l("Released."), "note_form")


@bp.post("/items/<id:item_id>/visibility")
def decide_visibility(item_id: int):
    item, form = _get_item(item_id), VisibilityForm()
    return _act(
        item,
        form,
        lambda: playbook.decide_visibility(item, current_user, choice=form.visibility.data, note=form.note.data),
        _l("Saved. Next: record what happened for the member."),
        "visibility",
    )


@bp.post("/items/<id:item_id>/outcome")
def record_outcome(item_id: int):
    item, form = _get_item(item_id), OutcomeForm()
    return _act(
        item,
        form,
        lambda: playbook.record_outcome(
            item, current_user, outcome=form.outcome.data, note=form.note.data, done=form.done.data
        ),
        _l("Outcome recorded. Thank you for looking after them."),
        "outcome",
    )


@bp.post("/items/<id:item_id>/follow-up")
def follow_up(item_id: int):
    item, form = _get_item(item_id), FollowUpForm()
    return _act(
        item,
        form,
        lambda: playbook.schedule_follow_up(item, current_user, hours=form.hours.data, note=form.note.data),
        _l("We'll reopen this item and remind you then."),
        "follow_up",
    )


@bp.post("/items/<id:item_id>/hand-off")
def hand_off(item_id: int):
    item, form = _get_item(item_id), NoteForm()

    def done(emails):
        if emails:
            return gettext("Handed off. The moderators on call have been alerted.")
        return gettext("Released with your note. Nobody else is on call right now, so it waits in the queue.")

    return _act(item, form, lambda: playbook.hand_off(item, current_user, note=form.note.data), done, "note_form")


@bp.post("/items/<id:item_id>/hide")
def hide_post(item_id: int):
    item, form = _get_item(item_id), HideForm()
    return _act(
        item,
        form,
        lambda: actions.hide_post(item, current_user, guideline=form.guideline.data, note=form.note.data),
        _l("The post is hidden. Resolve the item when you are done."),
        "hide",
    )


@bp.post("/items/<id:item_id>/lock")
def lock_topic(item_id: int):
    item, form = _get_item(item_id), NoteForm()
    locked = not item.post.topic.is_locked
    return _act(
        item,
        form,
        lambda: actions.set_topic_lock(item, current_user, locked=locked, note=form.note.data),
        _l("Topic locked.") if locked else _l("Topic unlocked."),
        "note_form",
    )


@bp.post("/items/<id:item_id>/move")
def move_topic(item_id: int):
    item, form = _get_item(item_id), MoveForm()
    form.board.choices = [(b.id, b.name) for b in db.session.scalars(db.select(Board))]

    def move():
        board = db.session.get(Board, form.board.data)
        actions.move_topic(item, current_user, board=board, note=form.note.data)

    return _act(item, form, move, _l("Topic moved."), "move")


@bp.post("/items/<id:item_id>/message")
def message_author(item_id: int):
    item, form = _get_item(item_id), MessageForm()
    return _act(
        item,
        form,
        lambda: actions.message_author(
            item, current_user, subject=form.subject.data, body=form.body.data, crisis_lines=form.crisis_lines.data
        ),
        _l("Message sent to the author's account."),
        "message",
    )


@bp.post("/items/<id:item_id>/member")
def act_on_member(item_id: int):
    item, form = _get_item(item_id), MemberActionForm()

    def act():
        if form.action.data == "warn":
            return actions.warn_member(item, current_user, note=form.note.data)
        if form.action.data == "suspend":
            return actions.suspend_member(item, current_user, days=form.days.data, note=form.note.data)
        return actions.ban_member(item, current_user, note=form.note.data)

    return _act(item, form, act, actions.member_action_message, "member")


@bp.post("/members/<pseudonym>/restrict")
def restrict_member(pseudonym: str):
    member = find_user(pseudonym[:40])
    if member is None:
        abort(404)
    form = MemberActionForm()
    if form.validate_on_submit():
        try:
            actions.restrict_account(
                member, current_user, action=form.action.data, days=form.days.data, note=form.note.data
            )
        except InvalidAction as error:
            flash(error.message, "error")
        else:
            flash(gettext(actions.DONE_MESSAGE), "success")
    else:
        flash(
            " ".join(str(e) for errors in form.errors.values() for e in errors) or gettext("Please check the form."),
            "error",
        )
    return redirect(url_for("boards.show_member", pseudonym=member.pseudonym))


@bp.post("/items/<id:item_id>/escalate")
def escalate_item(item_id: int):
    item, form = _get_item(item_id), NoteForm()
    return _act(
        item,
        form,
        lambda: actions.escalate_item(item, current_user, note=form.note.data),
        _l("Sent to the admins."),
        "note_form",
    )


@bp.post("/items/<id:item_id>/reveal")
def reveal_author(item_id: int):
    item, form = _get_item(item_id), RevealForm()
    if form.validate_on_submit():
        try:
            pseudonym = actions.reveal_author(item, current_user, reason=form.reason.data)
        except InvalidAction as error:
            if error.field:
                add_error(form, error, default="reason")
            else:
                flash(error.message, "error")
        else:
            # Shown once, on this response only: never flashed into the session cookie.
            return _render_item(item, revealed=pseudonym)
    return _render_item(item, 400, reveal=form)


@bp.route("/messages")
def list_conversations():
    return render_template(
        "moderation/conversations.html",
        messages=conversations.staff_conversations(),
        member_label=conversations.member_label,
    )


@bp.route("/messages/<id:message_id>", methods=["GET", "POST"])
def show_conversation(message_id: int):
    message = conversations.get_message(message_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            conversations.answer_member(message, current_user, body=form.body.data)
        except InvalidAction as error:
            add_error(form, error, default="body")
        else:
            flash(gettext("Your answer is in the member's messages."), "success")
            return redirect(url_for("moderation.show_conversation", message_id=message.id))
    new = conversations.staff_opens(message, current_user) if request.method == "GET" else set()
    item = services.open_item_for(message.post) if message.post is not None else None
    return render_template(
        "moderation/message.html",
        message=message,
        form=form,
        new=new,
        lines=[],
        staff=True,
        item=item,
        member_name=conversations.member_label(message, current_user),
    ), 200 if request.method == "GET" else 400


@bp.route("/log")
def audit_log():
    if not can_read_moderation_log(current_user):
        abort(403)
    form = LogFilterForm(request.args)
    everything = can_read_audit_log(current_user)
    shown = [a for a in services.logged_actions() if everything or a not in services.ADMIN_ONLY_ACTIONS]
    form.action.choices = [("", gettext("Any action"))] + [(a, a) for a in shown]
    entries = []
    if form.validate():
        entries = services.audit_log(
            action=form.action.data or None,
            moderator=form.moderator.data,
            member=form.member.data,
            since=datetime.combine(form.since.data, time()) if form.since.data else None,
            until=datetime.combine(form.until.data, time()) + timedelta(days=1) if form.until.data else None,
            everything=everything,
        )
    return render_template("moderation/log.html", form=form, entries=entries)


@bp.route("/on-call", methods=["GET", "POST"])
def on_call():
    form, email_form = OnCallForm(prefix="oncall"), AlertEmailForm(prefix="email")
    try:
        if request.method == "POST" and "email-alert_email" in request.form and email_form.validate_on_submit():
            oncall.set_alert_email(current_user, email_form.alert_email.data)
            flash(gettext("Alert address saved."), "success")
            return redirect(url_for("moderation.on_call"))
        if request.method == "POST" and "oncall-hours" in request.form and form.validate_on_submit():
            oncall.set_on_call(current_user, hours=form.hours.data or 0)
            flash(gettext("On-call status saved."), "success")
            return redirect(url_for("moderation.on_call"))
    except InvalidAction as error:
        flash(error.message, "error")
    if request.method == "GET":
        email_form.alert_email.data = current_user.alert_email
    status = 400 if request.method == "POST" else 200
    return render_template("moderation/on_call.html", form=form, email_form=email_form, now=_now()), status

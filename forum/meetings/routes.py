from babel.dates import format_datetime
from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required

from forum import permissions
from forum.accounts.forms import ActionForm
from forum.accounts.models import utcnow
from forum.errors import InvalidAction, add_error
from forum.i18n import DEFAULT_LANGUAGE, seeded, select_locale
from forum.i18n import lazy_text as _l
from forum.meetings import ical, reminders, services
from forum.meetings.forms import MeetingForm, MeetingPostForm
from forum.meetings.models import Meeting
from forum.meetings.services import RoomState
from forum.permissions import Capability, role_required
from forum.posting import current_submission, kept_fields, note_refusal, screened
from forum.ratelimits import POSTING_LIMIT, spend

bp = Blueprint("meetings", __name__)

STATUS_TEXT = {
    RoomState.UPCOMING: _l("Not open yet: the room opens at the start time."),
    RoomState.OPEN: _l("The room is open. New posts appear here as they are sent."),
    RoomState.CLOSED: _l("The facilitator has closed the room for now."),
    RoomState.ENDED: _l("This meeting has ended."),
    RoomState.CANCELLED: _l("This meeting was cancelled."),
}


@bp.app_template_filter("meeting_time")
def meeting_time(value) -> str:
    """A stored (UTC) time as members read it, with its zone: "Tue 8 Dec 2026, 19:00 UTC" or "mar 8 dic 2026, 19:00 UTC"."""
    if select_locale() == DEFAULT_LANGUAGE:
        return f"{value:%a} {value.day} {value:%b %Y, %H:%M} UTC"
    return format_datetime(value, "EEE d MMM y, HH:mm", locale=get_locale()) + " UTC"


def _runnable(meeting_id: int) -> Meeting:
    meeting = services.get_meeting(meeting_id)
    if not permissions.can_run_meeting(current_user, meeting):
        abort(403)
    return meeting


@bp.route("/meetings")
def list_meetings():
    now = utcnow()
    meetings = services.upcoming_meetings(now)
    return render_template("meetings/meetings.html", meetings=meetings, now=now, room_state=services.room_state)


@bp.route("/meetings.ics")
def meetings_calendar():
    now = utcnow()
    events = [
        ical.Event(
            uid=f"meeting-{meeting.id}@{request.host}",
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            stamp=meeting.updated_at,
            summary=meeting.title,
            description=gettext("Board: %(board)s.", board=seeded(meeting.board.name))
            + " "
            + (
                gettext("Posts are kept after the meeting.")
                if meeting.keep_posts
                else gettext("Posts are erased after the meeting.")
            ),
            url=url_for("meetings.show_meeting", meeting_id=meeting.id, _external=True),
            cancelled=meeting.cancelled_at is not None,
        )
        for meeting in services.calendar_meetings(now)
    ]
    body = ical.calendar(events, name=gettext("Dual Recovery Forum meetings"))
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": "inline; filename=meetings.ics"})


def _meeting_form(meeting: Meeting | None) -> MeetingForm:
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    form.board_id.choices = [(board.id, seeded(board.name)) for board in services.meeting_boards()]
    form.facilitator_id.choices = [(user.id, user.pseudonym) for user in services.meeting_hosts()]
    if request.method == "GET":
        form.facilitator_id.data = meeting.facilitator_id if meeting else current_user.id
        if meeting is not None:
            form.keep.data = "keep" if meeting.keep_posts else "erase"
    return form


def _details(form: MeetingForm) -> dict:
    return {
        "title": form.title.data or "",
        "board": services.find_board(form.board_id.data),
        "starts_at": form.starts_at.data,
        "length_minutes": form.length_minutes.data,
        "reading": form.reading.data or "",
        "keep_posts": form.keep.data == "keep",
        "facilitator": services.find_host(form.facilitator_id.data),
        "now": utcnow(),
    }


def _after_details(meeting: Meeting, done: str):
    flash(done, "success")
    url = url_for("meetings.show_meeting", meeting_id=meeting.id)
    submission = current_submission()
    if submission is not None and submission.is_risky:
        # As after a post: the writer sees the support panel first.
        session["show_support"] = {"level": submission.level, "held": False}
        return redirect(f"{url}#support")
    return redirect(url)


@bp.route("/meetings/new", methods=["GET", "POST"])
@screened("meeting description", fields=("title", "reading"), keep=("board_id", "starts_at", "length_minutes", "keep"))
@role_required(Capability.SCHEDULE_MEETINGS)
def new_meeting():
    form = _meeting_form(None)
    if form.validate_on_submit():
        try:
            meeting = services.schedule_meeting(current_user, **_details(form))
        except InvalidAction as error:
            add_error(form, error)
        else:
            return _after_details(meeting, gettext("The meeting is scheduled."))
    if request.method == "POST":
        note_refusal(form)
    status = 400 if request.method == "POST" else 200
    return render_template("meetings/edit_meeting.html", form=form, meeting=None), status


@bp.route("/meetings/<id:meeting_id>/edit", methods=["GET", "POST"])
@screened("meeting description", fields=("title", "reading"), keep=("board_id", "starts_at", "length_minutes", "keep"))
@login_required
def edit_meeting(meeting_id: int):
    meeting = _runnable(meeting_id)
    form = _meeting_form(meeting)
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, current_user, **_details(form))
        except InvalidAction as error:
            add_error(form, error)
        else:
            return _after_details(meeting, gettext("The meeting is updated."))
    if request.method == "POST":
        note_refusal(form)
    status = 400 if request.method == "POST" else 200
    return render_template("meetings/edit_meeting.html", form=form, meeting=meeting), status


def _room_action(meeting_id: int, action, done: str, **kwargs):
    """A facilitator's one-button action on the room: run it, say what happened, back to the room."""
    meeting = _runnable(meeting_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(meeting, current_user, **kwargs)
    except InvalidAction as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("meetings.show_meeting", meeting_id=meeting.id))


@bp.post("/meetings/<id:meeting_id>/cancel")
@login_required
def cancel_meeting(meeting_id: int):
    return _room_action(meeting_id, services.cancel_meeting, gettext("The meeting is cancelled."), now=utcnow())


@bp.post("/meetings/<id:meeting_id>/open")
@login_required
def open_room(meeting_id: int):
    return _room_action(meeting_id, services.open_room, gettext("The room is open for posts."), now=utcnow())


@bp.post("/meetings/<id:meeting_id>/close")
@login_required
def close_room(meeting_id: int):
    return _room_action(
        meeting_id,
        services.close_room,
        gettext("The room is closed. You can reopen it until the end time."),
        now=utcnow(),
    )


@bp.post("/meetings/<id:meeting_id>/pin")
@login_required
def pin_reading(meeting_id: int):
    pinned = request.form.get("pinned") != "0"
    return _room_action(meeting_id, services.pin_reading, gettext("Done."), pinned=pinned)


@bp.post("/meetings/<id:meeting_id>/pause/<id:meeting_post_id>")
@login_required
def pause_participant(meeting_id: int, meeting_post_id: int):
    meeting = _runnable(meeting_id)
    post = services.get_meeting_post(meeting, meeting_post_id)
    return _room_action(
        meeting_id,
        lambda m, by, now: services.pause_participant(m, post, by, now=now),
        gettext("Paused for the rest of the meeting. Their form tells them so."),
        now=utcnow(),
    )


def _room(meeting: Meeting, form: MeetingPostForm | None, status: int = 200):
    now = utcnow()
    services.erase_if_ended(meeting, now=now)
    state = services.room_state(meeting, now)
    if state == RoomState.OPEN:
        services.record_visit(meeting, current_user, now=now)
    posts = services.room_posts(meeting, current_user)
    paused = services.is_paused(meeting, current_user)
    if form is None and state == RoomState.OPEN and not paused and permissions.can_post(current_user):
        form = MeetingPostForm(data=kept_fields())
    page = render_template(
        "meetings/meeting.html",
        meeting=meeting,
        state=state,
        status_text=str(STATUS_TEXT[state]),
        posts=posts,
        form=form,
        paused=paused,
        attendance=services.attendance(meeting),
        label=services.meeting_author_label,
        can_run=permissions.can_run_meeting(current_user, meeting),
        reminded=state == RoomState.UPCOMING and reminders.wants_reminder(meeting, current_user),
    )
    return page, status


@bp.post("/meetings/<id:meeting_id>/remind")
@login_required
def remind_me(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    if not permissions.can_ask_meeting_reminder(current_user):
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    wanted = request.form.get("remind") != "0"
    try:
        reminders.set_reminder(meeting, current_user, wanted=wanted, now=utcnow())
    except InvalidAction as error:
        flash(error.message, "error")
    else:
        done = (
            gettext("We'll remind you shortly before it starts.")
            if wanted
            else gettext("No reminder for this meeting.")
        )
        flash(done, "success")
    return redirect(url_for("meetings.show_meeting", meeting_id=meeting.id))


@bp.route("/meetings/<id:meeting_id>")
@login_required
def show_meeting(meeting_id: int):
    return _room(services.get_meeting(meeting_id), None)


@bp.route("/meetings/<id:meeting_id>/live")
@login_required
def live_posts(meeting_id: int):
    """New posts since `after`, as HTML the page appends, and the room's state: polled by meeting.js."""
    meeting = services.get_meeting(meeting_id)
    now = utcnow()
    services.erase_if_ended(meeting, now=now)
    state = services.room_state(meeting, now)
    after = min(max(request.args.get("after", 0, type=int) or 0, 0), 2**31 - 1)
    posts = services.room_posts(meeting, current_user, after_id=after)
    html = render_template(
        "meetings/_posts.html",
        meeting=meeting,
        posts=posts,
        label=services.meeting_author_label,
        can_run=permissions.can_run_meeting(current_user, meeting),
    )
    # A participant paused while the page was open learns it from the status line, keeping what they typed.
    paused = state == RoomState.OPEN and services.is_paused(meeting, current_user)
    return jsonify(
        state=state.value,
        status=gettext(services.PAUSED) if paused else str(STATUS_TEXT[state]),
        html=html if posts else "",
        last_id=posts[-1].id if posts else after,
        erased=meeting.erased_at is not None,
    )


@bp.route("/meetings/<id:meeting_id>/post", methods=["POST"])
@screened("meeting", fields=("body",), keep=("anonymous",), back="meetings.show_meeting")
@login_required
def post_in_meeting(meeting_id: int):
    meeting = services.get_meeting(meeting_id)
    form = MeetingPostForm()
    if form.validate_on_submit():
        try:
            post = services.post_in_meeting(
                meeting,
                current_user,
                body=form.body.data or "",
                anonymous=form.anonymous.data,
                now=utcnow(),
                before_write=lambda: spend(POSTING_LIMIT, "meeting-posting"),
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            url = url_for("meetings.show_meeting", meeting_id=meeting.id)
            if post.crisis_level:
                session["show_support"] = {"level": post.crisis_level, "held": post.is_held}
                return redirect(f"{url}#support")
            return redirect(f"{url}#meeting-post-{post.id}")
    note_refusal(form)
    return _room(meeting, form, 400)

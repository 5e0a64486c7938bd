from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.i18n import lazy_text as _l
from forum.moderation.actions import GUIDELINES, MAX_MESSAGE, MAX_NOTE, MAX_SUSPENSION_DAYS
from forum.moderation.models import REPORT_REASON_LABELS
from forum.moderation.oncall import MAX_ON_CALL_HOURS
from forum.moderation.playbook import MAX_FOLLOW_UP_HOURS, OUTCOMES, VISIBILITY
from forum.moderation.reports import MAX_REPORT_NOTE
from forum.validation import date_in_range


def _note(label=None, required: bool = False):
    label = label or _l("Note for the log")
    validators = [DataRequired(message=_l("Please write a note."))] if required else [Optional()]
    return TextAreaField(label, validators=[*validators, Length(max=MAX_NOTE)])


class ResolveForm(FlaskForm):
    resolution = SelectField(
        _l("Decision"),
        choices=[
            ("approve", _l("Approve and publish")),
            ("keep", _l("Resolve and keep visible")),
            ("resolve", _l("Resolve: nothing more to do")),
        ],
    )
    note = _note()


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What's wrong?"),
        choices=[(reason.value, _l(label)) for reason, label in REPORT_REASON_LABELS.items()],
        validators=[DataRequired(message=_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Anything the moderators should know (optional)"), validators=[Optional(), Length(max=MAX_REPORT_NOTE)]
    )


class NoteForm(FlaskForm):
    note = _note()


class HideForm(FlaskForm):
    # A crisis item's form sends "care": its author never reads a guideline.
    guideline = SelectField(
        _l("Guideline"),
        choices=[*((key, _l(label)) for key, label in GUIDELINES.items()), ("care", _l("Keep hidden with care"))],
    )
    note = _note(_l("What the author should know (they see this)"), required=True)


class MoveForm(FlaskForm):
    board = SelectField(_l("Move to board"), coerce=int)
    note = _note()


class MessageForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=150)])
    body = TextAreaField(
        _l("Message"), validators=[DataRequired(message=_l("Please write a message.")), Length(max=MAX_MESSAGE)]
    )
    crisis_lines = BooleanField(_l("Show the crisis lines under the message"))


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Your reply"), validators=[DataRequired(message=_l("Please write a reply.")), Length(max=MAX_MESSAGE)]
    )


class MemberActionForm(FlaskForm):
    action = SelectField(_l("Action"), choices=[("warn", _l("Warn")), ("suspend", _l("Suspend")), ("ban", _l("Ban"))])
    days = IntegerField(_l("Days (suspension only)"), validators=[Optional(), NumberRange(1, MAX_SUSPENSION_DAYS)])
    note = _note(_l("Reason (the member sees it)"), required=True)


class RevealForm(FlaskForm):
    reason = TextAreaField(
        _l("Why you need to know who wrote this (logged; the member is told)"),
        validators=[DataRequired(message=_l("A written reason is required.")), Length(max=MAX_NOTE)],
    )


class OnCallForm(FlaskForm):
    hours = IntegerField(
        _l("On call for (hours; 0 to stop)"), validators=[Optional(), NumberRange(0, MAX_ON_CALL_HOURS)]
    )


class AlertEmailForm(FlaskForm):
    alert_email = StringField(_l("Private alert address (staff only)"), validators=[Optional(), Length(max=254)])


class LogFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField(_l("Action"), choices=[], validators=[Optional()])
    moderator = StringField(_l("Moderator"), validators=[Optional(), Length(max=30)])
    member = StringField(_l("Member"), validators=[Optional(), Length(max=30)])
    since = DateField(_l("From"), validators=[Optional(), date_in_range])
    until = DateField(_l("Until (inclusive)"), validators=[Optional(), date_in_range])


class VisibilityForm(FlaskForm):
    # No default: a crisis post is never published by one unconsidered click.
    visibility = RadioField(
        _l("What happens to the post?"),
        choices=[(key, _l(label)) for key, label in VISIBILITY.items()],
        validators=[DataRequired(message=_l("Choose what happens to the post."))],
    )
    note = _note()


class OutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("What happened?"),
        choices=[(key, _l(label)) for key, label in OUTCOMES.items()],
        validators=[DataRequired(message=_l("Choose what happened."))],
    )
    note = _note()
    done = BooleanField(_l("This item is done: close it"))


class FollowUpForm(FlaskForm):
    hours = IntegerField(
        _l("Check back in (hours)"),
        validators=[DataRequired(message=_l("Choose how many hours.")), NumberRange(min=1, max=MAX_FOLLOW_UP_HOURS)],
    )
    note = _note()

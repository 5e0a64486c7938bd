from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.i18n import lazy_text as _l
from forum.mentoring.concerns import MAX_REASON
from forum.mentoring.services import MAX_MESSAGE, MAX_NOTE
from forum.validation import date_in_range


class AskForm(FlaskForm):
    note = TextAreaField(
        _l("What would you like support with?"),
        validators=[
            DataRequired(message=_l("Please say in a line or two what you'd like support with.")),
            Length(max=MAX_NOTE),
        ],
        description=_l("A line or two is enough. Peer mentors see this note with your pseudonym."),
    )


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Your message"), validators=[DataRequired(message=_l("Please write a message.")), Length(max=MAX_MESSAGE)]
    )


class ReportMessageForm(FlaskForm):
    reason = TextAreaField(_l("What worries you? (optional)"), validators=[Optional(), Length(max=MAX_REASON)])


class GrantForm(FlaskForm):
    pseudonym = StringField(
        _l("Member's pseudonym"), validators=[DataRequired(message=_l("Whose badge?")), Length(max=30)]
    )
    trained_on = DateField(
        _l("Date they finished the peer mentor training"),
        validators=[DataRequired(message=_l("Enter the training date.")), date_in_range],
    )


class ResolveConcernForm(FlaskForm):
    note = StringField("Note for the log (optional)", validators=[Optional(), Length(max=MAX_REASON)])

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from forum.i18n import lazy_text as _l
from forum.meetings.services import MAX_POST, MAX_READING, MAX_TITLE

# Forms only check shape; the services give the friendly messages, and the member's text always comes back.

KEEP_CHOICES = [
    ("erase", _l("Erase the posts when the meeting ends (members are told before they join)")),
    ("keep", _l("Keep the posts after the meeting (members are told before they join)")),
]


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Length(max=MAX_TITLE * 2)])
    board_id = SelectField(_l("Board"), coerce=int, choices=[])
    starts_at = DateTimeLocalField(
        _l("Starts (UTC)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description=_l("Date and time in UTC; members see it with the zone."),
    )
    length_minutes = IntegerField(_l("Length in minutes"), default=60, validators=[Optional()])
    facilitator_id = SelectField(_l("Facilitator"), coerce=int, choices=[])
    reading = TextAreaField(
        _l("Reading or topic (optional)"),
        validators=[Optional(), Length(max=MAX_READING * 2)],
        description=_l("Markdown works. You can pin it above the posts during the meeting."),
    )
    keep = RadioField(_l("After the meeting"), choices=KEEP_CHOICES, default="erase")


class MeetingPostForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[Length(max=MAX_POST * 2)])
    anonymous = BooleanField(
        _l("Post anonymously"), description=_l("Others in the room see “Anonymous member” instead of your pseudonym.")
    )

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from forum.meetings.services import MAX_POST, MAX_READING, MAX_TITLE

# Forms only check shape; the services give the friendly messages, and the member's text always comes back.

KEEP_CHOICES = [
    ("erase", "Erase the posts when the meeting ends (members are told before they join)"),
    ("keep", "Keep the posts after the meeting (members are told before they join)"),
]


class MeetingForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=MAX_TITLE * 2)])
    board_id = SelectField("Board", coerce=int, choices=[])
    starts_at = DateTimeLocalField(
        "Starts (UTC)",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description="Date and time in UTC; members see it with the zone.",
    )
    length_minutes = IntegerField("Length in minutes", default=60, validators=[Optional()])
    facilitator_id = SelectField("Facilitator", coerce=int, choices=[])
    reading = TextAreaField(
        "Reading or topic (optional)",
        validators=[Optional(), Length(max=MAX_READING * 2)],
        description="Markdown works. You can pin it above the posts during the meeting.",
    )
    keep = RadioField("After the meeting", choices=KEEP_CHOICES, default="erase")


class MeetingPostForm(FlaskForm):
    body = TextAreaField("Your message", validators=[Length(max=MAX_POST * 2)])
    anonymous = BooleanField(
        "Post anonymously", description="Others in the room see “Anonymous member” instead of your pseudonym."
    )

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.resources.models import CATEGORY_LABELS
from forum.resources.services import MAX_NOTE
from forum.validation import date_in_range

NOTE_REQUIRED = "Please say why, for the moderation log."


class NoteForm(FlaskForm):
    """A facilitator action: the reason that goes into the moderation log."""

    note = StringField("Reason", validators=[DataRequired(message=NOTE_REQUIRED), Length(max=MAX_NOTE)])


class ResourceForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the resource a title."), Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=500)])
    url = StringField("Web address", validators=[Optional(), Length(max=300)], description="Starting with https://")
    phone = StringField("Phone number", validators=[Optional(), Length(max=40)])
    category = SelectField("Category", choices=[(c.value, label) for c, label in CATEGORY_LABELS.items()])
    board_id = SelectField(
        "Board", coerce=int, choices=[], description="Leave as 'Whole forum' to show it on every board when pinned."
    )
    position = IntegerField("Order within its category", default=0, validators=[Optional(), NumberRange(0, 1000)])
    last_checked = DateField("Last checked", validators=[Optional(), date_in_range])
    note = StringField("Reason for this change", validators=[DataRequired(message=NOTE_REQUIRED), Length(max=MAX_NOTE)])

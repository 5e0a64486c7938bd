from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.i18n import lazy_text as _l
from forum.resources.models import CATEGORY_LABELS
from forum.resources.services import MAX_NOTE
from forum.validation import date_in_range

NOTE_REQUIRED = _l("Please say why, for the moderation log.")


class NoteForm(FlaskForm):
    """A facilitator action: the reason that goes into the moderation log."""

    note = StringField(_l("Reason"), validators=[DataRequired(message=NOTE_REQUIRED), Length(max=MAX_NOTE)])


class ResourceForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Give the resource a title.")), Length(max=120)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=500)])
    url = StringField(
        _l("Web address"), validators=[Optional(), Length(max=300)], description=_l("Starting with https://")
    )
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=40)])
    category = SelectField(_l("Category"), choices=[(c.value, _l(label)) for c, label in CATEGORY_LABELS.items()])
    board_id = SelectField(
        _l("Board"),
        coerce=int,
        choices=[],
        description=_l("Leave as 'Whole forum' to show it on every board when pinned."),
    )
    position = IntegerField(_l("Order within its category"), default=0, validators=[Optional(), NumberRange(0, 1000)])
    last_checked = DateField(_l("Last checked"), validators=[Optional(), date_in_range])
    note = StringField(
        _l("Reason for this change"), validators=[DataRequired(message=NOTE_REQUIRED), Length(max=MAX_NOTE)]
    )

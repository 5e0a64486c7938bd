from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.crisis.hotlines import REGIONS
from forum.i18n import lazy_text as _l
from forum.validation import date_in_range


class HotlineForm(FlaskForm):
    region = SelectField(_l("Region"), choices=list(REGIONS.items()))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Phone number to call"), validators=[Optional(), Length(max=40)])
    sms_number = StringField(_l("Number to text"), validators=[Optional(), Length(max=40)])
    sms_body = StringField(_l("Word to text (e.g. HOME)"), validators=[Optional(), Length(max=40)])
    url = StringField(_l("Web address"), validators=[Optional(), Length(max=300)])
    position = IntegerField(_l("Order"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    is_primary = BooleanField(_l("Show first, as a button"))
    last_checked = DateField(_l("Last checked"), validators=[Optional(), date_in_range])


class FeedbackForm(FlaskForm):
    verdict = SelectField(_l("Was the flagger right?"), choices=[])


class FlagMissedForm(FlaskForm):
    level = SelectField(_l("Level"), choices=[("concern", _l("Concern")), ("urgent", _l("Urgent"))])
    note = TextAreaField(_l("What did the flagger miss?"), validators=[DataRequired(), Length(max=500)])

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.crisis.hotlines import REGIONS
from forum.validation import date_in_range


class HotlineForm(FlaskForm):
    region = SelectField("Region", choices=list(REGIONS.items()))
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    description = StringField("Description", validators=[Optional(), Length(max=300)])
    phone = StringField("Phone number to call", validators=[Optional(), Length(max=40)])
    sms_number = StringField("Number to text", validators=[Optional(), Length(max=40)])
    sms_body = StringField("Word to text (e.g. HOME)", validators=[Optional(), Length(max=40)])
    url = StringField("Web address", validators=[Optional(), Length(max=300)])
    position = IntegerField("Order", default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    is_primary = BooleanField("Show first, as a button")
    last_checked = DateField("Last checked", validators=[Optional(), date_in_range])


class FeedbackForm(FlaskForm):
    verdict = SelectField("Was the flagger right?", choices=[])


class FlagMissedForm(FlaskForm):
    level = SelectField("Level", choices=[("concern", "Concern"), ("urgent", "Urgent")])
    note = TextAreaField("What did the flagger miss?", validators=[DataRequired(), Length(max=500)])

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from forum.recovery.models import MEDICATION_LABELS
from forum.recovery.rules import HARD_DAYS, HARD_WINDOW, HIGH_CRAVINGS, LOW_MOOD
from forum.recovery.services import MAX_LABEL, MAX_NOTE
from forum.recovery.zones import TIME_ZONES
from forum.validation import past_date_in_range

MOOD_LABELS = {1: "1 · very low", 2: "2 · low", 3: "3 · okay", 4: "4 · good", 5: "5 · very good"}
SLEEP_LABELS = {1: "1 · very poor", 2: "2 · poor", 3: "3 · okay", 4: "4 · good", 5: "5 · very good"}


class CheckInForm(FlaskForm):
    mood = RadioField(
        "Mood today", choices=list(MOOD_LABELS.items()), coerce=int, validators=[InputRequired("Choose your mood.")]
    )
    cravings = RadioField(
        "Cravings today (0 none, 10 the strongest)",
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        validators=[InputRequired("Choose your cravings, from 0 to 10.")],
    )
    sleep = RadioField(
        "How did you sleep?",
        choices=list(SLEEP_LABELS.items()),
        coerce=int,
        validators=[InputRequired("Choose how you slept.")],
    )
    medication = RadioField(
        "Medication taken as planned",
        choices=[(str(k), v) for k, v in MEDICATION_LABELS.items()],
        validators=[InputRequired("Choose yes, no or not applicable.")],
    )
    note = StringField(
        "One line about today (optional)",
        validators=[Optional(), Length(max=MAX_NOTE)],
        description="Only you see it, unless it sounds like you may be in danger: then the moderators see this line.",
    )


class StartForm(FlaskForm):
    label = StringField(
        "What you count",
        validators=[InputRequired("Name what you count."), Length(max=MAX_LABEL)],
        description="For example “clean and sober”, “alcohol” or “cannabis”.",
    )
    started_on = DateField(
        "Start date", validators=[InputRequired("Choose the date you count from."), past_date_in_range]
    )


class ResetForm(FlaskForm):
    started_on = DateField(
        "New start date", validators=[InputRequired("Choose the date you count from."), past_date_in_range]
    )


class ShareForm(FlaskForm):
    anonymous = BooleanField("Share anonymously")


class PreferenceForm(FlaskForm):
    tell_moderators = BooleanField(
        "Let a moderator know if my check-ins look hard",
        description=(
            f"When {HARD_DAYS} of your last {HARD_WINDOW} check-ins (within a week) have cravings of {HIGH_CRAVINGS} "
            f"or more and a mood of {LOW_MOOD} or less, the moderators get one note saying so, without your "
            "check-ins. Off unless you turn it on."
        ),
    )
    time_zone = SelectField(
        "Your time zone",
        choices=[("", "As my support-lines region")]
        + [(zone, f"{label} ({zone})") for zone, label in TIME_ZONES.items()],
        validators=[Optional()],
        description="A new check-in day starts at midnight here.",
    )

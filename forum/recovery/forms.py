from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from forum.i18n import lazy_text as _l
from forum.recovery.models import MEDICATION_LABELS
from forum.recovery.rules import HARD_DAYS, HARD_WINDOW, HIGH_CRAVINGS, LOW_MOOD
from forum.recovery.services import MAX_LABEL, MAX_NOTE
from forum.recovery.zones import TIME_ZONES
from forum.validation import past_date_in_range

MOOD_LABELS = {1: _l("1 · very low"), 2: _l("2 · low"), 3: _l("3 · okay"), 4: _l("4 · good"), 5: _l("5 · very good")}
SLEEP_LABELS = {
    1: _l("1 · very poor"),
    2: _l("2 · poor"),
    3: _l("3 · okay"),
    4: _l("4 · good"),
    5: _l("5 · very good"),
}


class CheckInForm(FlaskForm):
    mood = RadioField(
        _l("Mood today"),
        choices=list(MOOD_LABELS.items()),
        coerce=int,
        validators=[InputRequired(_l("Choose your mood."))],
    )
    cravings = RadioField(
        _l("Cravings today (0 none, 10 the strongest)"),
        choices=[(n, str(n)) for n in range(11)],
        coerce=int,
        validators=[InputRequired(_l("Choose your cravings, from 0 to 10."))],
    )
    sleep = RadioField(
        _l("How did you sleep?"),
        choices=list(SLEEP_LABELS.items()),
        coerce=int,
        validators=[InputRequired(_l("Choose how you slept."))],
    )
    medication = RadioField(
        _l("Medication taken as planned"),
        choices=[(str(k), _l(v)) for k, v in MEDICATION_LABELS.items()],
        validators=[InputRequired(_l("Choose yes, no or not applicable."))],
    )
    note = StringField(
        _l("One line about today (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE)],
        description=_l(
            "Only you see it, unless it sounds like you may be in danger: then the moderators see this line."
        ),
    )


class StartForm(FlaskForm):
    label = StringField(
        _l("What you count"),
        validators=[InputRequired(_l("Name what you count.")), Length(max=MAX_LABEL)],
        description=_l("For example “clean and sober”, “alcohol” or “cannabis”."),
    )
    started_on = DateField(
        _l("Start date"), validators=[InputRequired(_l("Choose the date you count from.")), past_date_in_range]
    )


class ResetForm(FlaskForm):
    started_on = DateField(
        _l("New start date"), validators=[InputRequired(_l("Choose the date you count from.")), past_date_in_range]
    )


class ShareForm(FlaskForm):
    anonymous = BooleanField(_l("Share anonymously"))


class PreferenceForm(FlaskForm):
    tell_moderators = BooleanField(
        _l("Let a moderator know if my check-ins look hard"),
        description=_l(
            "When %(days)s of your last %(window)s check-ins (within a week) have cravings of %(cravings)s or more "
            "and a mood of %(mood)s or less, the moderators get one note saying so, without your check-ins. "
            "Off unless you turn it on.",
            days=HARD_DAYS,
            window=HARD_WINDOW,
            cravings=HIGH_CRAVINGS,
            mood=LOW_MOOD,
        ),
    )
    time_zone = SelectField(
        _l("Your time zone"),
        choices=[],
        validators=[Optional()],
        description=_l("A new check-in day starts at midnight here."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The places' names in the reader's language; the zone's own name stays as the tz database writes it.
        self.time_zone.choices = [("", gettext("As my support-lines region"))] + [
            (zone, f"{gettext(label)} ({zone})") for zone, label in TIME_ZONES.items()
        ]

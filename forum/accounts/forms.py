from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.accounts.safety_plan import MAX_SECTION, SECTIONS
from forum.accounts.services import MIN_PASSWORD_LENGTH
from forum.i18n import LANGUAGES
from forum.i18n import lazy_text as _l


class RegisterForm(FlaskForm):
    pseudonym = StringField(
        _l("Pseudonym"),
        validators=[DataRequired(message=_l("Choose a pseudonym.")), Length(min=3, max=30)],
        description=_l("3 to 30 letters, digits, - or _. Not your real name, email or phone number."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Choose a password.")), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=_l("At least %(num)s characters.", num=MIN_PASSWORD_LENGTH),
    )
    agree = BooleanField(_l("I have read the community guidelines and agree to them"))


class LoginForm(FlaskForm):
    pseudonym = StringField(_l("Pseudonym"), validators=[DataRequired(), Length(max=30)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Remember me on this device"))


class RecoverForm(FlaskForm):
    pseudonym = StringField(_l("Pseudonym"), validators=[DataRequired(), Length(max=30)])
    code = StringField(_l("Recovery code"), validators=[DataRequired(), Length(max=40)])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)]
    )


class RegionForm(FlaskForm):
    region = SelectField(_l("Where are you?"), choices=[])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=list(LANGUAGES.items()))


class DeleteAccountForm(FlaskForm):
    posts = RadioField(
        _l("What should happen to your posts?"),
        choices=[
            (
                "keep",
                _l(
                    'Leave them, with nothing linking them to you: named posts show "Former member", '
                    'anonymous ones stay "Anonymous member"'
                ),
            ),
            ("remove", _l("Remove them: each leaves a placeholder and its text is erased")),
        ],
        validators=[DataRequired(message=_l("Please choose what happens to your posts."))],
    )
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):
    """A one-button action: only the CSRF token."""


class SafetyPlanForm(FlaskForm):
    """Seven optional text sections, one per step of the plan; built from SECTIONS below."""


for _section in SECTIONS:
    setattr(
        SafetyPlanForm,
        _section.field,
        TextAreaField(_section.label, validators=[Optional(), Length(max=MAX_SECTION)], description=_section.hint),
    )
del _section

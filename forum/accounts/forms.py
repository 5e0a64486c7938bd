from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from forum.accounts.safety_plan import MAX_SECTION, SECTIONS
from forum.accounts.services import MIN_PASSWORD_LENGTH
from forum.i18n import LANGUAGES


class RegisterForm(FlaskForm):
    pseudonym = StringField(
        "Pseudonym",
        validators=[DataRequired(message="Choose a pseudonym."), Length(min=3, max=30)],
        description="3 to 30 letters, digits, - or _. Not your real name, email or phone number.",
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Choose a password."), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    agree = BooleanField("I have read the community guidelines and agree to them")


class LoginForm(FlaskForm):
    pseudonym = StringField("Pseudonym", validators=[DataRequired(), Length(max=30)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Remember me on this device")


class RecoverForm(FlaskForm):
    pseudonym = StringField("Pseudonym", validators=[DataRequired(), Length(max=30)])
    code = StringField("Recovery code", validators=[DataRequired(), Length(max=40)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)])


class RegionForm(FlaskForm):
    region = SelectField(_l("Where are you?"), choices=[])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=list(LANGUAGES.items()))


class DeleteAccountForm(FlaskForm):
    posts = RadioField(
        "What should happen to your posts?",
        choices=[
            (
                "keep",
                'Leave them, with nothing linking them to you: named posts show "Former member", '
                'anonymous ones stay "Anonymous member"',
            ),
            ("remove", "Remove them: each leaves a placeholder and its text is erased"),
        ],
        validators=[DataRequired(message="Please choose what happens to your posts.")],
    )
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])


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

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional


class ResolveForm(FlaskForm):
    resolution = SelectField(
        "Decision", choices=[("approve", "Approve and publish"), ("keep", "Resolve and keep visible")]
    )
    note = TextAreaField("Note for the log", validators=[Optional(), Length(max=2000)])

from flask_wtf import FlaskForm
from wtforms import SelectField

from forum.notifications.models import WatchLevel


class WatchForm(FlaskForm):
    """Watch or Mute a topic: two buttons named `level` in one form."""

    level = SelectField(choices=[(level.value, level.value) for level in WatchLevel])

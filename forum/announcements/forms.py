from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from forum.announcements.services import MAX_ANNOUNCEMENT


class AnnouncementForm(FlaskForm):
    # Room above the limit, so the service's friendly message shows and the text comes back.
    body = TextAreaField(
        "Announcement",
        validators=[Length(max=MAX_ANNOUNCEMENT * 2)],
        description=f"Shown at the top of every page. Markdown works; up to {MAX_ANNOUNCEMENT} characters.",
    )

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from forum.announcements.services import MAX_ANNOUNCEMENT
from forum.i18n import lazy_text as _l


class AnnouncementForm(FlaskForm):
    # Room above the limit, so the service's friendly message shows and the text comes back.
    body = TextAreaField(
        _l("Announcement"),
        validators=[Length(max=MAX_ANNOUNCEMENT * 2)],
        description=_l(
            "Shown at the top of every page. Markdown works; up to %(max)s characters.", max=MAX_ANNOUNCEMENT
        ),
    )

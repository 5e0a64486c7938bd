from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from forum.boards.services import MAX_BODY, MAX_CONTENT_NOTE, MAX_TITLE
from forum.i18n import lazy_text as _l

# Forms only check shape; the services give the friendly messages for empty or long text,
# so the length limits here leave room and the member's text always comes back.


class ReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Message"),
        validators=[Length(max=MAX_BODY * 2)],
        description=_l("Markdown works: **bold**, *italic*, > quote, [link](https://…)."),
    )
    content_note = StringField(
        _l("Content note (optional)"),
        validators=[Optional(), Length(max=MAX_CONTENT_NOTE * 2)],
        description=_l('For example "mentions relapse". Readers click to open your message.'),
    )
    anonymous = BooleanField(
        _l("Post anonymously"), description=_l("Other members will see “Anonymous member” instead of your pseudonym.")
    )


class TopicForm(ReplyForm):
    title = StringField(_l("Title"), validators=[Length(max=MAX_TITLE * 2)])


class EditPostForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=MAX_TITLE * 2)])
    body = TextAreaField(_l("Message"), validators=[Length(max=MAX_BODY * 2)])
    content_note = StringField(_l("Content note (optional)"), validators=[Optional(), Length(max=MAX_CONTENT_NOTE * 2)])
    reason = StringField(
        _l("Reason for the edit (shown in the moderation log)"), validators=[Optional(), Length(max=500)]
    )

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from forum.boards.services import MAX_BODY, MAX_CONTENT_NOTE, MAX_TITLE

# Forms only check shape; the services give the friendly messages for empty or long text,
# so the length limits here leave room and the member's text always comes back.


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Message",
        validators=[Length(max=MAX_BODY * 2)],
        description="Markdown works: **bold**, *italic*, > quote, [link](https://…).",
    )
    content_note = StringField(
        "Content note (optional)",
        validators=[Optional(), Length(max=MAX_CONTENT_NOTE * 2)],
        description='For example "mentions relapse". Readers click to open your message.',
    )
    anonymous = BooleanField(
        "Post anonymously", description="Other members will see “Anonymous member” instead of your pseudonym."
    )


class TopicForm(ReplyForm):
    title = StringField("Title", validators=[Length(max=MAX_TITLE * 2)])


class EditPostForm(FlaskForm):
    title = StringField("Title", validators=[Optional(), Length(max=MAX_TITLE * 2)])
    body = TextAreaField("Message", validators=[Length(max=MAX_BODY * 2)])
    content_note = StringField("Content note (optional)", validators=[Optional(), Length(max=MAX_CONTENT_NOTE * 2)])
    reason = StringField("Reason for the edit (shown in the moderation log)", validators=[Optional(), Length(max=500)])

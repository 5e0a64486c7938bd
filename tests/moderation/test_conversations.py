"""Talking back to the moderators, without HTTP: the thread, screening, alerts and read state."""

import pytest
from sqlalchemy import select

from forum.accounts import privacy
from forum.accounts.models import utcnow
from forum.crisis.models import AlertOutbox
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation import actions, conversations, services
from forum.moderation.actions import MAX_MESSAGE
from forum.moderation.models import ItemKind, MessageReply, ModerationAction, QueueItem
from tests.factories import PASSWORD, make_post, make_user

pytestmark = pytest.mark.usefixtures("app")

URGENT_TEXT = "I've saved up my pills and tonight's the night. I want to end it."


@pytest.fixture
def alerting(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=2525, ALERT_EMAIL_TO=["mods@example.org"])
    return app


def _message(member, moderator, kind=ItemKind.CONCERN_CRISIS, anonymous=False):
    item = services.enqueue(make_post(author=member, anonymous=anonymous), kind)
    db.session.commit()
    message = actions.message_author(item, moderator, subject="Checking in", body="How are you doing right now?")
    return item, message


def _outbox():
    return db.session.scalars(select(AlertOutbox).order_by(AlertOutbox.id)).all()


def test_member_reply_joins_the_thread_and_waits_for_the_moderators(member, moderator):
    _, message = _message(member, moderator)
    reply = conversations.reply_to_message(message, member, body="A bit better,\x00 thanks.\r\nTalking helps.")
    assert message.replies == [reply] and reply.from_member and reply.crisis_level is None
    assert reply.body == "A bit better, thanks.\nTalking helps."
    # Answering is reading what it answers.
    assert message.read_at is not None
    assert conversations.staff_conversations() == [message]
    assert conversations.unread_replies_count() == 1
    assert conversations.staff_opens(message, moderator) == {reply.id}
    assert conversations.unread_replies_count() == 0


def test_only_the_recipient_replies(member, other_member, moderator):
    _, message = _message(member, moderator)
    with pytest.raises(NotAllowed):
        conversations.reply_to_message(message, other_member, body="Not mine")
    with pytest.raises(NotAllowed):
        conversations.message_for_member(message.id, moderator)
    assert not db.session.scalars(select(MessageReply)).all()


@pytest.mark.parametrize("body", ["", "  \x00 ", "x" * (MAX_MESSAGE + 1)])
def test_empty_or_overlong_reply_is_refused(member, moderator, body):
    _, message = _message(member, moderator)
    with pytest.raises(InvalidAction) as error:
        conversations.reply_to_message(message, member, body=body)
    assert error.value.field == "body"


def test_flagged_reply_raises_the_post_back_into_the_queue_and_alerts(alerting, member, moderator):
    item, message = _message(member, moderator, kind=ItemKind.REPORT)
    services.resolve_item(item, moderator, resolution="keep")
    reply = conversations.reply_to_message(message, member, body=URGENT_TEXT)
    assert reply.crisis_level == "urgent"
    reopened = services.open_item_for(message.post)
    assert reopened is not None and reopened.id != item.id and reopened.kind == ItemKind.URGENT_CRISIS
    assert db.session.scalar(select(ModerationAction).where(ModerationAction.action == "reply_flagged"))
    alerts = _outbox()
    assert any(f"/moderation/items/{reopened.id}" in a.body for a in alerts)
    # Alerts never copy the member's words or name.
    assert all("pills" not in a.body and member.pseudonym not in a.body + a.subject for a in alerts)


def test_reply_on_open_crisis_item_alerts_the_moderator_holding_it(alerting, member, moderator):
    holder = make_user("holder_mod", role="moderator", alert_email="holder@example.org")
    on_call = make_user("oncall_mod", role="moderator", alert_email="oncall@example.org")
    on_call.on_call_until = utcnow().replace(year=utcnow().year + 1)
    item, message = _message(member, moderator)
    services.claim_item(item, holder)
    conversations.reply_to_message(message, member, body="Thank you for asking.")
    (alert,) = _outbox()
    assert alert.recipients == "holder@example.org"
    assert f"/moderation/messages/{message.id}" in alert.body and "Thank you" not in alert.body


def test_reply_on_unheld_crisis_item_alerts_on_call(alerting, member, moderator):
    on_call = make_user("oncall_mod", role="moderator", alert_email="oncall@example.org")
    on_call.on_call_until = utcnow().replace(year=utcnow().year + 1)
    db.session.commit()
    _, message = _message(member, moderator)
    conversations.reply_to_message(message, member, body="Thank you for asking.")
    assert [a.recipients for a in _outbox()] == ["oncall@example.org"]


def test_reply_about_a_report_item_alerts_no_one(alerting, member, moderator):
    _, message = _message(member, moderator, kind=ItemKind.REPORT)
    conversations.reply_to_message(message, member, body="Understood, I will change the wording.")
    assert _outbox() == []


def test_moderator_answer_shows_as_unread_until_the_member_opens_it(member, moderator):
    _, message = _message(member, moderator)
    assert actions.unread_count(member) == 1
    conversations.open_message(message, member)
    assert actions.unread_count(member) == 0
    conversations.reply_to_message(message, member, body="Still here.")
    answer = conversations.answer_member(message, moderator, body="Glad to hear it.")
    assert not answer.from_member and actions.unread_count(member) == 1
    assert conversations.open_message(message, member) == {answer.id}
    assert actions.unread_count(member) == 0
    with pytest.raises(NotAllowed):
        conversations.answer_member(message, member, body="I'm not staff")


def test_staff_see_the_anonymous_handle_for_a_message_about_an_anonymous_post(member, moderator):
    _, message = _message(member, moderator, anonymous=True)
    assert conversations.member_label(message, moderator) == member.anonymous_label


def test_replies_are_in_the_export_and_go_with_the_account(member, moderator):
    _, message = _message(member, moderator)
    conversations.reply_to_message(message, member, body="My own words")
    exported = privacy.export_member_data(member)["messages"]
    assert exported[0]["replies"] == [
        {"from": "you", "body": "My own words", "created_at": exported[0]["replies"][0]["created_at"]}
    ]
    privacy.delete_account(member, password=PASSWORD, posts=privacy.REMOVE_POSTS)
    assert db.session.scalars(select(MessageReply)).all() == []
    assert db.session.scalar(select(QueueItem)) is not None

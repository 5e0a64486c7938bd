"""Notifications, topic watches and reminder requests are in the member's export and go with the account."""

import json
from datetime import timedelta

from sqlalchemy import func, select

from forum.accounts import privacy
from forum.accounts.models import utcnow
from forum.boards import services as boards
from forum.extensions import db
from forum.meetings import reminders
from forum.meetings.models import MeetingReminder
from forum.notifications import services
from forum.notifications.models import Notification, TopicWatch
from tests.factories import PASSWORD, make_board, make_meeting


def _count(model, column, user_id) -> int:
    return db.session.scalar(select(func.count(model.id)).where(column == user_id))


def _member_with_everything(member, other_member, facilitator):
    topic = boards.create_topic(make_board(), member, title="Sleep and meds", body="Anyone else awake?")
    boards.create_reply(topic, other_member, body="Me, most nights.", anonymous=True)
    meeting = make_meeting(facilitator=facilitator, starts_at=utcnow() + timedelta(hours=2), length_minutes=60)
    reminders.set_reminder(meeting, member, wanted=True, now=utcnow())
    return topic, meeting


def test_export_holds_notifications_watches_and_reminders_naming_nobody(app, member, other_member, facilitator):
    topic, meeting = _member_with_everything(member, other_member, facilitator)
    data = privacy.export_member_data(member)
    [note] = data["notifications"]
    assert (note["kind"], note["topic_id"], note["read_at"]) == ("reply", topic.id, None)
    assert data["topic_watches"] == [{"topic_id": topic.id, "level": "watching"}]
    assert data["meeting_reminders"][0]["meeting_id"] == meeting.id
    # The anonymous replier appears nowhere in what the member downloads.
    assert "meadow" not in json.dumps(data)


def test_export_route_downloads_them(client, login, member, other_member, facilitator):
    _member_with_everything(member, other_member, facilitator)
    login(member)
    data = json.loads(client.get("/account/export").data)
    assert [n["kind"] for n in data["notifications"]] == ["reply"] and len(data["topic_watches"]) == 1


def test_deleting_the_account_deletes_them(app, member, other_member, facilitator):
    _member_with_everything(member, other_member, facilitator)
    member_id = member.id
    assert services.unread_count(member) == 1
    privacy.delete_account(member, password=PASSWORD, posts=privacy.KEEP_AS_FORMER_MEMBER)
    assert _count(Notification, Notification.user_id, member_id) == 0
    assert _count(TopicWatch, TopicWatch.user_id, member_id) == 0
    assert _count(MeetingReminder, MeetingReminder.member_id, member_id) == 0
    # The replier's own watch stays.
    assert _count(TopicWatch, TopicWatch.user_id, other_member.id) == 1

"""Meeting reminders: "Remind me" on the page, and `flask meetings remind` telling each member once."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.meetings import reminders, services
from forum.meetings.models import MeetingReminder
from forum.notifications import services as notifications
from forum.notifications.models import Notification
from tests.factories import make_meeting

LEAD = timedelta(minutes=30)


@pytest.fixture
def meeting(app, facilitator):
    return make_meeting(facilitator=facilitator, starts_at=utcnow() + timedelta(hours=2), length_minutes=60)


def _reminded(user) -> int:
    return len(
        db.session.scalars(
            select(Notification.id).where(Notification.user_id == user.id, Notification.kind == "meeting_reminder")
        ).all()
    )


def test_only_those_who_asked_are_reminded_once_within_the_lead(meeting, member, other_member):
    now = meeting.starts_at - timedelta(hours=2)
    reminders.set_reminder(meeting, member, wanted=True, now=now)
    reminders.set_reminder(meeting, member, wanted=True, now=now)  # asking twice keeps one row
    assert reminders.wants_reminder(meeting, member) and not reminders.wants_reminder(meeting, other_member)
    assert reminders.send_reminders(meeting.starts_at - LEAD - timedelta(minutes=1), LEAD) == 0
    assert reminders.send_reminders(meeting.starts_at - timedelta(minutes=10), LEAD) == 1
    assert reminders.send_reminders(meeting.starts_at - timedelta(minutes=5), LEAD) == 0
    assert (_reminded(member), _reminded(other_member)) == (1, 0)
    assert notifications.unread_count(member) == 1


def test_stopping_a_reminder_and_cancelled_meetings_send_nothing(meeting, member, other_member, facilitator):
    now = meeting.starts_at - timedelta(hours=2)
    reminders.set_reminder(meeting, member, wanted=True, now=now)
    reminders.set_reminder(meeting, member, wanted=False, now=now)
    reminders.set_reminder(meeting, other_member, wanted=True, now=now)
    services.cancel_meeting(meeting, facilitator, now=now)
    assert reminders.send_reminders(meeting.starts_at - timedelta(minutes=10), LEAD) == 0
    assert db.session.scalar(select(MeetingReminder.member_id)) == other_member.id


def test_no_reminder_once_the_meeting_started_and_never_for_guests(meeting, member):
    with pytest.raises(InvalidAction):
        reminders.set_reminder(meeting, member, wanted=True, now=meeting.starts_at)
    with pytest.raises(NotAllowed):
        reminders.set_reminder(meeting, None, wanted=True, now=meeting.starts_at - LEAD)


def test_remind_me_on_the_page_then_the_cli_notifies_and_links_to_the_meeting(app, client, login, meeting, member):
    url = f"/meetings/{meeting.id}"
    login(member)
    assert "Remind me" in client.get(url).text
    assert client.post(f"{url}/remind", data={"remind": "1"}).status_code == 302
    page = client.get(url).text
    assert "You'll be reminded 30 minutes before it starts" in page and "Don't remind me" in page
    app.config["MEETING_REMINDER_MINUTES"] = 180
    result = app.test_cli_runner().invoke(args=["meetings", "remind"])
    assert result.exit_code == 0 and "Reminders sent: 1." in result.output
    listing = client.get("/notifications").text
    assert "Reminder: “" in listing and "starts at" in listing
    note = db.session.scalar(select(Notification.id).where(Notification.user_id == member.id))
    assert client.get(f"/notifications/{note}").location.endswith(url)
    assert "Reminders sent: 0." in app.test_cli_runner().invoke(args=["meetings", "remind"]).output
    # Stopping it, and anything else a browser can send, never answers 500.
    assert client.post(f"{url}/remind", data={"remind": "0"}).status_code == 302
    assert client.post("/meetings/99999999999/remind", data={}).status_code == 404


def test_a_started_meeting_refuses_a_reminder_with_a_message(client, login, facilitator, member):
    started = make_meeting(facilitator=facilitator, starts_at=utcnow() - timedelta(minutes=5), length_minutes=60)
    login(member)
    page = client.post(f"/meetings/{started.id}/remind", data={"remind": "1"}, follow_redirects=True).text
    assert "nothing to remind you of" in page and "Remind me" not in page

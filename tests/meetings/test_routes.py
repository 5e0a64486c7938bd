"""Meetings over HTTP: scheduling, the room page and its live endpoint, posting, refusals, the feed."""

from datetime import timedelta

from sqlalchemy import func, select

from forum.accounts.models import utcnow
from forum.crisis.services import seed_hotlines
from forum.extensions import db
from forum.meetings.models import Meeting, MeetingPost
from forum.moderation.models import UnpostedText
from tests.factories import make_board, make_meeting, make_user

CONCERN_TEXT = "honestly i want to die lately. no plan, i just can't shake the thought"
URGENT_TEXT = "i've saved up my pills, tonight's the night. wanted to say goodbye to you all"


def test_facilitator_schedules_a_meeting_and_members_see_it_listed(client, login, facilitator):
    board = make_board("Evenings")
    login(facilitator)
    start = (utcnow() + timedelta(days=1)).replace(second=0, microsecond=0)
    response = client.post(
        "/meetings/new",
        data={
            "title": "Tuesday circle",
            "board_id": board.id,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "length_minutes": 45,
            "facilitator_id": facilitator.id,
            "reading": "**Step one** <script>alert(1)</script>",
            "keep": "keep",
        },
    )
    assert response.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at == start and meeting.keep_posts and meeting.length_minutes == 45
    client.post("/logout")
    listing = client.get("/meetings").text
    assert "Tuesday circle" in listing and "UTC" in listing and "Posts are kept after the meeting." in listing
    login(make_user("joiner"))
    room = client.get(f"/meetings/{meeting.id}").text
    assert "Not open yet" in room and "It opens at" in room
    assert "Posts in this meeting are kept after it ends." in room
    assert "<script>alert(1)" not in room and "<strong>Step one</strong>" in room
    assert 'name="body"' not in room


def test_a_refused_schedule_comes_back_with_the_text(client, login, facilitator):
    board = make_board()
    login(facilitator)
    response = client.post(
        "/meetings/new",
        data={"title": "Too short", "board_id": board.id, "starts_at": "2099-01-01T10:00", "length_minutes": 3,
              "facilitator_id": facilitator.id, "reading": "my careful reading", "keep": "erase"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "between 10 and 240" in response.text and "my careful reading" in response.text


def test_members_post_and_the_live_endpoint_returns_only_new_posts(client, login, member):
    meeting = make_meeting()
    login(member)
    page = client.get(f"/meetings/{meeting.id}").text
    assert "The room is open" in page and 'src="/static/js/meeting.js"' in page and "<script>" not in page
    response = client.post(f"/meetings/{meeting.id}/post", data={"body": "First share", "anonymous": "y"})
    assert response.status_code == 302
    first = db.session.scalar(select(MeetingPost))
    live = client.get(f"/meetings/{meeting.id}/live?after=0").get_json()
    assert live["state"] == "open" and live["last_id"] == first.id
    assert "First share" in live["html"] and "Anonymous member (you)" in live["html"]
    assert client.get(f"/meetings/{meeting.id}/live?after={first.id}").get_json()["html"] == ""
    assert client.get(f"/meetings/{meeting.id}/live?after=abc").status_code == 200


def test_a_crisis_post_shows_its_author_the_support_panel_and_queues_it(client, login, member):
    meeting = make_meeting()
    login(member)
    response = client.post(f"/meetings/{meeting.id}/post", data={"body": URGENT_TEXT}, follow_redirects=True)
    assert response.status_code == 200
    assert 'id="support"' in response.text
    item = db.session.scalar(select(UnpostedText))
    assert item.kind == "meeting" and item.level == "urgent"


def test_posting_into_a_closed_room_is_refused_calmly_with_the_text_back(client, login, member):
    meeting = make_meeting(closed_at=utcnow())
    login(member)
    response = client.post(f"/meetings/{meeting.id}/post", data={"body": "Am I too late?"})
    assert response.status_code == 400
    assert "closed the room for now" in response.text and "Am I too late?" in response.text
    assert db.session.scalar(select(MeetingPost)) is None


def test_a_risky_text_refused_by_a_closed_room_still_reaches_the_moderators(client, login, member):
    meeting = make_meeting(starts_at=utcnow() - timedelta(hours=2))
    login(member)
    response = client.post(f"/meetings/{meeting.id}/post", data={"body": URGENT_TEXT})
    assert response.status_code == 400 and 'id="support"' in response.text
    assert "has ended" in db.session.scalar(select(UnpostedText)).refusal


def test_facilitator_pauses_a_participant_whose_form_then_says_so(client, login, member):
    meeting = make_meeting()
    post = MeetingPost(meeting=meeting, author=member, body="too much", is_anonymous=True)
    db.session.add(post)
    db.session.commit()
    login(meeting.facilitator)
    page = client.get(f"/meetings/{meeting.id}").text
    assert "Anonymous member #" in page and member.pseudonym not in page and member.anonymous_handle not in page
    assert client.post(f"/meetings/{meeting.id}/pause/{post.id}").status_code == 302
    client.post("/logout")
    login(member)
    page = client.get(f"/meetings/{meeting.id}").text
    assert "paused your posting for the rest of this meeting" in page and 'name="body"' not in page
    assert "paused your posting" in client.get(f"/meetings/{meeting.id}/live").get_json()["status"]
    response = client.post(f"/meetings/{meeting.id}/post", data={"body": "let me back"})
    assert response.status_code == 400 and "let me back" in response.text


def test_facilitator_closes_reopens_and_pins_the_reading(client, login):
    meeting = make_meeting(reading="Breathe in, breathe out.")
    login(meeting.facilitator)
    assert "Reading (pinned)" not in client.get(f"/meetings/{meeting.id}").text
    client.post(f"/meetings/{meeting.id}/pin", data={"pinned": "1"})
    assert "Reading (pinned)" in client.get(f"/meetings/{meeting.id}").text
    client.post(f"/meetings/{meeting.id}/close")
    assert "closed the room for now" in client.get(f"/meetings/{meeting.id}").text
    client.post(f"/meetings/{meeting.id}/open")
    assert "The room is open" in client.get(f"/meetings/{meeting.id}").text


def test_viewing_an_ended_erase_meeting_erases_its_posts(client, login, member):
    meeting = make_meeting(starts_at=utcnow() - timedelta(minutes=90), length_minutes=60)
    db.session.add(MeetingPost(meeting=meeting, author=member, body="gone after"))
    db.session.commit()
    login(member)
    page = client.get(f"/meetings/{meeting.id}").text
    assert "gone after" not in page and "erased when it ended" in page
    assert db.session.scalar(select(MeetingPost)) is None


def test_attendance_is_a_count_on_the_page(client, login, member, other_member):
    meeting = make_meeting()
    for who in (member, other_member, member):
        login(who)
        client.get(f"/meetings/{meeting.id}")
        client.post("/logout")
    login(member)
    page = client.get(f"/meetings/{meeting.id}").text
    assert "2 people have joined this meeting." in page
    assert other_member.pseudonym not in page


def test_the_calendar_feed_is_rfc5545_and_holds_no_member_data(client, facilitator):
    meeting = make_meeting(facilitator=facilitator, title="Hope, grit; growth", reading="secret reading")
    response = client.get("/meetings.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"UID:meeting-{meeting.id}@localhost\r\n" in text and "DTSTAMP:" in text
    assert "SUMMARY:Hope\\, grit\\; growth\r\n" in text
    assert facilitator.pseudonym not in text and "secret reading" not in text


def test_odd_meeting_ids_are_not_found(client, login, member):
    login(member)
    for path in ("/meetings/99999999999", "/meetings/0", "/meetings/5/live"):
        assert client.get(path).status_code == 404


def test_facilitator_edits_then_cancels_and_the_calendar_says_so(client, login):
    meeting = make_meeting(starts_at=utcnow() + timedelta(hours=3))
    login(meeting.facilitator)
    form = client.get(f"/meetings/{meeting.id}/edit").text
    assert '<input checked id="keep-0" name="keep" type="radio" value="erase">' in form
    data = {"title": "Renamed circle", "board_id": meeting.board_id,
            "starts_at": meeting.starts_at.strftime("%Y-%m-%dT%H:%M"), "length_minutes": 30,
            "facilitator_id": meeting.facilitator_id, "reading": "", "keep": "erase"}  # fmt: skip
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 302
    assert meeting.title == "Renamed circle" and meeting.length_minutes == 30
    assert client.post(f"/meetings/{meeting.id}/cancel").status_code == 302
    assert "This meeting was cancelled." in client.get(f"/meetings/{meeting.id}").text
    assert "Renamed circle" not in client.get("/meetings").text
    assert "STATUS:CANCELLED" in client.get("/meetings.ics").text
    # A cancelled meeting can't be edited into life again; the form comes back with the reason.
    again = client.post(f"/meetings/{meeting.id}/edit", data=data | {"title": "Back"})
    assert again.status_code == 400 and "over or cancelled" in again.text


def test_another_facilitator_cannot_run_someone_elses_meeting(client, login):
    meeting = make_meeting()
    login(make_user("other_facilitator", role=meeting.facilitator.role))
    assert client.post(f"/meetings/{meeting.id}/close").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403


def test_the_data_export_holds_the_members_meeting_posts(client, login, member, other_member):
    meeting = make_meeting(title="Sunday circle", keep_posts=True)
    login(member)
    client.post(f"/meetings/{meeting.id}/post", data={"body": "my share, kept", "anonymous": "y"})
    client.post("/logout")
    login(other_member)
    client.post(f"/meetings/{meeting.id}/post", data={"body": "someone else's share"})
    client.post("/logout")
    login(member)
    exported = client.get("/account/export").get_json()["meeting_posts"]
    assert [(row["meeting"], row["body"], row["anonymous"]) for row in exported] == [
        ("Sunday circle", "my share, kept", True)
    ]


def test_a_second_pause_answers_like_the_first(client, login, member):
    meeting = make_meeting()
    named = MeetingPost(meeting=meeting, author=member, body="hello all", is_anonymous=False)
    hidden = MeetingPost(meeting=meeting, author=member, body="quietly", is_anonymous=True)
    db.session.add_all([named, hidden])
    db.session.commit()
    login(meeting.facilitator)
    client.post(f"/meetings/{meeting.id}/pause/{named.id}")
    client.get(f"/meetings/{meeting.id}")
    page = client.post(f"/meetings/{meeting.id}/pause/{hidden.id}", follow_redirects=True).text
    # Pausing by the anonymous post must not say its author was the named member paused a moment ago.
    assert "Paused for the rest of the meeting" in page and "already paused" not in page


def test_a_risky_meeting_reading_reaches_the_moderators_and_its_writer_sees_support(client, login, facilitator):
    seed_hotlines()
    board = make_board()
    login(facilitator)
    start = (utcnow() + timedelta(days=1)).replace(second=0, microsecond=0)
    data = {"title": "Tuesday circle", "board_id": board.id, "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "length_minutes": 45, "facilitator_id": facilitator.id, "reading": CONCERN_TEXT, "keep": "keep"}  # fmt: skip
    response = client.post("/meetings/new", data=data)
    assert response.status_code == 302 and response.location.endswith("#support")
    assert "glad you reached out" in client.get(response.location).text.replace("&#39;", "'")
    [kept] = db.session.scalars(select(UnpostedText)).all()
    assert (kept.author_id, kept.kind) == (facilitator.id, "meeting description") and CONCERN_TEXT in kept.text
    # Refused (too short a meeting), the same text is kept for the moderators and comes back in the form.
    response = client.post("/meetings/new", data={**data, "title": "Wednesday circle", "length_minutes": 3})
    assert response.status_code == 400 and CONCERN_TEXT in response.text.replace("&#39;", "'")
    assert db.session.scalar(select(func.count()).select_from(UnpostedText)) == 2


def test_a_facilitator_whose_role_was_taken_away_gets_title_and_reading_back(client, login, facilitator):
    from forum.permissions import Role

    meeting = make_meeting(make_board(), facilitator)
    login(facilitator)
    facilitator.role = Role.MEMBER.value
    db.session.commit()
    refused = client.post(
        f"/meetings/{meeting.id}/edit", data={"title": "Tuesday circle", "reading": "Step three, in my words"}
    )
    assert refused.status_code == 403
    assert "Tuesday circle</textarea>" in refused.text and "Step three, in my words</textarea>" in refused.text

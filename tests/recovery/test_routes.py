"""The check-in pages through real routes: forms, refusals, the chart, start dates and sharing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.boards.models import Topic
from forum.boards.services import seed_default_boards
from forum.extensions import db
from forum.moderation.models import UnpostedText
from forum.recovery import services
from forum.recovery.models import CheckIn, RecoveryStart
from tests.factories import PASSWORD

CRISIS = "i cant stop thinking about ending it. i have the rope in my car"
CHECK_IN = {"mood": "2", "cravings": "6", "sleep": "3", "medication": "yes", "note": "long day, went to a meeting"}


def _today():
    return utcnow().date()


def test_a_check_in_is_saved_and_shown_on_the_chart(client, login, member):
    login(member)
    response = client.post("/recovery/check-in", data=CHECK_IN)
    assert response.status_code == 302 and response.location.endswith("/recovery#chart-30")
    page = client.get("/recovery").text
    assert "Check-in saved. Only you can see it." in page
    assert "mood 2 of 5, cravings 6 of 10" in page and "long day, went to a meeting" in page
    # Both charts, as inline SVG with a title, a description and the numbers in a table; no script.
    assert page.count('<svg viewBox="0 0 360 200" role="img"') == 2 and "<script" not in page
    assert '<title id="chart-30-title">Mood and cravings, last 30 days</title>' in page
    # One check-in reads in the singular, in the description as in the caption.
    assert '<desc id="chart-90-desc">' in page and ": 1 check-in." in page and "1 check-ins" not in page
    assert re.search(r"<td>2</td><td>6</td>", page) and "No check-in" in page
    # Editing the same day changes it, and the form shows what was saved.
    assert 'checked id="mood-1"' in client.get("/recovery/check-in").text
    client.post("/recovery/check-in", data={**CHECK_IN, "mood": "4"})
    assert db.session.scalar(select(CheckIn.mood)) == 4


def test_the_page_is_linked_from_the_header_and_the_account_page(client, login, member):
    login(member)
    assert 'href="/recovery">Check-in</a>' in client.get("/").text
    assert 'href="/recovery">Check-ins and milestones</a>' in client.get("/account").text


def test_a_refused_check_in_gives_the_text_back(client, login, member):
    login(member)
    response = client.post("/recovery/check-in", data={**CHECK_IN, "mood": ""})
    assert response.status_code == 400
    assert "Choose your mood." in response.text and 'value="long day, went to a meeting"' in response.text
    assert db.session.scalar(select(CheckIn.id)) is None


@pytest.mark.parametrize("bad", [{"mood": "9"}, {"cravings": "lots"}, {"medication": "<script>"}, {"note": "x" * 300}])
def test_anything_a_browser_sends_is_refused_not_crashed(client, login, member, bad):
    login(member)
    assert client.post("/recovery/check-in", data={**CHECK_IN, **bad}).status_code == 400


def test_a_crisis_line_shows_the_support_panel_and_reaches_the_moderators(client, login, member):
    login(member)
    response = client.post("/recovery/check-in", data={**CHECK_IN, "note": CRISIS})
    assert response.location.endswith("/recovery#support")
    assert "We're glad you reached out" in client.get("/recovery").text
    [item] = db.session.scalars(select(UnpostedText)).all()
    assert item.text == CRISIS and item.kind == "check-in" and item.author_id == member.id


def test_a_refused_crisis_line_still_reaches_the_moderators(client, login, member):
    login(member)
    response = client.post("/recovery/check-in", data={**CHECK_IN, "mood": "", "note": CRISIS})
    assert response.status_code == 400 and "We're glad you reached out" in response.text
    [item] = db.session.scalars(select(UnpostedText)).all()
    assert item.text == CRISIS


def test_moderators_see_the_line_in_the_queue_but_not_the_check_ins(client, login, member, moderator):
    login(member)
    client.post("/recovery/check-in", data={**CHECK_IN, "note": CRISIS})
    client.post("/logout")
    login(moderator)
    queue = client.get("/moderation/").text
    assert CRISIS in queue and "long day" not in queue and "cravings 6" not in queue
    # /recovery is always the viewer's own: the moderator's is empty.
    page = client.get("/recovery").text
    assert "Check in for today" in page and CRISIS not in page


def test_start_dates_count_days_and_a_reset_is_kept_calmly(client, login, member):
    login(member)
    started = (_today() - timedelta(days=42)).isoformat()
    assert client.post("/recovery/starts", data={"label": "clean and sober", "started_on": started}).status_code == 302
    page = client.get("/recovery").text
    assert "<strong>42 days</strong> clean and sober" in page and "Share 30 days" in page
    start = db.session.scalar(select(RecoveryStart))
    response = client.post(f"/recovery/starts/{start.id}/reset", data={"started_on": _today().isoformat()})
    assert response.status_code == 302
    page = client.get("/recovery").text
    assert "New start date saved. Every day counts." in page and "<strong>0 days</strong> clean and sober" in page
    assert "Earlier start dates" in page and "from " + (_today() - timedelta(days=42)).strftime("%d %B %Y") in page


def test_a_refused_start_date_gives_the_text_back(client, login, member):
    login(member)
    response = client.post("/recovery/starts", data={"label": "alcohol", "started_on": "2026-13-45"})
    assert response.status_code == 400 and 'value="alcohol"' in response.text
    future = (_today() + timedelta(days=3)).isoformat()
    response = client.post("/recovery/starts", data={"label": "alcohol", "started_on": future})
    assert response.status_code == 400 and "be in the future" in response.text


def test_someone_elses_or_an_unknown_start_date(client, login, member, other_member):
    start = services.add_start(other_member, label="alcohol", started_on=_today(), today=_today()).start
    login(member)
    assert client.post(f"/recovery/starts/{start.id}/reset", data={}).status_code == 403
    assert client.post("/recovery/starts/99999999999/reset", data={}).status_code == 404


def test_sharing_a_milestone_anonymously_with_one_button(client, login, member):
    seed_default_boards()
    start = services.add_start(
        member, label="clean and sober", started_on=_today() - timedelta(days=61), today=_today()
    ).start
    login(member)
    response = client.post(f"/recovery/starts/{start.id}/milestones/60d/share", data={"anonymous": "y"})
    topic = db.session.scalar(select(Topic))
    assert response.status_code == 302 and response.location.endswith(f"/boards/milestones/topics/{topic.id}")
    page = client.get(response.location).text
    assert "60 days: clean and sober" in page and "Anonymous member (you)" in page
    assert "60 days: shared to Milestones." in client.get("/recovery").text
    again = client.post(
        f"/recovery/starts/{start.id}/milestones/60d/share", data={"anonymous": "y"}, follow_redirects=True
    )
    assert "You have shared this milestone already." in again.text
    assert client.post(f"/recovery/starts/{start.id}/milestones/1y/share", data={}).status_code == 302
    assert db.session.scalar(select(db.func.count(Topic.id))) == 1


def test_the_opt_in_is_off_until_the_member_turns_it_on(client, login, member):
    login(member)
    assert "checked" not in client.get("/recovery").text.split('id="preferences"')[1]
    client.post("/recovery/preferences", data={"tell_moderators": "y"})
    assert services.get_preference(member).tell_moderators
    assert "A moderator will hear if your check-ins look hard." in client.get("/recovery").text


def test_a_check_in_sent_signed_out_comes_back_after_sign_in(client, member):
    response = client.post("/recovery/check-in", data={**CHECK_IN, "note": CRISIS})
    assert response.status_code == 302 and "/login" in response.location
    [kept] = db.session.scalars(select(UnpostedText)).all()
    assert kept.kind == "check-in" and kept.text == CRISIS
    signed_in = client.post(response.location, data={"pseudonym": member.pseudonym, "password": PASSWORD})
    assert signed_in.location == "/recovery/check-in"
    g.pop("_login_user", None)
    page = client.get("/recovery/check-in").text
    # The line and every choice are back, checked as they were sent.
    assert f'value="{CRISIS}"' in page and 'checked id="mood-1"' in page and 'checked id="cravings-6"' in page
    assert db.session.scalar(select(CheckIn.id)) is None


def test_a_start_date_sent_signed_out_comes_back_after_sign_in(client, member):
    response = client.post("/recovery/starts", data={"label": "alcohol", "started_on": "2026-01-02"})
    assert response.status_code == 302 and "/login" in response.location
    client.post(response.location, data={"pseudonym": member.pseudonym, "password": PASSWORD})
    g.pop("_login_user", None)
    page = client.get("/recovery").text
    add = page.split('action="/recovery/starts"', 1)[1].split("</form>", 1)[0]
    assert 'value="alcohol"' in add and 'value="2026-01-02"' in add


def test_a_refused_correction_gives_the_text_back_in_its_own_form(client, login, member):
    start = services.add_start(member, label="alcohol", started_on=_today(), today=_today()).start
    login(member)
    response = client.post(f"/recovery/starts/{start.id}", data={"label": "x" * 61, "started_on": "2026-01-01"})
    assert response.status_code == 400
    edit = response.text.split(f'action="/recovery/starts/{start.id}"', 1)[1].split("</form>", 1)[0]
    assert 'value="' + "x" * 61 + '"' in edit and "error-message" in edit
    add = response.text.split('action="/recovery/starts"', 1)[1].split("</form>", 1)[0]
    assert "x" * 61 not in add


def test_a_start_date_from_long_before_the_forum_is_welcome(client, login, member):
    login(member)
    assert client.post("/recovery/starts", data={"label": "alcohol", "started_on": "1987-06-01"}).status_code == 302
    assert "Next milestone: " in client.get("/recovery").text
    response = client.post("/recovery/starts", data={"label": "alcohol", "started_on": "1899-12-31"})
    assert response.status_code == 400 and "Choose a date between 1900" in response.text


def test_a_risky_start_date_name_shows_the_support_panel(client, login, member):
    login(member)
    label = "ending it, i have the rope in my car"
    response = client.post("/recovery/starts", data={"label": label, "started_on": _today().isoformat()})
    assert response.location.endswith("/recovery#support")
    assert "We're glad you reached out" in client.get("/recovery").text
    [item] = db.session.scalars(select(UnpostedText)).all()
    assert item.text == label and item.kind == services.START_KIND


def test_sharing_a_risky_milestone_shows_the_support_panel_on_the_topic(client, login, member):
    seed_default_boards()
    label = "ending it, i have the rope in my car"
    start = RecoveryStart(user_id=member.id, label=label, started_on=_today() - timedelta(days=31))
    db.session.add(start)
    db.session.commit()
    login(member)
    response = client.post(f"/recovery/starts/{start.id}/milestones/30d/share", data={})
    page = client.get(response.location).text
    assert "We're glad you reached out" in page and "Shared to Milestones" not in page


def test_a_member_chooses_the_zone_their_day_starts_in(client, login, member):
    login(member)
    assert "starts at midnight in UTC" in client.get("/recovery").text
    client.post("/recovery/preferences", data={"time_zone": "Pacific/Auckland"})
    page = client.get("/recovery").text
    assert "starts at midnight in Pacific/Auckland" in page and not services.get_preference(member).tell_moderators
    refused = client.post("/recovery/preferences", data={"time_zone": "Europe/Nowhere"}, follow_redirects=True)
    assert "Nothing changed" in refused.text and services.time_zone_of(member) == "Pacific/Auckland"

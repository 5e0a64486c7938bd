"""Meetings, peer mentoring and check-ins read in Spanish: no catalogue string left in English.

The same check as test_pages.py (each page rendered for an English and a Spanish browser), for
the member tools of issue 16: the meetings list and room, the facilitator's tools, the mentoring
pages, the check-in form and charts, and the notifications they send.
"""

from datetime import timedelta

import pytest

from forum.accounts.models import utcnow
from forum.boards.services import seed_default_boards
from forum.extensions import db
from forum.meetings import reminders
from forum.meetings import services as meetings
from forum.mentoring import services as mentoring
from forum.recovery import services as recovery
from tests.factories import make_meeting, make_user
from tests.i18n.test_pages import ENGLISH, SPANISH, _untranslated

TRAINED = utcnow().date() - timedelta(days=60)


@pytest.fixture
def tools(app, member, facilitator, admin):
    """A forum in use: a running meeting with posts, one coming up, a mentoring pair, check-ins."""
    seed_default_boards()
    now = utcnow()
    somebody = make_user("otra_persona")
    room = make_meeting(facilitator=facilitator, title="Grupo de la tarde", reading="Leemos juntos.")
    meetings.post_in_meeting(room, somebody, body="Hola a todas.", anonymous=True, now=now)
    meetings.post_in_meeting(room, member, body="Buenas tardes.", anonymous=False, now=now)
    soon = make_meeting(facilitator=facilitator, title="Reunión de mañana", starts_at=now + timedelta(minutes=10))
    reminders.set_reminder(soon, member, wanted=True, now=now)
    reminders.send_reminders(now, timedelta(minutes=30))

    mentor = make_user("mentora_luz")
    mentoring.grant_badge(mentor, by=admin, trained_on=TRAINED)
    request, _level = mentoring.ask_for_mentor(member, note="Dormir y las ganas de beber")
    pairing = mentoring.accept_offer(mentoring.offer_mentoring(request, mentor), member)
    message, _level = mentoring.send_message(pairing, mentor, body="Hola, aquí estoy.")
    waiting, _level = mentoring.ask_for_mentor(somebody, note="Quiero hablar con alguien")
    mentoring.offer_mentoring(waiting, mentor)

    today = recovery.today_for(member)
    for days_ago, mood, cravings in ((2, 2, 7), (1, 3, 5), (0, 4, 3)):
        recovery.save_check_in(
            member,
            today=today - timedelta(days=days_ago),
            mood=mood,
            cravings=cravings,
            sleep=3,
            medication="yes",
            note="Un día tranquilo." if days_ago == 0 else "",
        )
    first = recovery.add_start(member, label="sin alcohol", started_on=today - timedelta(days=200), today=today)
    recovery.reset_start(first.start, started_on=today - timedelta(days=95), today=today)
    db.session.commit()
    return {"room": room, "soon": soon, "pairing": pairing, "message": message, "mentor": mentor, "asker": somebody}


MEMBER_PAGES = {
    "check-ins": "/recovery",
    "check-in form": "/recovery/check-in",
    "meetings": "/meetings",
    "meeting room": "/meetings/{room}",
    "meeting to come": "/meetings/{soon}",
    "mentoring": "/mentoring/",
    "ask for a mentor": "/mentoring/ask",
    "mentoring conversation": "/mentoring/pairings/{pairing}",
    "report a mentoring message": "/mentoring/messages/{message}/report",
    "notifications": "/notifications",
}
STAFF_PAGES = {
    "facilitator's room": ("facilitator", "/meetings/{room}"),
    "schedule a meeting": ("facilitator", "/meetings/new"),
    "edit a meeting": ("facilitator", "/meetings/{soon}/edit"),
    "mentor's requests": ("mentor", "/mentoring/requests"),
    "mentor's overview": ("mentor", "/mentoring/"),
    "mentor's conversation": ("mentor", "/mentoring/pairings/{pairing}"),
    "asker with an offer": ("asker", "/mentoring/"),
    "badge page": ("admin", "/mentoring/mentors"),
}


def _url(template: str, tools) -> str:
    return template.format(
        room=tools["room"].id, soon=tools["soon"].id, pairing=tools["pairing"].id, message=tools["message"].id
    )


@pytest.mark.parametrize("name", sorted(MEMBER_PAGES))
def test_a_member_tool_page_has_no_english_left_in_spanish(client, login, member, tools, name):
    login(member)
    left, _page = _untranslated(client, _url(MEMBER_PAGES[name], tools))
    assert left == [], f"{name}: untranslated on the Spanish page"


@pytest.mark.parametrize("name", sorted(STAFF_PAGES))
def test_a_facilitator_mentor_or_admin_page_has_no_english_left_in_spanish(
    client, login, facilitator, admin, tools, name
):
    who, url = STAFF_PAGES[name]
    login({"facilitator": facilitator, "admin": admin, "mentor": tools["mentor"], "asker": tools["asker"]}[who])
    left, _page = _untranslated(client, _url(url, tools))
    assert left == [], f"{name}: untranslated on the Spanish page"


def test_the_check_in_page_says_its_numbers_dates_and_milestones_in_spanish(client, login, member, tools):
    login(member)
    page = client.get("/recovery", headers=SPANISH).text
    assert "Hoy hiciste tu registro: ánimo 4 de 5, ganas de consumir 3 de 10, sueño 3 de 5, medicación: sí." in page
    assert "95 días</strong> sin alcohol" in page and "Próximo logro: 6 meses el " in page
    assert "Llegaste a <strong>90 días</strong>." in page and "Compartir 90 días" in page
    assert "Últimos 30 días" in page and "3 registros." in page and "Sin registro" in page
    today = recovery.today_for(member)
    months = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
    assert f">{today.day:02d} {months[today.month - 1]}</text>" in page  # the chart's last axis date
    # What the member wrote stays as written.
    assert "“Un día tranquilo.”" in page
    english = client.get("/recovery", headers=ENGLISH).text
    assert "95 days</strong> sin alcohol" in english and "Next milestone: 6 months on " in english


def test_a_shared_milestone_posts_its_fixed_words_in_the_authors_language(client, login, member, tools):
    login(member)
    start = recovery.current_starts(member)[0]
    response = client.post(f"/recovery/starts/{start.id}/milestones/90d/share", data={}, headers=SPANISH)
    assert response.status_code == 302
    page = client.get(response.location, headers=SPANISH).text
    assert "90 días: sin alcohol" in page and "He llegado a 90 días (sin alcohol). Cada día cuenta." in page


def test_a_refused_check_in_comes_back_in_spanish(client, login, member, tools):
    login(member)
    page = client.post("/recovery/check-in", data={"cravings": "4", "note": "Me cuesta hoy."}, headers=SPANISH)
    assert page.status_code == 400
    assert "Elige tu estado de ánimo." in page.text and "Elige cómo dormiste." in page.text
    assert 'value="Me cuesta hoy."' in page.text


def test_a_meeting_reminder_reads_in_spanish_for_a_spanish_account(client, login, member, tools):
    # The reminder was sent by the cron run, in no one's language; it is worded when the member reads it.
    member.language = "es"
    db.session.commit()
    login(member)
    starts = tools["soon"].starts_at.strftime("%H:%M")
    page = client.get("/notifications").text
    assert '<html lang="es">' in page
    assert f"Recordatorio: «Reunión de mañana» empieza a las {starts} UTC" in page
    assert "Reminder:" not in page


def test_meeting_times_follow_the_readers_language(client, login, member, tools):
    login(member)
    room = tools["room"]
    spanish = client.get(f"/meetings/{room.id}", headers=SPANISH).text
    english = client.get(f"/meetings/{room.id}", headers=ENGLISH).text
    months = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
    assert f"{room.starts_at.day} {months[room.starts_at.month - 1]} {room.starts_at.year}" in spanish
    assert "(60 minutos)" in spanish and "(60 minutes)" in english
    # Anonymity holds in Spanish too: another member reads the label, never the pseudonym.
    assert "Miembro anónimo" in spanish and "otra_persona" not in spanish


def test_the_meetings_calendar_describes_meetings_in_the_readers_language(client, tools):
    feed = client.get("/meetings.ics", headers=SPANISH).text
    assert "X-WR-CALNAME:Reuniones de Dual Recovery Forum" in feed
    assert "Las publicaciones se borran después de la reunión." in feed.replace("\r\n ", "")


def test_the_data_export_gives_its_headings_in_the_readers_language(client, login, member, tools):
    login(member)
    spanish = client.get("/account/export", headers=SPANISH).get_json()
    english = client.get("/account/export", headers=ENGLISH).get_json()
    # The keys stay the same for programs; the headings name each section for the member.
    assert set(spanish) == set(english) and set(spanish["headings"]) == set(spanish) - {"headings"}
    assert (
        spanish["headings"]["check_ins"] == "Registros diarios"
        and english["headings"]["check_ins"] == "Daily check-ins"
    )
    assert spanish["headings"]["meeting_posts"] == "Tus publicaciones en reuniones"
    assert spanish["headings"]["mentoring"] == "Mentoría entre pares"
    assert spanish["check_ins"] == english["check_ins"] and len(spanish["check_ins"]) == 3


def test_a_refused_meeting_comes_back_in_spanish_with_its_text(client, login, facilitator, tools):
    login(facilitator)
    board_id = tools["room"].board_id
    data = {
        "title": "Círculo del jueves",
        "board_id": board_id,
        "facilitator_id": facilitator.id,
        "starts_at": "2030-01-10T19:00",
        "length_minutes": "5",
    }
    page = client.post("/meetings/new", data={**data, "reading": "Nuestra lectura.", "keep": "erase"}, headers=SPANISH)
    assert page.status_code == 400
    assert "Una reunión dura entre 10 y 240 minutos." in page.text
    assert 'value="Círculo del jueves"' in page.text and "Nuestra lectura." in page.text
    page = client.post("/meetings/new", data={**data, "length_minutes": "una hora", "keep": "erase"}, headers=SPANISH)
    assert page.status_code == 400 and "Not a valid integer value" not in page.text


def test_asking_to_be_reminded_of_a_started_meeting_is_refused_in_spanish(client, login, member, tools):
    login(member)
    room = tools["room"]
    page = client.post(f"/meetings/{room.id}/remind", data={"remind": "1"}, headers=SPANISH, follow_redirects=True)
    assert page.status_code == 200
    assert "Esta reunión ya empezó, terminó o se canceló: no hay nada que recordarte." in page.text

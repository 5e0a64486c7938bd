"""The main pages read in Spanish: no string of the catalogue is left in English on them.

Each page is rendered twice, for a reader whose browser asks for English and one who asks for
Spanish. Every msgid of the Spanish catalogue (longer than a word or two) that the English page
shows must be gone from the Spanish page. Member-written text stays as written.
"""

import html
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from forum.accounts.models import utcnow
from forum.accounts.safety_plan import save_safety_plan
from forum.boards.models import Board, Post
from forum.boards.services import seed_default_boards
from forum.extensions import db
from forum.moderation.models import ModeratorMessage
from forum.resources.services import seed_resources
from tests.factories import make_post, make_topic, make_user

CATALOGUE = Path(__file__).resolve().parents[2] / "forum" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
SPANISH = {"Accept-Language": "es-MX,es;q=0.9"}
# Shorter msgids ("Reply", "Spam") also occur inside longer words or member text.
SHORTEST_CHECKED = 13


def _msgids() -> list[str]:
    with open(CATALOGUE, "rb") as po:
        catalogue = read_po(po, locale="es")
    found = []
    for message in catalogue:
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            if len(msgid) >= SHORTEST_CHECKED:
                found.append(msgid)
    return found


MSGIDS = _msgids()


@pytest.fixture
def forum_with_content(app, member, moderator):
    seed_default_boards()
    seed_resources()
    board = db.session.query(Board).filter_by(slug="relapse-prevention").one()
    topic = make_topic(board, member, title="Mi primera semana", body="Hola a todos.")
    first = db.session.query(Post).filter_by(topic_id=topic.id).one()
    reply = make_post(topic, make_user("otra_persona"), body="Bienvenida.", anonymous=True)
    save_safety_plan(member, {"warning_signs": "No duermo.", "helpers": "Mi hermana"})
    db.session.add(
        ModeratorMessage(
            recipient=member,
            sender_id=moderator.id,
            post=first,
            kind="message",
            subject="Hola",
            body="Gracias por escribir.",
            include_crisis_lines=False,
            created_at=utcnow(),
        )
    )
    db.session.commit()
    return board, topic, first, reply


PAGES = {
    "index": "/",
    "board": "/boards/relapse-prevention",
    "topic": "/boards/relapse-prevention/topics/{topic}",
    "new topic": "/boards/relapse-prevention/topics/new",
    "account": "/account",
    "safety plan": "/account/safety-plan",
    "activity": "/account/activity",
    "guidelines": "/guidelines",
    "resources": "/resources",
    "search": "/search?q=semana",
    "messages": "/messages",
    "message": "/messages/{message}",
    "reports": "/reports",
    "report": "/posts/{post}/report",
    "member": "/members/otra_persona",
    "notifications": "/notifications",
}
GUEST_PAGES = {"register": "/register", "login": "/login", "recover": "/recover", "index (guest)": "/"}


def _untranslated(client, url: str) -> tuple[list[str], str]:
    english = client.get(url, headers=ENGLISH)
    spanish = client.get(url, headers=SPANISH)
    assert english.status_code == spanish.status_code == 200, url
    assert '<html lang="en">' in english.text and '<html lang="es">' in spanish.text
    shown_in_english, shown_in_spanish = html.unescape(english.text), html.unescape(spanish.text)
    left = [msgid for msgid in MSGIDS if msgid in shown_in_english and msgid in shown_in_spanish]
    return left, shown_in_spanish


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_members_page_has_no_english_left_in_spanish(client, login, member, forum_with_content, name):
    _board, topic, _first, reply = forum_with_content
    message = db.session.query(ModeratorMessage).one()
    login(member)
    url = PAGES[name].format(topic=topic.id, message=message.id, post=reply.id)
    left, _page = _untranslated(client, url)
    assert left == [], f"{name}: untranslated on the Spanish page"


@pytest.mark.parametrize("name", sorted(GUEST_PAGES))
def test_a_guests_page_has_no_english_left_in_spanish(client, forum_with_content, name):
    left, _page = _untranslated(client, GUEST_PAGES[name])
    assert left == [], f"{name}: untranslated on the Spanish page"


def test_seeded_board_names_read_in_spanish_but_an_edited_name_shows_as_written(client, forum_with_content):
    board, *_ = forum_with_content
    page = client.get("/", headers=SPANISH).text
    assert "Prevención de recaídas" in page and "Relapse prevention" not in page
    board.name = "Relapse prevention circle"
    db.session.commit()
    page = client.get("/", headers=SPANISH).text
    assert "Relapse prevention circle" in page and "Estigma" in page
    # Stored as seeded: the database keeps the English, whatever the reader's language.
    assert db.session.query(Board).filter_by(slug="stigma").one().name == "Stigma"


def test_member_text_is_never_translated(client, login, member, forum_with_content):
    _board, topic, *_ = forum_with_content
    make_post(topic, member, body="Thank you for being here. Me too.")
    login(member)
    page = client.get(f"/boards/relapse-prevention/topics/{topic.id}", headers=SPANISH).text
    assert "Thank you for being here. Me too." in page
    assert "Miembro anónimo" in page and "Anonymous member" not in page


def test_dates_follow_the_readers_language(client, login, member, forum_with_content):
    _board, _topic, first, _reply = forum_with_content
    when = first.created_at
    login(member)
    english = client.get("/account/activity", headers=ENGLISH).text
    spanish = client.get("/account/activity", headers=SPANISH).text
    assert when.strftime("%d %b %Y, %H:%M") in english
    months = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]
    assert f"{when.day:02d} {months[when.month - 1]} {when.year}" in spanish


def test_a_refused_form_comes_back_in_spanish_with_the_members_text(client, login, member, forum_with_content):
    login(member)
    page = client.post(
        "/boards/relapse-prevention/topics/new",
        data={"title": "", "body": "Mi texto se queda aquí."},
        headers=SPANISH,
    )
    assert page.status_code == 400
    assert "Por favor, ponle un título a tu tema." in page.text
    assert "Mi texto se queda aquí." in page.text


@pytest.mark.parametrize("url", ["/moderation/messages", "/moderation/on-call"])
def test_a_moderators_page_has_no_english_left_in_spanish(client, login, moderator, forum_with_content, url):
    login(moderator)
    left, _page = _untranslated(client, url)
    assert left == [], f"{url}: untranslated on the Spanish page"


def test_the_account_pages_flash_messages_are_spanish(client, login, member):
    # Regression: a view unpacking forms into `_` hid gettext, and saving a region answered 500.
    login(member)
    response = client.post("/account/region", data={"region-region": "MX"}, headers=SPANISH, follow_redirects=True)
    assert response.status_code == 200
    assert "Guardado. Las líneas de apoyo que ves ahora corresponden a esa región." in response.text

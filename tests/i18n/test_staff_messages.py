"""What moderators send members, and what alerts send moderators, in the language of the reader's account.

A warning, a suspension, a care message or a reveal notice is stored when it is sent and read later:
it is written in the language the member chose on their account page (English when they chose none),
whatever language the moderator's page is in. Alert emails likewise follow each recipient's account.
"""

import email
from datetime import datetime, timedelta
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.boards import services as boards
from forum.crisis import alerts
from forum.crisis.models import AlertOutbox
from forum.extensions import db
from forum.moderation import actions
from forum.moderation import services as moderation
from forum.moderation.models import ModeratorMessage
from forum.moderation.reports import report_post
from forum.permissions import Role
from tests.crisis.test_alerts import Inbox, _free_port, _start_smtp
from tests.crisis.test_services import CONCERN_TEXT, URGENT_TEXT
from tests.factories import make_post, make_topic, make_user
from tests.i18n.test_pages import ENGLISH, SPANISH

SUSPENDED_AT = datetime(2026, 12, 5, 9, 30)


def _reported(author):
    post = make_post(make_topic(), author, body="Un mensaje cualquiera.")
    report_post(post, make_user("willow"), reason="harassment")
    return moderation.open_item_for(post)


def _messages(member) -> list[ModeratorMessage]:
    return list(db.session.scalars(select(ModeratorMessage).where(ModeratorMessage.recipient_id == member.id)))


def test_a_spanish_member_reads_the_moderators_warning_in_spanish(client, login, moderator, member):
    member.language = "es"
    item = _reported(member)
    login(moderator)
    # The moderator reads English; the member chose Spanish on their account page.
    done = client.post(
        f"/moderation/items/{item.id}/member",
        data={"action": "warn", "note": "Por favor, sé amable."},
        headers=ENGLISH,
        follow_redirects=True,
    )
    assert "Done; the member has been told." in done.text
    [warning] = _messages(member)
    assert warning.subject == "Un aviso de los moderadores" and warning.body == "Por favor, sé amable."
    client.post("/logout")
    login(member)
    inbox = client.get("/messages", headers=ENGLISH).text
    assert '<html lang="es">' in inbox and "Un aviso de los moderadores" in inbox


def test_a_member_who_chose_no_language_is_warned_in_english(moderator, member):
    actions.warn_member(_reported(member), moderator, note="Please be kind.")
    assert [m.subject for m in _messages(member)] == ["A warning from the moderators"]


def test_a_suspension_says_until_when_as_the_members_language_writes_dates(client, login, moderator, member):
    member.language = "es"
    actions.suspend_member(_reported(member), moderator, days=7, note="Insultos.", now=SUSPENDED_AT)
    [message] = _messages(member)
    assert message.subject == "Tu cuenta está suspendida"
    assert message.body == (
        "Tu cuenta está suspendida hasta el 12 de diciembre de 2026, 09:30 UTC: "
        "puedes leer, pero no publicar ni reportar.\n\nPor qué: Insultos."
    )
    # The notice on every page, in the reader's language, with the date as it writes them.
    member.suspended_until = utcnow() + timedelta(days=2)
    db.session.commit()
    login(member)
    page = client.get("/", headers=SPANISH).text
    until = member.suspended_until
    months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre"]
    months += ["noviembre", "diciembre"]
    written = f"{until.day} de {months[until.month - 1]} de {until.year}, {until:%H:%M} UTC"
    assert f"Tu cuenta está suspendida hasta el {written}, así que hasta entonces no puedes" in page
    assert "Motivo: Insultos." in page


def test_an_english_suspension_keeps_its_english_date(moderator, member):
    actions.suspend_member(_reported(member), moderator, days=7, note="Insults.", now=SUSPENDED_AT)
    [message] = _messages(member)
    assert message.body.startswith("Your account is suspended until 12 December 2026, 09:30 UTC: you can read")


def test_care_and_reveal_messages_are_in_the_authors_language(moderator, admin, member):
    member.language = "es"
    crisis = boards.create_reply(make_topic(), member, body=CONCERN_TEXT)
    actions.hide_post(moderation.open_item_for(crisis), moderator, guideline="care", note="Le escribimos.")
    anonymous = make_post(make_topic(), member, body="Un mensaje cualquiera.", anonymous=True)
    report_post(anonymous, make_user("willow"), reason="harassment")
    actions.reveal_author(moderation.open_item_for(anonymous), admin, reason="Amenazas a otro miembro.")
    subjects = [m.subject for m in _messages(member)]
    assert subjects == ["Estamos aquí para ti", "Un moderador vio quién escribió tu publicación anónima"]
    assert _messages(member)[1].body.endswith("El motivo que dio: Amenazas a otro miembro.")


def test_a_hidden_posts_guideline_is_written_in_its_authors_language(moderator, member):
    member.language = "es"
    item = _reported(member)
    actions.hide_post(item, moderator, guideline="kindness", note="Cuida el tono.")
    assert item.post.moderator_note == "Sé amable: nada de acoso, odio ni ataques personales. Cuida el tono."


def test_the_reaching_out_template_follows_the_authors_language_not_the_moderators(client, login, moderator):
    author = make_user("luna", language="es")
    item = moderation.open_item_for(boards.create_reply(make_topic(), author, body=URGENT_TEXT))
    login(moderator)
    page = client.get(f"/moderation/items/{item.id}", headers=ENGLISH).text
    assert "Queríamos saber cómo estás" in page and "A member may be at risk: three steps" in page


@pytest.fixture
def inbox(app):
    port, received = _free_port(), Inbox()
    server = _start_smtp(received, port)
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_SENDER="alerts@forum.example")
    app.config.update(ALERT_EMAIL_TO=[], ALERT_BASE_URL="https://forum.example")
    yield received
    server.stop()


def test_on_call_alerts_are_written_in_each_moderators_language(inbox, member):
    in_spanish = make_user("sol_mod", role=Role.MODERATOR, language="es", alert_email="sol@example.org")
    in_english = make_user("ash_mod", role=Role.MODERATOR, alert_email="ash@example.org")
    for person in (in_spanish, in_english):
        person.on_call_until = utcnow() + timedelta(hours=4)
    db.session.commit()
    boards.create_reply(make_topic(), member, body=URGENT_TEXT)
    rows = db.session.scalars(select(AlertOutbox).order_by(AlertOutbox.id)).all()
    assert all(alerts.is_urgent(row) for row in rows)
    assert alerts.deliver_due() == len(rows) == 2
    received = {}
    for recipients, content in inbox.messages:
        message = email.message_from_string(content)
        received[recipients[0]] = (
            str(make_header(decode_header(message["Subject"]))),
            message.get_payload(decode=True).decode(),
        )
    subject, body = received["sol@example.org"]
    assert subject.startswith("[URGENTE] Una publicación necesita a un moderador (caso #")
    assert "El detector de crisis valoró una publicación como urgente." in body
    subject, body = received["ash@example.org"]
    assert subject.startswith("[URGENT] A post needs a moderator (item #")
    assert "pills" not in body and member.pseudonym not in body

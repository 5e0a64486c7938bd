"""A page finds its language's catalogue once, however many of the forum's words it shows."""

import flask_babel

from forum.extensions import db
from tests.factories import make_topic


def _lookups(monkeypatch) -> list[int]:
    # Counts Flask-Babel's own lookups and calls through: the catalogue used is still Flask-Babel's.
    calls = []
    look_up = flask_babel.Domain.get_translations

    def counted(domain):
        calls.append(1)
        return look_up(domain)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    return calls


def test_a_topic_page_looks_its_catalogue_up_once(client, monkeypatch):
    topic = make_topic()
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    db.session.commit()
    calls = _lookups(monkeypatch)
    english = client.get(url, headers={"Accept-Language": "en"})
    english_lookups = len(calls)
    spanish = client.get(url, headers={"Accept-Language": "es"})
    assert english.status_code == spanish.status_code == 200
    assert english_lookups == 1
    assert len(calls) == 2
    assert "Iniciar sesión" in spanish.text and "Foros" in spanish.text
    assert "Sign in" in english.text and "Iniciar sesión" not in english.text


def test_writing_in_a_members_language_mid_request_uses_their_catalogue(app):
    from flask import render_template_string

    from forum.i18n import in_language

    page = "{{ _('Sign in') }}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(page) == "Sign in"
        with in_language("es"):
            assert render_template_string(page) == "Iniciar sesión"
        assert render_template_string(page) == "Sign in"

"""English or Spanish: who chooses, what the page says it is, and the crisis lines that come first."""

import pytest
from flask_babel import gettext

from forum.accounts import services as accounts
from forum.crisis.models import CrisisFlag
from forum.crisis.services import seed_hotlines
from forum.errors import InvalidAction
from forum.extensions import db
from forum.i18n import choose_language
from forum.moderation.models import QueueItem
from tests.apps import running_app
from tests.factories import make_board

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


@pytest.mark.parametrize(
    ("cookie", "member", "asked", "expected"),
    [
        (None, None, [], "en"),
        (None, None, ["es-419", "en"], "es"),
        (None, None, ["fr-FR", "es"], "es"),
        (None, None, ["fr-FR", "de"], "en"),
        (None, "es", ["en-GB"], "es"),
        ("en", "es", ["es"], "en"),
        ("xx", None, ["es_ES"], "es"),
        (None, "klingon", ["en"], "en"),
    ],
)
def test_device_choice_then_account_then_browser(cookie, member, asked, expected):
    assert choose_language(cookie, member, asked) == expected


def test_a_guest_whose_browser_asks_for_spanish_reads_spanish(client):
    page = client.get("/help", headers=SPANISH)
    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert "Pide ayuda ahora" in page.text and "Normas de la comunidad" in page.text
    assert "Get help now" not in page.text
    assert "Accept-Language" in page.headers["Vary"]
    english = client.get("/help")
    assert '<html lang="en">' in english.text and "Get help now" in english.text


def test_the_footer_link_switches_language_and_comes_back_to_the_page(client):
    page = client.get("/help")
    assert 'href="/language/es?next=/help"' in page.text and ">Español</a>" in page.text
    response = client.get("/language/es?next=/help")
    assert response.status_code == 302 and response.headers["Location"] == "/help"
    assert "lang=es" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    page = client.get("/help")
    assert '<html lang="es">' in page.text and ">English</a>" in page.text
    # Elsewhere than this site, the link goes home.
    assert client.get("/language/en?next=//evil.example").headers["Location"] == "/"
    assert client.get("/language/fr").status_code == 404


def test_a_member_chooses_the_language_on_the_account_page(client, login, member):
    login(member)
    assert "Idioma" not in client.get("/account").text
    response = client.post("/account/language", data={"language-language": "es"})
    assert response.status_code == 302
    db.session.refresh(member)
    assert member.language == "es"
    page = client.get("/account", headers={"Accept-Language": "en"})
    assert '<html lang="es">' in page.text and "Idioma" in page.text


def test_an_unknown_language_is_refused_by_the_rule():
    with pytest.raises(InvalidAction):
        accounts.set_language(None, "fr")


def test_error_pages_and_their_titles_are_translated(client):
    page = client.get("/no-such-page", headers=SPANISH)
    assert page.status_code == 404
    assert "No encontramos esa página" in page.text and "Volver a los foros" in page.text


def test_a_spanish_crisis_post_shows_spanish_lines_first_and_reaches_the_moderators(client, login, member):
    seed_hotlines()
    member.language = "es"
    member.region = "US"
    db.session.commit()
    login(member)
    board = make_board()
    response = client.post(
        f"/boards/{board.slug}/topics/new",
        data={"title": "no puedo más", "body": "ya no aguanto más, me quiero morir"},
    )
    landing = client.get(response.headers["Location"])
    page = client.get(landing.headers["Location"]).text
    panel = page.split('<section class="support-panel"')[1].split("</section>")[-2]
    assert "Nos alegra que hayas escrito" in page
    first_lines = page.split('<ul class="hotlines">')[1].split("</ul>")[0]
    assert first_lines.index("988 Lifeline en español") < first_lines.index("988 Suicide &amp; Crisis Lifeline")
    assert "Enviar AYUDA al 988" in first_lines and "Comprobado en diciembre de 2026" in first_lines
    assert panel
    assert db.session.scalar(db.select(CrisisFlag)) is not None
    assert db.session.scalar(db.select(QueueItem)) is not None


@pytest.mark.parametrize(("region", "line"), [("ES", "tel:024"), ("MX", "tel:8009112000")])
def test_help_lists_the_spanish_speaking_countries_lines(client, region, line):
    seed_hotlines()
    page = client.get(f"/help?region={region}", headers=SPANISH).text
    first_lines = page.split('<ul class="hotlines">')[1].split("</ul>")[0]
    assert f'href="{line}"' in first_lines


def test_outside_a_request_the_forum_speaks_english(app):
    assert gettext("Get help now") == "Get help now"


def test_a_guest_of_a_members_only_forum_can_switch_the_sign_in_page_to_spanish():
    with running_app({"MEMBERS_ONLY": True}) as app:
        client = app.test_client()
        assert 'href="/language/es?next=/login"' in client.get("/login").text
        response = client.get("/language/es?next=/login")
        # The footer link only sets a cookie, so it answers before anyone signs in.
        assert response.status_code == 302 and response.headers["Location"] == "/login"
        assert "lang=es" in response.headers["Set-Cookie"]
        page = client.get("/login")
        assert '<html lang="es">' in page.text and ">English</a>" in page.text


def test_refused_sign_up_and_account_deletion_read_in_spanish(client, login, member):
    page = client.post("/register", data={"pseudonym": member.pseudonym, "password": "x"}, headers=SPANISH).text
    assert "Ese seudónimo ya está en uso" in page and "lee las normas de la comunidad" in page
    assert "That pseudonym is taken" not in page and "agree to the community guidelines" not in page
    login(member)
    wrong = client.post("/account/delete", data={"posts": "keep", "password": "not it"}, headers=SPANISH)
    assert wrong.status_code == 400
    assert "Tu contraseña actual no es correcta." in wrong.text and "isn&#39;t right" not in wrong.text


def test_the_language_link_comes_back_to_the_page_when_the_forum_is_mounted_under_a_path(client):
    mounted = {"SCRIPT_NAME": "/forum"}
    page = client.get("/help", environ_overrides=mounted)
    assert 'href="/forum/language/es?next=/forum/help"' in page.text
    response = client.get("/language/es?next=/forum/help", environ_overrides=mounted)
    assert response.headers["Location"] == "/forum/help"


def test_a_search_with_nothing_to_find_is_refused_in_spanish(client):
    page = client.get("/search?q=%3F%21", headers=SPANISH).text
    assert "los signos de puntuación solos no encuentran nada" in page and "punctuation" not in page
    assert "Escribe una o dos palabras para buscar." in client.get("/search?q=", headers=SPANISH).text


def test_a_language_the_browser_refuses_with_q_0_is_never_chosen(client):
    # RFC 9110 12.4.2: a quality of 0 means "not acceptable".
    page = client.get("/help", headers={"Accept-Language": "fr, es;q=0"})
    assert '<html lang="en">' in page.text

"""The staff pages read in Spanish: queue, items, the log, reveal, resources, announcements, crisis lines.

Each page is rendered for a moderator, facilitator or admin whose browser asks for English and again
for one who asks for Spanish (tests/i18n/test_pages.py explains the check). Member-written text stays as
written, and the English pages keep their words.
"""

import pytest

from forum.announcements.services import set_announcement
from forum.boards import services as boards
from forum.boards.models import Board
from forum.crisis.models import Hotline
from forum.crisis.services import seed_hotlines
from forum.extensions import db
from forum.moderation import services as moderation
from forum.moderation.reports import report_post
from forum.moderation.unposted import add_unposted
from forum.resources.models import Resource
from tests.crisis.test_services import URGENT_TEXT
from tests.factories import make_user
from tests.i18n.test_pages import ENGLISH, SPANISH, _untranslated, forum_with_content  # noqa: F401


@pytest.fixture
def staff_site(forum_with_content, admin):  # noqa: F811
    """A report on an anonymous reply, an urgent crisis post, an unposted text, a banner and the lines."""
    _board, topic, first, reply = forum_with_content
    reporter = make_user("willow")
    report_post(reply, reporter, reason="harassment", note="No me parece bien.")
    # Authors who chose Spanish: the reaching-out template is written in their language.
    reply.author.language = "es"
    crisis = boards.create_reply(topic, make_user("brook", language="es"), body=URGENT_TEXT)
    add_unposted(
        text="Nadie lo leerá.",
        level="urgent",
        author=reporter,
        anonymous=False,
        kind="topic",
        path="/boards/relapse-prevention/topics/new",
        refusal="Too many links.",
    )
    set_announcement("Hoy hay reunión a las 19:00.", by=admin)
    seed_hotlines()
    # A resource a facilitator wrote: its edit form shows the stored words, which a seeded one keeps in English.
    db.session.add(
        Resource(title="Grupo de los martes", category="mutual_aid", phone="555 0100", description="Online.")
    )
    db.session.commit()
    return {
        "report": moderation.open_item_for(reply),
        "crisis": moderation.open_item_for(crisis),
        "topic": topic,
        "first": first,
    }


def _urls(site) -> dict[str, str]:
    resource = db.session.scalars(db.select(Resource).filter_by(title="Grupo de los martes")).one()
    hotline = db.session.scalars(db.select(Hotline).order_by(Hotline.id)).first()
    return {
        "queue": "/moderation/",
        "queue (urgent only)": "/moderation/?show=urgent",
        "queue (nothing held)": "/moderation/?show=held",
        "report item": f"/moderation/items/{site['report'].id}",
        "crisis item": f"/moderation/items/{site['crisis'].id}",
        "reach-out template": f"/moderation/items/{site['report'].id}?template=reach_out",
        "member page": "/members/river",
        "flag missed": f"/posts/{site['first'].id}/flag-missed",
        "audit log": "/moderation/log",
        "crisis lines": "/admin/hotlines",
        "new crisis line": "/admin/hotlines/new",
        "crisis line": f"/admin/hotlines/{hotline.id}",
        "announcement": "/announcement",
        "resources": "/resources",
        "new resource": "/resources/new",
        "edit resource": f"/resources/{resource.id}/edit",
        "pin resource": f"/resources/{resource.id}/pin",
        "pin topic": f"/topics/{site['topic'].id}/pin",
    }


MODERATOR_PAGES = [
    "queue",
    "queue (urgent only)",
    "queue (nothing held)",
    "report item",
    "crisis item",
    "reach-out template",
    "member page",
    "flag missed",
]
ADMIN_PAGES = [*MODERATOR_PAGES, "audit log", "crisis lines", "new crisis line", "crisis line", "announcement"]
FACILITATOR_PAGES = ["resources", "new resource", "edit resource", "pin resource", "pin topic", "announcement"]


@pytest.mark.parametrize("name", MODERATOR_PAGES)
def test_a_moderators_page_has_no_english_left_in_spanish(client, login, moderator, staff_site, name):
    login(moderator)
    left, _page = _untranslated(client, _urls(staff_site)[name])
    assert left == [], f"{name}: untranslated on the Spanish page"


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_an_admins_page_has_no_english_left_in_spanish(client, login, admin, staff_site, name):
    login(admin)
    left, _page = _untranslated(client, _urls(staff_site)[name])
    assert left == [], f"{name}: untranslated on the Spanish page"


@pytest.mark.parametrize("name", FACILITATOR_PAGES)
def test_a_facilitators_page_has_no_english_left_in_spanish(client, login, facilitator, staff_site, name):
    login(facilitator)
    left, _page = _untranslated(client, _urls(staff_site)[name])
    assert left == [], f"{name}: untranslated on the Spanish page"


def test_the_queue_reads_in_spanish_and_member_text_stays_as_written(client, login, moderator, staff_site):
    login(moderator)
    page = client.get("/moderation/", headers=SPANISH).text
    assert "<h1>Cola de moderación</h1>" in page
    assert "Crisis: urgente" in page and "Reportada" in page
    assert "Urgente: sin publicar (tema)" in page
    # What people wrote is never translated: the unposted text and the refusal it met.
    assert "Nadie lo leerá." in page and "Too many links." in page
    english = client.get("/moderation/", headers=ENGLISH).text
    assert "<h1>Moderation queue</h1>" in english and "Urgent: a topic not posted" in english


def test_the_reveal_form_and_its_answer_read_in_spanish(client, login, admin, staff_site):
    login(admin)
    item = staff_site["report"]
    page = client.get(f"/moderation/items/{item.id}", headers=SPANISH).text
    assert "Revelar quién escribió la publicación anónima" in page and "otra_persona" not in page
    answer = client.post(
        f"/moderation/items/{item.id}/reveal", data={"reason": "Amenaza a otro miembro."}, headers=SPANISH
    )
    assert answer.status_code == 200
    assert "Esta publicación anónima la escribió <strong>otra_persona</strong>." in answer.text


def test_a_refused_action_comes_back_in_spanish_with_the_moderators_text(client, login, moderator, staff_site):
    login(moderator)
    item = staff_site["report"]
    page = client.post(
        f"/moderation/items/{item.id}/member",
        data={"action": "suspend", "days": "", "note": "Texto que se queda."},
        headers=SPANISH,
    )
    assert page.status_code == 400
    assert "Suspende de 1 a 365 días." in page.text
    assert "Texto que se queda." in page.text


def test_a_moderators_flash_reads_in_spanish(client, login, moderator, staff_site):
    login(moderator)
    item = staff_site["crisis"]
    page = client.post(f"/moderation/items/{item.id}/claim", headers=SPANISH, follow_redirects=True)
    assert "Es tuyo." in page.text and "Atiendes este caso hasta las" in page.text


def test_the_banner_and_its_dismiss_button_read_in_spanish(client, staff_site):
    page = client.get("/", headers=SPANISH).text
    assert 'aria-label="Aviso"' in page and "Cerrar<span" in page and "Hoy hay reunión a las 19:00." in page
    english = client.get("/", headers=ENGLISH).text
    assert 'Dismiss<span class="visually-hidden"> the announcement</span>' in english


def test_board_names_in_staff_pages_are_the_readers(client, login, moderator, staff_site):
    login(moderator)
    page = client.get("/moderation/", headers=SPANISH).text
    board = db.session.query(Board).filter_by(slug="relapse-prevention").one()
    assert board.name == "Relapse prevention" and "Prevención de recaídas" in page

"""A Spanish-speaking newcomer, walked in Chromium with a browser that asks for Spanish: sign-up and
posting through the Spanish labels and buttons, and after a crisis post the Spanish-language lines
first, on screen, at phone size."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD
from tests.e2e.helpers import unique
from tests.e2e.test_accessibility import RUN_AXE, WCAG_TAGS, _describe

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# Pills saved up and a time: the flagger rates this urgent in Spanish.
SPANISH_CRISIS = "Tengo guardadas las pastillas para esta noche. Ya no puedo más."


DESKTOP = {"width": 1280, "height": 800}


def _register(page, pseudonym: str) -> None:
    """Sign up the way a Spanish reader does: every label and button in Spanish."""
    page.get_by_role("link", name="Únete").first.click()
    expect(page.get_by_role("heading", name="Únete a la comunidad")).to_be_visible()
    page.get_by_label("Seudónimo").fill(pseudonym)
    page.get_by_label("Contraseña", exact=True).fill(PASSWORD)
    page.get_by_label("He leído las normas de la comunidad y estoy de acuerdo").check()
    page.get_by_role("button", name="Crear cuenta").click()
    expect(page.get_by_role("heading", name=f"Te damos la bienvenida, {pseudonym}")).to_be_visible()
    page.get_by_role("link", name="Ya los guardé: ir a los foros").click()


def _start_topic(page, title: str, body: str, *, content_note: str = "") -> None:
    """From the board list, open "Presentaciones" (seeded as "Introductions") and start a topic there."""
    page.get_by_role("link", name="Presentaciones", exact=True).click()
    page.get_by_role("link", name="Abrir un tema").click()
    expect(page.get_by_role("heading", name="Abrir un tema en Presentaciones")).to_be_visible()
    page.get_by_label("Título").fill(title)
    page.get_by_label("Mensaje").fill(body)
    if content_note:
        page.get_by_label("Aviso de contenido (opcional)").fill(content_note)
    page.get_by_role("button", name="Publicar tema").click()
    page.wait_for_load_state()


def _in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.evaluate("window.innerHeight")


def test_a_spanish_newcomer_posts_in_crisis_and_sees_spanish_lines_first(new_page, axe_source):
    page = new_page(locale="es-MX", viewport=PHONE, bypass_csp=True)
    page.goto("/")
    assert page.evaluate("document.documentElement.lang") == "es"
    expect(page.get_by_role("link", name="Pide ayuda ahora").first).to_be_visible()
    _register(page, unique("luna").replace(" ", "_"))
    _start_topic(page, "Una noche difícil", SPANISH_CRISIS)

    assert page.url.endswith("#support")
    heading = page.get_by_role("heading", name="Nos alegra que hayas escrito")
    expect(heading).to_be_focused()
    panel = page.get_by_role("region", name="Nos alegra que hayas escrito")
    first_line = panel.locator(".hotline").first
    expect(first_line).to_contain_text("988 Lifeline en español")
    assert _in_viewport(page, first_line.locator("a[href='tel:988']"))
    expect(first_line.get_by_role("link", name="Enviar AYUDA al 988")).to_be_visible()
    # Urgent: the emergency number is unfolded, outside "Más opciones".
    emergency = panel.locator("a[href='tel:911']").first
    expect(emergency).to_be_visible()
    expect(panel.get_by_text("alguien del equipo de moderación la leerá pronto")).to_be_visible()
    page.evaluate(axe_source)
    found = [("support panel in Spanish", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    page.goto("/help")
    page.evaluate(axe_source)
    found += [("/help in Spanish", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    assert not found, "axe found WCAG 2.1 AA violations:\n" + _describe(found)


def test_a_spanish_member_signs_up_posts_and_replies_on_a_desktop(new_page):
    page = new_page(locale="es-ES", viewport=DESKTOP)
    page.goto("/")
    expect(page.get_by_role("heading", name="Foros", exact=True)).to_be_visible()
    _register(page, unique("sol").replace(" ", "_"))
    _start_topic(
        page, "Mi primera semana", "Hola a todos. Hoy es mi primer día aquí.", content_note="habla de una recaída"
    )
    expect(page.get_by_role("heading", name="Mi primera semana")).to_be_visible()
    # The content note folds the post; the member's own words stay as written.
    page.get_by_text("Aviso de contenido: habla de una recaída").click()
    expect(page.get_by_text("Hola a todos. Hoy es mi primer día aquí.")).to_be_visible()
    form = page.locator("#reply")
    expect(form.get_by_role("heading", name="Responder")).to_be_visible()
    form.get_by_label("Mensaje").fill("Gracias por leerme.")
    form.get_by_role("button", name="Publicar respuesta").click()
    expect(page.get_by_text("Gracias por leerme.")).to_be_visible()
    expect(page.get_by_role("link", name="Citar").first).to_be_visible()
    assert page.get_by_text("Post reply").count() == 0 and page.get_by_text("Start a topic").count() == 0


def test_the_footer_link_switches_a_guest_to_english_and_back(new_page):
    page = new_page(locale="es-ES", viewport=PHONE)
    page.goto("/help")
    expect(page.get_by_role("heading", name="Pide ayuda ahora")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Get help now")).to_be_visible()
    assert page.url.endswith("/help")
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", name="Pide ayuda ahora")).to_be_visible()
    page.get_by_role("link", name="España").click()
    expect(page.locator(".hotline").first).to_contain_text("024")

"""A moderator whose browser asks for Spanish works a crisis item at phone size: the queue and the item's
playbook read in Spanish, on screen, and axe finds nothing on either page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import CRISIS_TEXT, start_topic, unique
from tests.e2e.test_accessibility import RUN_AXE, WCAG_TAGS, _describe
from tests.e2e.test_spanish import PHONE

pytestmark = pytest.mark.e2e


def test_a_spanish_moderator_opens_a_crisis_item_from_the_queue_on_a_phone(new_page, axe_source):
    title = unique("Esta noche")
    start_topic(new_page("member"), title, CRISIS_TEXT)

    page = new_page("moderator", locale="es-MX", viewport=PHONE, bypass_csp=True)
    page.goto("/moderation/")
    assert page.evaluate("document.documentElement.lang") == "es"
    expect(page.get_by_role("heading", name="Cola de moderación")).to_be_visible()
    expect(page.get_by_role("navigation", name="Filtrar la cola").get_by_text("Urgente")).to_be_visible()
    page.evaluate(axe_source)
    found = [("queue in Spanish", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]

    page.get_by_role("link", name=f"Crisis: urgente: {title}").click()
    expect(page.get_by_role("heading", name="Un miembro puede estar en riesgo: tres pasos")).to_be_visible()
    expect(page.get_by_role("button", name="Encargarme")).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOTS / "moderator-crisis-item-es-390.png"))
    page.get_by_role("button", name="Encargarme").click()
    expect(page.get_by_text("Es tuyo.")).to_be_visible()
    expect(page.get_by_role("radio", name="Mantener oculta mientras contactamos")).to_be_visible()
    expect(page.get_by_role("button", name="Registrar el resultado")).to_be_visible()
    assert page.get_by_text("Claim", exact=True).count() == 0 and page.get_by_text("Reach out").count() == 0
    page.evaluate(axe_source)
    found += [("crisis item in Spanish", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    assert not found, "axe found WCAG 2.1 AA violations:\n" + _describe(found)

"""A Spanish-speaking member checks in at phone size and reads the chart and its table in Spanish."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import unique
from tests.e2e.test_accessibility import RUN_AXE, WCAG_TAGS, _describe
from tests.e2e.test_spanish import _register

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
MONTHS = ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]


def _on_screen(page, locator) -> None:
    """Visible, and inside the phone's width: nothing to scroll sideways for."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, box


def test_a_spanish_member_checks_in_and_reads_the_chart_in_spanish(new_page, axe_source):
    page = new_page(locale="es-MX", viewport=PHONE, bypass_csp=True)
    page.goto("/")
    _register(page, unique("alba").replace(" ", "_"))
    page.goto("/")
    _on_screen(page, page.get_by_role("link", name="Registro diario", exact=True))
    page.get_by_role("link", name="Registro diario", exact=True).click()
    expect(page.get_by_role("heading", name="Registros diarios y logros", level=1)).to_be_visible()

    page.get_by_role("link", name="Haz tu registro de hoy").click()
    expect(page.get_by_role("heading", name="Registro diario", level=1)).to_be_visible()
    page.get_by_role("group", name="Ánimo hoy").get_by_label("2 · bajo").check()
    page.get_by_role("group", name="Ganas de consumir hoy").get_by_label("6", exact=True).check()
    page.get_by_role("group", name="¿Cómo dormiste?").get_by_label("4 · bien").check()
    page.get_by_role("group", name="Medicación tomada según lo previsto").get_by_label("Sí").check()
    page.get_by_label("Una línea sobre hoy (opcional)").fill("Fui a mi reunión, después me sentí inquieta.")
    page.evaluate(axe_source)
    found = [("Spanish check-in form", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    page.get_by_role("button", name="Guardar registro").click()
    page.wait_for_load_state()

    expect(page.get_by_text("Registro guardado. Solo tú puedes verlo.")).to_be_visible()
    expect(page.get_by_text("Hoy hiciste tu registro: ánimo 2 de 5, ganas de consumir 6 de 10")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "member-checkin-es-390.png"))
    chart = page.get_by_role("img", name="Ánimo y ganas de consumir, últimos 30 días")
    _on_screen(page, chart)
    assert chart.locator("circle").count() == 1 and chart.locator("rect").count() == 1
    # The axis ends on today, written the Spanish way ("05 dic"); the server counts days in UTC.
    today = datetime.now(UTC).date()
    expect(chart.locator("text").last).to_have_text(f"{today.day:02d} {MONTHS[today.month - 1]}")
    expect(page.get_by_text("1 registro.").first).to_be_visible()

    page.get_by_text("Los números, día a día").first.click()
    table = page.get_by_role("table", name="Ánimo y ganas de consumir, últimos 30 días")
    expect(table.get_by_role("columnheader", name="Ganas de consumir (0–10)")).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Sin registro").first).to_be_visible()
    _on_screen(page, table.get_by_role("columnheader", name="Ánimo (1–5)"))
    for english in ("Mood and cravings", "No check-in", "The numbers, day by day", "Check-in saved"):
        assert page.get_by_text(english).count() == 0, english

    page.evaluate(axe_source)
    found += [("Spanish chart and table", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    assert not found, "axe found WCAG 2.1 AA violations:\n" + _describe(found)

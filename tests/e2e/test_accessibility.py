"""WCAG 2.1 AA with axe-core on every main page, signed out and in; keyboard use; screenshots for people."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import CRISIS_TEXT, start_topic, unique

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Phone (an iPhone 12-14 is 390 CSS pixels wide) and desktop.
WIDTHS = {"phone": 390, "desktop": 1280}

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary.replace(/\\s+/g, " "))
  }));
}"""


def _reflow_violation(pixels: int) -> dict:
    return {"id": "reflow", "impact": "serious", "help": f"the page scrolls sideways by {pixels}px", "nodes": []}


def _describe(found: list[tuple[str, dict]]) -> str:
    lines = []
    for where, violation in found:
        lines.append(f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)


@pytest.mark.parametrize(
    "role", [None, "member", "facilitator", "moderator", "admin"], ids=lambda role: role or "guest"
)
def test_main_pages_have_no_wcag_21_aa_violations(role, new_page, sample_site, axe_source):
    SCREENSHOTS.mkdir(exist_ok=True)
    found = []
    for width_name, width in WIDTHS.items():
        # CSP is bypassed in this context only, so the test can inject axe; members never get axe.
        page = new_page(role, bypass_csp=True, viewport={"width": width, "height": 900})
        for name, path in sample_site.pages(role).items():
            response = page.goto(path)
            assert response is not None and response.ok, f"{path} answered {response and response.status}"
            page.screenshot(path=str(SCREENSHOTS / f"{role or 'guest'}-{name}-{width}.png"), full_page=True)
            page.evaluate(axe_source)
            for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
                found.append((f"{name} {path} at {width_name}", violation))
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                # WCAG 1.4.10 Reflow: no sideways scrolling of the whole page on a phone.
                found.append((f"{name} {path} at {width_name}", _reflow_violation(overflow)))
    assert not found, "axe found WCAG 2.1 AA violations:\n" + _describe(found)


def test_support_panel_and_error_pages_have_no_violations(new_page, axe_source):
    page = new_page("member", bypass_csp=True)
    start_topic(page, unique("Rough night"), CRISIS_TEXT)
    expect(page.get_by_role("region", name="We're glad you reached out")).to_be_visible()
    page.evaluate(axe_source)
    found = [("support panel", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    page.screenshot(path=str(SCREENSHOTS / "member-support-panel-1280.png"), full_page=True)
    page.goto("/boards/no-such-board")
    page.evaluate(axe_source)
    found += [("404 page", v) for v in page.evaluate(RUN_AXE, WCAG_TAGS)]
    assert not found, "axe found WCAG 2.1 AA violations:\n" + _describe(found)


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || "").trim().slice(0, 60),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0
      && box.left < innerWidth && box.top < innerHeight,
  };
}"""

REMEMBER_FOCUS = """() => { (window.__seen = window.__seen || []).push(document.activeElement); }"""


def test_keyboard_skip_link_comes_first_is_visible_and_moves_focus_to_main(new_page):
    page = new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] == "Skip to main content", first
    assert first["visible"] and first["outline"], f"the skip link must show when focused: {first}"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    after_skip = page.evaluate("document.activeElement.closest('main') !== null")
    assert after_skip, "the next Tab after the skip link must land inside the main content"


@pytest.mark.parametrize(
    ("role", "path"),
    [(None, "/"), (None, "/register"), ("member", "new-topic"), ("member", "topic")],
    ids=["guest-index", "guest-register", "member-new-topic", "member-topic"],
)
def test_tab_order_follows_the_page_and_every_stop_shows_focus(role, path, new_page, sample_site):
    page = new_page(role)
    page.goto(sample_site.pages(role).get(path, path))
    focusable = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea,'
                 + ' summary, [tabindex]')].filter(el => el.tabIndex >= 0 && !el.disabled
                 && el.getClientRects().length > 0).length"""
    )
    assert (
        page.evaluate('document.querySelectorAll(\'[tabindex]:not([tabindex="-1"]):not([tabindex="0"])\').length') == 0
    )
    stops = []
    for _ in range(focusable):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        page.evaluate(REMEMBER_FOCUS)
    assert stops[0]["text"] == "Skip to main content"
    hidden = [s for s in stops if not (s["visible"] and s["outline"])]
    assert not hidden, f"focus must be visible at every stop: {hidden}"
    in_order = page.evaluate(
        """() => window.__seen.every((el, i, all) =>
             i === 0 || (all[i - 1].compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING))"""
    )
    assert in_order, "Tab order must follow the document order: " + " → ".join(s["text"] or s["tag"] for s in stops)

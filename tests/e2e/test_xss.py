"""Hostile input in every member-supplied field, rendered in a real browser: nothing runs.

The pages are rendered with the Content-Security-Policy bypassed, so this proves the escaping and the
sanitiser on their own; the CSP is a second wall, tested with the headers. Input goes in through the
forms' own POST endpoints (with the session's CSRF token) to keep the run short; every page that shows
it is then opened in the browser, which listens for dialogs, console messages, new script elements and
requests to other hosts, and scans the DOM for event-handler attributes and script URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from tests.e2e.xss_corpus import PAYLOADS

pytestmark = pytest.mark.e2e

XSS_BOARD = "/boards/stigma"

WATCH = """() => {
  window.__xssNodes = [];
  const own = (url) => url.startsWith(location.origin + "/static/");
  new MutationObserver((mutations) => {
    for (const m of mutations) for (const n of m.addedNodes) {
      if (n.nodeType !== 1) continue;
      const name = n.nodeName.toUpperCase();
      if (name === "SCRIPT" && !(n.src && own(n.src))) window.__xssNodes.push("script " + (n.src || n.text.slice(0, 60)));
      if (["IFRAME", "OBJECT", "EMBED", "BASE", "FRAME"].includes(name)) window.__xssNodes.push(name);
    }
  }).observe(document, {childList: true, subtree: true});
}"""

SCAN = """() => {
  const bad = [...(window.__xssNodes || [])];
  const risky = /^(javascript|vbscript|data):/;
  const own = (url) => url.startsWith(location.origin + "/static/");
  for (const el of document.querySelectorAll("*")) {
    const name = el.nodeName.toUpperCase();
    if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "BASE", "FRAME", "STYLE", "SVG", "MATH", "IMG", "VIDEO",
         "AUDIO", "SOURCE", "TEMPLATE", "MARQUEE", "ISINDEX"].includes(name) && !(name === "SCRIPT" && own(el.src))) {
      bad.push("element " + name);
    }
    if (name === "META" && el.httpEquiv) bad.push("meta http-equiv");
    // The page's own Atom feed link, in <head> where no member text goes, is the one other link allowed.
    const ownFeed = el.parentElement === document.head && el.rel === "alternate"
      && el.type === "application/atom+xml" && el.href.startsWith(location.origin + "/") && el.href.endsWith(".atom");
    if (name === "LINK" && !own(el.href) && !ownFeed) bad.push("link " + el.href);
    for (const attr of el.attributes) {
      const key = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (key.startsWith("on")) bad.push(`${name} ${key}=`);
      if (key === "style" || key === "srcdoc" || key === "formaction") bad.push(`${name} ${key}=`);
      if (["href", "src", "action", "xlink:href", "data", "background", "poster"].includes(key) && risky.test(value)) {
        bad.push(`${name} ${key}=${attr.value.slice(0, 40)}`);
      }
    }
  }
  return bad;
}"""


@dataclass
class Watcher:
    """Everything a page did that member text should never make it do."""

    origin: str
    events: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("dialog", self._dialog)
        page.on("console", lambda message: "XSS" in message.text and self.events.append(f"console: {message.text}"))
        page.on("request", self._request)
        page.on("pageerror", lambda error: self.events.append(f"page error: {error}"))
        page.add_init_script(f"({WATCH})()")

    def _dialog(self, dialog) -> None:
        self.events.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _request(self, request) -> None:
        if not request.url.startswith(self.origin + "/"):
            self.events.append(f"request to {request.url}")

    def visit(self, page, path: str) -> None:
        page.goto(path)
        page.wait_for_load_state("load")
        self.scan(page, path)

    def render(self, page, html: str, label: str) -> None:
        """Show a page the server answered to a form post, in the browser at the forum's origin."""
        page.set_content(html, wait_until="load")
        self.scan(page, label)

    def scan(self, page, label: str) -> None:
        for finding in page.evaluate(SCAN):
            self.events.append(f"{label}: {finding}")


def chunks(limit: int, sep: str = "\n\n") -> list[str]:
    """All payloads packed into as few texts of at most `limit` characters as possible."""
    packed, current = [], ""
    for payload in PAYLOADS:
        payload = payload[:limit]
        if current and len(current) + len(sep) + len(payload) > limit:
            packed.append(current)
            current = ""
        current = f"{current}{sep}{payload}" if current else payload
    return [*packed, current]


class Poster:
    """Submits forms with the signed-in page's cookies and CSRF token, without a page load each."""

    def __init__(self, page, origin: str):
        self.page, self.origin = page, origin
        page.goto("/account")
        self.token = page.locator("input[name=csrf_token]").first.get_attribute("value")

    def post(self, path: str, **fields: str):
        response = self.page.request.post(self.origin + path, form={"csrf_token": self.token, **fields})
        assert response.status < 500, f"POST {path} answered {response.status}"
        return response


def topic_of(response) -> str:
    """The topic a form post ended on, from the final address after redirects."""
    match = re.search(r"/boards/[^/]+/topics/\d+", response.url)
    assert match, f"the post did not land on a topic: {response.url}"
    return match.group(0)


def post_ids(page, path: str) -> list[int]:
    page.goto(path)
    return [
        int(i.removeprefix("post-")) for i in page.locator("article.post").evaluate_all("els => els.map(e => e.id)")
    ]


@pytest.fixture(scope="module")
def watched(browser, live_server, storage_states):
    """`watched(role)`: a page with CSP bypassed and a watcher attached."""
    contexts, watchers = [], []

    def make(role: str | None = None):
        options = {"storage_state": storage_states[role]} if role else {}
        context = browser.new_context(base_url=live_server.url, bypass_csp=True, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watcher = Watcher(live_server.url)
        watcher.attach(page)
        watchers.append(watcher)
        return page, watcher

    yield make
    for context in contexts:
        context.close()


def test_corpus_is_big_and_varied():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    for needle in ("<script", "onerror", "javascript:", "data:", "<svg", "<math", "](", "\u202e"):
        assert any(needle in p for p in PAYLOADS), needle


def test_the_watcher_sees_code_that_runs(watched):
    page, watcher = watched()
    page.goto("/help")
    with page.expect_event("dialog"):
        page.evaluate(
            """() => document.querySelector("main").insertAdjacentHTML("beforeend",
                 '<img src=x onerror="alert(1)"><a href="javascript:void(0)">x</a>')"""
        )
    with page.expect_event("console"):
        page.evaluate(
            "() => { const s = document.createElement('script'); s.text = 'console.log(\"XSS\")'; document.body.append(s); }"
        )
    watcher.scan(page, "control")
    found = "\n".join(watcher.events)
    for expected in ("dialog alert", "console: XSS", "script console", "IMG onerror=", "javascript:"):
        assert expected in found, f"{expected!r} not seen in:\n{found}"


def test_titles_messages_and_content_notes_never_run(watched, live_server):
    page, watcher = watched("member")
    poster = Poster(page, live_server.url)
    accepted = 0
    for i, payload in enumerate(PAYLOADS):
        response = poster.post(
            f"{XSS_BOARD}/topics/new",
            title=payload[:150],
            body=payload,
            content_note=payload[:100],
            **({"anonymous": "y"} if i % 2 else {}),
        )
        accepted += "/topics/new" not in response.url
    assert accepted >= len(PAYLOADS) * 0.9, f"only {accepted} of {len(PAYLOADS)} hostile topics were accepted"
    big_topic = topic_of(poster.post(f"{XSS_BOARD}/topics/new", title="All at once", body="".join(PAYLOADS)[:20_000]))
    for note in chunks(100, sep=" "):
        poster.post(f"{big_topic}/reply", body="\n\n".join(PAYLOADS[:40]), content_note=note)

    board_pages = -(-(accepted + 1) // 25)
    for number in range(1, board_pages + 1):
        watcher.visit(page, f"{XSS_BOARD}?page={number}")
    topic_links = []
    for number in range(1, board_pages + 1):
        page.goto(f"{XSS_BOARD}?page={number}")
        topic_links += page.locator("table.listing td:first-child a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    # Every title is on the board pages above; each topic page shows one title, so a sample will do.
    for link in topic_links[::4]:
        watcher.visit(page, link)
    watcher.visit(page, "/")
    watcher.visit(page, "/members/meadow_e2e")
    # A guest sees the anonymous posts with other labels; render those pages too.
    guest, guest_watcher = watched()
    for link in topic_links[:10]:
        guest_watcher.visit(guest, link)
    events = watcher.events + guest_watcher.events
    assert not events, "hostile input ran or left live markup:\n" + "\n".join(events[:40])


def test_pseudonyms_on_registration_error_pages_never_run(watched, live_server):
    page, watcher = watched()
    page.goto("/register")
    token = page.locator("input[name=csrf_token]").get_attribute("value")
    for payload in PAYLOADS:
        response = page.request.post(
            f"{live_server.url}/register",
            form={"csrf_token": token, "pseudonym": payload, "password": "too short", "agree": "y"},
        )
        assert response.status < 500
        watcher.render(page, response.text(), f"register {payload!r}")
    assert not watcher.events, "hostile pseudonym ran:\n" + "\n".join(watcher.events[:40])


def test_report_notes_and_moderator_notes_never_run(watched, live_server):
    author, _ = watched("member")
    author_poster = Poster(author, live_server.url)
    topic = topic_of(
        author_poster.post("/boards/family-friends/topics/new", title="Reported topic", body="Some text to report.")
    )
    notes = chunks(1000)
    for _ in notes[1:]:
        author_poster.post(f"{topic}/reply", body="Another post to report.")
    posts = post_ids(author, topic)
    assert len(posts) >= len(notes)

    reporter, reporter_watcher = watched("facilitator")
    reporter_poster = Poster(reporter, live_server.url)
    for post_id, note in zip(posts, notes, strict=False):
        reporter_poster.post(f"/posts/{post_id}/report", reason="other", note=note)
    reporter_watcher.visit(reporter, "/reports")

    moderator, watcher = watched("moderator")
    mod_poster = Poster(moderator, live_server.url)
    moderator.goto("/moderation/")
    # The report items themselves: an item page also names the author's other topics, and crisis items
    # (from other tests by the same account) have no guideline to choose.
    items = moderator.locator("a[href*='/moderation/items/']", has_text="Reported: Reported topic").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    report_items = list(dict.fromkeys(items))
    assert report_items, "the reports did not reach the queue"
    for path, note in zip(report_items, chunks(500), strict=False):
        mod_poster.post(f"{path}/claim")
        mod_poster.post(f"{path}/message", subject=note[:150], body=note)
        mod_poster.post(f"{path}/hide", guideline=_first_guideline(moderator, path), note=note)
        watcher.visit(moderator, path)
    for post_id, note in zip(posts, chunks(500), strict=False):
        mod_poster.post(f"/posts/{post_id}/flag-missed", level="concern", note=note)
    watcher.visit(moderator, "/moderation/")
    for path in report_items:
        watcher.visit(moderator, path)

    admin, admin_watcher = watched("admin")
    admin_watcher.visit(admin, "/moderation/log")
    expect(admin.locator("main")).to_contain_text("hide")
    author_watcher = Watcher(live_server.url)
    author_watcher.attach(author)
    author_watcher.visit(author, "/messages")
    author_watcher.visit(author, topic)
    # The notes did land where they are shown: the hide note beside the author's post, the messages.
    expect(author.locator(".moderator-note")).not_to_have_count(0)
    author.goto("/messages")
    expect(author.locator("article.moderator-message")).not_to_have_count(0)
    events = watcher.events + reporter_watcher.events + admin_watcher.events + author_watcher.events
    assert not events, "hostile note ran:\n" + "\n".join(events[:40])


def _first_guideline(page, item_path: str) -> str:
    page.goto(item_path)
    return page.locator("select[name=guideline] option").first.get_attribute("value")


def test_resource_fields_never_run(watched, live_server):
    page, watcher = watched("facilitator")
    poster = Poster(page, live_server.url)
    page.goto("/resources/new")
    board_value = page.get_by_label("Board").locator("option", has_text="Coping skills").get_attribute("value")
    saved = 0
    for i, payload in enumerate(PAYLOADS):
        response = poster.post(
            "/resources/new",
            title=payload[:120],
            description=payload[:500],
            # Hostile addresses and numbers are refused, so most resources get harmless ones to be saved.
            url=payload[:300] if i % 4 == 1 else "https://example.org/guide",
            phone=payload[:40] if i % 4 == 2 else "",
            category="reading",
            board_id=board_value,
            position="0",
            note=payload[:500],
        )
        match = re.search(r"/resources/(\d+)/edit", response.url)
        if match:
            saved += 1
            poster.post(f"/resources/{match.group(1)}/pin", note=payload[:500])
        else:
            watcher.render(page, response.text(), f"refused resource {payload!r}")
    assert saved >= len(PAYLOADS) // 2, f"only {saved} hostile resources were saved"
    watcher.visit(page, "/resources")
    watcher.visit(page, "/boards/coping-skills-wins")
    reader, reader_watcher = watched("member")
    reader_watcher.visit(reader, "/resources")
    reader_watcher.visit(reader, "/boards/coping-skills-wins")
    events = watcher.events + reader_watcher.events
    assert not events, "hostile resource field ran:\n" + "\n".join(events[:40])

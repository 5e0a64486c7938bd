"""Member text to safe HTML: the only module that imports bleach.

Markdown is rendered by markdown-it-py with raw HTML off, then cleaned by bleach against a
small allowlist. Links carry rel="nofollow ugc noopener" and show their host; images are not
rendered at all, since loading one from another host would reveal readers' addresses.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from urllib.parse import urlsplit

import bleach
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from forum.caches import markdown as markdown_cache

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "hr",
        "h3",
        "h4",
        "h5",
        "h6",
        "span",
        "del",
        "s",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "rel"], "span": ["class"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel", "sms"})
LINK_REL = "nofollow ugc noopener"


def _host_of(href: str) -> str:
    parts = urlsplit(href)
    if parts.scheme in {"http", "https"}:
        return parts.hostname or ""
    return ""


def _render_link_close(_renderer, tokens, idx, options, env):
    host = env.get("link_hosts", []).pop() if env.get("link_hosts") else ""
    suffix = f' <span class="link-host">({escape(host)})</span>' if host else ""
    return "</a>" + suffix


def _render_link_open(_renderer, tokens, idx, options, env):
    token = tokens[idx]
    href = token.attrGet("href") or ""
    env.setdefault("link_hosts", []).append(_host_of(href))
    return f'<a href="{escape(href)}" rel="{LINK_REL}">'


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("strikethrough")
    md.disable("image")
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("link_close", _render_link_close)
    return md


def _heading_level_cap(html: str) -> str:
    # Headings are kept small so a post never outranks the page's own headings.
    for level in (1, 2):
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return html


def render_markdown(text: str) -> Markup:
    """Render a member's Markdown to cleaned HTML, safe to insert in a page."""
    # Rendering and cleaning cost about a millisecond a post, and busy threads are read far more often
    # than written; the output depends on the text alone, so each process keeps the recent ones.
    return Markup(markdown_cache.get_or_make(text or "", _render))  # noqa: S704 - cleaned by bleach  # nosec B704


def _render(text: str) -> str:
    html = _markdown().render(text, {})
    html = _heading_level_cap(html)
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return cleaned


def quote_markdown(author_label: str, body: str, intro: str | None = None) -> str:
    """A Markdown block quoting another post, for the reply box.

    ``intro`` is the line above the quote in the writer's language ("Miembro anónimo escribió:"); by default the
    English "<label> wrote:". forum/notifications/services.py QUOTE_RE reads every language's intro back.
    """
    quoted = "\n".join(f"> {line}" if line else ">" for line in (body or "").splitlines())
    return f"{intro or f'{author_label} wrote:'}\n\n{quoted}\n\n"


def plain_text(text: str | None) -> str:
    """Text as stored for plain-text fields: no NUL or other control characters, Unix newlines, trimmed."""
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.replace("\r\n", "\n").strip()

"""Search text in and out, with no Flask and no database: parse what a member typed into quoted
terms, write it in each engine's query language, and highlight matches in plain text.

Nothing a member types reaches an engine's query syntax: only runs of letters and digits survive,
each quoted, so FTS5 operators, column filters, NEAR, `*`, `:` and brackets are just punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import Markup, escape

from forum.errors import InvalidAction

# Longer than any sensible search; keeps the engines' work small.
MAX_QUERY_LENGTH = 200
# Each term is one more index lookup that every result must satisfy.
MAX_TERMS = 12
# Characters of a post shown around its first match.
SNIPPET_LENGTH = 240
# Words FTS5 would read as operators; people type them meaning the operator, not the word.
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})

_WORD = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r'"([^"]*)"')
# Markdown marks that make a snippet harder to read; the post page renders them properly.
_MARKDOWN_NOISE = re.compile(r"(^|\s)[>#]+|[*`~]+|\\(?=\S)")
_SUFFIXES = ("ing", "ed", "es", "s", "ly", "e")


@dataclass(frozen=True)
class SearchQuery:
    """What to look for: each part is one word, or several words that must appear in order."""

    parts: tuple[tuple[str, ...], ...]

    @property
    def words(self) -> list[str]:
        return [word for part in self.parts for word in part]

    def fts5(self) -> str:
        """The query in SQLite FTS5 syntax: quoted strings, all required."""
        return " ".join('"' + " ".join(part) + '"' for part in self.parts)

    def tsquery(self) -> str:
        """The query in PostgreSQL to_tsquery syntax: quoted lexemes joined by & and <->."""
        return " & ".join("(" + " <-> ".join(f"'{word}'" for word in part) + ")" for part in self.parts)


def parse_query(raw: str | None) -> SearchQuery:
    """Turn typed text into a SearchQuery; raises InvalidAction when there is nothing to search for."""
    raw = (raw or "").strip()
    if not raw:
        raise InvalidAction(gettext("Type a word or two to search for."), field="q")
    if len(raw) > MAX_QUERY_LENGTH:
        raise InvalidAction(gettext("Searches can be up to %(max)s characters.", max=MAX_QUERY_LENGTH), field="q")
    parts: list[tuple[str, ...]] = []
    position = 0
    # "Quoted words" stay together as a phrase; everything else is single words.
    for match in _QUOTED.finditer(raw):
        parts.extend(_single_words(raw[position : match.start()]))
        phrase = tuple(word.lower() for word in _WORD.findall(match.group(1)))
        if phrase:
            parts.append(phrase)
        position = match.end()
    parts.extend(_single_words(raw[position:]))
    unique = tuple(dict.fromkeys(parts))
    if not unique:
        raise InvalidAction(gettext("Search for words or numbers; punctuation on its own finds nothing."), field="q")
    if sum(len(part) for part in unique) > MAX_TERMS:
        raise InvalidAction(gettext("Use up to %(max)s words in one search.", max=MAX_TERMS), field="q")
    return SearchQuery(unique)


def _single_words(text: str) -> list[tuple[str, ...]]:
    return [(word.lower(),) for word in _WORD.findall(text) if word not in OPERATOR_WORDS]


def _stem(word: str) -> str:
    # Close enough to the engines' stemming to mark "relapsing" for "relapse".
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _pattern(query: SearchQuery) -> re.Pattern:
    stems = sorted({_stem(word) for word in query.words}, key=len, reverse=True)
    alternatives = "|".join(re.escape(stem) for stem in stems)
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def highlight(text: str, query: SearchQuery) -> Markup:
    """Escape the text, then wrap each matching word in <mark>."""
    pattern = _pattern(query)
    out: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(Markup("<mark>%s</mark>") % match.group(0))
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def snippet(body: str, query: SearchQuery, length: int = SNIPPET_LENGTH) -> Markup:
    """A highlighted stretch of plain text around the first match (or the start)."""
    text = " ".join(_MARKDOWN_NOISE.sub(r"\1", body).split())
    first = _pattern(query).search(text)
    start = 0
    if first is not None and first.end() > length - length // 8:
        # Begin at a word a little before the match, so it reads in context.
        start = text.rfind(" ", 0, max(first.start() - length // 4, 0)) + 1
    end = min(start + length, len(text))
    if end < len(text) and text.rfind(" ", start, end) > start:
        end = text.rfind(" ", start, end)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return Markup("").join([escape(prefix), highlight(text[start:end], query), escape(suffix)])

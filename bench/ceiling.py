"""The ceiling for `make bench`: a bare Flask app serving pages of a given size.

`GET /page/<size>` renders, through Jinja, an HTML page of exactly `size` bytes (the bench asks
for the size of each forum page it measures); `POST /reply` answers with a redirect, as the
forum's reply does. Served by the same gunicorn with the same settings, it shows what the
server, the framework and the bytes alone cost: no database, no sessions, no forum.
"""

from __future__ import annotations

from functools import cache

from flask import Flask, redirect, render_template_string

app = Flask(__name__)

_TEMPLATE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>{{ title }}</title></head><body><main>"
    "{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>\n{% endfor %}</main></body></html>"
)
_SENTENCE = "One day at a time, with a plan for the weekend and someone to call. "


def _render(paragraphs: list[str]) -> str:
    return render_template_string(_TEMPLATE, title="Ceiling", paragraphs=paragraphs)


@cache
def _paragraphs(size: int) -> list[str]:
    """Paragraphs that render to exactly `size` bytes (ASCII, so characters are bytes)."""
    paragraphs: list[str] = []
    while len(_render([*paragraphs, _SENTENCE * 4])) <= size:
        paragraphs.append(_SENTENCE * 4)
    short = size - len(_render([*paragraphs, ""]))
    if short >= 0:
        paragraphs.append((_SENTENCE * (short // len(_SENTENCE) + 1))[:short])
    return paragraphs


@app.get("/page/<int:size>")
def page(size: int):
    return _render(_paragraphs(min(size, 1_000_000)))


@app.post("/reply")
def reply():
    return redirect("/page/1000")

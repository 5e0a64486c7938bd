"""The ceiling for `make bench`: a bare Flask app serving pages of a given size.

`GET /page/<size>` renders, through Jinja, an HTML page of exactly `size` bytes (the bench asks
for the size of each forum page it measures); `POST /reply` answers with a redirect, as the
forum's reply does. Served by the same gunicorn with the same settings, it shows what the
server, the framework and the bytes alone cost: no database, no sessions, no forum.

The page comes from a file template (templates/ceiling.html) that Flask compiles once and keeps,
as every real Flask app does with render_template. Until 2026-12-04 it used render_template_string,
which compiles the template on every request (about 0.86 ms against 0.18 ms); that slowed the
ceiling, so the forum's ratios to it read too high.
"""

from __future__ import annotations

from functools import cache

from flask import Flask, redirect, render_template

app = Flask(__name__, template_folder="templates")

_SENTENCE = "One day at a time, with a plan for the weekend and someone to call. "


def _render(paragraphs: list[str]) -> str:
    return render_template("ceiling.html", title="Ceiling", paragraphs=paragraphs)


@cache
def _paragraphs(size: int) -> list[str]:  # called inside a request, where render_template works
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

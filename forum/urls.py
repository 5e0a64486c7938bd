"""URL patterns: a link built once with `{}` where an id goes, filled in with str.format."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter, Map

# Ids are PostgreSQL integers; a larger one in an address can name nothing, and answers 404.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:post_id>`: a row id, from 0 to MAX_ID; anything else matches no route (404)."""

    def __init__(self, map: Map) -> None:
        super().__init__(map, max=MAX_ID)


class ForumMap(Map):
    """The app's URL map, with the `id` converter every route with a row id uses."""

    default_converters = {**Map.default_converters, "id": IdConverter}


# Stands in for the per-item id in url_pattern; ids stop at 2**31 - 1, so no real one is this long.
_SLOT = "9876543210987"


def url_pattern(endpoint: str, slot: str, **values) -> str:
    """url_for's URL with `{}` where the integer argument `slot` goes, to fill in with str.format.

    url_for costs some 15 µs, and a listing builds dozens of links that differ in one id only.
    A pattern with no other arguments is the same on every page for a mount point (as with the
    header's links), so each app builds it once.
    """
    if values or not has_request_context():
        return _url_pattern(endpoint, slot, values)
    built = current_app.extensions.setdefault("forum.url_patterns", {})
    key = (request.environ.get("SCRIPT_NAME", ""), endpoint, slot)
    pattern = built.get(key)
    if pattern is None:
        pattern = built[key] = _url_pattern(endpoint, slot, values)
    return pattern


def _url_pattern(endpoint: str, slot: str, values: dict) -> str:
    url = url_for(endpoint, **values, **{slot: int(_SLOT)})
    if url.count(_SLOT) != 1:
        raise ValueError(f"{endpoint}: the placeholder id appears {url.count(_SLOT)} times in {url}")
    return url.replace("{", "{{").replace("}", "}}").replace(_SLOT, "{}")

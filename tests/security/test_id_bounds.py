"""Row ids in addresses are bounded by one converter: beyond PostgreSQL's integer, no route matches."""

from __future__ import annotations

import re

import pytest

from forum.urls import MAX_ID, IdConverter


def _id_rules(app):
    return [
        (rule, name)
        for rule in app.url_map.iter_rules()
        for name in rule.arguments
        if name.endswith("_id") and not (rule.defaults and name in rule.defaults)
    ]


def test_every_id_in_an_address_goes_through_the_id_converter(app):
    rules = _id_rules(app)
    assert rules, "no route takes an id?"
    plain = [f"{rule.rule} <{name}>" for rule, name in rules if not isinstance(rule._converters[name], IdConverter)]
    assert plain == []


@pytest.mark.parametrize("value", [MAX_ID + 1, 10**20])
def test_an_id_past_the_bound_answers_404_on_every_route(client, value):
    for rule, _name in _id_rules(client.application):
        path = re.sub(r"<id:\w+>", str(value), rule.rule)
        path = re.sub(r"<any\(([a-z]+)[^>]*>", r"\1", path)
        path = path.replace("<slug>", "general")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            assert response.status_code == 404, (method, path, response.status_code)


def test_the_largest_id_is_still_an_id(app):
    adapter = app.url_map.bind("localhost")
    assert adapter.match(f"/posts/{MAX_ID}") == ("boards.show_post", {"post_id": MAX_ID})

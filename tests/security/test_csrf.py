"""Every state-changing route refuses a request without a valid CSRF token, for guests and members."""

import pytest

from tests.apps import running_app
from tests.security.world import app_rules, build_world, rule_url, sign_in


@pytest.fixture
def csrf_app():
    with running_app({"WTF_CSRF_ENABLED": True}) as app:
        yield app


# POST routes that change nothing on the server and so take no token: dismissing the announcement
# only sets a cookie in the sender's own browser (a token would start a session for every guest).
# test_token_free_routes_write_nothing holds them to that.
TOKEN_FREE = {"announcements.dismiss_announcement"}


def _post_rules(app):
    return [r for r in app_rules(app) if "POST" in r.methods and r.endpoint not in TOKEN_FREE]


@pytest.mark.parametrize("who", ["guest", "member", "moderator", "admin"])
def test_every_post_route_refuses_a_missing_or_forged_token(csrf_app, who):
    world = build_world()
    client = csrf_app.test_client()
    if who != "guest":
        sign_in(client, world.users[who], with_token=True)
    rules = _post_rules(csrf_app)
    assert len(rules) >= 8
    for rule in rules:
        url = rule_url(csrf_app, rule, world)
        for data in ({}, {"csrf_token": "forged"}, {"csrf_token": ""}):
            response = client.post(url, data={**data, "body": "x", "title": "y"})
            assert response.status_code == 400, (who, url, data, response.status_code)
            assert "That request could not be understood" in response.text


def test_a_valid_token_is_accepted(csrf_app):
    world = build_world()
    client = csrf_app.test_client()
    sign_in(client, world.users["member"], with_token=True)
    from tests.security.world import csrf_token

    token = csrf_token(client, "/boards/general/topics/new")
    response = client.post(
        "/boards/general/topics/new", data={"csrf_token": token, "title": "Hello", "body": "First words."}
    )
    assert response.status_code == 302


def test_token_free_routes_write_nothing(csrf_app):
    from sqlalchemy import event

    from forum.announcements.services import set_announcement
    from forum.extensions import db

    world = build_world()
    client = csrf_app.test_client()
    sign_in(client, world.users["member"], with_token=True)
    set_announcement("Hello", by=world.users["admin"])
    for rule in app_rules(csrf_app):
        if rule.endpoint not in TOKEN_FREE:
            continue
        statements = []

        def record(_conn, _cursor, statement, *_args, statements=statements):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            response = client.post(rule_url(csrf_app, rule, world), data={"next": "/"})
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert response.status_code == 302 and "dismissed_announcement" in response.headers["Set-Cookie"]
        writes = [s for s in statements if s.lstrip().split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
        assert statements and not writes, writes

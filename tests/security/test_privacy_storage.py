"""No client address or user agent reaches the database; logs hold no post text and no addresses."""

import logging

from sqlalchemy import select

from forum.extensions import db
from tests.factories import PASSWORD, make_board

ADDRESS = "203.0.113.77"
AGENT = "UA-marker/1.0"
BODY = "A very private sentence about my week."


def _browse_and_post(client, member):
    env = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": AGENT, "HTTP_X_FORWARDED_FOR": ADDRESS}
    board = make_board(slug="checkins")
    client.post("/login", data={"pseudonym": member.pseudonym, "password": "wrong guess"}, environ_base=env)
    response = client.post(
        "/login", data={"pseudonym": member.pseudonym, "password": PASSWORD, "remember": "y"}, environ_base=env
    )
    assert response.status_code == 302
    response = client.post(
        f"/boards/{board.slug}/topics/new",
        data={"title": "Check-in", "body": BODY, "anonymous": "y"},
        environ_base=env,
    )
    assert response.status_code == 302
    topic_url = client.get(response.location, environ_base=env).location or response.location
    client.get(topic_url, environ_base=env)
    client.get("/account", environ_base=env)
    client.get("/healthz", environ_base=env)


def test_no_address_or_user_agent_in_any_table(client, member):
    _browse_and_post(client, member)
    columns = {c.name.lower() for t in db.metadata.sorted_tables for c in t.columns}
    assert not columns & {"ip", "ip_address", "remote_addr", "user_agent", "useragent", "last_ip"}
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            for value in row:
                text = str(value)
                assert ADDRESS not in text and "UA-marker" not in text, (table.name, text)


def test_logs_hold_no_post_text_or_address(client, member, caplog):
    caplog.set_level(logging.DEBUG)
    _browse_and_post(client, member)
    for record in caplog.records:
        message = record.getMessage()
        assert BODY not in message and ADDRESS not in message and "UA-marker" not in message, message

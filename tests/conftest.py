import re

import pytest
from sqlalchemy import event

from forum.extensions import db
from forum.permissions import Role
from tests.apps import running_app
from tests.factories import PASSWORD, make_user


@pytest.fixture
def app():
    with running_app() as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(client):
    """Sign a user in through the real sign-in form."""

    def do_login(user, password: str = PASSWORD):
        response = client.post("/login", data={"pseudonym": user.pseudonym, "password": password})
        assert response.status_code == 302, response.text
        return response

    return do_login


@pytest.fixture
def member(app):
    return make_user("river", role=Role.MEMBER)


@pytest.fixture
def other_member(app):
    return make_user("meadow", role=Role.MEMBER)


@pytest.fixture
def facilitator(app):
    return make_user("fern_facilitator", role=Role.FACILITATOR)


@pytest.fixture
def moderator(app):
    return make_user("sage_mod", role=Role.MODERATOR)


@pytest.fixture
def admin(app):
    return make_user("oak_admin", role=Role.ADMIN)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as n:` block."""

    class Counter:
        def __init__(self):
            self.statements: list[str] = []

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self._record)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._record)

        def _record(self, _conn, _cursor, statement, *_args):
            if not re.match(r"\s*(PRAGMA|SAVEPOINT|RELEASE)", statement, re.I):
                self.statements.append(statement)

        @property
        def count(self) -> int:
            return len(self.statements)

    return Counter

"""A PostgreSQL restart (or a proxy dropping idle connections) costs no member a failed page."""

import pytest
from sqlalchemy import create_engine, text

from forum.extensions import db
from tests.factories import make_board


@pytest.fixture
def postgres_app(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (make test runs the suite there too)")
    return app


def test_pages_survive_the_server_dropping_every_pooled_connection(postgres_app):
    make_board(name="After restart")
    client = postgres_app.test_client()
    assert client.get("/").status_code == 200
    db.session.remove()  # the request's connection is back in the pool, idle

    killer = create_engine(db.engine.url)
    with killer.connect() as conn:
        dropped = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    killer.dispose()
    assert dropped >= 1

    response = client.get("/")
    assert response.status_code == 200
    assert "After restart" in response.text

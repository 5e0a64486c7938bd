"""Rate limits kept in a real Redis server, shared by separate app processes.

Run with `.ci/services.sh redis -- .venv/bin/python -m pytest tests/security/test_ratelimit_redis.py`,
which starts a throwaway redis-server and sets TEST_REDIS_URL. Without it these tests skip,
except with CI=true, where a missing server fails the run.
"""

import os
import subprocess
import sys
import uuid

import pytest
import redis
from flask import g

from forum.config import PROJECT_ROOT
from tests.apps import running_app
from tests.factories import PASSWORD, make_topic, make_user

SIGN_INS_PER_WINDOW = 20  # the sign-in route's "20 per 10 minutes"
SIGN_IN_WINDOW_SECONDS = 600

# A second, separate app process: its own memory, only Redis in common with the test.
SECOND_INSTANCE = """
import sys
from forum import create_app
from forum.config import TestConfig
from forum.extensions import db

storage, prefix, address, tries = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
app = create_app(
    {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": prefix,
     "SQLALCHEMY_DATABASE_URI": "sqlite://"},
    config_class=TestConfig,
)
with app.app_context():
    db.create_all()
    client = app.test_client()
    statuses = [
        client.post("/login", data={"pseudonym": f"other{n}", "password": "x"},
                    environ_base={"REMOTE_ADDR": address}).status_code
        for n in range(tries)
    ]
print(" ".join(map(str, statuses)))
"""


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("TEST_REDIS_URL is not set; run under `.ci/services.sh redis -- ...`")
        pytest.skip("TEST_REDIS_URL is not set (run under `.ci/services.sh redis -- ...`)")
    return url


@pytest.fixture(scope="module")
def key_prefix():
    # Flask-Limiter keeps the first key prefix it is given for the life of the process, so the
    # whole module shares one, unique to this run; each test signs in from its own address.
    return f"forumtest{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module", autouse=True)
def _forget_counts(key_prefix):
    yield
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(f"*{key_prefix}*"):
            client.delete(key)
        client.close()


@pytest.fixture
def address() -> str:
    return f"2001:db8::{uuid.uuid4().hex[:4]}"


@pytest.fixture
def redis_app(redis_url, key_prefix):
    overrides = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": key_prefix,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
    }
    with running_app(overrides) as app:
        yield app


def _sign_in(client, address: str, n: int):
    return client.post(
        "/login", data={"pseudonym": f"guess{n}", "password": "x"}, environ_base={"REMOTE_ADDR": address}
    )


def _limiter_keys(redis_url: str, key_prefix: str, address: str) -> dict[str, int]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        return {key: client.ttl(key) for key in client.scan_iter(f"*{key_prefix}*") if address in key}
    finally:
        client.close()


def test_sign_in_limit_is_counted_in_redis(redis_app, redis_url, key_prefix, address):
    client = redis_app.test_client()
    statuses = [_sign_in(client, address, n).status_code for n in range(SIGN_INS_PER_WINDOW)]
    assert statuses == [200] * SIGN_INS_PER_WINDOW
    refused = _sign_in(client, address, SIGN_INS_PER_WINDOW)
    assert refused.status_code == 429
    assert "Slow down a little" in refused.text
    keys = _limiter_keys(redis_url, key_prefix, address)
    assert keys, "no limiter keys in Redis"
    assert any("accounts.login" in key for key in keys), keys
    # Counts expire with their window, so Redis never keeps an address for long.
    assert all(0 < ttl <= SIGN_IN_WINDOW_SECONDS for ttl in keys.values()), keys


def test_two_app_processes_share_one_count(redis_app, redis_url, key_prefix, address):
    first_share = 12
    other = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SECOND_INSTANCE, redis_url, key_prefix, address, str(first_share)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "SECRET_KEY": "second-instance"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert other.stdout.split() == ["200"] * first_share, other.stderr
    client = redis_app.test_client()
    rest = [_sign_in(client, address, n).status_code for n in range(SIGN_INS_PER_WINDOW - first_share)]
    assert rest == [200] * (SIGN_INS_PER_WINDOW - first_share)
    assert _sign_in(client, address, SIGN_INS_PER_WINDOW).status_code == 429


def test_posting_limit_counts_the_member_not_the_address_in_redis(redis_app, redis_url, key_prefix, address):
    member = make_user("river")
    topic = make_topic()
    client = redis_app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    assert client.post("/login", data={"pseudonym": "river", "password": PASSWORD}).status_code == 302
    g.pop("_login_user", None)
    reply = f"/boards/{topic.board.slug}/topics/{topic.id}/reply"
    assert client.post(reply, data={"body": "hello from redis"}).status_code == 302
    posting_keys = [key for key in _limiter_keys(redis_url, key_prefix, f"member:{member.id}/") if "posting" in key]
    assert len(posting_keys) == 2  # the per-minute and per-hour counts
    assert not any(address in key for key in _limiter_keys(redis_url, key_prefix, "posting"))

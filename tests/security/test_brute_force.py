"""Sign-in resists guessing without letting anyone lock a member out or learn which names exist.

One message and similar timing for every failure; guesses are limited per (address, pseudonym)
and per address, never by locking the account for everyone.
"""

import statistics
import time

import pytest
from flask import g

from forum.accounts import services
from forum.accounts.models import User
from forum.errors import InvalidAction
from forum.ratelimits import SIGN_IN_GUESS_LIMIT
from tests.apps import running_app
from tests.factories import PASSWORD, make_user

TRIES = 5
# Both failures run one scrypt check; a generous factor keeps this a property, not a speed target.
TIMING_FACTOR = 3
GUESSES = int(SIGN_IN_GUESS_LIMIT.split()[0])
ATTACKER = {"REMOTE_ADDR": "198.51.100.9"}
MEMBER_AT_HOME = {"REMOTE_ADDR": "192.0.2.1"}


def _failure_seconds(pseudonym: str) -> tuple[float, str]:
    start = time.perf_counter()
    with pytest.raises(InvalidAction) as caught:
        services.authenticate(pseudonym, "not the password")
    return time.perf_counter() - start, caught.value.message


def test_unknown_pseudonym_and_wrong_password_look_alike(member):
    unknown = [_failure_seconds("nobody_here") for _ in range(TRIES)]
    wrong = [_failure_seconds(member.pseudonym) for _ in range(TRIES)]
    assert {m for _, m in unknown} == {m for _, m in wrong} == {services.SIGN_IN_FAILED}
    unknown_s = statistics.median(t for t, _ in unknown)
    wrong_s = statistics.median(t for t, _ in wrong)
    assert unknown_s < wrong_s * TIMING_FACTOR and wrong_s < unknown_s * TIMING_FACTOR, (unknown_s, wrong_s)


def test_many_wrong_passwords_never_lock_the_account(member):
    for _ in range(3 * GUESSES):
        with pytest.raises(InvalidAction, match="don't match"):
            services.authenticate(member.pseudonym, "not the password")
    assert services.authenticate(member.pseudonym, PASSWORD) == member


def test_no_sign_in_failures_are_kept_on_the_account(app):
    columns = {column.name for column in User.__table__.columns}
    assert not columns & {"failed_logins", "locked_until"}


@pytest.fixture
def limited_app():
    with running_app({"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}) as app:
        yield app


WRONG = "not the password"


def _guess(client, pseudonym: str, password: str = WRONG, environ=ATTACKER):
    return client.post("/login", data={"pseudonym": pseudonym, "password": password}, environ_base=environ)


def test_guessing_one_pseudonym_is_slowed_for_that_address_only(limited_app):
    make_user("river")
    attacker, member = limited_app.test_client(), limited_app.test_client()
    assert [_guess(attacker, "river").status_code for _ in range(GUESSES)] == [200] * GUESSES
    assert _guess(attacker, "river", PASSWORD).status_code == 429
    assert _guess(attacker, "meadow").status_code == 200
    assert _guess(member, "river", PASSWORD, environ=MEMBER_AT_HOME).status_code == 302


def test_the_limit_answers_alike_for_names_that_exist_and_names_that_dont(limited_app):
    make_user("river")
    client = limited_app.test_client()
    real = [_guess(client, "river") for _ in range(GUESSES + 1)]
    made_up = [_guess(client, "nobody_here") for _ in range(GUESSES + 1)]
    assert [r.status_code for r in real] == [r.status_code for r in made_up] == [200] * GUESSES + [429]
    assert real[0].text.replace("river", "NAME") == made_up[0].text.replace("nobody_here", "NAME")
    assert real[-1].text == made_up[-1].text
    assert "Too many attempts for this account" not in real[-1].text


def test_signing_in_successfully_uses_up_no_guesses(limited_app):
    make_user("river")
    client = limited_app.test_client()
    for _ in range(GUESSES + 1):
        assert _guess(client, "river", PASSWORD).status_code == 302
        client.post("/logout", environ_base=ATTACKER)
        g.pop("_login_user", None)
    assert _guess(client, "river").status_code == 200


def test_login_is_limited_per_address(limited_app):
    client = limited_app.test_client()
    statuses = [_guess(client, f"guess{i}", "x").status_code for i in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    limited = _guess(client, "a", "x")
    assert "Slow down a little" in limited.text
    assert _guess(client, "a", "x", environ=MEMBER_AT_HOME).status_code == 200

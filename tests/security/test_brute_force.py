"""Sign-in resists guessing: one message, similar timing, a per-account lock and a per-address limit."""

import statistics
import time

import pytest

from forum.accounts import services
from forum.errors import InvalidAction
from forum.extensions import db
from tests.apps import running_app
from tests.factories import PASSWORD

TRIES = 5
# Both failures run one scrypt check; a generous factor keeps this a property, not a speed target.
TIMING_FACTOR = 3


def _failure_seconds(pseudonym: str, user=None) -> tuple[float, str]:
    if user is not None:
        user.failed_logins, user.locked_until = 0, None
        db.session.commit()
    start = time.perf_counter()
    with pytest.raises(InvalidAction) as caught:
        services.authenticate(pseudonym, "not the password")
    return time.perf_counter() - start, caught.value.message


def test_unknown_pseudonym_and_wrong_password_look_alike(member):
    unknown = [_failure_seconds("nobody_here") for _ in range(TRIES)]
    wrong = [_failure_seconds(member.pseudonym, member) for _ in range(TRIES)]
    assert {m for _, m in unknown} == {m for _, m in wrong} == {services.SIGN_IN_FAILED}
    unknown_s = statistics.median(t for t, _ in unknown)
    wrong_s = statistics.median(t for t, _ in wrong)
    assert unknown_s < wrong_s * TIMING_FACTOR and wrong_s < unknown_s * TIMING_FACTOR, (unknown_s, wrong_s)


def test_account_locks_after_five_failures_even_for_the_right_password(member):
    for _ in range(services.FREE_LOGIN_ATTEMPTS):
        with pytest.raises(InvalidAction):
            services.authenticate(member.pseudonym, "not the password")
    with pytest.raises(InvalidAction, match="Too many attempts"):
        services.authenticate(member.pseudonym, PASSWORD)


def test_login_is_limited_per_address():
    with running_app({"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}) as app:
        client = app.test_client()
        attacker = {"REMOTE_ADDR": "198.51.100.9"}
        statuses = [
            client.post("/login", data={"pseudonym": f"guess{i}", "password": "x"}, environ_base=attacker).status_code
            for i in range(21)
        ]
        assert statuses[:20] == [200] * 20
        assert statuses[20] == 429
        limited = client.post("/login", data={"pseudonym": "a", "password": "x"}, environ_base=attacker)
        assert "Slow down a little" in limited.text
        other = client.post(
            "/login", data={"pseudonym": "a", "password": "x"}, environ_base={"REMOTE_ADDR": "192.0.2.1"}
        )
        assert other.status_code == 200

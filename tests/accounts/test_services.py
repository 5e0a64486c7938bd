import pytest

from forum.accounts import services
from forum.errors import InvalidAction
from forum.permissions import Role
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize("name", ["ab", "x" * 31, "has space", "bad!char", "émile"])
def test_pseudonym_shape_is_enforced(name):
    assert services.pseudonym_problem(name) is not None


@pytest.mark.parametrize("name", ["jane.doe@gmail.com", "me@x", "janedoe.gmail.com"])
def test_pseudonym_that_looks_like_email_gets_a_gentle_hint(name):
    assert "email" in services.pseudonym_problem(name)


@pytest.mark.parametrize("name", ["5551234567", "555-123-4567", "07700900123", "call_2025550123"])
def test_pseudonym_that_looks_like_phone_gets_a_gentle_hint(name):
    assert "phone" in services.pseudonym_problem(name)


@pytest.mark.parametrize("name", ["river", "Sober_Sam-2024", "abc", "a" * 30])
def test_ordinary_pseudonyms_are_fine(name):
    assert services.pseudonym_problem(name) is None


def test_pseudonyms_are_unique_ignoring_case(app):
    services.create_user("River", "a long unusual passphrase")
    with pytest.raises(InvalidAction, match="taken"):
        services.create_user("rIVER", "another long passphrase")


@pytest.mark.parametrize("password", ["short", "123456789", "password123", "Qwertyuiop", "1234567890"])
def test_weak_passwords_are_refused(password):
    assert services.password_problem(password) is not None


def test_passwords_are_hashed_with_scrypt(app):
    user, _ = services.create_user("hashme", "a long unusual passphrase")
    assert user.password_hash.startswith("scrypt:")
    assert "passphrase" not in user.password_hash


def test_registration_requires_agreeing_to_guidelines(app):
    with pytest.raises(InvalidAction) as caught:
        services.register_member("newbie", "a long unusual passphrase", agreed_to_guidelines=False)
    assert caught.value.field == "agree"


def test_registration_gives_eight_hashed_recovery_codes(app):
    user, codes = services.register_member("newbie", "a long unusual passphrase", agreed_to_guidelines=True)
    assert len(codes) == 8 == len(set(codes))
    stored = {c.code_hash for c in user.recovery_codes}
    assert not stored & set(codes)
    assert services.unused_code_count(user) == 8


def test_recovery_code_resets_password_once(app):
    user, codes = services.register_member("newbie", "a long unusual passphrase", agreed_to_guidelines=True)
    services.reset_password_with_code("NEWBIE", codes[3].upper(), "my brand new passphrase")
    assert services.authenticate("newbie", "my brand new passphrase") == user
    with pytest.raises(InvalidAction):
        services.reset_password_with_code("newbie", codes[3], "yet another passphrase")
    assert services.unused_code_count(user) == 7


def test_regenerated_codes_replace_old_ones(app):
    user, old = services.register_member("newbie", "a long unusual passphrase", agreed_to_guidelines=True)
    new = services.regenerate_recovery_codes(user)
    with pytest.raises(InvalidAction):
        services.reset_password_with_code("newbie", old[0], "my brand new passphrase")
    services.reset_password_with_code("newbie", new[0], "my brand new passphrase")


def test_unknown_pseudonym_and_wrong_password_give_the_same_message(app):
    make_user("known")
    with pytest.raises(InvalidAction) as unknown:
        services.authenticate("nobody", PASSWORD)
    with pytest.raises(InvalidAction) as wrong:
        services.authenticate("known", "not the password")
    assert unknown.value.message == wrong.value.message


def test_change_password_checks_the_current_one(app):
    user = make_user("changer")
    with pytest.raises(InvalidAction):
        services.change_password(user, "not it", "a new long passphrase")
    version = user.session_version
    services.change_password(user, PASSWORD, "a new long passphrase")
    assert user.session_version == version + 1
    assert services.authenticate("changer", "a new long passphrase") == user


def test_set_role(app):
    make_user("promote")
    assert services.set_role("Promote", Role.MODERATOR).role == "moderator"


def test_the_unknown_pseudonym_check_hashes_like_a_real_password():
    # The dummy hash is written out, not computed at import: it must use the method new passwords get, or a
    # failed sign-in with an unknown pseudonym would take a different time from one with a wrong password.
    method = services.generate_password_hash("any password at all").split("$")[0]
    assert services._DUMMY_HASH.split("$")[0] == method
    assert services.check_password_hash(services._DUMMY_HASH, "not-a-real-password-at-all")

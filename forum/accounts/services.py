"""Accounts: registration, sign-in, passwords and recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from functools import cache
from importlib import resources

from flask_babel import gettext
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from forum.accounts.models import RecoveryCode, User, utcnow
from forum.errors import InvalidAction
from forum.extensions import db
from forum.i18n import LANGUAGES
from forum.permissions import Role
from forum.translatable import translatable

PSEUDONYM_RE = re.compile(r"^[A-Za-z0-9_-]{3,30}$")
MIN_PASSWORD_LENGTH = 10
RECOVERY_CODE_COUNT = 8
SIGN_IN_FAILED = translatable("That pseudonym and password don't match. Please try again.")
# Checked against when the pseudonym is unknown, so both failures take about as long. Written out rather
# than hashed at import, which cost every worker 90 ms and a 32 MB peak at start; a test keeps its method
# the same as the one new passwords are hashed with, so the two checks cost the same.
_DUMMY_HASH = (
    "scrypt:32768:8:1$Mv4TRHGnSvM9Kwv1$f92508d42541d9af48fb121093a41badbb06c7943e313300dfd6bad2dfca2ede19336a1251"
    "08910e9be178a69eb9b8ae2f56baf95f48302d8ec449d806b106bb"
)


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("forum.accounts").joinpath("common_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def pseudonym_problem(pseudonym: str) -> str | None:
    """Why a pseudonym can't be used, or None when it is fine."""
    if "@" in pseudonym or re.search(r"\.(com|net|org|co|uk|io|me)\b", pseudonym, re.I):
        return gettext(
            "That looks like an email address. To keep you anonymous here, "
            "please choose a name that isn't linked to you elsewhere."
        )
    digits = sum(ch.isdigit() for ch in pseudonym)
    if re.search(r"\d{7,}", pseudonym) or (digits >= 7 and digits * 2 >= len(pseudonym)):
        return gettext("That looks like a phone number. To keep you anonymous here, please choose a name without one.")
    if not PSEUDONYM_RE.match(pseudonym):
        return gettext("Use 3 to 30 letters, digits, hyphens or underscores, with no spaces.")
    return None


def password_problem(password: str) -> str | None:
    """Why a password is too weak, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return gettext("Use at least %(num)s characters.", num=MIN_PASSWORD_LENGTH)
    if password.lower() in _common_passwords():
        return gettext("That password is one of the most common ones. Please choose something less guessable.")
    return None


def find_user(pseudonym: str) -> User | None:
    """The user with this pseudonym, ignoring case."""
    return db.session.scalar(select(User).where(User.pseudonym_key == pseudonym.strip().lower()))


def _hash_code(code: str) -> str:
    # Recovery codes are long random strings, so a fast hash cannot be brute-forced.
    normalised = code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_codes(user: User) -> list[str]:
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes.clear()
    user.recovery_codes.extend(RecoveryCode(code_hash=_hash_code(c)) for c in codes)
    return codes


def create_user(pseudonym: str, password: str, role: Role = Role.MEMBER) -> tuple[User, list[str]]:
    """Create an account and its recovery codes; raises InvalidAction on a bad name or password."""
    pseudonym = pseudonym.strip()
    problem = pseudonym_problem(pseudonym)
    if problem:
        raise InvalidAction(problem, field="pseudonym")
    if find_user(pseudonym):
        raise InvalidAction(gettext("That pseudonym is taken. Please choose another."), field="pseudonym")
    problem = password_problem(password)
    if problem:
        raise InvalidAction(problem, field="password")
    user = User(
        pseudonym=pseudonym,
        pseudonym_key=pseudonym.lower(),
        password_hash=generate_password_hash(password),
        role=Role(role).value,
    )
    db.session.add(user)
    codes = _new_codes(user)
    db.session.commit()
    return user, codes


def registration_problems(pseudonym: str, password: str, *, agreed_to_guidelines: bool) -> dict[str, str]:
    """Every reason this sign-up would be refused, by form field, so the form shows them all at once."""
    pseudonym = pseudonym.strip()
    problems = {}
    problem = pseudonym_problem(pseudonym)
    if problem:
        problems["pseudonym"] = problem
    elif find_user(pseudonym):
        problems["pseudonym"] = gettext("That pseudonym is taken. Please choose another.")
    problem = password_problem(password)
    if problem:
        problems["password"] = problem
    if not agreed_to_guidelines:
        problems["agree"] = gettext("Please read and agree to the community guidelines.")
    return problems


def register_member(pseudonym: str, password: str, *, agreed_to_guidelines: bool) -> tuple[User, list[str]]:
    """Register a member who has agreed to the guidelines; returns the user and recovery codes."""
    if not agreed_to_guidelines:
        raise InvalidAction(gettext("Please read and agree to the community guidelines."), field="agree")
    return create_user(pseudonym, password)


def authenticate(pseudonym: str, password: str) -> User:
    """The user for these credentials; raises InvalidAction with one message for every failure.

    Guessing is slowed by a rate limit on (address, pseudonym) in the sign-in route, not by
    locking the account: a lock would let anyone shut a member out, and would show which
    pseudonyms exist.
    """
    user = find_user(pseudonym)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise InvalidAction(gettext(SIGN_IN_FAILED))
    if not check_password_hash(user.password_hash, password):
        raise InvalidAction(gettext(SIGN_IN_FAILED))
    if user.is_banned:
        raise InvalidAction(gettext("This account has been closed by the moderators."))
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a password after checking the current one."""
    if not check_password_hash(user.password_hash, current):
        raise InvalidAction(gettext("Your current password isn't right."), field="current_password")
    _set_password(user, new)


def _set_password(user: User, new: str) -> None:
    problem = password_problem(new)
    if problem:
        raise InvalidAction(problem, field="new_password")
    user.password_hash = generate_password_hash(new)
    user.session_version += 1
    db.session.commit()


def end_sessions(user: User) -> None:
    """Sign the member out everywhere: every session and remember-me cookie issued so far stops working."""
    user.session_version += 1
    db.session.commit()


def regenerate_recovery_codes(user: User) -> list[str]:
    """Replace all of a member's recovery codes with new ones."""
    codes = _new_codes(user)
    db.session.commit()
    return codes


def reset_password_with_code(pseudonym: str, code: str, new_password: str) -> User:
    """Spend one recovery code to set a new password."""
    failed = InvalidAction(gettext("That pseudonym and recovery code don't match an unused code."), field="code")
    user = find_user(pseudonym)
    if user is None:
        raise failed
    digest = _hash_code(code)
    match = next(
        (c for c in user.recovery_codes if c.used_at is None and hmac.compare_digest(c.code_hash, digest)),
        None,
    )
    if match is None:
        raise failed
    problem = password_problem(new_password)
    if problem:
        raise InvalidAction(problem, field="new_password")
    match.used_at = utcnow()
    _set_password(user, new_password)
    return user


def unused_code_count(user: User) -> int:
    """How many recovery codes the member has left."""
    return sum(1 for c in user.recovery_codes if c.used_at is None)


def set_role(pseudonym: str, role: Role) -> User:
    """Give a user a role."""
    user = find_user(pseudonym)
    if user is None:
        raise InvalidAction(f"No user called {pseudonym}.")
    user.role = Role(role).value
    db.session.commit()
    return user


def set_language(user: User, language: str | None) -> None:
    """Remember the interface language this member chose ("en" or "es"; None follows the browser)."""
    if language is not None and language not in LANGUAGES:
        raise InvalidAction(gettext("Choose English or Español."), field="language")
    user.language = language
    db.session.commit()


def set_region(user: User, region: str) -> None:
    """Remember which crisis lines to show this member first."""
    user.region = region
    db.session.commit()

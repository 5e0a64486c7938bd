"""Rate limits used by several blueprints: whom a request counts against, and the posting limits.

Counters live in memory (or in Redis when RATELIMIT_STORAGE_URI points there); nothing here
is written to the database.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from forum.extensions import limiter

log = logging.getLogger(__name__)

# New topics and replies together. A member writing in earnest rarely posts more than a few
# times in a minute; a script, a stuck retry or a flood hits this within the first minute.
POSTING_LIMIT = "30 per hour;5 per minute"
# Fixing typos takes several saves in a row, so edits get more room than new posts.
EDITING_LIMIT = "60 per hour;10 per minute"
# Wrong sign-ins from one address at one pseudonym: room for a member unsure of their password
# (recovery codes cover the rest), too few for a script guessing one account.
SIGN_IN_GUESS_LIMIT = "5 per 15 minutes;10 per hour"
# Reports of other members' posts; "I'm worried" reports have their own daily rule in the service.
REPORTING_LIMIT = "20 per hour"
# Risky texts sent while signed out reach the moderators' queue; a script must not flood it.
SIGNED_OUT_SCREENING_LIMIT = "5 per hour"


def member_or_address() -> str:
    """Count a signed-in member's requests against the account, a guest's against the address.

    Members who share an address (a clinic's wifi, a phone network's NAT) then don't use up
    each other's allowance.
    """
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return get_remote_address()


def address_and_pseudonym() -> str:
    """Count sign-in guesses per (address, pseudonym) typed, whether or not the account exists.

    Another address is never slowed, so no one can lock a member out. The pair is kept only as
    a keyed hash: the counter store never holds a link between an address and a pseudonym.
    """
    name = request.form.get("pseudonym", "").strip().lower()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    pair = f"{get_remote_address()}\n{name}".encode()
    return "sign-in:" + hmac.new(secret, pair, hashlib.sha256).hexdigest()[:32]


def _was_refused(response: Response) -> bool:
    # A refused sign-in shows the form again; one that worked redirects. Only refusals count,
    # so a member who signs in and out often is never slowed.
    return response.status_code == 200


sign_in_guess_limit = limiter.limit(
    SIGN_IN_GUESS_LIMIT,
    key_func=address_and_pseudonym,
    methods=["POST"],
    deduct_when=_was_refused,
)


# Used when the shared store (Redis) does not answer, as Flask-Limiter's own fallback does.
_fallback = FixedWindowRateLimiter(MemoryStorage())


def spend(limits: str, scope: str, key: str | None = None) -> None:
    """Count one use of an allowance before the work is done; raises TooManyRequests when none is left.

    Each hit is one atomic increment in the store, so requests arriving together can't all pass a
    check made before any of them counted. Shortest windows are tried first, so a request the minute
    limit refuses doesn't also use up the hour.
    """
    # The app's own setting: the one limiter is shared by every app a process builds (as tests do).
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    key = key or member_or_address()
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    identifiers = (prefix, scope, key) if prefix else (scope, key)
    for item in sorted(parse_many(limits), key=lambda item: item.get_expiry()):
        if not _hit(item, identifiers):
            reset_at, _ = _stats(item, identifiers)
            raise TooManyRequests(retry_after=max(1, int(reset_at - time.time()) + 1))


def _hit(item, identifiers) -> bool:
    try:
        return limiter.limiter.hit(item, *identifiers)
    except Exception:  # noqa: BLE001 - an unreachable store must not refuse every post
        log.warning("Rate limit storage unreachable - counting in memory")
        return _fallback.hit(item, *identifiers)


def _stats(item, identifiers):
    try:
        return limiter.limiter.get_window_stats(item, *identifiers)
    except Exception:  # noqa: BLE001
        return _fallback.get_window_stats(item, *identifiers)

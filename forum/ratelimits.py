"""Rate limits used by several blueprints: whom a request counts against, and the posting limits.

Counters live in memory (or in Redis when RATELIMIT_STORAGE_URI points there); nothing here
is written to the database.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from forum.extensions import limiter

# New topics and replies together. A member writing in earnest rarely posts more than a few
# times in a minute; a script, a stuck retry or a flood hits this within the first minute.
POSTING_LIMIT = "30 per hour;5 per minute"
# Fixing typos takes several saves in a row, so edits get more room than new posts.
EDITING_LIMIT = "60 per hour;10 per minute"
# Wrong sign-ins from one address at one pseudonym: room for a member unsure of their password
# (recovery codes cover the rest), too few for a script guessing one account.
SIGN_IN_GUESS_LIMIT = "5 per 15 minutes;10 per hour"


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


def _went_through(response: Response) -> bool:
    # Only posts that were accepted count: a form sent back with an error costs nothing,
    # so a member fixing a too-long message isn't locked out.
    return response.status_code < 400


posting_limit = limiter.shared_limit(
    POSTING_LIMIT,
    scope="posting",
    key_func=member_or_address,
    methods=["POST"],
    deduct_when=_went_through,
)
editing_limit = limiter.limit(
    EDITING_LIMIT,
    key_func=member_or_address,
    methods=["POST"],
    deduct_when=_went_through,
)
sign_in_guess_limit = limiter.limit(
    SIGN_IN_GUESS_LIMIT,
    key_func=address_and_pseudonym,
    methods=["POST"],
    deduct_when=_was_refused,
)

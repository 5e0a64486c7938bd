"""Rate limits used by several blueprints: whom a request counts against, and the posting limits.

Counters live in memory (or in Redis when RATELIMIT_STORAGE_URI points there); nothing here
is written to the database.
"""

from __future__ import annotations

from flask import Response
from flask_limiter.util import get_remote_address
from flask_login import current_user

from forum.extensions import limiter

# New topics and replies together. A member writing in earnest rarely posts more than a few
# times in a minute; a script, a stuck retry or a flood hits this within the first minute.
POSTING_LIMIT = "30 per hour;5 per minute"
# Fixing typos takes several saves in a row, so edits get more room than new posts.
EDITING_LIMIT = "60 per hour;10 per minute"


def member_or_address() -> str:
    """Count a signed-in member's requests against the account, a guest's against the address.

    Members who share an address (a clinic's wifi, a phone network's NAT) then don't use up
    each other's allowance.
    """
    if current_user.is_authenticated:
        return f"member:{current_user.id}"
    return get_remote_address()


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

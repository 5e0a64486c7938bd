"""Rules for values that arrive from outside (forms, addresses, the command line), shared by every domain.

Pure functions, no Flask and no database, so services, forms, request hooks and templates all
apply the same rule.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext
from wtforms.validators import ValidationError

from forum.translatable import translatable

# An http(s) address with a dotted host and no spaces: never javascript:, data: or a bare path.
_WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\.[^\s]+$")
WEB_ADDRESS_PROBLEM = translatable("Web addresses start with https:// (or http://).")

# Dates a member or moderator may type. Python's dates end at 9999-12-31, so "the day after" the
# last one raises; nothing in the forum needs a date past 2199, or before 2000 except a member's own past.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2199, 12, 31)
# A member may have counted their recovery since long before the forum existed.
EARLIEST_PAST_DATE = date(1900, 1, 1)

# Characters that XML 1.0 forbids (C0 controls other than tab, LF and CR; lone surrogates;
# U+FFFE and U+FFFF) and the Unicode non-characters (U+FDD0-U+FDEF and the last two code
# points of every plane). Stored, they would make the Atom feeds invalid XML.
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
    + "]"
)


def is_web_address(url: str) -> bool:
    """Whether `url` is an http(s) address safe to put in a link."""
    return bool(_WEB_ADDRESS.match(url))


def web_address_problem(url: str) -> str | None:
    """Why `url` can't be saved as a link, or None when it is empty or fine."""
    return gettext(WEB_ADDRESS_PROBLEM) if url and not is_web_address(url) else None


def without_non_characters(text: str) -> str:
    """The text less the characters no text field may hold (see _NOT_TEXT)."""
    return _NOT_TEXT.sub("", text)


def has_non_characters(text: str) -> bool:
    """Whether the text holds any character without_non_characters would drop."""
    return _NOT_TEXT.search(text) is not None


def date_in_range(_form, field) -> None:
    """WTForms validator: a typed date must lie between EARLIEST_DATE and LATEST_DATE."""
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(
            gettext("Choose a date between %(first)s and %(last)s.", first=EARLIEST_DATE.year, last=LATEST_DATE.year)
        )


def past_date_in_range(_form, field) -> None:
    """WTForms validator for a date in a member's past (a recovery start date): EARLIEST_PAST_DATE to LATEST_DATE."""
    if field.data is not None and not EARLIEST_PAST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(gettext("Choose a date between %(year)s and today.", year=EARLIEST_PAST_DATE.year))

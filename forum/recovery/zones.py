"""Which day it is for a member: check-ins are one per local day, not per UTC day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from forum.translatable import translatable

# A short list a member picks from on a phone; the full tz database would be a 600-line select.
# The places are shown in the reader's language (forum/recovery/forms.py).
TIME_ZONES = {
    "Pacific/Honolulu": translatable("Hawaii"),
    "America/Anchorage": translatable("Alaska"),
    "America/Los_Angeles": translatable("US and Canada, Pacific"),
    "America/Phoenix": translatable("Arizona"),
    "America/Denver": translatable("US and Canada, Mountain"),
    "America/Chicago": translatable("US and Canada, Central"),
    "America/New_York": translatable("US and Canada, Eastern"),
    "America/Halifax": translatable("Canada, Atlantic"),
    "America/St_Johns": translatable("Newfoundland"),
    "America/Sao_Paulo": translatable("Brazil (Brasília)"),
    "Atlantic/Reykjavik": translatable("Iceland"),
    "Europe/London": translatable("UK and Ireland"),
    "Europe/Lisbon": translatable("Portugal"),
    "Europe/Paris": translatable("Central Europe"),
    "Europe/Athens": translatable("Eastern Europe"),
    "Africa/Lagos": translatable("West Africa"),
    "Africa/Johannesburg": translatable("South Africa"),
    "Africa/Nairobi": translatable("East Africa"),
    "Asia/Dubai": translatable("Gulf"),
    "Asia/Kolkata": translatable("India"),
    "Asia/Singapore": translatable("Singapore and Malaysia"),
    "Asia/Tokyo": translatable("Japan and Korea"),
    "Australia/Perth": translatable("Western Australia"),
    "Australia/Adelaide": translatable("South Australia"),
    "Australia/Brisbane": translatable("Queensland"),
    "Australia/Sydney": translatable("Eastern Australia"),
    "Pacific/Auckland": translatable("New Zealand"),
    "UTC": translatable("UTC"),
}
# Until a member chooses, their support-lines region gives a zone: US Eastern, where most of its members live.
REGION_ZONES = {"US": "America/New_York", "UK": "Europe/London"}
DEFAULT_ZONE = "UTC"


def member_zone(chosen: str | None, region: str | None) -> str:
    """The member's chosen zone, else their region's, else UTC."""
    if chosen in TIME_ZONES:
        return chosen
    return REGION_ZONES.get(region or "", DEFAULT_ZONE)


def local_today(zone: str, now: datetime) -> date:
    """The date in `zone` at `now` (naive UTC, as the forum stores times); UTC if the zone is unknown here."""
    try:
        info = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        info = UTC
    return now.replace(tzinfo=UTC).astimezone(info).date()

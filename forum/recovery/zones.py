"""Which day it is for a member: check-ins are one per local day, not per UTC day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# A short list a member picks from on a phone; the full tz database would be a 600-line select.
TIME_ZONES = {
    "Pacific/Honolulu": "Hawaii",
    "America/Anchorage": "Alaska",
    "America/Los_Angeles": "US and Canada, Pacific",
    "America/Phoenix": "Arizona",
    "America/Denver": "US and Canada, Mountain",
    "America/Chicago": "US and Canada, Central",
    "America/New_York": "US and Canada, Eastern",
    "America/Halifax": "Canada, Atlantic",
    "America/St_Johns": "Newfoundland",
    "America/Sao_Paulo": "Brazil (Brasília)",
    "Atlantic/Reykjavik": "Iceland",
    "Europe/London": "UK and Ireland",
    "Europe/Lisbon": "Portugal",
    "Europe/Paris": "Central Europe",
    "Europe/Athens": "Eastern Europe",
    "Africa/Lagos": "West Africa",
    "Africa/Johannesburg": "South Africa",
    "Africa/Nairobi": "East Africa",
    "Asia/Dubai": "Gulf",
    "Asia/Kolkata": "India",
    "Asia/Singapore": "Singapore and Malaysia",
    "Asia/Tokyo": "Japan and Korea",
    "Australia/Perth": "Western Australia",
    "Australia/Adelaide": "South Australia",
    "Australia/Brisbane": "Queensland",
    "Australia/Sydney": "Eastern Australia",
    "Pacific/Auckland": "New Zealand",
    "UTC": "UTC",
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

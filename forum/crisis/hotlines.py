"""The crisis lines every deployment starts with; admins change them in the database."""

from datetime import date

REGIONS = {"US": "United States", "UK": "UK and Ireland", "OTHER": "Somewhere else"}

# Checked against each service's own published details on this date.
CHECKED = date(2026, 11, 23)

DEFAULT_HOTLINES = (
    dict(
        region="US",
        position=1,
        is_primary=True,
        name="988 Suicide & Crisis Lifeline",
        description="Free, confidential support, 24/7. Call or text.",
        phone="988",
        sms_number="988",
        sms_body="",
        url="https://988lifeline.org",
    ),
    dict(
        region="US",
        position=2,
        is_primary=True,
        name="Crisis Text Line",
        description="Text HOME to 741741 to reach a trained volunteer, 24/7.",
        phone="",
        sms_number="741741",
        sms_body="HOME",
        url="https://www.crisistextline.org",
    ),
    dict(
        region="US",
        position=3,
        is_primary=False,
        name="SAMHSA National Helpline",
        description="Treatment referral and information for substance use and mental health. Free, 24/7.",
        phone="1-800-662-4357",
        sms_number="",
        sms_body="",
        url="https://www.samhsa.gov/find-help/helplines/national-helpline",
    ),
    dict(
        region="US",
        position=4,
        is_primary=False,
        name="Emergency services",
        description="If you or someone near you is in immediate danger.",
        phone="911",
        sms_number="",
        sms_body="",
        url="",
    ),
    dict(
        region="UK",
        position=1,
        is_primary=True,
        name="Samaritans",
        description="Free to call from any phone in the UK and Ireland, 24/7.",
        phone="116 123",
        sms_number="",
        sms_body="",
        url="https://www.samaritans.org",
    ),
    dict(
        region="UK",
        position=2,
        is_primary=True,
        name="Shout",
        description="Text SHOUT to 85258 for free, confidential support, 24/7 (UK).",
        phone="",
        sms_number="85258",
        sms_body="SHOUT",
        url="https://giveusashout.org",
    ),
    dict(
        region="UK",
        position=3,
        is_primary=False,
        name="Emergency services",
        description="If you or someone near you is in immediate danger: 999, or 112 in the UK and Ireland.",
        phone="999",
        sms_number="",
        sms_body="",
        url="",
    ),
    dict(
        region="OTHER",
        position=1,
        is_primary=True,
        name="Find A Helpline",
        description="Free, confidential helplines in your country, checked and kept up to date.",
        phone="",
        sms_number="",
        sms_body="",
        url="https://findahelpline.com",
    ),
)

"""The resources every deployment starts with; facilitators keep them current in the database.

Each entry was checked against published details on CHECKED (sources are listed in the commit that
added or changed it). Where a detail could not be confirmed it is left out and the description says so.
"""

from datetime import date

from forum.resources.models import ResourceCategory
from forum.translatable import translatable

CHECKED = date(2026, 11, 23)

CRISIS = ResourceCategory.CRISIS_LINE
MEETINGS = ResourceCategory.MUTUAL_AID
LOCATOR = ResourceCategory.TREATMENT_LOCATOR

DEFAULT_RESOURCES = (
    dict(
        category=CRISIS,
        title="988 Suicide & Crisis Lifeline",
        description=translatable(
            "US. Call or text 988, or chat at 988lifeline.org. Free and confidential, 24/7, "
            "for suicidal thoughts, a mental-health or substance-use crisis, or any emotional distress."
        ),
        phone="988",
        url="https://988lifeline.org",
    ),
    dict(
        category=CRISIS,
        title="Crisis Text Line",
        description=translatable(
            "US. Text HOME to 741741 to reach a trained volunteer crisis counselor, 24/7, free. "
            "(The web address is the one widely published; we could not confirm it at our last check.)"
        ),
        phone="",
        url="https://www.crisistextline.org",
    ),
    dict(
        category=CRISIS,
        title="Samaritans",
        description=translatable(
            "UK and Ireland. Call 116 123, free from any phone, 24/7. Someone to listen, without judgement."
        ),
        phone="116 123",
        url="https://www.samaritans.org",
    ),
    dict(
        category=CRISIS,
        title="Shout",
        description=translatable("UK. Text SHOUT to 85258 for free, confidential support by text, 24/7."),
        phone="",
        url="https://giveusashout.org",
    ),
    dict(
        category=CRISIS,
        title="Find A Helpline",
        description=translatable("Anywhere else: free, confidential helplines in your country, by topic."),
        phone="",
        url="https://findahelpline.com",
    ),
    dict(
        category=CRISIS,
        title="NAMI HelpLine",
        description=translatable(
            "US. Free peer support, information and referrals for people living with a mental-health "
            "condition and their families: call 1-800-950-6264 (800-950-NAMI) or text HELPLINE to 62640, "
            "Monday to Friday, 10 a.m. to 10 p.m. Eastern. Not a crisis line: in a crisis, call or text 988."
        ),
        phone="1-800-950-6264",
        url="https://www.nami.org",
    ),
    dict(
        category=LOCATOR,
        title="SAMHSA National Helpline",
        description=translatable(
            "US. Free, confidential treatment referral and information for mental-health and "
            "substance-use disorders, 24/7, in English and Spanish. TTY 1-800-487-4889."
        ),
        phone="1-800-662-4357",
        url="https://www.samhsa.gov/find-help/national-helpline",
    ),
    dict(
        category=LOCATOR,
        title="FindTreatment.gov",
        description=translatable(
            "US. SAMHSA's confidential, anonymous locator for mental-health and substance-use "
            "treatment near you; filter by payment, insurance and type of care."
        ),
        phone="",
        url="https://findtreatment.gov",
    ),
    dict(
        category=MEETINGS,
        title="Dual Recovery Anonymous",
        description=translatable(
            "A Twelve Step fellowship for people recovering from both chemical dependency and an "
            "emotional or psychiatric illness. The web address is the one DRA's own pages give; we could not "
            "confirm a current phone number, so none is listed."
        ),
        phone="",
        url="http://draonline.org",
    ),
    dict(
        category=MEETINGS,
        title="SMART Recovery",
        description=translatable(
            "Free, secular, science-based mutual-help meetings, in person and online, for any "
            "addictive behaviour. Not a Twelve Step programme. (The web address is the one widely published; "
            "we could not confirm it at our last check.)"
        ),
        phone="",
        url="https://smartrecovery.org",
    ),
    dict(
        category=MEETINGS,
        title="LifeRing Secular Recovery",
        description=translatable(
            "Peer-run, abstinence-based recovery meetings built on sobriety, secularity and "
            "self-help. In person and online."
        ),
        phone="",
        url="https://lifering.org",
    ),
    dict(
        category=MEETINGS,
        title="Narcotics Anonymous",
        description=translatable(
            "A worldwide Twelve Step fellowship for people for whom drugs had become a major "
            "problem. Meetings are free; the only requirement is a desire to stop using."
        ),
        phone="",
        url="https://na.org",
    ),
    dict(
        category=MEETINGS,
        title="Alcoholics Anonymous",
        description=translatable(
            "A worldwide fellowship of people who help each other stay sober. Meetings are free; "
            "the only requirement is a desire to stop drinking."
        ),
        phone="",
        url="https://www.aa.org",
    ),
    dict(
        category=MEETINGS,
        title="NAMI Connection Recovery Support Groups",
        description=translatable(
            "US. Free, confidential, peer-led support groups for adults living with a mental-health "
            "condition. Find a group through your local NAMI affiliate."
        ),
        phone="",
        url="https://www.nami.org",
    ),
)

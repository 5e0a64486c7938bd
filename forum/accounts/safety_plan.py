"""A member's personal safety plan (Stanley & Brown's Safety Planning Intervention).

Private to its member: no moderator or admin page reads it. It is shown back to the member in the
support panel after a post that signals risk, is part of their data export and goes with the account.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select

from forum.accounts.models import SafetyPlan, User, utcnow
from forum.errors import InvalidAction
from forum.extensions import db
from forum.i18n import lazy_text as _l
from forum.i18n import number
from forum.text import plain_text

# Room for a handful of names, numbers and steps per section; the plan must still print on one page.
MAX_SECTION = 1000


@dataclass(frozen=True)
class Section:
    field: str
    label: str
    hint: str


# In the order of the Stanley-Brown plan; the support panel shows PANEL_FIRST before the rest.
SECTIONS = (
    Section(
        "warning_signs",
        _l("Warning signs"),
        _l("Thoughts, moods, situations or cravings that tell me a crisis may be starting."),
    ),
    Section(
        "coping_steps",
        _l("Things I can do on my own"),
        _l("What I can do to take my mind off things without contacting anyone."),
    ),
    Section(
        "distractions",
        _l("People and places that take my mind off things"),
        _l("People to be with and places to go (a meeting, a café, a friend's kitchen)."),
    ),
    Section(
        "helpers", _l("People I can ask for help"), _l("Names and numbers of people I can tell that I'm struggling.")
    ),
    Section(
        "professionals",
        _l("Professionals and services"),
        _l("My clinician, sponsor or key worker, and services I can call or visit, with their numbers."),
    ),
    Section(
        "safe_space",
        _l("Making my space safer"),
        _l("What I can move, lock away or hand to someone (medication, substances, other means)."),
    ),
    Section(
        "reasons", _l("What matters most to me"), _l("The people, plans and things that are worth staying safe for.")
    ),
)
FIELDS = tuple(s.field for s in SECTIONS)
# The panel opens with what the member can do now and who they can reach, then the rest.
PANEL_FIRST = ("coping_steps", "distractions", "helpers", "professionals")


def get_safety_plan(member: User) -> SafetyPlan | None:
    """The member's plan, or None when they have not written one."""
    return db.session.scalar(select(SafetyPlan).where(SafetyPlan.user_id == member.id))


def has_content(plan: SafetyPlan | None) -> bool:
    """True when at least one section of the plan is filled in."""
    return plan is not None and any(getattr(plan, f) for f in FIELDS)


def save_safety_plan(member: User, sections: dict[str, str | None]) -> SafetyPlan:
    """Write the member's plan, one text per section; raises InvalidAction on an overlong section."""
    cleaned = {f: plain_text(sections.get(f)) for f in FIELDS}
    for section in SECTIONS:
        if len(cleaned[section.field]) > MAX_SECTION:
            raise InvalidAction(
                gettext(
                    "Each section can be up to %(max)s characters, so the plan fits on one page.",
                    max=number(MAX_SECTION),
                ),
                field=section.field,
            )
    plan = get_safety_plan(member)
    if plan is None:
        plan = SafetyPlan(user_id=member.id)
        db.session.add(plan)
    for field, text in cleaned.items():
        setattr(plan, field, text)
    plan.updated_at = utcnow()
    db.session.commit()
    return plan


def panel_sections(plan: SafetyPlan | None) -> list[tuple[str, str]]:
    """The plan's filled sections as (label, text): coping steps and people first."""
    if not has_content(plan):
        return []
    labels = {s.field: s.label for s in SECTIONS}
    order = [*PANEL_FIRST, *(f for f in FIELDS if f not in PANEL_FIRST)]
    return [(labels[f], getattr(plan, f)) for f in order if getattr(plan, f)]


def export_safety_plan(member: User) -> dict | None:
    """The plan as JSON-ready data for the member's download, or None."""
    plan = get_safety_plan(member)
    if plan is None:
        return None
    return {**{f: getattr(plan, f) for f in FIELDS}, "updated_at": plan.updated_at.isoformat() + "Z"}

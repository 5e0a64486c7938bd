"""A member's own safety plan: saved, shown back in the support panel, private, exported and deleted."""

import json

import pytest
from sqlalchemy import select

from forum.accounts import privacy, safety_plan
from forum.accounts.models import SafetyPlan
from forum.crisis.services import seed_hotlines
from forum.errors import InvalidAction
from forum.extensions import db
from tests.factories import PASSWORD, make_board

PLAN = {
    "warning_signs": "Not sleeping; skipping meetings",
    "coping_steps": "Walk the dog round the park",
    "distractions": "The library; Sam's kitchen",
    "helpers": "My sister Ana 555-0100",
    "professionals": "Dr Reyes 555-0199",
    "safe_space": "Give the pills to Ana",
    "reasons": "My daughter",
}
CRISIS_TEXT = "I've saved up my pills and tonight's the night. I want to end it."


def test_save_and_read_back_cleans_control_characters(member):
    plan = safety_plan.save_safety_plan(member, {**PLAN, "coping_steps": "Walk\x00 the dog\r\nround the park  "})
    assert plan.coping_steps == "Walk the dog\nround the park"
    assert safety_plan.get_safety_plan(member).helpers == PLAN["helpers"]
    safety_plan.save_safety_plan(member, {"reasons": "Still my daughter"})
    assert db.session.scalar(select(db.func.count(SafetyPlan.id))) == 1
    assert safety_plan.get_safety_plan(member).reasons == "Still my daughter"


def test_overlong_section_is_refused(member):
    with pytest.raises(InvalidAction) as error:
        safety_plan.save_safety_plan(member, {"helpers": "x" * (safety_plan.MAX_SECTION + 1)})
    assert error.value.field == "helpers"
    assert safety_plan.get_safety_plan(member) is None


def test_panel_puts_coping_steps_and_people_first(member):
    plan = safety_plan.save_safety_plan(member, PLAN)
    labels = [label for label, _ in safety_plan.panel_sections(plan)]
    assert labels[:4] == [
        "Things I can do on my own",
        "People and places that take my mind off things",
        "People I can ask for help",
        "Professionals and services",
    ]
    assert set(labels) == {s.label for s in safety_plan.SECTIONS}
    assert safety_plan.panel_sections(safety_plan.save_safety_plan(member, {})) == []


def test_page_has_the_seven_labelled_sections_and_saves(client, login, member):
    login(member)
    page = client.get("/account/safety-plan").text
    for section in safety_plan.SECTIONS:
        assert f">{section.label}</label>" in page
    assert "Save plan" in page
    response = client.post("/account/safety-plan", data=PLAN)
    assert response.status_code == 302
    page = client.get("/account/safety-plan").text
    assert "Walk the dog round the park" in page and "print-only" in page
    assert "/account/safety-plan" in client.get("/account").text


def test_refused_plan_comes_back_with_the_members_text(client, login, member):
    login(member)
    response = client.post("/account/safety-plan", data={**PLAN, "reasons": "y" * 5000})
    assert response.status_code == 400
    assert "Walk the dog round the park" in response.text and "y" * 5000 in response.text


def test_panel_after_a_flagged_post_shows_the_plan_above_the_hotlines(client, login, member):
    seed_hotlines()
    safety_plan.save_safety_plan(member, PLAN)
    board = make_board()
    login(member)
    page = client.post(
        f"/boards/{board.slug}/topics/new", data={"title": "Tonight", "body": CRISIS_TEXT}, follow_redirects=True
    ).text
    panel = page[page.index('class="support-panel"') :]
    assert "Your safety plan" in panel
    assert panel.index("Walk the dog round the park") < panel.index("My sister Ana") < panel.index("988")


def test_panel_without_a_plan_offers_to_make_one(client, login, member):
    seed_hotlines()
    login(member)
    page = client.post(
        f"/boards/{make_board().slug}/topics/new", data={"title": "Tonight", "body": CRISIS_TEXT}, follow_redirects=True
    ).text
    assert "Make a safety plan" in page and "Your safety plan" not in page


def test_no_one_else_sees_the_plan(client, login, member, moderator, admin):
    safety_plan.save_safety_plan(member, PLAN)
    for viewer in (moderator, admin):
        login(viewer)
        assert "Walk the dog" not in client.get("/account/safety-plan").text
        assert "Walk the dog" not in client.get(f"/members/{member.pseudonym}").text
        client.post("/logout")


def test_plan_is_in_the_export_and_deleted_with_the_account(client, login, member):
    safety_plan.save_safety_plan(member, PLAN)
    login(member)
    data = json.loads(client.get("/account/export").data)
    assert data["safety_plan"]["coping_steps"] == PLAN["coping_steps"]
    privacy.delete_account(member, password=PASSWORD, posts=privacy.KEEP_AS_FORMER_MEMBER)
    assert db.session.scalar(select(SafetyPlan)) is None

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation.models import ModerationAction
from forum.resources import services
from forum.resources.defaults import CHECKED, DEFAULT_RESOURCES
from forum.resources.models import Resource, ResourceCategory
from tests.factories import make_board, make_topic

NOW = datetime(2026, 11, 23, 12, 0)


def make_resource(**fields) -> Resource:
    data = dict(title="A line", url="https://example.org", category=ResourceCategory.CRISIS_LINE.value)
    data.update(fields)
    resource = Resource(**data)
    db.session.add(resource)
    db.session.commit()
    return resource


def log_rows() -> list[ModerationAction]:
    return list(db.session.scalars(select(ModerationAction).order_by(ModerationAction.id)))


@pytest.mark.parametrize(
    ("action", "attribute", "before", "after", "logged"),
    [
        ("pin", "is_pinned", False, True, "pin_topic"),
        ("unpin", "is_pinned", True, False, "unpin_topic"),
        ("announce", "is_announcement", False, True, "mark_announcement"),
        ("unannounce", "is_announcement", True, False, "unmark_announcement"),
    ],
)
def test_topic_actions_change_the_topic_and_write_the_log(app, facilitator, action, attribute, before, after, logged):
    topic = make_topic(**{attribute: before})
    services.change_topic(topic, action, by=facilitator, note="  weekly check-in thread  ")
    assert getattr(db.session.get(type(topic), topic.id), attribute) is after
    [row] = log_rows()
    assert (row.action, row.actor_id, row.topic_id, row.note) == (
        logged,
        facilitator.id,
        topic.id,
        "weekly check-in thread",
    )


def test_named_topic_services_match_the_actions(app, admin):
    topic = make_topic()
    services.pin_topic(topic, by=admin, note="n")
    services.mark_announcement(topic, by=admin, note="n")
    services.unpin_topic(topic, by=admin, note="n")
    services.unmark_announcement(topic, by=admin, note="n")
    assert [r.action for r in log_rows()] == ["pin_topic", "mark_announcement", "unpin_topic", "unmark_announcement"]
    assert not topic.is_pinned and not topic.is_announcement


def test_pinning_a_topic_needs_a_note_and_changes_nothing_without_one(app, facilitator):
    topic = make_topic()
    with pytest.raises(InvalidAction) as error:
        services.pin_topic(topic, by=facilitator, note="   ")
    assert error.value.field == "note"
    db.session.rollback()
    assert not db.session.get(type(topic), topic.id).is_pinned
    assert log_rows() == []


def test_pinning_a_pinned_topic_is_refused(app, facilitator):
    topic = make_topic(is_pinned=True)
    with pytest.raises(InvalidAction, match="already pinned"):
        services.pin_topic(topic, by=facilitator, note="again")
    assert log_rows() == []


@pytest.mark.parametrize("role_fixture", ["member", "moderator"])
def test_members_and_moderators_cannot_pin_topics(app, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    with pytest.raises(NotAllowed):
        services.pin_topic(make_topic(), by=user, note="n")


def test_save_resource_adds_one_and_logs_it(app, facilitator):
    board = make_board()
    resource = services.save_resource(
        None,
        by=facilitator,
        note="members asked for it",
        title=" Local clinic ",
        description="Walk-in, weekdays.",
        url="",
        phone="+44 (0)20 7946-0000",
        category="local_service",
        board=board,
        position=3,
    )
    assert (resource.title, resource.board_id, resource.position, resource.is_pinned) == (
        "Local clinic",
        board.id,
        3,
        False,
    )
    assert resource.tel == "+4402079460000"
    [row] = log_rows()
    assert row.action == "add_resource"
    assert row.note == f"Resource #{resource.id} (Local clinic): members asked for it"


def test_editing_a_resource_logs_an_edit(app, admin):
    resource = make_resource()
    services.save_resource(
        resource, by=admin, note="new site", title="A line", url="https://new.example.org", category="crisis_line"
    )
    assert resource.url == "https://new.example.org"
    assert [r.action for r in log_rows()] == ["edit_resource"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (dict(title=""), "title", "title"),
        (dict(category="astrology"), "category", "category"),
        (dict(url="", phone=""), "url", "web address, a phone number"),
        (dict(url="javascript:alert(1)"), "url", "https://"),
        (dict(url="data:text/html,hi"), "url", "https://"),
        (dict(url="https://"), "url", "https://"),
        (dict(phone="call me maybe"), "phone", "digits"),
    ],
)
def test_save_resource_rejects_bad_fields(app, facilitator, fields, field, message):
    data = dict(title="A line", url="https://example.org", phone="", category="crisis_line")
    data.update(fields)
    with pytest.raises(InvalidAction, match=message) as error:
        services.save_resource(None, by=facilitator, note="n", **data)
    assert error.value.field == field


def test_save_resource_needs_a_note(app, facilitator):
    with pytest.raises(InvalidAction) as error:
        services.save_resource(None, by=facilitator, note="", title="A", url="https://a.org", category="reading")
    assert error.value.field == "note"


@pytest.mark.parametrize("role_fixture", ["member", "moderator"])
def test_only_facilitators_and_admins_manage_resources(app, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    resource = make_resource()
    with pytest.raises(NotAllowed):
        services.save_resource(None, by=user, note="n", title="A", url="https://a.org", category="reading")
    with pytest.raises(NotAllowed):
        services.update_resource(resource, "pin", by=user, note="n")


def test_pinned_resources_are_the_boards_own_and_the_forum_wide_ones_in_order(app):
    board, other = make_board(), make_board()
    second = make_resource(title="Board line", board_id=board.id, is_pinned=True, position=2)
    first = make_resource(title="Forum-wide", is_pinned=True, position=1)
    make_resource(title="Other board", board_id=other.id, is_pinned=True)
    make_resource(title="Not pinned", board_id=board.id)
    assert services.pinned_resources(board) == [first, second]


def test_pin_resource_pins_and_logs(app, facilitator):
    resource = make_resource()
    services.pin_resource(resource, by=facilitator, note="for the relapse board")
    assert resource.is_pinned
    assert [r.action for r in log_rows()] == ["pin_resource"]
    with pytest.raises(InvalidAction, match="already pinned"):
        services.pin_resource(resource, by=facilitator, note="again")


def test_mark_checked_sets_the_date(app, facilitator):
    resource = make_resource(last_checked=date(2020, 1, 1))
    services.update_resource(resource, "check", by=facilitator, note="called it", today=date(2026, 11, 23))
    assert resource.last_checked == date(2026, 11, 23)
    [row] = log_rows()
    assert row.action == "check_resource" and "called it" in row.note


def test_stale_resources_are_those_unchecked_for_six_months(app):
    never = make_resource(title="Never")
    old = make_resource(title="Old", last_checked=NOW.date() - timedelta(days=200))
    make_resource(title="Recent", last_checked=NOW.date() - timedelta(days=100))
    make_resource(title="Edge", last_checked=NOW.date() - services.STALE_AFTER)
    assert services.stale_resources(NOW) == [never, old]


def test_moving_swaps_with_the_neighbour_in_the_same_category(app, facilitator):
    a, b, c = (make_resource(title=t) for t in "abc")
    make_resource(title="elsewhere", category="reading")
    services.update_resource(c, "up", by=facilitator, note="more used")
    assert [r.title for r in services.list_resources()[ResourceCategory.CRISIS_LINE]] == ["a", "c", "b"]
    services.update_resource(a, "down", by=facilitator, note="n")
    assert [r.title for r in services.list_resources()[ResourceCategory.CRISIS_LINE]] == ["c", "a", "b"]
    with pytest.raises(InvalidAction, match="first"):
        services.update_resource(c, "up", by=facilitator, note="n")
    with pytest.raises(InvalidAction, match="last"):
        services.update_resource(b, "down", by=facilitator, note="n")


def test_list_resources_groups_by_category_in_a_fixed_order(app):
    make_resource(title="Book", category="reading")
    make_resource(title="Line", category="crisis_line")
    grouped = services.list_resources()
    assert list(grouped) == [ResourceCategory.CRISIS_LINE, ResourceCategory.READING]


def test_seed_resources_adds_each_default_once(app):
    assert services.seed_resources() == len(DEFAULT_RESOURCES)
    assert services.seed_resources() == 0
    resources = db.session.scalars(select(Resource)).all()
    assert len(resources) == len(DEFAULT_RESOURCES)
    assert all(r.last_checked == CHECKED for r in resources)


def test_seed_keeps_edits_and_restores_deleted_defaults(app):
    services.seed_resources()
    samaritans = db.session.scalar(select(Resource).where(Resource.title == "Samaritans"))
    samaritans.description = "Edited by a facilitator."
    db.session.delete(db.session.scalar(select(Resource).where(Resource.title == "Shout")))
    db.session.commit()
    assert services.seed_resources() == 1
    assert samaritans.description == "Edited by a facilitator."


@pytest.mark.parametrize("data", DEFAULT_RESOURCES, ids=lambda d: d["title"])
def test_every_default_passes_the_same_checks_as_a_facilitators_entry(data):
    cleaned = services._clean_fields(data)
    assert cleaned["url"] or cleaned["phone"]
    assert len(cleaned["title"]) <= 120 and len(cleaned["description"]) <= 500

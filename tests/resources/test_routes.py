from datetime import date

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.moderation.models import ModerationAction
from forum.resources.models import Resource
from forum.resources.services import seed_resources
from tests.factories import make_board, make_topic


def make_resource(**fields) -> Resource:
    data = dict(title="Test line", url="https://example.org", category="crisis_line")
    data.update(fields)
    resource = Resource(**data)
    db.session.add(resource)
    db.session.commit()
    return resource


RESOURCE_FORM = dict(
    title="Recovery reading list",
    description="Books members recommend.",
    url="https://example.org/books",
    phone="",
    category="reading",
    board_id="0",
    position="0",
    last_checked="",
    note="asked for in Introductions",
)


def _requests(resource, topic):
    """(method, url, data) for every facilitator route, each action included."""
    yield "GET", "/resources/new", None
    yield "POST", "/resources/new", RESOURCE_FORM
    yield "GET", f"/resources/{resource.id}/edit", None
    yield "POST", f"/resources/{resource.id}/edit", {**RESOURCE_FORM, "title": "Edited"}
    for action in ("pin", "unpin", "check", "up", "down"):
        yield "GET", f"/resources/{resource.id}/{action}", None
        yield "POST", f"/resources/{resource.id}/{action}", {"note": "matrix"}
    for action in ("pin", "unpin", "announce", "unannounce"):
        yield "GET", f"/topics/{topic.id}/{action}", None
        yield "POST", f"/topics/{topic.id}/{action}", {"note": "matrix"}


@pytest.mark.parametrize("role", ["guest", "member", "moderator", "facilitator", "admin"])
def test_facilitator_routes_by_role(app, client, login, request, role):
    resource = make_resource()
    topic = make_topic()
    if role != "guest":
        login(request.getfixturevalue(role))
    for method, url, data in _requests(resource, topic):
        response = client.open(url, method=method, data=data)
        where = f"{role} {method} {url} -> {response.status_code}"
        if role == "guest":
            assert response.status_code == 302 and "/login" in response.location, where
        elif role in ("member", "moderator"):
            assert response.status_code == 403, where
        else:
            # Allowed: the page, a redirect after success, or 400 when the action changes nothing
            # (e.g. moving the only resource of its category).
            assert response.status_code in (200, 302, 400), where
            assert "/login" not in (response.location or ""), where
    if role in ("facilitator", "admin"):
        assert db.session.scalar(select(Resource).where(Resource.title == "Recovery reading list")) is not None
        assert db.session.scalar(select(ModerationAction).where(ModerationAction.action == "pin_topic")) is not None
    else:
        assert db.session.scalars(select(ModerationAction)).all() == []


@pytest.mark.parametrize("role", ["guest", "member", "moderator", "facilitator", "admin"])
def test_resources_page_is_public(app, client, login, request, role):
    make_resource(title="Samaritans", phone="116 123")
    if role != "guest":
        login(request.getfixturevalue(role))
    response = client.get("/resources")
    assert response.status_code == 200
    assert "Samaritans" in response.text and 'href="tel:116123"' in response.text


def test_facilitator_pins_a_resource_and_it_shows_on_its_board(app, client, login, facilitator):
    board, other = make_board(), make_board()
    resource = make_resource(title="Relapse plan worksheet", category="reading", board_id=board.id)
    assert "Relapse plan worksheet" not in client.get(f"/boards/{board.slug}").text
    login(facilitator)
    response = client.post(f"/resources/{resource.id}/pin", data={"note": "useful for this board"})
    assert response.status_code == 302
    page = client.get(f"/boards/{board.slug}").text
    assert '<aside class="board-resources"' in page and "Relapse plan worksheet" in page
    assert "Relapse plan worksheet" not in client.get(f"/boards/{other.slug}").text
    row = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "pin_resource"))
    assert row.actor_id == facilitator.id and "useful for this board" in row.note


def test_board_page_reads_pinned_resources_in_one_query(app, client, count_queries):
    board = make_board()
    make_topic(board)
    slug, board_id = board.slug, board.id

    def board_statements() -> list[str]:
        db.session.expunge_all()
        with count_queries() as counter:
            assert client.get(f"/boards/{slug}").status_code == 200
        return counter.statements

    without = board_statements()
    for n in range(6):
        make_resource(title=f"Pinned {n}", is_pinned=True, board_id=board_id if n % 2 else None)
    with_pins = board_statements()
    assert len(with_pins) == len(without)
    assert sum("FROM resource" in s for s in with_pins) == 1


def test_rejected_resource_form_comes_back_with_the_text(app, client, login, facilitator):
    login(facilitator)
    data = {**RESOURCE_FORM, "url": "javascript:alert(1)", "note": "", "description": "Keep this text please"}
    response = client.post("/resources/new", data=data)
    assert response.status_code == 400
    assert "Keep this text please" in response.text
    assert "Please say why, for the moderation log." in response.text
    data["note"] = "trying again"
    response = client.post("/resources/new", data=data)
    assert response.status_code == 400
    assert "Web addresses start with https://" in response.text
    assert db.session.scalars(select(Resource)).all() == []


def test_topic_action_without_a_reason_comes_back_with_the_error(app, client, login, facilitator):
    topic = make_topic()
    login(facilitator)
    response = client.post(f"/topics/{topic.id}/pin", data={"note": ""})
    assert response.status_code == 400
    assert "Please say why, for the moderation log." in response.text
    assert not db.session.get(type(topic), topic.id).is_pinned


def test_pinned_announcement_leads_the_board_with_its_tags(app, client, login, facilitator):
    board = make_board()
    make_topic(board, title="Ordinary topic")
    topic = make_topic(board, title="House rules")
    make_topic(board, title="Newest topic")
    login(facilitator)
    assert client.post(f"/topics/{topic.id}/pin", data={"note": "rules first"}).status_code == 302
    assert client.post(f"/topics/{topic.id}/announce", data={"note": "rules"}).status_code == 302
    page = client.get(f"/boards/{board.slug}").text
    assert page.index("House rules") < page.index("Newest topic") < page.index("Ordinary topic")
    assert '<span class="tag">Pinned</span>' in page and '<span class="tag">Announcement</span>' in page
    actions = db.session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)).all()
    assert actions == ["pin_topic", "mark_announcement"]


@pytest.mark.parametrize(
    ("role", "sees"), [("member", False), ("moderator", False), ("facilitator", True), ("admin", True)]
)
def test_topic_page_shows_facilitator_tools_only_to_those_who_may_pin(app, client, login, request, role, sees):
    topic = make_topic()
    login(request.getfixturevalue(role))
    page = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text
    assert (f'action="/topics/{topic.id}/pin"' in page) is sees


def test_managers_see_which_resources_need_checking(app, client, login, facilitator, member):
    make_resource(title="Old line", last_checked=date(2020, 1, 1))
    make_resource(title="Fresh line", last_checked=date.today())
    login(member)
    assert "Needs checking" not in client.get("/resources").text
    client.post("/logout")
    login(facilitator)
    page = client.get("/resources").text
    assert "Not checked for 6 months" in page
    assert page.count("Needs checking") == 1


def test_mark_checked_today_clears_the_marker(app, client, login, facilitator):
    resource = make_resource(last_checked=date(2020, 1, 1))
    login(facilitator)
    response = client.post(f"/resources/{resource.id}/check", data={"note": "called, still answers"})
    assert response.status_code == 302
    assert "Needs checking" not in client.get("/resources").text
    assert db.session.get(Resource, resource.id).last_checked is not None


def test_edit_resource_moves_it_to_a_board(app, client, login, admin):
    board = make_board(name="Relapse prevention")
    resource = make_resource()
    login(admin)
    assert client.get(f"/resources/{resource.id}/edit").status_code == 200
    data = {**RESOURCE_FORM, "board_id": str(board.id), "title": "Moved line"}
    assert client.post(f"/resources/{resource.id}/edit", data=data).status_code == 302
    assert db.session.get(Resource, resource.id).board_id == board.id


def test_unknown_resource_and_topic_are_404(app, client, login, facilitator):
    login(facilitator)
    assert client.get("/resources/999/edit").status_code == 404
    assert client.post("/resources/999/pin", data={"note": "x"}).status_code == 404
    assert client.post("/topics/999/pin", data={"note": "x"}).status_code == 404
    assert client.get(f"/resources/{2**40}/edit").status_code == 404


def test_seeded_library_lists_every_category_with_links(app, client):
    seed_resources()
    page = client.get("/resources").text
    for heading in ("Crisis lines", "Mutual-aid meetings", "Finding treatment"):
        assert heading in page
    assert 'href="https://findtreatment.gov"' in page and 'href="tel:988"' in page


def test_flask_seed_adds_resources_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed"])
    second = runner.invoke(args=["seed"])
    assert first.exit_code == 0 and "resources added: 14" in first.output
    assert "resources added: 0" in second.output

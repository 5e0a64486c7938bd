"""Crisis lines and resources link only to http(s) addresses: one rule on the way in and out."""

import pytest

from forum.crisis import services as crisis_services
from forum.crisis.hotlines import DEFAULT_HOTLINES
from forum.crisis.models import Hotline
from forum.errors import InvalidAction
from forum.extensions import db
from forum.resources.defaults import DEFAULT_RESOURCES
from forum.resources.models import Resource
from forum.validation import web_address_problem

BAD_ADDRESSES = [
    "javascript:alert(1)",
    " JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/help",
    "https://",
    "https://no-dot",
    "ftp://files.example/x",
    "https://evil.example/ space",
]


@pytest.mark.parametrize("url", BAD_ADDRESSES)
def test_script_and_odd_addresses_are_refused_for_crisis_lines(app, admin, url):
    with pytest.raises(InvalidAction) as refused:
        crisis_services.save_hotline(None, admin, region="UK", name="Line", phone="", sms_number="", url=url)
    assert refused.value.field == "url"
    assert db.session.scalar(db.select(Hotline.id)) is None


def test_the_admin_form_refuses_a_script_address_and_keeps_what_was_typed(client, login, admin):
    login(admin)
    data = {"region": "UK", "name": "Night line", "phone": "0800 000 000", "url": "javascript:alert(1)"}
    response = client.post("/admin/hotlines/new", data=data)
    assert response.status_code == 200
    assert "Web addresses start with https://" in response.text
    assert 'value="Night line"' in response.text
    assert db.session.scalar(db.select(Hotline.id)) is None
    data["url"] = "https://nightline.example.org"
    assert client.post("/admin/hotlines/new", data=data).status_code == 302


def test_every_default_line_and_resource_passes_the_rule():
    for row in (*DEFAULT_HOTLINES, *DEFAULT_RESOURCES):
        assert web_address_problem(row["url"]) is None, row["url"]


def test_an_old_crisis_line_with_a_script_address_is_shown_without_its_link(client):
    db.session.add(Hotline(region="UK", name="Old line", phone="116 123", url="javascript:alert(1)", is_primary=True))
    db.session.add(Hotline(region="UK", name="Good line", phone="111", url="https://good.example.org"))
    db.session.commit()
    page = client.get("/help?region=UK").text
    assert "Old line" in page and "116 123" in page
    assert "javascript:" not in page
    assert 'href="https://good.example.org"' in page


def test_an_old_resource_with_a_script_address_is_shown_without_its_link(client):
    db.session.add(Resource(title="Old resource", url="javascript:alert(1)", category="reading"))
    db.session.commit()
    page = client.get("/resources").text
    assert "Old resource" in page and "javascript:" not in page

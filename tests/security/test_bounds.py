"""Hostile sizes and bytes get a clear 4xx or a normal page, never a 500."""

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum import create_app
from forum.config import TestConfig
from forum.extensions import db
from tests.apps import running_app
from tests.security.world import app_rules, build_world, rule_url

FIELDS = ["title", "body", "content_note", "anonymous", "pseudonym", "password", "new_password", "code",
          "current_password", "agree", "remember", "region", "posts", "resolution", "note", "reason", "verdict",
          "level", "name", "phone", "url", "position", "last_checked", "q", "page"]  # fmt: skip


@pytest.fixture
def member_client(app):
    world = build_world()
    client = app.test_client()

    def request(url, method="GET", **kwargs):
        g.pop("_login_user", None)
        with client.session_transaction() as session:
            session["_user_id"] = world.users["member"].get_id()
        return client.open(url, method=method, **kwargs)

    request.world = world
    return request


def _not_500(response):
    assert response.status_code < 500, response.text[:300]
    return response


@pytest.mark.parametrize(
    "path",
    [
        "/boards/general?page=-5",
        "/boards/general?page=0",
        "/boards/general?page=99999999999999999999999",
        "/boards/general?page=abc",
        "/boards/general/topics/99999999999999999999",
        "/boards/general/topics/-1",
        "/posts/2147483648",
        "/posts/99999999999999999999999/edit",
        "/moderation/items/99999999999999999999",
        "/admin/hotlines/99999999999999999999",
        "/members/%00",
        "/boards/%FF%FE",
        "/boards/general?page=%FF",
        "/?q=%C3%28&page=%00",
        "/boards/gen%00eral",
    ],
)
def test_odd_paths_and_query_strings(member_client, path):
    response = _not_500(member_client(path))
    if "%00" in path:
        # No database text column can hold a NUL byte (PostgreSQL refuses them), so they are refused first.
        assert response.status_code == 400
        assert "NUL character" in response.text
    else:
        assert response.status_code in (200, 301, 302, 403, 404)


def test_huge_body_gets_the_413_page(member_client):
    response = member_client("/boards/general/topics/new", "POST", data={"title": "t", "body": "x" * 300_000})
    assert response.status_code == 413
    assert "too much to send at once" in response.text


def test_over_long_fields_are_form_errors(member_client):
    response = member_client(
        "/boards/general/topics/new",
        "POST",
        data={"title": "t" * 5000, "body": "b" * 25_000, "content_note": "n" * 900},
    )
    assert response.status_code == 400
    assert "error-message" in response.text


@pytest.mark.parametrize(
    "raw",
    [b"title=%FF%FE&body=%C3%28", b"title=\xff\xfe&body=\xc3\x28", b"title=a%00b&body=c%00d", b"%%%=&&==%zz"],
)
@pytest.mark.parametrize("path", ["/boards/general/topics/new", "/login", "/register", "/account/delete"])
def test_invalid_utf8_and_nul_in_form_bodies(member_client, raw, path):
    response = member_client(path, "POST", data=raw, content_type="application/x-www-form-urlencoded")
    _not_500(response)


def test_nul_bytes_never_reach_the_database(member_client):
    from forum.boards.models import Post, Topic

    response = member_client("/boards/general/topics/new", "POST", data={"title": "a\x00b", "body": "c\x00d"})
    # A stray NUL in a form is dropped, so the member's post still arrives whole.
    assert response.status_code == 302
    topic = db.session.scalar(db.select(Topic).where(Topic.title == "ab"))
    assert topic is not None
    assert db.session.scalar(db.select(Post.body).where(Post.topic_id == topic.id)) == "cd"


def _form_data():
    values = st.one_of(st.text(max_size=300), st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
    return st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), values, max_size=6)


def _rules():
    return [(r.endpoint, r.rule) for r in app_rules(create_app(config_class=TestConfig))]


@pytest.mark.parametrize(("endpoint", "rule_text"), _rules())
def test_random_input_on_every_route(endpoint, rule_text):
    with running_app() as app:
        world = build_world()
        rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
        url = rule_url(app, rule, world)
        client = app.test_client()

        @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(
            method=st.sampled_from(sorted(rule.methods - {"OPTIONS", "HEAD"})), data=_form_data(), query=_form_data()
        )
        def check(method, data, query):
            g.pop("_login_user", None)
            with client.session_transaction() as session:
                session["_user_id"] = world.users["member"].get_id()
            response = client.open(url, method=method, data=data, query_string=query)
            assert response.status_code < 500, (endpoint, method, data, query)

        check()


# Dates a browser can send to a date field or filter: Python's last day (the day after it
# overflows), year 1, out-of-range years, impossible days and non-dates.
DATE_VALUES = ["9999-12-31", "0001-01-01", "1999-12-31", "2200-01-01", "10000-01-01", "2024-02-30", "-1-01-01", "1e9"]
# Everything else the admin forms that hold dates need, so those forms save when the date passes.
DATE_FORM_DATA = {"name": "Line", "region": "US", "phone": "988", "title": "T", "category": "reading", "note": "why"}


def _all_forms() -> list[type]:
    from flask_wtf import FlaskForm

    create_app(config_class=TestConfig)  # imports every domain's forms
    pending, forms = list(FlaskForm.__subclasses__()), []
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        forms.append(form)
    return forms


def test_every_date_field_is_bounded():
    from wtforms import DateField

    from forum.validation import date_in_range, past_date_in_range

    date_fields = [
        (form.__name__, name, field)
        for form in _all_forms()
        for name, field in vars(form).items()
        if getattr(field, "field_class", None) is DateField
    ]
    assert len(date_fields) >= 4, date_fields
    for form_name, name, field in date_fields:
        validators = field.kwargs.get("validators", ())
        assert date_in_range in validators or past_date_in_range in validators, (form_name, name)


def test_no_date_string_gives_a_500_on_any_route(app):
    world = build_world()
    client = app.test_client()
    admin = world.users["admin"]
    for rule in app_rules(app):
        url = rule_url(app, rule, world)
        for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
            for value in DATE_VALUES:
                dates = {"since": value, "until": value, "last_checked": value}
                g.pop("_login_user", None)
                with client.session_transaction() as session:
                    session["_user_id"] = admin.get_id()
                body = None if method == "GET" else {**DATE_FORM_DATA, **dates}
                response = client.open(url, method=method, data=body, query_string=dates)
                assert response.status_code < 500, (rule.rule, method, value)


def test_the_moderation_log_refuses_dates_past_its_bounds(client, login, admin):
    login(admin)
    response = client.get("/moderation/log?until=9999-12-31")
    assert response.status_code == 200
    assert "Choose a date between 2000 and 2199" in response.text
    assert client.get("/moderation/log?since=2026-01-01&until=2026-12-31").status_code == 200

"""One helper copies a service's refusal onto its form (forum.errors.add_error)."""

from __future__ import annotations

from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from forum.errors import InvalidAction, add_error


class _Form(FlaskForm):
    class Meta:
        csrf = False

    title = StringField()
    body = TextAreaField()


def test_a_refusal_naming_a_field_goes_on_that_field(app):
    with app.test_request_context(method="POST", data={"title": "t", "body": "b"}):
        form = _Form()
        form.validate()
        add_error(form, InvalidAction("Titles are short.", field="title"))
        assert form.title.errors == ["Titles are short."] and form.form_errors == []


def test_a_refusal_naming_no_field_of_the_form_goes_above_it_or_to_the_default(app):
    with app.test_request_context(method="POST", data={}):
        form = _Form()
        add_error(form, InvalidAction("Locked.", field="reason"))
        assert form.form_errors == ["Locked."]
        add_error(form, InvalidAction("Too long."), default="body")
        assert form.body.errors == ["Too long."]


def test_a_one_button_form_flashes_what_it_cannot_place(app):
    with app.test_request_context(method="POST", data={}):
        form = _Form()
        add_error(form, InvalidAction("Already dealt with."), flash_unplaced=True)
        assert form.form_errors == []
        assert get_flashed_messages(with_categories=True) == [("error", "Already dealt with.")]

import pytest

from forum.urls import url_pattern


def test_url_pattern_matches_url_for_for_every_id(app):
    from flask import url_for

    with app.test_request_context("/"):
        pattern = url_pattern("boards.show_topic", "quote", slug="stigma", topic_id=7)
        assert pattern.format(12) == url_for("boards.show_topic", slug="stigma", topic_id=7, quote=12)
        assert url_pattern("boards.show_post", "post_id").format(2**31 - 1) == f"/posts/{2**31 - 1}"


def test_url_pattern_refuses_a_placeholder_it_cannot_place(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="placeholder"):
        url_pattern("boards.show_topic", "topic_id", slug="board-9876543210987")


def test_template_url_for_follows_the_mount_point(app):
    from flask import render_template_string

    page = "{{ url_for('boards.index') }} {{ url_for('static', filename='css/forum.css') }}"
    with app.test_request_context("/"):
        assert render_template_string(page) == "/ /static/css/forum.css"
        assert url_pattern("boards.show_post", "post_id") == "/posts/{}"
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/forum"}):
        assert render_template_string(page) == "/forum/ /forum/static/css/forum.css"
        assert url_pattern("boards.show_post", "post_id") == "/forum/posts/{}"
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('boards.show_board', slug='stigma') }}") == "/boards/stigma"


@pytest.mark.parametrize("pseudonym", ["plain_name", "two words", "ünïcode", "a/b?c#d%e", "{brace}"])
def test_post_view_links_the_author_as_url_for_does(app, pseudonym):
    from flask import url_for

    from forum.boards.links import PostLinks
    from tests.factories import make_post, make_user

    post = make_post(author=make_user(pseudonym))
    with app.test_request_context("/"):
        view = PostLinks(None, post.topic).view(post)
        assert view.author == pseudonym
        assert view.author_url == url_for("boards.show_member", pseudonym=pseudonym)
        assert view.permalink == url_for("boards.show_post", post_id=post.id)


def test_date_label_reads_as_strftime_does():
    from datetime import datetime, timedelta

    from forum.boards.links import date_label

    start = datetime(2025, 1, 1, 0, 0)
    for hours in range(0, 24 * 400, 7):
        at = start + timedelta(hours=hours, minutes=hours % 60)
        assert date_label(at) == at.strftime("%d %b %Y, %H:%M")


def test_a_guests_sign_in_links_come_back_under_the_mount_point(app, client):
    from forum.extensions import db
    from tests.factories import make_board, make_topic

    with app.app_context():
        board = make_board("Stigma")
        topic = make_topic(board=board)
        db.session.commit()
        board_path, topic_path = f"/boards/{board.slug}", f"/boards/{board.slug}/topics/{topic.id}"
    mounted = {"SCRIPT_NAME": "/forum"}
    for path in (board_path, topic_path):
        page = client.get(path, environ_overrides=mounted).text
        assert f"/forum/login?next=/forum{path}" in page.replace("%2F", "/"), path
        assert f"next={path}" not in page.replace("%2F", "/")


def test_spanish_month_labels_are_cldrs():
    from babel.dates import get_month_names

    from forum.boards.links import _MONTHS

    assert _MONTHS["es"] == tuple(get_month_names("abbreviated", locale="es")[m] for m in range(1, 13))


def test_building_the_app_loads_no_spanish_locale_data():
    # Babel's locale data is megabytes a worker: an English page must not pay for Spanish at start.
    import subprocess
    import sys

    code = (
        "from forum import create_app; from babel import localedata; "
        "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x' * 40}); "
        "print(sorted(localedata._cache))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert "'es'" not in loaded

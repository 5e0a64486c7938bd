"""No text field holds a character XML forbids, and every Atom feed parses as XML."""

import xml.etree.ElementTree as ET

from forum.boards.models import Post, Topic
from forum.extensions import db
from forum.validation import has_non_characters, without_non_characters
from tests.factories import make_board, make_topic, make_user

# One of each kind: a C0 control, the BMP's U+FFFE/U+FFFF, a non-character from the FDD0 block,
# and the last code points of plane 1 and plane 16.
ODD = "\x0b\x1f\ufffe\uffff\ufdd0\ufdef\U0001fffe\U0010ffff"


def test_the_rule_drops_non_characters_and_keeps_real_text():
    kept = "Tab\there, line\nbreak, \u00e9, \u4e2d, \U0001f33f, \ufdcf, \ufdf0, \ufffd"
    assert without_non_characters(f"a{ODD}b {kept}") == f"ab {kept}"
    assert not has_non_characters(kept)
    assert all(has_non_characters(ch) for ch in ODD + "\x00\ud800")


def test_forms_drop_non_characters_before_anything_is_stored(client, login, member):
    board = make_board(slug="calm")
    login(member)
    response = client.post(
        "/boards/calm/topics/new", data={"title": f"Quiet{ODD} night", "body": f"Feeling{ODD} steadier"}
    )
    assert response.status_code == 302
    topic = db.session.scalar(db.select(Topic).where(Topic.board_id == board.id))
    assert topic.title == "Quiet night"
    reply = client.post(f"/boards/calm/topics/{topic.id}/reply", data={"body": f"Glad{ODD} to hear"})
    assert reply.status_code == 302
    bodies = db.session.scalars(db.select(Post.body).where(Post.topic_id == topic.id).order_by(Post.id))
    assert list(bodies) == ["Feeling steadier", "Glad to hear"]


def test_every_feed_parses_even_with_old_rows_holding_non_characters(client, login, member):
    # Rows written before the forms dropped these characters, or by a path that skips the forms.
    board = make_board(f"Board{ODD} name", slug="odd", description=f"About{ODD}")
    author = make_user(f"old{ODD}name")
    topic = make_topic(board, author, title=f"Title{ODD} here", body=f"Body{ODD} text")
    db.session.scalar(db.select(Post).where(Post.topic_id == topic.id)).content_note = f"Note{ODD}"
    db.session.commit()
    login(member)
    client.post(f"/boards/odd/topics/{topic.id}/reply", data={"body": f"Reply{ODD} body"})
    urls = ["/latest.atom", "/boards/odd/feed.atom", f"/boards/odd/topics/{topic.id}/feed.atom"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.data)  # noqa: S314 - the forum's own output, under test
        assert not has_non_characters(response.text), url
        assert "Title here" in response.text, url
    assert "Reply body" in response.text and "Note" in response.text

"""A quote written on a Spanish page reads in Spanish and still reaches the quoted author, never naming them."""

import html

from forum.boards import services as boards
from forum.boards.models import Post
from forum.extensions import db
from forum.notifications import services as notifications
from forum.notifications.models import Notification, NotificationKind
from tests.factories import make_board, make_topic, make_user

SPANISH = {"Accept-Language": "es"}


def _quote_box(client, board, topic, post_id, headers=None):
    page = client.get(f"/boards/{board.slug}/topics/{topic.id}?quote={post_id}", headers=headers or {}).text
    return html.unescape(page.split('name="body"', 1)[1].split("</textarea>", 1)[0].split(">", 1)[1]).lstrip("\r\n")


def test_a_spanish_page_quotes_an_anonymous_post_in_spanish_and_notifies_its_author(app, client, login):
    author, reader = make_user("hidden_writer"), make_user("quoter")
    board = make_board("Estigma")
    topic = make_topic(board=board, author=make_user("opener"))
    anonymous = boards.create_reply(topic, author, body="Las noches son lo peor para mí.", anonymous=True)
    login(reader)
    box = _quote_box(client, board, topic, anonymous.id, SPANISH)
    assert box.startswith("Miembro anónimo escribió:\n\n> Las noches son lo peor para mí.")
    assert "hidden_writer" not in box and "wrote" not in box
    boards.create_reply(topic, reader, body=box + "Igual aquí.")
    kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == author.id)).all()
    assert kinds == [NotificationKind.QUOTE]
    [group] = notifications.notifications_for(author).new
    assert group.newest.actor == "quoter"


def test_an_english_page_quotes_as_before_and_a_pseudonym_is_never_translated(app, client, login):
    writer, reader = make_user("Anonymous_fan"), make_user("quoter2")
    board = make_board("Stigma")
    topic = make_topic(board=board, author=writer, body="One day at a time.")
    first = db.session.scalar(db.select(Post).where(Post.topic_id == topic.id))
    login(reader)
    assert _quote_box(client, board, topic, first.id).startswith("Anonymous_fan wrote:\n\n> One day at a time.")
    assert _quote_box(client, board, topic, first.id, SPANISH).startswith("Anonymous_fan escribió:\n\n>")
    boards.create_reply(topic, reader, body=_quote_box(client, board, topic, first.id, SPANISH) + "Sí.")
    kinds = db.session.scalars(db.select(Notification.kind).where(Notification.user_id == writer.id)).all()
    assert kinds == [NotificationKind.QUOTE]

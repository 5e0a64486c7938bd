"""A post's edit history: kept on each edit, read by its author and the moderators only, and gone
when the author removes the post or erases their account."""

import pytest
from sqlalchemy import select

from forum.accounts import privacy
from forum.boards import services
from forum.boards.models import PostRevision
from forum.errors import NotAllowed
from forum.extensions import db
from tests.factories import PASSWORD, make_post, make_topic


def _opening_post(topic):
    from forum.boards.models import Post

    return db.session.scalar(select(Post).where(Post.topic_id == topic.id).order_by(Post.id).limit(1))


def test_edits_are_kept_newest_first_and_only_for_author_and_moderators(app, member, other_member, moderator):
    topic = make_topic(author=member, title="First title", body="first words")
    post = _opening_post(topic)
    services.edit_post(post, member, body="second words", title="Better title")
    services.edit_post(post, moderator, body="third words", title="Better title", reason="removed a phone number")
    # Saving with nothing changed keeps no copy.
    services.edit_post(post, member, body="third words", title="Better title")
    history = services.post_history(post, member)
    assert [(r.body, r.title, r.by_moderator) for r in history] == [
        ("second words", "Better title", True),
        ("first words", "First title", False),
    ]
    assert services.post_history(post, moderator) == history
    with pytest.raises(NotAllowed):
        services.post_history(post, other_member)
    with pytest.raises(NotAllowed):
        services.post_history(post, None)


def test_the_history_page_and_its_link(client, login, member, other_member, moderator):
    post = make_post(author=member, body="an **old** version")
    services.edit_post(post, member, body="the new version")
    topic_url = f"/boards/{post.topic.board.slug}/topics/{post.topic_id}"
    login(member)
    assert f'<a class="edited" href="/posts/{post.id}/history">edited</a>' in client.get(topic_url).text
    page = client.get(f"/posts/{post.id}/history").text
    assert "an <strong>old</strong> version" in page and "the new version" in page
    client.post("/logout")
    login(other_member)
    assert '<span class="edited">edited</span>' in client.get(topic_url).text
    assert client.get(f"/posts/{post.id}/history").status_code == 403
    client.post("/logout")
    login(moderator)
    assert client.get(f"/posts/{post.id}/history").status_code == 200


def test_removing_the_post_or_erasing_the_account_removes_earlier_versions(app, member):
    kept = make_post(author=member, body="kept words")
    services.edit_post(kept, member, body="kept, edited")
    removed = make_post(author=member, body="regretted words")
    services.edit_post(removed, member, body="still regretted")
    services.delete_own_post(removed, member)
    bodies = set(db.session.scalars(select(PostRevision.body)))
    assert bodies == {"kept words"}
    privacy.delete_account(member, password=PASSWORD, posts=privacy.REMOVE_POSTS)
    assert db.session.scalar(select(PostRevision)) is None

"""Reactions without downvotes: "Thank you", "Me too", "Sending support", each a form with its count;
nobody sees who reacted, and an anonymous post's author stays anonymous."""

import pytest
from sqlalchemy import select

from forum.boards import services
from forum.boards.models import PostStatus, Reaction
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from tests.factories import make_post, make_user


def test_a_reaction_toggles_and_is_counted_once(app, member, other_member):
    post = make_post(author=member)
    assert services.react(post, other_member, "metoo") is True
    assert services.react(post, other_member, "thanks") is True
    assert services.react(post, other_member, "metoo") is False
    assert [(r.kind, r.user_id) for r in db.session.scalars(select(Reaction))] == [("thanks", other_member.id)]
    with pytest.raises(InvalidAction):
        services.react(post, other_member, "downvote")


def test_no_reacting_to_ones_own_or_an_unpublished_post(app, member, other_member):
    with pytest.raises(NotAllowed):
        services.react(make_post(author=member), member, "thanks")
    with pytest.raises(NotAllowed):
        services.react(make_post(author=member, status=PostStatus.HELD), other_member, "thanks")


def test_the_page_shows_counts_and_pressed_buttons_never_who(client, login, member, other_member):
    post = make_post(author=member, anonymous=True, body="first time sharing this")
    third = make_user("third_reader")
    services.react(post, other_member, "support")
    services.react(post, third, "support")
    services.react(post, third, "metoo")
    url = f"/boards/{post.topic.board.slug}/topics/{post.topic_id}"
    login(other_member)
    page = client.get(url).text
    article = page.split(f'id="post-{post.id}"')[1].split("</article>")[0]
    assert 'aria-pressed="true">Sending support <span class="count">2</span>' in article
    assert 'aria-pressed="false">Me too <span class="count">1</span>' in article
    assert 'aria-pressed="false">Thank you</button>' in article
    assert "third_reader" not in page and other_member.pseudonym not in article
    client.post("/logout")
    # The anonymous author sees the counts and no buttons on their own post, and nothing names them.
    login(member)
    article = client.get(url).text.split(f'id="post-{post.id}"')[1].split("</article>")[0]
    assert (
        'Sending support <span class="count">2</span>' in article
        and "<button" not in article.split("reactions")[1].split("</div>")[0]
    )
    client.post("/logout")
    page = client.get(url).text
    assert member.pseudonym not in page and member.anonymous_handle not in page
    assert 'Sending support <span class="count">2</span>' in page


def test_reacting_by_form_and_back_to_the_post(client, login, member, other_member):
    post = make_post(author=member)
    login(other_member)
    response = client.post(f"/posts/{post.id}/react", data={"kind": "thanks"})
    assert response.status_code == 302 and f"/posts/{post.id}" in response.headers["Location"]
    assert db.session.scalar(select(Reaction.kind)) == "thanks"
    assert client.post(f"/posts/{post.id}/react", data={"kind": "nope"}).status_code == 400
    assert client.post("/posts/2147483648/react", data={"kind": "thanks"}).status_code == 404


def test_reactions_cost_no_extra_query(client, login, member, other_member, count_queries):
    post = make_post(author=member)
    url = f"/boards/{post.topic.board.slug}/topics/{post.topic_id}"
    login(other_member)
    # The first visit records the member's place in the topic, a commit after which the test's shared
    # session reloads the member once: the second visit is the steady state, as after the reactions.
    client.get(url)
    client.get(url)
    with count_queries() as before:
        client.get(url)
    for kind in ("thanks", "metoo", "support"):
        services.react(post, other_member, kind)
    client.get(url)
    with count_queries() as after:
        client.get(url)
    assert after.count == before.count


def test_a_deleted_account_takes_its_reactions_with_it(app, member, other_member):
    from forum.accounts import privacy
    from tests.factories import PASSWORD

    post = make_post(author=member)
    services.react(post, other_member, "support")
    privacy.delete_account(other_member, password=PASSWORD, posts=privacy.REMOVE_POSTS)
    assert db.session.scalar(select(Reaction)) is None

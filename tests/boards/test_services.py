import pytest

from forum.boards import services
from forum.boards.models import PostStatus
from forum.errors import InvalidAction, NotAllowed
from forum.permissions import Role
from tests.factories import make_board, make_post, make_topic, make_user


def test_seed_default_boards_is_idempotent(app):
    assert services.seed_default_boards() == 7
    assert services.seed_default_boards() == 0
    names = [b.name for b in services.list_boards()]
    assert names[:3] == ["Dual diagnosis", "Stigma", "Relapse prevention"]
    assert {"Introductions", "Coping skills & wins", "Family & friends"} <= set(names)
    assert all(b.description for b in services.list_boards())


def test_create_topic_updates_counts_and_last_activity(app, member):
    board = make_board()
    topic = services.create_topic(board, member, title="  Hello  ", body="First post")
    assert topic.title == "Hello"
    assert (board.topic_count, board.post_count, topic.post_count) == (1, 1, 1)
    reply = services.create_reply(topic, member, body="Second")
    assert (board.post_count, topic.post_count, topic.last_post_id, board.last_post_id) == (2, 2, reply.id, reply.id)


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("", "body", "title"),
        ("t" * 151, "body", "title"),
        ("Title", "", "body"),
        ("Title", "x" * 20_001, "body"),
        ("Title", "\x00\x00", "body"),
    ],
)
def test_bad_topic_input_names_the_field(app, member, title, body, field):
    with pytest.raises(InvalidAction) as caught:
        services.create_topic(make_board(), member, title=title, body=body)
    assert caught.value.field == field


def test_nul_bytes_are_removed(app, member):
    topic = services.create_topic(make_board(), member, title="Hi\x00", body="a\x00b")
    assert topic.title == "Hi"


def test_locked_topic_refuses_member_replies_but_not_moderators(app, member, moderator):
    topic = make_topic(is_locked=True)
    with pytest.raises(InvalidAction, match="locked"):
        services.create_reply(topic, member, body="hi")
    services.create_reply(topic, moderator, body="Locking this, thanks all.")


def test_suspended_member_cannot_post_and_is_told_until_when(app):
    from datetime import timedelta

    from forum.accounts.models import utcnow

    user = make_user(suspended_until=utcnow() + timedelta(days=2), restriction_reason="harassment")
    with pytest.raises(InvalidAction, match="suspended until .*harassment"):
        services.create_topic(make_board(), user, title="t", body="b")


def test_edit_marks_post_edited_and_others_cannot_edit(app, member, other_member):
    post = make_post(author=member)
    services.edit_post(post, member, body="Changed")
    assert post.body == "Changed" and post.edited_at is not None
    with pytest.raises(NotAllowed):
        services.edit_post(post, other_member, body="Vandalised")


def test_moderator_edit_needs_a_reason_and_is_logged(app, member, moderator):
    from forum.moderation.models import ModerationAction

    post = make_post(author=member)
    with pytest.raises(InvalidAction):
        services.edit_post(post, moderator, body="Removed a phone number")
    services.edit_post(post, moderator, body="[number removed]", reason="Personal details")
    from forum.extensions import db

    entry = db.session.scalar(db.select(ModerationAction))
    assert (entry.action, entry.note, entry.post_id) == ("edit_post", "Personal details", post.id)


def test_delete_own_post_is_soft(app, member, other_member):
    post = make_post(author=member)
    with pytest.raises(NotAllowed):
        services.delete_own_post(post, other_member)
    services.delete_own_post(post, member)
    assert post.status == PostStatus.REMOVED
    assert post.body


def test_author_label_never_reveals_anonymous_author(app, member, other_member, moderator):
    post = make_post(author=member, anonymous=True)
    assert services.author_label(post, None) == "Anonymous member"
    assert services.author_label(post, other_member) == "Anonymous member"
    assert services.author_label(post, member) == "Anonymous member (you)"
    assert services.author_label(post, moderator) == f"Anonymous #{member.anonymous_handle}"


def test_anonymous_handle_is_stable_per_member(app, member, moderator):
    a = make_post(author=member, anonymous=True)
    b = make_post(author=member, anonymous=True)
    assert services.author_label(a, moderator) == services.author_label(b, moderator)


def test_member_posts_excludes_anonymous(app, member):
    public = make_post(author=member)
    make_post(author=member, anonymous=True)
    assert services.member_posts(member, None) == [public]


def test_board_topics_pinned_first_then_latest(app):
    board = make_board()
    old_pinned = make_topic(board, title="Pinned", is_pinned=True)
    older = make_topic(board, title="Older")
    newer = make_topic(board, title="Newer")
    make_post(older)
    page = services.board_topics(board, None, 1)
    assert [t.id for t in page.items] == [old_pinned.id, older.id, newer.id]


def test_post_page_finds_the_right_page(app):
    topic = make_topic()
    posts = [make_post(topic) for _ in range(45)]
    assert services.post_page(posts[0], None) == 1
    assert services.post_page(posts[18], None) == 1
    assert services.post_page(posts[19], None) == 2
    assert services.post_page(posts[44], None) == 3


def test_board_admin_services(app):
    services.seed_default_boards()
    board = services.add_board("Sleep", "Rest and insomnia.")
    assert board.slug == "sleep" and board.position == 8
    with pytest.raises(InvalidAction):
        services.add_board("Sleep")
    services.rename_board("sleep", "Sleep & rest")
    services.reorder_boards(["sleep", "stigma"])
    assert [b.slug for b in services.list_boards()][:3] == ["sleep", "stigma", "dual-diagnosis"]


def test_staff_posts_are_not_held_as_newcomers(app):
    app.config["HOLD_FIRST_POSTS"] = 1
    newcomer = make_user()
    topic = services.create_topic(make_board(), newcomer, title="Hi", body="First ever post")
    assert topic.status == PostStatus.HELD
    staff = make_user(role=Role.FACILITATOR)
    assert services.create_topic(make_board(), staff, title="Hi", body="Welcome").status == PostStatus.VISIBLE

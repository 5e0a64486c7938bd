"""Who is told what, without HTTP: each kind of notification, watching, muting, held and hidden posts."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from forum.accounts import mutes
from forum.accounts.models import utcnow
from forum.boards import counts
from forum.boards import services as boards
from forum.boards.models import Post, PostStatus
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation import actions, conversations, playbook, reports
from forum.moderation import services as moderation
from forum.moderation.models import ItemKind, QueueItem
from forum.notifications import services
from forum.notifications.models import Notification
from forum.text import quote_markdown
from tests.factories import make_board, make_user

pytestmark = pytest.mark.usefixtures("app")

URGENT_TEXT = "I've saved up my pills and tonight's the night. I want to end it."


def _kinds(user) -> list[str]:
    return list(
        db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def _topic(author, **kwargs):
    return boards.create_topic(make_board(), author, title="Sleep and meds", body="Anyone else awake?", **kwargs)


def test_reply_notifies_the_topic_author_and_never_the_replier(member, other_member):
    topic = _topic(member)
    boards.create_reply(topic, other_member, body="Me, most nights.")
    assert _kinds(member) == ["reply"]
    assert _kinds(other_member) == []


def test_replying_watches_the_topic_so_later_replies_notify(member, other_member):
    third = make_user("third")
    topic = _topic(member)
    boards.create_reply(topic, other_member, body="Me, most nights.")
    boards.create_reply(topic, third, body="Same here.")
    assert _kinds(other_member) == ["reply"]
    assert _kinds(member) == ["reply", "reply"]
    assert services.watch_level(topic.id, other_member) == "watching"


def test_anonymous_reply_notifies_under_the_public_label_only(member, other_member):
    topic = _topic(member)
    boards.create_reply(topic, other_member, body="I hear you.", anonymous=True)
    [group] = services.notifications_for(member).new
    assert group.newest.actor == "Anonymous member"


def test_quote_notifies_the_quoted_author_once_as_a_quote(member, other_member):
    topic = _topic(member)
    quoted = topic_first_post(topic)
    boards.create_reply(topic, other_member, body=quote_markdown("river", quoted.body) + "So true.")
    # The author watches their topic and is quoted: one notification, the stronger reason.
    assert _kinds(member) == ["quote"]


def test_quoting_an_anonymous_post_reaches_its_author_without_naming_them(member, other_member):
    third = make_user("third")
    topic = _topic(third)
    hidden_author_post = boards.create_reply(topic, member, body="Nights are the worst for me.", anonymous=True)
    services.set_watch(topic, member, "muted")
    # Muted: nothing, not even the quote.
    boards.create_reply(topic, other_member, body=quote_markdown("Anonymous member", hidden_author_post.body))
    assert _kinds(member) == []
    services.set_watch(topic, member, "watching")
    reply = boards.create_reply(
        topic, other_member, body=quote_markdown("Anonymous member", hidden_author_post.body) + "Same."
    )
    assert _kinds(member) == ["quote"]
    [group] = services.notifications_for(member).new
    assert group.newest.post_id == reply.id and group.newest.actor == "meadow"


def test_mention_notifies_the_named_member_case_ignored(member, other_member):
    third = make_user("Third_One")
    topic = _topic(member)
    boards.create_reply(topic, other_member, body="@third_one you said melatonin helped? email a@b.org")
    assert _kinds(third) == ["mention"]
    # Mentioning oneself, or someone who does not exist, tells nobody.
    boards.create_reply(topic, third, body="@Third_One and @nobody_here")
    assert _kinds(third) == ["mention"]


def test_anonymous_mention_shows_the_public_label(member, other_member):
    topic = _topic(member)
    boards.create_reply(topic, other_member, body="@river thank you", anonymous=True)
    boards.create_reply(topic, other_member, body="Hi @meadow")  # one's own name: nothing
    [group] = services.notifications_for(member).new
    assert [(line.kind, line.actor) for line in group.lines] == [("reply", "meadow"), ("mention", "Anonymous member")]


def test_muted_topic_never_notifies_replies_mentions_or_reactions(member, other_member):
    topic = _topic(member)
    services.set_watch(topic, member, "muted")
    reply = boards.create_reply(topic, other_member, body="@river are you there?")
    boards.react(topic_first_post(topic), other_member, "metoo")
    assert _kinds(member) == []
    assert reply.status == PostStatus.VISIBLE


def test_watching_a_topic_one_never_posted_in(member, other_member):
    third = make_user("third")
    topic = _topic(member)
    services.set_watch(topic, third, "watching")
    boards.create_reply(topic, other_member, body="Hello")
    assert _kinds(third) == ["reply"]
    with pytest.raises(InvalidAction):
        services.set_watch(topic, third, "loud")


def test_held_post_notifies_only_once_approved(app, member, other_member, moderator):
    topic = _topic(member)
    app.config["HOLD_FIRST_POSTS"] = 1
    newcomer = make_user("newcomer")
    post = boards.create_reply(topic, newcomer, body="First post here, @river.")
    assert post.status == PostStatus.HELD
    assert _kinds(member) == []
    item = db.session.scalar(select(QueueItem).where(QueueItem.post_id == post.id))
    moderation.resolve_item(item, moderator, resolution="approve")
    assert _kinds(member) == ["mention"]


def test_crisis_held_post_notifies_once_published(member, other_member, moderator):
    topic = _topic(member)
    post = boards.create_reply(topic, other_member, body=URGENT_TEXT)
    assert post.status == PostStatus.HELD
    assert _kinds(member) == []
    item = db.session.scalar(select(QueueItem).where(QueueItem.post_id == post.id))
    playbook.decide_visibility(item, moderator, choice="safe")
    playbook.decide_visibility(item, moderator, choice="hold")
    playbook.decide_visibility(item, moderator, choice="safe")
    # Shown, hidden and shown again: told once.
    assert _kinds(member) == ["reply"]


def test_hidden_or_removed_post_drops_out_of_list_and_count(member, other_member):
    topic = _topic(member)
    post = boards.create_reply(topic, other_member, body="Hello")
    assert services.unread_count(member) == 1
    counts.set_post_status(post, PostStatus.HIDDEN.value)
    db.session.commit()
    assert services.unread_count(member) == 0 and services.notifications_for(member).new == []
    counts.set_post_status(post, PostStatus.VISIBLE.value)
    db.session.commit()
    assert services.unread_count(member) == 1
    boards.delete_own_post(post, other_member)
    assert services.unread_count(member) == 0


def test_reactions_notify_once_a_day_per_post_and_never_name_the_reactor(member, other_member):
    third = make_user("third")
    topic = _topic(member)
    first = topic_first_post(topic)
    boards.react(first, other_member, "metoo")
    boards.react(first, third, "thanks")
    boards.react(first, other_member, "metoo")  # taken back
    boards.react(first, other_member, "metoo")  # given again
    assert _kinds(member) == ["reaction"]
    [group] = services.notifications_for(member).new
    assert group.newest.actor == "river"  # the post's author, the member themself: never the reactor
    assert group.newest.reaction_label == "Me too"
    later = utcnow() + timedelta(days=1, minutes=1)
    assert services.reaction_given(first, "support", now=later) is True


def test_reply_and_reaction_in_one_topic_count_once(member, other_member):
    topic = _topic(member)
    reply = boards.create_reply(topic, other_member, body="Same here.")
    boards.react(topic_first_post(topic), other_member, "metoo")
    assert services.unread_count(member) == 1
    [group] = services.notifications_for(member).new
    assert group.first.post_id == reply.id and len(group.lines) == 2


def test_moderator_messages_answers_and_reveal_notices(member, moderator):
    topic = _topic(member, anonymous=True)
    item = moderation.enqueue(topic_first_post(topic), ItemKind.REPORT)
    db.session.commit()
    message = actions.message_author(item, moderator, subject="Checking in", body="How are you?")
    conversations.answer_member(message, moderator, body="Still here if you want to talk.")
    actions.reveal_author(item, moderator, reason="Threat to another member")
    assert _kinds(member) == ["message", "message_reply", "reveal"]
    # A message and its answer are one thing to read; the reveal notice another.
    assert services.unread_count(member) == 2


def test_report_outcome_tells_the_reporter_once(member, other_member, moderator):
    topic = _topic(member)
    report = reports.report_post(topic_first_post(topic), other_member, reason="spam")
    item = db.session.get(QueueItem, report.queue_item_id)
    moderation.resolve_item(item, moderator, resolution="keep")
    moderation.close_item(item, moderator, "keep")
    db.session.commit()
    assert _kinds(other_member) == ["report_outcome"]


def test_refused_reply_leaves_no_notification(member, other_member):
    topic = _topic(member)

    def refuse():
        raise InvalidAction("Rate limit")

    with pytest.raises(InvalidAction):
        boards.create_reply(topic, other_member, body="Hello", before_write=refuse)
    db.session.rollback()
    assert _kinds(member) == []


def test_reading_marks_a_group_read_and_only_ones_own(member, other_member):
    topic = _topic(member)
    boards.create_reply(topic, other_member, body="One")
    boards.create_reply(topic, other_member, body="Two")
    [group] = services.notifications_for(member).new
    with pytest.raises(NotAllowed):
        services.get_notification(group.first.id, other_member)
    services.mark_read(services.get_notification(group.first.id, member), member)
    assert services.unread_count(member) == 0
    assert len(services.notifications_for(member).earlier) == 2
    boards.create_reply(topic, other_member, body="Three")
    assert services.mark_all_read(member) == 1 and services.unread_count(member) == 0


def topic_first_post(topic) -> Post:
    return db.session.scalar(select(Post).where(Post.topic_id == topic.id).order_by(Post.id))


def test_opening_a_message_reads_its_notifications(member, moderator):
    topic = _topic(member)
    item = moderation.enqueue(topic_first_post(topic), ItemKind.REPORT)
    db.session.commit()
    first = actions.message_author(item, moderator, subject="Checking in", body="How are you?")
    actions.message_author(item, moderator, subject="Second", body="Still here.")
    conversations.open_message(first, member)
    assert services.unread_count(member) == 1
    actions.mark_read(member)
    assert services.unread_count(member) == 0


def test_replying_in_a_muted_topic_keeps_it_muted(member, other_member):
    topic = _topic(member)
    services.set_watch(topic, other_member, "muted")
    boards.create_reply(topic, other_member, body="Just passing by.")
    boards.create_reply(topic, member, body="Thanks @meadow")
    assert services.watch_level(topic.id, other_member) == "muted"
    assert _kinds(other_member) == []


def test_an_edit_tells_newly_mentioned_members_only(member, other_member):
    third, late_watcher = make_user("third"), make_user("late_watcher")
    topic = _topic(member)
    reply = boards.create_reply(topic, other_member, body="Hello @river")
    services.set_watch(topic, late_watcher, "watching")
    boards.edit_post(reply, other_member, body="Hello @river and @third")
    boards.edit_post(reply, other_member, body="Hello @river and @third, again")
    assert _kinds(third) == ["mention"]
    assert _kinds(member) == ["mention"]
    # Watching since the reply was written: an edit is not a new reply.
    assert _kinds(late_watcher) == []


def test_a_muted_member_never_notifies_except_anonymously(member, other_member):
    topic = _topic(member)
    mutes.mute_member(member, other_member)
    boards.create_reply(topic, other_member, body="Named reply, @river")
    assert _kinds(member) == []
    # An anonymous post is told all the same: silence would name its author.
    boards.create_reply(topic, other_member, body="Anonymous reply", anonymous=True)
    assert _kinds(member) == ["reply"]


def test_muting_a_member_never_tells_who_reacted(member, other_member):
    topic = _topic(member)
    mutes.mute_member(member, other_member)
    # Reactions never name who gave them; staying silent for a muted member would.
    boards.react(topic_first_post(topic), other_member, "metoo")
    assert _kinds(member) == ["reaction"]


def test_a_reply_tells_every_watcher_in_one_insert(member, other_member):
    # One INSERT per watcher made a reply's cost grow with its topic's audience (23 statements on a busy topic).
    topic = _topic(member)
    watchers = [make_user() for _ in range(5)]
    for watcher in watchers:
        boards.create_reply(topic, watcher, body="Me too, most nights.")
    inserts: list[str] = []

    def record(_conn, _cursor, statement, *_rest):
        if statement.lstrip().upper().startswith("INSERT INTO NOTIFICATION"):
            inserts.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        boards.create_reply(topic, other_member, body="Thank you all, this helps.")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(inserts) == 1
    told = set(db.session.scalars(select(Notification.user_id).where(Notification.post_id == topic.last_post_id)))
    assert told == {member.id, *(watcher.id for watcher in watchers)}
    assert all(kind == "reply" for kind in _kinds(watchers[0])[-1:])

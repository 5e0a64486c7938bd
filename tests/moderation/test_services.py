from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.boards.models import PostStatus
from forum.crisis.models import AlertOutbox
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation import actions, oncall, reports, rota, services
from forum.moderation.models import ItemKind, ModerationAction, ModeratorMessage, QueueItem, Report
from forum.permissions import Role
from tests.factories import make_board, make_post, make_topic, make_user

pytestmark = pytest.mark.usefixtures("app")


def _item(post, kind=ItemKind.REPORT, **fields):
    item = services.enqueue(post, kind)
    for key, value in fields.items():
        setattr(item, key, value)
    db.session.commit()
    return item


def _actions(name):
    return db.session.scalars(select(ModerationAction).where(ModerationAction.action == name)).all()


# Reports ------------------------------------------------------------------------------------


def test_report_enqueues_one_item_for_several_reports(member, other_member):
    post = make_post()
    first = reports.report_post(post, member, reason="harassment", note="rude")
    second = reports.report_post(post, other_member, reason="spam")
    assert first.queue_item_id == second.queue_item_id
    item = db.session.get(QueueItem, first.queue_item_id)
    assert item.kind == ItemKind.REPORT
    assert len(services.item_reports(item)) == 2


def test_member_reports_a_post_once(member):
    post = make_post()
    reports.report_post(post, member, reason="spam")
    with pytest.raises(InvalidAction, match="already reported"):
        reports.report_post(post, member, reason="other")


def test_member_cannot_report_own_post(member):
    post = make_post(author=member)
    with pytest.raises(NotAllowed):
        reports.report_post(post, member, reason="spam")


def test_suspended_member_cannot_report_and_is_told_until_when(member):
    member.suspended_until = utcnow() + timedelta(days=2)
    member.restriction_reason = "cooling off"
    with pytest.raises(InvalidAction, match="suspended until .*cooling off"):
        reports.report_post(make_post(), member, reason="spam")


def test_worried_reports_are_rate_limited_per_reporter(member):
    now = utcnow()
    for _ in range(reports.WORRIED_REPORTS_PER_DAY):
        reports.report_post(make_post(), member, reason="worried", now=now)
    with pytest.raises(InvalidAction, match="several"):
        reports.report_post(make_post(), member, reason="worried", now=now)
    # Other reasons, and the next day, are not limited.
    reports.report_post(make_post(), member, reason="spam", now=now)
    reports.report_post(make_post(), member, reason="worried", now=now + timedelta(days=1, minutes=1))


def test_worried_report_sends_nothing_to_the_reported_member(member):
    post = make_post()
    reports.report_post(post, member, reason="worried")
    assert db.session.scalars(select(ModeratorMessage)).all() == []


def test_reporter_sees_report_reviewed_after_resolution(member, moderator):
    report = reports.report_post(make_post(), member, reason="spam")
    assert reports.reports_by(member)[0].reviewed_at is None
    services.resolve_item(db.session.get(QueueItem, report.queue_item_id), moderator, resolution="keep")
    assert reports.reports_by(member)[0].reviewed_at is not None
    assert reports.reports_by(member)[0].outcome == "keep"


# Claims -------------------------------------------------------------------------------------


def test_claimed_item_blocks_other_moderators_until_lapsed(app, moderator, admin):
    item = _item(make_post())
    now = utcnow()
    services.claim_item(item, moderator, now=now)
    with pytest.raises(InvalidAction, match="sage_mod is working"):
        services.claim_item(item, admin, now=now)
    with pytest.raises(InvalidAction):
        services.resolve_item(item, admin, resolution="keep", now=now)
    lapsed = now + timedelta(minutes=services.CLAIM_MINUTES + 1)
    assert services.current_holder(item, lapsed) is None
    services.claim_item(item, admin, now=lapsed)
    assert item.claimed_by == admin


def test_claim_minutes_come_from_config(app, moderator):
    app.config["MODERATION_CLAIM_MINUTES"] = 2
    item = _item(make_post())
    now = utcnow()
    services.claim_item(item, moderator, now=now)
    assert services.current_holder(item, now + timedelta(minutes=1)) == moderator
    assert services.current_holder(item, now + timedelta(minutes=3)) is None


def test_release_frees_the_item(moderator, admin):
    item = _item(make_post())
    services.claim_item(item, moderator)
    services.release_item(item, moderator)
    assert services.current_holder(item) is None
    services.claim_item(item, admin)
    assert [a.action for a in services.item_history(item)] == ["claim", "release", "claim"]


# Resolving and actions ----------------------------------------------------------------------


def test_approve_held_post_publishes_it(moderator):
    post = make_post(status=PostStatus.HELD)
    item = _item(post, ItemKind.HELD)
    services.resolve_item(item, moderator, resolution="approve", note="fine")
    assert post.status == PostStatus.VISIBLE and not item.is_open
    assert _actions("approve")[0].note == "fine"


def test_no_one_approves_their_own_held_post(moderator):
    post = make_post(author=moderator, status=PostStatus.HELD)
    with pytest.raises(NotAllowed):
        services.resolve_item(_item(post, ItemKind.HELD), moderator, resolution="approve")


def test_hide_post_needs_note_and_tells_author_the_guideline(moderator):
    post = make_post()
    item = _item(post)
    with pytest.raises(InvalidAction):
        actions.hide_post(item, moderator, guideline="spam", note=" ")
    actions.hide_post(item, moderator, guideline="spam", note="Advert for a clinic")
    assert post.status == PostStatus.HIDDEN
    assert "No spam" in post.moderator_note and "Advert" in post.moderator_note
    # The item stays open until the moderator resolves it.
    assert item.is_open and _actions("hide_post")[0].queue_item_id == item.id
    services.resolve_item(item, moderator, resolution="resolve", note="done")
    assert not item.is_open and post.status == PostStatus.HIDDEN


def test_lock_and_unlock_topic(moderator):
    item = _item(make_post())
    actions.set_topic_lock(item, moderator, locked=True)
    assert item.post.topic.is_locked
    with pytest.raises(InvalidAction):
        actions.set_topic_lock(item, moderator, locked=True)
    actions.set_topic_lock(item, moderator, locked=False)
    assert not item.post.topic.is_locked
    assert len(_actions("lock_topic")) == len(_actions("unlock_topic")) == 1


def test_move_topic_recounts_both_boards(moderator):
    old, new = make_board(), make_board()
    topic = make_topic(old)
    item = _item(topic_first_post(topic))
    actions.move_topic(item, moderator, board=new, note="belongs there")
    assert topic.board == new
    assert (old.topic_count, new.topic_count) == (0, 1)
    assert _actions("move_topic")


def topic_first_post(topic):
    from forum.boards.models import Post

    return db.session.scalar(select(Post).where(Post.topic_id == topic.id))


def test_message_anonymous_author_reaches_account_without_revealing(moderator, member):
    post = make_post(author=member, anonymous=True)
    item = _item(post)
    message = actions.message_author(item, moderator, subject="Hi", body="Checking in", crisis_lines=True)
    assert message.recipient == member and message.include_crisis_lines
    assert actions.unread_count(member) == 1
    actions.mark_read(member)
    assert actions.unread_count(member) == 0
    assert not _actions("reveal_author")


def test_warn_writes_message_and_log(moderator, member):
    item = _item(make_post(author=member))
    with pytest.raises(InvalidAction):
        actions.warn_member(item, moderator, note="")
    actions.warn_member(item, moderator, note="Please be kinder")
    assert actions.messages_for(member)[0].kind == "warning"
    assert _actions("warn")[0].target_user == member


def test_suspend_sets_until_and_reason(moderator, member):
    item = _item(make_post(author=member))
    now = utcnow()
    actions.suspend_member(item, moderator, days=3, note="Repeated attacks", now=now)
    assert member.suspended_until == now + timedelta(days=3)
    assert member.restriction_reason == "Repeated attacks" and member.is_restricted
    assert "suspended until" in services.restriction_message(member)


def test_ban_closes_account(moderator, member):
    item = _item(make_post(author=member))
    actions.ban_member(item, moderator, note="Selling pills")
    assert member.is_banned and _actions("ban")


def test_moderator_cannot_restrict_another_moderator(moderator):
    other = make_user("other_mod", role=Role.MODERATOR)
    with pytest.raises(NotAllowed):
        actions.suspend_member(_item(make_post(author=other)), moderator, days=1, note="x")


def test_escalate_marks_item_and_admins_see_it_first(moderator):
    older = _item(make_post())
    newer = _item(make_post())
    actions.escalate_item(newer, moderator, note="Legal threat")
    assert newer.escalated_at is not None
    assert services.open_items(escalated_first=True)[0] == newer
    assert services.open_items()[0] == older


def test_reveal_needs_reason_is_logged_and_member_told(moderator, member):
    item = _item(make_post(author=member, anonymous=True))
    with pytest.raises(InvalidAction):
        actions.reveal_author(item, moderator, reason="")
    assert actions.reveal_author(item, moderator, reason="Credible threat to self") == member.pseudonym
    assert _actions("reveal_author")[0].note == "Credible threat to self"
    told = actions.messages_for(member)[0]
    assert told.kind == "reveal" and "Credible threat" in told.body


def test_reveal_refused_for_named_post(moderator):
    with pytest.raises(InvalidAction):
        actions.reveal_author(_item(make_post()), moderator, reason="why")


# History, dashboard, counts -----------------------------------------------------------------


def test_anonymous_history_shows_only_anonymous_posts(moderator, member):
    named = make_post(author=member, body="named")
    _item(named)
    actions.warn_member(services.open_item_for(named), moderator, note="named warning")
    anon_old = make_post(author=member, anonymous=True)
    anon = make_post(author=member, anonymous=True)
    history = services.author_history(anon)
    assert history.posts == [anon_old]
    assert history.actions == [] and history.items == []
    named_history = services.author_history(make_post(author=member))
    assert named in named_history.posts and anon not in named_history.posts
    assert [a.action for a in named_history.actions] == ["warn"]


def test_queue_order_urgent_concern_report_held_then_oldest(moderator):
    held = _item(make_post(), ItemKind.HELD)
    report = _item(make_post(), ItemKind.REPORT)
    concern = _item(make_post(), ItemKind.CONCERN_CRISIS)
    urgent = _item(make_post(), ItemKind.URGENT_CRISIS)
    report2 = _item(make_post(), ItemKind.REPORT)
    assert services.open_items() == [urgent, concern, report, report2, held]


def test_queue_stats_counts_oldest_and_median(moderator):
    now = utcnow()
    _item(make_post(), ItemKind.REPORT, created_at=now - timedelta(hours=2))
    _item(make_post(), ItemKind.HELD, created_at=now - timedelta(minutes=5))
    for minutes in (10, 20, 60):
        item = _item(make_post(), created_at=now - timedelta(hours=3))
        item.resolved_at = item.created_at + timedelta(minutes=minutes)
    stale = _item(make_post(), created_at=now - timedelta(days=10))
    stale.resolved_at = now - timedelta(days=9)
    db.session.commit()
    stats = services.queue_stats(now)
    assert stats.open_by_kind[ItemKind.REPORT] == 1 and stats.open_by_kind[ItemKind.HELD] == 1
    assert stats.open_by_kind[ItemKind.URGENT_CRISIS] == 0
    assert stats.oldest_wait == timedelta(hours=2)
    assert stats.median_resolve == timedelta(minutes=20)


def test_open_counts_for_the_header():
    _item(make_post(), ItemKind.URGENT_CRISIS)
    _item(make_post(), ItemKind.HELD)
    assert services.open_counts() == (2, 1)


def test_audit_log_filters(moderator, admin, member):
    item = _item(make_post(author=member))
    actions.warn_member(item, moderator, note="w")
    actions.escalate_item(item, admin, note="e")
    assert [e.action for e in services.audit_log(action="warn")] == ["warn"]
    assert {e.action for e in services.audit_log(moderator="OAK_ADMIN")} == {"escalate"}
    assert {e.action for e in services.audit_log(member=member.pseudonym)} == {"warn", "escalate"}
    assert services.audit_log(since=utcnow() + timedelta(days=1)) == []


def test_audit_log_has_no_update_or_delete_service():
    public = [name for name in dir(services) + dir(actions) if not name.startswith("_")]
    assert not [n for n in public if n.startswith(("update_", "delete_", "edit_action", "remove_"))]


# On call ------------------------------------------------------------------------------------


@pytest.fixture
def mail(app):
    app.config.update(SMTP_HOST="127.0.0.1", ALERT_EMAIL_TO=["team@example.org"])


def _recipients():
    return [row.recipients for row in db.session.scalars(select(AlertOutbox).order_by(AlertOutbox.id))]


def test_on_call_needs_alert_email_and_members_cannot(moderator, member):
    with pytest.raises(InvalidAction):
        oncall.set_on_call(moderator, hours=4)
    with pytest.raises(NotAllowed):
        oncall.set_alert_email(member, "m@example.org")
    oncall.set_alert_email(moderator, "sage@example.org")
    oncall.set_on_call(moderator, hours=4)
    assert rota.on_call_emails() == ["sage@example.org"]
    assert "sage@example.org" not in (_actions("alert_email")[0].note or "")


def test_urgent_item_alerts_on_call_at_once(mail, moderator, admin):
    oncall.set_alert_email(moderator, "sage@example.org")
    oncall.set_on_call(moderator, hours=1)
    oncall.set_alert_email(admin, "oak@example.org")
    _item(make_post(), ItemKind.URGENT_CRISIS)
    assert _recipients() == ["sage@example.org"]


def test_unclaimed_urgent_item_goes_to_everyone_once(mail, moderator, admin):
    oncall.set_alert_email(moderator, "sage@example.org")
    oncall.set_alert_email(admin, "oak@example.org")
    now = utcnow()
    item = _item(make_post(), ItemKind.URGENT_CRISIS, created_at=now)
    assert oncall.escalate_unclaimed(now + timedelta(minutes=5)) == 0
    assert oncall.escalate_unclaimed(now + timedelta(minutes=11)) == 1
    assert set(_recipients()[-1].split(",")) == {"sage@example.org", "oak@example.org", "team@example.org"}
    assert item.broadcast_at is not None
    assert oncall.escalate_unclaimed(now + timedelta(minutes=30)) == 0


def test_escalation_counts_from_when_the_item_became_urgent(mail, moderator, admin):
    oncall.set_alert_email(admin, "oak@example.org")
    post = make_post()
    earlier = utcnow() - timedelta(hours=3)
    item = _item(post, ItemKind.REPORT, created_at=earlier)
    assert item.urgent_at is None
    services.enqueue(post, ItemKind.URGENT_CRISIS)
    db.session.commit()
    raised = item.urgent_at
    assert raised is not None and raised > earlier
    # Three hours after the first report, but only just urgent: not yet escalated.
    assert oncall.escalate_unclaimed(raised + timedelta(minutes=5)) == 0
    assert oncall.escalate_unclaimed(raised + timedelta(minutes=11)) == 1
    # Raising an item that is already urgent keeps the time it first became so.
    services.enqueue(post, ItemKind.URGENT_CRISIS)
    assert item.urgent_at == raised


def test_claimed_urgent_item_is_not_broadcast(mail, moderator):
    now = utcnow()
    item = _item(make_post(), ItemKind.URGENT_CRISIS, created_at=now)
    services.claim_item(item, moderator, now=now + timedelta(minutes=9))
    assert oncall.escalate_unclaimed(now + timedelta(minutes=11)) == 0


def test_report_model_has_unique_post_reporter(member):
    post = make_post()
    db.session.add_all(
        [Report(post=post, reporter=member, reason="spam"), Report(post=post, reporter=member, reason="spam")]
    )
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_audit_log_member_filter_skips_anonymous_posts(moderator, admin, member):
    named = _item(make_post(author=member, body="named"))
    actions.warn_member(named, admin, note="named warning")
    anonymous = _item(make_post(author=member, anonymous=True))
    actions.hide_post(anonymous, moderator, guideline="kindness", note="anonymous hide")
    actions.reveal_author(_item(make_post(author=member, anonymous=True)), moderator, reason="Threat")
    services.log_action(admin, "note_on_account", target=member, note="account-wide")
    db.session.commit()
    found = {e.note for e in services.audit_log(member=member.pseudonym)}
    assert found == {"named warning", "account-wide"}
    # The rows are still in the log, under the anonymous handle.
    assert {"kindness: anonymous hide", "Threat"} <= {e.note for e in services.audit_log()}


def test_reveal_refused_on_closed_item_and_unlogged(moderator, member):
    item = _item(make_post(author=member, anonymous=True))
    services.resolve_item(item, moderator, resolution="keep")
    with pytest.raises(InvalidAction):
        actions.reveal_author(item, moderator, reason="After the fact")
    assert not _actions("reveal_author") and actions.messages_for(member) == []


@pytest.mark.parametrize("act", ["warn", "suspend", "ban"])
def test_moderator_action_on_anonymous_post_goes_to_an_admin_whoever_wrote_it(moderator, admin, member, act):
    other_mod = make_user("other_mod", role=Role.MODERATOR)
    call = {
        "warn": lambda item, by: actions.warn_member(item, by, note="Please stop"),
        "suspend": lambda item, by: actions.suspend_member(item, by, days=2, note="Please stop"),
        "ban": lambda item, by: actions.ban_member(item, by, note="Please stop"),
    }[act]
    outcomes = []
    for author in (member, other_mod, admin):
        item = _item(make_post(author=author, anonymous=True))
        entry = call(item, moderator)
        outcomes.append((entry.action, actions.member_action_message(entry), item.escalated_at is not None))
        assert not author.is_restricted and actions.messages_for(author) == []
    assert outcomes == [(f"request_{act}", actions.REQUESTED_MESSAGE, True)] * 3
    # An admin then applies it to a member or a moderator.
    call(_item(make_post(author=other_mod, anonymous=True)), admin)
    assert _actions(act) and _actions(act)[0].target_user == other_mod


def test_admin_restricts_anonymous_authors_directly(admin, member):
    entry = actions.warn_member(_item(make_post(author=member, anonymous=True)), admin, note="Be kind")
    assert entry.action == "warn" and actions.member_action_message(entry) == actions.DONE_MESSAGE
    assert actions.messages_for(member)[0].kind == "warning"

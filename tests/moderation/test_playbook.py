"""The crisis playbook: reach out, decide visibility (never preselected), record the outcome, check
back later; every step in the audit log and the item's timeline."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.boards import services as boards
from forum.boards.models import PostStatus
from forum.crisis.models import AlertOutbox, CrisisFlag, Hotline
from forum.errors import InvalidAction, NotAllowed
from forum.extensions import db
from forum.moderation import oncall, playbook, services
from forum.moderation.models import CARE_NOTE, ItemKind, ModerationAction
from tests.crisis.test_services import CONCERN_TEXT, URGENT_TEXT
from tests.factories import make_topic


@pytest.fixture
def urgent(app, member):
    post = boards.create_reply(make_topic(), member, body=URGENT_TEXT)
    item = services.open_item_for(post)
    assert item.kind == ItemKind.URGENT_CRISIS and post.status == PostStatus.HELD
    return item


def _logged(item):
    return [
        a.action for a in db.session.scalars(select(ModerationAction).where(ModerationAction.queue_item_id == item.id))
    ]


def test_visibility_must_be_chosen(urgent, moderator):
    for choice in (None, "", "approve"):
        with pytest.raises(InvalidAction, match="Choose what happens"):
            playbook.decide_visibility(urgent, moderator, choice=choice)
    assert urgent.post.status == PostStatus.HELD and urgent.is_open


def test_keep_hidden_while_reaching_out_leaves_the_item_open(app, moderator, member):
    post = boards.create_reply(make_topic(), member, body=CONCERN_TEXT)
    item = services.open_item_for(post)
    assert post.status == PostStatus.VISIBLE
    playbook.decide_visibility(item, moderator, choice="hold", note="reaching out first")
    assert post.status == PostStatus.HIDDEN and post.moderator_note == CARE_NOTE and item.is_open
    playbook.decide_visibility(item, moderator, choice="publish_note")
    assert post.status == PostStatus.VISIBLE and post.moderator_note is None and item.is_open
    assert _logged(item)[-2:] == ["visibility_hold", "visibility_publish_note"]


def test_not_a_crisis_publishes_records_a_false_alarm_and_closes(urgent, moderator):
    playbook.decide_visibility(urgent, moderator, choice="not_crisis", note="song lyrics")
    assert urgent.post.status == PostStatus.VISIBLE and not urgent.is_open
    assert db.session.scalar(select(CrisisFlag.feedback).where(CrisisFlag.post_id == urgent.post_id)) == "false_alarm"


def test_outcomes_are_recorded_and_done_closes(urgent, moderator):
    with pytest.raises(InvalidAction, match="Choose what happened"):
        playbook.record_outcome(urgent, moderator, outcome=None)
    playbook.record_outcome(urgent, moderator, outcome="no_answer", note="messaged at 21:10")
    assert urgent.is_open
    playbook.record_outcome(urgent, moderator, outcome="contacted_help", note="called 988", done=True)
    assert not urgent.is_open and urgent.resolution == "outcome_contacted_help"
    assert _logged(urgent) == ["outcome_no_answer", "outcome_contacted_help"]


def test_nobody_works_their_own_crisis_item(app, moderator):
    post = boards.create_reply(make_topic(), moderator, body=URGENT_TEXT)
    with pytest.raises(NotAllowed):
        playbook.decide_visibility(services.open_item_for(post), moderator, choice="safe")


def test_a_follow_up_reopens_the_item_and_alerts_whoever_set_it(urgent, moderator, app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=2525)
    oncall.set_alert_email(moderator, "sage@example.org")
    playbook.record_outcome(urgent, moderator, outcome="safe", note="says they are with family", done=True)
    now = utcnow()
    with pytest.raises(InvalidAction):
        playbook.schedule_follow_up(urgent, moderator, hours=0)
    playbook.schedule_follow_up(urgent, moderator, hours=4, note="check how the night went", now=now)
    db.session.query(AlertOutbox).delete()
    db.session.commit()
    oncall.escalate_unclaimed(now + timedelta(hours=3))
    assert not urgent.is_open
    oncall.escalate_unclaimed(now + timedelta(hours=4, minutes=1))
    assert urgent.is_open and urgent.follow_up_at is None
    alert = db.session.scalar(select(AlertOutbox))
    assert alert.recipients == "sage@example.org" and f"/moderation/items/{urgent.id}" in alert.body
    # Once: the next sweep sends nothing more (escalation to everyone counts from the reopening).
    oncall.escalate_unclaimed(now + timedelta(hours=4, minutes=8))
    assert db.session.scalar(select(AlertOutbox).where(AlertOutbox.id != alert.id)) is None
    events = [what for _, what in playbook.timeline(urgent)]
    assert events[0].startswith("Flagged urgent")
    assert any("outcome safe" in e for e in events) and any("follow up due" in e for e in events)


def test_the_playbook_page_leads_with_three_steps_and_no_preselected_choice(client, login, urgent, moderator):
    login(moderator)
    page = client.get(f"/moderation/items/{urgent.id}").text
    playbook_part = page.split('id="playbook-heading"')[1].split("</section>")[0]
    assert (
        playbook_part.index("Reach out")
        < playbook_part.index("Decide what happens")
        < playbook_part.index("Record what happened")
    )
    assert "Checking in with you" in playbook_part and "how are you doing right now?" in playbook_part
    visibility = playbook_part.split("/visibility")[1].split("</form>")[0]
    assert visibility.count('type="radio"') == 4 and "checked" not in visibility
    assert "Approve and publish" not in page.split('<details class="more-actions">')[0]
    response = client.post(f"/moderation/items/{urgent.id}/visibility", data={"note": "x"})
    assert response.status_code == 400 and "Choose what happens to the post." in response.text
    assert urgent.post.status == PostStatus.HELD


def test_moderators_see_their_crisis_work_and_a_break_is_suggested(client, login, app, moderator, admin, member):
    app.config["BREAK_AFTER_URGENT_ITEMS"] = 2
    topic = make_topic()
    for text in (URGENT_TEXT, URGENT_TEXT + " sorry everyone"):
        item = services.open_item_for(boards.create_reply(topic, member, body=text))
        playbook.record_outcome(item, moderator, outcome="reached", done=True)
    since = utcnow() - timedelta(days=7)
    assert playbook.crisis_items_handled(since, moderator) == {moderator.id: 2}
    assert playbook.urgent_items_this_shift(moderator) == 2
    login(moderator)
    page = client.get("/moderation/").text.replace("&#39;", "'")
    assert "You've worked 2 crisis items in the last 7 days" in page
    assert "it's OK to take a break" in page
    assert "Crisis items worked by each moderator" not in page
    client.post("/logout")
    login(admin)
    page = client.get("/moderation/").text
    assert "Crisis items worked by each moderator" in page and f"{moderator.pseudonym}: 2" in page


def test_hand_off_releases_with_a_note_and_alerts_the_next_on_call(urgent, app, moderator, admin):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=2525)
    for person, email in ((moderator, "sage@example.org"), (admin, "oak@example.org")):
        oncall.set_alert_email(person, email)
        oncall.set_on_call(person, hours=4)
    services.claim_item(urgent, moderator)
    db.session.query(AlertOutbox).delete()
    with pytest.raises(InvalidAction, match="leave a note"):
        playbook.hand_off(urgent, moderator, note=" ")
    assert playbook.hand_off(urgent, moderator, note="messaged at 21:10, no answer yet") == ["oak@example.org"]
    assert services.current_holder(urgent) is None
    alert = db.session.scalar(select(AlertOutbox))
    assert alert.recipients == "oak@example.org" and f"/moderation/items/{urgent.id}" in alert.body
    assert "hand_off" in _logged(urgent)
    assert any("hand off (messaged at 21:10" in what for _, what in playbook.timeline(urgent))


def test_moderators_read_the_log_of_items_and_members_but_not_admin_records(client, login, urgent, moderator, admin):
    from forum.crisis.services import save_hotline, seed_hotlines

    playbook.record_outcome(urgent, moderator, outcome="no_answer", note="tried at 21:10")
    seed_hotlines()
    line = db.session.scalar(select(Hotline).limit(1))
    save_hotline(line, admin, region=line.region, name=line.name, phone=line.phone, sms_number="", url="")
    login(moderator)
    page = client.get("/moderation/log").text
    assert "outcome_no_answer" in page and "tried at 21:10" in page
    assert "save_hotline" not in page
    assert 'href="/moderation/log"' in client.get("/moderation/").text
    client.post("/logout")
    login(admin)
    assert "save_hotline" in client.get("/moderation/log").text


def test_follow_up_and_hand_off_alerts_reach_a_real_smtp_server(urgent, app, moderator, admin):
    from forum.crisis import alerts
    from tests.crisis.test_alerts import Inbox, _free_port, _start_smtp

    port = _free_port()
    inbox = Inbox()
    server = _start_smtp(inbox, port)
    try:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, ALERT_EMAIL_TO=[])
        oncall.set_alert_email(moderator, "sage@example.org")
        oncall.set_alert_email(admin, "oak@example.org")
        oncall.set_on_call(admin, hours=4)
        db.session.query(AlertOutbox).delete()
        db.session.commit()
        services.claim_item(urgent, moderator)
        playbook.hand_off(urgent, moderator, note="over to you")
        now = utcnow()
        playbook.schedule_follow_up(urgent, moderator, hours=2, now=now)
        oncall.escalate_unclaimed(now + timedelta(hours=2, minutes=1))
        # The hand-off (to oak, on call), the escalation of the unclaimed urgent item (to everyone) and
        # the follow-up (to sage, who set it).
        assert alerts.deliver_due(now=now + timedelta(hours=3)) == 3
    finally:
        server.stop()
    recipients = [sorted(rcpts) for rcpts, _ in inbox.messages]
    assert sorted(recipients) == [["oak@example.org"], ["oak@example.org", "sage@example.org"], ["sage@example.org"]]
    assert all(f"/moderation/items/{urgent.id}" in body for _, body in inbox.messages)

"""The member's crisis journey beyond the panel: care when a post stays hidden, guidance for peers,
worried reports as crisis items, and a run of concern-level posts raised to urgent."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.accounts.models import utcnow
from forum.boards import services as boards
from forum.boards.models import PostStatus
from forum.crisis import services
from forum.crisis.models import AlertOutbox, CrisisFlag
from forum.extensions import db
from forum.moderation import actions, reports
from forum.moderation.models import CARE_NOTE, ItemKind, ModerationAction, ModeratorMessage, QueueItem
from tests.crisis.test_services import CONCERN_TEXT, SAFE_TEXT, URGENT_TEXT
from tests.factories import make_post, make_topic

CONCERN_TEXTS = (
    CONCERN_TEXT,
    "some days i wish i could just disappear and never wake up. no plan, just tired of it all",
    "i keep thinking everyone would be better off without me. i won't do anything, it's just loud today",
)


@pytest.fixture
def alerting(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=2525, ALERT_EMAIL_TO=["mods@example.org"])
    return app


def _open_item(post):
    return db.session.scalar(select(QueueItem).where(QueueItem.post_id == post.id, QueueItem.resolved_at.is_(None)))


# Care, not rules -------------------------------------------------------------------------------


def test_a_crisis_post_kept_hidden_tells_its_author_care_and_sends_the_lines(app, member, moderator):
    topic = make_topic()
    post = boards.create_reply(topic, member, body=URGENT_TEXT)
    item = _open_item(post)
    assert item.kind == ItemKind.URGENT_CRISIS
    # The crisis form sends "care"; even a guideline sent by hand is never shown to the author.
    actions.hide_post(item, moderator, guideline="graphic", note="reaching out by message")
    assert post.status == PostStatus.HIDDEN and post.moderator_note == CARE_NOTE
    message = db.session.scalar(select(ModeratorMessage).where(ModeratorMessage.recipient_id == member.id))
    assert message.kind == "care" and message.include_crisis_lines
    for rebuke in ("guideline", "graphic", "break", "rule"):
        assert rebuke not in (post.moderator_note + message.subject + message.body).lower()
    logged = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "hide_post"))
    assert logged.note == "care: reaching out by message"


def test_the_author_reads_the_care_note_on_the_page_not_a_rebuke(client, login, member, moderator):
    topic = make_topic()
    post = boards.create_reply(topic, member, body=URGENT_TEXT)
    actions.hide_post(_open_item(post), moderator, guideline="care", note="held while we reach out")
    login(member)
    page = client.get(f"/boards/{topic.board.slug}/topics/{topic.id}").text
    assert "A moderator has read your post and wants to make sure you have support" in page.replace("&#39;", "'")
    assert "Only you can see this for now" in page
    assert "A moderator hid this post" not in page and "Hidden by a moderator" not in page


def test_the_crisis_item_page_offers_care_instead_of_a_guideline(client, login, member, moderator):
    post = boards.create_reply(make_topic(), member, body=URGENT_TEXT)
    login(moderator)
    page = client.get(f"/moderation/items/{_open_item(post).id}").text
    hide_form = page.split("/hide")[1].split("</form>")[0]
    assert "Keep hidden with care" in hide_form and 'value="care"' in hide_form
    assert "<select" not in hide_form and "Note for the log" in hide_form


def test_an_ordinary_report_still_cites_the_guideline(app, member, other_member, moderator):
    post = make_post(author=member)
    reports.report_post(post, other_member, reason="spam")
    actions.hide_post(_open_item(post), moderator, guideline="spam", note="Advert")
    assert post.moderator_note.startswith("No spam")
    assert db.session.scalar(select(ModeratorMessage)) is None


# Peers know how to help ---------------------------------------------------------------------------


def test_readers_of_a_flagged_visible_post_see_how_to_reply(client, login, member, other_member, moderator):
    topic = make_topic()
    boards.create_reply(topic, member, body=CONCERN_TEXT)
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    login(other_member)
    page = client.get(url).text
    assert page.count('class="peer-guidance"') == 1
    assert "don't argue or share methods" in page.replace("&#39;", "'").split('id="reply"')[0]
    assert "Replying to someone who's struggling?" in page.replace("&#39;", "'").split('id="reply"')[1]
    client.post("/logout")
    # The author is not told they are "someone who may be struggling" under their own post.
    login(member)
    assert 'class="peer-guidance"' not in client.get(url).text


def test_no_peer_note_for_safe_posts_or_false_alarms(client, login, member, other_member, moderator):
    topic = make_topic()
    boards.create_reply(topic, member, body=SAFE_TEXT)
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    login(other_member)
    assert 'class="peer-guidance"' not in client.get(url).text
    post = boards.create_reply(topic, member, body=CONCERN_TEXT)
    assert 'class="peer-guidance"' in client.get(url).text
    services.record_feedback(services.latest_flag(post), moderator, "false_alarm")
    page = client.get(url).text
    assert 'class="peer-guidance"' not in page and "Replying to someone who's struggling?" not in page


def test_the_peer_note_costs_no_extra_query(client, login, member, other_member, count_queries):
    topic = make_topic()
    boards.create_reply(topic, member, body=SAFE_TEXT)
    url = f"/boards/{topic.board.slug}/topics/{topic.id}"
    login(other_member)
    client.get(url)
    with count_queries() as plain:
        client.get(url)
    boards.create_reply(topic, member, body=CONCERN_TEXT)
    client.get(url)
    with count_queries() as flagged:
        assert 'class="peer-guidance"' in client.get(url).text
    assert flagged.count == plain.count


# Worry reaches people --------------------------------------------------------------------------------


def test_a_worried_report_becomes_a_concern_crisis_item_and_alerts(alerting, member, other_member):
    post = make_post(author=member)
    reports.report_post(post, other_member, reason="worried", note="they said goodbye in another thread")
    item = _open_item(post)
    assert item.kind == ItemKind.CONCERN_CRISIS
    alert = db.session.scalar(select(AlertOutbox))
    assert "worried" in alert.subject and f"/moderation/items/{item.id}" in alert.body
    assert member.pseudonym not in alert.body and other_member.pseudonym not in alert.body
    assert "goodbye" not in alert.body


def test_a_worried_report_never_lowers_an_urgent_item(alerting, member, other_member):
    post = boards.create_reply(make_topic(), member, body=URGENT_TEXT)
    reports.report_post(post, other_member, reason="worried")
    assert _open_item(post).kind == ItemKind.URGENT_CRISIS


def test_the_reporter_sees_what_they_can_do_now(client, login, member, other_member):
    from forum.crisis.services import seed_hotlines

    seed_hotlines()
    post = make_post(author=member)
    login(other_member)
    response = client.post(f"/posts/{post.id}/report", data={"reason": "worried", "note": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/posts/{post.id}/worried")
    page = client.get(response.headers["Location"]).text.replace("&#39;", "'")
    assert "What you can do now" in page and "don't argue or share methods" in page
    assert 'href="tel:988"' in page
    # Any other reason still thanks and goes back to the post.
    other = make_post(author=member)
    response = client.post(f"/posts/{other.id}/report", data={"reason": "spam", "note": ""})
    assert response.headers["Location"].endswith(f"/posts/{other.id}")


# A run of concern-level posts ------------------------------------------------------------------------


def test_the_third_concern_post_in_72_hours_raises_an_urgent_item_listing_the_posts(alerting, member):
    topic = make_topic()
    posts = [boards.create_reply(topic, member, body=text) for text in CONCERN_TEXTS]
    levels = [services.latest_flag(p).level for p in posts]
    assert levels == ["concern"] * 3, levels
    assert [_open_item(p).kind for p in posts] == [ItemKind.CONCERN_CRISIS] * 2 + [ItemKind.URGENT_CRISIS]
    pattern = db.session.scalar(select(ModerationAction).where(ModerationAction.action == "crisis_pattern"))
    assert pattern.queue_item_id == _open_item(posts[2]).id
    assert all(f"#{p.id}" in pattern.note for p in posts)
    assert db.session.scalar(select(AlertOutbox).where(AlertOutbox.subject.ilike("[urgent%"))) is not None


def test_older_flags_and_posts_under_another_name_do_not_count(app, member):
    topic = make_topic()
    first = boards.create_reply(topic, member, body=CONCERN_TEXTS[0])
    old = services.latest_flag(first)
    old.created_at = utcnow() - timedelta(hours=73)
    db.session.commit()
    second = boards.create_reply(topic, member, body=CONCERN_TEXTS[1], anonymous=True)
    third = boards.create_reply(topic, member, body=CONCERN_TEXTS[2])
    assert _open_item(third).kind == ItemKind.CONCERN_CRISIS
    assert services.repeated_concern_posts(third) == [third]
    assert services.repeated_concern_posts(second) == [second]
    app.config["CRISIS_REPEAT_HOURS"] = 100
    assert services.repeated_concern_posts(third) == [first, third]
    assert db.session.scalar(select(CrisisFlag).where(CrisisFlag.level == "urgent")) is None

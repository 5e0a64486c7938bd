"""The crisis flow without HTTP: assess, hold or flag, queue, alert."""

import json

import pytest

from forum.boards import services as boards
from forum.boards.models import PostStatus
from forum.crisis import services
from forum.crisis.hotlines import DEFAULT_HOTLINES
from forum.crisis.models import AlertOutbox, CrisisFlag, Hotline
from forum.errors import InvalidAction
from forum.extensions import db
from forum.moderation.models import ItemKind, QueueItem
from tests.factories import make_board, make_topic

URGENT_TEXT = "i've saved up my pills, tonight's the night. wanted to say goodbye to you all"
CONCERN_TEXT = "honestly i want to die lately. no plan, i just can't shake the thought"
SAFE_TEXT = "I'm not suicidal, just tired. This workout is killing me and I'd kill for a coffee."


@pytest.fixture
def alerting(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=2525, ALERT_EMAIL_TO=["mods@example.org"])
    return app


def test_urgent_post_is_held_queued_and_alerted(alerting, member):
    topic = boards.create_topic(make_board(), member, title="tonight", body=URGENT_TEXT)
    post = db.session.scalar(db.select(QueueItem)).post
    assert post.topic_id == topic.id
    assert post.status == PostStatus.HELD and topic.status == PostStatus.HELD
    flag = db.session.scalar(db.select(CrisisFlag))
    assert flag.level == "urgent" and flag.matches and flag.reason
    item = db.session.scalar(db.select(QueueItem))
    assert item.kind == ItemKind.URGENT_CRISIS
    alert = db.session.scalar(db.select(AlertOutbox))
    assert alert.channel == "email" and alert.recipients == "mods@example.org"
    assert f"/moderation/items/{item.id}" in alert.body
    # Alerts link to the post; they never copy its text or the author's name.
    assert "pills" not in alert.body and member.pseudonym not in alert.body + alert.subject


def test_concern_post_is_published_and_flagged(app, member):
    topic = make_topic()
    post = boards.create_reply(topic, member, body=CONCERN_TEXT)
    assert post.status == PostStatus.VISIBLE
    assert services.latest_flag(post).level == "concern"
    assert db.session.scalar(db.select(QueueItem)).kind == ItemKind.CONCERN_CRISIS


def test_hold_settings_are_respected(app, member):
    app.config.update(CRISIS_HOLD_URGENT=False, CRISIS_HOLD_CONCERN=True)
    topic = make_topic()
    assert boards.create_reply(topic, member, body=URGENT_TEXT).status == PostStatus.VISIBLE
    assert boards.create_reply(topic, member, body=CONCERN_TEXT).status == PostStatus.HELD


def test_safe_post_with_frightening_words_is_not_flagged(app, member):
    post = boards.create_reply(make_topic(), member, body=SAFE_TEXT)
    assert post.status == PostStatus.VISIBLE
    assert services.latest_flag(post) is None
    assert db.session.scalar(db.select(QueueItem)) is None


def test_edit_into_crisis_is_screened_and_text_kept(app, member):
    post = boards.create_reply(make_topic(), member, body="ok day")
    boards.edit_post(post, member, body=URGENT_TEXT)
    assert post.body == URGENT_TEXT
    assert services.latest_flag(post).level == "urgent"
    assert post.status == PostStatus.HELD


def test_several_flags_on_one_post_make_one_item(app, member):
    post = boards.create_reply(make_topic(), member, body=CONCERN_TEXT)
    boards.edit_post(post, member, body=URGENT_TEXT)
    items = db.session.scalars(db.select(QueueItem)).all()
    assert len(items) == 1 and items[0].kind == ItemKind.URGENT_CRISIS


def test_moderator_flags_a_missed_post_and_feedback_exports(app, member, moderator):
    missed = boards.create_reply(make_topic(), member, body="everything is arranged for sunday. thank you all")
    with pytest.raises(InvalidAction):
        services.flag_missed_post(missed, moderator, level="urgent", note="")
    services.flag_missed_post(missed, moderator, level="urgent", note="sounds like a goodbye")
    flagged = boards.create_reply(make_topic(), member, body=CONCERN_TEXT)
    services.record_feedback(services.latest_flag(flagged), moderator, "false_alarm")
    with pytest.raises(InvalidAction):
        services.record_feedback(services.latest_flag(flagged), moderator, "whatever")
    lines = [json.loads(line) for line in services.export_feedback()]
    assert [(row["feedback"], row["flagged_level"]) for row in lines] == [
        ("missed", "urgent"),
        ("false_alarm", "concern"),
    ]
    assert lines[0]["text"] == missed.body


def test_seeded_hotlines_are_accurate_and_idempotent(app):
    assert services.seed_hotlines() == len(DEFAULT_HOTLINES)
    assert services.seed_hotlines() == 0
    lines = {(h.region, h.name): h for h in db.session.scalars(db.select(Hotline))}
    assert lines["US", "988 Suicide & Crisis Lifeline"].tel_href == "tel:988"
    assert lines["US", "988 Suicide & Crisis Lifeline"].sms_href == "sms:988"
    assert lines["US", "Crisis Text Line"].sms_href == "sms:741741?&body=HOME"
    assert lines["US", "SAMHSA National Helpline"].tel_href == "tel:18006624357"
    assert lines["US", "Emergency services"].phone == "911"
    assert lines["UK", "Samaritans"].tel_href == "tel:116123"
    assert lines["UK", "Shout"].sms_href == "sms:85258?&body=SHOUT"
    assert "999" in lines["UK", "Emergency services"].phone and "112" in lines["UK", "Emergency services"].description
    assert lines["OTHER", "Find A Helpline"].url == "https://findahelpline.com"
    assert all(h.last_checked for h in lines.values())


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("US", {"988 Suicide & Crisis Lifeline", "Crisis Text Line", "988 Lifeline en español"}),
        ("UK", {"Samaritans", "Shout"}),
        ("ES", {"Línea 024 de atención a la conducta suicida"}),
        ("MX", {"Línea de la Vida"}),
        ("OTHER", {"Find A Helpline", "9-8-8 Suicide Crisis Helpline (Canada)", "Lifeline (Australia)"}),
        (None, {"988 Suicide & Crisis Lifeline", "Crisis Text Line", "988 Lifeline en español"}),
    ],
)
def test_region_decides_which_lines_come_first(app, region, expected):
    services.seed_hotlines()
    first, rest = services.hotlines_for(region)
    assert {h.name for h in first} == expected
    assert len(first) <= 3 and len(first) + len(rest) == len(DEFAULT_HOTLINES)
    assert not any(h.is_emergency for h in first)


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("en", ["988 Suicide & Crisis Lifeline", "Crisis Text Line", "988 Lifeline en español"]),
        ("es", ["988 Lifeline en español", "988 Suicide & Crisis Lifeline", "Crisis Text Line"]),
    ],
)
def test_lines_in_the_readers_language_come_first_within_the_region(app, language, names):
    services.seed_hotlines()
    first, rest = services.hotlines_for("US", language=language)
    assert [h.name for h in first] == names
    # Among the folded lines of the region too: SAMHSA answers in Spanish, so it leads them.
    own_rest = [h.name for h in rest if h.region == "US"]
    assert own_rest[0] == "SAMHSA National Helpline"


def test_spanish_lines_carry_their_call_and_text_options(app):
    services.seed_hotlines()
    lines = {(h.region, h.name): h for h in db.session.scalars(db.select(Hotline))}
    spanish_988 = lines["US", "988 Lifeline en español"]
    assert spanish_988.tel_href == "tel:988" and spanish_988.sms_href == "sms:988?&body=AYUDA"
    assert "marca 2" in spanish_988.description
    assert lines["ES", "Línea 024 de atención a la conducta suicida"].tel_href == "tel:024"
    assert lines["MX", "Línea de la Vida"].tel_href == "tel:8009112000"
    assert lines["US", "SAMHSA National Helpline"].speaks("es")
    assert all(h.last_checked for h in lines.values() if h.speaks("es"))


@pytest.mark.parametrize(
    ("region", "number"), [("US", "911"), ("UK", "999"), ("ES", "112"), ("MX", "911"), ("OTHER", "112"), (None, "911")]
)
def test_after_an_urgent_post_the_emergency_number_is_unfolded(app, region, number):
    services.seed_hotlines()
    first, rest = services.hotlines_for(region, urgent=True)
    assert [h.phone for h in first if h.is_emergency] == [number]
    assert not any(h.is_emergency and h.region == (region or "US") for h in rest)


def test_somewhere_else_lists_international_lines_not_only_a_web_link(app):
    services.seed_hotlines()
    first, _ = services.hotlines_for("OTHER")
    assert [h.tel_href for h in first if h.phone] == ["tel:988", "tel:131114"]
    assert [h.sms_href for h in first if h.sms_number] == ["sms:988", "sms:0477131114"]
    assert all(h.last_checked for h in first)


@pytest.mark.parametrize(
    ("cookie", "member", "expected"),
    [("UK", "US", "UK"), (None, "UK", "UK"), ("bogus", None, "US"), ("OTHER", None, "OTHER"), (None, None, "US")],
)
def test_a_region_chosen_on_help_wins_over_the_account_and_the_default(app, cookie, member, expected):
    assert services.chosen_region(cookie, member) == expected


def test_admin_edits_a_hotline_and_it_is_logged(app, admin):
    from forum.moderation.models import ModerationAction

    services.seed_hotlines()
    line = db.session.scalar(db.select(Hotline).where(Hotline.name == "Samaritans"))
    with pytest.raises(InvalidAction):
        services.save_hotline(line, admin, region="UK", name="Samaritans", phone="", sms_number="", url="")
    services.save_hotline(
        line, admin, region="UK", name="Samaritans", phone="116 123", sms_number="", url="https://www.samaritans.org"
    )
    assert db.session.scalar(db.select(ModerationAction)).action == "save_hotline"


def test_feedback_export_leaves_out_posts_their_authors_removed(app, member, moderator):
    kept = boards.create_reply(make_topic(), member, body=CONCERN_TEXT)
    removed = boards.create_reply(make_topic(), member, body=CONCERN_TEXT + " I deleted this later")
    for post in (kept, removed):
        services.record_feedback(services.latest_flag(post), moderator, "confirmed")
    boards.delete_own_post(removed, member)
    export = "".join(services.export_feedback())
    assert "I deleted this later" not in export
    assert [json.loads(line)["id"] for line in export.splitlines()] == [f"flag-{services.latest_flag(kept).id}"]

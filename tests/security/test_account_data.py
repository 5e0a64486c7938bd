"""A member downloads their data and deletes their account; nothing links back to them afterwards."""

import json

import pytest
from sqlalchemy import inspect, select

from forum.accounts import privacy
from forum.accounts.models import RecoveryCode, User
from forum.boards.models import Post, PostStatus, Topic
from forum.boards.services import author_label
from forum.errors import InvalidAction
from forum.extensions import db
from forum.moderation.models import ModerationAction
from forum.notifications import services as watch_services
from tests.factories import PASSWORD, make_board, make_post, make_topic, make_user


@pytest.fixture
def history(member, other_member, moderator):
    board = make_board()
    own_topic = make_topic(board, member, title="My first weeks", body="Week one was hard.")
    others_topic = make_topic(board, other_member, title="Sleep", body="Anyone else awake?")
    reply = make_post(others_topic, member, body="Secret anonymous reply", anonymous=True)
    make_post(own_topic, other_member, body="Hang in there.")
    db.session.add(ModerationAction(actor=moderator, action="warn", target_user_id=member.id, note="rude reply"))
    db.session.add(RecoveryCode(user=member, code_hash="x" * 64))
    db.session.commit()
    return {"board": board, "own_topic": own_topic, "others_topic": others_topic, "reply": reply}


def _all_values(session) -> list[str]:
    values = []
    for table in db.metadata.sorted_tables:
        for row in session.execute(select(table)).all():
            values.extend(str(v) for v in row)
    return values


def test_export_holds_profile_and_every_post_including_anonymous(client, login, member, history):
    login(member)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["profile"]["pseudonym"] == "river"
    bodies = {p["body"]: p for p in data["posts"]}
    assert set(bodies) == {"Week one was hard.", "Secret anonymous reply"}
    assert bodies["Secret anonymous reply"]["anonymous"] is True
    assert data["reports"] == [] or isinstance(data["reports"], list)
    assert "password_hash" not in response.text


def test_export_holds_the_language_chosen_on_the_account(client, login, member):
    login(member)
    client.post("/account/language", data={"language-language": "es"})
    assert client.get("/account/export").get_json()["profile"]["language"] == "es"


def test_export_holds_the_topics_the_member_watches_or_mutes(client, login, member):
    topic = make_topic(make_board(), author=make_user("starter"))
    login(member)
    watch_services.set_watch(topic, member, "muted")
    assert client.get("/account/export").get_json()["topic_watches"] == [{"topic_id": topic.id, "level": "muted"}]


def test_export_needs_sign_in(client):
    assert client.get("/account/export").status_code == 302


def test_delete_needs_the_right_password(member, history):
    with pytest.raises(InvalidAction):
        privacy.delete_account(member, password="wrong password!", posts=privacy.REMOVE_POSTS)
    assert db.session.get(User, member.id) is not None


def test_delete_keeping_posts_leaves_former_member_with_no_link(app, member, other_member, moderator, history):
    handle, member_id = member.anonymous_handle, member.id
    privacy.delete_account(member, password=PASSWORD, posts=privacy.KEEP_AS_FORMER_MEMBER)
    db.session.expire_all()
    assert db.session.get(User, member_id) is None
    reply = db.session.get(Post, history["reply"].id)
    assert reply.author_id is None and reply.body == "Secret anonymous reply"
    # The anonymous reply stays anonymous; only the named posts become "Former member".
    assert author_label(reply, other_member) == author_label(reply, moderator) == "Anonymous member"
    own_topic = db.session.get(Topic, history["own_topic"].id)
    assert own_topic.author_id is None and author_label(own_topic, other_member) == "Former member"
    assert db.session.scalars(select(RecoveryCode)).all() == []
    action = db.session.scalars(select(ModerationAction)).one()
    assert action.target_user_id is None and action.note == "rude reply"
    assert not any(handle in v or v == "river" for v in _all_values(db.session))


def test_delete_removing_posts_blanks_them_and_fixes_counts(app, member, history):
    privacy.delete_account(member, password=PASSWORD, posts=privacy.REMOVE_POSTS)
    db.session.expire_all()
    posts = db.session.scalars(select(Post).where(Post.author_id.is_(None))).all()
    assert len(posts) == 2
    assert all(p.status == PostStatus.REMOVED and p.body == "" for p in posts)
    own = db.session.get(Topic, history["own_topic"].id)
    assert own.title == privacy.REMOVED_TOPIC_TITLE
    assert own.post_count == 1  # only the other member's reply is still visible
    others = db.session.get(Topic, history["others_topic"].id)
    assert others.post_count == 1
    values = _all_values(db.session)
    assert not any("Secret anonymous reply" in v or "Week one was hard." in v for v in values)


def test_delete_account_page_signs_out(client, login, member, history):
    login(member)
    assert client.get("/account/delete").status_code == 200
    wrong = client.post("/account/delete", data={"posts": "keep", "password": "not my password"})
    assert wrong.status_code == 400 and "isn&#39;t right" in wrong.text
    response = client.post("/account/delete", data={"posts": "keep", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 302
    assert db.session.scalar(select(User).where(User.pseudonym_key == "river")) is None


def test_every_user_foreign_key_is_handled(app):
    """New tables pointing at users must be nullable (cut) or deletable with the user."""
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "user":
                assert fk.parent.nullable or fk.ondelete == "CASCADE" or table.name == "recovery_code", fk
    assert inspect(db.engine).has_table("user")


def test_delete_removing_posts_also_clears_matched_phrases(app, member):
    from forum.boards.services import create_reply
    from forum.crisis.models import CrisisFlag

    post = create_reply(make_topic(), member, body="honestly i want to die lately, i can't shake it")
    assert db.session.scalar(select(CrisisFlag).where(CrisisFlag.post_id == post.id)).matches
    privacy.delete_account(member, password=PASSWORD, posts=privacy.REMOVE_POSTS)
    flag = db.session.scalar(select(CrisisFlag))
    assert flag.matches == [] and flag.reason == "" and flag.level == "concern"


def test_export_never_tells_a_reporter_what_was_decided_about_another_members_post(
    client, login, member, other_member, moderator
):
    from forum.moderation.models import QueueItem, Report
    from forum.moderation.services import close_item

    post = make_post(make_topic(make_board(), other_member), other_member, body="Hard night")
    login(member)
    response = client.post(f"/posts/{post.id}/report", data={"reason": "worried", "note": "they seem low"})
    assert response.status_code == 302
    item = db.session.scalar(select(QueueItem).where(QueueItem.post_id == post.id))
    # The crisis playbook's outcome is about the other member's health: theirs, not the reporter's.
    close_item(item, moderator, "outcome_contacted_help")
    db.session.commit()
    assert db.session.scalar(select(Report.outcome)) == "outcome_contacted_help"
    exported = client.get("/account/export")
    report = exported.get_json()["reports"][0]
    assert report["note"] == "they seem low" and report["reason"] == "worried" and report["reviewed_at"]
    assert "contacted_help" not in exported.text and "outcome" not in report

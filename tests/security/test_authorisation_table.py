"""Who may open what: every route in the URL map, every role, checked against one table.

An endpoint missing from EXPECTED fails `test_every_endpoint_is_in_the_table`, so a new route must
say here who may use it. "Allowed" means the page answers (200, a redirect that isn't to sign-in, or
400 for an empty form); "refused" means a guest is sent to sign in and anyone else gets 403.
POSTs carry an empty form (CSRF is off in TestConfig), which changes nothing except for one-button
actions, so the author, the most destructive role, runs last.
"""

import pytest
from flask import g

from forum import create_app
from forum.config import TestConfig
from tests.apps import running_app
from tests.security.world import ROLES, build_world, rule_url

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"guest"}
MODERATORS = frozenset({"moderator", "admin"})
ADMINS = frozenset({"admin"})
FACILITATORS = frozenset({"facilitator", "admin"})
AUTHOR = frozenset({"author"})
AUTHOR_OR_MODERATOR = AUTHOR | MODERATORS

# endpoint -> the roles allowed to use it (GET and POST alike).
EXPECTED: dict[str, frozenset[str]] = {
    "healthz": EVERYONE,
    "robots_txt": EVERYONE,
    "accounts.login": EVERYONE,
    "accounts.register": EVERYONE,
    "accounts.recover": EVERYONE,
    "accounts.guidelines": EVERYONE,
    "accounts.logout": EVERYONE,
    "accounts.settings": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "accounts.change_region": SIGNED_IN,
    "accounts.change_language": SIGNED_IN,
    "accounts.choose_language": EVERYONE,
    "accounts.regenerate_codes": SIGNED_IN,
    "accounts.export_data": SIGNED_IN,
    "accounts.delete_account": SIGNED_IN,
    # A member's safety plan: each signed-in person reaches only their own; no staff route reads it.
    "accounts.edit_safety_plan": SIGNED_IN,
    # Muting the world's author (a member): anyone else signed in; never oneself.
    "accounts.mute_member": SIGNED_IN - AUTHOR,
    "accounts.unmute_member": SIGNED_IN,
    # A member's own drafts: each signed-in person reaches only their own.
    "accounts.save_draft": SIGNED_IN,
    "accounts.discard_draft": SIGNED_IN,
    "announcements.edit_announcement": FACILITATORS,
    "announcements.clear_announcement": FACILITATORS,
    # Dismissing only sets a cookie in the visitor's own browser.
    "announcements.dismiss_announcement": EVERYONE,
    "boards.index": EVERYONE,
    "boards.show_board": EVERYONE,
    "boards.show_topic": EVERYONE,
    "boards.show_post": EVERYONE,
    "boards.show_member": EVERYONE,
    "boards.my_activity": SIGNED_IN,
    "boards.latest_feed": EVERYONE,
    "boards.board_feed": EVERYONE,
    "boards.topic_feed": EVERYONE,
    "boards.new_topic": SIGNED_IN,
    "boards.reply": SIGNED_IN,
    "boards.edit_post": AUTHOR_OR_MODERATOR,
    "boards.delete_post": AUTHOR,
    "boards.post_history": AUTHOR_OR_MODERATOR,
    "boards.react": SIGNED_IN - AUTHOR,
    "crisis.get_help": EVERYONE,
    "crisis.list_hotlines": ADMINS,
    "crisis.edit_hotline": ADMINS,
    "crisis.export_feedback": MODERATORS,
    "crisis.flag_feedback": MODERATORS,
    "crisis.flag_missed": MODERATORS,
    "moderation.queue": MODERATORS,
    "moderation.show_item": MODERATORS,
    "moderation.claim_item": MODERATORS,
    "moderation.release_item": MODERATORS,
    "moderation.hide_post": MODERATORS,
    "moderation.decide_visibility": MODERATORS,
    "moderation.record_outcome": MODERATORS,
    "moderation.follow_up": MODERATORS,
    "moderation.hand_off": MODERATORS,
    "moderation.restrict_member": MODERATORS,
    "moderation.lock_topic": MODERATORS,
    "moderation.move_topic": MODERATORS,
    "moderation.message_author": MODERATORS,
    "moderation.act_on_member": MODERATORS,
    "moderation.escalate_item": MODERATORS,
    "moderation.reveal_author": MODERATORS,
    "moderation.resolve_unposted": MODERATORS,
    "moderation.on_call": MODERATORS,
    "moderation.list_conversations": MODERATORS,
    "moderation.show_conversation": MODERATORS,
    "moderation.audit_log": MODERATORS,
    "reports.report_post": SIGNED_IN - AUTHOR,
    "reports.after_worry": SIGNED_IN,
    "reports.my_reports": SIGNED_IN,
    "messages.inbox": SIGNED_IN,
    "messages.mark_all_read": SIGNED_IN,
    # The message in the world is sent to the author: only they open, answer or mark it.
    "messages.show_message": AUTHOR,
    "messages.reply_to_message": AUTHOR,
    "messages.mark_message_read": AUTHOR,
    "notifications.list_notifications": SIGNED_IN,
    "notifications.mark_all_read": SIGNED_IN,
    "notifications.watch_topic": SIGNED_IN,
    # The notification in the world is the author's: only they open it or mark it read.
    "notifications.open_notification": AUTHOR,
    "notifications.mark_read": AUTHOR,
    # Check-ins and start dates: each member reaches only their own; no staff route reads them.
    "recovery.overview": SIGNED_IN,
    "recovery.check_in": SIGNED_IN,
    "recovery.add_start": SIGNED_IN,
    "recovery.update_preferences": SIGNED_IN,
    # The start date in the world is the author's: only they correct, reset or share it.
    "recovery.edit_start": AUTHOR,
    "recovery.reset_start": AUTHOR,
    "recovery.share_milestone": AUTHOR,
    "resources.list_resources": EVERYONE,
    "resources.new_resource": FACILITATORS,
    "resources.edit_resource": FACILITATORS,
    "resources.update_resource": FACILITATORS,
    "resources.update_topic": FACILITATORS,
    "search.search_posts": EVERYONE,
    # The world's meeting is run by `facilitator`; admins run any meeting. Rooms are for members only.
    "meetings.list_meetings": EVERYONE,
    "meetings.meetings_calendar": EVERYONE,
    "meetings.new_meeting": FACILITATORS,
    "meetings.edit_meeting": FACILITATORS,
    "meetings.cancel_meeting": FACILITATORS,
    "meetings.open_room": FACILITATORS,
    "meetings.close_room": FACILITATORS,
    "meetings.pin_reading": FACILITATORS,
    "meetings.pause_participant": FACILITATORS,
    "meetings.show_meeting": SIGNED_IN,
    # Asking for (or stopping) one's own reminder of a meeting.
    "meetings.remind_me": SIGNED_IN,
    "meetings.live_posts": SIGNED_IN,
    "meetings.post_in_meeting": SIGNED_IN,
    # Peer mentoring (tests/security/world.py): other_member is the mentor, offering on member's open
    # request and paired with author; nobody else reads the pair's conversation, moderators included.
    "mentoring.overview": SIGNED_IN,
    "mentoring.ask_for_mentor": SIGNED_IN,
    "mentoring.withdraw_request": frozenset({"member"}),
    "mentoring.list_requests": frozenset({"other_member"}),
    "mentoring.offer_mentoring": frozenset({"other_member"}),
    "mentoring.accept_offer": frozenset({"member"}),
    "mentoring.show_pairing": frozenset({"author", "other_member"}),
    "mentoring.send_message": frozenset({"author", "other_member"}),
    "mentoring.end_pairing": frozenset({"author", "other_member"}),
    "mentoring.report_message": AUTHOR,
    "mentoring.manage_mentors": ADMINS,
    "mentoring.withdraw_badge": ADMINS,
    # Moderators open a conversation only through a flagged or reported item (logged).
    "mentoring.show_concern": MODERATORS,
    "mentoring.resolve_concern": MODERATORS,
}

# Roles in the order they act; the author last (see the module docstring).
ORDER = ("guest", "member", "other_member", "facilitator", "moderator", "admin", "author")


def _app():
    return create_app(config_class=TestConfig)


def _endpoints() -> set[str]:
    return {r.endpoint for r in _app().url_map.iter_rules() if r.endpoint != "static"}


def test_every_endpoint_is_in_the_table():
    endpoints = _endpoints()
    assert not endpoints - EXPECTED.keys(), f"add these endpoints to EXPECTED: {sorted(endpoints - EXPECTED.keys())}"
    assert not EXPECTED.keys() - endpoints, f"remove stale endpoints: {sorted(EXPECTED.keys() - endpoints)}"


def _client_for(app, world, role):
    client = app.test_client()
    if role != "guest":
        # Signing in through /login for each of 7 roles x every route would spend minutes in scrypt;
        # the session holds exactly what a real sign-in stores (tests/accounts covers the form).
        with client.session_transaction() as session:
            session["_user_id"] = world.users[role].get_id()
            session["_fresh"] = True
    return client


def _request(client, url, method):
    # Requests share the test's app context, hence `g`; forget the last request's user.
    g.pop("_login_user", None)
    return client.open(url, method=method, data={})


def _check(role, allowed, method, url, response):
    where = f"{role} {method} {url} -> {response.status_code}"
    assert response.status_code != 500, where
    refused_guest = response.status_code == 302 and "/login" in response.location
    if role in allowed:
        assert response.status_code in (200, 302, 301, 400) and not refused_guest, where
    elif role == "guest":
        assert refused_guest, where
    else:
        assert response.status_code == 403, where


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_each_role_gets_what_the_table_says(endpoint):
    with running_app() as app:
        world = build_world()
        rules = [r for r in app.url_map.iter_rules() if r.endpoint == endpoint]
        assert rules, f"{endpoint} is in the table but not in the URL map"
        for role in ORDER:
            client = _client_for(app, world, role)
            for rule in rules:
                url = rule_url(app, rule, world)
                for method in ("GET", "POST"):
                    if method not in rule.methods:
                        assert _request(client, url, method).status_code == 405
                        continue
                    response = _request(client, url, method)
                    _check(role, EXPECTED[endpoint], method, url, response)

"""Fragment caching of board and topic pages: every change shows on the very next request.

A guest's topic posts and board topic list are kept rendered (forum/caches.py, `fragment` in
forum/web.py) under a digest of what the page read. For every kind of change a page is warmed,
changed through its service, and read again: it must show the change, and be byte for byte the page
rendered with the cache off. Runs on the in-process store, and on Redis when TEST_REDIS_URL is set
(`.ci/services.sh both -- ...`), on SQLite or PostgreSQL (TEST_DATABASE_URL).
"""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from flask import g

from forum import caches
from forum.accounts import mutes
from forum.accounts import services as accounts
from forum.accounts.privacy import KEEP_AS_FORMER_MEMBER, REMOVE_POSTS, delete_account
from forum.boards import services as boards
from forum.boards.models import Post, PostStatus
from forum.crisis import services as crisis
from forum.crisis.models import CrisisFlag
from forum.extensions import db
from forum.mentoring import services as mentoring
from forum.moderation import actions, playbook
from forum.moderation.models import ItemKind
from forum.moderation.queue import enqueue
from forum.permissions import Role
from forum.resources import services as resources
from tests.apps import running_app
from tests.factories import PASSWORD, make_board, make_post, make_topic, make_user

REDIS_URL = os.environ.get("TEST_REDIS_URL")
STORES = [
    pytest.param("memory://", id="memory"),
    pytest.param(
        REDIS_URL or "redis://unset",
        id="redis",
        marks=[] if REDIS_URL else pytest.mark.skip(reason="TEST_REDIS_URL is not set (run under .ci/services.sh)"),
    ),
]


@pytest.fixture(params=STORES)
def app(request):
    # A prefix per test keeps runs sharing one Redis apart.
    overrides = {"FRAGMENT_CACHE_URI": request.param, "FRAGMENT_CACHE_PREFIX": f"t{os.getpid()}-{id(request)}:"}
    with running_app(overrides) as app:
        yield app
        app.extensions["forum.fragments"].clear()


@pytest.fixture
def world(app):
    users = {
        "writer": make_user("river", anonymous_handle="a11111"),
        "other": make_user("meadow", anonymous_handle="a22222"),
        "moderator": make_user("sage_mod", role=Role.MODERATOR, anonymous_handle="a33333"),
        "admin": make_user("oak_admin", role=Role.ADMIN, anonymous_handle="a44444"),
        "facilitator": make_user("fern", role=Role.FACILITATOR, anonymous_handle="a55555"),
        "reader": make_user("willow", anonymous_handle="a66666"),
    }
    board = make_board("Dual diagnosis", slug="dual-diagnosis")
    elsewhere = make_board("Stigma", slug="stigma")
    topic = make_topic(board, users["writer"], title="Mornings are the hardest", body="How do you start the day?")
    make_topic(board, users["other"], title="Telling family", body="Did you tell them?")
    reply = make_post(topic, users["writer"], body="A walk before the phone helps me.")
    secret = make_post(topic, users["other"], body="Something only I wrote.", anonymous=True)
    return {**users, "board": board, "elsewhere": elsewhere, "topic": topic, "reply": reply, "secret": secret}


def _paths(world) -> dict[str, str]:
    return {"board": "/boards/dual-diagnosis", "topic": f"/boards/dual-diagnosis/topics/{world['topic'].id}"}


def _get(app, path: str, viewer=None) -> str:
    """The page as a guest sees it, or as `viewer` (a User) signed in."""
    client = app.test_client()
    if viewer is not None:
        with client.session_transaction() as session:
            session["_user_id"] = viewer.get_id()
    # The tests' requests share the outer app context's g: drop what one request leaves there.
    for name in ("_login_user", "csrf_token", "action_csrf", "action_form"):
        g.pop(name, None)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _uncached(app, path: str, viewer=None) -> str:
    app.config["FRAGMENT_CACHE"] = False
    try:
        return _get(app, path, viewer)
    finally:
        app.config["FRAGMENT_CACHE"] = True


def _hide(world):
    item = enqueue(world["reply"], ItemKind.REPORT)
    actions.hide_post(item, world["moderator"], guideline="kindness", note="Unkind.")


def _unhide(world):
    item = enqueue(world["reply"], ItemKind.CONCERN_CRISIS)
    playbook.decide_visibility(item, world["moderator"], choice="hold", note="reaching out")
    playbook.decide_visibility(item, world["moderator"], choice="safe", note="they are safe")


def _item(world):
    return enqueue(db.session.get(Post, world["topic"].first_post_id), ItemKind.REPORT)


def _flag_then_false_alarm(world):
    flag = db.session.query(CrisisFlag).filter_by(post_id=world["reply"].id).one()
    crisis.record_feedback(flag, world["moderator"], "false_alarm")


# Each change: (what it does, through its service), the page it shows on, a text there after it,
# and a text gone after it (None when nothing goes).
CHANGES = {
    "reply created": (
        lambda w: boards.create_reply(w["topic"], w["other"], body="Brand new reply here."),
        "topic",
        "Brand new reply here.",
        None,
    ),
    "post edited": (
        lambda w: boards.edit_post(w["reply"], w["writer"], body="A run before the phone."),
        "topic",
        "A run before the phone.",
        "A walk before the phone",
    ),
    "content note added": (
        lambda w: boards.edit_post(w["reply"], w["writer"], body=w["reply"].body, content_note="relapse talk"),
        "topic",
        "Content note: relapse talk",
        None,
    ),
    "post hidden by a moderator": (_hide, "topic", "How do you start the day?", "A walk before the phone"),
    "post hidden by a moderator (board)": (_hide, "board", "Mornings are the hardest", None),
    "post unhidden": (_unhide, "topic", "A walk before the phone", None),
    "post deleted by its author": (
        lambda w: boards.delete_own_post(w["reply"], w["writer"]),
        "topic",
        "This post was removed by its author.",
        "A walk before the phone",
    ),
    "reaction given": (
        lambda w: boards.react(w["reply"], w["other"], "thanks"),
        "topic",
        '<span class="count">1',
        None,
    ),
    "topic renamed": (
        lambda w: boards.edit_post(
            db.session.get(Post, w["topic"].first_post_id), w["writer"], body="Same start.", title="Evenings too"
        ),
        "board",
        "Evenings too",
        "Mornings are the hardest",
    ),
    "topic locked": (
        lambda w: actions.set_topic_lock(_item(w), w["moderator"], locked=True, note="cooling off"),
        "board",
        '<span class="tag">Locked</span>',
        None,
    ),
    "topic pinned": (
        lambda w: resources.pin_topic(w["topic"], by=w["facilitator"], note="useful"),
        "board",
        '<span class="tag">Pinned</span>',
        None,
    ),
    "topic made an announcement": (
        lambda w: resources.mark_announcement(w["topic"], by=w["facilitator"], note="for all"),
        "board",
        '<span class="tag">Announcement</span>',
        None,
    ),
    "topic moved": (
        lambda w: actions.move_topic(_item(w), w["moderator"], board=w["elsewhere"], note="fits better"),
        "board",
        "Telling family",
        "Mornings are the hardest",
    ),
    "topic started": (
        lambda w: boards.create_topic(w["board"], w["other"], title="A fresh topic", body="Hello all."),
        "board",
        "A fresh topic",
        None,
    ),
    "author deleted, posts kept": (
        lambda w: delete_account(w["writer"], password=PASSWORD, posts=KEEP_AS_FORMER_MEMBER),
        "topic",
        "Former member",
        "/members/river",
    ),
    "author deleted, posts kept (board)": (
        lambda w: delete_account(w["writer"], password=PASSWORD, posts=KEEP_AS_FORMER_MEMBER),
        "board",
        "Former member",
        "river",
    ),
    "author erased with their posts": (
        lambda w: delete_account(w["writer"], password=PASSWORD, posts=REMOVE_POSTS),
        "topic",
        "Something only I wrote.",
        "A walk before the phone",
    ),
    "author became staff": (
        lambda w: accounts.set_role("river", Role.FACILITATOR),
        "topic",
        '<span class="staff-badge">',
        None,
    ),
    "author became a peer mentor": (
        lambda w: mentoring.grant_badge(w["writer"], by=w["admin"], trained_on=date(2026, 1, 5)),
        "topic",
        "Peer mentor",
        None,
    ),
    "crisis flag called a false alarm": (_flag_then_false_alarm, "topic", "A walk before the phone", "peer-guidance"),
}


# A guest, and a member who wrote nothing on the page: both get fragments (of different classes).
@pytest.mark.parametrize("viewer", ["guest", "reader"])
@pytest.mark.parametrize("kind", CHANGES)
def test_a_change_shows_on_the_very_next_request(app, world, kind, viewer):
    change, page, shown, gone = CHANGES[kind]
    if page == "board" and viewer != "guest":
        pytest.skip("a signed-in viewer's board page is always rendered (read markers)")
    who = world.get(viewer)
    if kind == "crisis flag called a false alarm":
        db.session.add(CrisisFlag(post=world["reply"], level="concern", matches_json="[]", reason="test"))
        db.session.commit()
    path = _paths(world)[page]
    before = _get(app, path, who)
    assert _get(app, path, who) == before, "a warm page must read as the cold one"
    assert _stored(app), "the page left a fragment in the store"
    if gone is not None:
        assert gone in before
    change(world)
    after = _get(app, path, who)
    assert shown in after
    if gone is not None:
        assert gone not in after
    assert after == _uncached(app, path, who)
    assert _get(app, path, who) == after


def _stored(app) -> list[str]:
    """Every fragment the app's store holds."""
    return [html for _slot, html in _stored_by_slot(app)]


def _stored_by_slot(app) -> list[tuple[str, str]]:
    """(slot, fragment) for every fragment the app's store holds, looked into directly."""
    store = app.extensions["forum.fragments"]
    if isinstance(store, caches.MemoryFragments):
        return [(slot, html) for (_group, slot), (_digest, html, _at) in store._items.items()]
    return [
        (slot.decode(), value.decode().partition("\n")[2])
        for name in store._redis.scan_iter(store.prefix + "*")
        for slot, value in store._redis.hgetall(name).items()
    ]


def test_warm_guest_pages_are_byte_identical_and_run_no_more_queries(app, world, count_queries):
    for path in _paths(world).values():
        with count_queries() as cold:
            first = _get(app, path)
        with count_queries() as warm:
            second = _get(app, path)
        assert first == second == _uncached(app, path)
        assert warm.count <= cold.count


def test_a_staff_or_member_rendering_is_never_served_to_a_guest_or_member(app, world):
    make_post(world["topic"], world["other"], body="Held for review.", status=PostStatus.HELD)
    paths = _paths(world)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = world["moderator"].get_id()
    g.pop("_login_user", None)
    staff_topic = client.get(paths["topic"]).get_data(as_text=True)
    # The moderator sees the anonymous author's handle and the held post...
    assert "a22222" in staff_topic and "Held for review." in staff_topic
    # ...and nothing of that reaches a guest or a member, before or after a guest warmed the cache.
    member_client = app.test_client()
    with member_client.session_transaction() as session:
        session["_user_id"] = world["reader"].get_id()
    for _ in range(2):
        for html in (_get(app, paths["topic"]), _member_page(member_client, paths["topic"])):
            assert "a22222" not in html and "Held for review." not in html
            assert "Anonymous member" in html
    # A guest's fragment is not served to the moderator either: the moderator still sees staff bits.
    g.pop("_login_user", None)
    assert client.get(paths["topic"]).get_data(as_text=True) == staff_topic
    slots = _stored_by_slot(app)
    assert {slot.split(":", 2)[2].split(":")[0] for slot, _html in slots} == {"guest", "member", "moderator"}
    for slot, html in slots:
        if ":moderator:" not in slot:
            assert "a22222" not in html and "Held for review." not in html and "(you)" not in html


def test_members_with_the_same_rights_share_a_fragment_but_an_author_gets_their_own(app, world):
    path = _paths(world)["topic"]
    first = _posts(_get(app, path, world["reader"]))
    assert _posts(_get(app, path, world["admin"])) != first
    third = make_user("birch")
    assert _posts(_get(app, path, third)) == first
    assert sum(":member:" in slot for slot, _html in _stored_by_slot(app)) == 1
    # The writer of a post on the page sees their own links and label: never a shared fragment.
    own = _get(app, path, world["other"])
    assert "Anonymous member (you)" in own and "Anonymous member (you)" not in first
    assert own == _uncached(app, path, world["other"])
    assert all("(you)" not in html for html in _stored(app))


def test_a_member_who_muted_an_author_on_the_page_is_never_served_a_shared_fragment(app, world):
    path = _paths(world)["topic"]
    shared = _posts(_get(app, path, world["reader"]))
    mutes.mute_member(world["reader"], world["writer"])
    folded = _get(app, path, world["reader"])
    assert "You muted this member." in folded and "You muted this member." not in shared
    assert folded == _uncached(app, path, world["reader"])
    assert _posts(_get(app, path, make_user("birch"))) == shared


def _posts(html: str) -> str:
    """The posts block of a topic page (the header names the viewer)."""
    return html[html.index("<article") : html.rindex("</article>")]


def test_a_served_fragment_carries_the_requesting_members_own_csrf_token():
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    with running_app({"WTF_CSRF_ENABLED": True}) as csrf_app:
        writer, reader, other = make_user("river"), make_user("willow"), make_user("birch")
        topic = make_topic(make_board(slug="dual-diagnosis"), writer, title="Tokens", body="Mine.")
        make_post(topic, writer, body="React to me.")
        path = f"/boards/dual-diagnosis/topics/{topic.id}"
        first = _get(csrf_app, path, reader)
        served = _get(csrf_app, path, other)
        assert any(slot.startswith("1:en:member:") for slot, _html in _stored_by_slot(csrf_app))
        # Every form on the page, the reaction buttons from the fragment included, holds this
        # request's token (the same one as the Watch form outside the fragment), not the first reader's.
        assert "\x00" not in served and 'class="reaction"' in served
        assert len(token.findall(served)) > 3 and len(set(token.findall(served))) == 1
        assert set(token.findall(served)).isdisjoint(token.findall(first))
        assert all(not token.search(html) for html in _stored(csrf_app))


def _member_page(client, path: str) -> str:
    g.pop("_login_user", None)
    return client.get(path).get_data(as_text=True)


def test_erasing_an_account_drops_its_words_from_the_fragment_store(app, world):
    for path in _paths(world).values():
        _get(app, path)
    assert any("A walk before the phone" in html for html in _stored(app))
    delete_account(world["writer"], password=PASSWORD, posts=REMOVE_POSTS)
    assert not any("A walk before the phone" in html or "river" in html for html in _stored(app))


def test_a_moderator_hiding_a_post_drops_it_from_the_store_at_once(app, world):
    _get(app, _paths(world)["topic"])
    _hide(world)
    assert not any("A walk before the phone" in html for html in _stored(app))


def test_the_memory_store_stays_under_its_byte_bound_and_one_version_per_slot():
    store = caches.MemoryFragments(max_bytes=200)
    for n in range(10):
        store.put(f"topic:{n}", "1:en:guest", "d", "x" * 50)
    assert store.bytes <= 200 and len(store) < 10
    assert store.get("topic:9", "1:en:guest", "d") == "x" * 50
    assert store.get("topic:0", "1:en:guest", "d") is None
    # A new version replaces the slot's old one, and asking with a stale digest drops the slot.
    store.put("topic:9", "1:en:guest", "d2", "new words")
    assert store.get("topic:9", "1:en:guest", "d") is None
    assert store.get("topic:9", "1:en:guest", "d2") is None
    assert ("topic:9", "1:en:guest") not in store._items
    store.put("topic:1", "1:en:guest", "d", "y" * 500)
    assert store.get("topic:1", "1:en:guest", "d") is None and store.bytes <= 200


def test_a_fragment_expires_after_its_time_to_live():
    now = [0.0]
    store = caches.MemoryFragments(max_bytes=10_000, ttl=600, clock=lambda: now[0])
    store.put("topic:1", "1:en:guest", "d", "words")
    now[0] = 599
    assert store.get("topic:1", "1:en:guest", "d") == "words"
    now[0] = 1200
    assert store.get("topic:1", "1:en:guest", "d") is None
    assert len(store) == 0 and store.bytes == 0


def test_an_unreachable_redis_only_turns_hits_into_misses():
    with running_app({"FRAGMENT_CACHE_URI": "redis://127.0.0.1:9/0"}) as other:
        make_topic(make_board(slug="dual-diagnosis"), make_user("river"), title="Still served")
        html = _get(other, "/boards/dual-diagnosis")
        assert "Still served" in html

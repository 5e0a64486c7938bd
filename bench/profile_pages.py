"""CPU per request of the index, board and topic pages, in-process, for finding hot spots.

    .venv/bin/python bench/profile_pages.py                      # ms of CPU per request, per page and viewer
    .venv/bin/python bench/profile_pages.py --profile topic:member   # cProfile's top functions for one pair
    .venv/bin/python bench/profile_pages.py --dump /tmp/before   # each page's HTML, to diff after a change

The first run seeds a SQLite database (`--db`, kept for later runs so dumps compare like with like)
with `demo seed` at a modest size, then gives one topic a held, a hidden and a removed post, a
content note and posts by a signed-in member (named and anonymous), and adds a held and a locked
topic to its board. Each page is then requested through `app.test_client()` by a guest, a member who
wrote nothing on that topic (`reader`), the member who did, a suspended member, a facilitator, a
moderator and an admin (signed in through the real form), and timed with `time.process_time`: the
Python cost that wrk sees as requests per second, without the server and the network. CSRF tokens are blanked in dumps, since they differ on every request.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, update  # noqa: E402

from forum import create_app  # noqa: E402
from forum.accounts.models import User  # noqa: E402
from forum.boards.models import Post, PostStatus, Topic  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.permissions import Role  # noqa: E402

# The accounts live only in this throwaway database; a fixed password lets later runs sign in.
PASSWORD = "profile-pages-password-7"  # noqa: S105  # nosec B105
# "reader" is a member who wrote nothing on the profiled topic (the common case); "member" wrote some of it.
VIEWERS = ("guest", "reader", "member", "suspended", "facilitator", "moderator", "admin")
# A fixed clock for the seed, so every run's pages show the same dates.
SEED_NOW = datetime(2026, 1, 1, 12, 0)
CSRF_VALUE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+"')


def _app(db_path: Path):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "SECRET_KEY": "profile-pages-only",
            "RATELIMIT_ENABLED": False,
            "MEMBERS_ONLY": False,
            "HOLD_FIRST_POSTS": 0,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "ALERT_WORKER": False,
        }
    )


def _seed(app, args) -> None:
    from flask_migrate import upgrade

    from forum.accounts.services import create_user
    from forum.demo import seed_demo

    with app.app_context():
        upgrade()
        seed_demo(args.members, args.topics, args.posts, seed=1, now=SEED_NOW)
        topic = _bench_topic()
        posts = list(db.session.scalars(select(Post).where(Post.topic_id == topic.id).order_by(Post.id).limit(20)))
        member, _ = create_user("profile_member", PASSWORD)
        for name, role in (
            ("profile_reader", Role.MEMBER),
            ("profile_suspended", Role.MEMBER),
            ("profile_facilitator", Role.FACILITATOR),
        ):
            create_user(name, PASSWORD, role)
        create_user("profile_moderator", PASSWORD, Role.MODERATOR)
        create_user("profile_admin", PASSWORD, Role.ADMIN)
        db.session.execute(
            update(User).where(User.pseudonym == "profile_suspended").values(suspended_until=datetime(2099, 1, 1))
        )
        posts[2].author_id, posts[2].is_anonymous = member.id, True
        posts[4].author_id, posts[4].is_anonymous = member.id, False
        posts[6].author_id, posts[6].status = member.id, PostStatus.HELD.value
        posts[8].status = PostStatus.HELD.value
        posts[10].status, posts[10].moderator_note = PostStatus.HIDDEN.value, "Guideline 3: no detail of means."
        posts[12].status = PostStatus.REMOVED.value
        posts[14].content_note = "relapse"
        others = list(
            db.session.scalars(select(Topic).where(Topic.board_id == topic.board_id, Topic.id != topic.id).limit(2))
        )
        others[0].status = PostStatus.HELD.value
        others[1].is_locked = True
        db.session.commit()


def _bench_topic() -> Topic:
    return db.session.scalars(select(Topic).where(Topic.post_count.between(21, 40)).order_by(Topic.id)).first()


def _pages(app) -> dict[str, str]:
    with app.app_context():
        topic = _bench_topic()
        slug = topic.board.slug
        locked = db.session.scalar(select(Topic).where(Topic.board_id == topic.board_id, Topic.is_locked))
        return {
            "index": "/",
            "board": f"/boards/{slug}",
            "topic": f"/boards/{slug}/topics/{topic.id}",
            "topic_p2": f"/boards/{slug}/topics/{topic.id}?page=2",
            "locked": f"/boards/{slug}/topics/{locked.id}",
        }


def _client(app, viewer: str):
    client = app.test_client()
    if viewer != "guest":
        token = CSRF_VALUE.search(client.get("/login").text).group(0).split('value="')[1].rstrip('"')
        response = client.post(
            "/login", data={"csrf_token": token, "pseudonym": f"profile_{viewer}", "password": PASSWORD}
        )
        assert response.status_code == 302, f"{viewer} could not sign in"
    return client


def _time(client, url: str, n: int) -> float:
    for _ in range(5):
        assert client.get(url).status_code == 200, url
    # The machine is shared: the fastest of five rounds is the steadiest figure.
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(n // 5):
            client.get(url)
        rounds.append((time.process_time() - started) * 1000 / (n // 5))
    return min(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "forum-profile-pages.db")
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("-n", type=int, default=200, help="requests per page and viewer")
    parser.add_argument("--viewers", default="guest,reader,member,moderator")
    parser.add_argument("--profile", metavar="PAGE:VIEWER")
    parser.add_argument("--dump", type=Path, metavar="DIR")
    args = parser.parse_args()

    fresh = not args.db.exists()
    app = _app(args.db)
    if fresh:
        _seed(app, args)
    pages = _pages(app)
    viewers = VIEWERS if args.dump else tuple(args.viewers.split(","))
    clients = {viewer: _client(app, viewer) for viewer in viewers}

    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for viewer, client in clients.items():
            for name, url in pages.items():
                html = CSRF_VALUE.sub(r'\1"', client.get(url).text)
                (args.dump / f"{name}-{viewer}.html").write_text(html)
        print(f"wrote {len(pages) * len(viewers)} pages to {args.dump}")
        return

    if args.profile:
        name, viewer = args.profile.split(":")
        client = _client(app, viewer)
        _time(client, pages[name], 5)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.n):
            client.get(pages[name])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return

    print(f"CPU ms per request ({args.n} requests each; {args.posts:,} posts)")
    print("page       " + "".join(f"{v:>12}" for v in viewers))
    for name, url in pages.items():
        if name in ("topic_p2", "locked"):
            continue
        print(f"{name:<11}" + "".join(f"{_time(clients[v], url, args.n):>12.2f}" for v in viewers))


if __name__ == "__main__":
    main()

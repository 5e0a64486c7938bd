"""What one reply costs on a board with many topics: the posting service alone, in-process.

    .venv/bin/python bench/reply_cost.py --topics 60000 --posts 120000 --replies 300

Seeds a temporary SQLite database (`flask demo seed` spreads the topics over 6 boards), then times
`create_reply` on topics of the busiest board and prints the median and p90 in milliseconds.
DATABASE_URL=postgresql://... runs it on an empty PostgreSQL database instead (it is left filled).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=60_000)
    parser.add_argument("--posts", type=int, default=120_000)
    parser.add_argument("--replies", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="forum-reply-") as tmp:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'reply.db'}")
        os.environ.update(SECRET_KEY="reply-cost-" + "x" * 40, HOLD_FIRST_POSTS="0", LOG_LEVEL="WARNING")
        sys.path.insert(0, str(ROOT))
        from flask_migrate import upgrade
        from sqlalchemy import func, select

        from forum import create_app
        from forum.accounts.models import User
        from forum.boards.models import Topic
        from forum.boards.services import create_reply
        from forum.demo import seed_demo
        from forum.extensions import db

        app = create_app()
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            seed_demo(200, args.topics, args.posts, seed=1)
            board_id, per_board = db.session.execute(
                select(Topic.board_id, func.count(Topic.id)).group_by(Topic.board_id).order_by(func.count().desc())
            ).first()
            topic_ids = list(db.session.scalars(select(Topic.id).where(Topic.board_id == board_id).limit(50)))
            author_id = db.session.scalars(select(User.id).order_by(User.id)).first()
            timings = []
            for n in range(args.replies):
                topic = db.session.get(Topic, topic_ids[n % len(topic_ids)])
                author = db.session.get(User, author_id)
                started = time.perf_counter()
                create_reply(topic, author, body=f"Thanks for this, it helps ({n}).")
                timings.append((time.perf_counter() - started) * 1000)
                db.session.expunge_all()
            timings.sort()
            print(
                f"{db.engine.dialect.name}: {args.replies} replies on a board of {per_board:,} topics: "
                f"median {statistics.median(timings):.2f} ms, p90 {timings[int(len(timings) * 0.9)]:.2f} ms"
            )


if __name__ == "__main__":
    main()

"""Search at scale: the plan and time of each search query on a large demo forum.

    .venv/bin/python bench/search_plans.py --posts 1000000
    .ci/services.sh postgres -- .venv/bin/python bench/search_plans.py --posts 1000000

Seeds a temporary SQLite database with `seed_demo` in batches of 100,000 posts (so memory stays
small), then runs a few searches through `search_posts`, catching each statement it sends, and
prints EXPLAIN QUERY PLAN for it with the search's median time. When TEST_DATABASE_URL points at a
PostgreSQL server (as .ci/services.sh sets it), the same runs on a fresh database there, printing
EXPLAIN (ANALYZE, BUFFERS), and the database is dropped afterwards. `make bench` runs this.
Seeding a million posts takes a few minutes on SQLite and longer on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess  # noqa: S404 - runs itself once per engine  # nosec B404
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BATCH = 100_000
POSTS_PER_TOPIC = 20
# A word in most demo posts, a phrase in some, and a word in none: the three shapes of cost.
QUERIES = ("feel", '"one day at a time"', "zyzzyva")
RUNS = 3


def _seed(posts: int) -> None:
    from forum.demo import seed_demo

    done = 0
    while done < posts:
        batch = min(BATCH, posts - done)
        seed_demo(100, max(batch // POSTS_PER_TOPIC, 1), batch, seed=done)
        done += batch
        print(f"  seeded {done:,} posts", flush=True)


def _explain(db, statement: str, parameters) -> list[str]:
    if db.engine.dialect.name == "postgresql":
        prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
    else:
        prefix = "EXPLAIN QUERY PLAN "
    with db.engine.connect() as conn:
        return [str(row[-1]) for row in conn.exec_driver_sql(prefix + statement, parameters)]


def _report(db, posts: int) -> None:
    from sqlalchemy import event

    from forum.search.services import search_posts

    for query in QUERIES:
        caught: list[tuple[str, object]] = []

        def record(_conn, _cursor, statement, parameters, *_rest, into=caught):
            into.append((statement, parameters))

        timings = []
        for run in range(RUNS):
            if run == RUNS - 1:
                event.listen(db.engine, "before_cursor_execute", record)
            started = time.perf_counter()
            results = search_posts(query, None, 1)
            timings.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
        event.remove(db.engine, "before_cursor_execute", record)
        print(
            f"\n{db.engine.dialect.name}, {posts:,} posts: search {query}: {results.total} ranked"
            f"{' (more match)' if results.more else ''}, median {statistics.median(timings):.1f} ms"
        )
        for number, (statement, parameters) in enumerate(caught, 1):
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            print(f"  {number}. {' '.join(statement.split())[:140]}")
            for line in _explain(db, statement, parameters):
                print(f"       {line}")


def run(url: str, posts: int) -> None:
    os.environ.update(DATABASE_URL=url, SECRET_KEY="search-plans-" + "x" * 40, LOG_LEVEL="WARNING")
    from flask_migrate import upgrade

    from forum import create_app
    from forum.extensions import db

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        _seed(posts)
        print(f"  {db.engine.dialect.name}: seeded in {time.perf_counter() - started:.0f} s", flush=True)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        _report(db, posts)
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--database", help="Run on this (empty) database only.")
    parser.add_argument("--sqlite-only", action="store_true", help="Skip PostgreSQL even if TEST_DATABASE_URL is set.")
    args = parser.parse_args()
    if args.database:
        run(args.database, args.posts)
        return
    with tempfile.TemporaryDirectory(prefix="forum-search-") as tmp:
        _again(f"sqlite:///{Path(tmp) / 'search.db'}", args.posts)
    server = os.environ.get("TEST_DATABASE_URL", "")
    if args.sqlite_only or not server.startswith("postgres"):
        print("\n(PostgreSQL: set TEST_DATABASE_URL, e.g. through .ci/services.sh postgres -- ...)")
        return
    from tests.apps import fresh_postgres_database

    with fresh_postgres_database(server.replace("postgresql://", "postgresql+psycopg://", 1), "search") as url:
        _again(url, args.posts)


def _again(url: str, posts: int) -> None:
    # Each engine in its own process: the app, its engine and its cached statements start clean.
    command = [sys.executable, __file__, "--posts", str(posts), "--database", url]
    subprocess.run(command, check=True)  # noqa: S603 - our own interpreter and script  # nosec B603


if __name__ == "__main__":
    main()

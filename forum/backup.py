"""Consistent copies of the SQLite database while the forum runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from forum.errors import InvalidAction
from forum.extensions import db

# Pages copied per step; between steps writers may commit, and SQLite restarts the copy if they do.
PAGES_PER_STEP = 1024


def sqlite_path() -> Path:
    """The file behind the app's SQLite database; raises InvalidAction for any other database."""
    url = make_url(db.engine.url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise InvalidAction("Backups with this command need an SQLite database file; use pg_dump for PostgreSQL.")
    return Path(url.database)


def backup_database(target: str | Path) -> Path:
    """Copy the live database to `target` with SQLite's online backup API and check the copy."""
    source_path = sqlite_path()
    target = Path(target)
    if target.resolve() == source_path.resolve():
        raise InvalidAction("The backup must go to a different file than the database.")
    if target.exists():
        raise InvalidAction(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=PAGES_PER_STEP)
        # A WAL-mode source leaves the copy in WAL mode; a single self-contained file restores simpler.
        copy.execute("PRAGMA journal_mode=DELETE")
        result = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if result != "ok":
        target.unlink()
        raise InvalidAction(f"The copy failed its integrity check ({result}); nothing was kept.")
    return target

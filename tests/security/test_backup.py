"""`flask backup` copies the live SQLite database consistently; the copy restores."""

import sqlite3
import threading

import pytest

from forum import create_app
from forum.backup import backup_database
from forum.config import TestConfig
from forum.errors import InvalidAction
from forum.extensions import db
from tests.factories import make_board, make_topic, make_user


def _file_app(path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}, config_class=TestConfig)


def _writer(path, stop: threading.Event, written: list):
    # A separate connection, as another web worker would have.
    conn = sqlite3.connect(path, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    while not stop.is_set():
        with conn:
            conn.execute(
                "INSERT INTO board (slug, name, description, position, topic_count, post_count) "
                "VALUES (?, 'B', '', 0, 0, 0)",
                (f"w-{len(written)}",),
            )
        written.append(1)
    conn.close()


def test_backup_while_writing_is_consistent_and_restores(tmp_path):
    source = tmp_path / "forum.db"
    app = _file_app(source)
    with app.app_context():
        db.create_all()
        topic = make_topic(make_board(slug="kept"), make_user("keeper"), title="Kept topic")
        topic_id = topic.id
        for i in range(200):
            make_board(slug=f"bulk-{i}", description="x" * 500)
        stop, written = threading.Event(), []
        thread = threading.Thread(target=_writer, args=(source, stop, written))
        thread.start()
        try:
            while len(written) < 20:
                pass
            result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "copy.db")])
        finally:
            stop.set()
            thread.join()
        assert result.exit_code == 0, result.output
        assert "integrity check ok" in result.output
        db.session.remove()
        db.engine.dispose()

    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT title FROM topic WHERE id = ?", (topic_id,)).fetchone() == ("Kept topic",)
    assert copy.execute("SELECT count(*) FROM board WHERE slug LIKE 'bulk-%'").fetchone() == (200,)
    assert copy.execute("SELECT count(*) FROM board WHERE slug LIKE 'w-%'").fetchone()[0] >= 20
    copy.close()

    # Restore as docs/backup.md says: stop the forum, swap the file in, start it again.
    restored = tmp_path / "restored" / "forum.db"
    restored.parent.mkdir()
    (tmp_path / "copy.db").rename(restored)
    app = _file_app(restored)
    with app.app_context():
        response = app.test_client().get(f"/boards/kept/topics/{topic_id}")
        assert response.status_code == 200
        assert "Kept topic" in response.text
        db.session.remove()
        db.engine.dispose()


def test_backup_refuses_an_existing_file_and_memory_databases(app, tmp_path):
    with pytest.raises(InvalidAction):
        backup_database(tmp_path / "x.db")  # the test app's database is in memory
    file_app = _file_app(tmp_path / "forum.db")
    with file_app.app_context():
        db.create_all()
        (tmp_path / "exists.db").write_text("")
        with pytest.raises(InvalidAction, match="exists already"):
            backup_database(tmp_path / "exists.db")
        with pytest.raises(InvalidAction, match="different file"):
            backup_database(tmp_path / "forum.db")
        db.engine.dispose()

"""What a gunicorn worker loads at start: the app, without the migration tooling only the CLI uses."""

from __future__ import annotations

import os
import subprocess  # noqa: S404 - a fresh interpreter is the only way to see what an import pulls in  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_WORKER = """
import sys
sys.argv = ["/srv/forum/.venv/bin/gunicorn", "wsgi:app"]  # what a worker forked by gunicorn sees
from wsgi import app
answer = app.test_client().get("/healthz")
heavy = sorted(m for m in ("alembic", "flask_migrate", "mako", "pygments") if m in sys.modules)
print(answer.status_code, "migrate" in app.extensions, heavy)
"""


def _run(code: str, tmp_path: Path, **settings: str) -> str:
    env = {
        **os.environ,
        "RATELIMIT_STORAGE_URI": "memory://",
        "FRAGMENT_CACHE_URI": "memory://",
        "SECRET_KEY": "worker-start-test-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.db'}",
        "LOG_LEVEL": "ERROR",
        **settings,
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments  # nosec B603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[-2]


def test_a_gunicorn_worker_starts_without_alembic(tmp_path):
    # alembic, mako and pygments cost a worker 11 MB and 0.2 s; the schema changes only through `flask db`.
    status, migrate, heavy = _run(_WORKER, tmp_path).split(" ", 2)
    assert migrate == "False"
    assert heavy == "[]"
    assert status in ("200", "503")  # answering at all; the empty database may be reported as unready


def test_the_cli_still_has_flask_db(app):
    assert "migrate" in app.extensions
    assert "db" in app.cli.commands


_FRAGMENTS = """
import sys
sys.argv = ["/srv/forum/.venv/bin/gunicorn", "wsgi:app"]
from wsgi import app
print(type(app.extensions["forum.fragments"]).__name__, "redis" in sys.modules)
"""


def test_a_worker_without_redis_configured_does_not_import_redis(tmp_path):
    # redis-py costs a worker 3.6 MB and 45 ms; with the fragments and rate limits in memory nothing needs it.
    assert _run(_FRAGMENTS, tmp_path) == "MemoryFragments False"


def test_a_worker_with_redis_configured_keeps_its_fragments_there(tmp_path):
    # Building the store opens no connection, so an address nothing listens on is enough.
    assert _run(_FRAGMENTS, tmp_path, FRAGMENT_CACHE_URI="redis://127.0.0.1:9/0") == "RedisFragments True"

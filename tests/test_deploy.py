"""docs/deploy.md says what the repository's files say, its settings survive the shell, and the app
warns at start when rate limits would be counted per process."""

from __future__ import annotations

import logging
import os
import re
import secrets
import subprocess  # noqa: S404 - bash sources the sample file; gunicorn starts the app
import sys
import time
from pathlib import Path

import pytest

from forum import create_app
from forum.config import Config, gunicorn_workers
from tests.deploy import DEPLOY_DOC, ENV_SAMPLE, PRODUCTION, ROOT, code_blocks, render_nginx

_ASSIGNMENT = re.compile(r"^[A-Z][A-Z0-9_]*=.*$", re.MULTILINE)
# Seconds to wait for gunicorn's workers to start and log.
STARTUP_TIMEOUT = 30


def test_deploy_guide_shows_the_nginx_template_rendered():
    blocks = code_blocks(DEPLOY_DOC.read_text(), "nginx")
    assert blocks == [render_nginx(PRODUCTION)], (
        "docs/deploy.md's nginx block must be docs/nginx/forum.conf.template rendered with tests/deploy.py's "
        "PRODUCTION values: edit the template, then paste render_nginx(PRODUCTION) into the guide"
    )


def test_deploy_guide_shows_the_env_sample_verbatim():
    assert ENV_SAMPLE.read_text() in code_blocks(DEPLOY_DOC.read_text(), "sh")


def _as_written(line: str) -> tuple[str, str]:
    name, _, value = line.partition("=")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1]
    return name, value


def _sourced(text: str, tmp_path: Path) -> dict[str, str]:
    """The variables bash sets from `text` the way the guide loads the file: set -a; . FILE."""
    env_file = tmp_path / "env"
    env_file.write_text(text)
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["/bin/bash", "-c", 'set -a; . "$0"; set +a; env -0', str(env_file)],  # noqa: S607
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stderr == "", result.stderr
    return dict(entry.partition("=")[::2] for entry in result.stdout.split("\0") if entry)


def test_env_sample_sources_in_bash_as_written(tmp_path):
    text = ENV_SAMPLE.read_text()
    expected = dict(_as_written(line) for line in _ASSIGNMENT.findall(text))
    assert "RATELIMIT_STORAGE_URI" in expected and "&" in expected["RATELIMIT_STORAGE_URI"]
    sourced = _sourced(text, tmp_path)
    assert {name: sourced.get(name) for name in expected} == expected


def test_every_setting_line_in_the_guide_sources_as_written(tmp_path):
    lines = [line for block in code_blocks(DEPLOY_DOC.read_text(), "sh") for line in _ASSIGNMENT.findall(block)]
    assert len(lines) > 10
    for line in lines:
        name, value = _as_written(line)
        assert _sourced(line + "\n", tmp_path).get(name) == value, line


@pytest.mark.parametrize(
    ("argv", "environ", "workers"),
    [
        (["/srv/forum/.venv/bin/gunicorn", "wsgi:app", "--bind", "127.0.0.1:8000", "--workers", "5"], {}, 5),
        (["gunicorn", "-w", "3", "wsgi:app"], {}, 3),
        (["gunicorn", "-w4", "wsgi:app"], {}, 4),
        (["gunicorn", "--workers=2", "wsgi:app"], {"WEB_CONCURRENCY": "9"}, 2),
        (["gunicorn", "wsgi:app"], {"GUNICORN_CMD_ARGS": "--bind 127.0.0.1:8000 --workers 6"}, 6),
        (["gunicorn", "wsgi:app"], {"WEB_CONCURRENCY": "4"}, 4),
        (["gunicorn", "--worker-class", "sync", "wsgi:app"], {}, 1),
        (["/usr/lib/python3/dist-packages/gunicorn/__main__.py", "-w", "2", "wsgi:app"], {}, 2),
        # Outside gunicorn (flask run, flask db upgrade) there is one process, whatever the environment says.
        ([".venv/bin/flask", "--app", "wsgi", "run"], {"WEB_CONCURRENCY": "4"}, 1),
        ([], {}, 1),
    ],
)
def test_gunicorn_workers_are_read_as_gunicorn_reads_them(argv, environ, workers):
    assert gunicorn_workers(argv, environ) == workers


def _production_app(**overrides):
    settings = {"SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://", "ALERT_WORKER": False}
    return create_app({**settings, **overrides}, Config)


def _limit_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "memory://" in r.getMessage()]


def test_memory_limits_with_several_workers_warn_at_start(monkeypatch, caplog):
    monkeypatch.setattr(sys, "argv", ["/srv/forum/.venv/bin/gunicorn", "--workers", "5", "wsgi:app"])
    _production_app(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED=True)
    assert _limit_warnings(caplog) == [
        "rate limits are counted in each process's memory (RATELIMIT_STORAGE_URI=memory://) with 5 gunicorn "
        "workers and 1 app hosts configured, so each process allows the full limit: point RATELIMIT_STORAGE_URI "
        "at Redis (docs/deploy.md, section 7)"
    ]


def test_memory_limits_on_several_hosts_warn_at_start(monkeypatch, caplog):
    monkeypatch.setattr(sys, "argv", ["gunicorn", "wsgi:app"])
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    _production_app(RATELIMIT_STORAGE_URI="memory://", RATELIMIT_ENABLED=True, APP_HOSTS=2)
    assert len(_limit_warnings(caplog)) == 1


@pytest.mark.parametrize(
    ("argv", "overrides"),
    [
        (["gunicorn", "-w", "5", "wsgi:app"], {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}),
        (["gunicorn", "-w", "5", "wsgi:app"], {"RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_ENABLED": False}),
        (["gunicorn", "-w", "1", "wsgi:app"], {"RATELIMIT_STORAGE_URI": "memory://"}),
        ([".venv/bin/flask", "--app", "wsgi", "db", "upgrade"], {"RATELIMIT_STORAGE_URI": "memory://"}),
    ],
)
def test_shared_or_single_process_limits_start_quietly(monkeypatch, caplog, argv, overrides):
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    _production_app(**{"RATELIMIT_ENABLED": True, **overrides})
    assert _limit_warnings(caplog) == []


@pytest.mark.slow
def test_gunicorn_with_two_workers_and_memory_limits_logs_the_warning(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'forum.db'}",
        "ALERT_WORKER": "0",
        "RATELIMIT_ENABLED": "1",
    }
    for name in ("RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS", "FLASK_DEBUG", "APP_HOSTS"):
        env.pop(name, None)
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind", "127.0.0.1:0"]
            # Workers still starting up when stopped would otherwise get the default 30 s to finish.
            + ["--graceful-timeout", "1", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while log_path.read_text().count("memory://") < 2 and time.monotonic() < deadline:
            assert server.poll() is None, log_path.read_text()
            time.sleep(0.1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    warnings = [line for line in log_path.read_text().splitlines() if "memory://" in line]
    assert len(warnings) == 2, log_path.read_text()
    assert all('"level": "WARNING"' in line and "with 2 gunicorn workers" in line for line in warnings)

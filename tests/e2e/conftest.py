"""A live forum on a free loopback port and Debian's Chromium driving it.

The server is the real thing: a temporary SQLite file migrated with `flask db upgrade`, seeded with
`flask seed`, accounts made with `flask users create`, served by gunicorn in a subprocess.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess  # noqa: S404 - the tests start their own server and CLI commands
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).absolute().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PASSWORD = "a long test passphrase 42"
# Seconds to wait for gunicorn to answer before giving up.
STARTUP_TIMEOUT = 30

ROLE_ACCOUNTS = {
    "member": "meadow_e2e",
    "facilitator": "fern_facilitates",
    "moderator": "sage_moderates",
    "admin": "oak_administers",
}


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, AXE_JS) if not p.exists()]
    if not missing:
        return
    message = f"browser tests need {', '.join(missing)} (run `make e2e-deps`)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _flask(env: dict, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _wait_until_up(url: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log_path.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310 - loopback only
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the live server did not answer in time")


@dataclass
class LiveServer:
    url: str
    env: dict

    def flask(self, *args: str, stdin: str | None = None) -> str:
        return _flask(self.env, *args, stdin=stdin)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    _require_browser()
    db_file = tmp_path_factory.mktemp("e2e") / "forum.db"
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{db_file}",
        "SESSION_COOKIE_SECURE": "0",
        "HOLD_FIRST_POSTS": "0",
        "ALERT_WORKER": "0",
        # The suite registers several accounts from one address in a minute.
        "RATELIMIT_ENABLED": "0",
        "DEFAULT_REGION": "US",
    }
    env.pop("FLASK_DEBUG", None)
    _flask(env, "db", "upgrade")
    _flask(env, "seed")
    for role, pseudonym in ROLE_ACCOUNTS.items():
        _flask(env, "users", "create", pseudonym, "--role", role, stdin=PASSWORD + "\n")
    port = _free_port()
    # A file, not a pipe: a full pipe would stall the server once its log outgrew the buffer.
    log_path = db_file.with_name("server.log")
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(BIN / "gunicorn"), "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log_path)
        yield LiveServer(url=url, env=env)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def sign_in(page, base_url: str, pseudonym: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, the way a member does."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"sign-in failed for {pseudonym}"


@pytest.fixture(scope="session")
def storage_states(browser, live_server, tmp_path_factory) -> dict[str, str]:
    """One signed-in cookie jar per role account, so tests don't sign in again and again."""
    folder = tmp_path_factory.mktemp("states")
    states = {}
    for role, pseudonym in ROLE_ACCOUNTS.items():
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, live_server.url, pseudonym)
        path = folder / f"{role}.json"
        context.storage_state(path=str(path))
        context.close()
        states[role] = str(path)
    return states


@pytest.fixture
def new_page(browser, live_server, storage_states):
    """`new_page(role=None, **context_options)`: a page in a fresh context, signed in as `role` if given."""
    contexts = []

    def make(role: str | None = None, **options):
        if role is not None:
            options["storage_state"] = storage_states[role]
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@dataclass
class SampleSite:
    """Addresses of pages with content on them, made once through the browser."""

    board: str
    topic: str
    first_post: int
    queue_item: str

    def pages(self, role: str | None) -> dict[str, str]:
        """The main pages a person in this role visits, by name."""
        common = {"index": "/", "board": self.board, "topic": self.topic, "help": "/help", "resources": "/resources"}
        # Finds the anonymous reply: its author's pseudonym must not show, and the results page is checked too.
        common["search"] = "/search?q=tuesday"
        signed_in = {
            **common,
            "new-topic": f"{self.board}/topics/new",
            "account": "/account",
            "messages": "/messages",
            "notifications": "/notifications",
        }
        if role is None:
            return {
                **common,
                "register": "/register",
                "login": "/login",
                "recover": "/recover",
                "guidelines": "/guidelines",
            }
        if role == "member":
            return {
                **signed_in,
                "edit-post": f"/posts/{self.first_post}/edit",
                "delete-account": "/account/delete",
                "my-reports": "/reports",
            }
        if role == "facilitator":
            return {**signed_in, "new-resource": "/resources/new", "report-post": f"/posts/{self.first_post}/report"}
        staff = {**common, "queue": "/moderation/", "queue-item": self.queue_item, "on-call": "/moderation/on-call"}
        if role == "admin":
            return {**staff, "log": "/moderation/log", "crisis-lines": "/admin/hotlines"}
        return staff


@pytest.fixture(scope="session")
def sample_site(browser, live_server, storage_states) -> SampleSite:
    from tests.e2e.helpers import CRISIS_TEXT, open_board, reply, start_topic, topic_path

    context = browser.new_context(base_url=live_server.url, storage_state=storage_states["member"])
    page = context.new_page()
    open_board(page)
    board = page.url.removeprefix(live_server.url)
    start_topic(page, "Finding a meeting that fits", "Has anyone tried **SMART Recovery** online?")
    topic = topic_path(page)
    first_post = int(page.locator("article.post").first.get_attribute("id").removeprefix("post-"))
    reply(page, "Yes, the Tuesday one is kind.", anonymous=True)
    reply(page, "I relapsed last week, but I'm back.", content_note="mentions relapse")
    start_topic(page, "Tonight", CRISIS_TEXT)
    context.close()

    context = browser.new_context(base_url=live_server.url, storage_state=storage_states["moderator"])
    page = context.new_page()
    page.goto("/moderation/")
    queue_item = page.get_by_role("link", name="Tonight").first.get_attribute("href")
    context.close()
    return SampleSite(board=board, topic=topic, first_post=first_post, queue_item=queue_item)

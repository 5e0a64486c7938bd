"""The forum behind the nginx config in docs/deploy.md, over TLS, as production runs it.

Debian's nginx serves the config rendered from docs/nginx/forum.conf.template (the one the guide
shows) with a self-signed certificate made here, in front of gunicorn with TRUSTED_PROXIES=1 and
secure cookies. Chromium then walks the main journey over HTTPS. Every form POST goes through
Flask-WTF's HTTPS referrer check here, which plain-HTTP tests never reach.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import ssl
import subprocess  # noqa: S404 - the test starts its own nginx, gunicorn and openssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.deploy import render_nginx
from tests.e2e.conftest import BIN, PASSWORD, ROOT, _flask, _free_port, _wait_until_up
from tests.e2e.helpers import register, reply, start_topic, unique

pytestmark = pytest.mark.e2e

# Seconds to wait for nginx to answer over TLS.
NGINX_STARTUP_TIMEOUT = 15


def _require(program: str) -> str:
    # /usr/sbin is not on an ordinary user's PATH, and Debian puts nginx there.
    path = shutil.which(program) or shutil.which(program, path="/usr/sbin")
    if path:
        return path
    message = f"the test behind nginx needs {program} (as root: .ci/system-deps.sh)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    openssl = _require("openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603 - fixed arguments
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def _nginx_main_config(folder: Path, site: Path) -> str:
    """What /etc/nginx/nginx.conf gives the site on Debian, with every path inside `folder`."""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # nginx as root hands requests to unprivileged workers; these files are root's, in a private tmp dir.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'logs' / 'main.error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"{temp}\n    include {site};\n}}\n"
    )


def _wait_for_tls(url: str, server: subprocess.Popen, log: Path) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    deadline = time.monotonic() + NGINX_STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"nginx exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2, context=context):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not answer in time")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Proxied:
    url: str
    http_url: str
    logs: Path


@pytest.fixture(scope="module")
def behind_nginx(browser, tmp_path_factory) -> Iterator[Proxied]:
    nginx = _require("nginx")
    folder = tmp_path_factory.mktemp("nginx")
    (folder / "logs").mkdir()
    cert, key = _self_signed_certificate(folder)

    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"sqlite:///{folder / 'forum.db'}",
        "TRUSTED_PROXIES": "1",
        "SESSION_COOKIE_SECURE": "1",
        "HOLD_FIRST_POSTS": "0",
        "ALERT_WORKER": "0",
    }
    for name in ("FLASK_DEBUG", "RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
        env.pop(name, None)
    _flask(env, "db", "upgrade")
    _flask(env, "seed")

    app_port, https_port, http_port = _free_port(), _free_port(), _free_port()
    six = "[::1]" if _ipv6_loopback() else "127.0.0.1"
    values = {
        "SERVER_NAME": "127.0.0.1",
        "HTTP_LISTEN": f"127.0.0.1:{http_port}",
        "HTTP_LISTEN6": f"{six}:{_free_port()}",
        "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
        "HTTPS_LISTEN6": f"{six}:{_free_port()}",
        "CERTIFICATE": str(cert),
        "CERTIFICATE_KEY": str(key),
        "LOG_DIR": str(folder / "logs"),
        "STATIC_ROOT": str(ROOT / "static"),
        "UPSTREAM": f"127.0.0.1:{app_port}",
    }
    site = folder / "forum.conf"
    site.write_text(render_nginx(values))
    main = folder / "nginx.conf"
    main.write_text(_nginx_main_config(folder, site))
    startup_log = folder / "logs" / "startup.log"
    command = [nginx, "-p", str(folder), "-e", str(startup_log), "-c", str(main)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    assert checked.returncode == 0, f"nginx -t refused the config:\n{checked.stderr}"

    app_log = folder / "gunicorn.log"
    nginx_log = folder / "nginx.out"
    with app_log.open("w") as out:
        app = subprocess.Popen(  # noqa: S603 - fixed arguments
            [str(BIN / "gunicorn"), "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{app_port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(f"http://127.0.0.1:{app_port}", app, app_log)
        with nginx_log.open("w") as out:
            proxy = subprocess.Popen(  # noqa: S603 - fixed arguments
                [*command, "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT
            )
        try:
            url = f"https://127.0.0.1:{https_port}"
            _wait_for_tls(url, proxy, nginx_log)
            yield Proxied(url=url, http_url=f"http://127.0.0.1:{http_port}", logs=folder / "logs")
        finally:
            _stop(proxy)
    finally:
        _stop(app)


@pytest.fixture
def https_page(browser, behind_nginx):
    context = browser.new_context(base_url=behind_nginx.url, ignore_https_errors=True)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_member_journey_over_https_through_nginx(https_page, behind_nginx):
    page = https_page
    pseudonym = f"proxied_{secrets.token_hex(3)}"
    stylesheets = []
    page.on("response", lambda r: stylesheets.append(r) if r.url.endswith(".css") else None)

    register(page, pseudonym)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {pseudonym}")
    assert page.url.startswith(behind_nginx.url), "the app's redirects keep the https address and its port"
    sign_out(page)

    page.goto("/login")
    page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=pseudonym)).to_be_visible()

    title = unique("Six weeks behind a proxy")
    start_topic(page, title, "Some **good** news from behind nginx.")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("article.post").first.locator("strong")).to_have_text("good")
    reply(page, "And a reply that went through the proxy too.")
    expect(page.locator("article.post", has_text="And a reply that went through the proxy too.")).to_be_visible()

    sign_out(page)
    expect(page.get_by_text("You have signed out. Take care.")).to_be_visible()
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()

    cookies = page.context.cookies()
    assert cookies and all(cookie["secure"] for cookie in cookies), "cookies set over HTTPS are Secure"
    css = [r for r in stylesheets if "/static/" in r.url]
    assert css and all(r.status in (200, 304) for r in css), "nginx serves static/ from the checkout"
    assert css[0].header_value("strict-transport-security"), "the HSTS header nginx adds"


def sign_out(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_plain_http_is_redirected_to_https(behind_nginx):
    request = urllib.request.Request(f"{behind_nginx.http_url}/boards/", method="GET")  # noqa: S310 - loopback

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(request, timeout=5)
    answer.value.close()
    assert answer.value.code == 301
    assert answer.value.headers["Location"] == "https://127.0.0.1/boards/"


def test_nginx_logs_hold_no_client_address(behind_nginx, https_page):
    https_page.goto("/search?q=private+words")
    expect(https_page.get_by_role("heading", level=1)).to_be_visible()
    for log in behind_nginx.logs.iterdir():
        text = log.read_text()
        assert "127.0.0.1" not in text and "::1" not in text and "private" not in text, f"{log.name}: {text}"


def test_forum_posts_carry_the_referer_and_other_sites_get_none(https_page, behind_nginx):
    page = https_page
    seen: dict[str, str | None] = {}

    def elsewhere(route):
        seen["elsewhere"] = route.request.all_headers().get("referer")
        route.fulfill(status=200, content_type="text/html", body="<title>elsewhere</title>")

    page.context.route("https://elsewhere.example/**", elsewhere)
    page.on("request", lambda r: seen.setdefault("post", r.header_value("referer")) if r.method == "POST" else None)

    register(page, f"referred_{secrets.token_hex(3)}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert seen["post"] == f"{behind_nginx.url}/register"

    # A link out, followed from a topic page: the other site must not learn which page it was.
    start_topic(page, unique("Links out"), "Somewhere else to read.")
    page.evaluate(
        "() => { const a = document.createElement('a'); a.href = 'https://elsewhere.example/'; "
        "document.body.append(a); a.click(); }"
    )
    page.wait_for_url("https://elsewhere.example/")
    assert seen["elsewhere"] is None

import os
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"
# Placeholder that create_app refuses outside debug mode.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - the value create_app refuses  # nosec B105


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = INSTANCE_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    return DEV_SECRET_KEY


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'forum.db'}")
    # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _workers_option(args: Sequence[str]) -> int | None:
    """The last `-w N`, `-wN`, `--workers N` or `--workers=N` in a gunicorn command line."""
    found = None
    for index, arg in enumerate(args):
        if arg in ("-w", "--workers"):
            value = args[index + 1] if index + 1 < len(args) else ""
        elif arg.startswith("--workers="):
            value = arg.partition("=")[2]
        elif arg.startswith("-w") and not arg.startswith("--"):
            value = arg[2:]
        else:
            continue
        if value.isdigit():
            found = int(value)
    return found


def under_gunicorn(argv: Sequence[str]) -> bool:
    """Whether this process is gunicorn (its master or a worker forked from it)."""
    return bool(argv) and "gunicorn" in argv[0]


def gunicorn_workers(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """How many worker processes gunicorn was told to start; 1 outside gunicorn.

    Read as gunicorn reads it: the command line, then GUNICORN_CMD_ARGS, then WEB_CONCURRENCY.
    A count set only in a gunicorn config file is not seen.
    """
    if not under_gunicorn(argv):
        return 1
    for args in (argv[1:], shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))):
        workers = _workers_option(args)
        if workers is not None:
            return workers
    concurrency = environ.get("WEB_CONCURRENCY", "")
    return int(concurrency) if concurrency.isdigit() else 1


class Config:
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Whole request bodies: a 20,000-character message is far below this.
    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    MEMBERS_ONLY = _flag("MEMBERS_ONLY", False)
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "forum" / "translations")
    TOPICS_PER_PAGE = 25
    POSTS_PER_PAGE = 20
    # How many of a new account's first posts wait for a moderator.
    HOLD_FIRST_POSTS = int(os.environ.get("HOLD_FIRST_POSTS", "1"))
    CRISIS_HOLD_URGENT = _flag("CRISIS_HOLD_URGENT", True)
    CRISIS_HOLD_CONCERN = _flag("CRISIS_HOLD_CONCERN", False)
    # A member's CRISIS_REPEAT_COUNT-th post with risk within CRISIS_REPEAT_HOURS raises an urgent item.
    # After this many urgent items in one on-call shift the forum suggests a break and a hand-off.
    BREAK_AFTER_URGENT_ITEMS = int(os.environ.get("BREAK_AFTER_URGENT_ITEMS", "5"))
    CRISIS_REPEAT_COUNT = int(os.environ.get("CRISIS_REPEAT_COUNT", "3"))
    # A peer mentor supports at most this many members at once: volunteers burn out too.
    MENTOR_MAX_PAIRINGS = int(os.environ.get("MENTOR_MAX_PAIRINGS", "3"))
    # `flask meetings remind` tells members who asked this many minutes before a meeting starts.
    MEETING_REMINDER_MINUTES = int(os.environ.get("MEETING_REMINDER_MINUTES", "30"))
    CRISIS_REPEAT_HOURS = int(os.environ.get("CRISIS_REPEAT_HOURS", "72"))
    DEFAULT_REGION = os.environ.get("DEFAULT_REGION", "US")
    # A moderator's claim on a queue item lapses after this many minutes.
    MODERATION_CLAIM_MINUTES = int(os.environ.get("MODERATION_CLAIM_MINUTES", "15"))
    # An urgent item no one has claimed after this many minutes alerts every moderator and admin.
    ONCALL_ESCALATE_MINUTES = int(os.environ.get("ONCALL_ESCALATE_MINUTES", "10"))

    # Alerts to moderators (see docs/deploy.md). Email needs SMTP_HOST and ALERT_EMAIL_TO.
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_SENDER = os.environ.get("SMTP_SENDER", "forum-alerts@localhost")
    SMTP_TLS = os.environ.get("SMTP_TLS", "none")  # none, starttls or ssl
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    ALERT_EMAIL_TO = [a.strip() for a in os.environ.get("ALERT_EMAIL_TO", "").split(",") if a.strip()]
    ALERT_WEBHOOK_URL = os.environ.get("ALERT_WEBHOOK_URL", "")
    # Links in alerts point here.
    ALERT_BASE_URL = os.environ.get("ALERT_BASE_URL", "http://127.0.0.1:5000")
    # Each web process delivers alerts in a background thread; turn off to use `flask alerts deliver`.
    ALERT_WORKER = _flag("ALERT_WORKER", True)

    # Each process reads the site-wide announcement at most once in this many seconds; a change shows
    # at once in the process that made it, and in the others within this time.
    ANNOUNCEMENT_CACHE_SECONDS = int(os.environ.get("ANNOUNCEMENT_CACHE_SECONDS", "15"))

    # Search engines are asked to stay away (noindex, robots.txt) unless ALLOW_INDEXING=1.
    ALLOW_INDEXING = _flag("ALLOW_INDEXING", False)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Keeps the counters of forums (or test runs) sharing one Redis apart.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    # Rendered fragments of board and topic pages for guests (forum/caches.py): in each process's
    # memory, or in Redis shared by the workers. Defaults to the rate limits' Redis when there is one.
    FRAGMENT_CACHE = _flag("FRAGMENT_CACHE", True)
    FRAGMENT_CACHE_URI = os.environ.get(
        "FRAGMENT_CACHE_URI", RATELIMIT_STORAGE_URI if RATELIMIT_STORAGE_URI.startswith("redis") else "memory://"
    )
    FRAGMENT_CACHE_BYTES = int(os.environ.get("FRAGMENT_CACHE_BYTES", str(32 * 2**20)))
    FRAGMENT_CACHE_PREFIX = os.environ.get("FRAGMENT_CACHE_PREFIX", RATELIMIT_KEY_PREFIX)
    # Each process reads the cache epoch at most once in this many seconds, and empties its in-process
    # caches when another process has edited, hidden, removed or erased text since.
    FRAGMENT_EPOCH_SECONDS = float(os.environ.get("FRAGMENT_EPOCH_SECONDS", "1"))
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    # How many app hosts serve the forum. With more than one (or more than one gunicorn worker),
    # create_app warns when rate limits are counted in each process's memory.
    APP_HOSTS = int(os.environ.get("APP_HOSTS", "1"))
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis is unreachable, each process counts in its own memory until Redis answers again,
    # rather than every sign-in and post failing with a 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # How many reverse proxies (nginx) stand in front of the app. Their X-Forwarded-For and
    # X-Forwarded-Proto are trusted, so limits count a visitor's address, not the proxy's.
    # 0 trusts no such header: a visitor could otherwise pick a new address for every request.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 - tests only  # nosec B105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    HOLD_FIRST_POSTS = 0
    # Every page reads the announcement, so a test sees each change and counts the same queries throughout.
    ANNOUNCEMENT_CACHE_SECONDS = 0
    # One process per test: its own changes reach its caches directly, and queries count the same throughout.
    FRAGMENT_EPOCH_SECONDS = 3600.0
    ALERT_WORKER = False
    SMTP_HOST = ""
    ALERT_EMAIL_TO: list[str] = []
    ALERT_WEBHOOK_URL = ""

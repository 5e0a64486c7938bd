"""The forum's application factory."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from functools import cache

from flask import Flask

from forum.config import DEV_SECRET_KEY, PROJECT_ROOT, Config, gunicorn_workers, under_gunicorn
from forum.crisis import detector as crisis_detector
from forum.i18n import register_i18n


def create_app(overrides: Mapping | None = None, config_class: type = Config) -> Flask:
    """Build the app: config, extensions, blueprints, CLI. No schema changes, no network."""
    from forum.faults import ForumFlask, close_session

    app = ForumFlask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    _configure(app, overrides, config_class)
    _init_extensions(app, close_session)
    register_i18n(app)
    _configure_login(app)
    _import_models()
    _configure_database(app)

    from forum.accounts.routes import bp as accounts_bp
    from forum.announcements.routes import bp as announcements_bp
    from forum.boards.routes import bp as boards_bp
    from forum.crisis.routes import bp as crisis_bp
    from forum.meetings.routes import bp as meetings_bp
    from forum.mentoring.routes import bp as mentoring_bp
    from forum.moderation.member_routes import messages_bp, reports_bp
    from forum.moderation.routes import bp as moderation_bp
    from forum.notifications.routes import bp as notifications_bp
    from forum.recovery.routes import bp as recovery_bp
    from forum.resources.routes import bp as resources_bp
    from forum.search.routes import bp as search_bp

    blueprints = (
        accounts_bp,
        announcements_bp,
        boards_bp,
        crisis_bp,
        moderation_bp,
        reports_bp,
        messages_bp,
        notifications_bp,
        resources_bp,
        search_bp,
        meetings_bp,
        mentoring_bp,
        recovery_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)

    from forum.cli import register_cli
    from forum.errors import register_error_handlers
    from forum.health import register_health
    from forum.web import register_web_hooks

    register_health(app)
    register_error_handlers(app)
    app.extensions["forum.fragments"] = _fragment_store(app)
    register_web_hooks(app)
    register_cli(app)
    return app


def _fragment_store(app: Flask):
    """The store FRAGMENT_CACHE_URI names: Redis, shared by every worker, or this process's memory."""
    from forum.caches import MemoryFragments

    uri = app.config["FRAGMENT_CACHE_URI"]
    if not uri.startswith(("redis://", "rediss://", "unix://")):
        return MemoryFragments(app.config["FRAGMENT_CACHE_BYTES"])
    # redis-py costs a worker 3.6 MB and 45 ms at import, so it is imported only here, when configured.
    from forum.redis_fragments import RedisFragments
    from forum.web import code_version

    # A fragment in Redis outlives the process that rendered it: one rendered by other code or
    # templates (before a deploy, or on another host) must not be read, so the prefix names the code.
    return RedisFragments(uri, prefix=app.config["FRAGMENT_CACHE_PREFIX"] + code_version() + ":")


def _init_extensions(app: Flask, close_session) -> None:
    from forum import extensions

    extensions.db.init_app(app)
    app.teardown_appcontext(close_session)
    # Flask-Migrate brings alembic, mako and pygments: 11 MB and 0.2 s that a web worker never uses, since the
    # schema changes only through `flask db upgrade`, a process of its own. Everywhere else (the CLI, tests,
    # benches) it is wired in as usual.
    if not under_gunicorn(sys.argv):
        _init_migrations(app)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)


def _init_migrations(app: Flask) -> None:
    from flask_migrate import Migrate

    from forum.extensions import db

    Migrate(render_as_batch=True).init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))


def _configure(app: Flask, overrides: Mapping | None, config_class: type) -> None:
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    _check_secret_key(app)
    # The crisis lexicon and model load now, once per process, not inside the first post's transaction.
    crisis_detector.load()
    _configure_logging(app)
    _warn_if_limits_unshared(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server database may restart or drop idle connections; test each before use
        # rather than failing one request per stale connection.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}


def _check_secret_key(app: Flask) -> None:
    if app.debug or app.testing:
        return
    if not app.config.get("SECRET_KEY") or app.config["SECRET_KEY"] == DEV_SECRET_KEY:
        raise RuntimeError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "value (for example: python -c 'import secrets; print(secrets.token_hex(32))'), "
            "or run `make run`, which writes one to instance/secret_key."
        )


def _configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        level = os.environ.get("LOG_LEVEL", "INFO")
        from forum.logs import JsonFormatter

        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logging.basicConfig(level=level, handlers=[handler])
        # Werkzeug's access log writes client addresses; the forum keeps none by default.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)


def _warn_if_limits_unshared(app: Flask) -> None:
    # memory:// counts per process: with 5 workers an attacker gets 5 times each allowance. A
    # misquoted env file (see docs/forum.env.sample) falls back to it silently, so say so at start.
    config = app.config
    if not config["RATELIMIT_ENABLED"] or not config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return
    workers = gunicorn_workers(sys.argv, os.environ)
    if workers > 1 or config["APP_HOSTS"] > 1:
        logging.getLogger("forum").warning(
            "rate limits are counted in each process's memory (RATELIMIT_STORAGE_URI=memory://) "
            "with %d gunicorn workers and %d app hosts configured, so each process allows the full limit: "
            "point RATELIMIT_STORAGE_URI at Redis (docs/deploy.md, section 7)",
            workers,
            config["APP_HOSTS"],
        )


def _configure_login(app: Flask) -> None:
    from forum.extensions import db, login_manager
    from forum.notifications.routes import remember_unread_notifications

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        raw_id, _, version = user_id.partition(":")
        if not raw_id.isdigit():
            return None
        row = db.session.execute(_user_by_id(), {"user_id": int(raw_id)}).first()
        if row is None:
            return None
        user, unread = row
        remember_unread_notifications(user.id, unread)
        if str(user.session_version) != version or user.is_banned:
            return None
        return user


@cache
def _user_by_id():
    # Every signed-in request loads its user. session.get builds and hashes a fresh statement each
    # time (~0.1 ms, as much as running it); this one is built once per process. The header's
    # notification count comes with it, so it costs no query of its own.
    from sqlalchemy import bindparam, select

    from forum.accounts.models import User
    from forum.notifications.services import unread_count_of

    user_id = bindparam("user_id")
    return select(User, unread_count_of(user_id)).where(User.id == user_id)


def _import_models() -> None:
    # Every domain's models, so that Alembic sees the whole schema.
    from forum.accounts import models as _accounts  # noqa: F401
    from forum.announcements import models as _announcements  # noqa: F401
    from forum.boards import models as _boards  # noqa: F401
    from forum.crisis import models as _crisis  # noqa: F401
    from forum.meetings import models as _meetings  # noqa: F401
    from forum.mentoring import models as _mentoring  # noqa: F401
    from forum.moderation import models as _moderation  # noqa: F401
    from forum.notifications import models as _notifications  # noqa: F401
    from forum.recovery import models as _recovery  # noqa: F401
    from forum.resources import models as _resources  # noqa: F401
    from forum.search import models as _search  # noqa: F401


def _configure_database(app: Flask) -> None:
    from sqlalchemy import event

    from forum.extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets readers and one writer work at once; the timeout waits out a busy writer.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

"""Request hooks shared by every page: template helpers, security headers, members-only mode."""

from __future__ import annotations

import functools
import hashlib
import logging

from flask import Flask, Response, abort, current_app, g, has_request_context, request, session, url_for
from flask_login import current_user
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import ImmutableMultiDict

from forum import permissions
from forum.accounts.forms import ActionForm
from forum.boards.counts import cache_epoch
from forum.boards.links import PostLinks, topic_views, topics_fragment
from forum.boards.models import REACTIONS
from forum.boards.services import author_label
from forum.caches import ErasureWatch
from forum.config import PROJECT_ROOT
from forum.extensions import db, login_manager
from forum.mentoring.concerns import open_counts as open_mentoring_counts
from forum.moderation.models import CARE_NOTE
from forum.moderation.services import open_counts
from forum.text import render_markdown
from forum.urls import url_pattern
from forum.validation import has_non_characters, without_non_characters
from forum.worker import start_worker

log = logging.getLogger(__name__)


def register_web_hooks(app: Flask) -> None:
    app.extensions["forum.erasures"] = ErasureWatch(
        app.extensions["forum.fragments"], app.config["FRAGMENT_EPOCH_SECONDS"]
    )
    app.jinja_env.add_extension(FragmentCache)
    app.jinja_env.globals["topics_fragment"] = topics_fragment
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["author_label"] = author_label
    app.jinja_env.globals["url_pattern"] = url_pattern
    app.jinja_env.globals["post_links"] = PostLinks
    app.jinja_env.globals["topic_views"] = topic_views
    app.jinja_env.globals["action_form"] = _action_form
    app.jinja_env.globals["action_csrf"] = _action_csrf
    app.jinja_env.globals["CARE_NOTE"] = CARE_NOTE
    app.jinja_env.globals["REACTIONS"] = REACTIONS
    app.jinja_env.globals["url_for"] = _remembering_url_for()

    app.add_url_rule("/robots.txt", endpoint="robots_txt", view_func=_robots_txt)

    app.context_processor(_template_helpers)
    app.before_request(_refuse_nul_bytes)
    app.before_request(_drop_text_erased_elsewhere)
    app.before_request(_members_only_and_worker)
    app.after_request(_security_headers)


class FragmentCache(Extension):
    """`{% fragment key %}...{% endfragment %}`: the block's output, kept under `key` in the app's store.

    `key` is (group, slot, digest) from forum/boards/links.py, or None to render the block as is.
    The block's bytes are the same either way, so a page reads the same cold and warm.
    """

    tags = {"fragment"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        key = parser.parse_expression()
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render", [key]), [], [], body).set_lineno(lineno)

    def _render(self, key, caller) -> Markup:
        if not (current_app.config["FRAGMENT_CACHE"] and isinstance(key, tuple)):
            return caller()
        store = current_app.extensions["forum.fragments"]
        group, slot, digest = key
        kept = store.get(group, slot, digest)
        if kept is None:
            html = str(caller())
            # The forms' CSRF token is this request's: the fragment keeps a placeholder instead.
            token = g.get("action_csrf")
            store.put(group, slot, digest, html.replace(token, _CSRF_PLACEHOLDER) if token else html)
        elif _CSRF_PLACEHOLDER in kept:
            html = kept.replace(_CSRF_PLACEHOLDER, _action_csrf())
        else:
            html = kept
        # The block's own output, escaped when it was rendered.
        return Markup(html)  # noqa: S704  # nosec B704


# No member's text holds a NUL (forum/web.py refuses or drops them), so this can't be forged by one.
_CSRF_PLACEHOLDER = "\x00csrf\x00"


@functools.cache
def code_version() -> str:
    """A digest of the templates, the code and the translations that render fragments."""
    digest = hashlib.blake2b(digest_size=8)
    for folder, pattern in (("templates", "*.html"), ("forum", "*.py"), ("forum/translations", "*.po")):
        for path in sorted((PROJECT_ROOT / folder).rglob(pattern)):
            digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _template_helpers():
    helpers = dict(permissions.TEMPLATE_CHECKS)
    if g.get("degraded_page"):
        # An error page after a database fault: loading the member would query the database again.
        return helpers
    # The signed-in user itself rather than flask-login's proxy, which re-resolves on every use.
    helpers["current_user"] = current_user._get_current_object()
    helpers["queue_counts"] = _queue_counts
    return helpers


def _refuse_nul_bytes():
    # No text column may hold a NUL byte (PostgreSQL refuses them outright). In an address
    # the request is refused with a clear page. In a form, NULs and every other character no
    # text may hold (controls, Unicode non-characters: they would make the Atom feeds invalid
    # XML) are dropped, so that a pasted message with a stray one still arrives whole.
    if "\x00" in request.path or _has_nul(request.args):
        abort(400, description="The request contained a NUL character, which this forum can't accept.")
    if request.mimetype in _FORM_TYPES and _has_non_text(request.form):
        request.__dict__["form"] = ImmutableMultiDict(
            [
                (without_non_characters(key), without_non_characters(value))
                for key, value in request.form.items(multi=True)
            ]
        )


def _drop_text_erased_elsewhere():
    # Another worker's edit, hide or erasure reaches this one's memory within FRAGMENT_EPOCH_SECONDS.
    watch = current_app.extensions["forum.erasures"]
    if not watch.due():
        return
    try:
        epoch = cache_epoch()
    except SQLAlchemyError as error:
        # The page itself will meet the fault; until the epoch answers, keep nothing that may be stale.
        db.session.rollback()
        log.warning("cache epoch unreadable: %s", type(error).__name__)
        epoch = None
    watch.observe(epoch)


def _members_only_and_worker():
    if current_app.config["ALERT_WORKER"]:
        start_worker(current_app._get_current_object())
    if current_app.config["MEMBERS_ONLY"] and not current_user.is_authenticated:
        open_endpoints = {
            "accounts.login",
            "accounts.register",
            "accounts.recover",
            "accounts.guidelines",
            # The footer's language link only sets a cookie: the sign-in page must read in Spanish too.
            "accounts.choose_language",
            "crisis.get_help",
            "static",
            "healthz",
            "robots_txt",
            # The banner shows on the sign-in page too; dismissing it only sets a cookie.
            "announcements.dismiss_announcement",
        }
        # A form carrying a member's text is screened and kept by its own view (forum/posting.py).
        keeps_text = request.method == "POST" and getattr(
            current_app.view_functions.get(request.endpoint), "keeps_text", False
        )
        if request.endpoint not in open_endpoints and not keeps_text:
            return login_manager.unauthorized()
    return None


def _security_headers(response):
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "object-src 'none'; frame-ancestors 'none'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Same-origin requests carry the Referer, which Flask-WTF's CSRF check requires over HTTPS
    # (behind nginx with TRUSTED_PROXIES); links to other sites still learn nothing of the
    # page, whose address can name a board such as self-harm or a topic's number.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault(
        "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
    )
    if not current_app.config["ALLOW_INDEXING"]:
        # Every page and feed: members write about their health; search engines keep out.
        headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    # Pages for a signed-in member, and fault pages holding what someone wrote, may hold private
    # text; keep them out of shared caches. Decided from the session, not by loading the member:
    # this runs on every response, also when the database has just failed.
    if g.get("degraded_page") or "_user_id" in session or _REMEMBER_COOKIE in request.cookies:
        headers.setdefault("Cache-Control", "private, no-store")
    return response


def _robots_txt():
    """Everything is off limits to crawlers unless ALLOW_INDEXING=1; private pages always are."""
    if current_app.config["ALLOW_INDEXING"] and not current_app.config["MEMBERS_ONLY"]:
        private = ("/account", "/messages", "/moderation/", "/admin/", "/reports", "/search", "/login", "/register")
        lines = ["User-agent: *", *(f"Disallow: {path}" for path in private)]
    else:
        lines = ["User-agent: *", "Disallow: /"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


# flask-login's "remember me" cookie, under its default name (the forum does not rename it).
_REMEMBER_COOKIE = "remember_token"
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def _has_non_text(values) -> bool:
    return any(has_non_characters(key) or has_non_characters(value) for key, value in values.items(multi=True))


def _remembering_url_for():
    """Flask's url_for for one app's templates, building each argument-less URL once per process.

    The header and footer hold about a dozen links without arguments (and a stylesheet), the same
    on every page for a given mount point. They depend on the raw SCRIPT_NAME alone: the forum has
    no host or subdomain rules and no url_defaults.
    """
    built: dict[tuple, str] = {}

    def template_url_for(endpoint: str, **values) -> str:
        fixed = not values or (endpoint == "static" and values.keys() == {"filename"})
        if not fixed or endpoint[:1] == "." or not has_request_context():
            return url_for(endpoint, **values)
        key = (request.environ.get("SCRIPT_NAME", ""), endpoint, values.get("filename"))
        url = built.get(key)
        if url is None:
            url = built[key] = url_for(endpoint, **values)
        return url

    return template_url_for


def _action_form():
    """The page's one-button form (only the CSRF token), built once per request however many buttons."""
    if "action_form" not in g:
        g.action_form = ActionForm()
    return g.action_form


def _action_csrf() -> Markup:
    """The one-button form's hidden CSRF input, rendered once per request.

    A thread page has up to five reaction buttons a post, each a form; rendering the WTForms field
    for each cost about as much as the rest of the post.
    """
    if "action_csrf" not in g:
        field = getattr(_action_form(), "csrf_token", None)  # None when CSRF is off (tests)
        g.action_csrf = Markup(field() if field is not None else "")  # noqa: S704  # nosec B704 - WTForms' markup
    return g.action_csrf


def _queue_counts() -> tuple[int, int]:
    """Open moderation items and how many are urgent, for the moderators' header badge."""
    if not permissions.can_review_queue(current_user):
        return 0, 0

    total, urgent = open_counts()
    mentoring, mentoring_urgent = open_mentoring_counts()
    return total + mentoring, urgent + mentoring_urgent

"""What each post or topic of a page shows its viewer, worked out in Python rather than in the template.

A thread page shows 20 posts with an author link, a date and up to five action links each; a board
page 25 topics with two names, two links and a date. In a template every call costs a few µs more
than in Python, and url_for some 15 µs; the viewer's page-wide rights (quoting, flagging) are the
same for every post, and each link differs from the next in one id only, so each kind of link is
built once a page and filled in with the id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from flask import current_app, request
from flask_babel import gettext as _

from forum import permissions
from forum.accounts.mutes import muted_ids
from forum.boards.models import PostStatus
from forum.boards.reading import MAX_COUNTED_NEW
from forum.boards.services import author_label
from forum.caches import board_fragments, topic_fragments
from forum.i18n import seeded, select_locale
from forum.mentoring.services import active_mentor_ids
from forum.moderation.models import CARE_NOTE
from forum.urls import url_pattern

# Month abbreviations by page language: English as strftime's C locale writes them, Spanish as CLDR does. Written
# out rather than read from Babel, whose Spanish locale data costs a worker 4 MB and 40 ms at import;
# tests/boards/test_links.py checks them against Babel's.
_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
}


def date_label(at: datetime) -> str:
    """How a date reads on the page: at.strftime("%d %b %Y, %H:%M") in the C locale (or its Spanish
    form), at a quarter of strftime's cost (a board page shows 25). Its machine-readable form goes in
    <time datetime>."""
    months = _MONTHS.get(select_locale(), _MONTHS["en"])
    return f"{at.day:02d} {months[at.month - 1]} {at.year}, {at.hour:02d}:{at.minute:02d}"


@dataclass(slots=True)
class PostView:
    """One post as one viewer sees it: the author's name and page, the dates, the links they may follow."""

    author: str
    author_url: str | None
    permalink: str
    created_iso: str
    created: str
    quote: str | None = None
    flag: str | None = None
    report: str | None = None
    edit: str | None = None
    delete: str | None = None
    history: str | None = None
    # Where the reaction buttons post, when this viewer may react.
    react: str | None = None
    # A note for readers on replying to someone who is struggling (a flagged, visible post).
    peer_note: bool = False
    # "Moderator" or "Facilitator" beside a named staff post; never on an anonymous one.
    badge: str | None = None
    # The viewer muted this post's author: the body folds behind "You muted this member".
    muted: bool = False

    # "Peer mentor" beside a named post by a member holding the badge; never on an anonymous one.
    mentor: bool = False


@dataclass(slots=True)
class TopicView:
    """One row of a board's listing as one viewer sees it; the last_* fields are None without posts."""

    url: str
    author: str
    last_author: str | None = None
    last_url: str | None = None
    last_active_iso: str | None = None
    last_active: str | None = None
    # "3 new" (posts since the viewer's last visit) or "new" (a recent topic they never opened).
    marker: str | None = None


# Fragment caching (forum/caches.py, the `fragment` tag in forum/web.py). A fragment is shared only
# by viewers who see the same bytes: a viewer class. Each key is (group, slot, digest): the digest is
# taken over every field of the rows the page just read (their dataclass repr), plus what else the
# markup shows, so any change to a post, topic, author, reaction or flag changes it.
GUEST_CLASS = "guest"


def _fragment_slot(page, viewer_class: str) -> str:
    """The slot of this page number for a class of viewer, in the page's language."""
    return f"{page.page}:{select_locale()}:{viewer_class}"


def _digest(*content) -> str:
    # Not a security boundary: the slot already names topic and page; the digest tells versions apart.
    return hashlib.blake2b(repr(content).encode(), digest_size=16).hexdigest()


def _is_guest(viewer) -> bool:
    return viewer is None or not viewer.is_authenticated


def topics_fragment(page, viewer, board) -> tuple[str, str, str] | None:
    """The cache key of a board page's topic rows for this viewer, or None (not shared): in board.html."""
    if not _is_guest(viewer):
        return None
    script = request.environ.get("SCRIPT_NAME", "")
    return board_fragments(board.id), _fragment_slot(page, GUEST_CLASS), _digest(board.slug, script, page.items)


def topic_views(topics, viewer, board) -> list[tuple]:
    """Each topic of a board page with its TopicView: `topic_views(page.items, current_user, board)` in templates."""
    topic_url = url_pattern("boards.show_topic", "topic_id", slug=board.slug)
    post_url = url_pattern("boards.show_post", "post_id")
    rows = []
    for topic in topics:
        url, author, last = topic_url.format(topic.id), seeded(author_label(topic, viewer)), topic.last_post
        if last is None:
            view = TopicView(url, author)
        else:
            at = topic.last_activity_at
            view = TopicView(
                url,
                author,
                seeded(author_label(last, viewer)),
                post_url.format(last.id),
                at.isoformat(),
                date_label(at),
            )
        if topic.new_posts and topic.first_new_id:
            # The topic opens at the first post they haven't seen (its page, anchored).
            view.url = post_url.format(topic.first_new_id)
            many = topic.new_posts > MAX_COUNTED_NEW
            view.marker = _("%(num)s+ new", num=MAX_COUNTED_NEW) if many else _("%(num)s new", num=topic.new_posts)
        elif topic.unopened_new:
            view.marker = _("new")
        rows.append((topic, view))
    return rows


class PostLinks:
    """Links for the posts of one topic as one viewer sees them; `post_links(current_user, topic)` in templates."""

    def __init__(self, viewer, topic):
        self.viewer = viewer
        self.topic = topic
        self.can_quote = permissions.can_reply(viewer, topic)
        self.can_flag = permissions.can_review_queue(viewer)
        # Without either right, can_report_post, can_edit_post and can_delete_post are false for
        # every post, so a guest's page skips three calls a post.
        self.may_act = permissions.can_post(viewer) or permissions.has_capability(
            viewer, permissions.Capability.EDIT_ANY_POST
        )
        self.may_mute = permissions.has_capability(viewer, permissions.Capability.MUTE_MEMBERS)

    def fragment_key(self, page) -> tuple[str, str, str] | None:
        """The cache key of a topic page's posts for this viewer, or None (not shared): in topic.html.

        Beyond the rows, a post reads differently only by the viewer's rights (their role, whether
        they may post and quote here) and by authorship and mutes: those with the same rights share
        a fragment, unless they wrote a post on the page or muted one of its authors. Their own
        reactions are in the rows; the forms' CSRF token is put back per request (forum/web.py).
        """
        viewer, items = self.viewer, page.items
        named = {post.author_id for post in items if not post.is_anonymous and post.author}
        if _is_guest(viewer):
            viewer_class = GUEST_CLASS
        else:
            if any(post.author_id == viewer.id for post in items):
                return None
            if self.may_mute and named and not named.isdisjoint(self._muted):
                return None
            rights = "".join(
                flag if held else "-"
                for flag, held in zip(
                    "paqfm",
                    (permissions.can_post(viewer), self.may_act, self.can_quote, self.can_flag, self.may_mute),
                    strict=True,
                )
            )
            viewer_class = f"{viewer.role}:{rights}"
        mentors = sorted(named & self._mentor_ids) if named else ()
        script = request.environ.get("SCRIPT_NAME", "")
        content = _digest(self.topic.board.slug, script, CARE_NOTE, mentors, items)
        return topic_fragments(self.topic.id), _fragment_slot(page, viewer_class), content

    def view(self, post) -> PostView:
        """What the post_article macro (templates/_macros/post.html) shows of this post."""
        actions = {}
        if post.is_anonymous or not post.author:
            author, author_url = seeded(author_label(post, self.viewer)), None
        else:
            author = post.author.pseudonym
            author_url = self._member.format(self._path_segment(author))
            badge = permissions.staff_badge(post.author.role)
            if badge:
                actions["badge"] = seeded(badge)
            # Only named posts by members fold: staff can't be muted, and folding an anonymous post
            # would tell the reader that its author is someone they muted.
            elif self.may_mute and post.author_id in self._muted:
                actions["muted"] = True
            if post.author_id in self._mentor_ids:
                actions["mentor"] = True
        post_id, viewer = post.id, self.viewer
        if not post.is_removed_by_author:
            # Only a visible post may be quoted: the quote copies it where every reader sees it.
            if self.can_quote and post.status == PostStatus.VISIBLE:
                actions["quote"] = self._quote.format(post_id)
            if self.can_flag:
                actions["flag"] = self._flag.format(post_id)
            if self.may_act:
                if permissions.can_report_post(viewer, post):
                    actions["report"] = self._report.format(post_id)
                if permissions.can_edit_post(viewer, post):
                    actions["edit"] = self._edit.format(post_id)
                if permissions.can_delete_post(viewer, post):
                    actions["delete"] = self._delete.format(post_id)
                if permissions.can_react(viewer, post):
                    actions["react"] = self._react.format(post_id)
                if post.edited_at and permissions.can_view_post_history(viewer, post):
                    actions["history"] = self._history.format(post_id)
        if getattr(post, "flagged", False) and post.status == "visible" and not post.is_removed_by_author:
            actions["peer_note"] = not permissions.is_author(viewer, post)
        created_at = post.created_at
        return PostView(
            author,
            author_url,
            self._permalink.format(post_id),
            created_at.isoformat(),
            date_label(created_at),
            **actions,
        )

    @cached_property
    def _muted(self) -> frozenset[int]:
        # One query a page, on the first named post; guests never ask.
        return muted_ids(self.viewer.id)

    @cached_property
    def _mentor_ids(self) -> set[int]:
        # One query a page, and only when it shows a named post.
        return active_mentor_ids()

    @cached_property
    def _member(self) -> str:
        # The placeholder passes through the route's converter unchanged; _path_segment quotes the name.
        return url_pattern("boards.show_member", "pseudonym")

    @cached_property
    def _path_segment(self):
        # What url_for does to a pseudonym: the route's converter quotes it for the path.
        url_map = current_app.url_map
        return url_map.converters["default"](url_map).to_url

    @cached_property
    def _permalink(self) -> str:
        return url_pattern("boards.show_post", "post_id")

    @cached_property
    def _quote(self) -> str:
        topic = self.topic
        return url_pattern("boards.show_topic", "quote", slug=topic.board.slug, topic_id=topic.id) + "#reply"

    @cached_property
    def _flag(self) -> str:
        return url_pattern("crisis.flag_missed", "post_id")

    @cached_property
    def _report(self) -> str:
        return url_pattern("reports.report_post", "post_id")

    @cached_property
    def _edit(self) -> str:
        return url_pattern("boards.edit_post", "post_id")

    @cached_property
    def _delete(self) -> str:
        return url_pattern("boards.delete_post", "post_id")

    @cached_property
    def _react(self) -> str:
        return url_pattern("boards.react", "post_id")

    @cached_property
    def _history(self) -> str:
        return url_pattern("boards.post_history", "post_id")

"""The links under each post of a page, built once per page rather than once per post.

A thread page shows 20 posts with up to six links each; url_for costs some 15 µs a call, and the
viewer's page-wide rights (quoting, flagging) are the same for every post.
"""

from __future__ import annotations

from functools import cached_property

from forum import permissions
from forum.web import url_pattern


class PostLinks:
    """Links for the posts of one topic as one viewer sees them; `post_links(current_user, topic)` in templates."""

    def __init__(self, viewer, topic):
        self.topic = topic
        self.can_quote = permissions.can_reply(viewer, topic)
        self.can_flag = permissions.can_review_queue(viewer)
        # Without either right, can_report_post, can_edit_post and can_delete_post are false for
        # every post, so a guest's page skips three calls a post.
        self.may_act = permissions.can_post(viewer) or permissions.has_capability(
            viewer, permissions.Capability.EDIT_ANY_POST
        )

    def permalink(self, post) -> str:
        return self._permalink.format(post.id)

    def quote(self, post) -> str:
        return self._quote.format(post.id)

    def flag(self, post) -> str:
        return self._flag.format(post.id)

    def report(self, post) -> str:
        return self._report.format(post.id)

    def edit(self, post) -> str:
        return self._edit.format(post.id)

    def delete(self, post) -> str:
        return self._delete.format(post.id)

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

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from forum import permissions
from forum.accounts import mutes
from forum.accounts.forms import ActionForm
from forum.accounts.services import find_user
from forum.boards import feeds, reading, services
from forum.boards.forms import EditPostForm, ReplyForm, TopicForm
from forum.boards.models import PostStatus
from forum.errors import InvalidAction, add_error
from forum.posting import draft_to_discard, is_preview, kept_fields, member_draft, note_refusal, screened
from forum.ratelimits import EDITING_LIMIT, POSTING_LIMIT, spend
from forum.text import quote_markdown
from forum.translatable import ANONYMOUS_LABEL
from forum.urls import MAX_ID
from forum.validation import without_non_characters

bp = Blueprint("boards", __name__)


def _page_arg() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)


def _preview_of(form) -> dict[str, str]:
    """What the Preview section shows: the fields as sent, rendered by the template like a post."""
    title = getattr(form, "title", None)
    return {
        "title": title.data if title is not None else "",
        "body": form.body.data or "",
        "content_note": form.content_note.data or "",
    }


def _kept_as_draft(form) -> bool:
    """Whether a previewed or refused compose form left a draft (forum/posting.py keeps any text)."""
    return any((getattr(form, name).data or "").strip() for name in ("title", "body", "content_note") if name in form)


def _after_posting(post, support_level: str | None) -> str:
    """Remember to show support after a risky post (the workflow's finding), and say where the post went."""
    if support_level is not None:
        # The panel says itself that a held post waits for a moderator.
        session["show_support"] = {"level": support_level, "held": post.is_held}
    elif post.is_held:
        flash(gettext("Thanks for posting. A moderator will look at it soon; until then only you can see it."), "info")
    return url_for("boards.show_post", post_id=post.id)


@bp.route("/")
def index():
    return render_template("boards/index.html", boards=services.list_boards())


@bp.route("/boards/<slug>")
def show_board(slug: str):
    board = services.get_board(slug)
    page = services.board_topics(board, current_user, _page_arg())
    return render_template("boards/board.html", board=board, page=page)


@bp.route("/boards/<slug>/topics/new", methods=["GET", "POST"])
@screened("topic", fields=("title", "body", "content_note"), keep=("anonymous",), draft="topic:{slug}")
@login_required
def new_topic(slug: str):
    board = services.get_board(slug)
    draft_key = f"topic:{board.slug}"
    kept = draft = None
    if request.method == "GET":
        kept = kept_fields()
        draft = member_draft(draft_key) if kept is None else None
    form = TopicForm(data=kept or draft)
    valid = form.validate_on_submit()
    # A preview goes back with the text and posts nothing, so it spends no posting allowance.
    if valid and is_preview():
        return render_template(
            "boards/new_topic.html",
            board=board,
            form=form,
            preview=_preview_of(form),
            draft_key=draft_key,
            draft=_kept_as_draft(form),
        )
    if valid:
        try:
            topic = services.create_topic(
                board,
                current_user,
                title=form.title.data,
                body=form.body.data,
                anonymous=form.anonymous.data,
                content_note=form.content_note.data,
                before_write=_spend_posting,
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            return redirect(_after_posting(topic.last_post or _first_post(topic), topic.support_level))
    status = 200
    if request.method == "POST":
        note_refusal(form)
        status = 400
    page = render_template(
        "boards/new_topic.html",
        board=board,
        form=form,
        draft_key=draft_key,
        draft=_kept_as_draft(form) if request.method == "POST" else draft is not None,
    )
    return page, status


def _spend_posting() -> None:
    # Topics and replies share one allowance, counted once the post passes every rule.
    spend(POSTING_LIMIT, "posting")


def _first_post(topic):
    return services.topic_posts(topic, current_user, 1).items[0]


@bp.route("/boards/<slug>/topics/<id:topic_id>")
def show_topic(slug: str, topic_id: int):
    topic = services.get_topic(topic_id, current_user)
    if topic.board.slug != slug:
        return redirect(url_for("boards.show_topic", slug=topic.board.slug, topic_id=topic.id), 301)
    page = services.topic_posts(topic, current_user, _page_arg())
    # Only a viewer who may reply gets the reply box; building the form for anyone else would
    # cost a CSRF token and, for a guest, a session cookie on every page they read.
    form = kept = draft = None
    if permissions.can_reply(current_user, topic):
        kept = kept_fields()
        draft = member_draft(f"reply:{topic.id}") if kept is None else None
        form = ReplyForm(data=kept or draft)
    quote_id = request.args.get("quote", type=int)
    if form is not None and quote_id and quote_id <= MAX_ID and not form.body.data:
        try:
            quoted = services.get_post(quote_id, current_user)
        except Exception:  # noqa: BLE001 - an unknown quote id just means no quote
            quoted = None
        # The quote becomes a new post every reader sees, so it copies only what every reader may see:
        # a visible post, under its public label (not "(you)" or a moderator's private handle).
        if quoted is not None and quoted.topic_id == topic.id and quoted.status == PostStatus.VISIBLE:
            label = services.public_author_label(quoted)
            shown = gettext(label) if label == ANONYMOUS_LABEL else label  # a pseudonym is never translated
            form.body.data = quote_markdown(shown, quoted.body, gettext("%(author)s wrote:", author=shown))
    html = render_template("boards/topic.html", topic=topic, page=page, form=form, draft=draft)
    # After rendering: the commit would otherwise expire what the template reads.
    reading.mark_topic_read(current_user, topic.id, shown=page.items, known=page.read_up_to, notified=page.notified)
    return html


@bp.route("/boards/<slug>/topics/<id:topic_id>/reply", methods=["POST"])
@screened(
    "reply", fields=("body", "content_note"), keep=("anonymous",), back="boards.show_topic", draft="reply:{topic_id}"
)
@login_required
def reply(slug: str, topic_id: int):
    topic = services.get_topic(topic_id, current_user)
    form = ReplyForm()
    valid = form.validate_on_submit()
    if valid and is_preview():
        page = services.topic_posts(topic, current_user, 10**6)
        preview = _preview_of(form)
        return render_template(
            "boards/topic.html", topic=topic, page=page, form=form, preview=preview, draft=_kept_as_draft(form)
        )
    if valid:
        try:
            post = services.create_reply(
                topic,
                current_user,
                body=form.body.data,
                anonymous=form.anonymous.data,
                content_note=form.content_note.data,
                before_write=_spend_posting,
                draft_key=draft_to_discard(),
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            return redirect(_after_posting(post, post.support_level))
    note_refusal(form)
    page = services.topic_posts(topic, current_user, 10**6)
    html = render_template("boards/topic.html", topic=topic, page=page, form=form, draft=_kept_as_draft(form))
    return html, 400


@bp.route("/posts/<id:post_id>")
def show_post(post_id: int):
    post = services.get_post(post_id, current_user)
    page = services.post_page(post, current_user)
    url = url_for("boards.show_topic", slug=post.topic.board.slug, topic_id=post.topic_id, page=page)
    # After a post that signals risk the support panel comes first: the fragment lands on it.
    return redirect(f"{url}#support" if session.get("show_support") else f"{url}#post-{post.id}")


@bp.route("/posts/<id:post_id>/edit", methods=["GET", "POST"])
@screened("edit", fields=("title", "body", "content_note"), keep=("reason",))
@login_required
def edit_post(post_id: int):
    post = services.get_post(post_id, current_user)
    if not permissions.can_edit_post(current_user, post):
        abort(403)
    first = post.is_first
    kept = kept_fields() if request.method == "GET" else None
    form = EditPostForm(obj=None if request.method == "POST" or kept else post, data=kept)
    if request.method == "GET" and first and not kept:
        form.title.data = post.topic.title
    valid = form.validate_on_submit()
    if valid and is_preview():
        preview = _preview_of(form) | {"title": form.title.data if first else ""}
        return render_template("boards/edit_post.html", post=post, form=form, first=first, preview=preview)
    if valid:
        try:
            services.edit_post(
                post,
                current_user,
                body=form.body.data,
                title=form.title.data if first else None,
                content_note=form.content_note.data,
                reason=form.reason.data,
                before_write=lambda: spend(EDITING_LIMIT, "editing"),
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            if post.support_level is not None and permissions.is_author(current_user, post):
                session["show_support"] = {"level": post.support_level, "held": post.is_held}
            flash(gettext("Your changes are saved."), "success")
            return redirect(url_for("boards.show_post", post_id=post.id))
    status = 200
    if request.method == "POST":
        note_refusal(form)
        status = 400
    return render_template("boards/edit_post.html", post=post, form=form, first=first), status


@bp.post("/posts/<id:post_id>/react")
@login_required
def react(post_id: int):
    post = services.get_post(post_id, current_user)

    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.react(post, current_user, request.form.get("kind", ""))
    except InvalidAction:
        abort(400)
    return redirect(url_for("boards.show_post", post_id=post.id))


@bp.route("/posts/<id:post_id>/history")
@login_required
def post_history(post_id: int):
    post = services.get_post(post_id, current_user)
    revisions = services.post_history(post, current_user)
    return render_template("boards/post_history.html", post=post, topic=post.topic, revisions=revisions)


@bp.route("/posts/<id:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete_post(post_id: int):
    post = services.get_post(post_id, current_user)
    if not permissions.can_delete_post(current_user, post):
        abort(403)

    if request.method == "GET":
        # Deleting can't be undone: a page asks first, with no JavaScript needed.
        return render_template("boards/delete_post.html", post=post, topic=post.topic)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.delete_own_post(post, current_user)
    flash(gettext("Your post was removed."), "info")
    return redirect(url_for("boards.show_post", post_id=post.id))


@bp.route("/members/<pseudonym>")
def show_member(pseudonym: str):
    member = find_user(pseudonym)
    if member is None:
        abort(404)
    muted = permissions.can_mute_member(current_user, member) and mutes.is_muted(current_user, member)
    posts = services.member_posts(member, current_user)
    return render_template("boards/member.html", member=member, posts=posts, muted=muted)


@bp.route("/account/activity")
@login_required
def my_activity():
    # Always the signed-in member's own posts: no address shows anyone else's.
    return render_template("boards/activity.html", page=services.member_activity(current_user, _page_arg()))


# Atom feeds: what a guest may read, whoever asks (forum/boards/feeds.py).


def _atom(*, feed_title: str, self_url: str, page_url: str, entries, fallback=None):
    updated = feeds.feed_updated(entries, fallback)
    etag = feeds.feed_etag(entries, feed_title, self_url, page_url)
    response = current_app.response_class(mimetype="application/atom+xml")
    response.set_etag(etag, weak=True)
    response.last_modified = updated
    # Readers poll: an unchanged feed answers 304 without being rendered, but only to a matching
    # If-None-Match. A date can't see a post hidden by a moderator (it changes no entry's time), so a
    # reader that sends If-Modified-Since alone always gets the whole feed.
    if request.if_none_match and not is_resource_modified(request.environ, etag=etag):
        response.status_code = 304
        return response
    feed = render_template(
        "boards/feed.atom",
        feed_title=feed_title,
        self_url=self_url,
        page_url=page_url,
        entries=entries,
        updated=updated,
        rfc3339=feeds.rfc3339,
    )
    # Forms drop characters XML forbids, but rows saved before that (or by other paths) may hold them.
    response.set_data(without_non_characters(feed))
    return response


@bp.route("/latest.atom")
def latest_feed():
    return _atom(
        feed_title="Latest topics",
        self_url=url_for("boards.latest_feed", _external=True),
        page_url=url_for("boards.index", _external=True),
        entries=feeds.latest_topics(),
    )


@bp.route("/boards/<slug>/feed.atom")
def board_feed(slug: str):
    board = services.get_board(slug)
    return _atom(
        feed_title=board.name,
        self_url=url_for("boards.board_feed", slug=board.slug, _external=True),
        page_url=url_for("boards.show_board", slug=board.slug, _external=True),
        entries=feeds.latest_topics(board),
        fallback=board.last_activity_at,
    )


@bp.route("/boards/<slug>/topics/<id:topic_id>/feed.atom")
def topic_feed(slug: str, topic_id: int):
    topic = feeds.feed_topic(topic_id)
    if topic.board.slug != slug:
        return redirect(url_for("boards.topic_feed", slug=topic.board.slug, topic_id=topic.id), 301)
    return _atom(
        feed_title=topic.title,
        self_url=url_for("boards.topic_feed", slug=slug, topic_id=topic.id, _external=True),
        page_url=url_for("boards.show_topic", slug=slug, topic_id=topic.id, _external=True),
        entries=feeds.topic_posts(topic),
        fallback=topic.last_activity_at,
    )

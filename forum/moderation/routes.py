from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from forum.crisis.models import CrisisFlag
from forum.errors import InvalidAction
from forum.extensions import db, login_manager
from forum.moderation import services
from forum.moderation.forms import ResolveForm
from forum.moderation.models import QueueItem
from forum.permissions import can_review_queue

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.before_request
def moderators_only():
    # One guard for the whole blueprint: every moderation page refuses visitors and members.
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not can_review_queue(current_user):
        abort(403)
    return None


@bp.route("/")
def queue():
    return render_template("moderation/queue.html", items=services.open_items())


def _get_item(item_id: int) -> QueueItem:
    item = db.session.get(QueueItem, item_id) if item_id < 2**31 else None
    if item is None:
        abort(404)
    return item


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
def show_item(item_id: int):
    item = _get_item(item_id)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            services.resolve_item(item, current_user, resolution=form.resolution.data, note=form.note.data)
        except InvalidAction as error:
            flash(error.message, "error")
        else:
            flash("Done. Thank you.", "success")
            return redirect(url_for("moderation.queue"))
    flags = db.session.scalars(
        db.select(CrisisFlag).where(CrisisFlag.post_id == item.post_id).order_by(CrisisFlag.id)
    ).all()
    return render_template("moderation/item.html", item=item, form=form, flags=flags)

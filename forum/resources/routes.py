from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from forum import permissions
from forum.accounts.models import utcnow
from forum.boards.services import list_boards
from forum.boards.visibility import get_topic
from forum.errors import InvalidAction, add_error
from forum.extensions import db
from forum.i18n import seeded
from forum.permissions import Capability, role_required
from forum.resources import services
from forum.resources.forms import NoteForm, ResourceForm
from forum.resources.models import Resource
from forum.translatable import translatable

bp = Blueprint("resources", __name__)

TOPIC_LABELS = {
    "pin": translatable("Pin this topic"),
    "unpin": translatable("Unpin this topic"),
    "announce": translatable("Mark as an announcement"),
    "unannounce": translatable("Remove the announcement label"),
}
RESOURCE_LABELS = {
    "pin": translatable("Pin"),
    "unpin": translatable("Unpin"),
    "check": translatable("Mark checked today"),
    "up": translatable("Move up"),
    "down": translatable("Move down"),
}


@bp.app_context_processor
def board_resources():
    return {"pinned_resources": services.pinned_resources}


def _get_resource(resource_id: int) -> Resource:
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    return resource


@bp.route("/resources")
def list_resources():
    stale = None
    if permissions.can_manage_resources(current_user):
        stale = services.stale_resources(utcnow())
    return render_template(
        "resources/resources.html",
        grouped=services.list_resources(),
        stale=stale,
        stale_ids={r.id for r in stale or ()},
    )


def _resource_form(resource: Resource | None) -> ResourceForm:
    form = ResourceForm(obj=resource)
    form.board_id.choices = [(0, gettext("Whole forum"))] + [(b.id, seeded(b.name)) for b in list_boards()]
    if request.method == "GET" and resource is not None:
        form.board_id.data = resource.board_id or 0
        form.note.data = ""
    return form


def _save(resource: Resource | None):
    form = _resource_form(resource)
    if form.validate_on_submit():
        boards = {b.id: b for b in list_boards()}
        try:
            saved = services.save_resource(
                resource,
                by=current_user,
                note=form.note.data,
                title=form.title.data,
                description=form.description.data,
                url=form.url.data,
                phone=form.phone.data,
                category=form.category.data,
                board=boards.get(form.board_id.data),
                position=form.position.data,
                last_checked=form.last_checked.data,
            )
        except InvalidAction as error:
            add_error(form, error)
        else:
            flash(gettext("Saved %(title)s.", title=saved.title), "success")
            return redirect(url_for("resources.edit_resource", resource_id=saved.id))
    status = 400 if request.method == "POST" else 200
    actions = {name: NoteForm(formdata=None) for name in RESOURCE_LABELS} if resource else {}
    return render_template(
        "resources/edit_resource.html",
        form=form,
        resource=resource,
        actions=actions,
        labels={action: gettext(label) for action, label in RESOURCE_LABELS.items()},
    ), status


@bp.route("/resources/new", methods=["GET", "POST"])
@role_required(Capability.MANAGE_RESOURCES)
def new_resource():
    return _save(None)


@bp.route("/resources/<id:resource_id>/edit", methods=["GET", "POST"])
@role_required(Capability.MANAGE_RESOURCES)
def edit_resource(resource_id: int):
    return _save(_get_resource(resource_id))


@bp.route("/resources/<id:resource_id>/<any(pin,unpin,check,up,down):action>", methods=["GET", "POST"])
@role_required(Capability.MANAGE_RESOURCES)
def update_resource(resource_id: int, action: str):
    resource = _get_resource(resource_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.update_resource(resource, action, by=current_user, note=form.note.data)
        except InvalidAction as error:
            add_error(form, error)
        else:
            flash(
                gettext(
                    "%(action)s: done for %(title)s.", action=gettext(RESOURCE_LABELS[action]), title=resource.title
                ),
                "success",
            )
            return redirect(url_for("resources.list_resources"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "resources/confirm.html",
        form=form,
        heading=f"{gettext(RESOURCE_LABELS[action])}: {resource.title}",
        back=url_for("resources.edit_resource", resource_id=resource.id),
    ), status


@bp.route("/topics/<id:topic_id>/<any(pin,unpin,announce,unannounce):action>", methods=["GET", "POST"])
@role_required(Capability.PIN_TOPICS)
def update_topic(topic_id: int, action: str):
    topic = get_topic(topic_id, current_user)
    form = NoteForm()
    back = url_for("boards.show_topic", slug=topic.board.slug, topic_id=topic.id)
    if form.validate_on_submit():
        try:
            services.change_topic(topic, action, by=current_user, note=form.note.data)
        except InvalidAction as error:
            add_error(form, error)
        else:
            flash(gettext("%(action)s: done.", action=gettext(TOPIC_LABELS[action])), "success")
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "resources/confirm.html", form=form, heading=f"{gettext(TOPIC_LABELS[action])}: {topic.title}", back=back
    ), status

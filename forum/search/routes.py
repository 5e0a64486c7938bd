from flask import Blueprint, render_template, request
from flask_login import current_user

from forum.errors import InvalidAction, add_error
from forum.search import services
from forum.search.forms import SearchForm

bp = Blueprint("search", __name__)


def _page_arg() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000)


@bp.route("/search")
def search_posts():
    form = SearchForm(request.args)
    results = None
    if "q" in request.args:
        try:
            results = services.search_posts(form.q.data, current_user, _page_arg())
        except InvalidAction as error:
            add_error(form, error, default="q")
    return render_template("search/results.html", form=form, results=results)

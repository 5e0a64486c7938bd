from flask_wtf import FlaskForm
from wtforms import SearchField

from forum.i18n import lazy_text as _l
from forum.search.query import MAX_QUERY_LENGTH


class SearchForm(FlaskForm):
    """The search box; read from the query string, so it carries no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search posts and topics"), render_kw={"maxlength": MAX_QUERY_LENGTH})

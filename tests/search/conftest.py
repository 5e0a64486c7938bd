import pytest

from forum.search import services


@pytest.fixture
def search(app):
    """Post ids found for a query, in result order (first page)."""

    def do_search(query: str, viewer=None, page: int = 1) -> list[int]:
        return [hit.post.id for hit in services.search_posts(query, viewer, page).items]

    return do_search

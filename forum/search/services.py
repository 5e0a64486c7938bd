"""Search over topic titles and post bodies, showing only what everyone may read."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import Float, Integer, column, func, select, text
from sqlalchemy.orm import contains_eager, joinedload

from forum.accounts.models import User
from forum.boards.models import Post, PostStatus, Topic
from forum.boards.services import Page
from forum.extensions import db
from forum.search.query import SearchQuery, highlight, parse_query, snippet

RESULTS_PER_PAGE = 20
# A title match counts this much more than the same match in a post's body.
TITLE_WEIGHT = 2.0

# Each engine returns (post_id, score), lower scores first; a title match stands for its topic's
# first post. Author names are not indexed, so no search finds a post by who wrote it. The
# configuration 'english' is POSTGRES_CONFIG in forum/search/models.py, as the indexes use it.
# Counting skips the scores: ranking is most of the work when a word is in many posts.
_SQLITE_HITS = """
SELECT post_id, min(score) AS score FROM (
    SELECT rowid AS post_id, bm25(post_fts) AS score FROM post_fts WHERE post_fts MATCH :match
    UNION ALL
    SELECT (SELECT min(post.id) FROM post WHERE post.topic_id = topic_fts.rowid), :title_weight * bm25(topic_fts)
    FROM topic_fts WHERE topic_fts MATCH :match
) AS matched GROUP BY post_id
"""
_SQLITE_MATCHES = """
SELECT rowid AS post_id FROM post_fts WHERE post_fts MATCH :match
UNION
SELECT (SELECT min(post.id) FROM post WHERE post.topic_id = topic_fts.rowid) FROM topic_fts WHERE topic_fts MATCH :match
"""
_POSTGRES_HITS = """
SELECT post_id, min(score) AS score FROM (
    SELECT post.id AS post_id, -ts_rank(post.search_vector, query) AS score
    FROM post, to_tsquery('english'::regconfig, :match) AS query
    WHERE post.search_vector @@ query
    UNION ALL
    SELECT (SELECT min(first.id) FROM post AS first WHERE first.topic_id = topic.id),
           -:title_weight * ts_rank(to_tsvector('english'::regconfig, topic.title), query)
    FROM topic, to_tsquery('english'::regconfig, :match) AS query
    WHERE to_tsvector('english'::regconfig, topic.title) @@ query
) AS matched GROUP BY post_id
"""
_POSTGRES_MATCHES = """
SELECT post.id AS post_id FROM post WHERE post.search_vector @@ to_tsquery('english'::regconfig, :match)
UNION
SELECT (SELECT min(first.id) FROM post AS first WHERE first.topic_id = topic.id) FROM topic
WHERE to_tsvector('english'::regconfig, topic.title) @@ to_tsquery('english'::regconfig, :match)
"""


@dataclass(frozen=True)
class SearchHit:
    post: Post
    title: Markup
    snippet: Markup


def _hits(query: SearchQuery, *, scored: bool):
    """A subquery of matching post ids, with a score column when `scored`."""
    postgres = db.engine.dialect.name == "postgresql"
    if scored:
        statement = text(_POSTGRES_HITS if postgres else _SQLITE_HITS).bindparams(title_weight=TITLE_WEIGHT)
        columns = (column("post_id", Integer), column("score", Float))
    else:
        statement = text(_POSTGRES_MATCHES if postgres else _SQLITE_MATCHES)
        columns = (column("post_id", Integer),)
    match = query.tsquery() if postgres else query.fts5()
    return statement.bindparams(match=match).columns(*columns).subquery("hits")


def _readable():
    # Only what a guest may read: hidden, held and removed posts, and posts in hidden or held
    # topics, stay out for everyone, moderators and authors included (their own pages show them).
    return (Post.status == PostStatus.VISIBLE.value) & (Topic.status == PostStatus.VISIBLE.value)


def search_posts(raw_query: str, viewer: User | None, page: int) -> Page:
    """One page of posts matching the query, best first; raises InvalidAction for an unusable query."""
    query = parse_query(raw_query)

    def matched(statement, hits):
        return statement.join(hits, hits.c.post_id == Post.id).join(Post.topic).where(_readable())

    total = db.session.scalar(matched(select(func.count(Post.id)), _hits(query, scored=False)))
    pages = max((total + RESULTS_PER_PAGE - 1) // RESULTS_PER_PAGE, 1)
    page = min(max(page, 1), pages)
    hits = _hits(query, scored=True)
    posts = db.session.scalars(
        matched(select(Post), hits)
        .options(contains_eager(Post.topic).joinedload(Topic.board), joinedload(Post.author))
        .order_by(hits.c.score, Post.id.desc())
        .limit(RESULTS_PER_PAGE)
        .offset((page - 1) * RESULTS_PER_PAGE)
    ).unique()
    items = [SearchHit(post, highlight(post.topic.title, query), snippet(post.body, query)) for post in posts]
    return Page(items, page, pages, total)

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
# Ranking reads every match's index entry and scores it: for a word found in most posts that is
# most of the forum. So a search ranks only the newest matches: the newest WINDOW posts whose body
# matches and the opening posts of the newest WINDOW topics whose title matches. Older matches of
# so common a search are not shown; the page says so, and more words narrow it.
WINDOW = 2000

# Each engine returns (post_id, score), lower scores first; a title match stands for its topic's
# first post. Author names are not indexed, so no search finds a post by who wrote it. The
# configuration 'english' is POSTGRES_CONFIG in forum/search/models.py, as the indexes use it.
# Each source is cut to its newest :window matches by id first (FTS5 walks its doclist backwards;
# PostgreSQL sorts the matching ids alone), so only those are scored. Counting skips the scores.
_SQLITE_HITS = """
SELECT post_id, min(score) AS score FROM (
    SELECT post_id, score FROM (
        SELECT rowid AS post_id, bm25(post_fts) AS score FROM post_fts WHERE post_fts MATCH :match
        ORDER BY rowid DESC LIMIT :window
    ) AS body
    UNION ALL
    SELECT (SELECT min(post.id) FROM post WHERE post.topic_id = title.topic_id), score FROM (
        SELECT rowid AS topic_id, :title_weight * bm25(topic_fts) AS score FROM topic_fts WHERE topic_fts MATCH :match
        ORDER BY rowid DESC LIMIT :window
    ) AS title
) AS matched GROUP BY post_id
"""
_SQLITE_MATCHES = """
SELECT post_id FROM (
    SELECT rowid AS post_id FROM post_fts WHERE post_fts MATCH :match ORDER BY rowid DESC LIMIT :window
) AS body
UNION
SELECT (SELECT min(post.id) FROM post WHERE post.topic_id = title.topic_id) FROM (
    SELECT rowid AS topic_id FROM topic_fts WHERE topic_fts MATCH :match ORDER BY rowid DESC LIMIT :window
) AS title
"""
# Whether either source has more matches than the window holds: reads at most :window + 1 entries.
_SQLITE_MORE = """
(SELECT count(*) FROM (SELECT 1 FROM post_fts WHERE post_fts MATCH :match LIMIT :window + 1)) > :window
OR (SELECT count(*) FROM (SELECT 1 FROM topic_fts WHERE topic_fts MATCH :match LIMIT :window + 1)) > :window
"""
_POSTGRES_HITS = """
SELECT post_id, min(score) AS score FROM (
    SELECT post.id AS post_id, -ts_rank(post.search_vector, query) AS score
    FROM (
        SELECT post.id FROM post WHERE post.search_vector @@ to_tsquery('english'::regconfig, :match)
        ORDER BY post.id DESC LIMIT :window
    ) AS body
    JOIN post ON post.id = body.id, to_tsquery('english'::regconfig, :match) AS query
    UNION ALL
    SELECT (SELECT min(first.id) FROM post AS first WHERE first.topic_id = topic.id),
           -:title_weight * ts_rank(to_tsvector('english'::regconfig, topic.title), query)
    FROM (
        SELECT topic.id FROM topic
        WHERE to_tsvector('english'::regconfig, topic.title) @@ to_tsquery('english'::regconfig, :match)
        ORDER BY topic.id DESC LIMIT :window
    ) AS title
    JOIN topic ON topic.id = title.id, to_tsquery('english'::regconfig, :match) AS query
) AS matched GROUP BY post_id
"""
_POSTGRES_MATCHES = """
SELECT body.id AS post_id FROM (
    SELECT post.id FROM post WHERE post.search_vector @@ to_tsquery('english'::regconfig, :match)
    ORDER BY post.id DESC LIMIT :window
) AS body
UNION
SELECT (SELECT min(first.id) FROM post AS first WHERE first.topic_id = title.id) FROM (
    SELECT topic.id FROM topic
    WHERE to_tsvector('english'::regconfig, topic.title) @@ to_tsquery('english'::regconfig, :match)
    ORDER BY topic.id DESC LIMIT :window
) AS title
"""
_POSTGRES_MORE = """
(SELECT count(*) FROM (
    SELECT 1 FROM post WHERE post.search_vector @@ to_tsquery('english'::regconfig, :match) LIMIT :window + 1
) AS body) > :window
OR (SELECT count(*) FROM (
    SELECT 1 FROM topic
    WHERE to_tsvector('english'::regconfig, topic.title) @@ to_tsquery('english'::regconfig, :match)
    LIMIT :window + 1
) AS title) > :window
"""


@dataclass(frozen=True)
class SearchResults(Page):
    # True when the search matched more than the window ranks: `total` counts only what was ranked.
    more: bool = False
    # True when more than WINDOW readable posts were ranked: `total` is WINDOW, the page says "more than".
    capped: bool = False


@dataclass(frozen=True)
class SearchHit:
    post: Post
    title: Markup
    snippet: Markup


def _hits(query: SearchQuery, *, scored: bool):
    """A subquery of matching post ids within the window, with a score column when `scored`."""
    postgres = db.engine.dialect.name == "postgresql"
    if scored:
        statement = text(_POSTGRES_HITS if postgres else _SQLITE_HITS).bindparams(title_weight=TITLE_WEIGHT)
        columns = (column("post_id", Integer), column("score", Float))
    else:
        statement = text(_POSTGRES_MATCHES if postgres else _SQLITE_MATCHES)
        columns = (column("post_id", Integer),)
    return statement.bindparams(**_values(query)).columns(*columns).subquery("hits")


def _more(query: SearchQuery):
    """A boolean expression: does the query match more than the window holds?"""
    postgres = db.engine.dialect.name == "postgresql"
    return text(_POSTGRES_MORE if postgres else _SQLITE_MORE).bindparams(**_values(query))


def _values(query: SearchQuery) -> dict:
    postgres = db.engine.dialect.name == "postgresql"
    return {"match": query.tsquery() if postgres else query.fts5(), "window": WINDOW}


def _readable():
    # Only what a guest may read: hidden, held and removed posts, and posts in hidden or held
    # topics, stay out for everyone, moderators and authors included (their own pages show them).
    return (Post.status == PostStatus.VISIBLE.value) & (Topic.status == PostStatus.VISIBLE.value)


def search_posts(raw_query: str, viewer: User | None, page: int) -> SearchResults:
    """One page of posts matching the query, best first; raises InvalidAction for an unusable query.

    Only the newest matches are ranked (see WINDOW); `more` says when older ones were left out.
    """
    query = parse_query(raw_query)

    def matched(statement, hits):
        return statement.join(hits, hits.c.post_id == Post.id).join(Post.topic).where(_readable())

    # Counting looks up each hit's post and topic by primary key (a correlated subquery, which no
    # planner turns into a join) and stops one past WINDOW. As a join, PostgreSQL hash-joined the
    # hits with every visible post's index entry and every topic: a cost that grew with the forum.
    hits = _hits(query, scored=False)
    readable = (
        select(Post.id).join(Post.topic).where(Post.id == hits.c.post_id, _readable()).correlate(hits).scalar_subquery()
    )
    bounded = select(hits.c.post_id).where(readable.is_not(None)).limit(WINDOW + 1).subquery()
    total, more = db.session.execute(select(func.count(), _more(query)).select_from(bounded)).one()
    capped = total > WINDOW
    total = min(total, WINDOW)
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
    return SearchResults(items, page, pages, total, more=bool(more), capped=capped)

"""The search index: no ORM models, only the full-text structures kept beside `post` and `topic`.

SQLite gets two FTS5 tables with external content (they store only the index, reading text from
`post` and `topic`), kept in step by triggers, so every writer (services, bulk updates, account
deletion) keeps the index right without remembering to. PostgreSQL gets a generated tsvector
column on `post` and an expression index on topic titles. Author names are never indexed: a search
for a pseudonym must not find its anonymous posts.

`db.create_all()` (tests) builds these through the DDL hooks below; `flask db upgrade` through the
migration `add search index`, which repeats the same statements.
"""

from __future__ import annotations

from sqlalchemy import DDL, event

from forum.boards.models import Post, Topic

# Porter stemming so "relapsing" finds "relapse"; diacritics folded so "cafe" finds "café".
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
# The text-search configuration PostgreSQL stems with; the same stemming family as Porter.
POSTGRES_CONFIG = "english"

SQLITE_POST_DDL = (
    f"CREATE VIRTUAL TABLE post_fts USING fts5(body, content='post', content_rowid='id', "
    f"tokenize='{SQLITE_TOKENIZER}')",
    "CREATE TRIGGER post_fts_insert AFTER INSERT ON post BEGIN "
    "INSERT INTO post_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER post_fts_delete AFTER DELETE ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER post_fts_update AFTER UPDATE OF body ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO post_fts(rowid, body) VALUES (new.id, new.body); END",
)
SQLITE_TOPIC_DDL = (
    f"CREATE VIRTUAL TABLE topic_fts USING fts5(title, content='topic', content_rowid='id', "
    f"tokenize='{SQLITE_TOKENIZER}')",
    "CREATE TRIGGER topic_fts_insert AFTER INSERT ON topic BEGIN "
    "INSERT INTO topic_fts(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER topic_fts_delete AFTER DELETE ON topic BEGIN "
    "INSERT INTO topic_fts(topic_fts, rowid, title) VALUES ('delete', old.id, old.title); END",
    "CREATE TRIGGER topic_fts_update AFTER UPDATE OF title ON topic BEGIN "
    "INSERT INTO topic_fts(topic_fts, rowid, title) VALUES ('delete', old.id, old.title); "
    "INSERT INTO topic_fts(rowid, title) VALUES (new.id, new.title); END",
)
POSTGRES_POST_DDL = (
    f"ALTER TABLE post ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('{POSTGRES_CONFIG}'::regconfig, body)) STORED",
    "CREATE INDEX ix_post_search_vector ON post USING gin (search_vector)",
)
POSTGRES_TOPIC_DDL = (
    f"CREATE INDEX ix_topic_title_search ON topic USING gin (to_tsvector('{POSTGRES_CONFIG}'::regconfig, title))",
)

# Names Alembic's autogenerate must leave alone: they are not in the models on purpose.
INDEX_OBJECT_PREFIXES = ("post_fts", "topic_fts")
INDEX_OBJECT_NAMES = frozenset({"search_vector", "ix_post_search_vector", "ix_topic_title_search"})


def is_search_index_object(name: str | None) -> bool:
    """True for the tables, columns and indexes this module owns (for Alembic's include_object)."""
    return bool(name) and (name.startswith(INDEX_OBJECT_PREFIXES) or name in INDEX_OBJECT_NAMES)


def _attach(table, statements: tuple[str, ...], dialect: str) -> None:
    for statement in statements:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))


_attach(Post.__table__, SQLITE_POST_DDL, "sqlite")
_attach(Topic.__table__, SQLITE_TOPIC_DDL, "sqlite")
_attach(Post.__table__, POSTGRES_POST_DDL, "postgresql")
_attach(Topic.__table__, POSTGRES_TOPIC_DDL, "postgresql")
# Dropping `post` drops its triggers but not the FTS table that reads from it.
event.listen(Post.__table__, "after_drop", DDL("DROP TABLE IF EXISTS post_fts").execute_if(dialect="sqlite"))
event.listen(Topic.__table__, "after_drop", DDL("DROP TABLE IF EXISTS topic_fts").execute_if(dialect="sqlite"))

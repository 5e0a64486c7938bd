"""add search index

SQLite: FTS5 tables over post bodies and topic titles (external content, so they hold only the
index), kept in step by triggers, and filled from the existing rows. PostgreSQL: a generated
tsvector column on post with a GIN index, and a GIN expression index on topic titles. The same
statements as forum/search/models.py, copied so this script never changes after it is applied.

Revision ID: 5e3c1a9d2f47
Revises: b4145de9fa2e
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e3c1a9d2f47'
down_revision = 'b4145de9fa2e'
branch_labels = None
depends_on = None

SQLITE_UPGRADE = (
    "CREATE VIRTUAL TABLE post_fts USING fts5(body, content='post', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER post_fts_insert AFTER INSERT ON post BEGIN "
    "INSERT INTO post_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER post_fts_delete AFTER DELETE ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER post_fts_update AFTER UPDATE OF body ON post BEGIN "
    "INSERT INTO post_fts(post_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO post_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE VIRTUAL TABLE topic_fts USING fts5(title, content='topic', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER topic_fts_insert AFTER INSERT ON topic BEGIN "
    "INSERT INTO topic_fts(rowid, title) VALUES (new.id, new.title); END",
    "CREATE TRIGGER topic_fts_delete AFTER DELETE ON topic BEGIN "
    "INSERT INTO topic_fts(topic_fts, rowid, title) VALUES ('delete', old.id, old.title); END",
    "CREATE TRIGGER topic_fts_update AFTER UPDATE OF title ON topic BEGIN "
    "INSERT INTO topic_fts(topic_fts, rowid, title) VALUES ('delete', old.id, old.title); "
    "INSERT INTO topic_fts(rowid, title) VALUES (new.id, new.title); END",
    # Index the posts and topics written before this migration.
    "INSERT INTO post_fts(post_fts) VALUES ('rebuild')",
    "INSERT INTO topic_fts(topic_fts) VALUES ('rebuild')",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS post_fts_insert",
    "DROP TRIGGER IF EXISTS post_fts_delete",
    "DROP TRIGGER IF EXISTS post_fts_update",
    "DROP TRIGGER IF EXISTS topic_fts_insert",
    "DROP TRIGGER IF EXISTS topic_fts_delete",
    "DROP TRIGGER IF EXISTS topic_fts_update",
    "DROP TABLE IF EXISTS post_fts",
    "DROP TABLE IF EXISTS topic_fts",
)
# The generated column computes itself for existing rows as it is added.
POSTGRES_UPGRADE = (
    "ALTER TABLE post ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, body)) STORED",
    "CREATE INDEX ix_post_search_vector ON post USING gin (search_vector)",
    "CREATE INDEX ix_topic_title_search ON topic USING gin (to_tsvector('english'::regconfig, title))",
)
POSTGRES_DOWNGRADE = (
    "DROP INDEX IF EXISTS ix_topic_title_search",
    "DROP INDEX IF EXISTS ix_post_search_vector",
    "ALTER TABLE post DROP COLUMN IF EXISTS search_vector",
)


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        _run(SQLITE_UPGRADE)
    elif dialect == 'postgresql':
        _run(POSTGRES_UPGRADE)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        _run(SQLITE_DOWNGRADE)
    elif dialect == 'postgresql':
        _run(POSTGRES_DOWNGRADE)

"""one open queue item per post, and each topic's first post

A partial unique index keeps one open queue item per post (enqueue upserts against it); open
duplicates left by the old SELECT-then-INSERT are merged into the oldest first. topic.first_post_id
names the post that opened each topic, backfilled from the lowest post id.

Revision ID: c5e1d7a3b9f2
Revises: e333e08e103d
Create Date: 2026-12-05 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5e1d7a3b9f2'
down_revision = 'e333e08e103d'
branch_labels = None
depends_on = None

OPEN = sa.text('resolved_at IS NULL')


def upgrade():
    with op.batch_alter_table('topic') as batch:
        batch.add_column(sa.Column('first_post_id', sa.Integer(), nullable=True))
    op.execute(
        'UPDATE topic SET first_post_id = (SELECT min(post.id) FROM post WHERE post.topic_id = topic.id)'
    )
    # The oldest open item of a post takes the most urgent priority of its duplicates; the others close.
    op.execute(
        'UPDATE queue_item SET priority = ('
        ' SELECT min(other.priority) FROM queue_item AS other'
        ' WHERE other.post_id = queue_item.post_id AND other.resolved_at IS NULL)'
        ' WHERE resolved_at IS NULL'
    )
    op.execute(
        "UPDATE queue_item SET resolved_at = created_at, resolution = 'merged'"
        ' WHERE resolved_at IS NULL AND id NOT IN ('
        ' SELECT min(id) FROM (SELECT id, post_id FROM queue_item WHERE resolved_at IS NULL) AS open_items'
        ' GROUP BY post_id)'
    )
    op.create_index(
        'uq_queue_item_open_post', 'queue_item', ['post_id'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN
    )


def downgrade():
    op.drop_index('uq_queue_item_open_post', table_name='queue_item')
    if op.get_bind().dialect.name == 'sqlite':
        # A plain column (no key, no index): SQLite drops it in place. Batch mode would rebuild `topic`,
        # and dropping the old table fails while posts refer to it.
        op.execute('ALTER TABLE topic DROP COLUMN first_post_id')
    else:
        op.drop_column('topic', 'first_post_id')

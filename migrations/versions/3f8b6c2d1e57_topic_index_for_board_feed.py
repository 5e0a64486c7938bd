"""topic index for board feed

A board's Atom feed lists its newest visible topics by id. ix_topic_board_listing is ordered by
pinning and activity, so that query read every topic of the board and sorted them (a temporary
B-tree on SQLite, ~17 ms at 20,000 topics in one board). (board_id, status, id) gives the rows in
order, already filtered, and the query stops after the first twenty.

Revision ID: 3f8b6c2d1e57
Revises: 7d2e4b1c9a30
Create Date: 2026-11-23 12:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3f8b6c2d1e57'
down_revision = '7d2e4b1c9a30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_topic_board_newest', 'topic', ['board_id', 'status', 'id'])


def downgrade():
    op.drop_index('ix_topic_board_newest', table_name='topic')

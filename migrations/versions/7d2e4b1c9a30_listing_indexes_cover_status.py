"""listing indexes cover status

The board and topic pages count the visible topics of a board and the visible posts of a topic.
With status in the listing indexes those counts read the index alone instead of fetching every
row of the board or thread, so a long thread costs no more than a short one.

Revision ID: 7d2e4b1c9a30
Revises: 5e3c1a9d2f47
Create Date: 2026-11-23 09:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7d2e4b1c9a30'
down_revision = '5e3c1a9d2f47'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_topic_board_listing', table_name='topic')
    op.create_index('ix_topic_board_listing', 'topic', ['board_id', 'is_pinned', 'last_activity_at', 'id', 'status'])
    op.drop_index('ix_post_topic_listing', table_name='post')
    op.create_index('ix_post_topic_listing', 'post', ['topic_id', 'id', 'status'])


def downgrade():
    op.drop_index('ix_post_topic_listing', table_name='post')
    op.create_index('ix_post_topic_listing', 'post', ['topic_id', 'id'])
    op.drop_index('ix_topic_board_listing', table_name='topic')
    op.create_index('ix_topic_board_listing', 'topic', ['board_id', 'is_pinned', 'last_activity_at'])

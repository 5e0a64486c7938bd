"""add topic read state

How far each signed-in member has read each topic they opened, for the "3 new" markers on board
pages: one row per member and topic, gone with either.

Revision ID: c5e91a7d3b62
Revises: a7c3e9d51b20
Create Date: 2026-12-05 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c5e91a7d3b62'
down_revision = 'a7c3e9d51b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'topic_read',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('last_read_post_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_topic_read_user_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['topic_id'], ['topic.id'], name=op.f('fk_topic_read_topic_id_topic'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', 'topic_id', name=op.f('pk_topic_read')),
    )


def downgrade():
    op.drop_table('topic_read')

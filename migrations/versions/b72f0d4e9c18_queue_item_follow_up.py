"""queue item follow-up

"Check back in N hours" on a crisis item: follow_up_at is when it reopens and alerts the moderator
who set it (follow_up_by_id), or on-call.

Revision ID: b72f0d4e9c18
Revises: a13e7c5d0b21
Create Date: 2026-12-04 21:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b72f0d4e9c18'
down_revision = 'a13e7c5d0b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('queue_item') as batch:
        batch.add_column(sa.Column('follow_up_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('follow_up_by_id', sa.Integer(), nullable=True))
        batch.create_index('ix_queue_item_follow_up_at', ['follow_up_at'])
        batch.create_foreign_key(
            'fk_queue_item_follow_up_by_id_user', 'user', ['follow_up_by_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    with op.batch_alter_table('queue_item') as batch:
        batch.drop_constraint('fk_queue_item_follow_up_by_id_user', type_='foreignkey')
        batch.drop_index('ix_queue_item_follow_up_at')
        batch.drop_column('follow_up_by_id')
        batch.drop_column('follow_up_at')

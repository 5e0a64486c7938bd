"""queue item urgent_at

Escalation counted from when an item was created, so an item raised to urgent after hours as a
report or a held post was escalated at once, and one raised a minute ago looked as old as its first
report. urgent_at records when the item became urgent; escalation counts from it. Existing urgent
items take their creation time.

Revision ID: a13e7c5d0b21
Revises: 3f8b6c2d1e57
Create Date: 2026-12-04 21:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a13e7c5d0b21'
down_revision = '3f8b6c2d1e57'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('queue_item') as batch:
        batch.add_column(sa.Column('urgent_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE queue_item SET urgent_at = created_at WHERE priority = 0")


def downgrade():
    with op.batch_alter_table('queue_item') as batch:
        batch.drop_column('urgent_at')

"""add cache epoch

One row counting the changes that take text off pages (edit, delete, hide, erasure). Each worker
reads it at most once a second and empties its in-process page caches when it moved.

Revision ID: a7c3e9f1b2d4
Revises: b8d4f2a6c913
Create Date: 2026-12-05 04:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b2d4'
down_revision = 'b8d4f2a6c913'
branch_labels = None
depends_on = None


def upgrade():
    cache_epoch = op.create_table(
        'cache_epoch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cache_epoch')),
    )
    op.bulk_insert(cache_epoch, [{'id': 1, 'value': 0}])


def downgrade():
    op.drop_table('cache_epoch')

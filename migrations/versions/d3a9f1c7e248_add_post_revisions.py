"""add post revisions

An edited post keeps its earlier versions for its author and the moderators (the edit history).
A post its author removes, and an erased account's posts, lose theirs.

Revision ID: d3a9f1c7e248
Revises: e61b7c0d2a94
Create Date: 2026-12-04 22:55:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd3a9f1c7e248'
down_revision = 'e61b7c0d2a94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'post_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=True),
        sa.Column('content_note', sa.String(length=100), nullable=True),
        sa.Column('written_at', sa.DateTime(), nullable=False),
        sa.Column('replaced_at', sa.DateTime(), nullable=False),
        sa.Column('by_moderator', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_post_revision_post_id_post'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_post_revision')),
    )
    with op.batch_alter_table('post_revision') as batch:
        batch.create_index(batch.f('ix_post_revision_post_id'), ['post_id'], unique=False)


def downgrade():
    with op.batch_alter_table('post_revision') as batch:
        batch.drop_index(batch.f('ix_post_revision_post_id'))
    op.drop_table('post_revision')

"""add reactions

"Thank you", "Me too" and "Sending support" on posts: one row per member, post and kind (unique),
gone with the post or the member.

Revision ID: f4b2c8e1a637
Revises: d3a9f1c7e248
Create Date: 2026-12-04 23:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f4b2c8e1a637'
down_revision = 'd3a9f1c7e248'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reaction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('post_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_reaction_post_id_post'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reaction_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reaction')),
        sa.UniqueConstraint('post_id', 'user_id', 'kind', name=op.f('uq_reaction_post_id')),
    )
    with op.batch_alter_table('reaction') as batch:
        batch.create_index(batch.f('ix_reaction_post_id'), ['post_id'], unique=False)
        batch.create_index(batch.f('ix_reaction_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reaction') as batch:
        batch.drop_index(batch.f('ix_reaction_user_id'))
        batch.drop_index(batch.f('ix_reaction_post_id'))
    op.drop_table('reaction')

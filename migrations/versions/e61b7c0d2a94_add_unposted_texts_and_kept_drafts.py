"""add unposted texts and kept drafts

A risky text whose post was refused (rate limit, validation, locked topic, suspension, expired
session) is kept for the moderators; a form sent while signed out waits for its author to sign in.

Revision ID: e61b7c0d2a94
Revises: b8d52f3c0e16
Create Date: 2026-12-04 21:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e61b7c0d2a94'
down_revision = 'b8d52f3c0e16'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'unposted_text',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('is_anonymous', sa.Boolean(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('path', sa.String(length=500), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('refusal', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('resolved_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_unposted_text_author_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_unposted_text_resolved_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_unposted_text')),
    )
    op.create_index('ix_unposted_text_open', 'unposted_text', ['resolved_at', 'created_at'])
    op.create_index(op.f('ix_unposted_text_author_id'), 'unposted_text', ['author_id'])
    op.create_table(
        'kept_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('path', sa.String(length=500), nullable=False),
        sa.Column('fields_json', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_draft')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_kept_draft_token_hash')),
    )
    op.create_index(op.f('ix_kept_draft_created_at'), 'kept_draft', ['created_at'])


def downgrade():
    op.drop_index(op.f('ix_kept_draft_created_at'), table_name='kept_draft')
    op.drop_table('kept_draft')
    op.drop_index(op.f('ix_unposted_text_author_id'), table_name='unposted_text')
    op.drop_index('ix_unposted_text_open', table_name='unposted_text')
    op.drop_table('unposted_text')

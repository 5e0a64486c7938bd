"""add member drafts, member mutes and announcements

A member's unsent reply or topic (one per member and form), the members one has muted (folded for
them alone), and the site-wide announcement banner.

Revision ID: a7d3e9c41b25
Revises: c5e91a7d3b62
Create Date: 2026-12-05 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7d3e9c41b25'
down_revision = 'c5e91a7d3b62'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'member_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('fields_json', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_member_draft_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_member_draft')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_member_draft_user_id')),
    )
    op.create_table(
        'member_mute',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('muted_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['muted_id'], ['user.id'], name=op.f('fk_member_mute_muted_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_member_mute_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_member_mute')),
        sa.UniqueConstraint('user_id', 'muted_id', name=op.f('uq_member_mute_user_id')),
    )
    with op.batch_alter_table('member_mute') as batch:
        batch.create_index(batch.f('ix_member_mute_muted_id'), ['muted_id'], unique=False)
    op.create_table(
        'announcement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('body', sa.String(length=1000), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('cleared_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user.id'], name=op.f('fk_announcement_created_by_id_user'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement')),
    )
    with op.batch_alter_table('announcement') as batch:
        batch.create_index(batch.f('ix_announcement_cleared_at'), ['cleared_at'], unique=False)


def downgrade():
    with op.batch_alter_table('announcement') as batch:
        batch.drop_index(batch.f('ix_announcement_cleared_at'))
    op.drop_table('announcement')
    with op.batch_alter_table('member_mute') as batch:
        batch.drop_index(batch.f('ix_member_mute_muted_id'))
    op.drop_table('member_mute')
    op.drop_table('member_draft')

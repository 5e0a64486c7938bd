"""add check-ins and recovery start dates

A member's private daily check-ins (one per day), the start dates they count from (a reset keeps the
old row), the milestones they shared to the Milestones board, and their opt-in to let a moderator
know when check-ins look hard. Every row is the member's and goes with the account.

Revision ID: e333e08e103d
Revises: a7c3e9d51f08
Create Date: 2026-12-05 00:06:29.989434

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e333e08e103d'
down_revision = 'a7c3e9d51f08'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('mood', sa.Integer(), nullable=False),
        sa.Column('cravings', sa.Integer(), nullable=False),
        sa.Column('sleep', sa.Integer(), nullable=False),
        sa.Column('medication', sa.String(length=3), nullable=False),
        sa.Column('note', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_check_in_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in')),
        sa.UniqueConstraint('user_id', 'day', name='uq_check_in_user_day'),
    )
    op.create_table(
        'recovery_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('tell_moderators', sa.Boolean(), nullable=False),
        sa.Column('concern_open_since', sa.DateTime(), nullable=True),
        sa.Column('time_zone', sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'], name=op.f('fk_recovery_preference_user_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_recovery_preference')),
    )
    op.create_table(
        'recovery_start',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=60), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('replaced_at', sa.DateTime(), nullable=True),
        sa.Column('replaced_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['replaced_by_id'],
            ['recovery_start.id'],
            name=op.f('fk_recovery_start_replaced_by_id_recovery_start'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'], name=op.f('fk_recovery_start_user_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_start')),
    )
    with op.batch_alter_table('recovery_start') as batch:
        batch.create_index('ix_recovery_start_user', ['user_id', 'replaced_at'], unique=False)
    op.create_table(
        'milestone_share',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('start_id', sa.Integer(), nullable=False),
        sa.Column('milestone', sa.String(length=8), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['start_id'], ['recovery_start.id'], name=op.f('fk_milestone_share_start_id_recovery_start'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['topic_id'], ['topic.id'], name=op.f('fk_milestone_share_topic_id_topic'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user.id'], name=op.f('fk_milestone_share_user_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_share')),
        sa.UniqueConstraint('start_id', 'milestone', name='uq_milestone_share_start_milestone'),
    )
    with op.batch_alter_table('milestone_share') as batch:
        batch.create_index(batch.f('ix_milestone_share_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('milestone_share') as batch:
        batch.drop_index(batch.f('ix_milestone_share_user_id'))
    op.drop_table('milestone_share')
    with op.batch_alter_table('recovery_start') as batch:
        batch.drop_index('ix_recovery_start_user')
    op.drop_table('recovery_start')
    op.drop_table('recovery_preference')
    op.drop_table('check_in')

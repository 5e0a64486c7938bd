"""notify of mentoring and meeting reminders

Notifications may tell of a mentoring pairing (an offer accepted, a message, its end) and of a meeting
about to start. Members ask "Remind me" on a meeting's page (meeting_reminder); `flask meetings remind`
sends each reminder once and records when.

Revision ID: b8d4f2a6c913
Revises: c5e1d7a3b9f2
Create Date: 2026-12-05 01:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d4f2a6c913'
down_revision = 'c5e1d7a3b9f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('pairing_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f('fk_notification_pairing_id_mentor_pairing'), 'mentor_pairing', ['pairing_id'], ['id'],
            ondelete='CASCADE',
        )
        batch.create_foreign_key(
            batch.f('fk_notification_meeting_id_meeting'), 'meeting', ['meeting_id'], ['id'], ondelete='CASCADE'
        )
    op.create_table(
        'meeting_reminder',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_reminder_meeting_id_meeting'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['member_id'], ['user.id'], name=op.f('fk_meeting_reminder_member_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_reminder')),
        sa.UniqueConstraint('meeting_id', 'member_id', name='uq_meeting_reminder_meeting_id'),
    )
    with op.batch_alter_table('meeting_reminder') as batch:
        batch.create_index(batch.f('ix_meeting_reminder_member_id'), ['member_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_reminder') as batch:
        batch.drop_index(batch.f('ix_meeting_reminder_member_id'))
    op.drop_table('meeting_reminder')
    with op.batch_alter_table('notification') as batch:
        batch.drop_constraint(batch.f('fk_notification_meeting_id_meeting'), type_='foreignkey')
        batch.drop_constraint(batch.f('fk_notification_pairing_id_mentor_pairing'), type_='foreignkey')
        batch.drop_column('meeting_id')
        batch.drop_column('pairing_id')

"""add meetings

Facilitated online meetings: the meeting (board, start in UTC, length, reading, keep or erase), its
posts, the participants its facilitator paused, and a keyed hash per member who opened the room
(counted, never named).

Revision ID: a7c3e9d51b20
Revises: c5e9a2d4f713
Create Date: 2026-12-05 00:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e9d51b20'
down_revision = 'c5e9a2d4f713'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=150), nullable=False),
        sa.Column('board_id', sa.Integer(), nullable=False),
        sa.Column('facilitator_id', sa.Integer(), nullable=True),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('length_minutes', sa.Integer(), nullable=False),
        sa.Column('reading', sa.Text(), nullable=False),
        sa.Column('reading_pinned', sa.Boolean(), nullable=False),
        sa.Column('keep_posts', sa.Boolean(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(), nullable=True),
        sa.Column('erased_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_meeting_board_id_board')),
        sa.ForeignKeyConstraint(
            ['facilitator_id'], ['user.id'], name=op.f('fk_meeting_facilitator_id_user'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    )
    with op.batch_alter_table('meeting') as batch:
        batch.create_index('ix_meeting_starts_at', ['starts_at'], unique=False)

    op.create_table(
        'meeting_post',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('is_anonymous', sa.Boolean(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('crisis_level', sa.String(length=10), nullable=True),
        sa.Column('is_held', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['author_id'], ['user.id'], name=op.f('fk_meeting_post_author_id_user'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_post_meeting_id_meeting'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_post')),
    )
    with op.batch_alter_table('meeting_post') as batch:
        batch.create_index(batch.f('ix_meeting_post_author_id'), ['author_id'], unique=False)
        batch.create_index('ix_meeting_post_room', ['meeting_id', 'id'], unique=False)

    op.create_table(
        'meeting_pause',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_pause_meeting_id_meeting'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['member_id'], ['user.id'], name=op.f('fk_meeting_pause_member_id_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_pause')),
        sa.UniqueConstraint('meeting_id', 'member_id', name='uq_meeting_pause_meeting_id'),
    )
    with op.batch_alter_table('meeting_pause') as batch:
        batch.create_index(batch.f('ix_meeting_pause_member_id'), ['member_id'], unique=False)

    op.create_table(
        'meeting_visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('visitor', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_visit_meeting_id_meeting'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_visit')),
        sa.UniqueConstraint('meeting_id', 'visitor', name='uq_meeting_visit_meeting_id'),
    )


def downgrade():
    op.drop_table('meeting_visit')
    with op.batch_alter_table('meeting_pause') as batch:
        batch.drop_index(batch.f('ix_meeting_pause_member_id'))
    op.drop_table('meeting_pause')
    with op.batch_alter_table('meeting_post') as batch:
        batch.drop_index('ix_meeting_post_room')
        batch.drop_index(batch.f('ix_meeting_post_author_id'))
    op.drop_table('meeting_post')
    with op.batch_alter_table('meeting') as batch:
        batch.drop_index('ix_meeting_starts_at')
    op.drop_table('meeting')

"""add reports, moderator messages and on-call alerts

Revision ID: b4145de9fa2e
Revises: 8390a98d6168
Create Date: 2026-11-23 07:17:47.447795

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4145de9fa2e'
down_revision = '8390a98d6168'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderator_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=150), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('include_crisis_lines', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_moderator_message_post_id_post')),
    sa.ForeignKeyConstraint(['recipient_id'], ['user.id'], name=op.f('fk_moderator_message_recipient_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sender_id'], ['user.id'], name=op.f('fk_moderator_message_sender_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_message'))
    )
    with op.batch_alter_table('moderator_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderator_message_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('queue_item_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_report_post_id_post')),
    sa.ForeignKeyConstraint(['queue_item_id'], ['queue_item.id'], name=op.f('fk_report_queue_item_id_queue_item')),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], name=op.f('fk_report_reporter_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report')),
    sa.UniqueConstraint('post_id', 'reporter_id', name='uq_report_post_reporter')
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_queue_item_id'), ['queue_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_reporter_id'), ['reporter_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alert_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('on_call_until', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('on_call_until')
        batch_op.drop_column('alert_email')

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_report_queue_item_id'))
        batch_op.drop_index(batch_op.f('ix_report_post_id'))

    op.drop_table('report')
    with op.batch_alter_table('moderator_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderator_message_recipient_id'))

    op.drop_table('moderator_message')

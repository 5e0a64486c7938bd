"""add message replies

The conversation under a moderator's message: the member's replies and the moderators' answers.

Revision ID: b8d52f3c0e16
Revises: a7c41e2b9d05
Create Date: 2026-12-04 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d52f3c0e16'
down_revision = 'a7c41e2b9d05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('message_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('from_member', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('crisis_level', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_message_reply_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['moderator_message.id'], name=op.f('fk_message_reply_message_id_moderator_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_reply'))
    )
    with op.batch_alter_table('message_reply', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_reply_message_id'), ['message_id'], unique=False)


def downgrade():
    with op.batch_alter_table('message_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_reply_message_id'))

    op.drop_table('message_reply')

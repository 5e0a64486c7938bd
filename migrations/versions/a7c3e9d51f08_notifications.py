"""add notifications and topic watches

A member is told of replies to topics they watch, quotes, mentions, reactions (once a day per post),
moderators' messages and their answers, reveal notices and reviewed reports: one row per event. Each
member watches the topics they started or answered (backfilled here) and may mute any topic.

Revision ID: a7c3e9d51f08
Revises: a7c3e9d14b52
Create Date: 2026-12-05 00:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e9d51f08'
down_revision = 'a7c3e9d14b52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('group_key', sa.String(length=24), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=True),
        sa.Column('post_id', sa.Integer(), nullable=True),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('report_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.String(length=30), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['message_id'], ['moderator_message.id'],
            name=op.f('fk_notification_message_id_moderator_message'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_notification_post_id_post'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['report_id'], ['report.id'], name=op.f('fk_notification_report_id_report'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['topic_id'], ['topic.id'], name=op.f('fk_notification_topic_id_topic'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    )
    with op.batch_alter_table('notification') as batch:
        batch.create_index('ix_notification_unread', ['user_id', 'read_at', 'group_key'], unique=False)
        batch.create_index(batch.f('ix_notification_post_id'), ['post_id'], unique=False)
    op.create_table(
        'topic_watch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ['topic_id'], ['topic.id'], name=op.f('fk_topic_watch_topic_id_topic'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_topic_watch_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_watch')),
        sa.UniqueConstraint('user_id', 'topic_id', name=op.f('uq_topic_watch_user_id')),
    )
    with op.batch_alter_table('topic_watch') as batch:
        batch.create_index(batch.f('ix_topic_watch_topic_id'), ['topic_id'], unique=False)
    # Members already watch what they started or answered.
    op.execute(
        "INSERT INTO topic_watch (user_id, topic_id, level) "
        "SELECT DISTINCT author_id, topic_id, 'watching' FROM post WHERE author_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('topic_watch') as batch:
        batch.drop_index(batch.f('ix_topic_watch_topic_id'))
    op.drop_table('topic_watch')
    with op.batch_alter_table('notification') as batch:
        batch.drop_index(batch.f('ix_notification_post_id'))
        batch.drop_index('ix_notification_unread')
    op.drop_table('notification')

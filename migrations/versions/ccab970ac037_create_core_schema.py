"""create core schema

Revision ID: ccab970ac037
Revises:
Create Date: 2026-11-23 07:00:06.481712

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ccab970ac037'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_outbox'))
    )
    with op.batch_alter_table('alert_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_alert_outbox_due', ['delivered_at', 'next_attempt_at'], unique=False)

    op.create_table('board',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=60), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('topic_count', sa.Integer(), nullable=False),
    sa.Column('post_count', sa.Integer(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(), nullable=True),
    sa.Column('last_post_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board')),
    sa.UniqueConstraint('slug', name=op.f('uq_board_slug'))
    )
    op.create_table('hotline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('sms_number', sa.String(length=40), nullable=False),
    sa.Column('sms_body', sa.String(length=40), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('last_checked', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotline'))
    )
    with op.batch_alter_table('hotline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hotline_region'), ['region'], unique=False)

    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=30), nullable=False),
    sa.Column('pseudonym_key', sa.String(length=30), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('region', sa.String(length=8), nullable=True),
    sa.Column('anonymous_handle', sa.String(length=12), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('suspended_until', sa.DateTime(), nullable=True),
    sa.Column('is_banned', sa.Boolean(), nullable=False),
    sa.Column('restriction_reason', sa.String(length=500), nullable=True),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('anonymous_handle', name=op.f('uq_user_anonymous_handle')),
    sa.UniqueConstraint('pseudonym_key', name=op.f('uq_user_pseudonym_key'))
    )
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('is_anonymous', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(), nullable=False),
    sa.Column('last_post_id', sa.Integer(), nullable=True),
    sa.Column('post_count', sa.Integer(), nullable=False),
    sa.Column('is_pinned', sa.Boolean(), nullable=False),
    sa.Column('is_announcement', sa.Boolean(), nullable=False),
    sa.Column('is_locked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_topic_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], name=op.f('fk_topic_board_id_board')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic'))
    )
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_topic_board_listing', ['board_id', 'is_pinned', 'last_activity_at'], unique=False)

    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('is_anonymous', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('content_note', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.Column('moderator_note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_post_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_post_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post'))
    )
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_post_topic_listing', ['topic_id', 'id'], unique=False)

    op.create_table('crisis_flag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('matches_json', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('flagged_by_id', sa.Integer(), nullable=True),
    sa.Column('feedback', sa.String(length=20), nullable=True),
    sa.Column('feedback_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['feedback_by_id'], ['user.id'], name=op.f('fk_crisis_flag_feedback_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['flagged_by_id'], ['user.id'], name=op.f('fk_crisis_flag_flagged_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_crisis_flag_post_id_post')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_flag'))
    )
    with op.batch_alter_table('crisis_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crisis_flag_post_id'), ['post_id'], unique=False)

    op.create_table('queue_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=30), nullable=True),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('broadcast_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['user.id'], name=op.f('fk_queue_item_claimed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_queue_item_post_id_post')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_queue_item_resolved_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_item'))
    )
    with op.batch_alter_table('queue_item', schema=None) as batch_op:
        batch_op.create_index('ix_queue_item_open', ['resolved_at', 'priority', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_queue_item_post_id'), ['post_id'], unique=False)

    op.create_table('moderation_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('queue_item_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('target_user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_moderation_action_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_moderation_action_post_id_post')),
    sa.ForeignKeyConstraint(['queue_item_id'], ['queue_item.id'], name=op.f('fk_moderation_action_queue_item_id_queue_item')),
    sa.ForeignKeyConstraint(['target_user_id'], ['user.id'], name=op.f('fk_moderation_action_target_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_moderation_action_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_action'))
    )
    with op.batch_alter_table('moderation_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_action_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_action_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_action_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_action_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_action_queue_item_id'), ['queue_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_action_target_user_id'), ['target_user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('moderation_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_action_target_user_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_action_queue_item_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_action_post_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_action_created_at'))
        batch_op.drop_index(batch_op.f('ix_moderation_action_actor_id'))
        batch_op.drop_index(batch_op.f('ix_moderation_action_action'))

    op.drop_table('moderation_action')
    with op.batch_alter_table('queue_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_item_post_id'))
        batch_op.drop_index('ix_queue_item_open')

    op.drop_table('queue_item')
    with op.batch_alter_table('crisis_flag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crisis_flag_post_id'))

    op.drop_table('crisis_flag')
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index('ix_post_topic_listing')
        batch_op.drop_index(batch_op.f('ix_post_author_id'))

    op.drop_table('post')
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_index('ix_topic_board_listing')
        batch_op.drop_index(batch_op.f('ix_topic_author_id'))

    op.drop_table('topic')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
    op.drop_table('user')
    with op.batch_alter_table('hotline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hotline_region'))

    op.drop_table('hotline')
    op.drop_table('board')
    with op.batch_alter_table('alert_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_outbox_due')

    op.drop_table('alert_outbox')

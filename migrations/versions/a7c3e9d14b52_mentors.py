"""add peer mentoring

Peer mentor badges (with the training date and who granted them), requests, offers, pairings, their
messages, and the items the crisis screening or a report raises for the moderators. One active badge
and one open request per member are partial unique indexes.

Revision ID: a7c3e9d14b52
Revises: a7d3e9c41b25
Create Date: 2026-12-05 00:06:52.448534

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e9d14b52'
down_revision = 'a7d3e9c41b25'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mentor_badge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('trained_on', sa.Date(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_mentor_badge_granted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_mentor_badge_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'], name=op.f('fk_mentor_badge_withdrawn_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_badge'))
    )
    with op.batch_alter_table('mentor_badge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_badge_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_mentor_badge_active', ['user_id'], unique=True, sqlite_where=sa.text('withdrawn_at IS NULL'), postgresql_where=sa.text('withdrawn_at IS NULL'))

    op.create_table('mentor_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('crisis_level', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_mentor_request_member_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_request'))
    )
    with op.batch_alter_table('mentor_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_request_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_request_status'), ['status'], unique=False)
        batch_op.create_index('uq_mentor_request_open', ['member_id'], unique=True, sqlite_where=sa.text("status IN ('open', 'held')"), postgresql_where=sa.text("status IN ('open', 'held')"))

    op.create_table('mentor_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['mentor_id'], ['user.id'], name=op.f('fk_mentor_offer_mentor_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['mentor_request.id'], name=op.f('fk_mentor_offer_request_id_mentor_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_offer')),
    sa.UniqueConstraint('request_id', 'mentor_id', name='uq_mentor_offer_request_mentor')
    )
    with op.batch_alter_table('mentor_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_offer_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_offer_request_id'), ['request_id'], unique=False)

    op.create_table('mentor_pairing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['user.id'], name=op.f('fk_mentor_pairing_member_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentor_id'], ['user.id'], name=op.f('fk_mentor_pairing_mentor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['mentor_request.id'], name=op.f('fk_mentor_pairing_request_id_mentor_request'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_pairing'))
    )
    with op.batch_alter_table('mentor_pairing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentor_pairing_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentor_pairing_mentor_id'), ['mentor_id'], unique=False)

    op.create_table('mentoring_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('crisis_level', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_mentoring_message_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pairing_id'], ['mentor_pairing.id'], name=op.f('fk_mentoring_message_pairing_id_mentor_pairing'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_message'))
    )
    with op.batch_alter_table('mentoring_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentoring_message_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentoring_message_pairing_id'), ['pairing_id'], unique=False)

    op.create_table('mentoring_concern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('pairing_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_mentoring_concern_author_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['mentoring_message.id'], name=op.f('fk_mentoring_concern_message_id_mentoring_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pairing_id'], ['mentor_pairing.id'], name=op.f('fk_mentoring_concern_pairing_id_mentor_pairing'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], name=op.f('fk_mentoring_concern_reporter_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['mentor_request.id'], name=op.f('fk_mentoring_concern_request_id_mentor_request'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_mentoring_concern_resolved_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_concern'))
    )
    with op.batch_alter_table('mentoring_concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentoring_concern_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_mentoring_concern_open', ['resolved_at', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentoring_concern_pairing_id'), ['pairing_id'], unique=False)


def downgrade():
    for table in ('mentoring_concern', 'mentoring_message', 'mentor_pairing', 'mentor_offer', 'mentor_request', 'mentor_badge'):
        op.drop_table(table)

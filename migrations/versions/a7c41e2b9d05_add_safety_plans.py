"""add safety plans

A member's private safety plan: one per account, deleted with it.

Revision ID: a7c41e2b9d05
Revises: a91c4e7b2d05
Create Date: 2026-12-04 21:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c41e2b9d05'
down_revision = 'a91c4e7b2d05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('safety_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('warning_signs', sa.Text(), nullable=False),
    sa.Column('coping_steps', sa.Text(), nullable=False),
    sa.Column('distractions', sa.Text(), nullable=False),
    sa.Column('helpers', sa.Text(), nullable=False),
    sa.Column('professionals', sa.Text(), nullable=False),
    sa.Column('safe_space', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_safety_plan_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safety_plan')),
    sa.UniqueConstraint('user_id', name=op.f('uq_safety_plan_user_id'))
    )


def downgrade():
    op.drop_table('safety_plan')

"""drop account lockout

Sign-in guessing is now slowed by a rate limit on (address, pseudonym), kept in memory or Redis.
The per-account lock let anyone shut a member out for an hour, renewable for ever, and its
message showed which pseudonyms exist.

Revision ID: a91c4e7b2d05
Revises: b72f0d4e9c18
Create Date: 2026-12-04 21:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a91c4e7b2d05'
down_revision = 'b72f0d4e9c18'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user') as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user') as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))

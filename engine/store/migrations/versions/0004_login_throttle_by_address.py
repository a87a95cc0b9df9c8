"""login throttle by client address: failures per (name, address) and per address across names

Revision ID: 0004
Revises: 0005 (after 0003 -> 0006 -> 0005 on main)
Create Date: 2026-12-06

Written beside 0005/0006 in parallel: it follows whatever was the head when it was merged (0006),
so the chain stays one line (0003 -> 0006 -> 0004); the ids are names, not an order.

The old table counted failures per name only, so anyone could lock a clerk out by typing her name
with wrong passwords. Its rows are short-lived counters, not records: the table is replaced, not
migrated (the audit chain keeps every failed login).
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table('login_throttle')
    op.create_table('login_throttle',
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'username', 'address')
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_window_start'), ['window_start'], unique=False)


def downgrade() -> None:
    op.drop_table('login_throttle')
    op.create_table('login_throttle',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('username')
    )

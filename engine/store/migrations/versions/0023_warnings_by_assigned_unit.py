"""Warnings by the unit they were assigned to: a 村民委员会's 我的待办 counts the warnings waiting for
its answer, and its list reads them, on every load (issue 12's 交办 answered by the unit).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""
from alembic import op


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_warnings_assigned_unit_status', 'warnings', ['assigned_unit', 'status'])


def downgrade() -> None:
    op.drop_index('ix_warnings_assigned_unit_status', table_name='warnings')

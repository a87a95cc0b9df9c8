"""overdue at scale (issue 17): ready steps by village and due time; overdue matters' index with their id

The partial index counts a village's overdue steps from the index alone (the 考核 dashboard); the
id added to (township_code, step_due_at) lets "overdue now" count its first thousand without the table.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")


def upgrade() -> None:
    op.create_index('ix_inbox_ready_village_due', 'inbox', ['village_code', 'due_at'],
                    postgresql_where=READY, sqlite_where=READY)
    op.drop_index('ix_instances_township_step_due', table_name='instances')
    op.create_index('ix_instances_township_step_due', 'instances', ['township_code', 'step_due_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_instances_township_step_due', table_name='instances')
    op.create_index('ix_instances_township_step_due', 'instances', ['township_code', 'step_due_at'])
    op.drop_index('ix_inbox_ready_village_due', table_name='inbox')

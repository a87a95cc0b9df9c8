"""assessment_tallies: the 考核 counts per village, Beijing month and item, filled from the matters; an index for overdue steps

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment_tallies',
    sa.Column('village_code', sa.String(length=64), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('township_code', sa.String(length=64), nullable=False),
    *(sa.Column(name, sa.Integer(), nullable=False, server_default='0') for name in (
        'matters', 'completed', 'published', 'steps_due', 'steps_on_time', 'evidence_fields', 'evidence_given')),
    sa.PrimaryKeyConstraint('village_code', 'month', 'process_key')
    )
    # Steps overdue now are counted live (they change with the clock): by this index, not a scan.
    op.create_index('ix_inbox_state_due', 'inbox', ['state', 'due_at'])
    # The months so far are counted from the matters by migration 0021 (the count reads the
    # current models, and 0021 added a column it reads: run here it would fail on it).


def downgrade() -> None:
    op.drop_index('ix_inbox_state_due', table_name='inbox')
    op.drop_table('assessment_tallies')

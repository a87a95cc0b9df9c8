"""step evidence: how many evidence (file) fields a completed step's form had, and how many were given

Counted when the step is completed, so the 考核 dashboard sums them in the database instead of
reading every step's audit payload. Steps completed before this revision count as having none.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('inbox', 'archived_inbox'):            # the archive keeps every column of the hot table
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('evidence_fields', sa.Integer(), nullable=False, server_default='0'))
            batch.add_column(sa.Column('evidence_given', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    for table in ('inbox', 'archived_inbox'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('evidence_given')
            batch.drop_column('evidence_fields')

"""drop an index no query uses (issue 17): audit events by type

Measured at 1,000,000 matters (bench/bench_scale.py, pg_stat_user_indexes): ix_audit_events_event
(119 MB at 18.8 million events, written with every event) was never scanned: every read by type also
names the matter or the sequence number, which have their own indexes. (ix_instances_township_code,
never scanned there either, is kept: without it a township's running matters were counted by a
sequential scan, 9 -> 41 ms.)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""
from alembic import op


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_audit_events_event', table_name='audit_events')


def downgrade() -> None:
    op.create_index('ix_audit_events_event', 'audit_events', ['event'])

"""operations: timer-worker heartbeats, incidents, archive tables of closed matters

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-08
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0004'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('worker_heartbeats',
    sa.Column('worker_id', sa.String(length=100), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', TIME, nullable=False),
    sa.Column('last_beat_at', TIME, nullable=False),
    sa.PrimaryKeyConstraint('worker_id')
    )
    op.create_index('ix_worker_heartbeats_last_beat_at', 'worker_heartbeats', ['last_beat_at'])
    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('village_code', sa.String(length=64), nullable=False),
    sa.Column('township_code', sa.String(length=64), nullable=False),
    sa.Column('process', sa.String(length=64), nullable=True),
    sa.Column('file', sa.String(length=300), nullable=True),
    sa.Column('element', sa.String(length=64), nullable=True),
    sa.Column('element_name', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('occurred_at', TIME, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('resolved_by', sa.String(length=64), nullable=True),
    sa.Column('resolved_at', TIME, nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_incidents_matter_id', 'incidents', ['matter_id'])
    op.create_index('ix_incidents_state_township', 'incidents', ['state', 'township_code'])
    op.create_table('archived_instances',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('village_code', sa.String(length=64), nullable=False),
    sa.Column('township_code', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=100), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('serializer_version', sa.String(length=16), nullable=False),
    sa.Column('next_timer_due', TIME, nullable=True),
    sa.Column('waiting_timers', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('updated_at', TIME, nullable=False),
    sa.Column('ended_at', TIME, nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', TIME, nullable=False),
    sa.Column('archived_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['definition_id'], ['definition_versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    for column in ('process_key', 'village_code', 'ended_at'):
        op.create_index(f'ix_archived_instances_{column}', 'archived_instances', [column])
    op.create_table('archived_inbox',
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('step_id', sa.String(length=64), nullable=False),
    sa.Column('step_name', sa.String(length=200), nullable=False),
    sa.Column('objection_intake', sa.Boolean(), nullable=False),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('village_code', sa.String(length=64), nullable=False),
    sa.Column('township_code', sa.String(length=64), nullable=False),
    sa.Column('ready_since', TIME, nullable=False),
    sa.Column('due_at', TIME, nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('completed_by', sa.String(length=64), nullable=True),
    sa.Column('completed_at', TIME, nullable=True),
    sa.Column('archived_at', TIME, nullable=False),
    sa.Column('archived_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['archived_instances.id'], ),
    sa.PrimaryKeyConstraint('task_id')
    )
    op.create_index('ix_archived_inbox_instance_id', 'archived_inbox', ['instance_id'])
    op.create_table('archived_attachments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', TIME, nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('archived_at', TIME, nullable=False),
    sa.Column('archived_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['archived_instances.id'], ),
    sa.ForeignKeyConstraint(['sha256'], ['attachment_blobs.sha256'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_archived_attachments_instance_id', 'archived_attachments', ['instance_id'])
    op.create_index('ix_archived_attachments_sha256', 'archived_attachments', ['sha256'])


def downgrade() -> None:
    op.drop_table('archived_attachments')
    op.drop_table('archived_inbox')
    op.drop_table('archived_instances')
    op.drop_table('incidents')
    op.drop_table('worker_heartbeats')

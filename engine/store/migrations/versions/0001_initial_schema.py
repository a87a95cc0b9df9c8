"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachment_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.String(length=40), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_event'), ['event'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_instance_id'), ['instance_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('definition_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('bundle_sha256', sa.String(length=64), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('info', sa.JSON(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('process_key', 'bundle_sha256')
    )
    with op.batch_alter_table('definition_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_definition_versions_process_key'), ['process_key'], unique=False)

    op.create_table('org_units',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['parent_code'], ['org_units.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('instances',
    sa.Column('id', sa.Integer(), nullable=False),
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
    sa.Column('next_timer_due', sa.DateTime(timezone=True), nullable=True),
    sa.Column('waiting_timers', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['definition_id'], ['definition_versions.id'], ),
    sa.ForeignKeyConstraint(['village_code'], ['org_units.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.create_index('ix_instances_due', ['status', 'next_timer_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_instances_process_key'), ['process_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_instances_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_instances_township_code'), ['township_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_instances_village_code'), ['village_code'], unique=False)

    op.create_table('township_parameters',
    sa.Column('township_code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['township_code'], ['org_units.code'], ),
    sa.PrimaryKeyConstraint('township_code', 'name')
    )
    op.create_table('attachments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ),
    sa.ForeignKeyConstraint(['sha256'], ['attachment_blobs.sha256'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)

    op.create_table('inbox',
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
    sa.Column('ready_since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('completed_by', sa.String(length=64), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id')
    )
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index('ix_inbox_ready', ['state', 'role', 'village_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_role'), ['role'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_township_code'), ['township_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_village_code'), ['village_code'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('inbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_village_code'))
        batch_op.drop_index(batch_op.f('ix_inbox_township_code'))
        batch_op.drop_index(batch_op.f('ix_inbox_role'))
        batch_op.drop_index('ix_inbox_ready')
        batch_op.drop_index(batch_op.f('ix_inbox_instance_id'))

    op.drop_table('inbox')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachments_instance_id'))

    op.drop_table('attachments')
    op.drop_table('township_parameters')
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instances_village_code'))
        batch_op.drop_index(batch_op.f('ix_instances_township_code'))
        batch_op.drop_index(batch_op.f('ix_instances_status'))
        batch_op.drop_index(batch_op.f('ix_instances_process_key'))
        batch_op.drop_index('ix_instances_due')

    op.drop_table('instances')
    op.drop_table('org_units')
    with op.batch_alter_table('definition_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_definition_versions_process_key'))

    op.drop_table('definition_versions')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_instance_id'))
        batch_op.drop_index(batch_op.f('ix_audit_events_event'))

    op.drop_table('audit_events')
    op.drop_table('attachment_blobs')

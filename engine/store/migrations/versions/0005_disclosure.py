"""disclosure: published records (the public portal's only source) and objections filed online

Revision ID: 0005
Revises: 0006
Create Date: 2026-12-10
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('published_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('village_code', sa.String(length=64), nullable=False),
    sa.Column('township_code', sa.String(length=64), nullable=False),
    sa.Column('process_key', sa.String(length=64), nullable=False),
    sa.Column('item_name', sa.String(length=200), nullable=False),
    sa.Column('source_process', sa.String(length=64), nullable=False),
    sa.Column('element', sa.String(length=64), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('role', sa.String(length=64), nullable=True),
    sa.Column('section', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('audit_hash', sa.String(length=64), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('publicity_step', sa.String(length=64), nullable=True),
    sa.Column('publicity_task_id', sa.String(length=36), nullable=True),
    sa.Column('publicity_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['instances.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['village_code'], ['org_units.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('published_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_records_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index('ix_published_village_section', ['village_code', 'section', 'withdrawn_at'], unique=False)
        batch_op.create_index('ix_published_village_changed', ['village_code', 'changed_at'], unique=False)

    op.create_table('public_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.String(length=36), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('registered_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['matter_id'], ['instances.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['published_records.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('public_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_objections_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_objections_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_objections_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_objections_source'), ['source'], unique=False)


def downgrade() -> None:
    op.drop_table('public_objections')
    op.drop_table('published_records')

"""complaints: villagers' complaints, their reporters apart, 督办单, matter exclusions, the
notification outbox, the public lookup throttle (issue 11)

Revision ID: 0009
Revises: 0013
Create Date: 2026-12-10
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0013'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=True),
    sa.Column('lookup_hash', sa.String(length=64), nullable=False),
    sa.Column('village_code', sa.String(length=64), nullable=False),
    sa.Column('township_code', sa.String(length=64), nullable=False),
    sa.Column('county_code', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('concerned_matter', sa.String(length=200), nullable=True),
    sa.Column('about_cadre', sa.Boolean(), nullable=False),
    sa.Column('publish_consent', sa.Boolean(), nullable=False),
    sa.Column('public_summary', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('handler_level', sa.String(length=16), nullable=True),
    sa.Column('handler_unit', sa.String(length=100), nullable=True),
    sa.Column('received_at', TIME, nullable=False),
    sa.Column('registered_at', TIME, nullable=True),
    sa.Column('accept_due', TIME, nullable=True),
    sa.Column('accepted_at', TIME, nullable=True),
    sa.Column('answer_due', TIME, nullable=True),
    sa.Column('answered_at', TIME, nullable=True),
    sa.Column('answered_late', sa.Boolean(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('public_answer', sa.Text(), nullable=True),
    sa.Column('rating', sa.String(length=16), nullable=True),
    sa.Column('rated_at', TIME, nullable=True),
    sa.Column('pending_rating', sa.JSON(), nullable=True),
    sa.Column('reopened', sa.Boolean(), nullable=False),
    sa.Column('reviewed', sa.Boolean(), nullable=False),
    sa.Column('supervisions', sa.Integer(), nullable=False),
    sa.Column('closed_at', TIME, nullable=True),
    sa.Column('outcome', sa.String(length=100), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('changed_at', TIME, nullable=False),
    sa.ForeignKeyConstraint(['village_code'], ['org_units.code']),
    sa.ForeignKeyConstraint(['merged_into_id'], ['complaints.id']),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number'),
    sa.UniqueConstraint('lookup_hash')
    )
    op.create_index('ix_complaints_status', 'complaints', ['status'])
    op.create_index('ix_complaints_matter_id', 'complaints', ['matter_id'])
    op.create_index('ix_complaints_county_code', 'complaints', ['county_code'])
    op.create_index('ix_complaints_source', 'complaints', ['source'])
    op.create_index('ix_complaints_village_received', 'complaints', ['village_code', 'received_at'])
    op.create_index('ix_complaints_township_received', 'complaints', ['township_code', 'received_at'])
    op.create_table('complaint_reporters',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id')
    )
    op.create_table('complaint_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_complaint_photos_complaint_id', 'complaint_photos', ['complaint_id'])
    op.create_table('supervision_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('overdue_step', sa.String(length=200), nullable=False),
    sa.Column('handler_role', sa.String(length=64), nullable=False),
    sa.Column('issuer_role', sa.String(length=64), nullable=False),
    sa.Column('issuer_org', sa.String(length=64), nullable=False),
    sa.Column('previous_due', TIME, nullable=True),
    sa.Column('new_due', TIME, nullable=True),
    sa.Column('issued_at', TIME, nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    op.create_index('ix_supervision_orders_complaint_id', 'supervision_orders', ['complaint_id'])
    op.create_index('ix_supervision_orders_matter_id', 'supervision_orders', ['matter_id'])
    op.create_table('matter_exclusions',
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('matter_id', 'username')
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('next_attempt_at', TIME, nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', TIME, nullable=True),
    sa.Column('delivered_at', TIME, nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index('ix_outbox_due', 'outbox_messages', ['delivered_at', 'next_attempt_at'])
    op.create_index('ix_outbox_messages_complaint_id', 'outbox_messages', ['complaint_id'])
    op.create_table('public_lookups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('at', TIME, nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_public_lookups_source', 'public_lookups', ['source'])
    op.create_index('ix_public_lookups_at', 'public_lookups', ['at'])


def downgrade() -> None:
    for table in ('public_lookups', 'outbox_messages', 'matter_exclusions', 'supervision_orders',
                  'complaint_photos', 'complaint_reporters', 'complaints'):
        op.drop_table(table)

"""hardening: township-declared parameters, idempotency keys of matter starts

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('township_parameter_definitions',
    sa.Column('township_code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('bounds', sa.JSON(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['township_code'], ['org_units.code'], ),
    sa.PrimaryKeyConstraint('township_code', 'name')
    )
    op.create_table('idempotency_keys',
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['instances.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('actor', 'key')
    )


def downgrade() -> None:
    op.drop_table('idempotency_keys')
    op.drop_table('township_parameter_definitions')

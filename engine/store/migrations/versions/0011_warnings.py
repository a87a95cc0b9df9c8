"""warnings: red-line warnings and the matters they name, kinship registers, rule sweeps

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-12
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('rule_code', sa.String(length=16), nullable=False),
    sa.Column('check', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('village_code', sa.String(length=64), nullable=False),
    sa.Column('township_code', sa.String(length=64), nullable=False),
    sa.Column('matter_ids', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('first_seen_at', TIME, nullable=False),
    sa.Column('last_seen_at', TIME, nullable=False),
    sa.Column('cleared_at', TIME, nullable=True),
    sa.Column('assigned_unit', sa.String(length=64), nullable=True),
    sa.Column('assigned_due', TIME, nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.Column('updated_at', TIME, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index('ix_warnings_rule_code', 'warnings', ['rule_code'])
    op.create_index('ix_warnings_first_seen_at', 'warnings', ['first_seen_at'])
    op.create_index('ix_warnings_township_status', 'warnings', ['township_code', 'status'])
    op.create_index('ix_warnings_village_status', 'warnings', ['village_code', 'status'])
    op.create_table('warning_matters',
    sa.Column('warning_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['warning_id'], ['warnings.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('warning_id', 'matter_id')
    )
    op.create_index('ix_warning_matters_matter_id', 'warning_matters', ['matter_id'])
    op.create_table('related_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('village_code', sa.String(length=64), nullable=False),
    sa.Column('cadre', sa.String(length=100), nullable=False),
    sa.Column('party', sa.String(length=200), nullable=False),
    sa.Column('relation', sa.String(length=50), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.Column('added_at', TIME, nullable=False),
    sa.ForeignKeyConstraint(['village_code'], ['org_units.code']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_related_parties_village', 'related_parties', ['village_code'])
    op.create_table('redline_sweeps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', TIME, nullable=False),
    sa.Column('finished_at', TIME, nullable=True),
    sa.Column('villages', sa.Integer(), nullable=False),
    sa.Column('matters', sa.Integer(), nullable=False),
    sa.Column('raised', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('cleared', sa.Integer(), nullable=False),
    sa.Column('escalated', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_redline_sweeps_started_at', 'redline_sweeps', ['started_at'])


def downgrade() -> None:
    op.drop_table('redline_sweeps')
    op.drop_index('ix_related_parties_village', table_name='related_parties')
    op.drop_table('related_parties')
    op.drop_index('ix_warning_matters_matter_id', table_name='warning_matters')
    op.drop_table('warning_matters')
    op.drop_index('ix_warnings_village_status', table_name='warnings')
    op.drop_index('ix_warnings_township_status', table_name='warnings')
    op.drop_index('ix_warnings_first_seen_at', table_name='warnings')
    op.drop_index('ix_warnings_rule_code', table_name='warnings')
    op.drop_table('warnings')

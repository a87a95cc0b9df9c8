"""township_roles: a township's own roles for its special-list items; sandbox villages and matters
(an administrator's test runs of a draft, never public, never counted) (issue 14)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('township_roles',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('township_code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['township_code'], ['org_units.code']),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_index('ix_township_roles_township_code', 'township_roles', ['township_code'])
    with op.batch_alter_table('org_units') as batch:
        batch.add_column(sa.Column('sandbox', sa.Boolean(), nullable=False, server_default=sa.false()))
    for table in ('instances', 'archived_instances'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('sandbox', sa.Boolean(), nullable=False, server_default=sa.false()))
    # The 考核 tallies counted from the matters as they stand (`xiaowei statistics rebuild`), once
    # the tables it reads have their current columns. This uses the application's models: a later
    # migration that changes instances, inbox or published_records moves this call after it.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM instances LIMIT 1")).first() is not None:
        from engine.store.tally_repositories import TallyRepository
        TallyRepository(bind).rebuild()


def downgrade() -> None:
    for table in ('archived_instances', 'instances'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('sandbox')
    with op.batch_alter_table('org_units') as batch:
        batch.drop_column('sandbox')
    op.drop_index('ix_township_roles_township_code', table_name='township_roles')
    op.drop_table('township_roles')

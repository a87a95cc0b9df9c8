"""search at a county's scale (issue 17): a matter's earliest due step, indexes for periods and amounts

step_due_at serves "overdue now"; indexes serve an item over a period, a period and an amount range.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('instances', 'archived_instances'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('step_due_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE instances SET step_due_at = (SELECT min(inbox.due_at) FROM inbox "
               "WHERE inbox.instance_id = instances.id AND inbox.state = 'ready')")
    op.create_index('ix_instances_township_step_due', 'instances', ['township_code', 'step_due_at'])
    # process_key alone is the prefix of the new (process_key, created_at): the old index goes.
    op.drop_index('ix_instances_process_key', table_name='instances')
    op.create_index('ix_instances_process_created', 'instances', ['process_key', 'created_at'])
    op.create_index('ix_instances_created_at', 'instances', ['created_at'])
    op.create_index('ix_instances_amount', 'instances', ['amount'])


def downgrade() -> None:
    op.drop_index('ix_instances_amount', table_name='instances')
    op.drop_index('ix_instances_created_at', table_name='instances')
    op.drop_index('ix_instances_process_created', table_name='instances')
    op.create_index('ix_instances_process_key', 'instances', ['process_key'])
    op.drop_index('ix_instances_township_step_due', table_name='instances')
    for table in ('instances', 'archived_instances'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('step_due_at')

"""authoring: the lifecycle of an item version (draft, published, withdrawn, superseded), who and when

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table('definition_versions') as batch:
        batch.add_column(sa.Column('state', sa.String(length=16), nullable=False, server_default='published'))
        batch.add_column(sa.Column('created_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('published_at', TIME, nullable=True))
        batch.add_column(sa.Column('published_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('withdrawn_at', TIME, nullable=True))
        batch.add_column(sa.Column('withdrawn_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('withdraw_reason', sa.Text(), nullable=True))
    # What was current is published; an older version was superseded by it.
    op.execute("UPDATE definition_versions SET state = 'superseded' WHERE is_current = false")
    op.execute("UPDATE definition_versions SET published_at = loaded_at")


def downgrade() -> None:
    with op.batch_alter_table('definition_versions') as batch:
        for column in ('withdraw_reason', 'withdrawn_by', 'withdrawn_at', 'published_by', 'published_at',
                       'created_by', 'state'):
            batch.drop_column(column)

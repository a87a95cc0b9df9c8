"""matter_links: a matter citing another through a form field of type `matter` (issue 13)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('matter_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('cited_id', sa.Integer(), nullable=False),
    sa.Column('linked_by', sa.String(length=64), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('matter_id', 'field', name='uq_matter_links_field')
    )
    op.create_index('ix_matter_links_cited_id', 'matter_links', ['cited_id'])


def downgrade() -> None:
    op.drop_index('ix_matter_links_cited_id', table_name='matter_links')
    op.drop_table('matter_links')

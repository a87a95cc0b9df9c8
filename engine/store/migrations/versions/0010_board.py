"""board: daily audit anchors, dismissed online objections, held publicity periods, indexes for the notice board and verify codes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table('audit_anchors',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('events_that_day', sa.Integer(), nullable=False),
    sa.Column('anchored_at', TIME, nullable=False),
    sa.PrimaryKeyConstraint('day')
    )
    with op.batch_alter_table('public_objections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dismissed_at', TIME, nullable=True))
        batch_op.add_column(sa.Column('dismissed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('dismissal_reason', sa.Text(), nullable=True))
    with op.batch_alter_table('published_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publicity_held_at', TIME, nullable=True))
        batch_op.create_index('ix_published_village_published', ['village_code', 'published_at'], unique=False)
        batch_op.create_index('ix_published_content', ['content_sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('published_records', schema=None) as batch_op:
        batch_op.drop_index('ix_published_content')
        batch_op.drop_index('ix_published_village_published')
        batch_op.drop_column('publicity_held_at')
    with op.batch_alter_table('public_objections', schema=None) as batch_op:
        batch_op.drop_column('dismissal_reason')
        batch_op.drop_column('dismissed_by')
        batch_op.drop_column('dismissed_at')
    op.drop_table('audit_anchors')

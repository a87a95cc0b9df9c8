"""keyword search at scale (issue 17): a search text (subject and data, JSON-escaped), on PostgreSQL a trigram index

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None
BATCH = 2000


def _text(subject, data) -> str:
    """engine/store/repositories.search_text as of 0016 (a migration keeps its own copy)."""
    if isinstance(data, str):
        data = json.loads(data)
    return json.dumps(subject or "")[1:-1] + "\n" + json.dumps(data or {}, sort_keys=True, default=str)


def upgrade() -> None:
    for table in ('instances', 'archived_instances'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('search_text', sa.Text(), nullable=True))
    bind = op.get_bind()
    for table in ('instances', 'archived_instances'):
        last = 0
        while True:
            rows = bind.execute(sa.text(f"SELECT id, subject, data FROM {table} WHERE id > :last ORDER BY id LIMIT {BATCH}"),
                                {"last": last}).all()
            if not rows:
                break
            bind.execute(sa.text(f"UPDATE {table} SET search_text = :text WHERE id = :id"),
                         [{"id": r.id, "text": _text(r.subject, r.data)} for r in rows])
            last = rows[-1].id
    if bind.dialect.name == "postgresql":
        # pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database's owner may add it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_instances_search_trgm ON instances USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_instances_search_trgm")
    for table in ('instances', 'archived_instances'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('search_text')

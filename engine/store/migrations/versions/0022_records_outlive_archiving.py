"""Published records, their objections and who a matter is withheld from outlive `xiaowei archive`:
their matter_id no longer references instances (whose rows archiving moves to archived_instances),
so deleting the moved rows no longer cascades into what the portal shows (issue 19's archives).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

TABLES = ('published_records', 'public_objections', 'matter_exclusions')
# SQLite's foreign keys have no names: batch mode names the reflected ones by this convention.
NAMING = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        if bind.dialect.name == 'postgresql':
            names = bind.execute(sa.text(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = CAST(:t AS regclass) "
                "AND confrelid = CAST('instances' AS regclass)"), {"t": table}).scalars().all()
            for name in names:
                op.drop_constraint(name, table, type_='foreignkey')
        else:
            with op.batch_alter_table(table, recreate='always', naming_convention=NAMING) as batch:
                batch.drop_constraint(f'fk_{table}_matter_id_instances', type_='foreignkey')


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, naming_convention=NAMING) as batch:
            batch.create_foreign_key(f'fk_{table}_matter_id_instances', 'instances', ['matter_id'], ['id'],
                                     ondelete='CASCADE')

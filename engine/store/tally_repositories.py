"""The 考核 tallies: one upsert per counted event, sums over a range of months, and a rebuild
from the matters, steps and records themselves (after a restore, or for data written by SQL)."""
from __future__ import annotations

import functools

from sqlalchemy import Integer, bindparam, case, cast, delete, func, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite

from ..vocabulary import MatterStatus, StepStatus
from .models import InboxItem, MatterRecord, PublishedRecord
from .operations_models import ArchivedInboxItem, ArchivedMatter
from .tally_models import COUNTS, AssessmentTally


@functools.lru_cache(maxsize=64)
def _upsert(dialect: str, counted: frozenset):
    """The upsert adding the `counted` columns, built once (every step runs one: building the
    statement cost more than running it)."""
    table = AssessmentTally.__table__
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    statement = insert.values({c: bindparam(c) for c in ("village_code", "month", "process_key", "township_code",
                                                           *COUNTS)})
    return statement.on_conflict_do_update(index_elements=["village_code", "month", "process_key"],
                                           set_={n: table.c[n] + statement.excluded[n] for n in sorted(counted)})


class TallyRepository:
    def __init__(self, session):
        self.session = session         # a Session, or a Connection (the migration's)

    def _postgresql(self) -> bool:
        bind = getattr(self.session, "dialect", None) or self.session.bind.dialect
        return bind.name == "postgresql"

    def add(self, village: str, township: str, month: int, process_key: str, **counts: int) -> None:
        """Add `counts` to one row, created at zero when missing: one statement, atomic on both
        databases (INSERT ... ON CONFLICT DO UPDATE)."""
        statement = _upsert("postgresql" if self._postgresql() else "sqlite", frozenset(counts))
        # On the session's connection: not a reason to flush the action's pending changes (they
        # go in its one flush at the end), nor to pass through the ORM.
        connection = self.session.connection() if hasattr(self.session, "no_autoflush") else self.session
        connection.execute(statement, {"village_code": village, "month": month, "process_key": process_key,
                                       "township_code": township, **{n: counts.get(n, 0) for n in COUNTS}})

    def sums(self, villages: set[str] | None, first: int, last: int) -> list:
        """(village, item, matters, completed, published, steps due, on time, evidence fields,
        given) summed over the months first..last."""
        t = AssessmentTally
        query = (select(t.village_code, t.process_key, *(func.sum(getattr(t, name)) for name in COUNTS))
                 .where(t.month >= first, t.month <= last).group_by(t.village_code, t.process_key))
        if villages is not None:
            query = query.where(t.village_code.in_(villages))
        return list(self.session.execute(query))

    def rebuild(self) -> int:
        """Count everything again from the matters, their completed steps and their records, the
        archived ones (`xiaowei archive`) as well as those in hand. The number of rows written."""
        self.session.execute(delete(AssessmentTally))
        shown = (select(PublishedRecord.matter_id).where(PublishedRecord.withdrawn_at.is_(None))
                 .distinct().scalar_subquery())
        parts = self._counted(MatterRecord, InboxItem, shown) + self._counted(ArchivedMatter, ArchivedInboxItem, shown)
        rows = union_all(*parts).subquery()
        grouped = select(rows.c.village_code, rows.c.month, rows.c.process_key, func.min(rows.c.township_code),
                         *(func.sum(rows.c[name]) for name in COUNTS)).group_by(
            rows.c.village_code, rows.c.month, rows.c.process_key)
        columns = ["village_code", "month", "process_key", "township_code", *COUNTS]
        self.session.execute(AssessmentTally.__table__.insert().from_select(columns, grouped))
        return self.session.scalar(select(func.count()).select_from(AssessmentTally))

    def _counted(self, m, i, shown) -> list:
        """The counted rows of one pair of tables (matters and their steps): each matter, each
        completed step with a due time, each completed step's evidence."""
        month, zero = self._month_sql, literal(0)
        created = month(m.created_at)
        completed = case((m.status == MatterStatus.COMPLETED, 1), else_=0)
        published = case((m.id.in_(shown), 1), else_=0)
        done = i.state == StepStatus.COMPLETED
        real = m.sandbox.is_(False)                 # a test run (试运行) never counts
        return [
            select(m.village_code, created.label("month"), m.process_key, m.township_code, literal(1).label("matters"),
                   completed.label("completed"), published.label("published"), zero.label("steps_due"),
                   zero.label("steps_on_time"), zero.label("evidence_fields"), zero.label("evidence_given"))
            .where(real),
            select(m.village_code, month(i.completed_at), m.process_key, m.township_code, zero, zero, zero, literal(1),
                   case((i.completed_at <= i.due_at, 1), else_=0), zero, zero)
            .join(m, m.id == i.matter_id).where(done, real, i.due_at.is_not(None)),
            select(m.village_code, created, m.process_key, m.township_code, zero, zero, zero, zero, zero,
                   func.coalesce(i.evidence_fields, 0), func.coalesce(i.evidence_given, 0))
            .join(m, m.id == i.matter_id).where(done, real),
        ]

    def _month_sql(self, column):
        """The Beijing month of a stored UTC time, in SQL (SQLite keeps it as text, PostgreSQL as timestamptz)."""
        if self._postgresql():
            return cast(func.to_char(func.timezone("Asia/Shanghai", column), "YYYYMM"), Integer)
        return cast(func.strftime("%Y%m", column, "+8 hours"), Integer)

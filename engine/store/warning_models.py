"""Tables of supervision (issue 12): warnings (预警) raised by the red-line rules, the matters each
names, the villages' kinship and interest registers, and the rules' sweeps.

A warning is one finding of one rule on one set of matters (`key`: rule, check, matter ids): a
second evaluation that finds it again updates it, never adds another. Its 督办 lifecycle (交办 to a
unit with a deadline, answer, verify, close; escalation when overdue; dismissal with a reason) is
recorded step by step in `history` and in the audit chain. No foreign key to `instances`: a warning
outlives its matters' move to the archive."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, exists
from sqlalchemy.orm import Mapped, mapped_column

from ..vocabulary import WarningStatus
from .models import Base


class WarningRecord(Base):
    __tablename__ = "warnings"
    __table_args__ = (Index("ix_warnings_township_status", "township_code", "status"),
                      Index("ix_warnings_village_status", "village_code", "status"),
                      Index("ix_warnings_assigned_unit_status", "assigned_unit", "status"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    rule_code: Mapped[str] = mapped_column(String(16), index=True)
    check: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    village_code: Mapped[str] = mapped_column(String(64))
    township_code: Mapped[str] = mapped_column(String(64))
    matter_ids: Mapped[list] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text)                      # what the supervisor reads, in Chinese
    evidence: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))              # engine/vocabulary.py WarningStatus
    first_seen_at: Mapped[datetime] = mapped_column(index=True)
    last_seen_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]                          # the rule no longer finds it
    assigned_unit: Mapped[str | None] = mapped_column(String(64))
    assigned_due: Mapped[datetime | None]
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    history: Mapped[list] = mapped_column(JSON)                  # [{at, actor, action, note, ...}]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class WarningMatter(Base):
    """Which matters a warning names (filter and drill-down by matter)."""
    __tablename__ = "warning_matters"
    warning_id: Mapped[int] = mapped_column(ForeignKey("warnings.id", ondelete="CASCADE"), primary_key=True)
    matter_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)


class RelatedPartyRecord(Base):
    """A village's kinship and interest register (亲属及利益关系登记): a cadre, a person or company
    related to them, how. Red line R12 reads it."""
    __tablename__ = "related_parties"
    __table_args__ = (Index("ix_related_parties_village", "village_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("org_units.code"))
    cadre: Mapped[str] = mapped_column(String(100))
    party: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(50))
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime]


class RedlineSweep(Base):
    """One run of every rule over every village (nightly, or `xiaowei redlines sweep`)."""
    __tablename__ = "redline_sweeps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    villages: Mapped[int] = mapped_column(Integer, default=0)
    matters: Mapped[int] = mapped_column(Integer, default=0)
    raised: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    cleared: Mapped[int] = mapped_column(Integer, default=0)
    escalated: Mapped[int] = mapped_column(Integer, default=0)
    actor: Mapped[str] = mapped_column(String(64))


# Warnings a new evaluation of a matter could still change (lift, or mark cleared): not yet cleared,
# and open or in 督办 (engine/services/redlines.apply_hits leaves the others as they are).
LIVE_STATUSES = tuple(status.value for status in WarningStatus if status.active)


def live_warning_naming(matter_id_column):
    """EXISTS: a live warning names the matter (one index probe of warning_matters by matter)."""
    return exists().where(WarningMatter.matter_id == matter_id_column, WarningRecord.id == WarningMatter.warning_id,
                          WarningRecord.cleared_at.is_(None), WarningRecord.status.in_(LIVE_STATUSES))

"""The 考核 tallies (issue 12): per village, Beijing month and item, the counts the supervisors'
dashboard adds up, kept as matters start, steps complete, matters end and records are published.

The dashboard then reads one row per village, month and item instead of counting 100,000 matters
and their steps on every request. Matters and evidence count in the month the matter was created,
steps in the month they were completed (as the statistics always counted them). No foreign keys:
a tally outlives its matters' move to the archive, as the period's figures must."""
from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

COUNTS = ("matters", "completed", "published", "steps_due", "steps_on_time", "evidence_fields", "evidence_given")


class AssessmentTally(Base):
    __tablename__ = "assessment_tallies"
    village_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)             # Beijing month, 202612
    process_key: Mapped[str] = mapped_column(String(64), primary_key=True)    # the matter's item
    township_code: Mapped[str] = mapped_column(String(64))
    matters: Mapped[int] = mapped_column(Integer, default=0, server_default="0")           # created in the month
    completed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")         # of those, completed since
    published: Mapped[int] = mapped_column(Integer, default=0, server_default="0")         # of those, with a record shown
    steps_due: Mapped[int] = mapped_column(Integer, default=0, server_default="0")         # done in the month, with a due time
    steps_on_time: Mapped[int] = mapped_column(Integer, default=0, server_default="0")     # of those, by their due time
    evidence_fields: Mapped[int] = mapped_column(Integer, default=0, server_default="0")   # file fields, completed steps
    evidence_given: Mapped[int] = mapped_column(Integer, default=0, server_default="0")    # of those, given a file

"""The 考核 tallies (engine/services/tallies.py) kept as matters move equal a count from scratch
(`rebuild`, which the migration ran too), across months and on both databases; they survive the
archive, and the statistics read them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from engine import clock
from engine.services import Actor, statistics, tallies
from engine.services.demo_walk import HISTORY, STILL_OPEN, walk_demo
from engine.services.archives import archive_closed_matters
from engine.services.matters import cancel_matter
from engine.store.tally_models import AssessmentTally
from engine.errors import Forbidden
from engine.vocabulary import MatterStatus
from tests.integration.helpers import PROPOSE, do, start_decision

SYSTEM = Actor.system()


def table(ctx) -> dict:
    with ctx.uow(readonly=True) as uow:
        return {(r.village_code, r.month, r.process_key): (r.township_code, r.matters, r.completed, r.published,
                                                           r.steps_due, r.steps_on_time, r.evidence_fields,
                                                           r.evidence_given)
                for r in uow.session.scalars(select(AssessmentTally))}


def test_the_tallies_kept_as_matters_move_equal_a_count_from_scratch(year_ctx):
    ctx, year = year_ctx
    with clock.use_clock(clock.FixedClock(year.ended_at)):
        walk_demo(ctx)                  # the demo's matters, some of them in their publicity periods
        # A cancelled matter that had published records: its records are withdrawn, its count with them.
        with ctx.uow(readonly=True) as uow:
            running = [m for village in uow.redline_facts.villages_with_matters()
                       for m in uow.redline_facts.matters_of_village(village) if m.status == MatterStatus.RUNNING]
            shown_id = next(m.id for m in running if uow.publications.shows(m.id))
        cancel_matter(ctx, SYSTEM, shown_id, "测试：撤销")
    kept = table(ctx)
    months = {month for _, month, _ in kept}
    assert len(months) >= 3, months                               # the walk spans months
    assert sum(row[1] for row in kept.values()) == year.matters + len(HISTORY) + len(STILL_OPEN)    # the demo walk
    assert any(row[4] for row in kept.values()) and any(row[6] for row in kept.values())
    assert tallies.rebuild(ctx, SYSTEM).rows == len(kept)
    assert table(ctx) == kept


def test_a_step_done_in_a_later_month_counts_there_and_its_evidence_with_its_matter(ctx, clerk):
    january = datetime(2026, 1, 31, 15, 0, tzinfo=timezone.utc)   # 23:00 on 31 January in Beijing
    with clock.use_clock(clock.FixedClock(january)) as fixed:
        matter = start_decision(ctx, clerk)
        fixed.advance(timedelta(hours=2))                          # 01:00 on 1 February in Beijing
        step = matter.ready_steps[0]
        assert step.due_at is not None                          # the proposal has a time limit
        do(ctx, clerk, matter, step.step_id, PROPOSE)
    rows = {month: row for (_, month, _), row in table(ctx).items()}
    assert set(rows) == {202601, 202602}
    assert rows[202601][1:5] == (1, 0, 0, 0)                      # started in January
    assert rows[202602][1:6] == (0, 0, 0, 1, 1)                   # its step done in February, on time
    kept = table(ctx)
    tallies.rebuild(ctx, SYSTEM)
    assert table(ctx) == kept


def test_archived_matters_still_count_in_their_period(year_ctx):
    ctx, year = year_ctx
    period = ("year", year.ended_at.astimezone(timezone(timedelta(hours=8))).year, None)
    before = statistics.statistics(ctx, SYSTEM, *period)
    with clock.use_clock(clock.FixedClock(year.ended_at + timedelta(days=1))):
        moved = archive_closed_matters(ctx, SYSTEM, year.ended_at)
    assert moved.instances > 0
    after = statistics.statistics(ctx, SYSTEM, *period)
    figures = ("matters", "completed", "published", "steps_due", "steps_on_time", "evidence_fields", "evidence_filled")
    assert [[getattr(v, f) for f in figures] for v in after.villages] == [[getattr(v, f) for f in figures] for v in before.villages]
    # a rebuild after the archive counts the archived matters too: the same figures again
    kept = table(ctx)
    tallies.rebuild(ctx, SYSTEM)
    assert table(ctx) == kept
    rebuilt = statistics.statistics(ctx, SYSTEM, *period)
    assert [[getattr(v, f) for f in figures] for v in rebuilt.villages] == [[getattr(v, f) for f in figures] for v in before.villages]


def test_only_the_system_rebuilds_the_tallies(ctx, clerk):
    with pytest.raises(Forbidden):
        tallies.rebuild(ctx, clerk)

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


def test_a_step_left_undone_past_its_limit_counts_as_late_in_the_month_it_fell_due(ctx, clerk):
    """The on-time rate counts steps done in the period and steps due in it that nobody has done:
    a clerk cannot raise the rate by leaving a late step alone."""
    march = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)          # 10:00 on 2 March in Beijing
    with clock.use_clock(clock.FixedClock(march)) as fixed:
        on_time = start_decision(ctx, clerk, "按时的")
        do(ctx, clerk, on_time, on_time.ready_steps[0].step_id, PROPOSE)     # done at once: on time
        late = start_decision(ctx, clerk, "拖着的")
        due = late.ready_steps[0].due_at
        fixed.advance(due - march + timedelta(days=1))                   # a day past its limit, not done
        report = statistics.statistics(ctx, SYSTEM, "month", 2026, 3, village="lushui_village")
    (village,) = report.villages
    # late and open: the second matter's proposal, and the first one's next step, due a day later too
    assert (village.steps_due, village.steps_on_time, village.steps_late_open) == (1, 1, 2)
    assert village.rates["on_time"] == round(1 / 3, 4)


def test_the_score_is_the_weighted_mean_of_the_rates_with_data():
    row = {**statistics._blank("v", "村", "village", "t"), "steps_due": 8, "steps_on_time": 6, "steps_late_open": 2,
           "published": 4, "publicity_flagged": 1, "evidence_fields": 10, "evidence_filled": 5, "warning_points": 5}
    config = {"weights": {"on_time": 30, "publicity": 20, "evidence": 20, "warnings": 30, "complaints": 10},
              "settings": {"max_penalty": 20}}
    unit = statistics._rates(row, config)
    assert unit.rates == {"on_time": 0.6, "publicity": 0.75, "evidence": 0.5, "warnings": 0.75, "complaints": None}
    # complaints have no data: left out, the others weighted 30/20/20/30
    assert unit.score == round(100 * (30 * 0.6 + 20 * 0.75 + 20 * 0.5 + 30 * 0.75) / 100, 1) == 65.5
    capped = statistics._rates({**row, "warning_points": 50}, config)
    assert capped.rates["warnings"] == 0.0 and capped.score == round(100 * (18 + 15 + 10) / 100, 1)


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

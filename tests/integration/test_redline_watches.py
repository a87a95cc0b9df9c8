"""The red-line check after an action reads only what can matter (issue 17): a rule declares the
matters it watches and the facts it reads (engine/redlines/watches.py), and the check skips the
rest. The declarations must be generous: on a walked demo year every finding on a matter is made
as well when only the declared facts of the watched matters are read, and an action on a matter
no rule watches costs no read at all."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bench import approval_flow as flow
from engine import clock
from engine.redlines import MATTER_RULES, VILLAGE_RULES, MatterSketch, shape_of, watching
from engine.redlines.watches import FACTS
from engine.services import Actor, redlines, warnings
from engine.services.demo_history import VILLAGES
from engine.vocabulary import WarningStatus


@pytest.mark.parametrize("year_ctx", ["sqlite"], indirect=True)
def test_every_finding_of_a_demo_year_is_on_a_watched_matter_with_the_facts_read(year_ctx):
    """Each matter alone, at the year's end, as an action on it would have it evaluated: every
    finding's rule watches the matter and finds it reading only the facts it declares; what the
    check finds reading the watching rules' facts is what it found reading all of them; nothing
    is found on a matter the check skips."""
    ctx, year = year_ctx
    book = redlines.rulebook(ctx)
    found_on = set()
    with clock.use_clock(clock.FixedClock(year.ended_at)):
        now = clock.now()
        with ctx.uow(readonly=True) as uow:
            ids = [r.id for v in VILLAGES for r in uow.redline_facts.matters_of_village(v)]
        sketches = redlines._sketches(ctx, set(ids), {}, now)
        with ctx.uow(readonly=True) as uow:
            for record in uow.redline_facts.matters(ids):
                sketch = sketches[record.id]
                found = redlines.touched_hits(uow, book, [record], FACTS, now)
                for hit in found:
                    assert hit.code in watching(book, sketch), (hit.code, record.process_key)
                    alone = redlines.touched_hits(uow, book, [record], _reads(hit.code), now)
                    assert hit.key in {h.key for h in alone}, (hit.code, "reads more than it declares")
                skipped = not redlines._worth_evaluating(book, {record.id: sketch})
                declared = [] if skipped else redlines.touched_hits(uow, book, [record],
                                                                    redlines.facts_read(book, [sketch]), now)
                assert sorted(h.key for h in declared) == sorted(h.key for h in found), record.process_key
                found_on |= {record.id} if found else set()
    assert len(ids) == year.matters
    assert found_on == {i for _, _, named in year.expected for i in named}      # the planted ones, each found


def _reads(code: str) -> set:
    return {fact for c, fn in (*MATTER_RULES, *VILLAGE_RULES) if c == code for fact in fn.reads}


def test_the_benchmark_item_is_watched_only_once_a_step_is_late(ctx):
    bundle = ctx.bundles.get(_bench_version(ctx))
    book = redlines.rulebook(ctx)
    now = clock.now()
    shape = shape_of(bundle)
    assert watching(book, MatterSketch(1, flow.VILLAGE, shape, "running", now + timedelta(days=3), {}, False, now)) == []
    assert watching(book, MatterSketch(1, flow.VILLAGE, shape, "running", now - timedelta(hours=1), {}, False, now)) == ["R19"]
    assert watching(book, MatterSketch(1, flow.VILLAGE, shape, "completed", now - timedelta(hours=1), {}, False, now)) == []


def test_the_items_a_rules_thresholds_name_are_watched(ctx):
    book = redlines.rulebook(ctx)
    with ctx.uow(readonly=True) as uow:
        shapes = {v.process_key: shape_of(ctx.bundles.get(v)) for v in uow.definitions.list_current()}

    def watched(code, item):
        return code in watching(book, MatterSketch(1, flow.VILLAGE, shapes[item]))
    assert all(watched("R1", item) for item in book["R1"].thresholds["items"])
    assert all(watched("R9", period["item"]) for period in book["R9"].thresholds["periods"])
    assert all(watched("R6", check["item"]) for check in book["R6"].thresholds["price_checks"])
    assert watched("R3", "village_project") and not watched("R3", "certificate")   # calls 四议两公开
    assert watched("R12", "procurement") and watched("R12", "dibao") and not watched("R12", "certificate")
    assert not watched("R4", "certificate") and watched("R4", "procurement")


def test_a_step_no_rule_watches_is_checked_without_a_read(ctx, database):
    """With the check running after every commit, completing a benchmark step issues the step's
    own statements and nothing more; a cancellation (the check reads whether a warning names the
    matter) one read."""
    actor = flow.install(ctx)
    redlines.watch(ctx)
    flow.run_one(ctx, actor, "预热")
    counted = flow.Statements(database)
    matter = flow.start(ctx, actor)
    while matter.ready_steps:
        counted.reset()
        matter = flow.complete_next(ctx, actor, matter)
        assert len(counted.seen) <= 9 and counted.commits == 1, counted.seen
    other = flow.start(ctx, actor, "撤销")
    with ctx.uow(readonly=True) as uow:
        uow.matters.get(other.id)               # the bundle's version kept, as a running server has it
    counted.reset()
    redlines.evaluate_matters(ctx, {other.id})
    assert [s.split()[0] for s in counted.seen] == ["SELECT"] and counted.commits == 0


def test_a_live_warning_on_an_unwatched_matter_is_still_revisited(ctx):
    """A warning naming a matter of an item no rule watches (raised by the sweep, say) is lifted
    by the next action on it that no longer finds it, as before: the step's lock read said so."""
    actor = flow.install(ctx)
    redlines.watch(ctx)
    matter = flow.start(ctx, actor)
    now = clock.now()
    with ctx.uow() as uow:
        uow.warnings.add(key=f"R19:overdue:{matter.id}:draft", rule_code="R19", check="overdue", severity="medium",
                         village_code=flow.VILLAGE, township_code=flow.TOWNSHIP, matter_ids=[matter.id],
                         text="“填写申请”已超过办理时限", evidence={}, status=WarningStatus.OPEN, first_seen_at=now,
                         last_seen_at=now, escalation_level=0, history=[], updated_at=now)
        uow.commit()
    flow.complete_next(ctx, actor, matter)
    [lifted] = warnings.list_warnings(ctx, Actor.system(), {"matter_id": matter.id}, 1, 10)[0]
    assert lifted.status == "lifted"


def _bench_version(ctx):
    flow.install(ctx)
    with ctx.uow(readonly=True) as uow:
        version = uow.definitions.current(flow.KEY)
        uow.session.expunge(version)
        return version


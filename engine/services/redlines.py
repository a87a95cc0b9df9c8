"""Running the red lines against the store: after every committed event (a matter started, a step
completed, a timer fired) and in the nightly sweep. Each run is its own unit of work, after the
user's action committed (docs/design.md §7): a rule never slows down or fails a clerk's step.

What the rules find becomes warnings (engine/services/warnings.py): a finding seen before updates
its warning, a new one raises one, and a warning its rule no longer finds is lifted (or, once a
supervisor acted on it, marked cleared). Every change is an audit event."""
from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import asdict
from datetime import datetime, timedelta

from .. import clock, committed
from ..identity import Actor
from ..redlines import (MatterFacts, MatterSketch, OpenObjection, ReadyStep, RelatedParty, RoleHolder, RuleBook,
                        StepRecord, VillageFacts, check_matter, check_village, facts_read, may_find, rules_path, shape_of)
from ..redlines.watches import FACTS
from ..store.warning_repositories import bound_engine
from ..vocabulary import WarningStatus
from .views import RuleCounts, SweepTotals

log = logging.getLogger("xiaowei.redlines")

TRIGGERS = frozenset({"matter_started", "step_completed", "timer_fired", "matter_completed", "matter_cancelled",
                      "matter_error", "step_claimed"})
# Items the village rules compare a matter with (splitting, duplicates, the annual plan).
PEER_ITEMS = frozenset({"procurement", "village_project", "one_matter_financing", "annual_plan", "council_resolution"})
PEER_DAYS = 400
_BOOKS: dict = {}
_LOCK = threading.Lock()


def rulebook(ctx) -> RuleBook:
    """processes/redlines.toml, read again when it changes."""
    path = rules_path(ctx.processes_dir)
    stamp = (str(path), path.stat().st_mtime_ns)
    with _LOCK:
        if _BOOKS.get("stamp") != stamp:
            _BOOKS.update(stamp=stamp, book=RuleBook.load(path))
        return _BOOKS["book"]


# -- facts from the store -----------------------------------------------------------------------
def matter_facts(records, step_rows, ready_rows, now) -> list[MatterFacts]:
    steps: dict[int, list] = {}
    for row, actor_name in step_rows:
        payload = row.payload or {}
        steps.setdefault(row.matter_id, []).append(StepRecord(
            payload.get("step", ""), datetime.fromisoformat(row.at), row.actor, payload.get("data") or {},
            payload.get("process_key", ""), payload.get("step_name") or payload.get("step", ""),
            actor_name or ""))
    ready: dict[int, list] = {}
    for row in ready_rows:
        ready.setdefault(row.matter_id, []).append(ReadyStep(row.step_id, row.step_name, row.ready_since, row.due_at,
                                                             row.role))
    return [MatterFacts(r.id, r.process_key, r.village_code, r.township_code, r.subject, str(r.status), r.outcome,
                        float(r.amount) if r.amount is not None else None, r.data or {}, r.params or {},
                        r.created_at, r.ended_at, r.created_by, tuple(steps.get(r.id, ())),
                        tuple(ready.get(r.id, ())), now) for r in records]


def village_facts(uow, village: str, township: str, records, now, needs=FACTS, ready_of=None) -> VillageFacts:
    """The facts of these matters of a village. `needs`: which facts beyond the rows to read (the
    others are left empty: the rules that would read them are not run on these matters);
    `ready_of`: read the ready steps of these matters only (default: all)."""
    ids = [r.id for r in records]
    steps = uow.redline_facts.completed_steps(ids) if "steps" in needs else []
    ready = uow.redline_facts.ready_steps(ids if ready_of is None else sorted(ready_of)) if "ready" in needs else []
    facts = matter_facts(records, steps, ready, now)
    holders = tuple(RoleHolder(u, d, role, village) for u, d, role in uow.redline_facts.holders(village)) \
        if "holders" in needs else ()
    related = tuple(RelatedParty(r.village_code, r.cadre, r.party, r.relation) for r in uow.redline_facts.related(village)) \
        if "related" in needs else ()
    objections = tuple(OpenObjection(o.id, o.matter_id, o.received_at, closed)
                       for o, closed in uow.redline_facts.unregistered_objections(ids)) if "objections" in needs else ()
    return VillageFacts(village, township, tuple(facts), holders, related, objections, now)


# -- warnings from findings ---------------------------------------------------------------------
def _history(now, actor: str, action: str, note: str, **extra) -> dict:
    return {"at": now.isoformat(), "actor": actor, "action": action, "note": note, **extra}


def apply_hits(uow, book: RuleBook, hits, candidates, now, actor: str = "system") -> RuleCounts:
    """Raise or update a warning per finding; lift the `candidates` (warnings in the evaluated
    scope) that were not found again. Returns what it did."""
    counts = {"raised": 0, "updated": 0, "cleared": 0}
    unique = {hit.key: hit for hit in hits}
    existing = uow.warnings.by_keys(list(unique))
    stamp = now.isoformat()
    for key, hit in unique.items():
        row = existing.get(key)
        severity = book[hit.code].severity
        if row is None:
            row = uow.warnings.add(
                key=key, rule_code=hit.code, check=hit.check, severity=severity, village_code=hit.village,
                township_code=hit.township, matter_ids=list(hit.matters), text=hit.text, evidence=hit.evidence,
                status=WarningStatus.OPEN, first_seen_at=now, last_seen_at=now, escalation_level=0,
                history=[_history(now, actor, "raised", hit.text)], updated_at=now)
            uow.audit.append("warning_raised", actor, None, {
                "warning_id": row.id, "rule": hit.code, "check": hit.check, "severity": severity,
                "village": hit.village, "matters": list(hit.matters), "text": hit.text, "evidence": hit.evidence}, stamp)
            counts["raised"] += 1
            continue
        changed = row.text != hit.text
        row.last_seen_at, row.evidence, row.updated_at = now, hit.evidence, now
        if row.status == WarningStatus.LIFTED:
            row.status, row.cleared_at = WarningStatus.OPEN, None
            row.history = row.history + [_history(now, actor, "reopened", hit.text)]
            uow.audit.append("warning_reopened", actor, None, {"warning_id": row.id, "text": hit.text}, stamp)
            counts["updated"] += 1
        elif changed or row.cleared_at is not None:
            row.cleared_at = None
            row.history = row.history + [_history(now, actor, "updated", hit.text)]
            uow.audit.append("warning_updated", actor, None, {"warning_id": row.id, "text": hit.text,
                                                             "evidence": hit.evidence}, stamp)
            counts["updated"] += 1
        row.text = hit.text
    for row in candidates:
        if row.key in unique or row.cleared_at is not None or row.status in (WarningStatus.LIFTED,):
            continue
        if row.status == WarningStatus.OPEN:
            row.status, row.cleared_at = WarningStatus.LIFTED, now
            note = "规则不再触发，预警自动消除"
        elif WarningStatus(row.status).active:
            row.cleared_at = now
            note = "规则不再触发（督办继续）"
        else:
            continue
        row.updated_at = now
        row.history = row.history + [_history(now, actor, "cleared", note)]
        uow.audit.append("warning_cleared", actor, None, {"warning_id": row.id, "status": row.status}, stamp)
        counts["cleared"] += 1
    uow.flush()
    return RuleCounts(**counts)


def escalate_overdue(uow, now, actor: str = "system") -> int:
    """A warning 交办 and not answered by its deadline goes up a level, once per assignment."""
    done = 0
    for row in uow.warnings.overdue_assignments(now, (WarningStatus.ASSIGNED,)):
        last = next((h for h in reversed(row.history) if h["action"] in ("assigned", "escalated")), None)
        if last is not None and last["action"] == "escalated":
            continue
        lineage = uow.lineage(row.village_code)
        to = lineage[2] if len(lineage) > 2 else lineage[-1]
        row.escalation_level += 1
        row.updated_at = now
        note = f"交办 {row.assigned_unit} 逾期未反馈，升级督办（{to}）"
        row.history = row.history + [_history(now, actor, "escalated", note, to=to)]
        uow.audit.append("warning_escalated", actor, None, {"warning_id": row.id, "to": to,
                                                           "level": row.escalation_level}, now.isoformat())
        done += 1
    return done


# -- after an event -----------------------------------------------------------------------------
def evaluate_matters(ctx, matter_ids, saved: dict | None = None) -> RuleCounts:
    """Run the rules on these matters (and the village rules on them with their peers); warnings
    naming them are raised, updated or lifted.

    Only what can matter is read. A village whose touched matters no rule watches (their items,
    their row: engine/redlines/watches.py) and no live warning names costs nothing more: known
    from `saved` (committed.Saved, what the action's own unit of work knew of the matters it
    saved) without a read, else from one indexed read. For the others, the facts the watching
    rules read, in a read-only unit of work; only a finding or a warning to revisit opens a write."""
    book, totals = rulebook(ctx), {"raised": 0, "updated": 0, "cleared": 0}
    sketches = _worth_evaluating(book, _sketches(ctx, set(matter_ids), saved or {}, clock.now()))
    if not sketches:
        return RuleCounts(**totals)
    with ctx.uow(readonly=True) as uow:
        if not _findings(uow, book, sketches, clock.now()):
            return RuleCounts(**totals)
    with ctx.uow() as uow:                         # again under the write lock: the facts may have moved
        now = clock.now()
        for hits, candidates in _findings(uow, book, sketches, now, recheck=True):
            counts = apply_hits(uow, book, hits, candidates, now)
            totals = {k: totals[k] + getattr(counts, k) for k in totals}
        uow.commit()
    return RuleCounts(**totals)


def _sketches(ctx, ids: set, saved: dict, now) -> dict[int, MatterSketch]:
    """{matter id: MatterSketch} of the touched matters that are not test runs: from the saved
    rows where the action read whether a warning names them, the rest in one read."""
    found, unknown = {}, set()
    for matter_id in ids:
        known = saved.get(matter_id)
        if known is None or known.warned is None:
            unknown.add(matter_id)
        elif not known.record.sandbox:
            r = known.record
            found[matter_id] = MatterSketch(matter_id, r.village_code, shape_of(known.bundle), str(r.status),
                                            r.step_due_at, r.params or {}, known.warned, now)
    if unknown:
        with ctx.uow(readonly=True) as uow:
            for matter_id, version, village, status, due, params, warned in uow.redline_facts.sketches(sorted(unknown)):
                shape = shape_of(ctx.bundles.of_version(uow, version))
                found[matter_id] = MatterSketch(matter_id, village, shape, str(status), due, params or {}, bool(warned), now)
    return found


def _worth_evaluating(book, sketches: dict) -> dict:
    """The sketches of the villages where a rule watches a touched matter, one is an item the
    village rules compare others with, or a live warning names one (a village is evaluated
    whole, as before: its touched matters are each other's facts)."""
    by_village: dict[str, list] = {}
    for sketch in sketches.values():
        by_village.setdefault(sketch.village, []).append(sketch)
    return {m.id: m for group in by_village.values()
            if any(m.warned or m.item.key in PEER_ITEMS or may_find(book, m) for m in group) for m in group}


def _findings(uow, book, sketches: dict, now, recheck: bool = False) -> list[tuple[list, list]]:
    """(hits, live warnings already naming the matters) per village of the matters, where either
    is not empty. The warnings are read where a sketch says one names a matter, or always when
    `recheck` (under the write lock a warning raised meanwhile is seen)."""
    records = uow.redline_facts.matters(list(sketches))
    by_village: dict[str, list] = {}
    for record in records:
        by_village.setdefault(record.village_code, []).append(record)
    found = []
    for touched in by_village.values():
        ids = {r.id for r in touched}
        mine = [sketches[i] for i in ids]
        warned = recheck or any(m.warned for m in mine)
        candidates = [w for w in uow.warnings.naming(sorted(ids)) if _live(w)] if warned else []
        # A warning is judged again with every matter it names in view: one naming a touched
        # matter and another (a reimbursement and the approval it cites) would else be lifted
        # for want of the other. Rare (a live warning names the matter), so every fact is read.
        named = {i for w in candidates for i in w.matter_ids} - ids
        context = [r for r in uow.redline_facts.matters(sorted(named)) if r.village_code == touched[0].village_code]
        needs = FACTS if context else facts_read(book, mine)
        hits = touched_hits(uow, book, touched, needs, now, context)
        if hits or candidates:
            found.append((hits, candidates))
    return found


def touched_hits(uow, book, touched: list, needs, now, context=()) -> list:
    """What the rules find naming these matters of one village (their rows), read with their
    peers, the matters they cite (when `needs` says "cited"), the `context` matters and the
    `needs` facts."""
    ids = {r.id for r in touched}
    around = {r.id: r for r in context if r.id not in ids}
    if "cited" in needs:
        around.update({r.id: r for r in uow.redline_facts.cited(sorted(ids))
                       if r.id not in ids and r.village_code == touched[0].village_code})
    if any(r.process_key in PEER_ITEMS for r in touched):
        since = min(r.created_at for r in touched) - timedelta(days=PEER_DAYS)
        around.update({p.id: p for p in uow.redline_facts.peers(touched[0].village_code, set(PEER_ITEMS), since)
                       if p.id not in ids})
    facts = village_facts(uow, touched[0].village_code, touched[0].township_code, touched + list(around.values()), now,
                          needs, ids)
    hits = [h for h in check_village(facts, book, matter_rules=False) if ids & set(h.matters)]
    for matter in facts.matters:
        if matter.id in ids:
            hits += check_matter(matter, book)
    return hits


def _live(row) -> bool:
    """A warning apply_hits could still change (lift, or mark cleared)."""
    return row.cleared_at is None and WarningStatus(row.status).active


def watch(ctx) -> None:
    """Evaluate after every commit of this context's database that touched matters (the web app
    and the timer worker call this once). A failure is logged; the nightly sweep catches up."""
    target, ref = ctx.database.engine, weakref.ref(ctx)

    def listener(events) -> None:
        context = ref()
        if context is None:
            committed.forget(listener)
            return
        ids = {e.matter_id for e in events if e.event in TRIGGERS and e.matter_id is not None}
        if ids and bound_engine(events) is target:
            evaluate_matters(context, ids, getattr(events, "saved", None))
    committed.listen(listener)


# -- the sweep ----------------------------------------------------------------------------------
def sweep(ctx, actor: Actor, villages: list[str] | None = None, progress=None) -> SweepTotals:
    """Every rule over every village (or these), one unit of work per village; then overdue
    assignments are escalated. Recorded as a sweep row and an audit event. Raises nothing for a
    village code that does not exist (it is skipped); a database error stops the sweep, and the
    villages already swept stay committed."""
    book, started = rulebook(ctx), clock.now()
    with ctx.uow() as uow:
        codes = villages or uow.redline_facts.villages_with_matters()
    totals = {"villages": 0, "matters": 0, "raised": 0, "updated": 0, "cleared": 0, "escalated": 0}
    for village in codes:
        with ctx.uow() as uow:
            unit = uow.orgs.get(village)
            if unit is None:
                continue
            records = uow.redline_facts.matters_of_village(village)
            facts = village_facts(uow, village, unit.parent_code, records, clock.now())
            hits = check_village(facts, book)
            counts = apply_hits(uow, book, hits, uow.warnings.of_village(village), clock.now(), actor.name)
            uow.commit()
        totals["villages"] += 1
        totals["matters"] += len(records)
        for key in ("raised", "updated", "cleared"):
            totals[key] += getattr(counts, key)
        if progress:
            progress(village, len(records), counts)
    with ctx.uow() as uow:
        now = clock.now()
        totals["escalated"] = escalate_overdue(uow, now, actor.name)
        done = SweepTotals(**totals)
        uow.sweeps.add(started_at=started, finished_at=now, actor=actor.name, **asdict(done))
        uow.audit.append("redlines_swept", actor.name, None, {**asdict(done), "started_at": started.isoformat()},
                         now.isoformat())
        uow.commit()
    return done


def sweep_if_due(ctx, actor: Actor, hour: int = 2) -> SweepTotals | None:
    """The worker's nightly sweep: once a Beijing day, from `hour` o'clock on; None when not due.
    Raises what `sweep` raises."""
    now = clock.now()
    beijing = now + timedelta(hours=8)
    with ctx.uow(readonly=True) as uow:
        last = uow.sweeps.last_finished()
        last_started = last.started_at if last is not None else None      # read while the row is bound
    if beijing.hour < hour:
        return None
    if last_started is not None and (last_started + timedelta(hours=8)).date() == beijing.date():
        return None
    return sweep(ctx, actor)

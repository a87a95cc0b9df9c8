"""Services on the real store, on SQLite and PostgreSQL."""
from datetime import datetime, timedelta

import pytest

from engine import clock
from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.identity import Grant
from engine.services import Actor, audit, matters, parameters, timers
from engine.workdays import period_end

from .helpers import DELIBERATE, PROPOSE, RESOLVE, REVIEW, SEND_PLAN, do, post_notice, ready, start_decision


def test_start_matter_copies_township_parameters(ctx, clerk):
    m = start_decision(ctx, clerk)
    assert m.status == "running" and m.township == "qingshan_town"
    assert m.params["result_publicity_days"] == 10          # the demo township's override
    assert m.params["party_quorum"] == "2/3"                 # a county default
    assert [s.step_id for s in m.ready_steps] == ["propose"]
    assert m.ready_steps[0].role == "PARTY_BRANCH" and m.ready_steps[0].due_at is not None


@pytest.mark.parametrize("kwargs, field", [
    ({"process_key": "nothing"}, "process_key"), ({"village": "nowhere"}, "village"),
    ({"village": "qingshan_town"}, "village"), ({"subject": "  "}, "subject"),
    ({"data": {"summary": ""}}, "summary"), ({"data": {"summary": "x", "amount": "-1"}}, "amount"),
])
def test_start_matter_refuses_bad_input_by_field(ctx, clerk, kwargs, field):
    args = {"process_key": "major_decision", "village": "lushui_village", "subject": "修路",
            "data": {"summary": "x"}, **kwargs}
    with pytest.raises(InvalidData) as info:
        matters.start_matter(ctx, clerk, **args)
    assert field in info.value.errors


def after(matter) -> datetime:
    """A minute past the end of the period the matter waits on."""
    return datetime.fromisoformat(matter.waiting_timers[0].due) + timedelta(minutes=1)


def test_a_matter_runs_to_its_end_with_timers_and_a_verifiable_history(ctx, clerk):
    m = start_decision(ctx, clerk)
    for step, data in (("propose", PROPOSE), ("deliberate", DELIBERATE), ("send_plan", SEND_PLAN)):
        m = do(ctx, clerk, m, step, data)
    assert m.ready_steps == () and m.waiting_timers[0].name == "党员审阅"
    later = clock.FixedClock(after(m))
    with clock.use_clock(later):
        assert [r.fired for r in timers.advance_due_timers(ctx, Actor.system())] == [("党员审阅",)]
        m = matters.get_matter(ctx, clerk, m.id)
        for step, data in (("review", REVIEW), ("resolve_rep", RESOLVE)):
            m = do(ctx, clerk, m, step, data)
        m = post_notice(ctx, clerk, m, "resolution", "决议", "2026-03-09")
        later.advance(after(m) - later.now())
        timers.advance_due_timers(ctx, Actor.system())
        m = do(ctx, clerk, matters.get_matter(ctx, clerk, m.id), "implement",
               {"person_in_charge": "李四", "implementation_report": "已完工"})
        m = post_notice(ctx, clerk, m, "result", "结果", "2026-03-20")
        assert m.waiting_timers[0].name == "结果公示"
        # The township says 10 days: to 24:00 Beijing time of the 10th day after the posting.
        assert datetime.fromisoformat(m.waiting_timers[0].due) == period_end(later.now(), 10)
        later.advance(after(m) - later.now() - timedelta(minutes=2))
        assert timers.advance_due_timers(ctx, Actor.system()) == []
        later.advance(timedelta(minutes=2))
        timers.advance_due_timers(ctx, Actor.system())
        m = do(ctx, clerk, matters.get_matter(ctx, clerk, m.id), "archive", {"archive_no": "2026-001"})
    assert m.status == "completed" and m.outcome == "通过" and m.ready_steps == ()
    assert m.data["rep_for"] == 25 and m.ended_at is not None
    history = matters.matter_history(ctx, clerk, m.id)
    kinds = [e.event for e in history]
    assert kinds[0] == "matter_started" and kinds[-1] == "matter_completed"
    assert kinds.count("step_completed") == 13 and kinds.count("timer_fired") == 3     # both notices drafted and reviewed
    completed = [e for e in history if e.event == "step_completed"]
    assert completed[0].actor == "clerk" and completed[0].payload["changes"]["proposal"] == [None, PROPOSE["proposal"]]
    assert audit.verify_chain(ctx, Actor.system()).ok


def test_completion_is_guarded(ctx, clerk):
    m = start_decision(ctx, clerk)
    task = ready(m, "propose")
    with pytest.raises(Forbidden, match="村党组织"):
        matters.complete_step(ctx, Actor("wang", frozenset({Grant("VILLAGE_COMMITTEE", "lushui_village")})), task.id, PROPOSE)
    with pytest.raises(InvalidData) as info:
        matters.complete_step(ctx, clerk, task.id, {**PROPOSE, "meeting_type": "X"})
    assert set(info.value.errors) == {"meeting_type"}
    with pytest.raises(NotFound):
        matters.complete_step(ctx, clerk, "00000000-0000-0000-0000-000000000000", PROPOSE)
    matters.complete_step(ctx, clerk, task.id, PROPOSE)
    with pytest.raises(Conflict, match="clerk"):
        matters.complete_step(ctx, clerk, task.id, PROPOSE)
    # nothing the refused attempts sent was saved
    assert matters.get_matter(ctx, clerk, m.id).data["meeting_type"] == "REP"


def test_a_step_whose_required_evidence_is_missing_cannot_be_completed(ctx, clerk):
    m = do(ctx, clerk, start_decision(ctx, clerk), "propose", PROPOSE)
    task = ready(m, "deliberate").id
    with pytest.raises(InvalidData) as info:
        matters.complete_step(ctx, clerk, task, DELIBERATE)
    assert set(info.value.errors) == {"tc_minutes_file"} and "必填" in info.value.errors["tc_minutes_file"]
    with pytest.raises(InvalidData) as info:
        matters.complete_step(ctx, clerk, task, {**DELIBERATE, "tc_minutes_file": ["never-uploaded"]})
    assert "请先上传" in info.value.errors["tc_minutes_file"]
    assert do(ctx, clerk, m, "deliberate", DELIBERATE).ready_steps[0].step_id == "send_plan"


def test_a_failed_vote_can_end_the_matter_rejected(ctx, clerk):
    m = start_decision(ctx, clerk)
    m = do(ctx, clerk, m, "propose", PROPOSE)
    m = do(ctx, clerk, m, "deliberate", {**DELIBERATE, "tc_for": 3})       # 3 of 6: not a majority
    m = do(ctx, clerk, m, "revise_or_stop", {"next_action": "stop", "revise_reason": "群众意见较大"})
    assert m.status == "completed" and m.outcome == "否决"


def test_cancel_needs_a_reason_and_closes_the_inbox(ctx, clerk):
    m = start_decision(ctx, clerk)
    with pytest.raises(InvalidData):
        matters.cancel_matter(ctx, clerk, m.id, " ")
    m = matters.cancel_matter(ctx, clerk, m.id, "重复申报")
    assert m.status == "cancelled" and m.ready_steps == ()
    assert matters.list_tasks(ctx, clerk, None, None, 1, 50) == ([], 0)
    with pytest.raises(Conflict):
        matters.cancel_matter(ctx, clerk, m.id, "再次撤销")
    assert matters.matter_history(ctx, clerk, m.id)[-1].payload == {"reason": "重复申报"}


def test_lists_filter_and_paginate(ctx, clerk):
    ids = [start_decision(ctx, clerk, f"事项{i}").id for i in range(3)]
    matters.cancel_matter(ctx, clerk, ids[0], "测试")
    items, total = matters.list_matters(ctx, clerk, {"status": "running"}, 1, 1)
    assert total == 2 and [i.id for i in items] == [ids[2]]
    items, total = matters.list_tasks(ctx, clerk, "PARTY_BRANCH", "lushui_village", 1, 10)
    assert total == 2 and {i.matter_id for i in items} == set(ids[1:])
    assert matters.list_tasks(ctx, clerk, "VILLAGE_COMMITTEE", None, 1, 10)[1] == 0


def test_task_detail_has_its_form_and_the_matter(ctx, clerk):
    m = start_decision(ctx, clerk)
    task = matters.get_task(ctx, clerk, ready(m, "propose").id)
    assert [f["name"] for f in task.form] == ["proposal", "matter_source", "meeting_type"]
    assert task.form[2]["options"] == [{"value": "REP", "label": "村民代表会议"}, {"value": "FULL", "label": "村民会议"}]
    assert task.matter.id == m.id and "村民委员会组织法" in task.policy_basis


def test_parameter_change_applies_to_new_matters_only(ctx, clerk):
    before = start_decision(ctx, clerk)
    parameters.set_township_parameter(ctx, clerk, "qingshan_town", "party_notice_days", 5)
    after = start_decision(ctx, clerk)
    assert before.params["party_notice_days"] == 3 and after.params["party_notice_days"] == 5
    with pytest.raises(InvalidData):
        parameters.set_township_parameter(ctx, clerk, "qingshan_town", "party_quorum", "1/2")   # below 2/3


def test_tampering_with_the_audit_log_is_found(ctx, clerk, database):
    from sqlalchemy import text
    start_decision(ctx, clerk)
    with database.engine.begin() as conn:
        seq = conn.execute(text("SELECT seq FROM audit_events WHERE event = 'matter_started'")).scalar()
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = :s"), {"s": seq})
    report = audit.verify_chain(ctx, Actor.system())
    assert not report.ok and report.broken_seq == seq


def test_verification_starts_at_the_checkpoint_and_the_full_check_still_finds_old_tampering(ctx, clerk, database):
    """Issue 17: pages verify the events after the checkpoint the worker keeps moving; a change
    after it is found there, a change before it by the full recomputation (xiaowei audit verify),
    and a rewrite of the checkpointed event itself at once."""
    from sqlalchemy import text
    start_decision(ctx, clerk)
    system = Actor.system()
    first = audit.advance_checkpoint(ctx, system)                  # no checkpoint yet: the whole chain
    assert first.ok and first.from_seq == 0
    head = first.events
    start_decision(ctx, clerk)
    since = audit.verify_chain(ctx, system)
    assert since.ok and since.from_seq == head and since.events > head and since.full_at is not None
    assert audit.advance_checkpoint(ctx, system).from_seq == head
    checkpoint = audit.verify_chain(ctx, system).from_seq
    assert checkpoint > head
    with database.engine.begin() as conn:                          # an old event, before the checkpoint
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    assert audit.verify_chain(ctx, system).ok                   # not re-read by pages...
    full = audit.verify_chain(ctx, system, full=True)
    assert not full.ok and full.broken_seq == 2              # ...found by the full recomputation
    assert not audit.advance_checkpoint(ctx, system, full=True).ok
    with database.engine.begin() as conn:                          # the checkpointed event rewritten
        conn.execute(text("UPDATE audit_events SET hash = :h WHERE seq = :s"), {"h": "f" * 64, "s": checkpoint})
    broken = audit.verify_chain(ctx, system)
    assert not broken.ok and broken.broken_seq == checkpoint
    with pytest.raises(Forbidden):
        audit.verify_chain(ctx, clerk, full=True)                  # never the whole chain in a request


def test_the_worker_sweep_keeps_nothing_per_matter_and_each_matter_once(ctx, clerk):
    """The worker's call (collect=False) reports each matter through `progress` and keeps no list;
    every due matter is advanced once per pass."""
    made = []
    for _ in range(3):
        m = start_decision(ctx, clerk)
        for step, data in (("propose", PROPOSE), ("deliberate", DELIBERATE), ("send_plan", SEND_PLAN)):
            m = do(ctx, clerk, m, step, data)
        made.append(m.id)
    seen = []
    with clock.use_clock(clock.FixedClock(after(m))):
        kept = timers.advance_due_timers(ctx, Actor.system(), progress=seen.append, collect=False)
        assert kept == [] and sorted(r.matter_id for r in seen) == sorted(made)
        assert all(r.fired == ("党员审阅",) for r in seen)
        assert timers.advance_due_timers(ctx, Actor.system()) == []          # nothing due twice

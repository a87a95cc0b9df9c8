"""Red lines on the real store (SQLite and PostgreSQL): warnings raised after events and by the
sweep, deduplicated, lifted, and their 督办 lifecycle in the audit chain."""
from datetime import datetime, timedelta, timezone

import pytest

from engine import clock
from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.identity import Grant
from engine.services import Actor, attachments, audit, matters, notifications, redlines, warnings

T0 = datetime(2026, 5, 4, 2, 0, tzinfo=timezone.utc)


def purchase(ctx, clerk, amount, name="太阳能路灯"):
    return matters.start_matter(ctx, clerk, "procurement", "lushui_village", f"采购{name}", {
        "item_name": name, "purchase_type": "goods", "specification": "安装于三组道路", "amount": amount,
        "in_annual_plan": True})


@pytest.fixture
def fixed():
    with clock.use_clock(clock.FixedClock(T0)) as c:
        yield c


def split_warnings(ctx):
    found, _ = warnings.list_warnings(ctx, Actor.system(), {"rule": "R4"}, 1, 50)
    return found


def test_sweep_raises_once_and_updates_after(ctx, clerk, fixed):
    a = purchase(ctx, clerk, 15000)
    fixed.advance(timedelta(days=2))                                       # within the steps' time limits
    b = purchase(ctx, clerk, 9000, "太阳能路灯（二批）")
    first = redlines.sweep(ctx, Actor.system())
    assert first.raised == 1 and first.villages == 1
    [found] = split_warnings(ctx)
    assert found.matters == tuple(sorted([a.id, b.id])) and found.severity == "high"
    assert found.status == "open" and "2 天内 2 笔（1.5 万元 + 9,000 元）" in found.text
    again = redlines.sweep(ctx, Actor.system())
    assert again.raised == 0 and len(split_warnings(ctx)) == 1          # same rule, same matters: one warning
    assert audit.verify_chain(ctx, Actor.system()).ok


def test_the_nightly_sweep_runs_once_a_beijing_day_from_two_oclock(ctx, clerk, fixed):
    """The worker asks every pass; the sweep runs once a Beijing day. (The second ask of a day read
    the last sweep's row after its unit of work had closed, and failed on every pass after.)"""
    purchase(ctx, clerk, 15000)
    fixed.at = datetime(2026, 5, 4, 17, 30, tzinfo=timezone.utc)           # 01:30 Beijing: not yet
    assert redlines.sweep_if_due(ctx, Actor.system()) is None
    fixed.at = datetime(2026, 5, 4, 18, 30, tzinfo=timezone.utc)           # 02:30 Beijing
    assert redlines.sweep_if_due(ctx, Actor.system()).villages == 1
    fixed.advance(timedelta(hours=6))
    assert redlines.sweep_if_due(ctx, Actor.system()) is None               # the same Beijing day
    fixed.advance(timedelta(days=1))
    assert redlines.sweep_if_due(ctx, Actor.system()).villages == 1     # the next one


def test_an_event_raises_and_a_cancellation_lifts(ctx, clerk, fixed):
    redlines.watch(ctx)
    a = purchase(ctx, clerk, 15000)
    assert split_warnings(ctx) == []
    b = purchase(ctx, clerk, 9000)                                         # the commit's listener runs the rules
    [found] = split_warnings(ctx)
    assert found.matters == tuple(sorted([a.id, b.id]))
    matters.cancel_matter(ctx, clerk, b.id, "重复录入")
    [lifted] = split_warnings(ctx)
    assert lifted.status == "lifted" and lifted.cleared_at is not None
    assert [h.action for h in warnings.get_warning(ctx, clerk, lifted.id).history] == ["raised", "cleared"]


def test_the_supervision_lifecycle(ctx, clerk, fixed):
    purchase(ctx, clerk, 15000)
    purchase(ctx, clerk, 9000)
    redlines.sweep(ctx, Actor.system())
    [w] = split_warnings(ctx)
    with pytest.raises(InvalidData):
        warnings.dismiss_warning(ctx, clerk, w.id, "  ")
    with pytest.raises(InvalidData):
        warnings.assign_warning(ctx, clerk, w.id, "lushui_village", T0 - timedelta(days=1))
    assigned = warnings.assign_warning(ctx, clerk, w.id, "lushui_village", (T0 + timedelta(days=5)).date(), "限期说明")
    assert assigned.status == "assigned" and assigned.assigned_unit == "lushui_village"
    village = Actor("vc", frozenset({Grant("VILLAGE_COMMITTEE", "lushui_village")}))
    listed, total = warnings.list_warnings(ctx, village, {}, 1, 10)    # what is assigned to its village
    assert total == 1 and [v.id for v in listed] == [w.id]
    assert warnings.get_warning(ctx, village, w.id).actions == ("answered",)
    neighbour = Actor("vc2", frozenset({Grant("VILLAGE_COMMITTEE", "taohua_village")}))
    assert warnings.list_warnings(ctx, neighbour, {}, 1, 10)[1] == 0
    with pytest.raises(NotFound):
        warnings.get_warning(ctx, neighbour, w.id)
    with pytest.raises(Forbidden):
        warnings.list_warnings(ctx, Actor("a", frozenset({Grant("APPLICANT", "lushui_village")})), {}, 1, 10)
    monitor = Actor("jwh", frozenset({Grant("SUPERVISION_COMMITTEE", "lushui_village")}))
    assert warnings.get_warning(ctx, monitor, w.id).actions == ()      # the 村监委 supervises, it does not answer
    with pytest.raises(Forbidden, match="绿水村村民委员会"):
        warnings.answer_warning(ctx, monitor, w.id, "村监委代答")
    answered = warnings.answer_warning(ctx, village, w.id, "两笔为不同路段，已补充说明材料")
    assert answered.status == "answered"
    with pytest.raises(Conflict):
        warnings.close_warning(ctx, clerk, w.id, "办结")
    assert warnings.verify_warning(ctx, clerk, w.id, False, "说明不充分").status == "assigned"
    warnings.answer_warning(ctx, village, w.id, "已合并为一个采购项目重新进场")
    warnings.verify_warning(ctx, clerk, w.id, True)
    closed = warnings.close_warning(ctx, clerk, w.id, "整改到位")
    assert closed.status == "closed"
    assert [h.action for h in closed.history] == [
        "raised", "assigned", "answered", "returned", "answered", "verified", "closed"]
    assert audit.verify_chain(ctx, Actor.system()).ok


def test_overdue_assignment_escalates_once(ctx, clerk, fixed):
    purchase(ctx, clerk, 15000)
    purchase(ctx, clerk, 9000)
    redlines.sweep(ctx, Actor.system())
    [w] = split_warnings(ctx)
    warnings.assign_warning(ctx, clerk, w.id, "lushui_village", T0 + timedelta(days=2))
    fixed.advance(timedelta(days=3))
    assert warnings.list_warnings(ctx, clerk, {"overdue": True}, 1, 10)[1] == 1      # (the steps are late too: R19)
    assert redlines.sweep(ctx, Actor.system()).escalated == 1
    assert redlines.sweep(ctx, Actor.system()).escalated == 0
    escalated = warnings.get_warning(ctx, clerk, w.id)
    assert escalated.escalation_level == 1 and escalated.history[-1].details["to"] == "demo_county"


def test_dismissal_needs_a_reason_and_a_discipline_committee(ctx, clerk, fixed):
    purchase(ctx, clerk, 15000)
    purchase(ctx, clerk, 9000)
    redlines.sweep(ctx, Actor.system())
    [w] = split_warnings(ctx)
    committee = Actor("jw", frozenset({Grant("SUPERVISION_COMMITTEE", "lushui_village")}))
    assert warnings.get_warning(ctx, committee, w.id).id == w.id         # 村监委 reads
    with pytest.raises(Forbidden):
        warnings.dismiss_warning(ctx, committee, w.id, "不是拆分")                 # but does not dispose
    other = Actor("hq", frozenset({Grant("TOWNSHIP_DISCIPLINE", "baiyun_town")}))
    with pytest.raises(NotFound):
        warnings.get_warning(ctx, other, w.id)
    dismissed = warnings.dismiss_warning(ctx, clerk, w.id, "两项采购分属年度计划不同批次，已核实")
    assert dismissed.status == "dismissed"
    redlines.sweep(ctx, Actor.system())
    assert split_warnings(ctx)[0].status == "dismissed"                # found again: stays dismissed


def test_the_sweep_command_prints_its_totals_as_json(tmp_path, monkeypatch):
    """`xiaowei redlines sweep`: a line per village with its counts, then the totals as one JSON object
    in the sweep row's order (the service answers frozen views; the CLI writes them out as before)."""
    import json

    from click.testing import CliRunner

    from api.cli import cli
    from api.wiring import build_context
    from engine.services.definitions import sync_definitions
    from engine.services.demo import seed_demo
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", f"sqlite:///{tmp_path / 'sweep.sqlite3'}")
    monkeypatch.setenv("XIAOWEI_ENV", "test")
    context = build_context()
    context.database.upgrade()
    sync_definitions(context)
    seed_demo(context, Actor.system(), with_users=False)
    clerk = Actor("clerk", frozenset(Grant(code, "demo_county") for code in context.roles))
    with clock.use_clock(clock.FixedClock(T0)):
        purchase(context, clerk, 15000)
        purchase(context, clerk, 9000, "太阳能路灯（二批）")
    context.database.dispose()
    swept = CliRunner().invoke(cli, ["redlines", "sweep", "--now", (T0 + timedelta(days=1)).isoformat()])
    assert swept.exit_code == 0, swept.output
    *villages, totals = swept.output.rstrip("\n").splitlines()
    assert villages == ["  lushui_village: 2 matters, {'raised': 1, 'updated': 0, 'cleared': 0}"]
    assert list(json.loads(totals).items()) == [("villages", 1), ("matters", 2), ("raised", 1), ("updated", 0),
                                               ("cleared", 0), ("escalated", 0)]


def _person(name, role, unit="lushui_village"):
    return Actor(name, frozenset([Grant(role, unit)]))


def _reimbursed_before_approval(ctx):
    """A 支出事前审批 decided today, and a reimbursement citing it for money spent three days before,
    walked to its booking, each step by the holder of its role."""
    applicant = _person("zhao", "APPLICANT")
    approval = matters.start_matter(ctx, applicant, "spending_approval", "lushui_village", "维修村部屋顶", {
        "handler_name": "赵六", "purpose": "维修村部屋顶", "amount": 800, "expense_category": "management",
        "planned_on": "2026-05-01"})
    approval = matters.complete_step(ctx, _person("sun", "VILLAGE_COMMITTEE"), approval.ready_steps[0].id,
                                     {"director_decision": "approve", "director_opinion": "预算合理"})
    claim = matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "报销屋顶维修", {
        "handler_name": "赵六", "purpose": "维修村部屋顶", "invoice_no": "04412345", "spent_on": "2026-05-04",
        "expense_category": "management", "approval_matter": approval.id, "amount": 780,
        "invoices": [attachments.upload_attachment(ctx, applicant, "发票.pdf", b"%PDF-1.7\n%%EOF\n").id]})
    # The citation now refuses a date before the approval (links.not_before_end); a claim entered
    # before that check, or imported, can still say so, and the red line is what finds it then.
    with ctx.uow() as uow:
        record = uow.matters.get(claim.id)
        record.data = {**record.data, "spent_on": "2026-05-01"}
        uow.commit()
    for step, data in [("witness_sign", {"witness_name": "钱七", "witness_statement": "属实"}),
                       ("supervision_review", {"sc_reviewers": "监委会全体成员", "supervision_result": "approve",
                                               "supervision_opinion": "票据合规"}),
                       ("sign_director", {"director_name": "孙主任", "director_signed_on": "2026-05-04"}),
                       ("sign_secretary", {"secretary_name": "周书记", "secretary_signed_on": "2026-05-04"}),
                       ("submit_vouchers", {"submitted_on": "2026-05-04", "voucher_count": 1}),
                       ("agent_check", {"check_result": "booked", "check_opinion": "手续齐全", "voucher_no": "记-2026-05-001"})]:
        [ready] = [s for s in claim.ready_steps if s.step_id == step]
        doer = _person(f"{step}.doer", ready.role, "qingshan_town" if ready.role.startswith("TOWNSHIP") else "lushui_village")
        claim = matters.complete_step(ctx, doer, ready.id, data)
    return approval, claim


def approval_warnings(ctx):
    found, _ = warnings.list_warnings(ctx, Actor.system(), {"rule": "R1"}, 1, 50)
    return [w for w in found if w.check == "resolution_after_act"]


def test_money_spent_before_its_cited_approval_is_found_after_the_booking_not_only_at_night(ctx, fixed):
    """The rule reads the approval the reimbursement cites: an event on the reimbursement brings it
    into the facts (it is no peer of anything), so the warning is raised at the booking."""
    redlines.watch(ctx)
    approval, claim = _reimbursed_before_approval(ctx)
    [found] = approval_warnings(ctx)
    assert found.matters == (approval.id, claim.id) and found.status == "open"
    assert "支出日期早于所引第" in found.text and "3 天" in found.text


def test_a_warning_is_judged_again_with_every_matter_it_names(ctx, fixed):
    """Evaluating the approval alone (an event on it) keeps the warning naming it and the
    reimbursement: the reimbursement is read too, not taken for gone."""
    approval, claim = _reimbursed_before_approval(ctx)
    assert redlines.sweep(ctx, Actor.system()).raised >= 1
    [found] = approval_warnings(ctx)
    counts = redlines.evaluate_matters(ctx, {approval.id})
    assert counts.cleared == 0
    [still] = approval_warnings(ctx)
    assert (still.id, still.status, still.cleared_at) == (found.id, "open", None)


def test_an_assignment_tells_the_body_answering_for_the_unit(ctx, clerk, fixed):
    purchase(ctx, clerk, 15000)
    purchase(ctx, clerk, 9000)
    redlines.sweep(ctx, Actor.system())
    [w] = split_warnings(ctx)
    warnings.assign_warning(ctx, clerk, w.id, "lushui_village", (T0 + timedelta(days=5)).date())

    sent = []

    class Kept:
        def send(self, message):
            sent.append(message)
    notifications.deliver_due(ctx, Kept())
    [told] = [m for m in sent if m["event"] == "warning_assigned"]
    assert told["recipient"]["role"] == "VILLAGE_COMMITTEE" and told["recipient"]["org"] == "lushui_village"
    due = (T0 + timedelta(days=5)).date()
    assert told["text"] == (f"预警交办：绿水村“{w.rule_name}”，"
                            f"请于{due.year}年{due.month:02d}月{due.day:02d}日前反馈办理情况")
    assert told["payload"] == {"warning_id": w.id, "village": "lushui_village", "rule": "R4"}

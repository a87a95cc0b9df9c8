"""Scenario tests of 征地补偿款使用分配 (land_compensation, CW-05).

The plan goes through 四议两公开 (major_decision) and must be resolved by the 村民会议: the
scenarios walk the called process along its FULL (村民会议) path and check it; a resolution of the
村民代表会议 sends the plan back to be decided again. The members' ballot, the publicity periods and
the objections are tested at their boundaries. Together the scenarios take every sequence flow of
the item at least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest
from SpiffWorkflow import TaskState

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, steps
from tests.walks import (after_resolution, deliberate, object_during, pass_major_decision, propose,
                         reject_major_decision, resolve_full, review, send_plan, wait_past)

KEY = "land_compensation"
P = default_parameters()
TOTAL, RETAINED, MEMBERS = 1000000, 200000, 400          # 2000 yuan a head at most


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="征地补偿款使用分配", list_code="CW-05", category="财务管理",
    calls=("major_decision",),
    lanes={"TWO_COMMITTEES", "COLLECTIVE_MEMBERS_MEETING", "SUPERVISION_COMMITTEE", "VILLAGE_COMMITTEE",
           "PUBLIC_PLATFORM", "REPORTING_CLERK"},
    supervision={"review_notice", "list_objection", "payment_objection"},
    objections={"list_objection", "payment_objection"},
    separations={"review_notice": ("start",)},
    end_events={"end_rejected": "方案未通过，不予分配", "end_paid": "已发放"},
)


def start(parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {"land_project": "省道拓宽工程征收东山村集体土地", "expropriation_approval": "某政征〔2026〕3号",
                       "compensation_total": TOTAL, "received_on": "2026-03-01",
                       "compensation_receipt": ["att-receipt-1"]}, parameters=parameters)
    assert steps(s) == {"draft_plan"} and s.ready()["draft_plan"][0].role == "TWO_COMMITTEES"
    return s


def called_steps_completed(s: Scenario) -> set[str]:
    """Ids of the steps completed in the latest run of the called 四议两公开."""
    main = s.matter.workflow
    calls = main.get_tasks(spec_name="call_decision", state=TaskState.COMPLETED)
    latest = max(calls, key=lambda t: t.last_state_change)
    return {t.task_spec.bpmn_id for t in main.subprocesses[latest.id].get_tasks(state=TaskState.COMPLETED)
            if t.task_spec.manual}


def ready_data(s: Scenario, step: str) -> dict:
    return s.matter.task(s.ready()[step][0].task_id).data


# -- walking the item --------------------------------------------------------------------------
def draft(s: Scenario, per_person=2000) -> None:
    assert steps(s) == {"draft_plan"}
    s.do("draft_plan", {"retained_amount": RETAINED, "eligible_count": MEMBERS, "per_person_amount": per_person,
                        "special_cases": "出嫁未迁户口妇女、在校大学生、现役义务兵按成员分配",
                        "plan_text": "集体留存20%用于村道修缮，其余按人均分", "eligible_list": ["att-list-1"]},
         role="TWO_COMMITTEES")
    assert steps(s) == {"propose"}, "the plan goes to 四议两公开"


def decided_by_villager_meeting(s: Scenario) -> None:
    """四议两公开 along its 村民会议 (FULL) path, checked: the 村民会议, not the representatives, resolves."""
    propose(s, "FULL")
    deliberate(s)
    send_plan(s)
    review(s)
    wait_past(s, P["villager_meeting_notice_days"], "resolve_full")   # the 10 days' notice to villagers
    assert s.ready()["resolve_full"][0].role == "VILLAGER_MEETING"
    resolve_full(s)
    after_resolution(s)
    assert steps(s) == {"member_ballot"}
    assert ready_data(s, "member_ballot")["meeting_type"] == "FULL"
    done = called_steps_completed(s)
    assert "resolve_full" in done and "resolve_rep" not in done


def ballot(s: Scenario, total: int = 300, votes_for: int = 200, against: int = 50) -> None:
    assert steps(s) == {"member_ballot"} and s.ready()["member_ballot"][0].role == "COLLECTIVE_MEMBERS_MEETING"
    s.do("member_ballot", {"ballot_members_total": total, "ballot_for": votes_for, "ballot_against": against,
                           "ballot_sheets": ["att-ballot-1"]}, role="COLLECTIVE_MEMBERS_MEETING")


def review_notice(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"review_notice"} and s.ready()["review_notice"][0].role == "SUPERVISION_COMMITTEE"
    s.do("review_notice", {"notice_review_result": result,
                           "notice_review_opinion": "与决议一致" if result == "approve" else "漏列2名在校学生"},
         role="SUPERVISION_COMMITTEE")


def correct(s: Scenario, note: str) -> None:
    assert steps(s) == {"correct_list"} and s.ready()["correct_list"][0].role == "TWO_COMMITTEES"
    s.do("correct_list", {"correction_note": note, "corrected_list": ["att-list-2"]}, role="TWO_COMMITTEES")
    assert steps(s) == {"review_notice"}, "a corrected list is reviewed again before it is published"


def publish_list(s: Scenario) -> None:
    assert steps(s) == {"publish_list"}
    s.do("publish_list", {"list_notice": "符合条件成员400人，每人2000元", "list_published_on": "2026-04-20",
                          "list_notice_photos": ["att-photo-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"list_objection"}
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("list_publicity", "名单及金额公示")
    assert timer.due == s.period_end(P["land_comp_list_publicity_days"])


def pay(s: Scenario, total=800000) -> None:
    assert steps(s) == {"pay"} and s.ready()["pay"][0].role == "VILLAGE_COMMITTEE"
    s.do("pay", {"paid_on": "2026-05-06", "paid_count": MEMBERS, "paid_total": total, "bank_records": ["att-bank-1"]},
         role="VILLAGE_COMMITTEE")


def publish_payment(s: Scenario) -> None:
    assert steps(s) == {"publish_payment"}
    s.do("publish_payment", {"payment_notice": "已发放400人，共80万元；集体留存20万元", "payment_published_on": "2026-05-08"},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"payment_objection"}


def archived(s: Scenario) -> None:
    wait_past(s, P["land_comp_result_publicity_days"], "archive")
    s.do("archive", {"archive_no": "CW-2026-005"}, role="REPORTING_CLERK")


def to_list_publicity(s: Scenario) -> None:
    draft(s)
    decided_by_villager_meeting(s)
    ballot(s)
    review_notice(s)
    publish_list(s)


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def paid_without_objection() -> Scenario:
    s = start()
    to_list_publicity(s)
    wait_past(s, P["land_comp_list_publicity_days"], "pay")
    pay(s)
    publish_payment(s)
    archived(s)
    return finished(s, "已发放")


def rep_meeting_resolution_is_decided_again_by_the_villager_meeting() -> Scenario:
    s = start()
    draft(s)
    pass_major_decision(s)                             # 村民代表会议 path of 四议两公开
    assert steps(s) == {"propose"}, "a 代表会议 resolution is not enough: 四议两公开 again, to the 村民会议"
    decided_by_villager_meeting(s)
    ballot(s)
    review_notice(s)
    publish_list(s)
    wait_past(s, P["land_comp_list_publicity_days"], "pay")
    pay(s)
    publish_payment(s)
    archived(s)
    return finished(s, "已发放")


def decision_rejected() -> Scenario:
    s = start()
    draft(s)
    reject_major_decision(s)
    return finished(s, "方案未通过，不予分配")


def ballot_fails_then_revised() -> Scenario:
    s = start()
    draft(s)
    decided_by_villager_meeting(s)
    ballot(s, total=300, votes_for=199, against=101)   # one short of 2/3 of all members
    assert steps(s) == {"revise_plan"} and s.ready()["revise_plan"][0].role == "TWO_COMMITTEES"
    s.do("revise_plan", {"next_action": "revise", "revise_reason": "提高人均分配额后重新决策"}, role="TWO_COMMITTEES")
    draft(s, per_person=1999.5)
    decided_by_villager_meeting(s)
    ballot(s)
    review_notice(s)
    publish_list(s)
    wait_past(s, P["land_comp_list_publicity_days"], "pay")
    pay(s)
    publish_payment(s)
    archived(s)
    return finished(s, "已发放")


def ballot_fails_and_stopped() -> Scenario:
    s = start()
    draft(s)
    decided_by_villager_meeting(s)
    ballot(s, total=300, votes_for=150, against=150)
    s.do("revise_plan", {"next_action": "stop", "revise_reason": "成员分歧较大，待调解后另行决策"}, role="TWO_COMMITTEES")
    return finished(s, "方案未通过，不予分配")


def list_returned_then_objections() -> Scenario:
    """The 村监委 returns the list; during publicity one objection is dismissed (the period starts
    again) and one is upheld (the list is corrected, reviewed and published again)."""
    s = start()
    draft(s)
    decided_by_villager_meeting(s)
    ballot(s)
    review_notice(s, "return")
    correct(s, "补列2名在校学生")
    review_notice(s)
    publish_list(s)
    object_during(s, "list_objection", after_days=4)
    assert steps(s) == {"reverify_list"}
    s.do("reverify_list", {"verification_finding": "户籍已迁出且已在新居住地分配", "objection_upheld": False},
         role="TWO_COMMITTEES")
    assert steps(s) == {"list_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["land_comp_list_publicity_days"]), "the period starts again"
    object_during(s, "list_objection", after_days=2)
    s.do("reverify_list", {"verification_finding": "出嫁女户口未迁出，应予分配", "objection_upheld": True},
         role="TWO_COMMITTEES")
    correct(s, "补列出嫁女1人")
    review_notice(s)
    publish_list(s)
    wait_past(s, P["land_comp_list_publicity_days"], "pay")
    pay(s)
    publish_payment(s)
    archived(s)
    return finished(s, "已发放")


def payment_objections() -> Scenario:
    """An objection to the payment result: dismissed, the period starts again; upheld, the payment is
    rectified and the result published again."""
    s = start()
    to_list_publicity(s)
    wait_past(s, P["land_comp_list_publicity_days"], "pay")
    pay(s)
    publish_payment(s)
    object_during(s, "payment_objection")
    s.do("reverify_payment", {"verification_finding": "已到账，银行流水为证", "objection_upheld": False},
         role="TWO_COMMITTEES")
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["land_comp_result_publicity_days"]), "the period starts again"
    object_during(s, "payment_objection")
    s.do("reverify_payment", {"verification_finding": "一户账号错误未到账", "objection_upheld": True},
         role="TWO_COMMITTEES")
    assert steps(s) == {"rectify_payment"}
    s.do("rectify_payment", {"rectification_note": "更正账号后补发2000元", "rectification_records": ["att-bank-2"]},
         role="VILLAGE_COMMITTEE")
    publish_payment(s)
    archived(s)
    return finished(s, "已发放")


SCENARIOS = [paid_without_objection, rep_meeting_resolution_is_decided_again_by_the_villager_meeting,
             decision_rejected, ballot_fails_then_revised, ballot_fails_and_stopped, list_returned_then_objections,
             payment_objections]




# -- boundaries ------------------------------------------------------------------------------------
def at_ballot(parameters: dict | None = None) -> Scenario:
    s = start(parameters)
    draft(s)
    decided_by_villager_meeting(s)
    return s


@pytest.mark.parametrize("votes_for, passes", [(200, True), (199, False), (300, True)])
def test_members_approval_is_two_thirds_of_all_members(votes_for, passes):
    s = at_ballot()
    ballot(s, total=300, votes_for=votes_for, against=0)
    assert steps(s) == ({"review_notice"} if passes else {"revise_plan"})


def test_a_township_may_change_the_approval_fraction():
    s = at_ballot({"land_comp_member_approval": "3/4"})
    ballot(s, total=300, votes_for=224, against=0)     # 2/3 would do; 3/4 of 300 is 225
    assert steps(s) == {"revise_plan"}
    s = at_ballot({"land_comp_member_approval": "3/4"})
    ballot(s, total=300, votes_for=225, against=0)
    assert steps(s) == {"review_notice"}


def test_list_publicity_days_is_a_parameter():
    s = start({"land_comp_list_publicity_days": 10})
    draft(s)
    decided_by_villager_meeting(s)
    ballot(s)
    review_notice(s)
    s.do("publish_list", {"list_notice": "名单", "list_published_on": "2026-04-20", "list_notice_photos": ["att-p"]})
    wait_past(s, 10, "pay")


# -- invalid data and declarations ------------------------------------------------------------------
@pytest.mark.parametrize("per_person, ok", [(2000, True), (2000.01, False), (0, False)])
def test_the_plan_cannot_distribute_more_than_is_left_after_the_retained_share(per_person, ok):
    s = start()
    if ok:
        draft(s, per_person=per_person)
        return
    with pytest.raises(InvalidData) as err:
        draft(s, per_person=per_person)
    assert set(err.value.errors) == {"per_person_amount"}
    assert steps(s) == {"draft_plan"}


def test_the_plan_needs_the_list_of_eligible_members():
    s = start()
    with pytest.raises(InvalidData) as err:
        s.do("draft_plan", {"retained_amount": RETAINED, "eligible_count": MEMBERS, "per_person_amount": 2000,
                            "special_cases": "无", "plan_text": "方案"})
    assert set(err.value.errors) == {"eligible_list"}


def test_ballot_counts_may_not_exceed_the_members():
    s = at_ballot()
    with pytest.raises(InvalidData) as err:
        ballot(s, total=300, votes_for=301, against=0)
    assert "ballot_for" in err.value.errors
    with pytest.raises(InvalidData) as err:
        ballot(s, total=300, votes_for=200, against=101)
    assert set(err.value.errors) == {"ballot_against"}
    assert steps(s) == {"member_ballot"}


def test_payment_needs_bank_evidence_and_stays_within_the_plan():
    s = start()
    to_list_publicity(s)
    wait_past(s, P["land_comp_list_publicity_days"], "pay")
    with pytest.raises(InvalidData) as err:
        s.do("pay", {"paid_on": "2026-05-06", "paid_count": MEMBERS, "paid_total": 800001})
    assert set(err.value.errors) == {"paid_total", "bank_records"}

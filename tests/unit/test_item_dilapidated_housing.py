"""Scenario tests of 农村危房改造申请 (dilapidated_housing, FW-05).

Only the four priority groups are accepted; the 村民代表会议 appraisal straddles its quorum and
majority; the county's subsidy is capped by the appraisal grade (D-grade rebuild vs C-grade
repair, both parameters) exactly at the cap. Together the scenarios take every sequence flow of
the item (`test_every_sequence_flow_is_taken`), including both publicity periods' objection loops.
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.forms import clean_form_data
from tests.scenario import Scenario, default_parameters, finished
from tests.walks import object_during, steps, wait_past

KEY = "dilapidated_housing"
P = default_parameters()
REBUILD, REPAIR = P["dilapidated_housing_rebuild_subsidy"], P["dilapidated_housing_repair_subsidy"]
APPLICATION = {"applicant_name": "王大爷", "household_size": 2, "house_address": "三组12号",
               "house_condition": "土坯房，承重墙开裂，屋面漏雨", "application_documents": ["att-application-1"]}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="农村危房改造申请", list_code="FW-05", category="便民服务",
    lanes={"APPLICANT", "VILLAGE_COMMITTEE", "PUBLIC_PLATFORM", "SUPERVISION_COMMITTEE", "TOWNSHIP_GOV",
           "COUNTY_DEPT", "REPORTING_CLERK"},
    supervision={"appraisal_objection", "sc_acceptance", "sc_review", "result_objection"},
    objections={"appraisal_objection", "result_objection"},
    separations={"township_review": ("start",), "county_approve": ("start",), "sc_acceptance": ("start",),
                 "sc_review": ("start",)},
    end_events={"end_not_accepted": "不予受理", "end_appraisal_failed": "民主评议未通过",
                "end_township_refused": "乡镇审核不予通过", "end_not_dangerous": "不予改造（非危房）",
                "end_done": "改造完成，补助已发放"},
    timers={"appraisal_publicity": "评议结果公示", "result_publicity": "改造结果公开"},
)


def start(target_group: str = "dibao", parameters: dict | None = None) -> Scenario:
    return Scenario(KEY, {**APPLICATION, "target_group": target_group}, parameters=parameters)


# -- walking the item --------------------------------------------------------------------------
def appraise(s: Scenario, total: int = 30, attendees: int = 20, votes_for: int = 11) -> None:
    assert steps(s) == {"appraisal"} and s.ready()["appraisal"][0].role == "VILLAGE_COMMITTEE"
    s.do("appraisal", {"rep_total": total, "rep_attendees": attendees, "rep_for": votes_for,
                       "appraisal_record": ["att-minutes-1", "att-ballots-1"],
                       "appraisal_opinion": "同意列为改造对象" if votes_for * 2 > attendees else "多数代表不同意"},
         role="VILLAGE_COMMITTEE")


def publish_appraisal(s: Scenario) -> None:
    assert steps(s) == {"publish_appraisal"}
    s.do("publish_appraisal", {"appraisal_notice": "王大爷，农村低保户，评议通过", "appraisal_published_on": "2026-03-10",
                               "appraisal_notice_photo": ["att-notice-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"appraisal_objection"} and s.ready()["appraisal_objection"][0].role == "SUPERVISION_COMMITTEE"
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("appraisal_publicity", "评议结果公示")
    assert timer.due == s.period_end(P["dilapidated_housing_publicity_days"])


def township_reviews(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"township_review"} and s.ready()["township_review"][0].role == "TOWNSHIP_GOV"
    s.do("township_review", {"township_decision": decision,
                             "township_opinion": "材料属实" if decision == "approve" else "家庭另有安全住房，不符合条件"},
         role="TOWNSHIP_GOV")


def appraised_safety(s: Scenario, grade: str) -> None:
    assert steps(s) == {"safety_appraisal"} and s.ready()["safety_appraisal"][0].role == "COUNTY_DEPT"
    s.do("safety_appraisal", {"safety_grade": grade, "safety_appraiser": "县住建局农房鉴定组 李工",
                              "safety_report": ["att-appraisal-report-1"],
                              "safety_finding": f"经现场鉴定为{grade}级"}, role="COUNTY_DEPT")


def county_approves(s: Scenario, amount) -> None:
    assert steps(s) == {"county_approve"}
    s.do("county_approve", {"renovation_plan": "拆除重建60平方米砖混住房", "subsidy_amount": amount,
                            "approval_no": "县住建危改〔2026〕15号"}, role="COUNTY_DEPT")


def up_to_approval(s: Scenario, grade: str = "D") -> None:
    """From the application to the county's safety appraisal, with no objection."""
    appraise(s)
    publish_appraisal(s)
    wait_past(s, P["dilapidated_housing_publicity_days"], "township_review")
    township_reviews(s)
    appraised_safety(s, grade)


def constructed(s: Scenario) -> None:
    assert steps(s) == {"construct"} and s.ready()["construct"][0].role == "APPLICANT"
    s.do("construct", {"builder": "本村施工队", "started_on": "2026-04-10", "completed_on": "2026-07-20",
                       "construction_photos": ["att-before-1", "att-during-1", "att-after-1"]}, role="APPLICANT")


def accepted(s: Scenario, result: str = "pass") -> None:
    assert steps(s) == {"acceptance"} and s.ready()["acceptance"][0].role == "TOWNSHIP_GOV"
    s.do("acceptance", {"accepted_on": "2026-07-28", "acceptance_participants": "乡镇建设办、村委会、村务监督委员会",
                        "acceptance_photos": ["att-acceptance-1"], "acceptance_result": result,
                        "acceptance_opinion": "主体结构安全，功能齐全" if result == "pass" else "屋面防水未完成"},
         role="TOWNSHIP_GOV")


def supervision_agrees(s: Scenario, result: str = "agree") -> None:
    assert steps(s) == {"sc_acceptance"} and s.ready()["sc_acceptance"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_acceptance", {"sc_acceptance_members": "监委主任赵某、委员钱某", "sc_acceptance_result": result,
                           "sc_acceptance_opinion": "同意" if result == "agree" else "厨房未分隔，与方案不符"},
         role="SUPERVISION_COMMITTEE")


def rectified(s: Scenario, note: str) -> None:
    assert steps(s) == {"rectify"} and s.ready()["rectify"][0].role == "APPLICANT"
    s.do("rectify", {"rectification": note, "rectification_photos": ["att-rectified-1"]}, role="APPLICANT")


def paid(s: Scenario, amount) -> None:
    assert steps(s) == {"pay_subsidy"} and s.ready()["pay_subsidy"][0].role == "COUNTY_DEPT"
    s.do("pay_subsidy", {"paid_amount": amount, "paid_on": "2026-08-15", "payment_voucher": ["att-bank-1"]},
         role="COUNTY_DEPT")


def result_reviewed(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"prepare_result"}
    s.do("prepare_result", {"result_notice": "王大爷，D级拆除重建，补助30000元"}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"sc_review"} and s.ready()["sc_review"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_review", {"sc_review_result": result, "sc_review_opinion": "内容属实" if result == "approve" else "金额写错"},
         role="SUPERVISION_COMMITTEE")


def result_published(s: Scenario) -> None:
    result_reviewed(s)
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"result_published_on": "2026-08-20", "result_notice_photo": ["att-board-1"]},
         role="VILLAGE_COMMITTEE")
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("result_publicity", "改造结果公开")
    assert timer.due == s.period_end(P["dilapidated_housing_result_publicity_days"])


def archived(s: Scenario) -> None:
    wait_past(s, P["dilapidated_housing_result_publicity_days"], "archive")
    s.do("archive", {"archive_no": "WG-2026-007"}, role="REPORTING_CLERK")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def rebuild_of_a_d_grade_house() -> Scenario:
    s = start("dibao")
    up_to_approval(s, "D")
    county_approves(s, REBUILD)                        # exactly the D-grade cap
    constructed(s)
    accepted(s)
    supervision_agrees(s)
    paid(s, REBUILD)
    result_published(s)
    archived(s)
    assert s.matter.workflow.data["paid_amount"] == REBUILD
    return finished(s, "改造完成，补助已发放")


def repair_with_objections_rework_and_corrections() -> Scenario:
    """C grade; an appraisal objection is dismissed; acceptance fails once and the 村监委 disagrees
    once; the 村监委 returns the result notice; a result objection is upheld, a second dismissed."""
    s = start("tekun")
    appraise(s)
    publish_appraisal(s)
    object_during(s, "appraisal_objection", after_days=3)
    assert steps(s) == {"reverify_appraisal"} and s.ready()["reverify_appraisal"][0].role == "VILLAGE_COMMITTEE"
    s.do("reverify_appraisal", {"verification_finding": "申请人确为分散供养特困人员", "objection_upheld": False},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"appraisal_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["dilapidated_housing_publicity_days"]), "the period starts again"
    wait_past(s, P["dilapidated_housing_publicity_days"], "township_review")
    township_reviews(s)
    appraised_safety(s, "C")
    county_approves(s, REPAIR)                         # exactly the C-grade cap
    constructed(s)
    accepted(s, "fail")
    rectified(s, "屋面防水已补做")
    accepted(s)
    supervision_agrees(s, "disagree")
    rectified(s, "厨房已按方案分隔")
    accepted(s)
    supervision_agrees(s)
    paid(s, REPAIR)
    result_reviewed(s, "return")
    result_published(s)
    object_during(s, "result_objection", after_days=2)
    assert steps(s) == {"reverify_result"} and s.ready()["reverify_result"][0].role == "TOWNSHIP_GOV"
    s.do("reverify_result", {"verification_finding": "公开的改造方式有误，应为修缮加固", "objection_upheld": True},
         role="TOWNSHIP_GOV")
    result_published(s)                               # corrected, reviewed again and republished
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "补助金额与拨付凭证一致", "objection_upheld": False},
         role="TOWNSHIP_GOV")
    assert steps(s) == {"result_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["dilapidated_housing_result_publicity_days"])
    archived(s)
    return finished(s, "改造完成，补助已发放")


def objection_upheld_then_appraisal_fails() -> Scenario:
    s = start("hardship")
    appraise(s)
    publish_appraisal(s)
    object_during(s, "appraisal_objection")
    s.do("reverify_appraisal", {"verification_finding": "该户在镇上另有商品房", "objection_upheld": True},
         role="VILLAGE_COMMITTEE")
    appraise(s, total=30, attendees=20, votes_for=10)   # re-appraised: a tie among those present
    return finished(s, "民主评议未通过")


def household_outside_the_priority_groups() -> Scenario:
    s = start("other")
    assert steps(s) == {"refuse_intake"} and s.ready()["refuse_intake"][0].role == "VILLAGE_COMMITTEE"
    s.do("refuse_intake", {"refusal_reason": "非低保、特困、低保边缘或因病因灾困难家庭，不属于改造对象",
                           "refused_on": "2026-03-03"}, role="VILLAGE_COMMITTEE")
    assert s.matter.workflow.data["refusal_reason"].startswith("非低保")
    return finished(s, "不予受理")


def township_refuses() -> Scenario:
    s = start("dibao_edge")
    appraise(s)
    publish_appraisal(s)
    wait_past(s, P["dilapidated_housing_publicity_days"], "township_review")
    township_reviews(s, "reject")
    return finished(s, "乡镇审核不予通过")


def house_appraised_safe() -> Scenario:
    s = start("dibao")
    up_to_approval(s, "B")
    return finished(s, "不予改造（非危房）")


SCENARIOS = [rebuild_of_a_d_grade_house, repair_with_objections_rework_and_corrections,
             objection_upheld_then_appraisal_fails, household_outside_the_priority_groups, township_refuses,
             house_appraised_safe]




# -- who may apply -----------------------------------------------------------------------------------
@pytest.mark.parametrize("group, first_step", [
    ("dibao", "appraisal"), ("tekun", "appraisal"), ("dibao_edge", "appraisal"), ("hardship", "appraisal"),
    ("monitored", "appraisal"),         # 防止返贫监测对象（易返贫致贫户）: a priority group since 2021
    ("other", "refuse_intake"),
])
def test_only_priority_groups_are_accepted(group, first_step):
    assert steps(start(group)) == {first_step}


def test_a_refusal_must_give_its_reason():
    s = start("other")
    with pytest.raises(InvalidData) as err:
        s.do("refuse_intake", {"refused_on": "2026-03-03"})
    assert set(err.value.errors) == {"refusal_reason"}
    assert steps(s) == {"refuse_intake"}


def test_the_application_needs_its_documents_and_a_known_group():
    form = start().bundle.info.start_form
    with pytest.raises(InvalidData) as err:
        clean_form_data(form, {**APPLICATION, "application_documents": [], "target_group": "rich"}, P)
    assert set(err.value.errors) == {"application_documents", "target_group"}


# -- the appraisal ---------------------------------------------------------------------------------
@pytest.mark.parametrize("attendees, votes_for, passes", [
    (20, 11, True),     # exactly 2/3 of 30 representatives attend; more than half of those present agree
    (19, 19, False),    # one short of the quorum, even if all agree
    (20, 10, False),    # a tie among those present
])
def test_appraisal_quorum_and_majority(attendees, votes_for, passes):
    s = start()
    appraise(s, total=30, attendees=attendees, votes_for=votes_for)
    if passes:
        assert steps(s) == {"publish_appraisal"}
    else:
        finished(s, "民主评议未通过")


def test_a_township_may_raise_the_appraisal_quorum():
    s = start(parameters={"rep_meeting_quorum": "3/4"})
    appraise(s, total=30, attendees=22, votes_for=20)   # 2/3 would do by default; 22 < 3/4 of 30
    finished(s, "民主评议未通过")
    s = start(parameters={"rep_meeting_quorum": "3/4"})
    appraise(s, total=32, attendees=24, votes_for=13)   # exactly 3/4
    assert steps(s) == {"publish_appraisal"}


def test_vote_counts_may_not_exceed_attendance_and_the_record_is_required():
    s = start()
    with pytest.raises(InvalidData) as err:
        s.do("appraisal", {"rep_total": 30, "rep_attendees": 31, "rep_for": 32, "appraisal_opinion": "同意"})
    assert set(err.value.errors) == {"rep_attendees", "rep_for", "appraisal_record"}
    assert steps(s) == {"appraisal"}


def test_a_township_may_lengthen_the_publicity():
    s = start(parameters={"dilapidated_housing_publicity_days": 10})
    appraise(s)
    s.do("publish_appraisal", {"appraisal_notice": "公示", "appraisal_published_on": "2026-03-10",
                               "appraisal_notice_photo": ["att-notice-1"]})
    wait_past(s, 10, "township_review")


# -- grade and subsidy -------------------------------------------------------------------------------
@pytest.mark.parametrize("grade, next_step", [("A", None), ("B", None), ("C", "county_approve"), ("D", "county_approve")])
def test_only_c_and_d_grade_houses_are_renovated(grade, next_step):
    s = start()
    up_to_approval(s, grade)
    if next_step:
        assert steps(s) == {next_step}
    else:
        finished(s, "不予改造（非危房）")


@pytest.mark.parametrize("grade, cap", [("D", REBUILD), ("C", REPAIR)])
def test_subsidy_is_capped_by_the_grade(grade, cap):
    s = start()
    up_to_approval(s, grade)
    with pytest.raises(InvalidData) as err:
        county_approves(s, cap + 0.01)
    assert err.value.errors == {"subsidy_amount": f"核定补助金额（元）：不能大于 {cap:,.2f} 元"}
    assert steps(s) == {"county_approve"}
    county_approves(s, cap)
    assert steps(s) == {"construct"}


def test_a_c_grade_repair_cannot_take_the_rebuild_subsidy():
    assert REPAIR < REBUILD
    s = start()
    up_to_approval(s, "C")
    with pytest.raises(InvalidData):
        county_approves(s, REBUILD)


def test_a_township_may_set_its_own_subsidy_caps():
    assert REPAIR < 15000
    s = start()
    up_to_approval(s, "C")
    with pytest.raises(InvalidData):
        county_approves(s, 15000)
    s = start(parameters={"dilapidated_housing_repair_subsidy": 15000})
    up_to_approval(s, "C")
    county_approves(s, 15000)
    assert steps(s) == {"construct"}


def test_payment_may_not_exceed_the_approved_subsidy():
    s = start()
    up_to_approval(s, "D")
    county_approves(s, 25000)
    constructed(s)
    accepted(s)
    supervision_agrees(s)
    with pytest.raises(InvalidData) as err:
        paid(s, 25000.01)
    assert set(err.value.errors) == {"paid_amount"}
    with pytest.raises(InvalidData) as err:
        s.do("pay_subsidy", {"paid_amount": 25000, "paid_on": "2026-08-15"})
    assert set(err.value.errors) == {"payment_voucher"}
    paid(s, 25000)
    assert steps(s) == {"prepare_result"}


def test_acceptance_needs_photos():
    s = start()
    up_to_approval(s, "D")
    county_approves(s, 20000)
    constructed(s)
    with pytest.raises(InvalidData) as err:
        s.do("acceptance", {"accepted_on": "2026-07-28", "acceptance_participants": "乡镇、村委会、村监委",
                            "acceptance_result": "pass", "acceptance_opinion": "合格"})
    assert set(err.value.errors) == {"acceptance_photos"}

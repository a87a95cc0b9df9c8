"""Scenario tests of 救灾救济款物发放 (disaster_relief, FW-06).

The 民主评议 straddles its quorum and majority; money is capped per household (a parameter) at the
appraisal, at the township's approval and at distribution, each tested exactly at the cap. Together
the scenarios take every sequence flow of the item (`test_every_sequence_flow_is_taken`), including
both publicity periods' objection loops and the 村务监督委员会's two review loops.
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished
from tests.walks import object_during, steps, wait_past

KEY = "disaster_relief"
P = default_parameters()
CAP = P["disaster_relief_household_cap"]
LIST_DAYS, RESULT_DAYS = P["disaster_relief_publicity_days"], P["disaster_relief_result_publicity_days"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="救灾救济款物发放", list_code="FW-06", category="便民服务",
    cites=("第三十条", "自然灾害救助条例"),
    lanes={"VILLAGE_COMMITTEE", "VILLAGER_GROUP", "PUBLIC_PLATFORM", "SUPERVISION_COMMITTEE", "TOWNSHIP_GOV",
           "COUNTY_DEPT", "REPORTING_CLERK"},
    supervision={"list_objection", "witness", "sc_review", "result_objection"},
    objections={"list_objection", "result_objection"},
    separations={"township_review": ("start", "register"), "county_approval": ("start", "register"),
                 "approve_amounts": ("start", "register"), "distribute": ("register",),
                 "witness": ("register", "distribute"), "sc_review": ("register", "distribute")},
    end_events={"end_refused": "不予救助", "end_county_refused": "县级应急管理部门不予批准", "end_done": "已发放"},
)


def start(parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {"disaster_type": "flood", "disaster_date": "2026-07-02", "disaster_summary": "7月2日暴雨，三组房屋进水、农田受淹",
                       "relief_source": "government"}, parameters=parameters)
    assert steps(s) == {"register"} and s.ready()["register"][0].role == "VILLAGE_COMMITTEE"
    return s


# -- walking the item --------------------------------------------------------------------------
def registered(s: Scenario, households: int = 12, check: str = "consistent") -> None:
    assert steps(s) == {"register"}
    s.do("register", {"registered_households": households, "affected_list": ["att-register-1"],
                      "loss_summary": "房屋进水12户，倒塌1户"}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"group_verify"} and s.ready()["group_verify"][0].role == "VILLAGER_GROUP"
    s.do("group_verify", {"verified_households": households, "group_check": check, "group_check_record": ["att-check-1"],
                          "group_check_note": "逐户核实" if check == "consistent" else "漏登2户"}, role="VILLAGER_GROUP")


def appraised(s: Scenario, attendees: int = 6, votes_for: int = 4, households: int = 10, total=None) -> None:
    """A panel of 9: 6 is exactly 2/3; 4 of 6 is more than half."""
    assert steps(s) == {"appraise"} and s.ready()["appraise"][0].role == "VILLAGE_COMMITTEE"
    s.do("appraise", {"panel_total": 9, "panel_attendees": attendees, "panel_for": votes_for,
                      "proposed_households": households, "proposed_total": households * CAP if total is None else total,
                      "proposed_goods": "棉被20床", "appraisal_record": ["att-appraisal-1", "att-ballots-1"]},
         role="VILLAGE_COMMITTEE")


def list_published(s: Scenario) -> None:
    assert steps(s) == {"publish_list"}
    s.do("publish_list", {"list_notice": "拟救助对象10户名单", "list_published_on": "2026-07-06",
                          "list_notice_photo": ["att-list-photo-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"list_objection"} and s.ready()["list_objection"][0].role == "SUPERVISION_COMMITTEE"
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("list_publicity", "救助对象名单公示")
    assert timer.due == s.period_end(LIST_DAYS)


def to_township(s: Scenario) -> None:
    registered(s)
    appraised(s)
    list_published(s)
    wait_past(s, LIST_DAYS, "township_review")


def township_decides(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"township_review"} and s.ready()["township_review"][0].role == "TOWNSHIP_GOV"
    s.do("township_review", {"township_decision": decision, "township_opinion": {
        "approve": "灾情属实", "return": "漏报倒房户，重新核实", "reject": "损失轻微，未达到救助标准"}[decision]},
         role="TOWNSHIP_GOV")


def county_decides(s: Scenario, decision: str = "approve") -> None:
    """《自然灾害救助条例》第二十一条（2019年修订）: the township reviews, the county's 应急管理部门 approves."""
    assert steps(s) == {"county_approval"} and s.ready()["county_approval"][0].role == "COUNTY_DEPT"
    s.do("county_approval", {"county_decision": decision, "county_opinion": {
        "approve": "同意救助", "return": "倒房户核实材料不全", "reject": "不属于自然灾害救助范围"}[decision]},
         role="COUNTY_DEPT")


def amounts_approved(s: Scenario, households: int = 10, per_household=CAP, total=None) -> None:
    assert steps(s) == {"approve_amounts"} and s.ready()["approve_amounts"][0].role == "COUNTY_DEPT"
    s.do("approve_amounts", {"approved_households": households, "household_amount": per_household,
                             "approved_total": households * per_household if total is None else total,
                             "approved_goods": "棉被20床", "approval_no": "乡救〔2026〕3号",
                             "approval_list": ["att-roster-1"]}, role="COUNTY_DEPT")


def distributed(s: Scenario, households: int = 10, total=10 * CAP) -> None:
    assert steps(s) == {"distribute"} and s.ready()["distribute"][0].role == "VILLAGE_COMMITTEE"
    s.do("distribute", {"distributor": "村会计孙某", "distributed_on": "2026-07-20", "distributed_households": households,
                        "distributed_total": total, "distributed_goods": "棉被20床",
                        "signed_receipts": ["att-receipts-1"]}, role="VILLAGE_COMMITTEE")


def witnessed(s: Scenario, result: str = "confirmed") -> None:
    assert steps(s) == {"witness"} and s.ready()["witness"][0].role == "SUPERVISION_COMMITTEE"
    s.do("witness", {"witness_members": "监委主任赵某", "witness_result": result,
                     "witness_opinion": "签收与名册一致" if result == "confirmed" else "1户代签，须本人签收"},
         role="SUPERVISION_COMMITTEE")


def result_reviewed(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"prepare_result"}
    s.do("prepare_result", {"result_notice": "受助人姓名、金额、物资", "result_list": ["att-result-list-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"sc_review"} and s.ready()["sc_review"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_review", {"sc_review_result": result, "sc_review_opinion": "同意" if result == "approve" else "漏列物资"},
         role="SUPERVISION_COMMITTEE")


def result_published(s: Scenario) -> None:
    result_reviewed(s)
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"result_published_on": "2026-07-22", "result_notice_photo": ["att-board-1"]},
         role="VILLAGE_COMMITTEE")
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("result_publicity", "发放结果公开")
    assert timer.due == s.period_end(RESULT_DAYS)


def archived(s: Scenario) -> None:
    wait_past(s, RESULT_DAYS, "archive")
    s.do("archive", {"archive_no": "JZ-2026-002"}, role="REPORTING_CLERK")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def relief_distributed() -> Scenario:
    s = start()
    to_township(s)
    township_decides(s)
    county_decides(s)
    amounts_approved(s)                       # every household at exactly the cap
    distributed(s)
    witnessed(s)
    result_published(s)
    archived(s)
    assert s.matter.workflow.data["distributed_total"] == 10 * CAP
    return finished(s, "已发放")


def list_corrected_before_approval() -> Scenario:
    """The group finds a discrepancy; the appraisal fails once; an objection is upheld, a second one
    dismissed (the period starts again); the township returns the list once."""
    s = start()
    registered(s, check="discrepancy")
    registered(s, households=14)
    appraised(s, attendees=6, votes_for=3)    # a tie among those present
    registered(s, households=14)
    appraised(s)
    list_published(s)
    object_during(s, "list_objection", after_days=1)
    assert steps(s) == {"reverify_list"} and s.ready()["reverify_list"][0].role == "VILLAGE_COMMITTEE"
    s.do("reverify_list", {"verification_finding": "李某家未受灾，应剔除", "objection_upheld": True}, role="VILLAGE_COMMITTEE")
    registered(s, households=13)
    appraised(s)
    list_published(s)
    object_during(s, "list_objection", after_days=2)
    s.do("reverify_list", {"verification_finding": "经评议小组复核，名单无误", "objection_upheld": False},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"list_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(LIST_DAYS), "the period starts again"
    wait_past(s, LIST_DAYS, "township_review")
    township_decides(s, "return")
    to_township(s)
    township_decides(s)
    county_decides(s, "return")               # the county sends it back to be registered again
    to_township(s)
    township_decides(s)
    county_decides(s)
    amounts_approved(s)
    distributed(s)
    witnessed(s)
    result_published(s)
    archived(s)
    return finished(s, "已发放")


def distribution_corrected_after_supervision_and_objection() -> Scenario:
    """The 村监委 finds a proxy signature; it returns the notice once; a result objection is upheld
    (distribution corrected and republished), a second dismissed."""
    s = start()
    to_township(s)
    township_decides(s)
    county_decides(s)
    amounts_approved(s, households=10, per_household=2000)
    distributed(s, total=20000)
    witnessed(s, "discrepancy")
    distributed(s, total=20000)
    witnessed(s)
    result_reviewed(s, "return")
    result_published(s)
    object_during(s, "result_objection", after_days=3)
    assert steps(s) == {"reverify_result"} and s.ready()["reverify_result"][0].role == "TOWNSHIP_GOV"
    s.do("reverify_result", {"verification_finding": "王某应得物资未发", "objection_upheld": True}, role="TOWNSHIP_GOV")
    distributed(s, total=20000)
    witnessed(s)
    result_published(s)
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "金额与签收单一致", "objection_upheld": False}, role="TOWNSHIP_GOV")
    assert steps(s) == {"result_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(RESULT_DAYS), "the period starts again"
    archived(s)
    return finished(s, "已发放")


def township_refuses() -> Scenario:
    s = start()
    to_township(s)
    township_decides(s, "reject")
    assert s.matter.workflow.data["township_opinion"] == "损失轻微，未达到救助标准"
    return finished(s, "不予救助")


def county_refuses() -> Scenario:
    s = start()
    to_township(s)
    township_decides(s)
    county_decides(s, "reject")
    return finished(s, "县级应急管理部门不予批准")


SCENARIOS = [relief_distributed, list_corrected_before_approval, distribution_corrected_after_supervision_and_objection,
             township_refuses, county_refuses]




# -- registration and appraisal ------------------------------------------------------------------
def test_the_group_cannot_verify_more_households_than_registered():
    s = start()
    s.do("register", {"registered_households": 5, "affected_list": ["att-1"], "loss_summary": "5户"})
    with pytest.raises(InvalidData) as err:
        s.do("group_verify", {"verified_households": 6, "group_check": "consistent", "group_check_note": "核实"})
    assert set(err.value.errors) == {"verified_households", "group_check_record"}


@pytest.mark.parametrize("attendees, votes_for, passes", [
    (6, 4, True),      # exactly 2/3 of a panel of 9 attend; more than half of those present agree
    (5, 5, False),     # one short of the quorum, even if all agree
    (6, 3, False),     # a tie among those present
])
def test_appraisal_quorum_and_majority(attendees, votes_for, passes):
    s = start()
    registered(s)
    appraised(s, attendees=attendees, votes_for=votes_for)
    assert steps(s) == ({"publish_list"} if passes else {"register"})


def test_a_township_may_raise_the_appraisal_quorum():
    s = start({"disaster_relief_appraisal_quorum": "7/9"})
    registered(s)
    appraised(s, attendees=6, votes_for=6)    # 2/3 of 9 would do by default
    assert steps(s) == {"register"}
    registered(s)
    appraised(s, attendees=7, votes_for=4)
    assert steps(s) == {"publish_list"}


def test_the_proposal_is_capped_per_household():
    s = start()
    registered(s)
    with pytest.raises(InvalidData) as err:
        appraised(s, households=10, total=10 * CAP + 0.01)
    assert err.value.errors == {"proposed_total": f"拟救助资金合计（元）：不能大于 {10 * CAP:,.2f} 元"}
    with pytest.raises(InvalidData) as err:
        appraised(s, households=13)           # more households than were verified
    assert set(err.value.errors) == {"proposed_households"}
    appraised(s, households=10, total=10 * CAP)
    assert steps(s) == {"publish_list"}


def test_a_township_may_lower_the_household_cap():
    s = start({"disaster_relief_household_cap": 1000})
    registered(s)
    with pytest.raises(InvalidData):
        appraised(s, households=10, total=10000.01)
    appraised(s, households=10, total=10000)
    list_published(s)
    wait_past(s, LIST_DAYS, "township_review")
    township_decides(s)
    county_decides(s)
    with pytest.raises(InvalidData) as err:
        amounts_approved(s, per_household=1000.01, total=10000)
    assert set(err.value.errors) == {"household_amount"}
    amounts_approved(s, per_household=1000)
    assert steps(s) == {"distribute"}


def test_a_township_may_lengthen_the_list_publicity():
    s = start({"disaster_relief_publicity_days": 7})
    registered(s)
    appraised(s)
    s.do("publish_list", {"list_notice": "名单", "list_published_on": "2026-07-06", "list_notice_photo": ["att-1"]})
    wait_past(s, 7, "township_review")


# -- approval and distribution -------------------------------------------------------------------
def at_approval() -> Scenario:
    s = start()
    to_township(s)
    township_decides(s)
    county_decides(s)
    return s


def test_the_county_emergency_department_approves_not_the_township():
    s = start()
    to_township(s)
    township_decides(s)
    assert steps(s) == {"county_approval"}, "the township only reviews (审核)"
    info = s.bundle.info
    assert "应急管理" in info.steps["county_approval"].name and "民政" not in info.steps["county_approval"].name
    assert info.steps["approve_amounts"].role == "COUNTY_DEPT"
    assert info.steps["county_approval"].deadline == "days(disaster_relief_approval_days)"
    assert "应急管理部门审批" in info.metadata["policy_basis"]


def test_the_township_caps_each_household_and_the_total():
    s = at_approval()
    with pytest.raises(InvalidData) as err:
        amounts_approved(s, households=10, per_household=CAP + 0.01, total=10 * CAP)
    assert err.value.errors == {"household_amount": f"单户最高核定金额（元）：不能大于 {CAP:,.2f} 元"}
    with pytest.raises(InvalidData) as err:
        amounts_approved(s, households=10, per_household=3000, total=30000.01)
    assert set(err.value.errors) == {"approved_total"}
    with pytest.raises(InvalidData) as err:
        amounts_approved(s, households=11)    # more than the appraisal proposed
    assert set(err.value.errors) == {"approved_households"}
    amounts_approved(s, households=10, per_household=3000, total=30000)
    assert steps(s) == {"distribute"}


def test_distribution_needs_signed_receipts_and_stays_within_the_approval():
    s = at_approval()
    amounts_approved(s, households=8, per_household=2500)
    with pytest.raises(InvalidData) as err:
        s.do("distribute", {"distributor": "孙某", "distributed_on": "2026-07-20", "distributed_households": 9,
                            "distributed_total": 20000.01})
    assert set(err.value.errors) == {"distributed_households", "distributed_total", "signed_receipts"}
    distributed(s, households=8, total=20000)
    assert steps(s) == {"witness"}


def test_a_refusal_gives_its_reason():
    s = start()
    to_township(s)
    with pytest.raises(InvalidData) as err:
        s.do("township_review", {"township_decision": "reject"})
    assert set(err.value.errors) == {"township_opinion"}
    assert steps(s) == {"township_review"}

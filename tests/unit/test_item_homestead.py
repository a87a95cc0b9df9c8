"""Scenario tests of 宅基地（建房）申请审批 (homestead, FW-02).

The application is checked as the service checks it (`clean_form_data` over the township
parameters, so the area and storey caps hold) before the matter starts. Together the scenarios take
every sequence flow of the item at least once (`test_every_sequence_flow_is_taken`): the group
meeting's quorum, both publicity periods with an objection dismissed (the period starts again) and
upheld, the farmland conversion approved and refused, and the 三到场 with a rectification loop.
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.expressions import evaluate
from engine.workdays import WorkingDays
from engine.forms import clean_form_data
from engine.registry import check_override, load_parameters
from tests.scenario import PROCESSES, Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, wait_past

KEY = "homestead"
P = default_parameters()
CAP = P["homestead_area_cap"]
APPLICATION = {
    "applicant_name": "陈建国", "household_members": 5, "application_reason": "儿子成家分户，现无宅基地",
    "site_location": "三组老屋场东侧，东至机耕道，南至陈某宅，西至水渠，北至山脚", "land_type": "construction",
    "applied_area": 120, "storeys": 2, "floor_area": 220,
    "one_household_pledge": ["att-pledge-1"], "application_documents": ["att-form-1"], "has_groups": True,
}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="宅基地（建房）申请审批", list_code="FW-02", category="便民服务",
    cites=("农经发〔2019〕6号",),
    lanes={"APPLICANT", "VILLAGER_GROUP", "VILLAGER_REP_MEETING", "PUBLIC_PLATFORM", "SUPERVISION_COMMITTEE",
           "VILLAGE_COMMITTEE", "TOWNSHIP_GOV", "COUNTY_DEPT"},
    supervision={"group_objection", "result_objection"},
    objections={"group_objection", "result_objection"},
    separations={"reverify_group": ("start",), "village_review": ("start",), "joint_review": ("start",),
                 "issue_approval": ("start",), "reverify_result": ("start",), "completion_check": ("start",)},
    end_events={"end_village_refused": "村级审查未通过", "end_approved": "已批准，竣工核查合格",
                "end_not_approved": "不予批准"},
)


def info():
    return item_catalog(KEY).bundle(KEY).info


def application(parameters: dict | None = None, **fields) -> dict:
    return clean_form_data(info().start_form, {**APPLICATION, **fields}, {**P, **(parameters or {})})


def start(parameters: dict | None = None, **fields) -> Scenario:
    s = Scenario(KEY, application(parameters, **fields), parameters=parameters)
    if fields.get("has_groups", True):
        assert steps(s) == {"group_meeting"} and s.ready()["group_meeting"][0].role == "VILLAGER_GROUP"
    else:
        assert steps(s) == {"rep_meeting"} and s.ready()["rep_meeting"][0].role == "VILLAGER_REP_MEETING"
    return s


# -- walking the item --------------------------------------------------------------------------
def group_meets(s: Scenario, households: int = 30, attendees: int = 24, votes_for: int = 20) -> None:
    s.do("group_meeting", {"group_households": households, "group_attendees": attendees, "group_for": votes_for,
                           "group_minutes": ["att-group-minutes-1"]}, role="VILLAGER_GROUP")


def publish_group(s: Scenario) -> None:
    assert steps(s) == {"publish_group"}
    s.do("publish_group", {"group_notice": "陈建国户申请宅基地120平方米，建房2层", "group_published_on": "2026-03-05",
                           "group_notice_photo": ["att-group-notice-1"]}, role="VILLAGER_GROUP")
    assert steps(s) == {"group_objection"} and s.ready()["group_objection"][0].role == "SUPERVISION_COMMITTEE"
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == (
        "group_publicity", s.period_end(P["homestead_group_publicity_days"]))


def village_reviews(s: Scenario, decision: str = "forward", fits_plan: bool = True) -> None:
    assert steps(s) == {"village_review"} and s.ready()["village_review"][0].role == "VILLAGE_COMMITTEE"
    s.do("village_review", {"documents_genuine": True, "fits_village_plan": fits_plan, "neighbours_consulted": True,
                            "neighbour_opinions": "东、南两户相邻权利人无异议", "village_decision": decision,
                            "village_opinion": "同意上报" if decision == "forward" else "拟用地不在村庄规划建设区内",
                            "village_review_form": ["att-village-form-1"]}, role="VILLAGE_COMMITTEE")


def to_township(s: Scenario) -> None:
    """From the group meeting to the township's acceptance, no objection."""
    group_meets(s)
    publish_group(s)
    wait_past(s, P["homestead_group_publicity_days"], "village_review")
    village_reviews(s)
    assert steps(s) == {"site_check"} and s.ready()["site_check"][0].role == "TOWNSHIP_GOV"
    s.do("site_check", {"township_accepted_on": "2026-03-16", "site_check_record": "符合村庄规划，地类为存量建设用地",
                        "site_check_photos": ["att-site-1"]}, role="TOWNSHIP_GOV")


def joint_review(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"joint_review"}
    s.do("joint_review", {"joint_review_opinion": "符合规划和面积标准，一户一宅" if decision == "approve" else "申请户已有宅基地",
                          "joint_decision": decision, "joint_review_form": ["att-joint-1"]}, role="TOWNSHIP_GOV")


def convert(s: Scenario, decision: str = "approved") -> None:
    assert steps(s) == {"land_conversion"} and s.ready()["land_conversion"][0].role == "COUNTY_DEPT"
    s.do("land_conversion", {"conversion_decision": decision,
                             "conversion_opinion": "同意转用" if decision == "approved" else "涉及永久基本农田，不予转用",
                             "conversion_doc_no": "县政土转〔2026〕5号"}, role="COUNTY_DEPT")


def issue_and_publish(s: Scenario, approved_area: int = 120) -> None:
    assert steps(s) == {"issue_approval"}
    s.do("issue_approval", {"approval_no": "宅批〔2026〕12号", "planning_permit_no": "乡字第2026-012号",
                            "approved_area": approved_area, "approved_on": "2026-03-30",
                            "approval_files": ["att-approval-1"]}, role="TOWNSHIP_GOV")
    assert steps(s) == {"publish_result"} and s.ready()["publish_result"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_result", {"result_notice": f"陈建国户批准宅基地{approved_area}平方米", "result_published_on": "2026-03-31",
                            "result_notice_photo": ["att-result-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def filed(s: Scenario) -> None:
    """农经发〔2019〕6号: the township's approval is filed with the county 农业农村 and 自然资源 departments."""
    assert steps(s) == {"county_filing"} and s.ready()["county_filing"][0].role == "COUNTY_DEPT"
    s.do("county_filing", {"filed_on": "2026-04-10", "filing_no": "县农宅备〔2026〕12号"}, role="COUNTY_DEPT")


def rep_meets(s: Scenario, total: int = 30, attendees: int = 24, votes_for: int = 20) -> None:
    """A village without 村民小组: the 村民代表会议 discusses the application (domain §3.8)."""
    assert steps(s) == {"rep_meeting"}
    s.do("rep_meeting", {"hs_rep_total": total, "hs_rep_attendees": attendees, "hs_rep_for": votes_for,
                         "hs_rep_minutes": ["att-rep-minutes-1"]}, role="VILLAGER_REP_MEETING")


def publish_village(s: Scenario) -> None:
    assert steps(s) == {"publish_village"} and s.ready()["publish_village"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_village", {"village_notice": "陈建国户申请宅基地120平方米，建房2层", "village_published_on": "2026-03-05",
                             "village_notice_photo": ["att-village-notice-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"group_objection"} and s.ready()["group_objection"][0].role == "SUPERVISION_COMMITTEE"
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == (
        "group_publicity", s.period_end(P["homestead_group_publicity_days"]))


def built(s: Scenario, complies: bool = True) -> None:
    """三到场 after the result publicity: peg out, then the completion check."""
    assert steps(s) == {"stake_out"} and s.ready()["stake_out"][0].role == "TOWNSHIP_GOV"
    s.do("stake_out", {"staked_on": "2026-04-12", "stake_record": "按批准四至放样", "stake_photos": ["att-stake-1"]},
         role="TOWNSHIP_GOV")
    assert steps(s) == {"report_completion"} and s.ready()["report_completion"][0].role == "APPLICANT"
    s.do("report_completion", {"completed_on": "2026-10-01"}, role="APPLICANT")
    check(s, complies)


def check(s: Scenario, complies: bool) -> None:
    assert steps(s) == {"completion_check"}
    s.do("completion_check", {"checked_on": "2026-10-08", "complies": complies,
                              "completion_record": "按批准建设" if complies else "超出批准四至约8平方米",
                              "completion_check_photos": ["att-check-1"]}, role="TOWNSHIP_GOV")


def village_refused(s: Scenario, reason: str) -> Scenario:
    assert steps(s) == {"village_refusal"} and s.ready()["village_refusal"][0].role == "VILLAGE_COMMITTEE"
    s.do("village_refusal", {"refusal_reason": reason, "refusal_notice": ["att-refusal-1"]}, role="VILLAGE_COMMITTEE")
    return finished(s, "村级审查未通过")


def township_refused(s: Scenario, reason: str) -> Scenario:
    assert steps(s) == {"township_refusal"} and s.ready()["township_refusal"][0].role == "TOWNSHIP_GOV"
    s.do("township_refusal", {"refusal_reason": reason, "refusal_notice": ["att-refusal-2"]}, role="TOWNSHIP_GOV")
    return finished(s, "不予批准")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def approved_on_construction_land() -> Scenario:
    s = start()
    to_township(s)
    joint_review(s)
    issue_and_publish(s)
    wait_past(s, P["homestead_result_publicity_days"], "county_filing")
    filed(s)
    built(s)
    return finished(s, "已批准，竣工核查合格")


def farmland_converted_objection_dismissed_and_rectified() -> Scenario:
    s = start(land_type="farmland")
    to_township(s)
    joint_review(s)
    convert(s)
    issue_and_publish(s, approved_area=110)
    object_during(s, "result_objection", after_days=3)
    assert s.ready()["reverify_result"][0].role == "TOWNSHIP_GOV"
    s.do("reverify_result", {"verification_finding": "批准面积符合标准，不占邻户土地", "objection_upheld": False},
         role="TOWNSHIP_GOV")
    assert steps(s) == {"result_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["homestead_result_publicity_days"]), "the period starts again"
    wait_past(s, P["homestead_result_publicity_days"], "county_filing")
    filed(s)
    built(s, complies=False)
    for note in ("拆除超出部分围墙", "拆除超建附属房"):
        assert steps(s) == {"rectify"} and s.ready()["rectify"][0].role == "APPLICANT"
        s.do("rectify", {"rectification_note": note, "rectification_photos": ["att-rectify-1"]}, role="APPLICANT")
        check(s, complies=note == "拆除超建附属房")
    return finished(s, "已批准，竣工核查合格")


def farmland_conversion_refused() -> Scenario:
    s = start(land_type="farmland")
    to_township(s)
    joint_review(s)
    convert(s, "refused")
    return township_refused(s, "拟用地涉及永久基本农田，农用地转用未获批准")


def joint_review_rejects() -> Scenario:
    s = start()
    to_township(s)
    joint_review(s, "reject")
    return township_refused(s, "申请户已有宅基地，不符合一户一宅")


def village_without_groups_approved() -> Scenario:
    """No 村民小组: no group step; the 村民代表会议 discusses it and it is published across the collective
    (an objection dismissed, the period starts again), then the usual village review."""
    s = start(has_groups=False)
    rep_meets(s)
    publish_village(s)
    object_during(s, "group_objection", after_days=2)
    assert s.ready()["reverify_group"][0].role == "VILLAGE_COMMITTEE"
    s.do("reverify_group", {"verification_finding": "异议人所称占路不实", "objection_upheld": False},
         role="VILLAGE_COMMITTEE")
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["homestead_group_publicity_days"]), "the period starts again"
    wait_past(s, P["homestead_group_publicity_days"], "village_review")
    village_reviews(s)
    s.do("site_check", {"township_accepted_on": "2026-03-16", "site_check_record": "符合村庄规划",
                        "site_check_photos": ["att-site-1"]}, role="TOWNSHIP_GOV")
    joint_review(s)
    issue_and_publish(s)
    wait_past(s, P["homestead_result_publicity_days"], "county_filing")
    filed(s)
    built(s)
    return finished(s, "已批准，竣工核查合格")


def village_without_groups_rep_meeting_fails() -> Scenario:
    s = start(has_groups=False)
    rep_meets(s, total=30, attendees=19, votes_for=19)               # 19 < 2/3 of 30 representatives
    return village_refused(s, "村民代表会议到会人数不足三分之二")


def village_without_groups_objection_upheld() -> Scenario:
    s = start(has_groups=False)
    rep_meets(s)
    publish_village(s)
    object_during(s, "group_objection", after_days=3)
    s.do("reverify_group", {"verification_finding": "申请户在外村已有住房", "objection_upheld": True},
         role="VILLAGE_COMMITTEE")
    return village_refused(s, "公示期异议成立：申请户在外村已有住房")


def group_meeting_without_quorum() -> Scenario:
    s = start()
    group_meets(s, households=30, attendees=19, votes_for=19)        # 19 < 2/3 × 30
    return village_refused(s, "村民小组会议到会户数不足三分之二")


def group_objections_dismissed_then_upheld() -> Scenario:
    s = start()
    group_meets(s)
    publish_group(s)
    object_during(s, "group_objection", after_days=2)
    assert s.ready()["reverify_group"][0].role == "VILLAGE_COMMITTEE"       # verified by the 村级组织, with or without groups
    s.do("reverify_group", {"verification_finding": "异议人所称占路不实", "objection_upheld": False}, role="VILLAGE_COMMITTEE")
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == (
        "group_publicity", s.period_end(P["homestead_group_publicity_days"])), "the period starts again"
    object_during(s, "group_objection", after_days=6)
    s.do("reverify_group", {"verification_finding": "申请户在外村已有住房", "objection_upheld": True}, role="VILLAGE_COMMITTEE")
    return village_refused(s, "公示期异议成立：申请户在外村已有住房")


def village_review_finds_it_off_plan() -> Scenario:
    s = start()
    group_meets(s)
    publish_group(s)
    wait_past(s, P["homestead_group_publicity_days"], "village_review")
    village_reviews(s, decision="forward", fits_plan=False)   # "forward" cannot pass an application off the plan
    return village_refused(s, "拟用地不符合村庄规划")


def result_objection_upheld_then_rejected() -> Scenario:
    s = start()
    to_township(s)
    joint_review(s)
    issue_and_publish(s)
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "申请户已有一处宅基地未退出", "objection_upheld": True},
         role="TOWNSHIP_GOV")
    assert steps(s) == {"joint_review"}, "an upheld objection goes back to the joint review"
    joint_review(s, "reject")
    return township_refused(s, "不符合一户一宅，撤销批准")


SCENARIOS = [village_without_groups_approved, village_without_groups_rep_meeting_fails,
             village_without_groups_objection_upheld, approved_on_construction_land,
             farmland_converted_objection_dismissed_and_rectified,
             farmland_conversion_refused, joint_review_rejects, group_meeting_without_quorum,
             group_objections_dismissed_then_upheld, village_review_finds_it_off_plan,
             result_objection_upheld_then_rejected]




# -- rules ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("households, attendees, votes_for, passes", [
    (30, 20, 11, True),       # exactly 2/3 of households, more than half of those present
    (30, 19, 19, False),      # one household short
    (30, 20, 10, False),      # half of those present is not more than half
    (31, 21, 11, True),       # 2/3 × 31 = 20.67
    (31, 20, 20, False),
])
def test_group_meeting_quorum_and_majority(households, attendees, votes_for, passes):
    s = start()
    group_meets(s, households, attendees, votes_for)
    assert steps(s) == ({"publish_group"} if passes else {"village_refusal"})


def test_a_township_may_raise_the_group_quorum_but_not_below_the_law():
    s = start(parameters={"homestead_group_quorum": "3/4"})
    group_meets(s, households=30, attendees=22, votes_for=20)     # 22 < 3/4 × 30 = 22.5
    assert steps(s) == {"village_refusal"}
    params = load_parameters(PROCESSES)
    with pytest.raises(InvalidData) as err:
        check_override(params["homestead_group_quorum"], "1/2")
    assert set(err.value.errors) == {"homestead_group_quorum"}
    with pytest.raises(InvalidData):
        check_override(params["homestead_group_majority"], "1/3")


def test_the_area_may_not_exceed_the_cap():
    assert application(applied_area=CAP)["applied_area"] == CAP
    with pytest.raises(InvalidData) as err:
        application(applied_area=CAP + 1)
    assert set(err.value.errors) == {"applied_area"}
    # A province with a lower standard: the township parameter changes what may be applied for.
    with pytest.raises(InvalidData) as err:
        application({"homestead_area_cap": 100}, applied_area=101)
    assert set(err.value.errors) == {"applied_area"}
    assert application({"homestead_area_cap": 100}, applied_area=100)["applied_area"] == 100


def test_storeys_pledge_and_documents_are_checked():
    with pytest.raises(InvalidData) as err:
        application(storeys=P["homestead_max_storeys"] + 1, one_household_pledge=[], land_type="forest")
    assert set(err.value.errors) == {"storeys", "one_household_pledge", "land_type"}
    assert application(storeys=P["homestead_max_storeys"])["storeys"] == P["homestead_max_storeys"]


def test_a_township_may_shorten_the_group_publicity():
    s = start(parameters={"homestead_group_publicity_days": 5})
    group_meets(s)
    s.do("publish_group", {"group_notice": "公示", "group_published_on": "2026-03-05",
                           "group_notice_photo": ["att-group-notice-1"]})
    wait_past(s, 5, "village_review")


def test_the_approved_area_may_not_exceed_the_applied_area():
    s = start()
    to_township(s)
    joint_review(s)
    with pytest.raises(InvalidData) as err:
        s.do("issue_approval", {"approval_no": "宅批〔2026〕12号", "planning_permit_no": "乡字第2026-012号",
                                "approved_area": 121, "approved_on": "2026-03-30", "approval_files": ["att-approval-1"]})
    assert set(err.value.errors) == {"approved_area"}


def test_each_site_visit_needs_its_photos():
    s = start()
    group_meets(s)
    publish_group(s)
    wait_past(s, P["homestead_group_publicity_days"], "village_review")
    village_reviews(s)
    with pytest.raises(InvalidData) as err:
        s.do("site_check", {"township_accepted_on": "2026-03-16", "site_check_record": "符合规划"})
    assert set(err.value.errors) == {"site_check_photos"}
    steps_ = info().steps
    for step, photos in (("site_check", "site_check_photos"), ("stake_out", "stake_photos"),
                         ("completion_check", "completion_check_photos")):
        field = next(f for f in steps_[step].form.fields if f.name == photos)
        assert field.type == "file" and field.required


def test_refusals_must_give_their_reason():
    s = start()
    group_meets(s, attendees=10, votes_for=10)
    with pytest.raises(InvalidData) as err:
        s.do("village_refusal", {"refusal_notice": ["att-refusal-1"]})
    assert set(err.value.errors) == {"refusal_reason"}
    s = start()
    to_township(s)
    joint_review(s, "reject")
    with pytest.raises(InvalidData) as err:
        s.do("township_refusal", {"refusal_notice": ["att-refusal-2"]})
    assert set(err.value.errors) == {"refusal_reason"}


def test_the_approval_time_limit_is_a_parameter():
    assert info().steps["joint_review"].deadline == "workdays(homestead_approval_days)"
    assert evaluate(info().steps["joint_review"].deadline, P) == WorkingDays(20)      # 20 个工作日


def test_the_county_filing_follows_the_final_approval_within_its_time_limit():
    step = info().steps["county_filing"]
    assert step.role == "COUNTY_DEPT" and step.deadline == "days(homestead_filing_days)"
    s = start()
    to_township(s)
    joint_review(s)
    issue_and_publish(s)
    assert "county_filing" not in steps(s), "filed once the result publicity is over, not before"
    wait_past(s, P["homestead_result_publicity_days"], "county_filing")
    with pytest.raises(InvalidData) as err:
        s.do("county_filing", {})
    assert set(err.value.errors) == {"filed_on", "filing_no"}


def test_the_start_form_asks_whether_the_village_has_groups():
    with pytest.raises(InvalidData) as err:
        application(has_groups=None)
    assert set(err.value.errors) == {"has_groups"}

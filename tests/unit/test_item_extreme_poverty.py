"""Scenario tests of 特困人员供养审核确认 (extreme_poverty, FW-08).

The three conditions of 《特困人员认定办法》 must all hold; the appraisal straddles its quorum and
majority; both publicity periods are at least the statutory 7 days. Every refusal ends in the
county's written notice with its reason. Together the scenarios take every sequence flow of the
item (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.registry import check_override, load_parameters
from tests.scenario import PROCESSES, Scenario, default_parameters, finished
from tests.walks import object_during, steps, wait_past

KEY = "extreme_poverty"
P = default_parameters()
INITIAL_DAYS, RESULT_DAYS = P["extreme_poverty_publicity_days"], P["extreme_poverty_result_publicity_days"]
CONDITIONS = ("no_work_ability", "no_income_source", "no_able_supporter")


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="特困人员供养审核确认", list_code="FW-08", category="便民服务",
    cites=("民发〔2021〕43号",),
    lanes={"APPLICANT", "TOWNSHIP_GOV", "VILLAGE_COMMITTEE", "PUBLIC_PLATFORM", "SUPERVISION_COMMITTEE",
           "COUNTY_DEPT", "REPORTING_CLERK"},
    supervision={"initial_objection", "sc_review", "result_objection"},
    objections={"initial_objection", "result_objection"},
    separations={"investigate": ("start",), "county_confirm": ("start", "investigate"), "sc_review": ("start",),
                 "refuse": ("start",)},
    deadlines={"investigate": "workdays(extreme_poverty_investigation_days)",
               "county_confirm": "workdays(extreme_poverty_confirm_days)",
               "refuse": "workdays(extreme_poverty_refusal_notice_days)"},
    end_events={"end_confirmed": "确认特困供养", "end_refused": "不予确认"},
)


def start(category: str = "elderly", parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {"applicant_name": "周老汉", "applicant_category": category, "application_mode": "entrusted",
                       "living_situation": "72岁独居，无子女，无固定收入", "application_documents": ["att-application-1"]},
                 parameters=parameters)
    assert steps(s) == {"investigate"} and s.ready()["investigate"][0].role == "TOWNSHIP_GOV"
    return s


# -- walking the item --------------------------------------------------------------------------
def investigated(s: Scenario, age: int = 72, kind: str = "none", grade: str = "none", **conditions) -> None:
    found = {name: conditions.get(name, True) for name in CONDITIONS}
    s.do("investigate", {**found, "verified_age": age, "disability_kind": kind, "disability_grade": grade,
                         "self_care_ability": "partial", "investigation_record": ["att-visit-1", "att-check-1"],
                         "investigation_finding": "入户调查、邻里访问、信息核对属实"}, role="TOWNSHIP_GOV")


def appraised(s: Scenario, attendees: int = 6, votes_for: int = 4) -> None:
    """A panel of 9: 6 is exactly 2/3; 4 of 6 is more than half."""
    assert steps(s) == {"appraise"} and s.ready()["appraise"][0].role == "VILLAGE_COMMITTEE"
    s.do("appraise", {"panel_total": 9, "panel_attendees": attendees, "panel_for": votes_for,
                      "appraisal_record": ["att-appraisal-1"],
                      "appraisal_opinion": "符合特困供养条件" if votes_for * 2 > attendees else "多数成员认为其子女有赡养能力"},
         role="VILLAGE_COMMITTEE")


def initial_published(s: Scenario) -> None:
    assert steps(s) == {"publish_initial"} and s.ready()["publish_initial"][0].role == "TOWNSHIP_GOV"
    s.do("publish_initial", {"initial_opinion": "初审符合特困供养条件", "initial_published_on": "2026-03-20",
                             "initial_notice_photo": ["att-notice-1"]}, role="TOWNSHIP_GOV")
    assert steps(s) == {"initial_objection"} and s.ready()["initial_objection"][0].role == "SUPERVISION_COMMITTEE"
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("initial_publicity", "初审意见公示")
    assert timer.due == s.period_end(INITIAL_DAYS)


def to_county(s: Scenario, **facts) -> None:
    investigated(s, **facts)
    appraised(s)
    initial_published(s)
    wait_past(s, INITIAL_DAYS, "county_confirm")


def county_decides(s: Scenario, decision: str = "confirm") -> None:
    assert steps(s) == {"county_confirm"} and s.ready()["county_confirm"][0].role == "COUNTY_DEPT"
    s.do("county_confirm", {"spot_checked": True, "county_decision": decision,
                            "county_opinion": "符合条件" if decision == "confirm" else "其子女有赡养能力"}, role="COUNTY_DEPT")


def mode_chosen(s: Scenario, mode: str = "dispersed") -> None:
    assert steps(s) == {"choose_mode"} and s.ready()["choose_mode"][0].role == "APPLICANT"
    s.do("choose_mode", {"support_mode": mode, "caregiver": "侄子周某" if mode == "dispersed" else None}, role="APPLICANT")


def result_reviewed(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"prepare_result"}
    s.do("prepare_result", {"result_notice": "周老汉，特困供养"}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"sc_review"} and s.ready()["sc_review"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_review", {"sc_review_result": result, "sc_review_opinion": "同意" if result == "approve" else "不应公布身份证号"},
         role="SUPERVISION_COMMITTEE")


def result_published(s: Scenario) -> None:
    result_reviewed(s)
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"result_published_on": "2026-04-20", "result_notice_photo": ["att-board-1"]},
         role="VILLAGE_COMMITTEE")
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("result_publicity", "确认结果公布")
    assert timer.due == s.period_end(RESULT_DAYS)


def refused(s: Scenario, reason: str) -> Scenario:
    assert steps(s) == {"refuse"} and s.ready()["refuse"][0].role == "COUNTY_DEPT"
    s.do("refuse", {"refusal_reason": reason, "refusal_notice": ["att-refusal-1"]}, role="COUNTY_DEPT")
    assert s.matter.workflow.data["refusal_reason"] == reason
    return finished(s, "不予确认")


def archived(s: Scenario) -> None:
    wait_past(s, RESULT_DAYS, "archive")
    s.do("archive", {"archive_no": "TK-2026-004"}, role="REPORTING_CLERK")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def dispersed_support_confirmed() -> Scenario:
    s = start("elderly")
    to_county(s)
    county_decides(s)
    mode_chosen(s, "dispersed")
    result_published(s)
    archived(s)
    return finished(s, "确认特困供养")


def concentrated_support_with_objections_dismissed() -> Scenario:
    s = start("disabled")
    investigated(s, age=45, kind="intellectual", grade="2")
    appraised(s)
    initial_published(s)
    object_during(s, "initial_objection", after_days=3)
    assert steps(s) == {"reverify_initial"} and s.ready()["reverify_initial"][0].role == "TOWNSHIP_GOV"
    s.do("reverify_initial", {"verification_finding": "其兄无履行扶养义务能力，初审意见不变",
                              "reverification_record": ["att-revisit-1"], "objection_upheld": False}, role="TOWNSHIP_GOV")
    assert steps(s) == {"initial_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(INITIAL_DAYS), "the period starts again"
    wait_past(s, INITIAL_DAYS, "county_confirm")
    county_decides(s)
    mode_chosen(s, "concentrated")
    assert steps(s) == {"place"} and s.ready()["place"][0].role == "TOWNSHIP_GOV"
    s.do("place", {"institution": "镇中心敬老院", "admitted_on": "2026-04-15", "care_agreement": ["att-agreement-1"]},
         role="TOWNSHIP_GOV")
    result_reviewed(s, "return")
    result_published(s)
    object_during(s, "result_objection", after_days=2)
    assert steps(s) == {"reverify_result"} and s.ready()["reverify_result"][0].role == "COUNTY_DEPT"
    s.do("reverify_result", {"verification_finding": "复核属实", "objection_upheld": False}, role="COUNTY_DEPT")
    assert steps(s) == {"result_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(RESULT_DAYS), "the period starts again"
    archived(s)
    assert s.matter.workflow.data["institution"] == "镇中心敬老院"
    return finished(s, "确认特困供养")


def supporter_able_to_support() -> Scenario:
    s = start()
    investigated(s, no_able_supporter=False)
    return refused(s, "其子女有赡养能力，不符合特困人员认定条件")


def appraisal_fails() -> Scenario:
    s = start()
    investigated(s)
    appraised(s, attendees=6, votes_for=3)      # a tie among those present
    return refused(s, "民主评议未通过：其子女有赡养能力")


def initial_objection_upheld() -> Scenario:
    s = start()
    investigated(s)
    appraised(s)
    initial_published(s)
    object_during(s, "initial_objection")
    s.do("reverify_initial", {"verification_finding": "申请人名下有出租商铺，有生活来源",
                              "reverification_record": ["att-revisit-1"], "objection_upheld": True}, role="TOWNSHIP_GOV")
    return refused(s, "有稳定租金收入，不属于无生活来源")


def county_rejects() -> Scenario:
    s = start()
    to_county(s)
    county_decides(s, "reject")
    return refused(s, "县级入户抽查发现其子女有赡养能力")


def confirmation_revoked_after_objection() -> Scenario:
    s = start("minor")
    to_county(s, age=12)
    county_decides(s)
    mode_chosen(s, "dispersed")
    result_published(s)
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "其父已刑满释放，有抚养能力", "objection_upheld": True},
         role="COUNTY_DEPT")
    return refused(s, "法定抚养义务人具备抚养能力，撤销确认")


SCENARIOS = [dispersed_support_confirmed, concentrated_support_with_objections_dismissed, supporter_able_to_support,
             appraisal_fails, initial_objection_upheld, county_rejects, confirmation_revoked_after_objection]




# -- conditions and refusals -------------------------------------------------------------------------
@pytest.mark.parametrize("unmet", CONDITIONS)
def test_any_unmet_condition_leads_to_a_refusal(unmet):
    s = start()
    investigated(s, **{unmet: False})
    assert steps(s) == {"refuse"}


def test_all_three_conditions_lead_to_the_appraisal():
    s = start()
    investigated(s)
    assert steps(s) == {"appraise"}


def test_the_investigation_must_answer_each_condition_and_keep_its_record():
    s = start()
    with pytest.raises(InvalidData) as err:
        s.do("investigate", {"no_work_ability": True, "self_care_ability": "full", "investigation_finding": "属实"})
    assert set(err.value.errors) == {"no_income_source", "no_able_supporter", "investigation_record", "verified_age",
                                     "disability_kind", "disability_grade"}
    assert steps(s) == {"investigate"}


# 《特困人员认定办法》（民发〔2021〕43号）第五条: 无劳动能力 means 60 or older, under 16, or a disability
# certificate of grade 1-3 (智力、精神), 1-2 (肢体) or 1 (视力). The township's word that someone cannot
# work is not enough: the verified age or certificate must say so for the category applied under.
@pytest.mark.parametrize("category, age, kind, grade, eligible", [
    ("elderly", 60, "none", "none", True),
    ("elderly", 59, "none", "none", False),
    ("minor", 15, "none", "none", True),
    ("minor", 16, "none", "none", False),
    ("disabled", 45, "intellectual", "3", True),
    ("disabled", 45, "mental", "3", True),
    ("disabled", 45, "intellectual", "4", False),
    ("disabled", 45, "physical", "2", True),
    ("disabled", 45, "physical", "3", False),
    ("disabled", 45, "visual", "1", True),
    ("disabled", 45, "visual", "2", False),
    ("disabled", 45, "hearing_speech", "1", False),
    ("disabled", 45, "none", "none", False),
    ("elderly", 45, "physical", "1", False),          # the category applied under must itself hold
])
def test_age_or_disability_grade_decides_the_category(category, age, kind, grade, eligible):
    s = start(category)
    investigated(s, age=age, kind=kind, grade=grade)
    assert steps(s) == ({"appraise"} if eligible else {"refuse"})


def test_a_refusal_must_give_its_reason_in_writing():
    s = start()
    investigated(s, no_work_ability=False)
    with pytest.raises(InvalidData) as err:
        s.do("refuse", {"refusal_reason": "不符"})
    assert set(err.value.errors) == {"refusal_reason", "refusal_notice"}   # too short, and no written notice
    assert steps(s) == {"refuse"}


# -- the appraisal ---------------------------------------------------------------------------------
@pytest.mark.parametrize("attendees, votes_for, passes", [
    (6, 4, True),      # exactly 2/3 of a panel of 9 attend; more than half of those present agree
    (5, 5, False),     # one short of the quorum
    (6, 3, False),     # a tie
])
def test_appraisal_quorum_and_majority(attendees, votes_for, passes):
    s = start()
    investigated(s)
    appraised(s, attendees=attendees, votes_for=votes_for)
    assert steps(s) == ({"publish_initial"} if passes else {"refuse"})


def test_votes_may_not_exceed_attendance():
    s = start()
    investigated(s)
    with pytest.raises(InvalidData) as err:
        s.do("appraise", {"panel_total": 9, "panel_attendees": 10, "panel_for": 11, "appraisal_record": ["att-1"],
                          "appraisal_opinion": "同意"})
    assert set(err.value.errors) == {"panel_attendees", "panel_for"}


def test_a_township_may_require_a_larger_appraisal_majority():
    s = start(parameters={"extreme_poverty_appraisal_majority": "2/3"})
    investigated(s)
    appraised(s, attendees=6, votes_for=4)      # 4 of 6 is not more than 2/3
    assert steps(s) == {"refuse"}


# -- publicity periods ---------------------------------------------------------------------------
def test_publicity_periods_may_not_be_shorter_than_seven_days():
    parameters = load_parameters(PROCESSES)
    for name in ("extreme_poverty_publicity_days", "extreme_poverty_result_publicity_days"):
        assert parameters[name].minimum == 7
        with pytest.raises(InvalidData):
            check_override(parameters[name], 6)
        assert check_override(parameters[name], 10) == 10


def test_a_township_may_lengthen_the_publicity():
    s = start(parameters={"extreme_poverty_publicity_days": 10})
    investigated(s)
    appraised(s)
    s.do("publish_initial", {"initial_opinion": "符合", "initial_published_on": "2026-03-20",
                             "initial_notice_photo": ["att-1"]})
    wait_past(s, 10, "county_confirm")

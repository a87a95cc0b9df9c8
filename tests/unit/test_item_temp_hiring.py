"""Scenario tests of 村级临时用工聘用 (temp_hiring, RS-01).

The decision tier reads the headcount and the cost (人数 × 月报酬 × 月数) against parameters, tested
exactly at each threshold and one fen (one person) below; post and result are published with
objections; the selected person declares kinship with village cadres, and a declared (or found)
cadre relative is never hired. Together the scenarios take every sequence flow.
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.forms import clean_form_data
from tests.scenario import Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, pass_major_decision, reject_major_decision, wait_past

KEY = "temp_hiring"
P = default_parameters()
HEADCOUNT, COST = P["temp_hiring_decision_headcount"], P["temp_hiring_decision_threshold"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级临时用工聘用", list_code="RS-01", category="人事用工",
    calls=("major_decision",),
    lanes={"VILLAGE_COMMITTEE", "TWO_COMMITTEES", "APPLICANT", "SUPERVISION_COMMITTEE", "PUBLIC_PLATFORM",
           "REPORTING_CLERK"},
    supervision={"post_objection", "supervise_selection", "result_objection"},
    objections={"post_objection", "result_objection"},
    separations={"supervise_selection": ("start", "select_candidates")},
    end_events={"end_rejected": "未通过决策，不予用工", "end_not_hired": "无合适人选，未聘用", "end_hired": "已聘用"},
)


def started(data: dict, parameters: dict | None = None) -> Scenario:
    """A matter started as the service starts it: the start form is checked first."""
    clean_form_data(item_catalog(KEY).bundle(KEY).info.start_form, data, {**P, **(parameters or {})})
    return Scenario(KEY, data, parameters=parameters)


def start(headcount: int = 1, term_months: int = 10, monthly_pay=2000, parameters: dict | None = None) -> Scenario:
    return started({"post_name": "村级保洁员", "summary": "负责村内主干道及公共场所保洁", "headcount": headcount,
                    "term_months": term_months, "monthly_pay": monthly_pay, "conditions": "本村村民，身体健康，60周岁以下",
                    "funding_source": "collective"}, parameters)


def two_committees(s: Scenario, attendees: int = 7, votes_for: int = 5) -> None:
    assert steps(s) == {"tc_decide"} and s.ready()["tc_decide"][0].role == "TWO_COMMITTEES"
    s.do("tc_decide", {"tc_members": 7, "tc_attendees": attendees, "tc_for": votes_for,
                       "tc_minutes": "两委联席会议记录", "tc_minutes_file": ["att-minutes-1"]}, role="TWO_COMMITTEES")


def publish_post(s: Scenario) -> None:
    assert steps(s) == {"publish_post"}
    s.do("publish_post", {"post_notice": "招聘保洁员1名，月报酬2000元，期限10个月", "application_deadline": "2026-03-10",
                          "post_posting_photos": ["att-photo-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"post_objection"} and s.ready()["post_objection"][0].role == "SUPERVISION_COMMITTEE"


def applications(s: Scenario, count: int = 2) -> None:
    wait_past(s, P["temp_hiring_post_publicity_days"], "collect_applications")
    s.do("collect_applications", {"applicant_count": count, "applicant_list": "王某、李某" if count else "",
                                  "application_files": ["att-apply-1"] if count else []}, role="VILLAGE_COMMITTEE")


def select(s: Scenario, outcome: str = "selected", count: int = 1) -> None:
    assert steps(s) == {"select_candidates"}
    s.do("select_candidates", {"selection_method": "interview", "selection_outcome": outcome,
                               "selected_names": "王某" if count else "", "selected_count": count,
                               "selection_note": "面试得分最高" if outcome == "selected" else "报名人员均不符合条件",
                               "selection_record": ["att-score-1"]}, role="TWO_COMMITTEES")


def declare(s: Scenario, relative: bool = False) -> None:
    assert steps(s) == {"candidate_declaration"} and s.ready()["candidate_declaration"][0].role == "APPLICANT"
    s.do("candidate_declaration", {"is_cadre_relative": relative, "relation_detail": "系村委委员之子" if relative else "",
                                   "declaration_file": ["att-declare-1"]}, role="APPLICANT")


def supervise(s: Scenario, result: str = "compliant") -> None:
    assert steps(s) == {"supervise_selection"}
    s.do("supervise_selection", {"selection_check": result, "selection_check_opinion": {
        "compliant": "程序合规", "irregular": "未按公布的条件评分", "relative_found": "经核查系村干部近亲属"}[result]},
        role="SUPERVISION_COMMITTEE")


def publish_result(s: Scenario) -> None:
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"result_notice": "拟聘王某为村级保洁员", "result_published_on": "2026-03-20",
                            "result_photos": ["att-photo-2"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def contract_and_archive(s: Scenario, monthly_pay=2000) -> None:
    wait_past(s, P["temp_hiring_result_publicity_days"], "sign_contract")
    s.do("sign_contract", {"contract_no": "YG-2026-01", "signed_on": "2026-03-30", "term_start": "2026-04-01",
                           "term_end": "2027-01-31", "contract_monthly_pay": monthly_pay, "contract_file": ["att-contract-1"]},
         role="VILLAGE_COMMITTEE")
    s.do("archive", {"archive_no": "RS01-2026-001", "archive_files": ["att-archive-1"]}, role="REPORTING_CLERK")


def hired_after_post(s: Scenario) -> None:
    """From the published post to 已聘用 with no objection and a compliant selection."""
    applications(s)
    select(s)
    declare(s)
    supervise(s)
    publish_result(s)
    contract_and_archive(s)


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def small_hire_by_two_committees() -> Scenario:
    s = start()
    two_committees(s)
    publish_post(s)
    hired_after_post(s)
    return finished(s, "已聘用")


def large_hire_decided_relative_refused_then_irregular_then_hired() -> Scenario:
    s = start(headcount=HEADCOUNT, term_months=6, monthly_pay=1500)
    assert steps(s) == {"propose"}
    pass_major_decision(s)
    publish_post(s)
    applications(s, 5)
    select(s)
    declare(s, relative=True)
    supervise(s, "relative_found")
    select(s)                                       # refused: another candidate is selected
    declare(s)
    supervise(s, "irregular")
    select(s, count=3)
    declare(s)
    supervise(s)
    publish_result(s)
    contract_and_archive(s, monthly_pay=1500)
    return finished(s, "已聘用")


def two_committees_reject() -> Scenario:
    s = start()
    two_committees(s, attendees=6, votes_for=3)     # a tie among those present
    return finished(s, "未通过决策，不予用工")


def rejected_by_major_decision() -> Scenario:
    s = start(headcount=1, term_months=1, monthly_pay=COST)
    reject_major_decision(s)
    return finished(s, "未通过决策，不予用工")


def post_objections_no_applicants_none_suitable() -> Scenario:
    s = start()
    two_committees(s)
    publish_post(s)
    object_during(s, "post_objection", after_days=2)
    s.do("reverify_post", {"verification_finding": "条件合理", "objection_upheld": False}, role="TWO_COMMITTEES")
    (timer,) = s.matter.waiting_timers()
    assert timer.element_id == "post_publicity"
    assert timer.due == s.period_end(P["temp_hiring_post_publicity_days"]), "the period starts again"
    object_during(s, "post_objection")
    s.do("reverify_post", {"verification_finding": "年龄条件排除了部分村民，应放宽", "objection_upheld": True},
         role="TWO_COMMITTEES")
    publish_post(s)                                 # conditions corrected and published again
    applications(s, 0)
    publish_post(s)                                 # nobody applied: published again
    applications(s, 1)
    select(s, "none_suitable", 0)
    return finished(s, "无合适人选，未聘用")


def result_objection_upheld_then_dismissed() -> Scenario:
    s = start()
    two_committees(s)
    publish_post(s)
    applications(s)
    select(s)
    declare(s)
    supervise(s)
    publish_result(s)
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "拟聘人员已在其他单位全职工作", "objection_upheld": True},
         role="TWO_COMMITTEES")
    select(s)
    declare(s)
    supervise(s)
    publish_result(s)
    object_during(s, "result_objection", after_days=3)
    s.do("reverify_result", {"verification_finding": "反映情况不属实", "objection_upheld": False}, role="TWO_COMMITTEES")
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["temp_hiring_result_publicity_days"])
    contract_and_archive(s)
    return finished(s, "已聘用")


SCENARIOS = [small_hire_by_two_committees, large_hire_decided_relative_refused_then_irregular_then_hired,
             two_committees_reject, rejected_by_major_decision, post_objections_no_applicants_none_suitable,
             result_objection_upheld_then_dismissed]




# -- decision tiers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("headcount, term_months, monthly_pay, first_step", [
    (1, 1, COST - 0.01, "tc_decide"),
    (1, 1, COST, "propose"),                        # cost exactly at the threshold: 四议两公开
    (2, 10, 2499.99, "tc_decide"),                  # 49999.80
    (2, 10, 2500, "propose"),                       # 50000.00
    (HEADCOUNT - 1, 1, 100, "tc_decide"),
    (HEADCOUNT, 1, 100, "propose"),                 # headcount exactly at the threshold
])
def test_decision_tier(headcount, term_months, monthly_pay, first_step):
    assert steps(start(headcount, term_months, monthly_pay)) == {first_step}


def test_a_township_may_lower_the_thresholds():
    assert steps(start(2, 1, 100)) == {"tc_decide"}
    assert steps(start(2, 1, 100, {"temp_hiring_decision_headcount": 2})) == {"propose"}
    assert steps(start(1, 10, 2000, {"temp_hiring_decision_threshold": 20000})) == {"propose"}


def test_start_form_limits():
    with pytest.raises(InvalidData) as err:
        start(headcount=0, term_months=0, monthly_pay=0)
    assert set(err.value.errors) == {"headcount", "term_months", "monthly_pay"}


# -- cadre relatives are excluded -------------------------------------------------------------------
def at_declaration() -> Scenario:
    s = start()
    two_committees(s)
    publish_post(s)
    applications(s)
    select(s)
    return s


def test_a_declared_cadre_relative_is_refused_even_if_the_committee_finds_no_fault():
    s = at_declaration()
    declare(s, relative=True)
    supervise(s, "compliant")
    assert steps(s) == {"select_candidates"}


def test_a_relative_found_by_the_committee_is_refused():
    s = at_declaration()
    declare(s, relative=False)
    supervise(s, "relative_found")
    assert steps(s) == {"select_candidates"}


def test_the_declaration_is_required_and_signed():
    s = at_declaration()
    with pytest.raises(InvalidData) as err:
        s.do("candidate_declaration", {"relation_detail": "无"})
    assert set(err.value.errors) == {"is_cadre_relative", "declaration_file"}
    assert steps(s) == {"candidate_declaration"}


# -- form limits -------------------------------------------------------------------------------------
def test_no_more_selected_than_posts_or_applicants():
    s = start(headcount=2)
    two_committees(s)
    publish_post(s)
    applications(s, count=1)
    with pytest.raises(InvalidData) as err:
        select(s, count=2)
    assert set(err.value.errors) == {"selected_count"}


def test_contract_pay_may_not_exceed_the_published_pay():
    s = at_declaration()
    declare(s)
    supervise(s)
    publish_result(s)
    wait_past(s, P["temp_hiring_result_publicity_days"], "sign_contract")
    with pytest.raises(InvalidData) as err:
        s.do("sign_contract", {"contract_no": "YG-1", "signed_on": "2026-03-30", "term_start": "2026-04-01",
                               "term_end": "2027-01-31", "contract_monthly_pay": 2000.01})
    assert set(err.value.errors) == {"contract_monthly_pay", "contract_file"}

"""Scenario tests of 村级年度计划及村民议事会授权 (annual_plan, JC-02).

The annual plan passes through 四议两公开 (the called major_decision); the same resolution
authorises the 村民议事会 (classes, a single-matter amount limit capped by a county parameter, a
validity date); the 村务监督委员会 checks the publication, the plan is published with objections
and filed with the township 农经站, which may order a correction (then the plan is decided again).
Together the scenarios take every sequence flow (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.forms import clean_form_data
from tests.scenario import Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, pass_major_decision, reject_major_decision, wait_past

KEY = "annual_plan"
P = default_parameters()
CAP = P["annual_plan_council_limit_cap"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级年度计划及村民议事会授权", list_code="JC-02", category="村级重大决策",
    calls=("major_decision",),
    lanes={"TWO_COMMITTEES", "VILLAGE_COMMITTEE", "SUPERVISION_COMMITTEE", "PUBLIC_PLATFORM", "TOWNSHIP_AGRI_ECON",
           "REPORTING_CLERK"},
    supervision={"review_notice", "plan_objection"},
    objections={"plan_objection"},
    separations={"review_notice": ("start",)},
    roles={"township_filing": "TOWNSHIP_AGRI_ECON"},
    deadlines={"township_filing": "days(annual_plan_filing_days)"},
    end_events={"end_rejected": "年度计划未通过", "end_passed": "年度计划通过并备案"},
)


def started(data: dict, parameters: dict | None = None) -> Scenario:
    """A matter started as the service starts it: the start form is checked first."""
    clean_form_data(item_catalog(KEY).bundle(KEY).info.start_form, data, {**P, **(parameters or {})})
    return Scenario(KEY, data, parameters=parameters)


def start(parameters: dict | None = None) -> Scenario:
    s = started({
        "plan_year": 2026, "summary": "2026年村级发展计划：道路养护、人居环境整治", "budget_income": 820000,
        "amount": 760000, "project_list": "1. 村组道路养护 12万元；2. 垃圾分类设施 8万元",
        "auth_proposal": "授权议事会决定小型工程和物资采购，单项5万元以内", "plan_documents": ["att-plan-1"],
    }, parameters)
    assert steps(s) == {"propose"} and s.ready()["propose"][0].role == "PARTY_BRANCH"   # 四议两公开 begins
    return s


AUTHORISATION = {"auth_works": True, "auth_procurement": True, "auth_public_welfare": False, "auth_temp_hiring": False,
                 "auth_amount_limit": 50000, "auth_valid_until": "2026-12-31"}


def record(s: Scenario, **override) -> None:
    assert steps(s) == {"record_resolution"}
    s.do("record_resolution", {"resolution_no": "村决〔2026〕1号", "resolved_on": "2026-03-20", **AUTHORISATION,
                               "plan_notice": "2026年收支预算、项目清单；授权议事会决定小型工程和物资采购，单项5万元以内，至2026年底",
                               "resolution_file": ["att-resolution-1"], **override}, role="VILLAGE_COMMITTEE")


def review_notice(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"review_notice"}
    s.do("review_notice", {"notice_review": result,
                           "notice_review_opinion": "与决议一致" if result == "approve" else "授权限额与决议不符"},
         role="SUPERVISION_COMMITTEE")


def publish(s: Scenario) -> None:
    assert steps(s) == {"publish_plan"}
    s.do("publish_plan", {"plan_published_on": "2026-03-25", "plan_channels": "公开栏、平台、监督微信群",
                          "plan_posting_photos": ["att-photo-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"plan_objection"} and s.ready()["plan_objection"][0].role == "SUPERVISION_COMMITTEE"


def filing(s: Scenario, result: str = "filed") -> None:
    assert steps(s) == {"township_filing"}
    s.do("township_filing", {"filing_result": result, "filing_no": "农经备〔2026〕3号",
                             "filing_opinion": "准予备案" if result == "filed" else "临时用工授权须经村民代表会议另行决定"},
         role="TOWNSHIP_AGRI_ECON")


def archive(s: Scenario) -> None:
    assert steps(s) == {"archive"}
    s.do("archive", {"archive_no": "JC02-2026-001", "archive_files": ["att-archive-1"]}, role="REPORTING_CLERK")


def published_through_filing(s: Scenario) -> None:
    """From 登记决议 to 备案 without objections."""
    record(s)
    review_notice(s)
    publish(s)
    wait_past(s, P["annual_plan_publicity_days"], "township_filing")
    filing(s)


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def plan_passes_and_is_filed() -> Scenario:
    s = start()
    pass_major_decision(s)
    published_through_filing(s)
    archive(s)
    s = finished(s, "年度计划通过并备案")
    data = s.matter.workflow.last_task.data
    assert (data["auth_works"], data["auth_temp_hiring"], data["auth_amount_limit"]) == (True, False, 50000)
    return s


def plan_rejected() -> Scenario:
    s = start()
    reject_major_decision(s)
    return finished(s, "年度计划未通过")


def notice_returned_objection_dismissed_then_upheld() -> Scenario:
    s = start()
    pass_major_decision(s)
    record(s, auth_amount_limit=80000)
    review_notice(s, "return")                      # the 村监委 finds the limit differs from the resolution
    record(s)
    review_notice(s)
    publish(s)
    object_during(s, "plan_objection", after_days=3)
    s.do("reverify_plan", {"verification_finding": "公开内容与决议一致", "objection_upheld": False}, role="TWO_COMMITTEES")
    assert steps(s) == {"plan_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.element_id == "plan_publicity"
    assert timer.due == s.period_end(P["annual_plan_publicity_days"]), "the period starts again"
    object_during(s, "plan_objection")
    s.do("reverify_plan", {"verification_finding": "项目清单漏列一项", "objection_upheld": True}, role="TWO_COMMITTEES")
    published_through_filing(s)                     # corrected, checked and published again
    archive(s)
    return finished(s, "年度计划通过并备案")


def township_orders_correction_then_redecided() -> Scenario:
    s = start()
    pass_major_decision(s)
    record(s, auth_temp_hiring=True)
    review_notice(s)
    publish(s)
    wait_past(s, P["annual_plan_publicity_days"], "township_filing")
    filing(s, "correct")
    assert steps(s) == {"revise_plan"} and s.ready()["revise_plan"][0].role == "TWO_COMMITTEES"
    s.do("revise_plan", {"revision_note": "删去临时用工授权", "amount": 750000, "project_list": "同前",
                         "auth_proposal": "授权议事会决定小型工程和物资采购", "plan_documents": ["att-plan-2"]},
         role="TWO_COMMITTEES")
    assert steps(s) == {"propose"}                  # 四议两公开 runs a second time
    pass_major_decision(s)
    published_through_filing(s)
    archive(s)
    return finished(s, "年度计划通过并备案")


SCENARIOS = [plan_passes_and_is_filed, plan_rejected, notice_returned_objection_dismissed_then_upheld,
             township_orders_correction_then_redecided]




# -- the authorisation -----------------------------------------------------------------------------
def at_record(parameters: dict | None = None) -> Scenario:
    s = start(parameters)
    pass_major_decision(s)
    assert steps(s) == {"record_resolution"}
    return s


def test_authorised_amount_limit_may_not_exceed_the_county_cap():
    s = at_record()
    with pytest.raises(InvalidData) as err:
        record(s, auth_amount_limit=CAP + 0.01)
    assert set(err.value.errors) == {"auth_amount_limit"}
    assert steps(s) == {"record_resolution"}
    record(s, auth_amount_limit=CAP)                # exactly the cap is allowed
    assert steps(s) == {"review_notice"}


def test_a_township_may_lower_the_cap():
    s = at_record({"annual_plan_council_limit_cap": 30000})
    with pytest.raises(InvalidData) as err:
        record(s, auth_amount_limit=30000.01)
    assert set(err.value.errors) == {"auth_amount_limit"}
    record(s, auth_amount_limit=30000)
    assert steps(s) == {"review_notice"}


def test_record_needs_the_resolution_and_every_class_answered():
    s = at_record()
    data = {"resolution_no": "村决〔2026〕1号", "resolved_on": "2026-03-20", **AUTHORISATION, "plan_notice": "公开内容"}
    del data["auth_procurement"]
    with pytest.raises(InvalidData) as err:
        s.do("record_resolution", data)
    assert set(err.value.errors) == {"auth_procurement", "resolution_file"}


def test_publicity_period_is_a_parameter():
    s = at_record({"annual_plan_publicity_days": 10})
    record(s)
    review_notice(s)
    publish(s)
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("plan_publicity", "年度计划公示")
    assert timer.due == s.period_end(10)
    wait_past(s, 10, "township_filing")


def test_refusal_of_filing_needs_a_reason():
    s = at_record()
    record(s)
    review_notice(s)
    publish(s)
    wait_past(s, P["annual_plan_publicity_days"], "township_filing")
    with pytest.raises(InvalidData) as err:
        s.do("township_filing", {"filing_result": "correct"})
    assert set(err.value.errors) == {"filing_opinion"}


def test_start_form_needs_the_plan_documents_and_a_plausible_year():
    with pytest.raises(InvalidData) as err:
        started({"plan_year": 1999, "summary": "s", "budget_income": 1, "amount": -1, "project_list": "p",
                 "auth_proposal": "a"})
    assert set(err.value.errors) == {"plan_year", "amount", "plan_documents"}

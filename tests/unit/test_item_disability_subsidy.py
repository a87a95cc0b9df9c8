"""Scenario tests of 残疾人两项补贴申请 (disability_subsidy, FW-04).

The application is checked as the service checks it before the matter starts. The eligibility
rules (生活补贴: 低保 households; 护理补贴: level 1-2, a township may widen it, with long-term care)
are conditions over the application, and the county cannot grant an amount the applicant is not
eligible for. Together the scenarios take every sequence flow of the item at least once
(`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.forms import clean_form_data
from engine.registry import check_override, load_parameters
from tests.scenario import PROCESSES, Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, wait_past

KEY = "disability_subsidy"
P = default_parameters()
LIVING, CARE = P["disability_living_standard"], P["disability_care_standard"]
APPLICATION = {
    "applicant_name": "周小明", "disability_cert_no": "43012319800101123X42", "disability_category": "physical",
    "disability_level": 1, "household_dibao": True, "needs_long_term_care": True, "apply_living": True,
    "apply_care": True, "disability_certificate": ["att-cert-1"], "application_documents": ["att-form-1"],
}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="残疾人两项补贴申请", list_code="FW-04", category="便民服务",
    cites=("国发〔2015〕52号",),
    lanes={"APPLICANT", "TOWNSHIP_GOV", "VILLAGE_COMMITTEE", "COUNTY_DEPT", "SUPERVISION_COMMITTEE",
           "PUBLIC_PLATFORM"},
    supervision={"subsidy_objection"},
    objections={"subsidy_objection"},
    separations={"village_check": ("start",), "township_review": ("start",), "county_review": ("start",),
                 "reverify": ("start",), "pay": ("start",)},
    end_events={"end_granted": "已核准发放", "end_refused": "不予核准"},
)


def info():
    return item_catalog(KEY).bundle(KEY).info


def application(parameters: dict | None = None, **fields) -> dict:
    return clean_form_data(info().start_form, {**APPLICATION, **fields}, {**P, **(parameters or {})})


def start(parameters: dict | None = None, **fields) -> Scenario:
    return Scenario(KEY, application(parameters, **fields), parameters=parameters)


# -- walking the item --------------------------------------------------------------------------
def village_checks(s: Scenario, verified: bool = True) -> None:
    assert steps(s) == {"village_check"} and s.ready()["village_check"][0].role == "VILLAGE_COMMITTEE"
    s.do("village_check", {"facts_verified": verified,
                           "village_check_record": "入户核实，长期卧床由家人照护" if verified else "申请人已外出务工，无需照护",
                           "village_check_files": ["att-check-1"]}, role="VILLAGE_COMMITTEE")


def township_reviews(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"township_review"} and s.ready()["township_review"][0].role == "TOWNSHIP_GOV"
    s.do("township_review", {"township_decision": decision, "township_opinion": {
        "approve": "符合条件，报县级审核", "return": "请补充照护情况说明", "reject": "残疾人证已过有效期"}[decision]},
        role="TOWNSHIP_GOV")


def county_reviews(s: Scenario, living=LIVING, care=CARE, decision: str = "approve") -> None:
    assert steps(s) == {"county_review"} and s.ready()["county_review"][0].role == "COUNTY_DEPT"
    s.do("county_review", {"county_decision": decision, "living_amount": living, "care_amount": care,
                           "county_opinion": "审定通过" if decision == "approve" else "已享受工伤保险生活护理费",
                           "county_files": ["att-county-1"]}, role="COUNTY_DEPT")


def publish(s: Scenario) -> None:
    assert steps(s) == {"publish"} and s.ready()["publish"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish", {"notice": "周小明，肢体一级，生活补贴、护理补贴", "published_on": "2026-03-20",
                     "notice_photo": ["att-notice-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"subsidy_objection"} and s.ready()["subsidy_objection"][0].role == "SUPERVISION_COMMITTEE"
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == (
        "subsidy_publicity", s.period_end(P["disability_publicity_days"]))


def granted(s: Scenario) -> Scenario:
    wait_past(s, P["disability_publicity_days"], "pay")
    assert s.ready()["pay"][0].role == "COUNTY_DEPT"
    s.do("pay", {"pay_from": "2026-03-01", "payment_account": "6217000098765432", "payment_voucher": ["att-pay-1"]},
         role="COUNTY_DEPT")
    return finished(s, "已核准发放")


def refused(s: Scenario, reason: str) -> Scenario:
    assert steps(s) == {"notify_refusal"} and s.ready()["notify_refusal"][0].role == "TOWNSHIP_GOV"
    s.do("notify_refusal", {"refusal_reason": reason, "refusal_notice": ["att-refusal-1"]}, role="TOWNSHIP_GOV")
    return finished(s, "不予核准")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def both_subsidies_granted() -> Scenario:
    s = start()
    village_checks(s)
    township_reviews(s)
    county_reviews(s)
    publish(s)
    return granted(s)


def care_subsidy_returned_once_objection_dismissed() -> Scenario:
    s = start(disability_level=2, household_dibao=False, apply_living=False, disability_category="intellectual")
    village_checks(s)
    township_reviews(s, "return")
    village_checks(s)
    township_reviews(s)
    county_reviews(s, living=0, care=CARE)
    publish(s)
    object_during(s, "subsidy_objection", after_days=3)
    assert s.ready()["reverify"][0].role == "TOWNSHIP_GOV"
    s.do("reverify", {"verification_finding": "经核实确需长期照护", "objection_upheld": False}, role="TOWNSHIP_GOV")
    assert steps(s) == {"subsidy_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["disability_publicity_days"]), "the period starts again"
    return granted(s)


def level_three_not_eligible_for_care() -> Scenario:
    s = start(disability_level=3, household_dibao=False)
    return refused(s, "非低保家庭，且残疾等级为三级，不符合两项补贴条件")


def village_finds_it_untrue() -> Scenario:
    s = start()
    village_checks(s, verified=False)
    return refused(s, "经核实不需要长期照护")


def township_rejects() -> Scenario:
    s = start()
    village_checks(s)
    township_reviews(s, "reject")
    return refused(s, "残疾人证已过有效期")


def county_rejects() -> Scenario:
    s = start(apply_living=False)
    village_checks(s)
    township_reviews(s)
    county_reviews(s, living=0, care=0, decision="reject")
    return refused(s, "已享受工伤保险生活护理费，不重复发放护理补贴")


def objection_upheld_then_refused() -> Scenario:
    s = start()
    village_checks(s)
    township_reviews(s)
    county_reviews(s)
    publish(s)
    object_during(s, "subsidy_objection")
    s.do("reverify", {"verification_finding": "申请人已被纳入特困人员集中供养", "objection_upheld": True}, role="TOWNSHIP_GOV")
    assert steps(s) == {"county_review"}, "an upheld objection goes back to the county"
    county_reviews(s, living=0, care=0, decision="reject")
    return refused(s, "已纳入特困人员集中供养")


SCENARIOS = [both_subsidies_granted, care_subsidy_returned_once_objection_dismissed, level_three_not_eligible_for_care,
             village_finds_it_untrue, township_rejects, county_rejects, objection_upheld_then_refused]




# -- eligibility ----------------------------------------------------------------------------------
@pytest.mark.parametrize("living, care, dibao, level, long_term_care, eligible", [
    (True, False, True, 4, False, True),      # 生活补贴: a 低保 household, any level
    (True, False, False, 1, True, False),     # 生活补贴 needs a 低保 household
    (False, True, False, 2, True, True),      # 护理补贴: level 2 is the boundary
    (False, True, False, 3, True, False),     # level 3 is not
    (False, True, False, 1, False, False),    # and it needs long-term care
    (True, True, False, 3, True, False),      # neither condition holds
    (True, True, True, 3, True, True),        # the 生活补贴 alone carries it
    (False, False, True, 1, True, False),     # nothing applied for
])
def test_eligibility(living, care, dibao, level, long_term_care, eligible):
    s = start(apply_living=living, apply_care=care, household_dibao=dibao, disability_level=level,
              needs_long_term_care=long_term_care)
    assert steps(s) == ({"village_check"} if eligible else {"notify_refusal"})


def test_a_township_may_widen_the_care_subsidy_but_not_narrow_it():
    s = start({"disability_care_max_level": 4}, disability_level=3, household_dibao=False, apply_living=False,
              disability_category="mental")
    assert steps(s) == {"village_check"}
    with pytest.raises(InvalidData) as err:
        check_override(load_parameters(PROCESSES)["disability_care_max_level"], 1)
    assert set(err.value.errors) == {"disability_care_max_level"}


def to_county(parameters: dict | None = None, **fields) -> Scenario:
    s = start(parameters, **fields)
    village_checks(s)
    township_reviews(s)
    return s


def test_the_county_grants_only_what_the_applicant_is_eligible_for():
    s = to_county(household_dibao=False)         # eligible for 护理补贴 only
    with pytest.raises(InvalidData) as err:
        county_reviews(s, living=LIVING, care=CARE + 0.01)
    assert set(err.value.errors) == {"living_amount", "care_amount"}
    county_reviews(s, living=0, care=CARE)
    assert steps(s) == {"publish"}
    s = to_county(apply_care=False)              # 生活补贴 only
    with pytest.raises(InvalidData) as err:
        county_reviews(s, living=LIVING + 0.01, care=1)
    assert set(err.value.errors) == {"living_amount", "care_amount"}


def test_an_approval_of_nothing_is_a_refusal():
    s = to_county()
    county_reviews(s, living=0, care=0, decision="approve")
    assert steps(s) == {"notify_refusal"}


def test_a_township_standard_changes_what_may_be_granted():
    s = to_county({"disability_living_standard": 120})
    county_reviews(s, living=120, care=CARE)
    assert steps(s) == {"publish"}


def test_the_application_needs_the_certificate_and_a_valid_level():
    with pytest.raises(InvalidData) as err:
        application(disability_certificate=[], disability_level=5, household_dibao=None)
    assert set(err.value.errors) == {"disability_certificate", "disability_level", "household_dibao"}


def test_a_refusal_must_give_its_reason():
    s = start(disability_level=3, household_dibao=False)
    with pytest.raises(InvalidData) as err:
        s.do("notify_refusal", {"refusal_notice": ["att-refusal-1"]})
    assert set(err.value.errors) == {"refusal_reason"}


def test_a_township_may_change_the_publicity_days():
    s = start({"disability_publicity_days": 10})
    village_checks(s)
    township_reviews(s)
    county_reviews(s)
    s.do("publish", {"notice": "公示", "published_on": "2026-03-20", "notice_photo": ["att-notice-1"]})
    wait_past(s, 10, "pay")

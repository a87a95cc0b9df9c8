"""Scenario tests of 临时救助/困难补助申请 (temporary_assistance, FW-03).

The application is checked as the service checks it before the matter starts. Amounts straddle
each threshold exactly (the appraisal amount and the township's approval cap). Together the
scenarios take every sequence flow of the item at least once (`test_every_sequence_flow_is_taken`),
including 先行救助: an urgent case is paid first and published afterwards, and the later payment is
only the balance.
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.forms import clean_form_data
from tests.scenario import Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, wait_past

KEY = "temporary_assistance"
P = default_parameters()
APPRAISAL, CAP = P["temp_assist_appraisal_threshold"], P["temp_assist_township_cap"]
APPLICATION = {
    "applicant_name": "刘秀英", "household_size": 4, "hardship_type": "illness",
    "hardship_description": "丈夫突发脑溢血住院，自付医疗费用较高", "requested_amount": 2000, "urgent": False,
    "supporting_documents": ["att-diagnosis-1"],
}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="临时救助/困难补助申请", list_code="FW-03", category="便民服务",
    cites=("《社会救助暂行办法》",),
    lanes={"APPLICANT", "TOWNSHIP_GOV", "VILLAGE_COMMITTEE", "SUPERVISION_COMMITTEE", "PUBLIC_PLATFORM",
           "COUNTY_DEPT"},
    supervision={"sc_review", "assistance_objection"},
    objections={"assistance_objection"},
    separations={"urgent_relief": ("start",), "verify": ("start",), "appraisal": ("start",),
                 "sc_review": ("start", "verify"), "reverify": ("start", "verify"), "township_approve": ("start",),
                 "county_approve": ("start",), "pay": ("start", "township_approve", "county_approve")},
    end_events={"end_paid": "已发放", "end_refused": "不予救助"},
)


def info():
    return item_catalog(KEY).bundle(KEY).info


def start(amount=2000, urgent: bool = False, parameters: dict | None = None) -> Scenario:
    data = clean_form_data(info().start_form, {**APPLICATION, "requested_amount": amount, "urgent": urgent},
                           {**P, **(parameters or {})})
    s = Scenario(KEY, data, parameters=parameters)
    first = "urgent_relief" if urgent else "verify"
    assert steps(s) == {first}
    assert s.ready()[first][0].role == ("TOWNSHIP_GOV" if urgent else "VILLAGE_COMMITTEE")
    return s


# -- walking the item --------------------------------------------------------------------------
def verify(s: Scenario, confirmed: bool = True) -> None:
    assert steps(s) == {"verify"}
    s.do("verify", {"facts_confirmed": confirmed, "verify_record": "入户核实，住院情况属实" if confirmed else "未住院，情况不实",
                    "verify_files": ["att-verify-1"]}, role="VILLAGE_COMMITTEE")


def appraise(s: Scenario, total: int = 9, attendees: int = 7, votes_for: int = 5) -> None:
    assert steps(s) == {"appraisal"} and s.ready()["appraisal"][0].role == "VILLAGE_COMMITTEE"
    s.do("appraisal", {"appraisal_on": "2026-03-06", "panel_total": total, "panel_attendees": attendees,
                       "votes_for": votes_for, "appraisal_minutes": ["att-appraisal-1"]}, role="VILLAGE_COMMITTEE")


def supervise(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"sc_review"} and s.ready()["sc_review"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_review", {"sc_reviewers": "监委会成员张、李", "sc_result": result,
                       "sc_opinion": "核实材料齐全" if result == "approve" else "缺少住院证明"}, role="SUPERVISION_COMMITTEE")


def publish(s: Scenario) -> None:
    assert steps(s) == {"publish"} and s.ready()["publish"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish", {"notice": "刘秀英，因病致困，拟救助", "published_on": "2026-03-09", "notice_photo": ["att-notice-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"assistance_objection"} and s.ready()["assistance_objection"][0].role == "SUPERVISION_COMMITTEE"
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == (
        "assistance_publicity", s.period_end(P["temp_assist_publicity_days"]))


def to_township(s: Scenario) -> None:
    supervise(s)
    publish(s)
    wait_past(s, P["temp_assist_publicity_days"], "township_approve")


def township_approves(s: Scenario, amount) -> None:
    assert steps(s) == {"township_approve"} and s.ready()["township_approve"][0].role == "TOWNSHIP_GOV"
    s.do("township_approve", {"approved_amount": amount,
                              "township_opinion": "符合临时救助条件" if amount else "家庭有赡养人且有能力承担"},
         role="TOWNSHIP_GOV")


def county_approves(s: Scenario, amount) -> None:
    assert steps(s) == {"county_approve"} and s.ready()["county_approve"][0].role == "COUNTY_DEPT"
    s.do("county_approve", {"approved_amount": amount, "county_opinion": "同意" if amount else "已获医疗救助全额报销"},
         role="COUNTY_DEPT")


def paid(s: Scenario, amount) -> Scenario:
    assert steps(s) == {"pay"} and s.ready()["pay"][0].role == "TOWNSHIP_GOV"
    s.do("pay", {"paid_amount": amount, "paid_on": "2026-03-20", "payment_voucher": ["att-pay-1"]}, role="TOWNSHIP_GOV")
    assert steps(s) == {"quarterly_list"} and s.ready()["quarterly_list"][0].role == "VILLAGE_COMMITTEE"
    s.do("quarterly_list", {"quarter": "2026年第一季度", "list_entry": "刘秀英，因病，救助"}, role="VILLAGE_COMMITTEE")
    return finished(s, "已发放")


def refused(s: Scenario, reason: str, handling: str | None = None) -> Scenario:
    assert steps(s) == {"notify_refusal"} and s.ready()["notify_refusal"][0].role == "TOWNSHIP_GOV"
    data = {"refusal_reason": reason, "refusal_notice": ["att-refusal-1"]}
    if handling:
        data["urgent_relief_handling"] = handling
    s.do("notify_refusal", data, role="TOWNSHIP_GOV")
    return finished(s, "不予救助")


def urgent_relief(s: Scenario, amount) -> None:
    s.do("urgent_relief", {"urgent_reason": "住院押金无力支付", "urgent_amount": amount, "urgent_paid_on": "2026-03-02",
                           "urgent_voucher": ["att-urgent-1"]}, role="TOWNSHIP_GOV")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def small_request_paid_by_the_township() -> Scenario:
    s = start(APPRAISAL)                          # exactly the appraisal amount: no appraisal
    verify(s)
    to_township(s)
    township_approves(s, 1800)
    return paid(s, 1800)


def large_request_appraised_and_approved_by_the_county() -> Scenario:
    s = start(8000)
    verify(s)
    appraise(s, total=9, attendees=5, votes_for=5)     # 5 < 2/3 × 9: held again
    appraise(s, total=9, attendees=6, votes_for=4)
    to_township_with_dismissed_objection(s)
    township_approves(s, 8000)
    county_approves(s, 6000)
    return paid(s, 6000)


def to_township_with_dismissed_objection(s: Scenario) -> None:
    supervise(s)
    publish(s)
    object_during(s, "assistance_objection", after_days=2)
    assert s.ready()["reverify"][0].role == "TOWNSHIP_GOV"
    s.do("reverify", {"verification_finding": "异议人所称有商品房不实", "objection_upheld": False}, role="TOWNSHIP_GOV")
    assert steps(s) == {"assistance_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["temp_assist_publicity_days"]), "the period starts again"
    wait_past(s, P["temp_assist_publicity_days"], "township_approve")


def urgent_case_paid_first_then_the_balance() -> Scenario:
    s = start(4000, urgent=True)
    urgent_relief(s, 3000)
    assert steps(s) == {"verify"} and s.matter.waiting_timers() == [], "paid first, published afterwards"
    verify(s)
    appraise(s)                                    # the formalities completed afterwards include the appraisal
    to_township(s)
    township_approves(s, 4000)
    return paid(s, 1000)                           # only the balance is paid now


def urgent_case_objection_upheld_then_refused() -> Scenario:
    s = start(1500, urgent=True)
    urgent_relief(s, 1000)
    verify(s)
    supervise(s, "return")
    verify(s)
    supervise(s)
    publish(s)
    object_during(s, "assistance_objection")
    s.do("reverify", {"verification_finding": "申请人已获保险全额赔付", "objection_upheld": True}, role="TOWNSHIP_GOV")
    assert steps(s) == {"verify"}, "an upheld objection sends the case back to verification"
    verify(s, confirmed=False)
    return refused(s, "已获保险全额赔付，不属于临时救助范围", handling="先行救助的1000元已追回")


def appraisal_rejects() -> Scenario:
    s = start(APPRAISAL + 0.01)
    verify(s)
    appraise(s, total=9, attendees=8, votes_for=4)     # half of those present is not more than half
    return refused(s, "民主评议未获通过")


def township_refuses() -> Scenario:
    s = start(3000)
    verify(s)
    appraise(s)
    to_township(s)
    township_approves(s, 0)
    return refused(s, "家庭有赡养人且有能力承担")


def county_refuses() -> Scenario:
    s = start(20000)
    verify(s)
    appraise(s)
    to_township(s)
    township_approves(s, CAP + 0.01)
    county_approves(s, 0)
    return refused(s, "已获医疗救助全额报销")


SCENARIOS = [small_request_paid_by_the_township, large_request_appraised_and_approved_by_the_county,
             urgent_case_paid_first_then_the_balance, urgent_case_objection_upheld_then_refused, appraisal_rejects,
             township_refuses, county_refuses]




# -- thresholds ----------------------------------------------------------------------------------
@pytest.mark.parametrize("amount, next_step", [
    (0.01, "sc_review"), (APPRAISAL, "sc_review"), (APPRAISAL + 0.01, "appraisal"),
])
def test_appraisal_above_the_amount(amount, next_step):
    s = start(amount)
    verify(s)
    assert steps(s) == {next_step}


def test_a_township_may_change_the_appraisal_amount():
    s = start(1500, parameters={"temp_assist_appraisal_threshold": 1000})
    verify(s)
    assert steps(s) == {"appraisal"}


@pytest.mark.parametrize("approved, next_step", [(0.01, "pay"), (CAP, "pay"), (CAP + 0.01, "county_approve")])
def test_township_cap(approved, next_step):
    s = start(CAP * 2)
    verify(s)
    appraise(s)
    to_township(s)
    township_approves(s, approved)
    assert steps(s) == {next_step}


def test_a_township_may_change_its_cap():
    s = start(3000, parameters={"temp_assist_township_cap": 2500})
    verify(s)
    appraise(s)
    to_township(s)
    township_approves(s, 3000)
    assert steps(s) == {"county_approve"}


@pytest.mark.parametrize("total, attendees, votes_for, next_step", [
    (9, 6, 4, "sc_review"),          # 6 = 2/3 × 9 attending, 4 > 3
    (9, 5, 5, "appraisal"),          # one short of the quorum: held again
    (9, 6, 3, "notify_refusal"),     # half of those present is not more than half
    (10, 7, 4, "sc_review"),         # 2/3 × 10 = 6.67
    (10, 6, 6, "appraisal"),
])
def test_appraisal_quorum_and_majority(total, attendees, votes_for, next_step):
    s = start(APPRAISAL + 1)
    verify(s)
    appraise(s, total, attendees, votes_for)
    assert steps(s) == {next_step}


# -- form rules ----------------------------------------------------------------------------------
def test_urgent_relief_stays_within_the_township_cap_and_the_request():
    s = start(CAP * 2, urgent=True)
    with pytest.raises(InvalidData) as err:
        urgent_relief(s, CAP + 0.01)
    assert set(err.value.errors) == {"urgent_amount"}
    s = start(1000, urgent=True)
    with pytest.raises(InvalidData) as err:
        urgent_relief(s, 1000.01)
    assert set(err.value.errors) == {"urgent_amount"}
    urgent_relief(s, 1000)
    assert steps(s) == {"verify"}


def test_the_payment_is_the_approved_amount_or_the_balance():
    s = start(1500)
    verify(s)
    to_township(s)
    township_approves(s, 1500)
    with pytest.raises(InvalidData) as err:
        s.do("pay", {"paid_amount": 1499.99, "paid_on": "2026-03-20", "payment_voucher": ["att-pay-1"]})
    assert set(err.value.errors) == {"paid_amount"}
    s = start(1500, urgent=True)
    urgent_relief(s, 1500)
    verify(s)
    to_township(s)
    township_approves(s, 1200)                    # approved less than was paid first: nothing more to pay
    with pytest.raises(InvalidData) as err:
        s.do("pay", {"paid_amount": 0.01, "paid_on": "2026-03-20", "payment_voucher": ["att-pay-1"]})
    assert set(err.value.errors) == {"paid_amount"}
    paid(s, 0)


def test_approved_amount_may_not_exceed_the_request():
    s = start(1500)
    verify(s)
    to_township(s)
    with pytest.raises(InvalidData) as err:
        township_approves(s, 1500.01)
    assert set(err.value.errors) == {"approved_amount"}


def test_the_application_needs_the_urgency_and_evidence():
    data = {k: v for k, v in APPLICATION.items() if k not in ("urgent", "supporting_documents")}
    with pytest.raises(InvalidData) as err:
        clean_form_data(info().start_form, {**data, "requested_amount": 0}, P)
    assert set(err.value.errors) == {"urgent", "supporting_documents", "requested_amount"}


def test_a_refusal_must_give_its_reason():
    s = start(3000)
    verify(s, confirmed=False)
    with pytest.raises(InvalidData) as err:
        s.do("notify_refusal", {"refusal_notice": ["att-refusal-1"]})
    assert set(err.value.errors) == {"refusal_reason"}

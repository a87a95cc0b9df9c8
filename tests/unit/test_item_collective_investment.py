"""Scenario tests of 集体资金对外投资（严禁担保、出借） (collective_investment, ZC-04).

Red line R8: a guarantee or a loan of collective money is never handled (refused at once). An
investment (入股, 合作经营) is proposed with its counterparty, amount, term and expected return,
checked for feasibility by the township 农经站, decided by 四议两公开, approved by the township from
the threshold up, signed within the decided amount and term, entered in the asset ledger, published,
and its returns checked by the 村务监督委员会 a year after publication and every year after, for the
township's number of years (never past the agreement's term) or until the money is back. Together
the scenarios take every sequence flow of the item at least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished
from tests.walks import object_during, pass_major_decision, reject_major_decision, steps

KEY = "collective_investment"
P = default_parameters()
APPROVAL, YEARS = P["investment_township_approval_threshold"], P["investment_check_years"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="集体资金对外投资（严禁担保、出借）", list_code="ZC-04", category="资产资源",
    calls=("major_decision",),
    lanes={"TWO_COMMITTEES", "TOWNSHIP_GOV", "TOWNSHIP_AGRI_ECON", "PUBLIC_PLATFORM", "VILLAGE_COMMITTEE",
           "SUPERVISION_COMMITTEE", "REPORTING_CLERK"},
    supervision={"result_objection", "return_check"},
    objections={"result_objection"},
    separations={"feasibility_review": ("start",), "register_ledger": ("start", "sign_contract"),
                 "return_check": ("start", "sign_contract")},
    deadlines={"feasibility_review": "days(investment_feasibility_review_days)"},
    end_events={"end_refused": "不予办理：严禁以集体资产担保、出借集体资金",
                "end_infeasible": "可行性审查未通过，不予投资", "end_rejected": "未通过决策",
                "end_not_approved": "乡镇不予批准，终止投资", "end_done": "投资收益核查完毕"},
)


def start(amount=60000, investment_type: str = "equity", term: int = 5, parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {"project_name": "入股县农旅合作社", "investment_type": investment_type,
                       "counterparty": "青山农旅专业合作社", "amount": amount, "term_years": term,
                       "expected_return": 4800, "fund_source": "集体经营积累"}, parameters=parameters)
    return s


# -- walking the item --------------------------------------------------------------------------
def planned(s: Scenario, result: str = "feasible") -> None:
    assert steps(s) == {"draft_plan"} and s.ready()["draft_plan"][0].role == "TWO_COMMITTEES"
    s.do("draft_plan", {"investment_plan": "现金入股，按股分红，期满退股收回本金", "counterparty_profile": "连续三年盈利",
                        "risk_level": "medium", "risk_assessment": "客源波动风险；约定每年审计并公开财务",
                        "plan_documents": ["att-plan-1"]}, role="TWO_COMMITTEES")
    assert steps(s) == {"feasibility_review"} and s.ready()["feasibility_review"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("feasibility_review", {"feasibility_result": result, "feasibility_opinion": "审查意见",
                                "feasibility_report": ["att-feasibility-1"]}, role="TOWNSHIP_AGRI_ECON")


def signed(s: Scenario, amount, term: int = 5, registered: bool = True) -> None:
    assert steps(s) == {"sign_contract"} and s.ready()["sign_contract"][0].role == "VILLAGE_COMMITTEE"
    s.do("sign_contract", {"contract_no": "TZ-2026-01", "invested_amount": amount, "contract_term_years": term,
                           "agreed_return": 4800, "contract_start": "2026-06-01", "contract_end": "2031-05-31",
                           "paid_on": "2026-06-03", "contract_file": ["att-contract-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"register_ledger"} and s.ready()["register_ledger"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("register_ledger", {"ledger_result": "registered" if registered else "returned", "ledger_no": "CQ-TZ-007",
                             "ledger_opinion": "登记长期投资" if registered else "协议含保底回购条款"},
         role="TOWNSHIP_AGRI_ECON")


def published(s: Scenario) -> None:
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"result_notice": "合作方、金额、期限、约定收益", "result_published_on": "2026-06-10"},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def publicity_ends(s: Scenario) -> None:
    """The publicity period runs its full length; then the first year's wait begins."""
    assert steps(s) == {"result_objection"}
    s.wait(s.days_to(s.period_end(P["investment_publicity_days"])) - 0.01)
    assert steps(s) == {"result_objection"}, "the period ended early"
    s.wait(0.02)
    assert steps(s) == set() and [t.element_id for t in s.matter.waiting_timers()] == ["year_wait"]


def a_year_passes(s: Scenario) -> None:
    """The yearly wait: nothing is ready for a year, then the 村监委's check."""
    assert steps(s) == set()
    (timer,) = s.matter.waiting_timers()
    assert timer.element_id == "year_wait"
    left = (timer.due - s.clock.now()).total_seconds() / 86400
    assert 365 <= left <= 366, "the next check comes a year on"
    s.wait(left - 0.01)
    assert steps(s) == set()
    s.wait(0.02)
    assert steps(s) == {"return_check"} and s.ready()["return_check"][0].role == "SUPERVISION_COMMITTEE"


def checked(s: Scenario, year: int, received=4800, status: str = "ongoing") -> None:
    a_year_passes(s)
    s.do("return_check", {"check_year": year, "return_due": 4800, "return_received": received,
                          "investment_status": status, "check_opinion": "核对分红入账凭证",
                          "check_evidence": ["att-check-1"]}, role="SUPERVISION_COMMITTEE")


def rectified(s: Scenario) -> None:
    assert steps(s) == {"rectify"} and s.ready()["rectify"][0].role == "TWO_COMMITTEES"
    s.do("rectify", {"rectify_action": "发催收函，合作社承诺三个月内补付", "rectify_evidence": ["att-rectify-1"]},
         role="TWO_COMMITTEES")


def archived(s: Scenario) -> None:
    assert steps(s) == {"archive"}
    s.do("archive", {"archive_no": "ZC04-2026-001"}, role="REPORTING_CLERK")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def investment_below_the_approval_threshold_checked_each_year() -> Scenario:
    s = start(APPROVAL - 0.01)
    planned(s, "revise")
    planned(s)
    assert steps(s) == {"propose"}                       # the first step of the called 四议两公开
    pass_major_decision(s)
    signed(s, APPROVAL - 0.01, registered=False)
    signed(s, APPROVAL - 0.01)
    published(s)
    object_during(s, "result_objection", after_days=2)
    s.do("reverify_result", {"verification_finding": "经核实异议不成立", "objection_upheld": False}, role="TWO_COMMITTEES")
    publicity_ends(s)
    checked(s, 1)
    checked(s, 2, received=2000)                         # short: collect it, then go on checking
    rectified(s)
    checked(s, YEARS)
    archived(s)
    return finished(s, "投资收益核查完毕")


def approved_by_the_township_objection_upheld_and_exited_early() -> Scenario:
    s = start(APPROVAL)                                  # exactly the approval threshold
    planned(s)
    pass_major_decision(s)
    assert steps(s) == {"township_approval"} and s.ready()["township_approval"][0].role == "TOWNSHIP_GOV"
    s.do("township_approval", {"approval_decision": "approve", "approval_opinion": "同意", "approval_no": "青政投〔2026〕2号"},
         role="TOWNSHIP_GOV")
    signed(s, APPROVAL)
    published(s)
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "协议约定收益与决议不符", "objection_upheld": True},
         role="TWO_COMMITTEES")
    signed(s, APPROVAL)                                  # the agreement corrected and registered again
    published(s)
    publicity_ends(s)
    checked(s, 1, status="exited")                       # the money is back: no more checks
    archived(s)
    return finished(s, "投资收益核查完毕")


def not_approved_by_the_township() -> Scenario:
    s = start(APPROVAL * 2)
    planned(s)
    pass_major_decision(s)
    s.do("township_approval", {"approval_decision": "reject", "approval_opinion": "合作方资信不足"}, role="TOWNSHIP_GOV")
    return finished(s, "乡镇不予批准，终止投资")


def guarantee_refused() -> Scenario:
    s = start(investment_type="guarantee")
    assert steps(s) == {"refuse"} and s.ready()["refuse"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("refuse", {"refusal_reason": "严禁以集体资产为单位或个人提供担保"}, role="TOWNSHIP_AGRI_ECON")
    return finished(s, "不予办理：严禁以集体资产担保、出借集体资金")


def infeasible() -> Scenario:
    s = start()
    planned(s, "infeasible")
    return finished(s, "可行性审查未通过，不予投资")


def decision_rejected() -> Scenario:
    s = start()
    planned(s)
    reject_major_decision(s)
    return finished(s, "未通过决策")


SCENARIOS = [investment_below_the_approval_threshold_checked_each_year,
             approved_by_the_township_objection_upheld_and_exited_early, not_approved_by_the_township,
             guarantee_refused, infeasible, decision_rejected]


# -- the ban -------------------------------------------------------------------------------------
@pytest.mark.parametrize("investment_type", ["guarantee", "lending"])
def test_guarantees_and_loans_of_collective_money_are_refused_outright(investment_type):
    s = start(investment_type=investment_type)
    assert steps(s) == {"refuse"}
    with pytest.raises(InvalidData) as err:
        s.do("refuse", {})
    assert set(err.value.errors) == {"refusal_reason"}


# -- thresholds and bounds -----------------------------------------------------------------------
@pytest.mark.parametrize("amount, approval", [(APPROVAL, True), (APPROVAL - 0.01, False)])
def test_township_approval_threshold(amount, approval):
    s = start(amount)
    planned(s)
    pass_major_decision(s)
    assert steps(s) == ({"township_approval"} if approval else {"sign_contract"})


def test_the_agreement_stays_within_the_decided_amount_and_term():
    s = start(50000, term=5)
    planned(s)
    pass_major_decision(s)
    with pytest.raises(InvalidData) as err:
        signed(s, 50000.01)
    assert set(err.value.errors) == {"invested_amount"}
    with pytest.raises(InvalidData) as err:
        signed(s, 50000, term=6)
    assert set(err.value.errors) == {"contract_term_years"}
    signed(s, 50000)
    assert steps(s) == {"publish_result"}


def at_first_check(years=None, term: int = 5) -> Scenario:
    s = start(term=term, parameters={"investment_check_years": years} if years else None)
    planned(s)
    pass_major_decision(s)
    signed(s, 60000, term=term)
    published(s)
    publicity_ends(s)
    return s


def test_one_check_year_ends_after_the_first_check():
    s = at_first_check(years=1)
    checked(s, 1)
    assert steps(s) == {"archive"}


def test_checks_never_run_past_the_agreement_term():
    s = at_first_check(years=5, term=2)
    checked(s, 1)
    with pytest.raises(InvalidData) as err:
        checked(s, 3)                                    # year 3 of a two-year agreement
    assert set(err.value.errors) == {"check_year"}
    s.do("return_check", {"check_year": 2, "return_due": 4800, "return_received": 4800, "investment_status": "ongoing",
                          "check_opinion": "到期", "check_evidence": ["att-check-2"]}, role="SUPERVISION_COMMITTEE")
    assert steps(s) == {"archive"}


def test_a_risk_is_handled_even_when_the_return_came_in():
    s = at_first_check()
    checked(s, 1, status="risk")
    assert steps(s) == {"rectify"}


def test_the_publicity_period_delays_the_first_year():
    s = at_first_check()
    (timer,) = s.matter.waiting_timers()
    assert timer.due - s.clock.now() >= timedelta(days=365)

"""Scenario tests of 村级新增借款（负债） (new_borrowing, CW-03).

Red line R8: a guarantee or a loan of collective funds is refused outright. A borrowing goes through
四议两公开, the township's review against the debt-ratio cap, county filing from the threshold up,
and publication with objections. Together the scenarios take every sequence flow of the item at
least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished
from tests.walks import object_during, pass_major_decision, reject_major_decision, steps, wait_past

KEY = "new_borrowing"
P = default_parameters()
FILING, CAP = P["borrowing_county_filing_threshold"], P["borrowing_debt_ratio_cap"]
ASSETS = 1_000_000
AT_CAP = ASSETS * CAP // 100                          # the largest debt the default cap allows


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级新增借款（负债）", list_code="CW-03", category="财务管理",
    calls=("major_decision",),
    lanes={"TWO_COMMITTEES", "VILLAGE_COMMITTEE", "TOWNSHIP_AGRI_ECON", "COUNTY_DEPT", "PUBLIC_PLATFORM",
           "SUPERVISION_COMMITTEE", "REPORTING_CLERK"},
    supervision={"borrowing_objection", "sc_check"},
    objections={"borrowing_objection"},
    separations={"sc_check": ("start", "sign_loan")},
    end_events={"end_refused": "不予办理", "end_rejected": "未通过决策", "end_not_approved": "不予同意借款",
                "end_done": "借款已办理"},
)


def start(amount=60000, request_type: str = "borrowing", parameters: dict | None = None) -> Scenario:
    return Scenario(KEY, {"request_type": request_type, "purpose": "建设村集体光伏电站配套设施", "amount": amount,
                          "counterparty": "县农商银行", "term_months": 36}, parameters=parameters)


# -- walking the item --------------------------------------------------------------------------
def planned_and_decided(s: Scenario) -> None:
    assert steps(s) == {"draft_plan"} and s.ready()["draft_plan"][0].role == "TWO_COMMITTEES"
    s.do("draft_plan", {"annual_rate": "3.85%", "repayment_source": "光伏发电收益",
                        "repayment_plan": "每年偿还三分之一本金及利息", "collateral": "无",
                        "plan_document": ["att-plan-1"]}, role="TWO_COMMITTEES")
    assert steps(s) == {"propose"}                    # the first step of the called 四议两公开
    pass_major_decision(s)


def township_reviews(s: Scenario, debt_after=400000, decision: str = "approve") -> None:
    assert steps(s) == {"township_review"} and s.ready()["township_review"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("township_review", {"total_assets": ASSETS, "total_debt_after": debt_after, "review_decision": decision,
                             "review_opinion": "还款来源可靠" if decision == "approve" else "还款来源不落实"},
         role="TOWNSHIP_AGRI_ECON")


def county_files(s: Scenario, result: str = "filed") -> None:
    assert steps(s) == {"county_filing"} and s.ready()["county_filing"][0].role == "COUNTY_DEPT"
    s.do("county_filing", {"filing_result": result, "filing_no": "县农备〔2026〕21号",
                           "filing_opinion": "予以备案" if result == "filed" else "借款用途不符合规定"},
         role="COUNTY_DEPT")


def published(s: Scenario) -> None:
    assert steps(s) == {"publish"}
    s.do("publish", {"borrowing_notice": "借款金额、期限、利率、还款计划", "borrowing_published_on": "2026-05-10"},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"borrowing_objection"}


def signed(s: Scenario, amount) -> None:
    assert steps(s) == {"sign_loan"}
    s.do("sign_loan", {"loan_contract_no": "JK-2026-01", "loan_amount": amount, "received_on": "2026-06-01",
                       "loan_contract": ["att-loan-1"], "bank_receipt": ["att-bank-1"]}, role="VILLAGE_COMMITTEE")


def supervised(s: Scenario, result: str = "ok") -> None:
    assert steps(s) == {"sc_check"} and s.ready()["sc_check"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_check", {"loan_check": result, "sc_loan_opinion": "一致" if result == "ok" else "合同利率与决议不一致"},
         role="SUPERVISION_COMMITTEE")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def borrowing_below_the_filing_threshold() -> Scenario:
    s = start(FILING - 0.01)
    planned_and_decided(s)
    township_reviews(s, debt_after=AT_CAP)            # exactly at the cap
    published(s)
    wait_past(s, P["borrowing_publicity_days"], "sign_loan")
    signed(s, FILING - 0.01)                          # exactly the decided amount
    supervised(s)
    s.do("archive", {"archive_no": "CW03-2026-001"}, role="REPORTING_CLERK")
    return finished(s, "借款已办理")


def borrowing_filed_with_objection_and_rework() -> Scenario:
    s = start(FILING)
    planned_and_decided(s)
    township_reviews(s)
    county_files(s)
    published(s)
    object_during(s, "borrowing_objection", after_days=3)
    s.do("reverify_borrowing", {"verification_finding": "利率与银行批复一致", "objection_upheld": False},
         role="TWO_COMMITTEES")
    assert steps(s) == {"borrowing_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["borrowing_publicity_days"]), "the period starts again"
    wait_past(s, P["borrowing_publicity_days"], "sign_loan")
    signed(s, FILING)
    supervised(s, "mismatch")
    signed(s, FILING)
    supervised(s)
    s.do("archive", {"archive_no": "CW03-2026-002"}, role="REPORTING_CLERK")
    return finished(s, "借款已办理")


def guarantee_refused() -> Scenario:
    s = start(200000, "guarantee")
    assert steps(s) == {"refuse"} and s.ready()["refuse"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("refuse", {"refusal_reason": "村集体不得为单位或个人提供担保"}, role="TOWNSHIP_AGRI_ECON")
    return finished(s, "不予办理")


def lending_refused() -> Scenario:
    s = start(30000, "lending")
    s.do("refuse", {"refusal_reason": "严禁出借集体资金"}, role="TOWNSHIP_AGRI_ECON")
    return finished(s, "不予办理")


def decision_rejected() -> Scenario:
    s = start()
    s.do("draft_plan", {"annual_rate": "4%", "repayment_source": "租金", "repayment_plan": "分三年",
                        "collateral": "无", "plan_document": ["att-plan-1"]}, role="TWO_COMMITTEES")
    reject_major_decision(s)
    return finished(s, "未通过决策")


def debt_ratio_over_the_cap() -> Scenario:
    s = start()
    planned_and_decided(s)
    township_reviews(s, debt_after=AT_CAP + 0.01)     # a cent over: refused even if the reviewer agrees
    return finished(s, "不予同意借款")


def county_refuses_filing() -> Scenario:
    s = start(FILING + 50000)
    planned_and_decided(s)
    township_reviews(s)
    county_files(s, "rejected")
    return finished(s, "不予同意借款")


def objection_upheld() -> Scenario:
    s = start()
    planned_and_decided(s)
    township_reviews(s)
    published(s)
    object_during(s, "borrowing_objection")
    s.do("reverify_borrowing", {"verification_finding": "借款实为替个人企业周转", "objection_upheld": True},
         role="TWO_COMMITTEES")
    return finished(s, "不予同意借款")


SCENARIOS = [borrowing_below_the_filing_threshold, borrowing_filed_with_objection_and_rework, guarantee_refused,
             lending_refused, decision_rejected, debt_ratio_over_the_cap, county_refuses_filing, objection_upheld]


# -- red line, thresholds, cap ---------------------------------------------------------------------
@pytest.mark.parametrize("request_type, first_step", [
    ("borrowing", "draft_plan"), ("guarantee", "refuse"), ("lending", "refuse")])
def test_guarantee_and_lending_never_reach_a_decision(request_type, first_step):
    assert steps(start(request_type=request_type)) == {first_step}


def test_a_refusal_must_say_why():
    s = start(request_type="guarantee")
    with pytest.raises(InvalidData) as err:
        s.do("refuse", {})
    assert set(err.value.errors) == {"refusal_reason"}
    assert steps(s) == {"refuse"}


@pytest.mark.parametrize("amount, next_step", [(FILING - 0.01, "publish"), (FILING, "county_filing")])
def test_county_filing_threshold(amount, next_step):
    s = start(amount)
    planned_and_decided(s)
    township_reviews(s)
    assert steps(s) == {next_step}


@pytest.mark.parametrize("debt_after, decision, passes", [
    (AT_CAP, "approve", True),
    (AT_CAP + 0.01, "approve", False),
    (100000, "reject", False),         # within the cap, but the repayment plan does not hold
])
def test_debt_ratio_cap_and_review(debt_after, decision, passes):
    s = start()
    planned_and_decided(s)
    township_reviews(s, debt_after=debt_after, decision=decision)
    if passes:
        assert steps(s) == {"publish"}
    else:
        finished(s, "不予同意借款")


def test_debt_ratio_is_compared_to_the_cent():
    """Exactly at a 75% cap: 2511302.22 x 100 is 251130222.00000003 in floats, 75 x 3348402.96 is 251130222.0,
    so an unrounded comparison would refuse a borrowing that is within the cap."""
    s = start(parameters={"borrowing_debt_ratio_cap": 75})
    planned_and_decided(s)
    s.do("township_review", {"total_assets": 3348402.96, "total_debt_after": 2511302.22, "review_decision": "approve",
                             "review_opinion": "可行"})
    assert steps(s) == {"publish"}


def test_a_township_may_change_the_cap_and_the_filing_threshold():
    s = start(parameters={"borrowing_debt_ratio_cap": 60})
    planned_and_decided(s)
    township_reviews(s, debt_after=600000)
    assert steps(s) == {"publish"}
    s = start(60000, parameters={"borrowing_county_filing_threshold": 50000})
    planned_and_decided(s)
    township_reviews(s)
    assert steps(s) == {"county_filing"}


def test_review_figures_and_loan_amount_are_checked():
    s = start(60000)
    planned_and_decided(s)
    with pytest.raises(InvalidData) as err:
        township_reviews(s, debt_after=59999)          # the debt after borrowing includes this loan
    assert err.value.errors == {"total_debt_after": "借款后负债总额（含本次，元）：不能小于金额 60,000.00 元"}
    township_reviews(s)
    published(s)
    wait_past(s, P["borrowing_publicity_days"], "sign_loan")
    with pytest.raises(InvalidData) as err:
        s.do("sign_loan", {"loan_contract_no": "1", "loan_amount": 60001, "received_on": "2026-06-01"})
    assert set(err.value.errors) == {"loan_amount", "loan_contract", "bank_receipt"}

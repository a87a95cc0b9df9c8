"""Scenario tests of 村级财务支出报销 (expense_reimbursement, CW-01).

Amount tiers straddle each threshold exactly. Together the scenarios take every sequence flow of
the item at least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, steps
from tests.walks import pass_major_decision, reject_major_decision

P = default_parameters()
SMALL, DECISION = P["expense_small_limit"], P["expense_decision_threshold"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级财务支出报销", list_code="CW-01", category="财务管理",
    calls=("major_decision",),
    lanes={"APPLICANT", "WITNESS", "TWO_COMMITTEES", "SUPERVISION_COMMITTEE", "PARTY_BRANCH", "VILLAGE_COMMITTEE",
           "REPORTING_CLERK", "TOWNSHIP_AGRI_ECON"},
    supervision={"supervision_review"},
    objections=set(),
    separations={"witness_sign": ("start",), "supervision_review": ("start", "witness_sign"),
                 "sign_director": ("start", "witness_sign"),
                 "sign_secretary": ("start", "witness_sign", "sign_director"),
                 "agent_check": ("start", "witness_sign")},
    end_events={"end_rejected": "未通过决策", "end_booked": "已入账", "end_refused": "不予报销"},
)


def start(amount, parameters: dict | None = None, **extra) -> Scenario:
    s = Scenario("expense_reimbursement", {
        "handler_name": "赵六", "purpose": "购买村部办公用品", "amount": amount, "invoice_no": "04412345",
        "spent_on": "2026-02-27", "expense_category": "management", "invoices": ["att-invoice"], **extra,
    }, parameters=parameters)
    assert steps(s) == {"witness_sign"} and s.ready()["witness_sign"][0].role == "WITNESS"
    s.do("witness_sign", {"witness_name": "钱七", "witness_statement": "情况属实"}, role="WITNESS")
    return s


# -- walking the item --------------------------------------------------------------------------
def two_committees_decide(s: Scenario, attendees: int = 7, votes_for: int = 5) -> None:
    assert steps(s) == {"tc_decide"}
    s.do("tc_decide", {"tc_members": 7, "tc_attendees": attendees, "tc_for": votes_for, "tc_minutes": "两委会议记录",
                       "tc_minutes_file": ["att-tc-minutes"]},
         role="TWO_COMMITTEES")


def supervision_reviews(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"supervision_review"}
    s.do("supervision_review", {"sc_reviewers": "监委会全体成员", "supervision_result": result,
                                "supervision_opinion": "票据合规" if result == "approve" else "发票抬头有误"},
         role="SUPERVISION_COMMITTEE")


def signed_and_submitted(s: Scenario, one_shoulder: bool = False) -> None:
    """联审联签 (主任, then 书记; one signature when the director is also the secretary, 一肩挑)
    and the clerk takes the vouchers to the township."""
    assert steps(s) == {"sign_director"} and s.ready()["sign_director"][0].role == "VILLAGE_COMMITTEE"
    s.do("sign_director", {"director_name": "孙主任", "director_signed_on": "2026-03-05"}, role="VILLAGE_COMMITTEE",
         holds=("PARTY_BRANCH",) if one_shoulder else ())
    if not one_shoulder:
        assert steps(s) == {"sign_secretary"} and s.ready()["sign_secretary"][0].role == "PARTY_BRANCH"
        s.do("sign_secretary", {"secretary_name": "周书记", "secretary_signed_on": "2026-03-05"}, role="PARTY_BRANCH")
    assert steps(s) == {"submit_vouchers"}
    s.do("submit_vouchers", {"submitted_on": "2026-03-06", "voucher_count": 3}, role="REPORTING_CLERK")
    assert steps(s) == {"agent_check"} and s.ready()["agent_check"][0].role == "TOWNSHIP_AGRI_ECON"


def township_checks(s: Scenario, result: str = "booked") -> None:
    s.do("agent_check", {"check_result": result, "check_opinion": "手续齐全" if result == "booked" else "缺少证明人签字原件",
                         "voucher_no": "记-2026-03-017"}, role="TOWNSHIP_AGRI_ECON")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def small_expense_booked() -> Scenario:
    s = start(SMALL)                                  # exactly the small limit goes straight on
    supervision_reviews(s)
    signed_and_submitted(s)
    township_checks(s)
    return finished(s, "已入账")


def collective_expense_returned_twice_then_booked() -> Scenario:
    s = start(SMALL + 0.01)
    two_committees_decide(s)
    for note in ("重新开具发票", "补充验收单"):
        supervision_reviews(s, "return")
        assert steps(s) == {"correct_voucher"} and s.ready()["correct_voucher"][0].role == "APPLICANT"
        s.do("correct_voucher", {"correction_note": note}, role="APPLICANT")
    supervision_reviews(s)
    signed_and_submitted(s)
    township_checks(s)
    return finished(s, "已入账")


def major_expense_decided_then_refused() -> Scenario:
    s = start(DECISION)
    assert steps(s) == {"propose"}
    pass_major_decision(s)
    supervision_reviews(s)
    signed_and_submitted(s)
    township_checks(s, "refused")
    return finished(s, "不予报销")


def one_shoulder_returned_by_the_township_then_booked() -> Scenario:
    """书记、主任一肩挑 signs once; the township returns the voucher to the handler, who corrects it,
    and it goes through the review and the signatures again (it does not end the matter)."""
    s = start(200)
    supervision_reviews(s)
    signed_and_submitted(s, one_shoulder=True)
    township_checks(s, "returned")
    assert steps(s) == {"correct_voucher"} and s.ready()["correct_voucher"][0].role == "APPLICANT"
    s.do("correct_voucher", {"correction_note": "补交证明人签字原件", "corrected_invoices": ["att-witness"]}, role="APPLICANT")
    supervision_reviews(s)
    signed_and_submitted(s, one_shoulder=True)
    township_checks(s)
    return finished(s, "已入账")


def major_expense_rejected() -> Scenario:
    s = start(DECISION + 1)
    reject_major_decision(s)
    return finished(s, "未通过决策")


def two_committees_reject() -> Scenario:
    s = start(DECISION - 0.01)
    two_committees_decide(s, attendees=6, votes_for=3)      # a tie among those present
    return finished(s, "未通过决策")


KEY = "expense_reimbursement"
def approved_beforehand_then_booked() -> Scenario:
    """先审批后支出: a large expense whose 支出事前审批 (a matter it cites) decided it takes no decision
    of its own (the citation is checked by the service: tests/integration/test_links.py)."""
    s = start(DECISION + 5000, approval_matter=501)
    supervision_reviews(s)
    signed_and_submitted(s)
    township_checks(s)
    return finished(s, "已入账")


SCENARIOS = [small_expense_booked, collective_expense_returned_twice_then_booked, major_expense_decided_then_refused,
             major_expense_rejected, two_committees_reject, one_shoulder_returned_by_the_township_then_booked,
             approved_beforehand_then_booked]




# -- amount tiers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("amount, first_step", [
    (0.01, "supervision_review"),
    (SMALL, "supervision_review"),
    (SMALL + 0.01, "tc_decide"),
    (DECISION - 0.01, "tc_decide"),
    (DECISION, "propose"),             # the first step of the called 四议两公开
])
def test_amount_tier(amount, first_step):
    assert steps(start(amount)) == {first_step}


def test_a_township_may_change_the_limits():
    assert steps(start(3000)) == {"tc_decide"}
    assert steps(start(3000, {"expense_small_limit": 5000})) == {"supervision_review"}
    assert steps(start(3000, {"expense_decision_threshold": 3000})) == {"propose"}
    # A small limit above the decision threshold cannot let a large expense skip 四议两公开.
    assert steps(start(3000, {"expense_small_limit": 5000, "expense_decision_threshold": 3000})) == {"propose"}


def test_two_committees_need_more_than_half_of_those_present():
    s = start(SMALL + 1)
    two_committees_decide(s, attendees=5, votes_for=3)
    assert steps(s) == {"supervision_review"}


def test_vote_counts_may_not_exceed_attendance():
    s = start(SMALL + 1)
    with pytest.raises(InvalidData) as err:
        two_committees_decide(s, attendees=8, votes_for=9)
    assert set(err.value.errors) == {"tc_attendees", "tc_for"}
    assert steps(s) == {"tc_decide"}


def test_the_township_agent_must_give_a_reason():
    s = start(100)
    supervision_reviews(s)
    signed_and_submitted(s)
    with pytest.raises(InvalidData) as err:
        s.do("agent_check", {"check_result": "refused"})
    assert set(err.value.errors) == {"check_opinion"}
    assert steps(s) == {"agent_check"}


def test_one_shoulder_is_what_the_signer_holds_never_what_is_typed():
    s = start(100)
    supervision_reviews(s)
    with pytest.raises(InvalidData) as err:
        s.do("sign_director", {"director_name": "孙主任", "director_signed_on": "2026-03-05",
                               "director_also_secretary": True}, role="VILLAGE_COMMITTEE")
    assert err.value.errors == {"director_also_secretary": "表单中没有此字段"}
    s.do("sign_director", {"director_name": "孙主任", "director_signed_on": "2026-03-05"}, role="VILLAGE_COMMITTEE",
         holds=("TWO_COMMITTEES",))                        # another role than the party branch's
    assert steps(s) == {"sign_secretary"}

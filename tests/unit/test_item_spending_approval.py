"""Scenario tests of 村级支出事前审批 (spending_approval, CW-08): the spending decided before the money
is spent, by the same amount tiers as the reimbursement that later cites it (issue 13: 先决策后支出).

Together the scenarios take every sequence flow of the item (`tests/unit/test_items.py`)."""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, steps
from tests.walks import pass_major_decision, reject_major_decision

P = default_parameters()
SMALL, DECISION = P["expense_small_limit"], P["expense_decision_threshold"]
KEY = "spending_approval"


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级支出事前审批", list_code="CW-08", category="财务管理",
    calls=("major_decision",),
    lanes={"APPLICANT", "VILLAGE_COMMITTEE", "TWO_COMMITTEES"},
    supervision=set(),
    objections=set(),
    separations={"director_approve": ("start",)},
    end_events={"end_approved": "批准支出", "end_rejected": "不予支出"},
)


def start(amount, parameters: dict | None = None) -> Scenario:
    return Scenario(KEY, {"handler_name": "赵六", "purpose": "维修村部屋顶", "amount": amount,
                          "expense_category": "management", "planned_on": "2026-03-10"}, parameters=parameters)


def director(s: Scenario, decision: str) -> None:
    assert steps(s) == {"director_approve"} and s.ready()["director_approve"][0].role == "VILLAGE_COMMITTEE"
    s.do("director_approve", {"director_decision": decision, "director_opinion": "预算合理" if decision == "approve"
                              else "可由村民义务投工解决"}, role="VILLAGE_COMMITTEE")


def two_committees(s: Scenario, attendees: int = 7, votes_for: int = 5) -> None:
    assert steps(s) == {"tc_decide"}
    s.do("tc_decide", {"tc_members": 7, "tc_attendees": attendees, "tc_for": votes_for, "tc_minutes": "两委会议记录",
                       "tc_minutes_file": ["att-minutes"]}, role="TWO_COMMITTEES")


# -- scenarios ---------------------------------------------------------------------------------
def small_approved_by_the_director() -> Scenario:
    s = start(SMALL)
    director(s, "approve")
    return finished(s, "批准支出")


def small_refused_by_the_director() -> Scenario:
    s = start(100)
    director(s, "reject")
    return finished(s, "不予支出")


def collective_approved() -> Scenario:
    s = start(SMALL + 0.01)
    two_committees(s)
    return finished(s, "批准支出")


def collective_refused_on_a_tie() -> Scenario:
    s = start(DECISION - 0.01)
    two_committees(s, attendees=6, votes_for=3)
    return finished(s, "不予支出")


def major_decided_by_four_deliberations() -> Scenario:
    s = start(DECISION)
    assert steps(s) == {"propose"}
    pass_major_decision(s)
    return finished(s, "批准支出")


def major_rejected() -> Scenario:
    s = start(DECISION + 1)
    reject_major_decision(s)
    return finished(s, "不予支出")


SCENARIOS = [small_approved_by_the_director, small_refused_by_the_director, collective_approved,
             collective_refused_on_a_tie, major_decided_by_four_deliberations, major_rejected]


@pytest.mark.parametrize("amount, first_step", [
    (0.01, "director_approve"), (SMALL, "director_approve"), (SMALL + 0.01, "tc_decide"),
    (DECISION - 0.01, "tc_decide"), (DECISION, "propose"),
])
def test_the_same_tiers_as_the_reimbursement(amount, first_step):
    assert steps(start(amount)) == {first_step}


def test_the_director_does_not_approve_a_spending_without_saying_why():
    s = start(100)
    with pytest.raises(InvalidData) as err:
        s.do("director_approve", {"director_decision": "approve"}, role="VILLAGE_COMMITTEE")
    assert set(err.value.errors) == {"director_opinion"}


@pytest.mark.parametrize("attendees, outcome", [(3, "不予支出"), (4, "批准支出")])
def test_the_two_committees_need_a_quorum_of_their_members(attendees, outcome):
    """Of 7 members, 3 present all voting for is no decision (two_committees_quorum: more than half)."""
    s = start(SMALL + 0.01)
    two_committees(s, attendees=attendees, votes_for=attendees)
    finished(s, outcome)

"""Scenario tests of 村集体经济组织收益分配 (income_distribution, CW-04).

Every review may return the plan to the 理事会; the reserve minimum, the meeting quorum and the
majority are township parameters, tested at their boundaries. Together the scenarios take every
sequence flow of the item at least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, steps
from tests.walks import object_during, wait_past

KEY = "income_distribution"
P = default_parameters()
DISTRIBUTABLE = 100000                  # with the default 1/10, the reserve minimum is exactly 10000


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村集体经济组织收益分配", list_code="CW-04", category="财务管理",
    lanes={"COLLECTIVE_ECON_ORG", "SUPERVISION_COMMITTEE", "PARTY_BRANCH", "TOWNSHIP_AGRI_ECON",
           "COLLECTIVE_MEMBERS_MEETING", "PUBLIC_PLATFORM", "REPORTING_CLERK"},
    supervision={"supervisory_check", "plan_objection"},
    objections={"plan_objection"},
    separations={"supervisory_check": ("start", "draft_plan")},
    end_events={"end_no_income": "无可分配收益，本年度不分配", "end_rejected": "方案未获通过，不予分配",
                "end_distributed": "已分配"},
)


def start(parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {"fiscal_year": 2025, "org_name": "东山村股份经济合作社"}, parameters=parameters)
    assert steps(s) == {"close_books"} and s.ready()["close_books"][0].role == "COLLECTIVE_ECON_ORG"
    return s


# -- walking the item --------------------------------------------------------------------------
def close_books(s: Scenario, distributable=DISTRIBUTABLE) -> None:
    s.do("close_books", {"total_income": 180000, "total_expense": 80000, "prior_loss_covered": 0,
                         "distributable_income": distributable, "spread_note": "五年期租金按年分摊，本年计入1/5",
                         "closing_statements": ["att-closing-1"]}, role="COLLECTIVE_ECON_ORG")


def draft(s: Scenario, reserve=10000, dividend=90000) -> None:
    assert steps(s) == {"draft_plan"}
    s.do("draft_plan", {"reserve_amount": reserve, "dividend_amount": dividend, "dividend_basis": "per_share",
                        "dividend_rate": min(45, dividend), "plan_text": "提取公积公益金用于村道养护，余额按股分红",
                        "board_minutes": ["att-board-1"]}, role="COLLECTIVE_ECON_ORG")


def supervisory_check(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"supervisory_check"}
    s.do("supervisory_check", {"sc_reviewers": "监事会全体成员", "sc_result": result,
                               "sc_opinion": "符合财务制度" if result == "approve" else "股份数与台账不符"},
         role="SUPERVISION_COMMITTEE")


def party_review(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"party_review"}
    s.do("party_review", {"consultation_record": "分片征求成员代表意见12条", "party_result": result,
                          "party_opinion": "同意" if result == "approve" else "公益金用途不明确"}, role="PARTY_BRANCH")


def township_review(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"township_review"}
    s.do("township_review", {"township_result": result,
                             "township_opinion": "决算真实，比例合规" if result == "approve" else "应收款未清收"},
         role="TOWNSHIP_AGRI_ECON")


def vote(s: Scenario, kind: str = "MEMBERS", total: int = 100, attendees: int = 80, votes_for: int = 60) -> None:
    assert steps(s) == {"member_vote"} and s.ready()["member_vote"][0].role == "COLLECTIVE_MEMBERS_MEETING"
    s.do("member_vote", {"cm_kind": kind, "cm_total": total, "cm_attendees": attendees, "cm_for": votes_for,
                         "cm_resolution": "表决结果当场公布", "cm_minutes": ["att-vote-1", "att-signin-1"]},
         role="COLLECTIVE_MEMBERS_MEETING")


def approved(s: Scenario, **vote_kw) -> None:
    """From the drafted plan through every review and the meeting's vote, to publication."""
    supervisory_check(s)
    party_review(s)
    township_review(s)
    vote(s, **vote_kw)
    assert steps(s) == {"publish_plan"}


def publish(s: Scenario) -> None:
    s.do("publish_plan", {"plan_notice": "2025年度收益分配方案", "plan_published_on": "2026-03-20",
                          "plan_notice_photos": ["att-notice-1"]}, role="COLLECTIVE_ECON_ORG")
    assert steps(s) == {"plan_objection"} and s.ready()["plan_objection"][0].role == "SUPERVISION_COMMITTEE"
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("plan_publicity", "分配方案公示")
    assert timer.due == s.period_end(P["income_publicity_days"])


def paid_filed_archived(s: Scenario, paid=90000) -> None:
    assert steps(s) == {"pay_dividends"}
    s.do("pay_dividends", {"paid_on": "2026-04-10", "paid_total": paid, "payment_records": ["att-bank-1"]},
         role="COLLECTIVE_ECON_ORG")
    assert steps(s) == {"file_township"}
    s.do("file_township", {"filing_no": "农经备〔2026〕7号", "filed_on": "2026-04-15"}, role="TOWNSHIP_AGRI_ECON")
    s.do("archive", {"archive_no": "CW-2026-004"}, role="REPORTING_CLERK")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def distributed() -> Scenario:
    s = start()
    close_books(s)
    draft(s)
    approved(s)
    publish(s)
    wait_past(s, P["income_publicity_days"], "pay_dividends")
    paid_filed_archived(s)
    return finished(s, "已分配")


def no_distributable_income() -> Scenario:
    s = start()
    close_books(s, distributable=0)
    return finished(s, "无可分配收益，本年度不分配")


def returned_at_every_review_then_distributed() -> Scenario:
    s = start()
    close_books(s)
    draft(s, reserve=9999.99, dividend=90000)          # one fen under the 1/10 minimum
    draft(s, reserve=10000, dividend=90000)            # back at 理事会拟定 at once
    supervisory_check(s, "return")
    draft(s)
    supervisory_check(s)
    party_review(s, "return")
    draft(s)
    supervisory_check(s)
    party_review(s)
    township_review(s, "return")
    draft(s)
    approved(s, kind="REPS", total=30, attendees=20, votes_for=11)   # exactly 2/3 of the representatives
    publish(s)
    wait_past(s, P["income_publicity_days"], "pay_dividends")
    paid_filed_archived(s)
    return finished(s, "已分配")


def vote_fails_then_revised() -> Scenario:
    s = start()
    close_books(s)
    draft(s)
    supervisory_check(s)
    party_review(s)
    township_review(s)
    vote(s, total=100, attendees=80, votes_for=40)     # a tie among those present
    assert steps(s) == {"revise_or_stop"}
    s.do("revise_or_stop", {"next_action": "revise", "revise_reason": "提高公益金比例后重新表决"},
         role="COLLECTIVE_ECON_ORG")
    draft(s, reserve=20000, dividend=80000)
    approved(s)
    publish(s)
    wait_past(s, P["income_publicity_days"], "pay_dividends")
    with pytest.raises(InvalidData) as err:            # no more than the plan distributes
        paid_filed_archived(s, paid=80000.01)
    assert set(err.value.errors) == {"paid_total"}
    paid_filed_archived(s, paid=80000)
    return finished(s, "已分配")


def vote_fails_and_stopped() -> Scenario:
    s = start()
    close_books(s)
    draft(s)
    supervisory_check(s)
    party_review(s)
    township_review(s)
    vote(s, total=100, attendees=50, votes_for=50)     # exactly half the members: no quorum
    s.do("revise_or_stop", {"next_action": "stop", "revise_reason": "成员大会两次未达法定人数，本年度不分配"},
         role="COLLECTIVE_ECON_ORG")
    return finished(s, "方案未获通过，不予分配")


def objection_dismissed_and_period_restarts() -> Scenario:
    s = start()
    close_books(s)
    draft(s)
    approved(s)
    publish(s)
    object_during(s, "plan_objection", after_days=3)
    assert steps(s) == {"reverify_plan"} and s.ready()["reverify_plan"][0].role == "COLLECTIVE_ECON_ORG"
    s.do("reverify_plan", {"verification_finding": "股份数与台账一致", "objection_upheld": False},
         role="COLLECTIVE_ECON_ORG")
    assert steps(s) == {"plan_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["income_publicity_days"]), "the period starts again"
    wait_past(s, P["income_publicity_days"], "pay_dividends")
    paid_filed_archived(s)
    return finished(s, "已分配")


def objection_upheld_plan_redrafted() -> Scenario:
    s = start()
    close_books(s)
    draft(s)
    approved(s)
    publish(s)
    object_during(s, "plan_objection")
    s.do("reverify_plan", {"verification_finding": "漏列3名新增成员", "objection_upheld": True},
         role="COLLECTIVE_ECON_ORG")
    assert steps(s) == {"draft_plan"}, "an upheld objection sends the plan back to the 理事会"
    draft(s)
    approved(s)
    publish(s)
    wait_past(s, P["income_publicity_days"], "pay_dividends")
    paid_filed_archived(s)
    return finished(s, "已分配")


SCENARIOS = [distributed, no_distributable_income, returned_at_every_review_then_distributed,
             vote_fails_then_revised, vote_fails_and_stopped, objection_dismissed_and_period_restarts,
             objection_upheld_plan_redrafted]




# -- boundaries ------------------------------------------------------------------------------------
def at_vote(parameters: dict | None = None) -> Scenario:
    s = start(parameters)
    close_books(s)
    draft(s)
    supervisory_check(s)
    party_review(s)
    township_review(s)
    return s


@pytest.mark.parametrize("reserve, passes", [(10000, True), (9999.99, False), (0, False), (100000, True)])
def test_reserve_minimum_share(reserve, passes):
    s = start()
    close_books(s)
    draft(s, reserve=reserve, dividend=DISTRIBUTABLE - reserve)
    assert steps(s) == ({"supervisory_check"} if passes else {"draft_plan"})


def test_a_township_may_raise_the_reserve_minimum():
    s = start({"income_reserve_min_share": "1/5"})
    close_books(s)
    draft(s, reserve=10000, dividend=90000)           # enough under the county default, not under 1/5
    assert steps(s) == {"draft_plan"}
    draft(s, reserve=20000, dividend=80000)
    assert steps(s) == {"supervisory_check"}


@pytest.mark.parametrize("kind, total, attendees, votes_for, passes", [
    ("MEMBERS", 100, 51, 26, True),     # more than half the members attend, more than half of them agree
    ("MEMBERS", 100, 50, 50, False),    # exactly half attend: no quorum
    ("MEMBERS", 100, 51, 25, False),    # 25 of 51 is not more than half of those present
    ("REPS", 30, 20, 11, True),         # exactly 2/3 of the representatives attend
    ("REPS", 30, 19, 19, False),        # one short of 2/3
    ("REPS", 30, 20, 10, False),        # a tie among those present
])
def test_meeting_quorum_and_majority(kind, total, attendees, votes_for, passes):
    s = at_vote()
    vote(s, kind=kind, total=total, attendees=attendees, votes_for=votes_for)
    assert steps(s) == ({"publish_plan"} if passes else {"revise_or_stop"})


def test_a_township_may_raise_the_members_quorum():
    s = at_vote({"income_members_quorum": "2/3"})
    vote(s, total=90, attendees=60, votes_for=60)      # 60 is not more than 2/3 of 90
    assert steps(s) == {"revise_or_stop"}
    s = at_vote({"income_members_quorum": "2/3"})
    vote(s, total=90, attendees=61, votes_for=31)
    assert steps(s) == {"publish_plan"}


def test_publicity_days_is_a_parameter():
    s = at_vote({"income_publicity_days": 10})
    vote(s)
    s.do("publish_plan", {"plan_notice": "方案", "plan_published_on": "2026-03-20", "plan_notice_photos": ["att-n"]})
    wait_past(s, 10, "pay_dividends")


# -- invalid data and declarations ------------------------------------------------------------------
def test_the_plan_cannot_distribute_more_than_the_distributable_income():
    s = start()
    close_books(s)
    with pytest.raises(InvalidData) as err:
        draft(s, reserve=10000, dividend=90001)
    assert set(err.value.errors) == {"dividend_amount"}
    assert steps(s) == {"draft_plan"}


def test_distributable_income_cannot_exceed_income():
    s = start()
    with pytest.raises(InvalidData) as err:
        close_books(s, distributable=180001)
    assert set(err.value.errors) == {"distributable_income"}


def test_the_draft_needs_the_board_minutes():
    s = start()
    close_books(s)
    with pytest.raises(InvalidData) as err:
        s.do("draft_plan", {"reserve_amount": 10000, "dividend_amount": 90000, "dividend_basis": "per_share",
                            "dividend_rate": 45, "plan_text": "方案"})
    assert set(err.value.errors) == {"board_minutes"}


def test_vote_counts_may_not_exceed_attendance():
    s = at_vote()
    with pytest.raises(InvalidData) as err:
        vote(s, total=100, attendees=101, votes_for=102)
    assert set(err.value.errors) == {"cm_attendees", "cm_for"}
    assert steps(s) == {"member_vote"}

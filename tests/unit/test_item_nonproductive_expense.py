"""Scenario tests of 非生产性开支（含接待） (nonproductive_expense, CW-07).

村级公务“零接待”: 招待宴请, 礼品礼金, 烟酒 and 购物卡 are refused when applied for (a township may add
kinds, never remove one). Other non-productive spending is approved before it is spent: by the
村委会主任 up to a township limit, by the 两委 above it, and through 四议两公开 from the decision
threshold on, and always so for 误工补贴 above the standard the 村民会议 set (组织法第二十四条).
The 村务监督委员会 reviews it, the 经办人 spends no more than approved and brings the invoice and the
sign-in sheet, the 报账员 books the voucher and the 村委会 publishes it as an annex of the quarter's
财务公开, objections taken. Amount tiers straddle each threshold exactly. Together the scenarios take
every sequence flow (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from engine.registry import check_override, load_parameters
from tests.scenario import PROCESSES, Scenario, default_parameters, finished, steps
from tests.walks import object_during, pass_major_decision, reject_major_decision, wait_past

KEY = "nonproductive_expense"
P = default_parameters()
SMALL, DECISION = P["nonproductive_small_limit"], P["nonproductive_decision_threshold"]
VISIT = {"applicant_name": "王会计", "nonprod_category": "condolence", "purpose": "重阳节走访慰问80岁以上老人",
         "planned_on": "2026-10-29", "participants": "一组张某、三组李某等8位老人", "participant_count": 8}
REFUSED = "不予开支"
DONE = "已开支并公开"


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="非生产性开支（含接待）", list_code="CW-07", category="财务管理",
    cites=("第二十四条", "零接待"),
    calls=("major_decision",),
    lanes={"APPLICANT", "TWO_COMMITTEES", "VILLAGE_COMMITTEE", "SUPERVISION_COMMITTEE", "PUBLIC_PLATFORM",
           "REPORTING_CLERK", "TOWNSHIP_AGRI_ECON"},
    supervision={"supervision_review", "expense_objection"},
    objections={"expense_objection"},
    separations={"director_approve": ("start",), "supervision_review": ("start", "director_approve"),
                 "spend": ("director_approve", "supervision_review"), "book_voucher": ("start", "spend"),
                 "rectify": ("start", "spend")},
    end_events={"end_banned": "不予受理（村级公务零接待，严禁招待宴请、礼品礼金、烟酒、购物卡）",
                "end_refused": "不予开支", "end_published": "已开支并公开"},
    published={"publish_expense": dict(section="village_affairs", publicity_step="expense_objection",
                                       shows={"purpose", "nonprod_category", "amount", "actual_amount",
                                              "actual_participant_count", "voucher_no"},
                                       never_shows={"participants", "invoices", "sign_in_sheet",
                                                    "expense_posting_photos"})},
)


def start(amount, data: dict | None = None, parameters: dict | None = None) -> Scenario:
    return Scenario(KEY, {**VISIT, "amount": amount, **(data or {})}, parameters=parameters)


def director(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"director_approve"} and s.ready()["director_approve"][0].role == "VILLAGE_COMMITTEE"
    s.do("director_approve", {"director_decision": decision, "director_opinion": "确属必要" if decision == "approve" else "可不开支"},
         role="VILLAGE_COMMITTEE")


def two_committees(s: Scenario, attendees: int = 7, votes_for: int = 5) -> None:
    assert steps(s) == {"tc_decide"} and s.ready()["tc_decide"][0].role == "TWO_COMMITTEES"
    s.do("tc_decide", {"tc_members": 7, "tc_attendees": attendees, "tc_for": votes_for, "tc_minutes": "两委会议记录",
                       "tc_minutes_file": ["att-tc-minutes"]}, role="TWO_COMMITTEES")


def supervision(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"supervision_review"} and s.ready()["supervision_review"][0].role == "SUPERVISION_COMMITTEE"
    s.do("supervision_review", {"sc_reviewers": "李监委、王监委", "supervision_result": result,
                                "supervision_opinion": "符合标准" if result == "approve" else "超过误工补贴标准，不同意"},
         role="SUPERVISION_COMMITTEE")


def spend(s: Scenario, amount: float) -> None:
    assert steps(s) == {"spend"} and s.ready()["spend"][0].role == "APPLICANT"
    s.do("spend", {"actual_amount": amount, "spent_on": "2026-10-29", "actual_participant_count": 8, "invoice_no": "04405678",
                   "invoices": ["att-invoice"], "sign_in_sheet": ["att-sign-in"]}, role="APPLICANT")


def book_and_publish(s: Scenario) -> None:
    assert steps(s) == {"book_voucher"} and s.ready()["book_voucher"][0].role == "REPORTING_CLERK"
    s.do("book_voucher", {"voucher_no": "记-2026-10-031", "booked_on": "2026-10-30", "disclosure_quarter": "2026年第四季度"},
         role="REPORTING_CLERK")
    assert steps(s) == {"publish_expense"} and s.ready()["publish_expense"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_expense", {"expense_published_on": "2027-01-15", "expense_posting_photos": ["att-photo"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"expense_objection"}


def archive(s: Scenario) -> Scenario:
    s.do("archive", {"archive_no": "CW07-2026-031", "archive_files": ["att-archive"]}, role="REPORTING_CLERK")
    return finished(s, DONE)


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def small_visit_approved_spent_and_published() -> Scenario:
    s = start(SMALL)                               # exactly the limit: the 村委会主任 approves
    director(s)
    supervision(s)
    spend(s, SMALL - 20)
    book_and_publish(s)
    wait_past(s, P["nonproductive_publicity_days"], "archive")
    return archive(s)


def two_committees_pass_and_an_upheld_objection_is_recovered() -> Scenario:
    s = start(SMALL + 0.01, {"nonprod_category": "meeting", "purpose": "召开村民代表会议误餐", "participant_count": 35})
    two_committees(s)
    supervision(s)
    spend(s, 480)
    book_and_publish(s)
    object_during(s, "expense_objection", after_days=2)
    s.do("reverify_expense", {"verification_finding": "与签到表一致", "objection_upheld": False}, role="TOWNSHIP_AGRI_ECON")
    object_during(s, "expense_objection")
    s.do("reverify_expense", {"verification_finding": "发票含烟酒120元", "objection_upheld": True}, role="TOWNSHIP_AGRI_ECON")
    assert steps(s) == {"rectify"} and s.ready()["rectify"][0].role == "TWO_COMMITTEES"
    s.do("rectify", {"rectification": "烟酒部分由经办人退赔", "recovered_amount": 120, "recovery_receipt": ["att-receipt"]},
         role="TWO_COMMITTEES")
    return archive(s)


def allowance_above_standard_decided_then_refused_by_the_committee() -> Scenario:
    s = start(300, {"nonprod_category": "allowance", "purpose": "抗洪抢险误工补贴超出已定标准部分",
                    "standard_note": "已定标准每人每天100元，抢险期间按150元，超出部分共300元"})
    assert steps(s) == {"propose"}                 # 误工补贴 above standard: 四议两公开 whatever the amount
    pass_major_decision(s)
    supervision(s, "reject")
    return finished(s, REFUSED)


def large_expense_rejected_by_the_meeting() -> Scenario:
    s = start(DECISION)
    reject_major_decision(s)
    return finished(s, REFUSED)


def director_refuses() -> Scenario:
    s = start(200)
    director(s, "reject")
    return finished(s, REFUSED)


def two_committees_refuse() -> Scenario:
    s = start(DECISION - 0.01)
    two_committees(s, attendees=6, votes_for=3)   # a tie among those present
    return finished(s, REFUSED)


def banquet_refused_when_applied_for() -> Scenario:
    s = start(800, {"nonprod_category": "hospitality", "purpose": "接待上级检查组用餐"})
    return finished(s, "不予受理（村级公务零接待，严禁招待宴请、礼品礼金、烟酒、购物卡）")


SCENARIOS = [small_visit_approved_spent_and_published, two_committees_pass_and_an_upheld_objection_is_recovered,
             allowance_above_standard_decided_then_refused_by_the_committee, large_expense_rejected_by_the_meeting,
             director_refuses, two_committees_refuse, banquet_refused_when_applied_for]


# -- banned kinds and amount tiers ------------------------------------------------------------------
@pytest.mark.parametrize("category", ["hospitality", "gifts", "tobacco_alcohol", "shopping_cards"])
def test_banned_kinds_are_refused_whatever_the_amount(category):
    s = start(10, {"nonprod_category": category})
    assert s.matter.status == "completed" and s.matter.outcome().startswith("不予受理")


def test_a_township_may_ban_more_kinds_but_not_fewer():
    banned = P["nonproductive_banned_categories"]
    s = start(100, {"nonprod_category": "meeting"}, {"nonproductive_banned_categories": [*banned, "meeting"]})
    assert s.matter.outcome().startswith("不予受理")
    parameter = load_parameters(PROCESSES)["nonproductive_banned_categories"]
    with pytest.raises(InvalidData):
        check_override(parameter, ["gifts", "tobacco_alcohol", "shopping_cards"])     # hospitality let through


@pytest.mark.parametrize("amount, category, first_step", [
    (0.01, "condolence", "director_approve"),
    (SMALL, "official_activity", "director_approve"),
    (SMALL + 0.01, "condolence", "tc_decide"),
    (DECISION - 0.01, "meeting", "tc_decide"),
    (DECISION, "condolence", "propose"),           # the first step of the called 四议两公开
    (0.01, "allowance", "propose"),
])
def test_amount_tier(amount, category, first_step):
    assert steps(start(amount, {"nonprod_category": category})) == {first_step}


def test_a_small_limit_above_the_decision_threshold_cannot_skip_the_meeting():
    assert steps(start(800, parameters={"nonproductive_small_limit": 5000, "nonproductive_decision_threshold": 800})) == {"propose"}


# -- the forms ---------------------------------------------------------------------------------------
def test_no_more_is_spent_and_no_more_people_than_approved():
    s = start(SMALL)
    director(s)
    supervision(s)
    with pytest.raises(InvalidData) as err:
        s.do("spend", {"actual_amount": SMALL + 1, "spent_on": "2026-10-29", "actual_participant_count": 9,
                       "invoice_no": "1", "invoices": ["att"], "sign_in_sheet": ["att"]}, role="APPLICANT")
    assert set(err.value.errors) == {"actual_amount", "actual_participant_count"}
    with pytest.raises(InvalidData) as err:
        s.do("spend", {"actual_amount": SMALL, "spent_on": "2026-10-29", "actual_participant_count": 8, "invoice_no": "1",
                       "invoices": ["att"]}, role="APPLICANT")
    assert set(err.value.errors) == {"sign_in_sheet"}

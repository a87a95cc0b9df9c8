"""Scenario tests of 民主理财 (democratic_finance, CW-06).

Each month or quarter (a township parameter) the 报账员 presents the period's vouchers (count, total,
list); the 民主理财小组 (the 村务监督委员会 acting as it, 组织法第三十二条) reviews them one by one,
passing or questioning each; the 两委 explain and correct the questioned ones and the group reviews
them again (and may send them back for a better explanation); a voucher still improper after the
explanation goes to the township 农经站, which orders it corrected and may refer it to the 纪委. The
result counts only when enough members sign (a township fraction); the 村委会 publishes it under
财务公开 and objections are taken during the publication. Together the scenarios take every sequence
flow (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, steps
from tests.walks import object_during, wait_past

KEY = "democratic_finance"
P = default_parameters()
PERIOD = {"summary": "2026年第一季度民主理财", "period_start": "2026-01-01", "period_end": "2026-03-31",
          "period_month_count": 3, "voucher_count": 12, "voucher_total": 41250,
          "voucher_list": "记-01 1月5日 村道养护 12,000元；记-02 1月9日 办公用品 350元；……（共12张）",
          "voucher_file": ["att-vouchers-1"]}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="民主理财", list_code="CW-06", category="财务管理",
    cites=("第三十二条",),
    lanes={"REPORTING_CLERK", "TWO_COMMITTEES", "VILLAGE_COMMITTEE", "SUPERVISION_COMMITTEE", "PUBLIC_PLATFORM",
           "TOWNSHIP_AGRI_ECON"},
    supervision={"review_vouchers", "rereview_vouchers", "township_handle", "sign_result", "result_objection"},
    objections={"result_objection"},
    separations={"review_vouchers": ("start",), "rereview_vouchers": ("start", "explain_vouchers"),
                 "township_handle": ("start",), "sign_result": ("start", "explain_vouchers")},
    roles={"township_handle": "TOWNSHIP_AGRI_ECON"},
    end_events={"end_published": "本期民主理财结果已公开"},
    published={"publish_result": dict(section="village_affairs", publicity_step="result_objection",
                                      shows={"voucher_count", "voucher_total", "questioned_count",
                                             "questioned_amount", "voucher_findings", "township_action",
                                             "review_conclusion", "signer_names"},
                                      never_shows={"voucher_file", "result_posting_photos"})},
)


def start(data: dict | None = None, parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {**PERIOD, **(data or {})}, parameters=parameters)
    assert steps(s) == {"review_vouchers"} and s.ready()["review_vouchers"][0].role == "SUPERVISION_COMMITTEE"
    return s


def review(s: Scenario, questioned: int = 0, amount: float = 0) -> None:
    assert steps(s) == {"review_vouchers"}
    findings = "12张全部审核通过" if not questioned else "记-07 慰问品未附签收单，存疑；其余通过"
    s.do("review_vouchers", {"reviewers": "李监委、王监委、赵监委", "approved_count": 12 - questioned,
                             "questioned_count": questioned, "questioned_amount": amount, "voucher_findings": findings},
         role="SUPERVISION_COMMITTEE")


def explain(s: Scenario) -> None:
    assert steps(s) == {"explain_vouchers"} and s.ready()["explain_vouchers"][0].role == "TWO_COMMITTEES"
    s.do("explain_vouchers", {"explanation": "记-07 为重阳节慰问80岁以上老人的慰问品", "corrections": "补附签收单"},
         role="TWO_COMMITTEES")


def rereview(s: Scenario, result: str) -> None:
    assert steps(s) == {"rereview_vouchers"} and s.ready()["rereview_vouchers"][0].role == "SUPERVISION_COMMITTEE"
    s.do("rereview_vouchers", {"rereview_result": result, "rereview_opinion": "记-07：" + result},
         role="SUPERVISION_COMMITTEE")


def sign(s: Scenario, members: int = 5, signed: int = 4) -> None:
    assert steps(s) == {"sign_result"}
    s.do("sign_result", {"group_members": members, "signed_members": signed, "signer_names": "李监委、王监委、赵监委、钱监委",
                         "review_conclusion": "本期凭证真实、合规", "signed_sheet": ["att-sheet-1"]},
         role="SUPERVISION_COMMITTEE")


def publish(s: Scenario) -> None:
    assert steps(s) == {"publish_result"} and s.ready()["publish_result"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_result", {"result_published_on": "2026-04-12", "result_posting_photos": ["att-photo-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def period_ends_and_archived(s: Scenario) -> Scenario:
    wait_past(s, P["democratic_finance_publicity_days"], "archive")
    s.do("archive", {"archive_no": "CW06-2026-Q1", "archive_files": ["att-archive-1"]}, role="REPORTING_CLERK")
    return finished(s, "本期民主理财结果已公开")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def every_voucher_passed_signed_and_published() -> Scenario:
    s = start()
    review(s)
    sign(s)
    publish(s)
    return period_ends_and_archived(s)


def questioned_explained_twice_then_accepted_and_signed_by_enough_members() -> Scenario:
    s = start()
    review(s, questioned=1, amount=1600)
    explain(s)
    rereview(s, "explain_again")                  # the first explanation did not say who received them
    explain(s)
    rereview(s, "accepted")
    sign(s, members=5, signed=3)                  # 3 of 5 is short of two thirds: the others sign too
    assert steps(s) == {"sign_result"}
    sign(s, members=5, signed=4)
    publish(s)
    return period_ends_and_archived(s)


def improper_voucher_reported_then_an_objection_upheld() -> Scenario:
    s = start()
    review(s, questioned=2, amount=2400)
    explain(s)
    rereview(s, "improper")                       # gift cards bought as 办公用品
    assert steps(s) == {"township_handle"} and s.ready()["township_handle"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("township_handle", {"township_finding": "记-09 购物卡2张计2,400元，以办公用品名义报销", "township_action": "refer_discipline",
                             "recovered_amount": 2400, "township_notice": ["att-notice-1"]}, role="TOWNSHIP_AGRI_ECON")
    sign(s)
    publish(s)
    object_during(s, "result_objection", after_days=2)
    s.do("reverify_result", {"verification_finding": "与凭证一致", "objection_upheld": False}, role="TOWNSHIP_AGRI_ECON")
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "记-11 重复报销", "objection_upheld": True}, role="TOWNSHIP_AGRI_ECON")
    review(s)                                     # reviewed again once the duplicate is taken out of the books
    sign(s)
    publish(s)
    return period_ends_and_archived(s)


SCENARIOS = [every_voucher_passed_signed_and_published,
             questioned_explained_twice_then_accepted_and_signed_by_enough_members,
             improper_voucher_reported_then_an_objection_upheld]


# -- the forms ---------------------------------------------------------------------------------------
def test_a_review_covers_one_period_of_the_townships_length():
    with pytest.raises(InvalidData) as err:
        start({"period_month_count": 4})
    assert set(err.value.errors) == {"period_month_count"}
    with pytest.raises(InvalidData) as err:
        start({"period_month_count": 3}, parameters={"democratic_finance_period_months": 1})   # a township reviewing monthly
    assert set(err.value.errors) == {"period_month_count"}
    with pytest.raises(InvalidData) as err:
        start({"period_end": "2025-12-31", "voucher_count": 0})
    assert set(err.value.errors) == {"period_end", "voucher_count"}


def test_every_voucher_is_passed_or_questioned():
    s = start()
    with pytest.raises(InvalidData) as err:       # 10 passed and 1 questioned of 12: one was not looked at
        s.do("review_vouchers", {"reviewers": "李监委", "approved_count": 10, "questioned_count": 1, "questioned_amount": 300,
                                 "voucher_findings": "……"}, role="SUPERVISION_COMMITTEE")
    assert set(err.value.errors) == {"questioned_count"}
    with pytest.raises(InvalidData) as err:       # nothing questioned, yet a questioned amount
        s.do("review_vouchers", {"reviewers": "李监委", "approved_count": 12, "questioned_count": 0, "questioned_amount": 300,
                                 "voucher_findings": "……"}, role="SUPERVISION_COMMITTEE")
    assert set(err.value.errors) == {"questioned_amount"}
    with pytest.raises(InvalidData) as err:
        s.do("review_vouchers", {"reviewers": "李监委", "approved_count": 13, "questioned_count": 0, "questioned_amount": 0,
                                 "voucher_findings": "……"}, role="SUPERVISION_COMMITTEE")
    assert "approved_count" in err.value.errors


def test_signatures_a_township_may_ask_for_fewer_and_not_more_signers_than_members():
    s = start(parameters={"democratic_finance_sign_quorum": "1/2"})
    review(s)
    with pytest.raises(InvalidData) as err:
        sign(s, members=5, signed=6)
    assert set(err.value.errors) == {"signed_members"}
    sign(s, members=5, signed=3)                  # half is enough in this township
    assert steps(s) == {"publish_result"}


def test_the_result_is_not_published_before_the_period_ends():
    s = start()
    review(s)
    sign(s)
    with pytest.raises(InvalidData) as err:
        s.do("publish_result", {"result_published_on": "2026-03-30", "result_posting_photos": ["att-1"]}, role="VILLAGE_COMMITTEE")
    assert set(err.value.errors) == {"result_published_on"}

"""Scenario tests of 村级物资及服务采购 (procurement, ZB-01).

Tiers read the larger of this purchase and the combined amount of related purchases in the
split-check window (red line R4), and straddle each threshold exactly. Together the scenarios take
every sequence flow of the item at least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished
from tests.walks import object_during, pass_major_decision, reject_major_decision, steps, wait_past

KEY = "procurement"
P = default_parameters()
SMALL, DECISION, CONTRACT = (P["procurement_small_threshold"], P["procurement_decision_threshold"],
                             P["procurement_contract_threshold"])


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级物资及服务采购", list_code="ZB-01", category="招投标采购",
    calls=("major_decision",),
    lanes={"APPLICANT", "REPORTING_CLERK", "TWO_COMMITTEES", "VILLAGE_COMMITTEE", "TOWNSHIP_TRADING_CENTER",
           "SUPERVISION_COMMITTEE", "PUBLIC_PLATFORM", "TOWNSHIP_DISCIPLINE"},
    supervision={"acceptance", "result_objection"},
    objections={"result_objection"},
    separations={"split_check": ("start",), "acceptance": ("start",)},
    end_events={"end_rejected": "不予采购", "end_referred": "异议成立，已移交纪委处理", "end_done": "采购完成"},
)


def start(amount, purchase_type: str = "goods", combined=0, parameters: dict | None = None) -> Scenario:
    """Request, then the clerk's split check (combined = related purchases in the window plus this one)."""
    s = Scenario(KEY, {"item_name": "村部办公桌椅", "purchase_type": purchase_type, "specification": "办公桌10张、椅20把",
                       "amount": amount, "in_annual_plan": True}, parameters=parameters)
    assert steps(s) == {"split_check"} and s.ready()["split_check"][0].role == "REPORTING_CLERK"
    s.do("split_check", {"checked_window_days": P["procurement_split_window_days"], "related_found": combined > 0,
                         "combined_amount": combined,
                         "related_records": "2026-01-20 同一供应商 办公柜" if combined else ""},
         role="REPORTING_CLERK")
    return s


# -- walking the item --------------------------------------------------------------------------
def two_committees_decide(s: Scenario, attendees: int = 7, votes_for: int = 5) -> None:
    assert steps(s) == {"tc_decide"}
    s.do("tc_decide", {"tc_members": 7, "tc_attendees": attendees, "tc_for": votes_for, "tc_minutes": "两委会议记录",
                       "tc_minutes_file": ["att-minutes-1"]}, role="TWO_COMMITTEES")


def quotes(s: Scenario, price, lowest=None, count: int = 3) -> None:
    assert steps(s) == {"three_quotes"} and s.ready()["three_quotes"][0].role == "VILLAGE_COMMITTEE"
    s.do("three_quotes", {"quote_count": count, "quote_record": "甲、乙、丙三家报价", "supplier": "某家具店",
                          "lowest_compliant_quote": price if lowest is None else lowest, "award_price": price,
                          "quote_sheets": ["att-quote-1", "att-quote-2", "att-quote-3"]}, role="VILLAGE_COMMITTEE")


def platform(s: Scenario, price) -> None:
    assert steps(s) == {"platform_purchase"}
    assert s.ready()["platform_purchase"][0].role == "TOWNSHIP_TRADING_CENTER"
    s.do("platform_purchase", {"platform_method": "inquiry", "platform_notice_on": "2026-03-20", "bidder_count": 4,
                               "supplier": "某商贸公司", "award_price": price, "award_notice": ["att-award-1"]},
         role="TOWNSHIP_TRADING_CENTER")


def contract(s: Scenario, price) -> None:
    assert steps(s) == {"sign_contract"}
    s.do("sign_contract", {"contract_no": "CG-2026-01", "contract_price": price, "signed_on": "2026-03-25",
                           "contract_file": ["att-contract-1"]}, role="VILLAGE_COMMITTEE")


def accepted(s: Scenario, result: str = "pass") -> None:
    assert steps(s) == {"acceptance"} and s.ready()["acceptance"][0].role == "SUPERVISION_COMMITTEE"
    s.do("acceptance", {"acceptance_on": "2026-04-01", "acceptance_participants": "采购小组、监委会成员",
                        "acceptance_result": result, "acceptance_opinion": "数量质量符合" if result == "pass" else "型号不符",
                        "acceptance_record": ["att-acceptance-1"]}, role="SUPERVISION_COMMITTEE")


def handed_over_and_published(s: Scenario, invoice_amount) -> None:
    assert steps(s) == {"handover"}
    s.do("handover", {"invoice_no": "04419999", "invoice_amount": invoice_amount, "invoices": ["att-invoice-1"],
                      "handed_over_on": "2026-04-02"}, role="REPORTING_CLERK")
    s.do("publish_result", {"procurement_notice": "采购事项、供应商、成交价、验收结果",
                            "procurement_published_on": "2026-04-03"}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def archived(s: Scenario) -> None:
    wait_past(s, P["procurement_publicity_days"], "archive")
    s.do("archive", {"archive_no": "ZB01-2026-001"}, role="REPORTING_CLERK")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def small_goods_by_quotes_with_contract() -> Scenario:
    s = start(15000)
    two_committees_decide(s)
    quotes(s, CONTRACT)                                  # exactly the contract threshold: a written contract
    contract(s, CONTRACT)
    accepted(s)
    handed_over_and_published(s, CONTRACT)
    archived(s)
    return finished(s, "采购完成")


def split_purchase_goes_to_the_platform() -> Scenario:
    """Just under the small threshold on its own, but with an earlier purchase from the same supplier the
    combined amount reaches it: the platform, not three quotes. Services need no written contract."""
    s = start(SMALL - 0.01, "services", combined=SMALL)
    two_committees_decide(s)
    platform(s, 19000)
    accepted(s, "fail")
    assert steps(s) == {"rectify_delivery"}
    s.do("rectify_delivery", {"rectification_note": "供应商已按合同重新提供服务"}, role="VILLAGE_COMMITTEE")
    accepted(s)
    handed_over_and_published(s, 19000)
    object_during(s, "result_objection", after_days=2)
    s.do("reverify_result", {"verification_finding": "价格与平台成交记录一致", "objection_upheld": False},
         role="TWO_COMMITTEES")
    assert steps(s) == {"result_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["procurement_publicity_days"]), "the period starts again"
    archived(s)
    return finished(s, "采购完成")


def major_purchase_decided_then_objection_upheld() -> Scenario:
    s = start(DECISION)
    assert steps(s) == {"propose"}
    pass_major_decision(s)
    platform(s, 48000)
    contract(s, 48000)
    accepted(s)
    handed_over_and_published(s, 48000)
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "供应商为村干部近亲属所开", "objection_upheld": True},
         role="TWO_COMMITTEES")
    assert steps(s) == {"discipline_review"} and s.ready()["discipline_review"][0].role == "TOWNSHIP_DISCIPLINE"
    s.do("discipline_review", {"discipline_finding": "关联交易属实", "discipline_measures": "accountability"},
         role="TOWNSHIP_DISCIPLINE")
    return finished(s, "异议成立，已移交纪委处理")


def major_purchase_rejected() -> Scenario:
    s = start(DECISION + 10000)
    reject_major_decision(s)
    return finished(s, "不予采购")


def two_committees_reject() -> Scenario:
    s = start(1000)
    two_committees_decide(s, attendees=6, votes_for=3)           # a tie among those present
    return finished(s, "不予采购")


SCENARIOS = [small_goods_by_quotes_with_contract, split_purchase_goes_to_the_platform,
             major_purchase_decided_then_objection_upheld, major_purchase_rejected, two_committees_reject]


# -- tiers: max(amount, combined amount) -----------------------------------------------------------
@pytest.mark.parametrize("amount, combined, first_step", [
    (DECISION - 0.01, 0, "tc_decide"),
    (DECISION, 0, "propose"),                       # the first step of the called 四议两公开
    (30000, DECISION - 0.01, "tc_decide"),
    (30000, DECISION, "propose"),                   # split below the threshold, together at it
])
def test_decision_tier(amount, combined, first_step):
    assert steps(start(amount, combined=combined)) == {first_step}


@pytest.mark.parametrize("amount, combined, channel", [
    (SMALL - 0.01, 0, "three_quotes"),
    (SMALL, 0, "platform_purchase"),
    (5000, SMALL - 0.01, "three_quotes"),
    (5000, SMALL, "platform_purchase"),             # R4: the related purchases decide the tier
])
def test_channel_tier(amount, combined, channel):
    s = start(amount, combined=combined)
    two_committees_decide(s)
    assert steps(s) == {channel}


def test_a_township_may_change_the_thresholds():
    s = start(15000, parameters={"procurement_small_threshold": 10000})
    two_committees_decide(s)
    assert steps(s) == {"platform_purchase"}
    assert steps(start(15000, parameters={"procurement_decision_threshold": 15000})) == {"propose"}


@pytest.mark.parametrize("purchase_type, price, needs_contract", [
    ("goods", CONTRACT, True),
    ("goods", CONTRACT - 0.01, False),
    ("services", 15000, False),
])
def test_written_contract_threshold(purchase_type, price, needs_contract):
    s = start(15000, purchase_type)
    two_committees_decide(s)
    quotes(s, price)
    assert steps(s) == ({"sign_contract"} if needs_contract else {"acceptance"})


# -- form rules ------------------------------------------------------------------------------------
def test_split_check_must_cover_the_window_and_include_this_purchase():
    s = Scenario(KEY, {"item_name": "水泵", "purchase_type": "goods", "specification": "2台", "amount": 8000,
                       "in_annual_plan": False})
    with pytest.raises(InvalidData) as err:
        s.do("split_check", {"checked_window_days": P["procurement_split_window_days"] - 1, "related_found": True,
                             "combined_amount": 7999.99})
    assert set(err.value.errors) == {"checked_window_days", "combined_amount"}
    assert err.value.errors["combined_amount"].endswith("不能小于 8,000.00 元")
    with pytest.raises(InvalidData) as err:
        s.do("split_check", {"checked_window_days": 90, "related_found": False})
    assert set(err.value.errors) == {"combined_amount"}                 # required: 0 when nothing related
    s.do("split_check", {"checked_window_days": 90, "related_found": False, "combined_amount": 0})
    assert steps(s) == {"tc_decide"}


def test_three_quotes_at_the_lowest_compliant_price():
    s = start(15000)
    two_committees_decide(s)
    with pytest.raises(InvalidData) as err:
        quotes(s, 12000, count=2)
    assert set(err.value.errors) == {"quote_count"}
    with pytest.raises(InvalidData) as err:
        quotes(s, 12000.01, lowest=12000)
    assert err.value.errors == {"award_price": "成交价（元）：不能大于满足需求的最低报价 12,000.00 元"}
    with pytest.raises(InvalidData) as err:
        quotes(s, 15001)                                                 # above the approved budget
    assert err.value.errors == {"lowest_compliant_quote": "满足需求的最低报价（元）：不能大于采购预算 15,000.00 元"}
    with pytest.raises(InvalidData) as err:
        s.do("three_quotes", {"quote_count": 3, "quote_record": "r", "supplier": "x", "lowest_compliant_quote": 100,
                              "award_price": 100})
    assert set(err.value.errors) == {"quote_sheets"}                     # the quotes are evidence
    quotes(s, 12000)
    assert steps(s) == {"sign_contract"}


def test_acceptance_needs_its_record():
    s = start(5000, "services")
    two_committees_decide(s)
    quotes(s, 4800)
    with pytest.raises(InvalidData) as err:
        s.do("acceptance", {"acceptance_on": "2026-04-01", "acceptance_participants": "监委",
                            "acceptance_result": "pass", "acceptance_opinion": "合格"})
    assert set(err.value.errors) == {"acceptance_record"}


def test_contract_may_equal_an_award_with_cents():
    """A money value exactly at a bound with cents is allowed (15000.01 as a float is above Decimal 15000.01)."""
    s = start(16000)
    two_committees_decide(s)
    quotes(s, 15000.01, lowest=15000.5)
    contract(s, 15000.01)
    assert steps(s) == {"acceptance"}

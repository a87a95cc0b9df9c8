"""Scenario tests of 集体资产出让、转让、变卖、报废处置 (asset_disposal, ZC-02).

出让 and 转让 always go through the rural property trading platform, 变卖 only from the threshold
up; 报废 replaces valuation and bidding by a technical appraisal and township approval. No bid below
the reserve price reaches a contract. Together the scenarios take every sequence flow of the item at
least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, item_catalog
from tests.walks import object_during, pass_major_decision, reject_major_decision, steps, wait_past

KEY = "asset_disposal"
P = default_parameters()
SALE_PLATFORM = P["disposal_sale_platform_threshold"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="集体资产出让、转让、变卖、报废处置", list_code="ZC-02", category="资产资源",
    calls=("major_decision",),
    lanes={"VILLAGE_COMMITTEE", "COLLECTIVE_ECON_ORG", "TWO_COMMITTEES", "TOWNSHIP_AGRI_ECON", "TOWNSHIP_GOV",
           "PUBLIC_PLATFORM", "TOWNSHIP_TRADING_CENTER", "SUPERVISION_COMMITTEE", "TOWNSHIP_DISCIPLINE",
           "REPORTING_CLERK"},
    supervision={"plan_objection", "sc_bidding", "result_objection", "sc_proceeds_check"},
    objections={"plan_objection", "result_objection"},
    separations={"sc_bidding": ("start", "village_bidding"), "sc_proceeds_check": ("start", "update_ledger")},
    end_events={"end_unclear": "权属不清，不予处置", "end_rejected": "未通过决策", "end_scrap_refused": "不予报废",
                "end_no_deal": "流拍，终止处置", "end_upheld_stopped": "异议成立，撤销交易并终止处置",
                "end_done": "处置完成"},
)


def start(disposal_type: str = "sale", parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {"asset_name": "旧碾米机组", "asset_category": "fixed_asset", "location": "村部西侧碾米房",
                       "quantity": "1套", "disposal_type": disposal_type, "disposal_reason": "设备老旧闲置"},
                 parameters=parameters)
    assert steps(s) == {"inventory"} and s.ready()["inventory"][0].role == "COLLECTIVE_ECON_ORG"
    return s


# -- walking the item --------------------------------------------------------------------------
def inventoried(s: Scenario, clear: bool = True) -> None:
    s.do("inventory", {"register_no": "GD-0031", "book_value": 48000, "ownership_clear": clear,
                       "current_status": "停用三年", "register_evidence": ["att-register-1"],
                       "inventory_opinion": "权属清晰" if clear else "资产登记在已撤并的村民小组名下，权属待确认"},
         role="COLLECTIVE_ECON_ORG")


def draft_plan(s: Scenario) -> None:
    assert steps(s) == {"draft_plan"}
    s.do("draft_plan", {"disposal_plan": "整体处置，价款一次付清", "plan_minutes": ["att-minutes-1"]},
         role="TWO_COMMITTEES")


def priced(s: Scenario, reserve) -> None:
    draft_plan(s)
    assert steps(s) == {"appraisal"}
    s.do("appraisal", {"appraisal_method": "agency", "appraised_value": reserve, "appraisal_report": ["att-appraisal-1"]},
         role="COLLECTIVE_ECON_ORG")
    s.do("reserve_review", {"reserve_price": reserve, "reserve_review_no": "底评〔2026〕9号",
                            "reserve_review_opinion": "同意", "reserve_review_record": ["att-review-1"]},
         role="TOWNSHIP_AGRI_ECON")
    assert steps(s) == {"propose"}


def scrap_appraised(s: Scenario) -> None:
    draft_plan(s)
    assert steps(s) == {"condition_appraisal"}
    s.do("condition_appraisal", {"appraisal_agency": "县农机鉴定站", "condition_finding": "主机报废，无修复价值",
                                 "residual_value": 800, "condition_report": ["att-condition-1"]},
         role="COLLECTIVE_ECON_ORG")
    assert steps(s) == {"propose"}


def decided_and_published(s: Scenario) -> None:
    pass_major_decision(s)
    assert steps(s) == {"publish_plan"}
    s.do("publish_plan", {"plan_notice": "处置方案及底价", "plan_published_on": "2026-04-20"}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"plan_objection"}


def platform(s: Scenario, best_bid, bidders: int = 3) -> None:
    assert steps(s) == {"platform_listing"}
    assert s.ready()["platform_listing"][0].role == "TOWNSHIP_TRADING_CENTER"
    s.do("platform_listing", {"eligibility_review": "资格符合", "listing_notice_on": "2026-05-06",
                              "bidder_count": bidders, "best_bid": best_bid, "trading_record": ["att-trade-1"]},
         role="TOWNSHIP_TRADING_CENTER")


def village_bids(s: Scenario, best_bid, compliant: bool = True, bidders: int = 2) -> None:
    assert steps(s) == {"village_bidding"}
    s.do("village_bidding", {"bidding_notice_on": "2026-05-06", "bidder_count": bidders, "best_bid": best_bid,
                             "best_bidder": "李某", "bidding_record": ["att-bid-1"]}, role="VILLAGE_COMMITTEE")
    s.do("sc_bidding", {"sc_bidding_members": "监委主任、委员", "bidding_compliant": "compliant" if compliant else "violation",
                        "sc_bidding_opinion": "程序合规" if compliant else "竞买人未登记"}, role="SUPERVISION_COMMITTEE")


def no_deal(s: Scenario, action: str) -> None:
    assert steps(s) == {"no_deal"}
    s.do("no_deal", {"no_deal_action": action, "no_deal_reason": "流拍"}, role="TWO_COMMITTEES")


def sold(s: Scenario, price) -> None:
    assert steps(s) == {"sign_contract"}
    s.do("sign_contract", {"buyer": "某再生资源公司", "contract_no": "CZ-2026-01", "contract_price": price,
                           "payment_received": price, "contract_file": ["att-contract-1"],
                           "payment_receipt": ["att-payment-1"]}, role="VILLAGE_COMMITTEE")


def publish_result(s: Scenario) -> None:
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"disposal_notice": "受让方、成交价", "disposal_published_on": "2026-05-20"},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def result_published_and_booked(s: Scenario, booked) -> Scenario:
    """The result published, its period over without objection, the proceeds booked: 处置完成."""
    publish_result(s)
    wait_past(s, P["disposal_result_publicity_days"], "update_ledger")
    ledger_checked_archived(s, booked)
    return finished(s, "处置完成")


def ledger_checked_archived(s: Scenario, booked, match: bool = True) -> None:
    assert steps(s) == {"update_ledger"}
    s.do("update_ledger", {"ledger_entry_no": "TZ-2026-05", "proceeds_booked": booked, "ledger_filed_on": "2026-06-01",
                           "receipt_method": "transfer", "received_on": "2026-05-28",
                           "ledger_evidence": ["att-ledger-1"]}, role="COLLECTIVE_ECON_ORG")
    if not match:
        s.do("sc_proceeds_check", {"proceeds_match": False, "sc_proceeds_opinion": "入账少500元"},
             role="SUPERVISION_COMMITTEE")
        assert steps(s) == {"recover_proceeds"}
        s.do("recover_proceeds", {"recovery_note": "已补记入账", "recovery_evidence": ["att-fix-1"]},
             role="COLLECTIVE_ECON_ORG")
    assert steps(s) == {"sc_proceeds_check"} and s.ready()["sc_proceeds_check"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_proceeds_check", {"proceeds_match": True, "sc_proceeds_opinion": "相符"}, role="SUPERVISION_COMMITTEE")
    s.do("archive", {"archive_no": "ZC02-2026-001"}, role="REPORTING_CLERK")


def dismissed(s: Scenario, intake: str, verify: str, days: int) -> None:
    object_during(s, intake, after_days=2)
    s.do(verify, {"verification_finding": "经核实异议不成立", "objection_upheld": False}, role="TWO_COMMITTEES")
    assert steps(s) == {intake}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(days), "the period starts again"


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def sale_by_village_bidding() -> Scenario:
    s = start("sale")
    inventoried(s)
    priced(s, SALE_PLATFORM - 0.01)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "village_bidding")
    village_bids(s, 21000)
    sold(s, 21000)
    return result_published_and_booked(s, 21000)


def transfer_on_the_platform_with_rework() -> Scenario:
    s = start("transfer")
    inventoried(s)
    priced(s, 5000)                                  # below the sale threshold, but a 转让 always goes on the platform
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "platform_listing")
    platform(s, 0, bidders=0)
    no_deal(s, "relist")
    platform(s, 6000)
    sold(s, 6000)
    publish_result(s)
    dismissed(s, "result_objection", "reverify_result", P["disposal_result_publicity_days"])
    wait_past(s, P["disposal_result_publicity_days"], "update_ledger")
    ledger_checked_archived(s, 5500, match=False)
    return finished(s, "处置完成")


def scrap_approved() -> Scenario:
    s = start("scrap")
    inventoried(s)
    scrap_appraised(s)
    decided_and_published(s)
    dismissed(s, "plan_objection", "reverify_plan", P["disposal_plan_publicity_days"])
    wait_past(s, P["disposal_plan_publicity_days"], "scrap_approval")
    assert s.ready()["scrap_approval"][0].role == "TOWNSHIP_GOV"
    s.do("scrap_approval", {"scrap_decision": "approve", "scrap_opinion": "鉴定结论属实，同意报废",
                            "scrap_approval_no": "乡政批〔2026〕15号"}, role="TOWNSHIP_GOV")
    assert steps(s) == {"write_off"}
    s.do("write_off", {"disposal_record": "拆解，废铁由回收站收购", "residual_income": 800,
                       "write_off_evidence": ["att-scrap-1"]}, role="COLLECTIVE_ECON_ORG")
    return result_published_and_booked(s, 800)


def scrap_refused() -> Scenario:
    s = start("scrap")
    inventoried(s)
    scrap_appraised(s)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "scrap_approval")
    s.do("scrap_approval", {"scrap_decision": "reject", "scrap_opinion": "经查仍可修复使用，不同意报废"},
         role="TOWNSHIP_GOV")
    return finished(s, "不予报废")


def sale_plan_objection_upheld_then_stopped() -> Scenario:
    s = start("sale")
    inventoried(s)
    priced(s, 10000)
    decided_and_published(s)
    object_during(s, "plan_objection")
    s.do("reverify_plan", {"verification_finding": "评估漏算配套设备", "objection_upheld": True}, role="TWO_COMMITTEES")
    priced(s, 12000)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "village_bidding")
    village_bids(s, 13000, compliant=False)
    village_bids(s, 11999)                           # below the reserve price
    no_deal(s, "redecide")
    priced(s, 11000)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "village_bidding")
    village_bids(s, 0, bidders=0)
    no_deal(s, "stop")
    return finished(s, "流拍，终止处置")


def upheld(s: Scenario, action: str, refer: bool = False) -> None:
    """An upheld objection to the result: the deal is suspended at once, the 两委 says what happens."""
    assert steps(s) == {"suspend_deal"} and s.ready()["suspend_deal"][0].role == "TWO_COMMITTEES"
    s.do("suspend_deal", {"deal_suspended_on": "2026-05-25", "upheld_action": action,
                          "upheld_reason": "受让方为村干部亲属控股企业，未申报回避，成交无效",
                          "unwind_record": "通知受让方中止履行，暂停交割；解除合同，退还已收价款",
                          "unwind_evidence": ["att-unwind-1"], "refer_discipline": refer}, role="TWO_COMMITTEES")


def objection_upheld(s: Scenario) -> None:
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "受让方为村干部亲属控股企业，未申报回避", "objection_upheld": True},
         role="TWO_COMMITTEES")


def assignment_result_objection_upheld_deal_redone() -> Scenario:
    """民法典第一百五十四条: a deal struck by collusion is void. The deal is suspended and undone,
    the 纪委 looks into the cadre, and the asset is traded again under the decided plan."""
    s = start("assign")
    inventoried(s)
    priced(s, 300000)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "platform_listing")
    platform(s, 320000)
    sold(s, 320000)
    publish_result(s)
    objection_upheld(s)
    upheld(s, "relist", refer=True)
    assert steps(s) == {"discipline_review"} and s.ready()["discipline_review"][0].role == "TOWNSHIP_DISCIPLINE"
    s.do("discipline_review", {"discipline_finding": "属实", "discipline_measures": "accountability"},
         role="TOWNSHIP_DISCIPLINE")
    platform(s, 330000)                               # traded again, the plan and reserve price unchanged
    sold(s, 330000)
    return result_published_and_booked(s, 330000)


def sale_result_objection_upheld_plan_redecided() -> Scenario:
    s = start("sale")
    inventoried(s)
    priced(s, 10000)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "village_bidding")
    village_bids(s, 10500)
    sold(s, 10500)
    publish_result(s)
    objection_upheld(s)
    upheld(s, "redecide")
    assert steps(s) == {"draft_plan"}, "the plan and reserve price are decided again"
    priced(s, 15000)
    reject_major_decision(s)
    return finished(s, "未通过决策")


def scrap_result_objection_upheld_then_ended() -> Scenario:
    """A scrapped asset cannot be traded again: the matter is re-decided or ended with its reason."""
    s = start("scrap")
    inventoried(s)
    scrap_appraised(s)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "scrap_approval")
    s.do("scrap_approval", {"scrap_decision": "approve", "scrap_opinion": "同意报废"}, role="TOWNSHIP_GOV")
    s.do("write_off", {"disposal_record": "拆解", "residual_income": 800, "write_off_evidence": ["att-scrap-1"]},
         role="COLLECTIVE_ECON_ORG")
    publish_result(s)
    objection_upheld(s)
    upheld(s, "relist")
    assert steps(s) == {"suspend_deal"}, "a scrapped asset cannot be traded again: choose again"
    upheld(s, "stop")
    return finished(s, "异议成立，撤销交易并终止处置")


def ownership_unclear() -> Scenario:
    s = start()
    inventoried(s, clear=False)
    return finished(s, "权属不清，不予处置")


def decision_rejected() -> Scenario:
    s = start("transfer")
    inventoried(s)
    priced(s, 40000)
    reject_major_decision(s)
    return finished(s, "未通过决策")


SCENARIOS = [sale_by_village_bidding, transfer_on_the_platform_with_rework, scrap_approved, scrap_refused,
             sale_plan_objection_upheld_then_stopped, assignment_result_objection_upheld_deal_redone,
             sale_result_objection_upheld_plan_redecided, scrap_result_objection_upheld_then_ended, ownership_unclear,
             decision_rejected]


# -- channel, reserve price, contract ------------------------------------------------------------
@pytest.mark.parametrize("disposal_type, reserve, channel", [
    ("sale", SALE_PLATFORM, "platform_listing"),
    ("sale", SALE_PLATFORM - 0.01, "village_bidding"),
    ("assign", 100, "platform_listing"),            # 出让 and 转让: the platform whatever the price
    ("transfer", 100, "platform_listing"),
])
def test_channel(disposal_type, reserve, channel):
    s = start(disposal_type)
    inventoried(s)
    priced(s, reserve)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], channel)


def test_a_township_may_raise_the_sale_threshold():
    s = start("sale", {"disposal_sale_platform_threshold": 50000})
    inventoried(s)
    priced(s, 30000)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "village_bidding")


def test_scrap_needs_no_valuation_or_bidding():
    s = start("scrap")
    inventoried(s)
    scrap_appraised(s)
    info = item_catalog(KEY).processes[KEY]
    assert info.steps["scrap_approval"].role == "TOWNSHIP_GOV"
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "scrap_approval")
    with pytest.raises(InvalidData) as err:
        s.do("scrap_approval", {"scrap_decision": "reject"})
    assert set(err.value.errors) == {"scrap_opinion"}                # a refusal says why


def at_bidding(reserve=10000) -> Scenario:
    s = start("sale")
    inventoried(s)
    priced(s, reserve)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "village_bidding")
    return s


@pytest.mark.parametrize("bidders, best_bid, deal", [
    (1, 10000, True),
    (2, 9999.99, False),
    (0, 0, False),
])
def test_no_deal_below_the_reserve_price(bidders, best_bid, deal):
    s = at_bidding()
    village_bids(s, best_bid, bidders=bidders)
    assert steps(s) == ({"sign_contract"} if deal else {"no_deal"})


def test_an_upheld_result_objection_suspends_the_deal_and_says_why():
    s = start("assign")
    inventoried(s)
    priced(s, 300000)
    decided_and_published(s)
    wait_past(s, P["disposal_plan_publicity_days"], "platform_listing")
    platform(s, 320000)
    sold(s, 320000)
    publish_result(s)
    objection_upheld(s)
    assert steps(s) == {"suspend_deal"}, "never straight to an end: the deal is suspended first"
    with pytest.raises(InvalidData) as err:
        s.do("suspend_deal", {"upheld_action": "stop", "refer_discipline": False})
    assert set(err.value.errors) == {"deal_suspended_on", "upheld_reason", "unwind_record", "unwind_evidence"}


def test_price_and_payment_rules():
    s = at_bidding()
    village_bids(s, 10500)
    with pytest.raises(InvalidData) as err:
        s.do("sign_contract", {"buyer": "x", "contract_no": "1", "contract_price": 10499, "payment_received": 10499,
                               "contract_file": ["att-c"], "payment_receipt": ["att-p"]})
    assert err.value.errors == {"contract_price": "成交价（元，不低于底价和最高有效报价）：不能小于 10,500.00 元"}
    with pytest.raises(InvalidData) as err:
        s.do("sign_contract", {"buyer": "x", "contract_no": "1", "contract_price": 10500, "payment_received": 10501})
    assert set(err.value.errors) == {"payment_received", "contract_file", "payment_receipt"}
    sold(s, 10500)
    assert steps(s) == {"publish_result"}


def test_the_cash_deposit_cannot_come_before_the_receipt():
    s = sale_at_the_ledger()
    with pytest.raises(InvalidData) as err:
        s.do("update_ledger", {"ledger_entry_no": "TZ-1", "proceeds_booked": 10500, "ledger_filed_on": "2026-06-01",
                               "receipt_method": "cash", "received_on": "2026-05-28", "cash_deposited_on": "2026-05-27",
                               "ledger_evidence": ["att-ledger-1"]}, role="COLLECTIVE_ECON_ORG")
    assert err.value.errors == {"cash_deposited_on": "现金送存银行日期（现金收款时填写）：不能早于收款日期 2026-05-28"}
    with pytest.raises(InvalidData) as err:
        s.do("update_ledger", {"ledger_entry_no": "TZ-1", "proceeds_booked": 10500, "ledger_filed_on": "2026-06-01",
                               "ledger_evidence": ["att-ledger-1"]}, role="COLLECTIVE_ECON_ORG")
    assert set(err.value.errors) == {"receipt_method", "received_on"}


def sale_at_the_ledger() -> Scenario:
    s = at_bidding()
    village_bids(s, 10500)
    sold(s, 10500)
    publish_result(s)
    wait_past(s, P["disposal_result_publicity_days"], "update_ledger")
    return s

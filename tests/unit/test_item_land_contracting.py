"""Scenario tests of 集体土地承包经营方案及土地流转 (land_contracting, ZC-03).

Two ways in: the collective contracts out land it still holds (机动地, 四荒地...) on a plan that
四议两公开 adopts with the statutory two thirds of the 村民会议's members or of the representatives
(农村土地承包法第十九条、第五十二条) and the township approves or files; or the village, on each
household's written mandate, transfers their land's 经营权 (no meeting can outvote a household).
Either way a deal at or above the area or price threshold goes to the 产权交易平台, nothing below the
reserve price is signed, an outside contractor is admitted only where the plan allows it and after
a credit check, and terms stay within the statutory caps. Together the scenarios take every
sequence flow of the item at least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.registry import check_override, load_parameters
from tests.scenario import PROCESSES, Scenario, default_parameters, finished
from tests.walks import (after_resolution, deliberate, object_during, propose, reject_major_decision, resolve_full,
                         resolve_rep, review, send_plan, steps, wait_past)

KEY = "land_contracting"
P = default_parameters()
AREA, AMOUNT = P["land_contract_platform_area"], P["land_contract_platform_amount"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="集体土地承包经营方案及土地流转", list_code="ZC-03", category="资产资源",
    cites=("第十九条", "第五十二条"),
    calls=("major_decision",),
    lanes={"VILLAGE_COMMITTEE", "TOWNSHIP_AGRI_ECON", "TOWNSHIP_TRADING_CENTER", "REPORTING_CLERK",
           "SUPERVISION_COMMITTEE", "TWO_COMMITTEES", "TOWNSHIP_GOV", "PUBLIC_PLATFORM"},
    supervision={"plan_objection", "sc_bidding", "result_objection"},
    objections={"plan_objection", "result_objection"},
    separations={"sc_bidding": ("start", "village_bidding")},
    deadlines={"township_review": "days(land_contract_township_review_days)"},
    end_events={"end_rejected": "未通过决策", "end_not_adopted": "承包方案未获通过，终止发包",
                "end_no_deal": "流拍，终止发包或流转", "end_done": "已签约备案并公开"},
)


def start(matter_type: str = "contract", land_type: str = "cultivated", area=20, parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {"land_name": "村东机动地", "matter_type": matter_type, "land_type": land_type,
                       "location": "东至村道、南至水渠、西至三组承包地、北至林地", "land_area": area,
                       "matter_reason": "机动地原合同到期，重新发包"}, parameters=parameters)
    first = "draft_plan" if matter_type == "contract" else "collect_mandates"
    assert steps(s) == {first} and s.ready()[first][0].role == "VILLAGE_COMMITTEE"
    return s


# -- walking the item --------------------------------------------------------------------------
def plan(s: Scenario, method: str = "open_bid", outsiders: bool = False, term: int = 10, reserve=8000) -> None:
    assert steps(s) == {"draft_plan"}
    s.do("draft_plan", {"land_source": "reserved", "contract_method": method, "outsider_allowed": outsiders,
                        "planned_term_years": term, "reserve_fee": 0 if method == "household" else reserve,
                        "contract_plan": "承包方条件、期限、承包费年付、不得改变农业用途",
                        "plan_documents": ["att-plan-1"]}, role="VILLAGE_COMMITTEE")


def mandates(s: Scenario, remaining: int = 12) -> None:
    assert steps(s) == {"collect_mandates"}
    s.do("collect_mandates", {"mandate_households": 23, "remaining_term_years": remaining,
                              "mandate_files": ["att-mandates-1"]}, role="VILLAGE_COMMITTEE")


def transfer_plan(s: Scenario, term: int = 10, reserve=8000, outsiders: bool = True) -> None:
    assert steps(s) == {"draft_transfer"} and s.ready()["draft_transfer"][0].role == "TWO_COMMITTEES"
    s.do("draft_transfer", {"transfer_method": "lease", "outsider_allowed": outsiders, "planned_term_years": term,
                            "reserve_fee": reserve, "contract_plan": "整片出租给种植大户，年付流转费",
                            "plan_documents": ["att-transfer-1"]}, role="TWO_COMMITTEES")


def published(s: Scenario) -> None:
    assert steps(s) == {"publish_plan"}
    s.do("publish_plan", {"plan_notice": "地块、面积、方式、期限、底价", "plan_published_on": "2026-03-01"},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"plan_objection"}


def decide(s: Scenario, meeting: str = "REP", votes_for: int = 20) -> None:
    """四议两公开 of the plan: 30 representatives (20 is two thirds), or 1,000 adult villagers."""
    propose(s, meeting)
    deliberate(s)
    send_plan(s)
    review(s)
    if meeting == "REP":
        resolve_rep(s, total=30, attendees=25, votes_for=votes_for)
    else:
        resolve_full(s, attendees=800, households=250, votes_for=votes_for)
    after_resolution(s)


def township(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"township_review"} and s.ready()["township_review"][0].role == "TOWNSHIP_GOV"
    s.do("township_review", {"township_decision": decision, "township_doc_no": "青政土〔2026〕3号",
                             "township_opinion": "同意" if decision == "approve" else "承包期超过本轮承包期剩余年限"},
         role="TOWNSHIP_GOV")


def platform(s: Scenario, best_bid, member: bool = True, bidders: int = 3) -> None:
    assert steps(s) == {"platform_listing"} and s.ready()["platform_listing"][0].role == "TOWNSHIP_TRADING_CENTER"
    s.do("platform_listing", {"eligibility_review": "竞买人资格符合", "listing_notice_on": "2026-04-06",
                              "bidder_count": bidders, "best_bid": best_bid, "best_bidder": "青山农业发展有限公司",
                              "winner_is_member": member, "trading_record": ["att-trade-1"]},
         role="TOWNSHIP_TRADING_CENTER")


def village_bids(s: Scenario, best_bid, member: bool = True, compliant: bool = True, bidders: int = 2) -> None:
    assert steps(s) == {"village_bidding"}
    s.do("village_bidding", {"bidding_method": "auction", "bidding_notice_on": "2026-04-06", "bidder_count": bidders,
                             "best_bid": best_bid, "best_bidder": "种植大户张某", "winner_is_member": member,
                             "member_priority": "同等报价时本村成员优先，本次无同价",
                             "bidding_record": ["att-bid-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"sc_bidding"} and s.ready()["sc_bidding"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_bidding", {"sc_bidding_members": "监委主任、委员", "bidding_compliant": "compliant" if compliant else "violation",
                        "sc_bidding_opinion": "程序合规" if compliant else "公告期不足"}, role="SUPERVISION_COMMITTEE")


def credit(s: Scenario, passed: bool) -> None:
    assert steps(s) == {"credit_check"}
    s.do("credit_check", {"credit_passed": passed, "credit_opinion": "资信良好" if passed else "有失信被执行记录",
                          "credit_documents": ["att-credit-1"]}, role="VILLAGE_COMMITTEE")


def no_deal(s: Scenario, action: str) -> None:
    assert steps(s) == {"no_deal"} and s.ready()["no_deal"][0].role == "TWO_COMMITTEES"
    s.do("no_deal", {"no_deal_action": action, "no_deal_reason": "流拍"}, role="TWO_COMMITTEES")


def contract(s: Scenario, fee, term: int = 10, filed: bool = True) -> None:
    assert steps(s) == {"sign_contract"}
    s.do("sign_contract", {"contractor": "张某", "contract_no": "CB-2026-01", "contract_fee": fee,
                           "contract_term_years": term, "contract_start": "2026-05-01", "contract_end": "2036-04-30",
                           "contract_file": ["att-contract-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"register_contract"} and s.ready()["register_contract"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("register_contract", {"filing_result": "filed" if filed else "returned", "filing_no": "农经承备〔2026〕5号",
                               "filing_opinion": "与方案一致" if filed else "合同期限与方案不一致"},
         role="TOWNSHIP_AGRI_ECON")


def publish_result(s: Scenario) -> None:
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"result_notice": "承包方、面积、价格、期限", "result_published_on": "2026-05-05"},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def archived(s: Scenario) -> None:
    wait_past(s, P["land_contract_result_publicity_days"], "archive")
    s.do("archive", {"archive_no": "ZC03-2026-001"}, role="REPORTING_CLERK")


def dismissed(s: Scenario, intake: str, verify: str, days: int) -> None:
    object_during(s, intake, after_days=2)
    s.do(verify, {"verification_finding": "经核实异议不成立", "objection_upheld": False}, role="TWO_COMMITTEES")
    assert steps(s) == {intake}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(days), "the period starts again"


def upheld(s: Scenario, intake: str, verify: str) -> None:
    object_during(s, intake)
    s.do(verify, {"verification_finding": "异议属实", "objection_upheld": True}, role="TWO_COMMITTEES")


def to_decision(s: Scenario, **plan_args) -> None:
    plan(s, **plan_args)
    published(s)
    wait_past(s, P["land_contract_plan_publicity_days"], "propose")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def household_contracting_by_representatives() -> Scenario:
    s = start()
    to_decision(s, method="household", term=P["land_contract_max_years_cultivated"])
    decide(s, "REP", votes_for=20)                       # exactly two thirds of 30 representatives
    township(s)
    contract(s, 0, term=P["land_contract_max_years_cultivated"], filed=False)
    contract(s, 0, term=P["land_contract_max_years_cultivated"])
    publish_result(s)
    dismissed(s, "result_objection", "reverify_result", P["land_contract_result_publicity_days"])
    archived(s)
    return finished(s, "已签约备案并公开")


def outside_contractor_on_the_platform() -> Scenario:
    s = start(area=AREA, land_type="wasteland")           # exactly the platform's area threshold
    plan(s, outsiders=True, term=P["land_contract_max_years_wasteland"])
    published(s)
    upheld(s, "plan_objection", "reverify_plan")          # the plan is changed and published again
    plan(s, outsiders=True, term=30)
    published(s)
    dismissed(s, "plan_objection", "reverify_plan", P["land_contract_plan_publicity_days"])
    wait_past(s, P["land_contract_plan_publicity_days"], "propose")
    decide(s, "FULL", votes_for=667)                      # two thirds of 1,000 adult villagers
    township(s, "return")
    assert steps(s) == {"revise_plan"}
    s.do("revise_plan", {"next_action": "revise", "revise_reason": "按乡镇意见调整期限"}, role="TWO_COMMITTEES")
    to_decision(s, outsiders=True, term=20)
    decide(s, "FULL", votes_for=700)
    township(s)
    platform(s, 9000, member=False)
    credit(s, passed=False)
    no_deal(s, "relist")
    platform(s, 9500, member=False)
    credit(s, passed=True)
    contract(s, 9500, term=20)
    publish_result(s)
    upheld(s, "result_objection", "reverify_result")      # corrected and signed again
    contract(s, 9500, term=20)
    publish_result(s)
    archived(s)
    return finished(s, "已签约备案并公开")


def short_of_two_thirds_and_stopped() -> Scenario:
    s = start()
    to_decision(s)
    decide(s, "REP", votes_for=19)                        # a majority of those present, not two thirds of all
    assert steps(s) == {"revise_plan"}
    s.do("revise_plan", {"next_action": "stop", "revise_reason": "同意人数不足三分之二"}, role="TWO_COMMITTEES")
    return finished(s, "承包方案未获通过，终止发包")


def decision_rejected() -> Scenario:
    s = start()
    to_decision(s)
    reject_major_decision(s)
    return finished(s, "未通过决策")


def outsider_not_allowed_then_redrafted_and_stopped() -> Scenario:
    s = start()
    to_decision(s, method="negotiate", outsiders=False)
    decide(s)
    township(s)
    village_bids(s, 8500, member=False)                   # the plan admits members only: no deal
    no_deal(s, "redraft")
    assert steps(s) == {"draft_plan"}
    to_decision(s, method="negotiate", outsiders=False, reserve=7000)
    decide(s)
    township(s)
    village_bids(s, 0, bidders=0)
    no_deal(s, "stop")
    return finished(s, "流拍，终止发包或流转")


def transfer_on_household_mandates() -> Scenario:
    s = start("transfer")
    mandates(s)
    transfer_plan(s)
    published(s)
    upheld(s, "plan_objection", "reverify_plan")
    assert steps(s) == {"draft_transfer"}
    transfer_plan(s, reserve=9000)
    published(s)
    wait_past(s, P["land_contract_plan_publicity_days"], "village_bidding")   # no village vote on a transfer
    village_bids(s, 9500, compliant=False)
    village_bids(s, 8999.99)                              # a cent below the reserve price
    no_deal(s, "redraft")
    transfer_plan(s, reserve=8500)
    published(s)
    wait_past(s, P["land_contract_plan_publicity_days"], "village_bidding")
    village_bids(s, 8500)
    contract(s, 8500)
    publish_result(s)
    archived(s)
    return finished(s, "已签约备案并公开")


SCENARIOS = [household_contracting_by_representatives, outside_contractor_on_the_platform,
             short_of_two_thirds_and_stopped, decision_rejected, outsider_not_allowed_then_redrafted_and_stopped,
             transfer_on_household_mandates]


def test_the_statutory_floors_and_caps():
    assert P["land_contract_approval"] == "2/3"
    assert (P["land_contract_max_years_cultivated"], P["land_contract_max_years_grassland"],
            P["land_contract_max_years_forest"], P["land_contract_max_years_wasteland"]) == (30, 50, 70, 50)


# -- two thirds of all members or representatives --------------------------------------------------
@pytest.mark.parametrize("meeting, votes_for, adopted", [
    ("REP", 20, True), ("REP", 19, False),                # of 30 representatives
    ("FULL", 667, True), ("FULL", 666, False),            # of 1,000 adult villagers (666.67 is two thirds)
])
def test_two_thirds_of_all_members_or_representatives(meeting, votes_for, adopted):
    s = start()
    to_decision(s)
    decide(s, meeting, votes_for=votes_for)
    assert steps(s) == ({"township_review"} if adopted else {"revise_plan"})


# -- terms ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("land_type, cap", [("cultivated", 30), ("grassland", 50), ("forest", 70), ("wasteland", 50)])
def test_the_term_may_not_exceed_the_statutory_cap(land_type, cap):
    s = start(land_type=land_type)
    with pytest.raises(InvalidData) as err:
        plan(s, term=cap + 1)
    assert set(err.value.errors) == {"planned_term_years"} and f"不能大于{cap}" in err.value.errors["planned_term_years"]
    plan(s, term=cap)
    assert steps(s) == {"publish_plan"}


def test_a_township_may_shorten_a_cap_but_not_lengthen_it():
    s = start(parameters={"land_contract_max_years_cultivated": 15})
    with pytest.raises(InvalidData):
        plan(s, term=16)
    plan(s, term=15)
    parameters = load_parameters(PROCESSES)
    with pytest.raises(InvalidData):
        check_override(parameters["land_contract_max_years_cultivated"], 31)
    with pytest.raises(InvalidData):
        check_override(parameters["land_contract_approval"], "3/5")


def test_a_transfer_may_not_outlast_the_remaining_contract_term():
    s = start("transfer")
    mandates(s, remaining=8)
    with pytest.raises(InvalidData) as err:
        transfer_plan(s, term=9)
    assert set(err.value.errors) == {"planned_term_years"}
    transfer_plan(s, term=8)


# -- channel, reserve price, contract ------------------------------------------------------------
@pytest.mark.parametrize("area, reserve, channel", [
    (AREA, 100, "platform_listing"),                      # the area threshold
    (AREA - 0.01, AMOUNT, "platform_listing"),            # the price threshold
    (AREA - 0.01, AMOUNT - 0.01, "village_bidding"),
])
def test_platform_threshold_by_area_or_price(area, reserve, channel):
    s = start("transfer", area=area)
    mandates(s)
    transfer_plan(s, reserve=reserve)
    published(s)
    wait_past(s, P["land_contract_plan_publicity_days"], channel)


def test_the_fee_may_not_undercut_the_reserve_or_the_winning_bid_nor_the_term_the_plan():
    s = start()
    to_decision(s, reserve=8000)
    decide(s)
    township(s)
    village_bids(s, 8600)
    with pytest.raises(InvalidData) as err:
        contract(s, 8599.99)
    assert set(err.value.errors) == {"contract_fee"}
    with pytest.raises(InvalidData) as err:
        contract(s, 8600, term=11)
    assert set(err.value.errors) == {"contract_term_years"}
    contract(s, 8600)
    assert steps(s) == {"publish_result"}


def test_evidence_is_required():
    s = start("transfer")
    with pytest.raises(InvalidData) as err:
        s.do("collect_mandates", {"mandate_households": 3, "remaining_term_years": 10})
    assert set(err.value.errors) == {"mandate_files"}

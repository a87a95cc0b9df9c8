"""Scenario tests of 集体资产资源发包出租 (asset_lease, ZC-01).

The reserve price (底价) decides the channel (platform at or above the threshold, else village
bidding under the 村务监督委员会) and no bid below it ever reaches a contract. Together the scenarios
take every sequence flow of the item at least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.registry import check_override, load_parameters
from tests.scenario import PROCESSES, Scenario, default_parameters, finished
from tests.walks import object_during, pass_major_decision, reject_major_decision, steps, wait_past

KEY = "asset_lease"
P = default_parameters()
PLATFORM = P["lease_platform_threshold"]


OPERATING = {"asset_name": "村集体原小学校舍", "asset_category": "operating", "location": "村部东侧",
             "quantity": "建筑面积1200平方米", "lease_method": "lease", "term_years": 10,
             "lease_reason": "闲置校舍出租增加集体收入"}
LAND = {"asset_name": "村集体北山四荒地", "asset_category": "resource", "location": "北山坡",
        "quantity": "150亩", "lease_method": "contract_out", "term_years": 30,
        "lease_reason": "四荒地招标发包，发展林果种植"}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="集体资产资源发包出租", list_code="ZC-01", category="资产资源",
    calls=("major_decision",),
    lanes={"VILLAGE_COMMITTEE", "COLLECTIVE_ECON_ORG", "TWO_COMMITTEES", "TOWNSHIP_GOV", "TOWNSHIP_AGRI_ECON",
           "PUBLIC_PLATFORM", "TOWNSHIP_TRADING_CENTER", "SUPERVISION_COMMITTEE", "REPORTING_CLERK"},
    supervision={"plan_objection", "sc_bidding", "result_objection", "rent_check"},
    objections={"plan_objection", "result_objection"},
    separations={"sc_bidding": ("start", "village_bidding"), "rent_check": ("start",)},
    deadlines={"reserve_review": "days(lease_reserve_review_days)"},
    end_events={"end_unclear": "权属不清，不予发包出租", "end_rejected": "未通过决策",
                "end_outsider_refused": "乡镇未批准向本集体以外发包出租", "end_no_deal": "流拍，终止发包出租",
                "end_leased": "已发包出租"},
)


def start(parameters: dict | None = None, data: dict | None = None) -> Scenario:
    s = Scenario(KEY, data or OPERATING, parameters=parameters)
    assert steps(s) == {"inventory"} and s.ready()["inventory"][0].role == "COLLECTIVE_ECON_ORG"
    return s


# -- walking the item --------------------------------------------------------------------------
def inventoried(s: Scenario, clear: bool = True) -> None:
    s.do("inventory", {"register_no": "ZC-0012", "book_value": 360000, "ownership_clear": clear,
                       "current_status": "闲置，无原合同", "register_evidence": ["att-register-1"],
                       "inventory_opinion": "权属清晰" if clear else "与邻村存在土地权属争议，待调处"},
         role="COLLECTIVE_ECON_ORG")


def planned_and_priced(s: Scenario, reserve, outsiders: bool = True) -> None:
    """Plan, appraisal and the township's reserve-price review, up to the called 四议两公开."""
    assert steps(s) == {"draft_plan"}
    s.do("draft_plan", {"lease_plan": "整体出租，期限10年，年付", "use_restrictions": "不得改变为居住用途",
                        "outsiders_admitted": outsiders,
                        "draft_contract": ["att-draft-1"], "plan_minutes": ["att-minutes-1"]}, role="TWO_COMMITTEES")
    s.do("appraisal", {"appraisal_method": "market", "appraised_value": reserve, "appraisal_report": ["att-survey-1"]},
         role="COLLECTIVE_ECON_ORG")
    assert steps(s) == {"reserve_review"} and s.ready()["reserve_review"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("reserve_review", {"reserve_price": reserve, "reserve_review_no": "底评〔2026〕7号",
                            "reserve_review_opinion": "同意", "reserve_review_record": ["att-review-1"]},
         role="TOWNSHIP_AGRI_ECON")
    assert steps(s) == {"propose"}                      # the first step of the called 四议两公开


def decided_and_published(s: Scenario) -> None:
    pass_major_decision(s)
    assert steps(s) == {"publish_plan"}
    s.do("publish_plan", {"plan_notice": "出租方案及底价", "plan_published_on": "2026-04-20"}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"plan_objection"}


def to_listing(s: Scenario, reserve, channel: str) -> None:
    planned_and_priced(s, reserve)
    decided_and_published(s)
    wait_past(s, P["lease_plan_publicity_days"], channel)


def platform(s: Scenario, best_bid, bidders: int = 3, outsider: bool = True) -> None:
    assert steps(s) == {"platform_listing"}
    assert s.ready()["platform_listing"][0].role == "TOWNSHIP_TRADING_CENTER"
    s.do("platform_listing", {"eligibility_review": "竞买人资格符合", "listing_notice_on": "2026-05-06",
                              "bidder_count": bidders, "best_bid": best_bid, "best_bidder": "某文化公司" if bidders else "",
                              "best_bidder_outsider": outsider and bidders > 0, "trading_record": ["att-trade-1"]}, role="TOWNSHIP_TRADING_CENTER")


def village_bids(s: Scenario, best_bid, compliant: bool = True, bidders: int = 2, outsider: bool = False) -> None:
    assert steps(s) == {"village_bidding"}
    s.do("village_bidding", {"bidding_method": "auction", "bidding_notice_on": "2026-05-06", "bidder_count": bidders,
                             "best_bid": best_bid, "best_bidder": "张某", "best_bidder_outsider": outsider,
                             "bidding_record": ["att-bid-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"sc_bidding"} and s.ready()["sc_bidding"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_bidding", {"sc_bidding_members": "监委主任、委员", "bidding_compliant": "compliant" if compliant else "violation",
                        "sc_bidding_opinion": "程序合规" if compliant else "公告期不足"}, role="SUPERVISION_COMMITTEE")


def no_deal(s: Scenario, action: str) -> None:
    assert steps(s) == {"no_deal"}
    s.do("no_deal", {"no_deal_action": action, "no_deal_reason": "流拍"}, role="TWO_COMMITTEES")


def contract(s: Scenario, price, filed: bool = True) -> None:
    assert steps(s) == {"sign_contract"}
    s.do("sign_contract", {"lessee": "某文化公司", "contract_no": "ZL-2026-01", "contract_price": price,
                           "contract_term_years": 10, "lease_start": "2026-06-01", "lease_end": "2036-05-31",
                           "contract_file": ["att-contract-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"filing"}
    s.do("filing", {"filing_result": "filed" if filed else "returned", "filing_no": "农经备〔2026〕3号",
                    "filing_opinion": "与方案一致" if filed else "合同期限与方案不一致"}, role="TOWNSHIP_AGRI_ECON")


def publish_result(s: Scenario) -> None:
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"deal_notice": "承租方、成交价、期限", "deal_published_on": "2026-05-20"},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def rent_checked(s: Scenario, due, received) -> None:
    assert steps(s) == {"rent_check"} and s.ready()["rent_check"][0].role == "SUPERVISION_COMMITTEE"
    s.do("rent_check", {"rent_due": due, "rent_received": received, "rent_receipts": ["att-rent-1"],
                        "receipt_method": "transfer", "received_on": "2026-07-01",
                        "rent_opinion": "已核对入账"}, role="SUPERVISION_COMMITTEE")


def result_published_and_rent_checked(s: Scenario, rent) -> Scenario:
    """The result published, its period over without objection, the rent as agreed, archived."""
    publish_result(s)
    wait_past(s, P["lease_result_publicity_days"], "rent_check")
    rent_checked(s, rent, rent)
    archived(s)
    return finished(s, "已发包出租")


def archived(s: Scenario) -> None:
    assert steps(s) == {"archive"}
    s.do("archive", {"archive_no": "ZC01-2026-001"}, role="REPORTING_CLERK")


def dismissed(s: Scenario, intake: str, verify: str, days: int) -> None:
    object_during(s, intake, after_days=2)
    s.do(verify, {"verification_finding": "经核实异议不成立", "objection_upheld": False}, role="TWO_COMMITTEES")
    assert steps(s) == {intake}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(days), "the period starts again"


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def platform_lease_completed() -> Scenario:
    s = start()
    inventoried(s)
    to_listing(s, PLATFORM, "platform_listing")             # exactly the platform threshold
    platform(s, 52000)
    contract(s, 52000)
    return result_published_and_rent_checked(s, 52000)


def village_bidding_with_rework() -> Scenario:
    s = start()
    inventoried(s)
    reserve = 30000
    to_listing(s, reserve, "village_bidding")
    village_bids(s, 31000, compliant=False)                  # the 村监委 finds a violation: bid again
    village_bids(s, reserve - 1)                             # below the reserve price: no deal
    no_deal(s, "relist")
    village_bids(s, reserve)                                 # exactly the reserve price
    contract(s, reserve, filed=False)
    contract(s, reserve)
    publish_result(s)
    dismissed(s, "result_objection", "reverify_result", P["lease_result_publicity_days"])
    wait_past(s, P["lease_result_publicity_days"], "rent_check")
    rent_checked(s, reserve, 20000)
    assert steps(s) == {"collect_arrears"}
    s.do("collect_arrears", {"arrears_action": "书面催收，承租方补缴10000元"}, role="VILLAGE_COMMITTEE")
    rent_checked(s, reserve, reserve)
    archived(s)
    return finished(s, "已发包出租")


def plan_objection_upheld_then_no_bidders_and_stopped() -> Scenario:
    s = start()
    inventoried(s)
    planned_and_priced(s, 60000)
    decided_and_published(s)
    object_during(s, "plan_objection")
    s.do("reverify_plan", {"verification_finding": "底价明显低于周边租金", "objection_upheld": True},
         role="TWO_COMMITTEES")
    assert steps(s) == {"draft_plan"}
    planned_and_priced(s, 70000)                             # a new plan and price, decided again
    decided_and_published(s)
    dismissed(s, "plan_objection", "reverify_plan", P["lease_plan_publicity_days"])
    wait_past(s, P["lease_plan_publicity_days"], "platform_listing")
    platform(s, 0, bidders=0)
    no_deal(s, "redecide")
    assert steps(s) == {"draft_plan"}
    to_listing(s, 65000, "platform_listing")
    platform(s, 64000, bidders=1)
    no_deal(s, "stop")
    return finished(s, "流拍，终止发包出租")


def result_objection_upheld_then_relisted() -> Scenario:
    s = start()
    inventoried(s)
    to_listing(s, 80000, "platform_listing")
    platform(s, 80000)
    contract(s, 80000)
    publish_result(s)
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "竞买人串通，成交无效", "objection_upheld": True},
         role="TWO_COMMITTEES")
    platform(s, 90000)                                       # the deal is undone and listed again
    contract(s, 90000)
    return result_published_and_rent_checked(s, 90000)


def ownership_unclear() -> Scenario:
    s = start()
    inventoried(s, clear=False)
    return finished(s, "权属不清，不予发包出租")


def decision_rejected() -> Scenario:
    s = start()
    inventoried(s)
    planned_and_priced(s, 40000)
    reject_major_decision(s)
    return finished(s, "未通过决策")


def outsider_consent(s: Scenario, members: int, consents: int, meeting: str = "rep_meeting") -> None:
    assert steps(s) == {"outsider_consent"}
    s.do("outsider_consent", {"outsider_meeting": meeting, "outsider_members_total": members,
                              "outsider_consents": consents, "outsider_consent_record": ["att-consent-1"]},
         role="VILLAGE_COMMITTEE")


def township_outsider(s: Scenario, approved: bool) -> None:
    assert steps(s) == {"township_outsider_approval"}
    assert s.ready()["township_outsider_approval"][0].role == "TOWNSHIP_GOV"
    s.do("township_outsider_approval", {"outsider_approval": "approve" if approved else "reject",
                                        "outsider_approval_opinion": "同意" if approved else "发包方案未保障本集体成员优先权",
                                        "outsider_approval_file": ["att-approval-1"]}, role="TOWNSHIP_GOV")


def land_to_outsiders_with_two_thirds_and_township() -> Scenario:
    """农村土地承包法第五十二条: collective land let to someone outside the collective needs, beforehand,
    the consent of 2/3 of the 村民会议's members (or of the 村民代表) and the township's approval."""
    s = start(data=LAND)
    inventoried(s)
    planned_and_priced(s, 30000)
    pass_major_decision(s)
    outsider_consent(s, members=30, consents=19)              # 19/30 < 2/3: the plan is redone
    assert steps(s) == {"draft_plan"}
    planned_and_priced(s, 30000)
    pass_major_decision(s)
    outsider_consent(s, members=30, consents=20)              # exactly 2/3 of all the representatives
    township_outsider(s, approved=True)
    assert steps(s) == {"publish_plan"}
    s.do("publish_plan", {"plan_notice": "发包方案及底价", "plan_published_on": "2026-04-20"}, role="VILLAGE_COMMITTEE")
    wait_past(s, P["lease_plan_publicity_days"], "village_bidding")
    village_bids(s, 32000, outsider=True)
    assert steps(s) == {"sign_contract"}
    contract(s, 32000)
    return result_published_and_rent_checked(s, 32000)


def land_to_outsiders_refused_by_the_township() -> Scenario:
    s = start(data=LAND)
    inventoried(s)
    planned_and_priced(s, 30000)
    pass_major_decision(s)
    outsider_consent(s, members=500, consents=400, meeting="villager_meeting")
    township_outsider(s, approved=False)
    return finished(s, "乡镇未批准向本集体以外发包出租")


SCENARIOS = [land_to_outsiders_with_two_thirds_and_township, land_to_outsiders_refused_by_the_township,
             platform_lease_completed, village_bidding_with_rework, plan_objection_upheld_then_no_bidders_and_stopped,
             result_objection_upheld_then_relisted, ownership_unclear, decision_rejected]


# -- channel, reserve price, contract ------------------------------------------------------------
@pytest.mark.parametrize("reserve, channel", [
    (PLATFORM, "platform_listing"),
    (PLATFORM - 0.01, "village_bidding"),
])
def test_platform_threshold(reserve, channel):
    s = start()
    inventoried(s)
    to_listing(s, reserve, channel)


def test_a_township_may_lower_the_platform_threshold():
    s = start({"lease_platform_threshold": 20000})
    inventoried(s)
    to_listing(s, 30000, "platform_listing")


def at_platform(reserve=40000, outsiders: bool = True) -> Scenario:
    s = start()
    inventoried(s)
    planned_and_priced(s, reserve, outsiders=outsiders)
    decided_and_published(s)
    wait_past(s, P["lease_plan_publicity_days"], "village_bidding" if reserve < PLATFORM else "platform_listing")
    return s


@pytest.mark.parametrize("bidders, best_bid, deal", [
    (1, 40000, True),           # exactly the reserve price
    (3, 39999.99, False),       # a cent below: never a contract
    (0, 0, False),              # nobody bid
])
def test_no_deal_below_the_reserve_price(bidders, best_bid, deal):
    s = at_platform()
    village_bids(s, best_bid, bidders=bidders)
    assert steps(s) == ({"sign_contract"} if deal else {"no_deal"})


def test_contract_price_may_not_undercut_the_reserve_or_the_winning_bid():
    s = at_platform()
    village_bids(s, 42000)
    with pytest.raises(InvalidData) as err:
        contract(s, 41999)
    assert err.value.errors == {"contract_price": "合同首年租金或承包费（元，不低于底价和成交价）：不能小于 42,000.00 元"}
    with pytest.raises(InvalidData) as err:
        s.do("sign_contract", {"lessee": "x", "contract_no": "1", "contract_price": 42000, "contract_term_years": 11,
                               "lease_start": "2026-06-01", "lease_end": "2037-05-31", "contract_file": ["att-c"]})
    assert set(err.value.errors) == {"contract_term_years"}          # longer than the decided term
    contract(s, 42000)
    assert steps(s) == {"publish_result"}


# -- 农村土地承包法第五十二条: land let outside the collective -----------------------------------
@pytest.mark.parametrize("data, outsiders, step", [
    (LAND, True, "outsider_consent"),                          # land to outsiders: 2/3 and the township
    (LAND, False, "publish_plan"),                             # land to members only
    ({**LAND, "lease_method": "lease"}, True, "outsider_consent"),   # calling it 出租 changes nothing
    (OPERATING, True, "publish_plan"),                         # a building: Article 52 is about land
])
def test_outsiders_on_collective_land_need_the_article_52_consent(data, outsiders, step):
    s = start(data={**data, "term_years": 10})
    inventoried(s)
    planned_and_priced(s, 30000, outsiders=outsiders)
    pass_major_decision(s)
    assert steps(s) == {step}


def test_a_township_may_raise_the_article_52_consent_but_not_lower_it():
    spec = load_parameters(PROCESSES)["outsider_contract_consent"]
    check_override(spec, "3/4")
    with pytest.raises(InvalidData) as err:
        check_override(spec, "1/2")
    assert set(err.value.errors) == {"outsider_contract_consent"}
    s = start({"outsider_contract_consent": "3/4"}, data=LAND)
    inventoried(s)
    planned_and_priced(s, 30000)
    pass_major_decision(s)
    outsider_consent(s, members=30, consents=22)               # 2/3 but under the township's 3/4
    assert steps(s) == {"draft_plan"}


def test_an_outsider_may_not_win_when_the_plan_admitted_members_only():
    s = at_platform(outsiders=False)
    village_bids(s, 45000, outsider=True)
    assert steps(s) == {"no_deal"}, "the best bidder is not eligible: no contract"


# -- 民法典第七百零五条: a lease runs at most twenty years ----------------------------------------
@pytest.mark.parametrize("method, category, years, allowed", [
    ("lease", "operating", 20, True),
    ("lease", "operating", 21, False),
    ("lease", "resource", 21, False),                          # land let on a lease: still a lease
    ("contract_out", "operating", 21, False),                  # a building "发包" is let like a lease
    ("contract_out", "resource", 30, True),                    # 土地承包: 农村土地承包法, not Article 705
])
def test_a_lease_runs_at_most_twenty_years(method, category, years, allowed):
    data = {**OPERATING, "lease_method": method, "asset_category": category, "term_years": years}
    if allowed:
        start(data=data)
        return
    with pytest.raises(InvalidData) as err:
        Scenario(KEY, data)
    assert set(err.value.errors) == {"term_years"} and "20" in err.value.errors["term_years"]


def test_a_township_may_shorten_the_lease_cap_but_not_lengthen_it():
    with pytest.raises(InvalidData):
        Scenario(KEY, {**OPERATING, "term_years": 16}, parameters={"lease_max_term_years": 15})
    spec = load_parameters(PROCESSES)["lease_max_term_years"]
    check_override(spec, 15)
    with pytest.raises(InvalidData) as err:
        check_override(spec, 21)
    assert set(err.value.errors) == {"lease_max_term_years"}


def test_evidence_is_required():
    s = start()
    with pytest.raises(InvalidData) as err:
        s.do("inventory", {"register_no": "ZC-1", "book_value": 1, "ownership_clear": True, "current_status": "闲置",
                           "inventory_opinion": "清晰"})
    assert set(err.value.errors) == {"register_evidence"}
    inventoried(s)
    s.do("draft_plan", {"lease_plan": "p", "use_restrictions": "u", "outsiders_admitted": False,
                        "draft_contract": ["att-d"], "plan_minutes": ["att-m"]})
    s.do("appraisal", {"appraisal_method": "agency", "appraised_value": 1000, "appraisal_report": ["att-a"]})
    with pytest.raises(InvalidData) as err:
        s.do("reserve_review", {"reserve_price": 1000, "reserve_review_no": "1", "reserve_review_opinion": "同意"})
    assert set(err.value.errors) == {"reserve_review_record"}


def test_filing_return_and_no_deal_must_say_why():
    s = at_platform()
    village_bids(s, 30000)
    with pytest.raises(InvalidData) as err:
        s.do("no_deal", {"no_deal_action": "stop"})
    assert set(err.value.errors) == {"no_deal_reason"}

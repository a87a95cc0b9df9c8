"""Scenario tests of 村级工程项目建设 (village_project, GC-01).

Amount tiers straddle each threshold exactly (threshold - 0.01 and threshold). Together the
scenarios take every sequence flow of the item at least once (`test_every_sequence_flow_is_taken`),
including the 1+N joint oversight's rectification loop, run twice.
"""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, steps
from tests.walks import object_during, pass_major_decision, reject_major_decision, wait_past

P = default_parameters()
OVERSIGHT_ROLES = P["oversight_roles"]
INSPECTION = {"inspected_on": "2026-05-06", "inspection_notes": "程序合规，质量、进度、资金正常"}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级工程项目建设", list_code="GC-01", category="工程项目",
    calls=("major_decision",),
    lanes={"TWO_COMMITTEES", "SUPERVISION_COMMITTEE", "VILLAGER_COUNCIL", "TOWNSHIP_GOV", "VILLAGE_COMMITTEE",
           "TOWNSHIP_FINANCE", "TOWNSHIP_TRADING_CENTER", "TOWNSHIP_DISCIPLINE", "TOWNSHIP_AGRI_ECON",
           "PUBLIC_PLATFORM", "REPORTING_CLERK"},
    supervision={"sc_notice", "establish_review", "site_supervision", "joint_acceptance", "result_objection",
                 "reverify_result"},
    objections={"result_objection"},
    separations={"sc_notice": ("start",), "establish_review": ("start",), "joint_oversight": ("start",),
                 "site_supervision": ("start",), "joint_acceptance": ("start",), "settlement_audit": ("start",),
                 "pay_contractor": ("start",), "reverify_result": ("start",)},
    roles={"establish_review": "TOWNSHIP_DISCIPLINE", "joint_acceptance": "TOWNSHIP_DISCIPLINE",
           "reverify_result": "TOWNSHIP_DISCIPLINE"},
    end_events={"end_rejected": "未通过决策", "end_not_approved": "不予立项", "end_done": "完成"},
)


def start(amount, parameters: dict | None = None) -> Scenario:
    return Scenario("village_project", {
        "project_name": "村组道路硬化", "summary": "硬化村组道路1.2公里，宽3.5米", "amount": amount,
        "funding_source": "higher_level", "industry_dept": "transport", "planned_start": "2026-04-01",
    }, parameters=parameters)


# -- walking the item --------------------------------------------------------------------------
def two_committees_decide(s: Scenario, attendees: int = 7, votes_for: int = 5) -> None:
    assert steps(s) == {"tc_decide"}
    s.do("tc_decide", {"tc_members": 7, "tc_attendees": attendees, "tc_for": votes_for, "tc_minutes": "两委会议记录",
                       "tc_minutes_file": ["att-tc-minutes"]},
         role="TWO_COMMITTEES")


def supervision_committee_notified(s: Scenario) -> None:
    assert steps(s) == {"sc_notice"}
    s.do("sc_notice", {"sc_notified_on": "2026-03-03"}, role="SUPERVISION_COMMITTEE")


def council_votes(s: Scenario, members: int = 30, attendees: int = 20, votes_for: int = 11) -> None:
    assert steps(s) == {"council_vote"}
    s.do("council_vote", {"council_members": members, "council_attendees": attendees, "council_for": votes_for,
                          "council_minutes": "议事会表决记录", "council_ballots_file": ["att-ballots"]},
         role="VILLAGER_COUNCIL")


def establishment_reviewed(s: Scenario, revise: tuple = ()) -> None:
    """The "1+N" departments' review at 立项, each on its own; `revise`: those asking for more."""
    assert steps(s) == {"establish_review"}
    for role in OVERSIGHT_ROLES:
        s.do("establish_review", {"establish_opinion": "revise" if role in revise else "agree",
                                  "establish_notes": "符合村庄规划，资金来源落实，决策程序完备"}, role=role)


def township_reviews(s: Scenario, decision: str = "approve") -> None:
    """The 1+N review at 立项 (all agree), then the township's decision."""
    establishment_reviewed(s)
    assert steps(s) == {"township_review"}
    s.do("township_review", {"township_decision": decision, "township_opinion": "符合村庄规划和技术标准",
                             "approval_no": "乡政批〔2026〕8号"}, role="TOWNSHIP_GOV")


def cost_reviewed(s: Scenario, control_price) -> None:
    assert steps(s) == {"prepare_budget"}
    s.do("prepare_budget", {"budget_amount": control_price, "budget_prepared_by": "县建设工程造价咨询站"},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"cost_review"}
    s.do("cost_review", {"control_price": control_price, "cost_review_no": "评审〔2026〕12号",
                         "cost_review_opinion": "审定控制价"}, role="TOWNSHIP_FINANCE")


def awarded_by_quotes(s: Scenario, price) -> None:
    assert steps(s) == {"three_quotes"}
    s.do("three_quotes", {"quote_count": 3, "quote_record": "甲、乙、丙三家报价", "contractor": "某建筑队",
                          "award_price": price}, role="VILLAGE_COMMITTEE")


def awarded_by_tender(s: Scenario, price) -> None:
    assert steps(s) == {"public_tender"}
    s.do("public_tender", {"tender_notice_on": "2026-04-10", "bidder_count": 5, "contractor": "某路桥公司",
                           "award_price": price}, role="TOWNSHIP_TRADING_CENTER")


def contract_signed(s: Scenario, price) -> None:
    assert steps(s) == {"sign_contract"}
    s.do("sign_contract", {"contract_no": "HT-2026-03", "contract_price": price, "signed_on": "2026-04-20",
                           "contract_file": ["att-contract"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"joint_oversight", "site_supervision"}


def all_departments_pass(s: Scenario) -> None:
    for role in OVERSIGHT_ROLES:
        s.do("joint_oversight", {"oversight_opinion": "pass", **INSPECTION}, role=role)


def site_supervised(s: Scenario) -> None:
    s.do("site_supervision", {"site_supervisors": "李四、王五", "site_supervision_log": "抽查材料和进度，资金按进度拨付"},
         role="SUPERVISION_COMMITTEE")


def accepted(s: Scenario, result: str = "pass", failing: tuple = ()) -> None:
    """The village's acceptance; when it passes, the 1+N departments' (those in `failing` fail it)."""
    assert steps(s) == {"acceptance"}
    s.do("acceptance", {"acceptance_on": "2026-08-01", "acceptance_participants": "两委、村监委、村民代表、乡镇站所",
                        "acceptance_result": result, "acceptance_opinion": "验收意见",
                        "acceptance_report_file": ["att-acceptance"]}, role="VILLAGE_COMMITTEE")
    if result == "pass":
        assert steps(s) == {"joint_acceptance"}
        for role in OVERSIGHT_ROLES:
            s.do("joint_acceptance", {"joint_acceptance_result": "fail" if role in failing else "pass",
                                      "joint_acceptance_notes": "工程量与合同一致，质量合格"}, role=role)


def settled_and_paid(s: Scenario, paid=42000) -> None:
    assert steps(s) == {"settlement_audit"}
    s.do("settlement_audit", {"audited_amount": 42000, "audit_report_no": "审〔2026〕5号", "audit_opinion": "审定",
                              "audit_report_file": ["att-audit"]},
         role="TOWNSHIP_AGRI_ECON")
    assert steps(s) == {"pay_contractor"} and s.ready()["pay_contractor"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("pay_contractor", {"paid_amount": paid, "paid_on": "2026-08-15", "payment_voucher": ["att-bank"]},
         role="TOWNSHIP_AGRI_ECON")
    s.do("publish_result", {"result_notice": "立项、发包、合同价、验收、结算结果", "result_published_on": "2026-08-20"},
         role="VILLAGE_COMMITTEE")
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("result_publicity", "工程项目结果公示")


def settled_published_archived(s: Scenario) -> None:
    settled_and_paid(s)
    wait_past(s, P["project_publicity_days"], "archive")
    s.do("archive", {"archive_no": "GC-2026-003"}, role="REPORTING_CLERK")


def constructed(s: Scenario, price) -> None:
    """Contract, oversight and acceptance with no rework."""
    contract_signed(s, price)
    all_departments_pass(s)
    site_supervised(s)
    accepted(s)


def built(s: Scenario, price) -> None:
    """From 造价评审 to 完成 with no rework: contract, oversight, acceptance, settlement, publicity."""
    constructed(s, price)
    settled_published_archived(s)


# -- scenarios (each returns its Scenario for the coverage test) ---------------------------------
def small_project_by_three_quotes() -> Scenario:
    s = start(P["project_council_threshold"] - 0.01)
    two_committees_decide(s)
    supervision_committee_notified(s)
    township_reviews(s)
    control = P["project_public_tender_threshold"] - 0.01
    cost_reviewed(s, control)
    awarded_by_quotes(s, 45000)
    built(s, 45000)
    return finished(s, "完成")


def council_project_by_public_tender_with_acceptance_rework() -> Scenario:
    s = start(P["project_council_threshold"])
    council_votes(s)
    township_reviews(s)
    control = P["project_public_tender_threshold"]
    cost_reviewed(s, control)
    awarded_by_tender(s, control)
    contract_signed(s, control)
    site_supervised(s)                       # the two branches of the construction may finish in any order
    assert steps(s) == {"joint_oversight"}
    all_departments_pass(s)
    accepted(s, "fail")
    assert steps(s) == {"rectify_acceptance"}
    s.do("rectify_acceptance", {"acceptance_rectification": "路面裂缝已返工"}, role="VILLAGE_COMMITTEE")
    accepted(s, "fail")
    s.do("rectify_acceptance", {"acceptance_rectification": "排水沟已补做"}, role="VILLAGE_COMMITTEE")
    accepted(s, "pass")
    settled_published_archived(s)
    return finished(s, "完成")


def major_project_decided_then_township_refuses() -> Scenario:
    s = start(P["project_decision_threshold"])
    assert steps(s) == {"propose"} and s.ready()["propose"][0].role == "PARTY_BRANCH"
    pass_major_decision(s)
    township_reviews(s, "reject")
    return finished(s, "不予立项")


def major_project_rejected_by_major_decision() -> Scenario:
    s = start(P["project_decision_threshold"] + 100000)
    reject_major_decision(s)
    return finished(s, "未通过决策")


def two_committees_reject() -> Scenario:
    s = start(1000)
    two_committees_decide(s, attendees=6, votes_for=3)      # a tie among those present
    return finished(s, "未通过决策")


def council_rejects() -> Scenario:
    s = start(P["project_decision_threshold"] - 0.01)
    council_votes(s, members=30, attendees=20, votes_for=10)  # a tie among those present
    return finished(s, "未通过决策")


def oversight_department_asks_for_rectification() -> Scenario:
    s = start(20000)
    two_committees_decide(s)
    supervision_committee_notified(s)
    township_reviews(s)
    cost_reviewed(s, 20000)
    awarded_by_quotes(s, 19800)
    contract_signed(s, 19800)
    s.do("joint_oversight", {"oversight_opinion": "pass", **INSPECTION}, role="TOWNSHIP_FINANCE")
    s.do("joint_oversight", {"oversight_opinion": "rectify", **INSPECTION}, role="INDUSTRY_DEPT")
    # One department's finding does not cut the others off: each still inspects and says what it found.
    assert sorted(i.role for i in s.ready()["joint_oversight"]) == sorted(
        set(OVERSIGHT_ROLES) - {"TOWNSHIP_FINANCE", "INDUSTRY_DEPT"})
    for role in ("TOWNSHIP_DISCIPLINE", "TOWNSHIP_AGRI_ECON", "TOWNSHIP_PLANNING"):
        s.do("joint_oversight", {"oversight_opinion": "pass", **INSPECTION}, role=role)
    # The round is over, with one finding among the five: the village rectifies.
    assert steps(s) == {"rectify_oversight", "site_supervision"}
    assert s.ready()["rectify_oversight"][0].role == "VILLAGE_COMMITTEE"
    return s




def establishment_revised_then_agreed() -> Scenario:
    """At 立项 the planning office asks for more; the others still review; the village completes the
    documents, all five agree on the second round, and the township decides."""
    s = start(20000)
    two_committees_decide(s)
    supervision_committee_notified(s)
    establishment_reviewed(s, revise=("TOWNSHIP_PLANNING",))
    assert steps(s) == {"revise_establish"} and s.ready()["revise_establish"][0].role == "VILLAGE_COMMITTEE"
    s.do("revise_establish", {"establish_revision": "补充规划选址意见"}, role="VILLAGE_COMMITTEE")
    township_reviews(s)
    assert steps(s) == {"prepare_budget"}
    return s


def joint_acceptance_fails_then_passes() -> Scenario:
    """The village accepts the works but the planning office does not: the village rectifies and
    the acceptance, its own and the departments', is done again."""
    s = at_award(30000)
    awarded_by_quotes(s, 29000)
    contract_signed(s, 29000)
    all_departments_pass(s)
    site_supervised(s)
    accepted(s, "pass", failing=("TOWNSHIP_PLANNING",))
    assert steps(s) == {"rectify_acceptance"}
    s.do("rectify_acceptance", {"acceptance_rectification": "按规划要求补设护栏"}, role="VILLAGE_COMMITTEE")
    accepted(s, "pass")
    assert steps(s) == {"settlement_audit"}
    return s


def oversight_rectified_twice() -> Scenario:
    """Two rounds of rectification, then all five departments pass and acceptance opens."""
    s = oversight_department_asks_for_rectification()
    site_supervised(s)
    for round_ in range(2):
        s.do("rectify_oversight", {"oversight_rectification": f"第{round_ + 1}次整改", "oversight_rectified_on": "2026-05-20"},
             role="VILLAGE_COMMITTEE")
        instances = s.ready()["joint_oversight"]
        assert sorted(i.role for i in instances) == sorted(OVERSIGHT_ROLES)
        assert all(s.matter.task(i.task_id).data["department"] == i.role for i in instances)
        if round_ == 0:                  # the second round: the planning office still finds a problem
            for role in OVERSIGHT_ROLES:
                s.do("joint_oversight", {"oversight_opinion": "rectify" if role == "TOWNSHIP_PLANNING" else "pass",
                                         **INSPECTION}, role=role)
            assert steps(s) == {"rectify_oversight"}
    all_departments_pass(s)
    assert steps(s) == {"acceptance"}
    return s


def result_objections_dismissed_then_upheld() -> Scenario:
    """Villagers object to the published result: one objection is not borne out (the period starts
    again), the next is (the village rectifies and corrects the notice, then it is published again)."""
    s = at_settlement()
    settled_and_paid(s)
    for upheld in (False, True):
        object_during(s, "result_objection")
        assert steps(s) == {"reverify_result"} and s.ready()["reverify_result"][0].role == "TOWNSHIP_DISCIPLINE"
        s.do("reverify_result", {"verification_finding": "核对结算单据", "objection_upheld": upheld},
             role="TOWNSHIP_DISCIPLINE")
    assert steps(s) == {"rectify_result"}
    s.do("rectify_result", {"result_rectification": "多计土方已扣回", "result_notice": "更正后的结算金额"},
         role="VILLAGE_COMMITTEE")
    wait_past(s, P["project_publicity_days"], "archive")
    s.do("archive", {"archive_no": "GC-2026-009"}, role="REPORTING_CLERK")
    return finished(s, "完成")


KEY = "village_project"
SCENARIOS = [small_project_by_three_quotes, council_project_by_public_tender_with_acceptance_rework,
             major_project_decided_then_township_refuses, major_project_rejected_by_major_decision,
             two_committees_reject, council_rejects, oversight_department_asks_for_rectification,
             oversight_rectified_twice, result_objections_dismissed_then_upheld, establishment_revised_then_agreed,
             joint_acceptance_fails_then_passes]




# -- amount tiers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("amount, first_step", [
    (0.01, "tc_decide"),
    (P["project_council_threshold"] - 0.01, "tc_decide"),
    (P["project_council_threshold"], "council_vote"),
    (P["project_decision_threshold"] - 0.01, "council_vote"),
    (P["project_decision_threshold"], "propose"),           # the first step of the called 四议两公开
])
def test_amount_tier(amount, first_step):
    assert steps(start(amount)) == {first_step}


def test_a_township_may_lower_the_decision_threshold():
    assert steps(start(60000)) == {"council_vote"}
    assert steps(start(60000, {"project_decision_threshold": 30000})) == {"propose"}
    # Below both thresholds the 两委 decide, whatever the order of the two thresholds.
    assert steps(start(20000, {"project_decision_threshold": 30000})) == {"tc_decide"}


def test_a_township_may_lower_the_public_tender_threshold():
    s = start(20000, {"project_public_tender_threshold": 10000})
    two_committees_decide(s)
    supervision_committee_notified(s)
    township_reviews(s)
    cost_reviewed(s, 19000)
    assert steps(s) == {"public_tender"}


@pytest.mark.parametrize("attendees, votes_for, passes", [
    (20, 11, True),     # exactly 2/3 of 30 members attend; more than half of those present agree
    (19, 19, False),    # one member short of the quorum, even if all agree
    (20, 10, False),    # a tie among those present
])
def test_council_quorum_and_majority(attendees, votes_for, passes):
    s = start(P["project_council_threshold"])
    council_votes(s, members=30, attendees=attendees, votes_for=votes_for)
    if passes:
        assert steps(s) == {"establish_review"}
    else:
        finished(s, "未通过决策")


def test_two_committees_need_more_than_half_of_those_present():
    s = start(1000)
    two_committees_decide(s, attendees=5, votes_for=3)
    assert steps(s) == {"sc_notice"}


@pytest.mark.parametrize("attendees, passes", [(3, False), (4, True)])
def test_two_committees_need_more_than_half_of_their_members_present(attendees, passes):
    """Of 7 members, 3 present voting for is no meeting (the quorum, two_committees_quorum); 4 is."""
    s = start(1000)
    two_committees_decide(s, attendees=attendees, votes_for=attendees)
    if passes:
        assert steps(s) == {"sc_notice"}
    else:
        finished(s, "未通过决策")


# -- procurement and contract --------------------------------------------------------------------
def at_award(control_price) -> Scenario:
    s = start(30000)
    two_committees_decide(s)
    supervision_committee_notified(s)
    township_reviews(s)
    cost_reviewed(s, control_price)
    return s


def test_award_and_contract_price_may_not_exceed_the_control_price():
    s = at_award(30000)
    with pytest.raises(InvalidData) as err:
        awarded_by_quotes(s, 30000.01)
    assert err.value.errors == {"award_price": "成交价（元）：不能大于评审控制价 30,000.00 元"}
    awarded_by_quotes(s, 30000)
    with pytest.raises(InvalidData) as err:
        s.do("sign_contract", {"contract_no": "HT-1", "contract_price": 30000.01, "signed_on": "2026-04-20",
                               "contract_file": ["att-contract"]})
    assert err.value.errors == {"contract_price": "合同价（元）：不能大于评审控制价 30,000.00 元"}
    assert steps(s) == {"sign_contract"}
    contract_signed(s, 30000)


def test_public_tender_needs_three_bidders():
    s = at_award(P["project_public_tender_threshold"])
    with pytest.raises(InvalidData) as err:
        s.do("public_tender", {"tender_notice_on": "2026-04-10", "bidder_count": 2, "contractor": "某公司",
                               "award_price": 90000})
    assert set(err.value.errors) == {"bidder_count"}


# -- construction oversight ----------------------------------------------------------------------
def at_settlement() -> Scenario:
    """Built and accepted with no rework: the settlement audit is next."""
    s = at_award(30000)
    awarded_by_quotes(s, 29000)
    constructed(s, 29000)
    return s


def at_construction() -> Scenario:
    s = at_award(30000)
    awarded_by_quotes(s, 29000)
    contract_signed(s, 29000)
    return s


def test_joint_oversight_has_one_instance_per_department():
    s = at_construction()
    instances = s.ready()["joint_oversight"]
    assert sorted(i.role for i in instances) == sorted(OVERSIGHT_ROLES) and len(instances) == 5
    assert all(s.matter.task(i.task_id).data["department"] == i.role for i in instances)
    assert all(i.step.role == "TOWNSHIP_DISCIPLINE" and i.step.multi_instance for i in instances)
    industry = next(i for i in instances if i.role == "INDUSTRY_DEPT")
    assert s.matter.task(industry.task_id).data["industry_dept"] == "transport"   # chosen on the start form
    assert [i.role for i in s.ready()["site_supervision"]] == ["SUPERVISION_COMMITTEE"]


def test_acceptance_waits_for_every_department_and_the_supervision_committee():
    s = at_construction()
    for role in OVERSIGHT_ROLES[:-1]:
        s.do("joint_oversight", {"oversight_opinion": "pass", **INSPECTION}, role=role)
    site_supervised(s)
    assert [i.role for i in s.ready()["joint_oversight"]] == [OVERSIGHT_ROLES[-1]]
    assert "acceptance" not in s.ready()
    s.do("joint_oversight", {"oversight_opinion": "pass", **INSPECTION}, role=OVERSIGHT_ROLES[-1])
    assert steps(s) == {"acceptance"}


def test_the_payment_stays_within_the_audited_amount():
    s = at_settlement()
    s.do("settlement_audit", {"audited_amount": 19500, "audit_report_no": "审〔2026〕6号", "audit_opinion": "审定",
                              "audit_report_file": ["att-audit"]}, role="TOWNSHIP_AGRI_ECON")
    with pytest.raises(InvalidData) as err:
        s.do("pay_contractor", {"paid_amount": 19500.01, "paid_on": "2026-08-15", "payment_voucher": ["att-bank"]},
             role="TOWNSHIP_AGRI_ECON")
    assert "不能大于审定结算金额" in err.value.errors["paid_amount"]
    s.do("pay_contractor", {"paid_amount": 19500, "paid_on": "2026-08-15", "payment_voucher": ["att-bank"]},
         role="TOWNSHIP_AGRI_ECON")
    assert steps(s) == {"publish_result"}

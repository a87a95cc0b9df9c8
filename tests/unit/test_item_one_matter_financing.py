"""Scenario tests of 一事一议筹资筹劳 (one_matter_financing, GC-02).

The vote needs the legal quorum and a share of those present that is a parameter (2/3 in some
provinces, never below more than half); the plan may not exceed the county caps per person and per
labourer. Together the scenarios take every sequence flow of the item at least once
(`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished
from tests.walks import object_during, steps, wait_past

KEY = "one_matter_financing"
P = default_parameters()
PLAN = {"fund_per_person": 15, "payer_count": 800, "labor_days_per_worker": 5, "worker_count": 400,
        "fund_total": 12000, "exemptions": "五保户、现役军人不承担；困难户经会议讨论减免",
        "plan_document": ["att-plan-1"], "plan_minutes": ["att-minutes-1"]}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="一事一议筹资筹劳", list_code="GC-02", category="工程项目",
    cites=("国办发〔2007〕4号",),
    lanes={"VILLAGE_COMMITTEE", "TWO_COMMITTEES", "PUBLIC_PLATFORM", "VILLAGER_MEETING", "VILLAGER_REP_MEETING",
           "TOWNSHIP_AGRI_ECON", "COUNTY_DEPT", "SUPERVISION_COMMITTEE", "REPORTING_CLERK"},
    supervision={"plan_objection", "sc_audit", "accounts_objection"},
    objections={"plan_objection", "accounts_objection"},
    separations={"sc_audit": ("start", "collect", "implement")},
    end_events={"end_done": "筹资筹劳完成", "end_stopped": "终止，不予筹资筹劳"},
)


def start(parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {"project_name": "三组机耕道硬化", "project_type": "road",
                       "project_content": "硬化三组机耕道800米，受益农户120户", "estimated_cost": 160000,
                       "proposal_source": "villager_suggestion"}, parameters=parameters)
    assert steps(s) == {"draft_plan"} and s.ready()["draft_plan"][0].role == "TWO_COMMITTEES"
    return s


# -- walking the item --------------------------------------------------------------------------
def draft_plan(s: Scenario, meeting_type: str = "REP", **changes) -> None:
    assert steps(s) == {"draft_plan"}
    s.do("draft_plan", {**PLAN, "meeting_type": meeting_type, **changes}, role="TWO_COMMITTEES")


def announced(s: Scenario, meeting_type: str = "REP") -> None:
    """The plan is announced and the meeting called; the statutory or local notice period runs."""
    assert steps(s) == {"announce"}
    s.do("announce", {"announced_on": "2026-03-05", "meeting_on": "2026-03-16", "announcement": "方案及会议通知",
                      "announcement_photos": ["att-notice-1"]}, role="VILLAGE_COMMITTEE")
    if meeting_type == "FULL":
        assert [t.element_id for t in s.matter.waiting_timers()] == ["full_notice_period"]
        wait_past(s, P["one_matter_villager_meeting_notice_days"], "vote_full")
    else:
        assert [t.element_id for t in s.matter.waiting_timers()] == ["rep_notice_period"]
        wait_past(s, P["one_matter_rep_meeting_notice_days"], "vote_rep")


def vote_rep(s: Scenario, total: int = 30, attendees: int = 24, votes_for: int = 20) -> None:
    s.do("vote_rep", {"rep_total": total, "rep_attendees": attendees, "rep_for": votes_for,
                      "households_consulted": "代表逐户征求意见，多数同意", "vote_minutes": ["att-ballots-1"]},
         role="VILLAGER_REP_MEETING")


def vote_full(s: Scenario, attendees: int = 600, households: int = 200, votes_for: int = 450) -> None:
    s.do("vote_full", {"adults_total": 1000, "households_total": 300, "vm_attendees": attendees,
                       "vm_households": households, "vm_for": votes_for, "vote_minutes": ["att-ballots-2"]},
         role="VILLAGER_MEETING")


def township_reviews(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"township_review"}
    s.do("township_review", {"township_decision": decision,
                             "township_opinion": "未超限额，程序合规" if decision == "approve" else "减免对象不全，退回"},
         role="TOWNSHIP_AGRI_ECON")


def county_reviews(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"county_review"}
    s.do("county_review", {"county_decision": decision, "filing_no": "县农负备〔2026〕3号",
                           "county_opinion": "同意备案" if decision == "approve" else "筹劳标准与方案不符"},
         role="COUNTY_DEPT")


def publish_plan(s: Scenario) -> None:
    assert steps(s) == {"publish_plan"}
    s.do("publish_plan", {"plan_notice": "经审核的筹资筹劳方案", "plan_published_on": "2026-04-10",
                          "plan_notice_photos": ["att-publicity-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"plan_objection"} and s.ready()["plan_objection"][0].role == "SUPERVISION_COMMITTEE"


def collected_and_used(s: Scenario) -> None:
    s.do("collect", {"funds_collected": 11800, "labor_days_done": 1900, "special_account": "一事一议专账",
                     "collection_receipts": ["att-receipts-1"]}, role="VILLAGE_COMMITTEE")
    s.do("implement", {"funds_spent": 11800, "implementation_report": "机耕道已硬化", "completed_on": "2026-07-30",
                       "site_photos": ["att-photos-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"sc_audit"}


def audited(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"sc_audit"} and s.ready()["sc_audit"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_audit", {"sc_reviewers": "监委会全体成员", "audit_result": result,
                      "audit_opinion": "账实相符" if result == "approve" else "缺少劳务登记表"},
         role="SUPERVISION_COMMITTEE")


def publish_accounts(s: Scenario) -> None:
    assert steps(s) == {"publish_accounts"}
    s.do("publish_accounts", {"accounts_notice": "筹集11800元，使用11800元", "accounts_published_on": "2026-08-05",
                              "accounts_photos": ["att-accounts-1"]}, role="VILLAGE_COMMITTEE")


def archived(s: Scenario) -> None:
    s.do("archive", {"archive_no": "GC02-2026-001"}, role="REPORTING_CLERK")


def from_review_to_done(s: Scenario) -> None:
    township_reviews(s)
    county_reviews(s)
    publish_plan(s)
    wait_past(s, P["one_matter_plan_publicity_days"], "collect")
    collected_and_used(s)
    audited(s)
    publish_accounts(s)
    wait_past(s, P["one_matter_accounts_publicity_days"], "archive")
    archived(s)


def revise_or_stop(s: Scenario, action: str) -> None:
    assert steps(s) == {"revise_or_stop"}
    s.do("revise_or_stop", {"next_action": action, "revise_reason": "调整筹资标准" if action == "revise" else "群众意见大，终止"},
         role="TWO_COMMITTEES")


def restarts(s: Scenario, intake: str, days_param: str) -> None:
    """After a dismissed objection the intake is open again and a full new period runs from now."""
    assert steps(s) == {intake}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P[days_param]), "the period starts again"


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def rep_meeting_passes_and_accounts_published() -> Scenario:
    s = start()
    draft_plan(s)
    announced(s)
    vote_rep(s, total=30, attendees=20, votes_for=14)        # exactly 2/3 attend, 14 >= 2/3 of 20
    from_review_to_done(s)
    return finished(s, "筹资筹劳完成")


def villager_meeting_with_objections_and_audit_rework() -> Scenario:
    s = start()
    draft_plan(s, "FULL")
    announced(s, "FULL")
    vote_full(s)
    township_reviews(s)
    county_reviews(s)
    publish_plan(s)
    object_during(s, "plan_objection", after_days=3)
    s.do("reverify_plan", {"verification_finding": "标准未超限额，异议不成立", "objection_upheld": False},
         role="TWO_COMMITTEES")
    restarts(s, "plan_objection", "one_matter_plan_publicity_days")
    wait_past(s, P["one_matter_plan_publicity_days"], "collect")
    collected_and_used(s)
    audited(s, "return")
    assert steps(s) == {"rectify"} and s.ready()["rectify"][0].role == "VILLAGE_COMMITTEE"
    s.do("rectify", {"rectification_note": "补齐劳务登记表"}, role="VILLAGE_COMMITTEE")
    audited(s)
    publish_accounts(s)
    object_during(s, "accounts_objection")
    s.do("reverify_accounts", {"verification_finding": "一笔材料费未入账", "objection_upheld": True},
         role="TWO_COMMITTEES")
    assert steps(s) == {"rectify"}
    s.do("rectify", {"rectification_note": "材料费已入账", "rectified_documents": ["att-voucher-9"]},
         role="VILLAGE_COMMITTEE")
    audited(s)
    publish_accounts(s)
    object_during(s, "accounts_objection", after_days=2)
    s.do("reverify_accounts", {"verification_finding": "账目无误", "objection_upheld": False}, role="TWO_COMMITTEES")
    restarts(s, "accounts_objection", "one_matter_accounts_publicity_days")
    wait_past(s, P["one_matter_accounts_publicity_days"], "archive")
    archived(s)
    return finished(s, "筹资筹劳完成")


def villager_meeting_fails_revised_then_township_returns_and_stopped() -> Scenario:
    s = start()
    draft_plan(s, "FULL")
    announced(s, "FULL")
    vote_full(s, attendees=600, households=200, votes_for=399)   # one short of 2/3 of those present
    revise_or_stop(s, "revise")
    draft_plan(s, "REP", fund_per_person=10, fund_total=8000)
    announced(s)
    vote_rep(s)
    township_reviews(s, "reject")
    revise_or_stop(s, "stop")
    return finished(s, "终止，不予筹资筹劳")


def rep_meeting_fails_then_county_returns() -> Scenario:
    s = start()
    draft_plan(s)
    announced(s)
    vote_rep(s, total=30, attendees=20, votes_for=13)            # 13 < 2/3 of 20
    revise_or_stop(s, "revise")
    draft_plan(s)
    announced(s)
    vote_rep(s)
    township_reviews(s)
    county_reviews(s, "reject")
    revise_or_stop(s, "stop")
    return finished(s, "终止，不予筹资筹劳")


def plan_objection_upheld() -> Scenario:
    s = start()
    draft_plan(s)
    announced(s)
    vote_rep(s)
    township_reviews(s)
    county_reviews(s)
    publish_plan(s)
    object_during(s, "plan_objection")
    s.do("reverify_plan", {"verification_finding": "部分低保户未列入减免", "objection_upheld": True},
         role="TWO_COMMITTEES")
    revise_or_stop(s, "stop")
    return finished(s, "终止，不予筹资筹劳")


SCENARIOS = [rep_meeting_passes_and_accounts_published, villager_meeting_with_objections_and_audit_rework,
             villager_meeting_fails_revised_then_township_returns_and_stopped, rep_meeting_fails_then_county_returns,
             plan_objection_upheld]


# -- caps: the plan may not exceed them ------------------------------------------------------------
def test_plan_may_not_exceed_the_county_caps():
    s = start()
    with pytest.raises(InvalidData) as err:
        draft_plan(s, fund_per_person=P["one_matter_fund_cap"] + 0.01,
                   labor_days_per_worker=P["one_matter_labor_cap_days"] + 1)
    assert set(err.value.errors) == {"fund_per_person", "labor_days_per_worker"}
    assert err.value.errors["fund_per_person"] == f"每人筹资额（元/年）：不能大于 {P['one_matter_fund_cap']:,.2f} 元"
    with pytest.raises(InvalidData) as err:
        draft_plan(s, fund_per_person=15, payer_count=800, fund_total=12000.01)   # more than 15 x 800
    assert set(err.value.errors) == {"fund_total"}
    draft_plan(s, fund_per_person=P["one_matter_fund_cap"], labor_days_per_worker=P["one_matter_labor_cap_days"],
               fund_total=P["one_matter_fund_cap"] * 800)
    assert steps(s) == {"announce"}


def test_fund_total_is_compared_to_the_cent():
    s = start()
    with pytest.raises(InvalidData) as err:
        draft_plan(s, fund_per_person=4.35, payer_count=100, fund_total=435.01)
    assert err.value.errors == {"fund_total": "筹资总额（元）：不能大于 435.00 元"}
    draft_plan(s, fund_per_person=4.35, payer_count=100, fund_total=435)    # 4.35 x 100 in floats is 434.99999999999994
    assert steps(s) == {"announce"}


def test_a_county_may_lower_the_cap():
    s = start({"one_matter_fund_cap": 10})
    with pytest.raises(InvalidData) as err:
        draft_plan(s)                                     # 15 yuan per person
    assert set(err.value.errors) == {"fund_per_person"}
    draft_plan(s, fund_per_person=10, fund_total=8000)
    assert steps(s) == {"announce"}


def test_plan_must_name_its_evidence():
    s = start()
    with pytest.raises(InvalidData) as err:
        draft_plan(s, plan_document=[], plan_minutes=None)
    assert set(err.value.errors) == {"plan_document", "plan_minutes"}


# -- quorum and majority ---------------------------------------------------------------------------
def at_vote(meeting_type: str = "REP", parameters: dict | None = None) -> Scenario:
    s = start(parameters)
    draft_plan(s, meeting_type)
    announced(s, meeting_type)
    return s


@pytest.mark.parametrize("attendees, votes_for, passes", [
    (20, 14, True),     # exactly 2/3 of 30 attend; 14 >= 2/3 of 20
    (20, 13, False),    # 13 < 13.33
    (19, 19, False),    # one short of the quorum, even if all agree
    (30, 20, True),     # exactly 2/3 of those present
    (30, 19, False),
])
def test_rep_meeting_quorum_and_two_thirds(attendees, votes_for, passes):
    s = at_vote()
    vote_rep(s, total=30, attendees=attendees, votes_for=votes_for)
    assert steps(s) == ({"township_review"} if passes else {"revise_or_stop"})


@pytest.mark.parametrize("attendees, households, votes_for, passes", [
    (501, 0, 334, True),      # more than half of 1000 adults; 334 >= 2/3 of 501
    (501, 0, 333, False),
    (500, 200, 334, True),    # exactly half the adults, but exactly 2/3 of 300 households
    (500, 199, 400, False),   # neither quorum
])
def test_villager_meeting_quorum_and_two_thirds(attendees, households, votes_for, passes):
    s = at_vote("FULL")
    vote_full(s, attendees=attendees, households=households, votes_for=votes_for)
    assert steps(s) == ({"township_review"} if passes else {"revise_or_stop"})


def test_a_province_with_a_simple_majority_changes_the_outcome():
    s = at_vote()
    vote_rep(s, total=30, attendees=20, votes_for=11)
    assert steps(s) == {"revise_or_stop"}                        # 11 of 20 is short of 2/3
    s = at_vote(parameters={"one_matter_vote_majority": "1/2"})
    vote_rep(s, total=30, attendees=20, votes_for=11)
    assert steps(s) == {"township_review"}                       # more than half suffices
    s = at_vote(parameters={"one_matter_vote_majority": "1/2"})
    vote_rep(s, total=30, attendees=20, votes_for=10)
    assert steps(s) == {"revise_or_stop"}                        # exactly half is never enough


def test_vote_counts_may_not_exceed_attendance():
    s = at_vote()
    with pytest.raises(InvalidData) as err:
        vote_rep(s, total=30, attendees=31, votes_for=32)
    assert set(err.value.errors) == {"rep_attendees", "rep_for"}
    assert steps(s) == {"vote_rep"}


def test_villager_meeting_waits_the_statutory_ten_days():
    s = start()
    draft_plan(s, "FULL")
    s.do("announce", {"announced_on": "2026-03-05", "meeting_on": "2026-03-16", "announcement": "通知",
                      "announcement_photos": ["att-notice-1"]})
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(10)
    s.wait(s.days_to(timer.due) - 0.01)
    assert s.ready() == {}
    s.wait(0.02)
    assert steps(s) == {"vote_full"}


def test_rep_meeting_notice_is_a_parameter():
    s = start({"one_matter_rep_meeting_notice_days": 5})
    draft_plan(s)
    s.do("announce", {"announced_on": "2026-03-05", "meeting_on": "2026-03-10", "announcement": "通知",
                      "announcement_photos": ["att-notice-1"]})
    s.wait(s.days_to(s.period_end(5)) - 0.01)
    assert s.ready() == {}
    s.wait(0.02)
    assert steps(s) == {"vote_rep"}


# -- reviews, collection -----------------------------------------------------------------------------
def test_a_return_must_say_why():
    s = at_vote()
    vote_rep(s)
    with pytest.raises(InvalidData) as err:
        s.do("township_review", {"township_decision": "reject"})
    assert set(err.value.errors) == {"township_opinion"}
    assert steps(s) == {"township_review"}


def test_collection_may_not_exceed_the_plan():
    s = at_vote()
    vote_rep(s)
    township_reviews(s)
    county_reviews(s)
    publish_plan(s)
    wait_past(s, P["one_matter_plan_publicity_days"], "collect")
    with pytest.raises(InvalidData) as err:
        s.do("collect", {"funds_collected": 12000.01, "labor_days_done": 2001, "special_account": "专账",
                         "collection_receipts": ["att-r"]})
    assert set(err.value.errors) == {"funds_collected", "labor_days_done"}

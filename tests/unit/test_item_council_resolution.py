"""Scenario tests of 村民议事会年中授权决议 (council_resolution, JC-03).

The 两委 propose a mid-year matter with the authorisation it relies on (re-entered from the annual
plan, by its matter number); the 村务监督委员会 checks it; only a matter inside the authorised
classes, amount limit and validity reaches the 村民议事会 (red line R21), anything else goes to
四议两公开. Scope boundaries are tested exactly (limit and limit + 0.01, the last valid day).
Together the scenarios take every sequence flow (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.forms import clean_form_data
from tests.scenario import Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, pass_major_decision, reject_major_decision, wait_past

KEY = "council_resolution"
P = default_parameters()
LIMIT = 50000
AUTHORISATION = {"plan_matter_no": "JC02-2026-001", "auth_works": True, "auth_procurement": True,
                 "auth_public_welfare": False, "auth_temp_hiring": False, "auth_amount_limit": LIMIT,
                 "auth_valid_until": "2026-12-31"}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村民议事会年中授权决议", list_code="JC-03", category="村级重大决策",
    calls=("major_decision",),
    lanes={"TWO_COMMITTEES", "SUPERVISION_COMMITTEE", "VILLAGER_COUNCIL", "VILLAGE_COMMITTEE", "PUBLIC_PLATFORM",
           "VILLAGER_REP_MEETING", "REPORTING_CLERK"},
    supervision={"check_authorisation", "council_resolution_objection", "council_result_objection"},
    objections={"council_resolution_objection", "council_result_objection"},
    separations={"check_authorisation": ("start", "propose_matter")},
    roles={"council_vote": "VILLAGER_COUNCIL", "report_back": "VILLAGER_REP_MEETING"},
    deadlines={"report_back": "days(council_resolution_report_days)"},
    end_events={"end_by_decision": "超出授权，经四议两公开通过",
                "end_decision_rejected": "超出授权，四议两公开未通过", "end_rejected": "议事会决议未通过",
                "end_passed": "议事会决议通过并实施"},
)


def started(data: dict, parameters: dict | None = None) -> Scenario:
    """A matter started as the service starts it: the start form is checked first."""
    clean_form_data(item_catalog(KEY).bundle(KEY).info.start_form, data, {**P, **(parameters or {})})
    return Scenario(KEY, data, parameters=parameters)


def start(parameters: dict | None = None) -> Scenario:
    s = started({"summary": "村部屋面防水维修"}, parameters)
    assert steps(s) == {"propose_matter"} and s.ready()["propose_matter"][0].role == "TWO_COMMITTEES"
    return s


def propose(s: Scenario, amount=LIMIT, matter_class: str = "works", proposed_on: str = "2026-06-10", **override) -> None:
    assert steps(s) == {"propose_matter"}
    s.do("propose_matter", {"matter_class": matter_class, "amount": amount, "proposal": "村部屋面渗漏，防水维修",
                            "proposed_on": proposed_on, **AUTHORISATION, "proposal_file": ["att-proposal-1"], **override},
         role="TWO_COMMITTEES")


def check(s: Scenario, result: str = "match") -> None:
    assert steps(s) == {"check_authorisation"}
    s.do("check_authorisation", {"auth_check": result,
                                 "auth_check_opinion": "与年度计划决议一致" if result == "match" else "授权限额填写有误"},
         role="SUPERVISION_COMMITTEE")


def council_votes(s: Scenario, members: int = 30, attendees: int = 20, votes_for: int = 11) -> None:
    assert steps(s) == {"council_vote"}
    s.do("council_vote", {"council_members": members, "council_attendees": attendees, "council_for": votes_for,
                          "council_minutes": "议事会表决记录", "council_attendance": ["att-sign-1"],
                          "council_ballots": ["att-ballot-1"]}, role="VILLAGER_COUNCIL")


def revise_or_stop(s: Scenario, action: str) -> None:
    assert steps(s) == {"revise_or_stop"}
    s.do("revise_or_stop", {"next_action": action, "revise_reason": "修改方案" if action == "revise" else "不再实施"},
         role="TWO_COMMITTEES")


def publish_resolution(s: Scenario) -> None:
    assert steps(s) == {"publish_council_resolution"}
    s.do("publish_council_resolution", {"resolution_notice": "议事会决议：屋面防水维修，5万元，依据年度授权",
                                        "resolution_published_on": "2026-06-20", "resolution_photos": ["att-photo-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"council_resolution_objection"}


def carry_out_and_publish(s: Scenario) -> None:
    assert steps(s) == {"carry_out"}
    s.do("carry_out", {"person_in_charge": "张三", "implementation_report": "已完成维修",
                       "implementation_files": ["att-contract-1"]}, role="TWO_COMMITTEES")
    s.do("publish_council_result", {"result_notice": "维修完成，实际支出49800元", "result_photos": ["att-photo-2"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"council_result_objection"}


def report_and_archive(s: Scenario) -> None:
    assert steps(s) == {"report_back"} and s.ready()["report_back"][0].role == "VILLAGER_REP_MEETING"
    s.do("report_back", {"report_meeting_on": "2026-09-15", "report_content": "议事会授权事项及执行情况",
                         "rep_opinion": "无异议", "report_minutes": ["att-minutes-1"]}, role="VILLAGER_REP_MEETING")
    s.do("archive", {"archive_no": "JC03-2026-004", "archive_files": ["att-archive-1"]}, role="REPORTING_CLERK")


def council_path_after_vote(s: Scenario) -> None:
    publish_resolution(s)
    wait_past(s, P["resolution_publicity_days"], "carry_out")
    carry_out_and_publish(s)
    wait_past(s, P["result_publicity_days"], "report_back")
    report_and_archive(s)


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def in_scope_decided_by_council() -> Scenario:
    s = start()
    propose(s, amount=LIMIT)                        # exactly the authorised limit is inside
    check(s)
    council_votes(s)
    council_path_after_vote(s)
    return finished(s, "议事会决议通过并实施")


def over_the_limit_goes_to_major_decision() -> Scenario:
    s = start()
    propose(s, amount=LIMIT + 0.01)
    check(s)
    assert steps(s) == {"propose"}                  # 四议两公开, never the council
    pass_major_decision(s)
    return finished(s, "超出授权，经四议两公开通过")


def class_not_authorised_rejected_by_major_decision() -> Scenario:
    s = start()
    propose(s, amount=1000, matter_class="public_welfare")
    check(s)
    assert steps(s) == {"propose"}
    reject_major_decision(s)
    return finished(s, "超出授权，四议两公开未通过")


def mismatch_returned_council_fails_twice_then_stopped() -> Scenario:
    s = start()
    propose(s, auth_amount_limit=80000)
    check(s, "mismatch")
    propose(s)                                      # corrected against the annual plan
    check(s)
    council_votes(s, attendees=20, votes_for=10)    # a tie among those present
    revise_or_stop(s, "revise")
    propose(s, amount=30000)
    check(s)
    council_votes(s, attendees=19, votes_for=19)    # one member short of 2/3
    revise_or_stop(s, "stop")
    return finished(s, "议事会决议未通过")


def resolution_objection_dismissed_then_upheld() -> Scenario:
    s = start()
    propose(s)
    check(s)
    council_votes(s)
    publish_resolution(s)
    object_during(s, "council_resolution_objection", after_days=2)
    s.do("reverify_council_resolution", {"verification_finding": "经核实，表决属实", "objection_upheld": False},
         role="TWO_COMMITTEES")
    assert steps(s) == {"council_resolution_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.element_id == "council_resolution_publicity"
    assert timer.due == s.period_end(P["resolution_publicity_days"]), "the period starts again"
    object_during(s, "council_resolution_objection")
    s.do("reverify_council_resolution", {"verification_finding": "部分成员未到会却计入赞成票", "objection_upheld": True},
         role="TWO_COMMITTEES")
    revise_or_stop(s, "stop")
    return finished(s, "议事会决议未通过")


def result_objection_upheld_then_dismissed() -> Scenario:
    s = start()
    propose(s, amount=12000, matter_class="procurement")
    check(s)
    council_votes(s)
    publish_resolution(s)
    wait_past(s, P["resolution_publicity_days"], "carry_out")
    carry_out_and_publish(s)
    object_during(s, "council_result_objection")
    s.do("reverify_council_result", {"verification_finding": "采购数量与公开不符", "objection_upheld": True},
         role="TWO_COMMITTEES")
    carry_out_and_publish(s)                        # rectified and published again
    object_during(s, "council_result_objection", after_days=3)
    s.do("reverify_council_result", {"verification_finding": "已核实无误", "objection_upheld": False},
         role="TWO_COMMITTEES")
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["result_publicity_days"])
    wait_past(s, P["result_publicity_days"], "report_back")
    report_and_archive(s)
    return finished(s, "议事会决议通过并实施")


SCENARIOS = [in_scope_decided_by_council, over_the_limit_goes_to_major_decision,
             class_not_authorised_rejected_by_major_decision, mismatch_returned_council_fails_twice_then_stopped,
             resolution_objection_dismissed_then_upheld, result_objection_upheld_then_dismissed]




# -- red line R21: outside the authorised scope the council never votes -------------------------
@pytest.mark.parametrize("amount, matter_class, proposed_on, first_step", [
    (LIMIT, "works", "2026-06-10", "council_vote"),
    (LIMIT + 0.01, "works", "2026-06-10", "propose"),          # one fen over the limit
    (0.01, "procurement", "2026-06-10", "council_vote"),
    (LIMIT, "public_welfare", "2026-06-10", "propose"),        # a class the annual plan did not authorise
    (LIMIT, "temp_hiring", "2026-06-10", "propose"),
    (100, "other", "2026-06-10", "propose"),                   # never authorisable
    (LIMIT, "works", "2026-12-31", "council_vote"),            # the last day of the authorisation
    (LIMIT, "works", "2027-01-01", "propose"),                 # after it expired
])
def test_scope(amount, matter_class, proposed_on, first_step):
    s = start()
    propose(s, amount=amount, matter_class=matter_class, proposed_on=proposed_on)
    check(s)
    assert steps(s) == {first_step}
    if first_step == "propose":
        assert s.ready()["propose"][0].role == "PARTY_BRANCH"


def test_a_mismatched_authorisation_never_reaches_the_council():
    s = start()
    propose(s)
    check(s, "mismatch")
    assert steps(s) == {"propose_matter"}


def test_the_authorised_limit_entered_may_not_exceed_the_county_cap():
    s = start()
    cap = P["annual_plan_council_limit_cap"]
    with pytest.raises(InvalidData) as err:
        propose(s, amount=1000, auth_amount_limit=cap + 0.01)
    assert set(err.value.errors) == {"auth_amount_limit"}
    propose(s, amount=cap + 1, auth_amount_limit=cap)
    check(s)
    assert steps(s) == {"propose"}


def test_proposal_needs_the_annual_plan_reference():
    s = start()
    data = {"matter_class": "works", "amount": 100, "proposal": "p", "proposed_on": "2026-06-10", **AUTHORISATION,
            "proposal_file": ["att-1"]}
    del data["plan_matter_no"]
    with pytest.raises(InvalidData) as err:
        s.do("propose_matter", data)
    assert set(err.value.errors) == {"plan_matter_no"}


# -- the council vote ---------------------------------------------------------------------------------
def at_vote(parameters: dict | None = None) -> Scenario:
    s = start(parameters)
    propose(s)
    check(s)
    return s


@pytest.mark.parametrize("attendees, votes_for, passes", [
    (20, 11, True),     # exactly 2/3 of 30 attend, more than half of those present agree
    (19, 19, False),    # one short of the quorum
    (20, 10, False),    # a tie
    (30, 16, True),
])
def test_council_quorum_and_majority(attendees, votes_for, passes):
    s = at_vote()
    council_votes(s, members=30, attendees=attendees, votes_for=votes_for)
    assert steps(s) == ({"publish_council_resolution"} if passes else {"revise_or_stop"})


def test_a_township_may_raise_the_council_quorum():
    s = at_vote({"council_quorum": "3/4"})
    council_votes(s, members=30, attendees=22, votes_for=22)   # 22 < 22.5
    assert steps(s) == {"revise_or_stop"}
    s = at_vote({"council_quorum": "3/4"})
    council_votes(s, members=30, attendees=23, votes_for=12)
    assert steps(s) == {"publish_council_resolution"}


def test_vote_needs_ballots_and_counts_within_attendance():
    s = at_vote()
    with pytest.raises(InvalidData) as err:
        s.do("council_vote", {"council_members": 30, "council_attendees": 31, "council_for": 32,
                              "council_minutes": "记录", "council_attendance": ["att-1"]})
    assert set(err.value.errors) == {"council_attendees", "council_for", "council_ballots"}
    assert steps(s) == {"council_vote"}

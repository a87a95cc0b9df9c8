"""Scenario tests of 村级重大事项决策（四议两公开）(major_decision, JC-01).

Together the scenarios take every sequence flow of the item at least once
(`test_every_sequence_flow_is_taken`). The walking helpers live in tests/walks.py (the items
that call this one reuse them), the coverage helpers in tests/flows.py.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from tests.flows import flows_taken
from tests.scenario import Scenario, default_parameters, finished
from tests.walks import (after_resolution, deliberate, object_during, pass_major_decision, propose, resolve_full,
                         resolve_rep, review, send_plan, steps, wait_past)

P = default_parameters()


def start() -> Scenario:
    s = Scenario("major_decision", {"summary": "修建村文化广场", "amount": 300000})
    assert steps(s) == {"propose"}
    return s


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def rep_meeting_passes() -> Scenario:
    s = start()
    propose(s)
    assert steps(s) == {"deliberate"}
    deliberate(s)
    assert steps(s) == {"send_plan"}
    send_plan(s)
    review(s)
    assert steps(s) == {"resolve_rep"}
    resolve_rep(s)
    after_resolution(s)
    return finished(s, "通过")


def villager_meeting_passes() -> Scenario:
    s = start()
    propose(s, "FULL")
    deliberate(s)
    send_plan(s)
    review(s)
    assert steps(s) == set() and s.matter.waiting_timers()[0].element_id == "villager_meeting_notice"
    resolve_full(s)                                                # after the 10 days' notice
    after_resolution(s)
    return finished(s, "通过")


def villager_meeting_fails_then_revised() -> Scenario:
    s = start()
    propose(s, "FULL")
    deliberate(s)
    send_plan(s)
    review(s)
    resolve_full(s, attendees=600, households=200, votes_for=300)   # exactly half of those present: not more
    assert steps(s) == {"revise_or_stop"}
    s.do("revise_or_stop", {"next_action": "revise", "revise_reason": "修改方案"})
    assert steps(s) == {"propose"}
    pass_major_decision(s)
    return finished(s, "通过")


def deliberation_fails_then_revised() -> Scenario:
    s = start()
    propose(s)
    deliberate(s, attendees=6, votes_for=3)                        # a tie among those present fails
    assert steps(s) == {"revise_or_stop"}
    s.do("revise_or_stop", {"next_action": "revise", "revise_reason": "补充资金来源"})
    assert steps(s) == {"propose"}
    pass_major_decision(s)
    return finished(s, "通过")


def party_review_fails() -> Scenario:
    s = start()
    propose(s)
    deliberate(s)
    send_plan(s)
    review(s, total=30, attendees=25, votes_for=15)                # half of all members: not more than half
    assert steps(s) == {"revise_or_stop"}
    s.do("revise_or_stop", {"next_action": "stop", "revise_reason": "党员大会未通过"})
    return finished(s, "否决")


def rep_meeting_fails() -> Scenario:
    s = start()
    propose(s)
    deliberate(s)
    send_plan(s)
    review(s)
    resolve_rep(s, total=30, attendees=19, votes_for=19)           # one short of 2/3 attending
    assert steps(s) == {"revise_or_stop"}
    s.do("revise_or_stop", {"next_action": "stop", "revise_reason": "代表会议未达法定人数"})
    return finished(s, "否决")


def at_resolution_publicity() -> Scenario:
    s = start()
    propose(s)
    deliberate(s)
    send_plan(s)
    review(s)
    resolve_rep(s)
    s.do("publish_resolution", {"resolution_notice": "决议全文", "resolution_published_on": "2026-03-20"},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"resolution_objection"}
    assert s.ready()["resolution_objection"][0].role == "SUPERVISION_COMMITTEE"
    return s


def resolution_objection_dismissed_and_period_restarts() -> Scenario:
    s = at_resolution_publicity()
    object_during(s, "resolution_objection", after_days=2)
    s.do("reverify_resolution", {"verification_finding": "经核实，公示内容无误", "objection_upheld": False},
         role="TWO_COMMITTEES")
    assert steps(s) == {"resolution_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.clock.now() + timedelta(days=P["resolution_publicity_days"]), "the period starts again"
    wait_past(s, P["resolution_publicity_days"], "implement")
    s.do("implement", {"person_in_charge": "张三", "implementation_report": "已实施"}, role="TWO_COMMITTEES")
    s.do("publish_result", {"result_notice": "实施结果"}, role="VILLAGE_COMMITTEE")
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "已更正公示中的金额"}, role="TWO_COMMITTEES")
    assert steps(s) == {"result_objection"}
    wait_past(s, P["result_publicity_days"], "archive")
    s.do("archive", {"archive_no": "JC-2026-002"}, role="REPORTING_CLERK")
    return finished(s, "通过")


def resolution_objection_upheld() -> Scenario:
    s = at_resolution_publicity()
    object_during(s, "resolution_objection")
    s.do("reverify_resolution", {"verification_finding": "表决人数统计有误", "objection_upheld": True},
         role="TWO_COMMITTEES")
    assert steps(s) == {"revise_or_stop"}
    s.do("revise_or_stop", {"next_action": "stop", "revise_reason": "异议成立，终止"}, role="PARTY_BRANCH")
    return finished(s, "否决")


KEY = "major_decision"
SCENARIOS = [rep_meeting_passes, villager_meeting_passes, villager_meeting_fails_then_revised,
             deliberation_fails_then_revised, party_review_fails, rep_meeting_fails,
             resolution_objection_dismissed_and_period_restarts, resolution_objection_upheld]




def test_flows_taken_sees_only_the_path_gone():
    s = start()
    propose(s)
    deliberate(s, votes_for=3)
    assert flows_taken(s) == {"f_start", "f_merge_propose", "f_propose", "f_deliberate", "f_deliberate_fail",
                                     "f_merge_failed"}


# -- quorum and majority boundaries --------------------------------------------------------------
def at_review(meeting_type: str = "REP") -> Scenario:
    s = start()
    propose(s, meeting_type)
    deliberate(s)
    send_plan(s)
    return s


@pytest.mark.parametrize("attendees, votes_for, passes", [
    (20, 16, True),     # exactly 2/3 of 30 attend, more than half of all 30 agree
    (19, 16, False),    # one fewer than 2/3 attend
    (20, 15, False),    # a tie: exactly half of all members agree
    (30, 16, True),
])
def test_party_review_quorum_and_majority(attendees, votes_for, passes):
    s = at_review()
    review(s, total=30, attendees=attendees, votes_for=votes_for)
    assert steps(s) == ({"resolve_rep"} if passes else {"revise_or_stop"})


@pytest.mark.parametrize("attendees, votes_for, passes", [
    (20, 11, True),     # exactly 2/3 of 30 attend, more than half of those present agree
    (19, 19, False),    # one fewer than 2/3 attend, even if all agree
    (20, 10, False),    # a tie among those present
])
def test_rep_meeting_quorum_and_majority(attendees, votes_for, passes):
    s = at_review()
    review(s)
    resolve_rep(s, total=30, attendees=attendees, votes_for=votes_for)
    assert steps(s) == ({"publish_resolution"} if passes else {"revise_or_stop"})


@pytest.mark.parametrize("attendees, households, votes_for, passes", [
    (501, 0, 251, True),      # more than half of 1000 adults attend
    (500, 199, 251, False),   # exactly half the adults and one household short of 2/3: no quorum
    (500, 200, 251, True),    # exactly 2/3 of 300 households is a quorum on its own
    (501, 0, 250, False),     # not more than half of those present (250.5 needed)
])
def test_villager_meeting_quorum_and_majority(attendees, households, votes_for, passes):
    s = at_review("FULL")
    review(s)
    resolve_full(s, attendees=attendees, households=households, votes_for=votes_for)
    assert steps(s) == ({"publish_resolution"} if passes else {"revise_or_stop"})


def test_deliberation_needs_more_than_half_of_those_present():
    s = start()
    propose(s)
    deliberate(s, attendees=5, votes_for=3)
    assert steps(s) == {"send_plan"}


def test_vote_counts_may_not_exceed_attendance():
    from engine.errors import InvalidData
    s = at_review()
    with pytest.raises(InvalidData) as err:
        review(s, total=30, attendees=31, votes_for=32)
    assert set(err.value.errors) == {"pm_attendees", "pm_for"}
    assert steps(s) == {"review"}


def test_party_notice_days_is_a_parameter():
    s = Scenario("major_decision", {"summary": "s", "amount": 1}, parameters={"party_notice_days": 5})
    propose(s)
    deliberate(s)
    s.do("send_plan", {"plan_sent_on": "2026-03-03", "plan_text": "方案"})
    s.wait(4.99)
    assert s.ready() == {}
    s.wait(0.02)
    assert steps(s) == {"review"}

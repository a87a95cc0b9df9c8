"""Scenario tests of 村级重大事项决策（四议两公开）(major_decision, JC-01).

Every meeting is held to its quorum and majority (the 两委 too: more than half present, more than
half of those present in favour), and records the township (包村) cadres who sat in; the 村监委
reviews each notice before it is posted (决议公开, 结果公开); an objection during either publicity
is dismissed (the period starts again) or upheld, and then the verifier sends the matter back to
提议 or ends it.

Together the scenarios take every sequence flow of the item at least once
(`test_every_sequence_flow_is_taken`). The walking helpers live in tests/walks.py (the items
that call this one reuse them), the coverage helpers in tests/flows.py.
"""
from __future__ import annotations


import pytest
from tests.flows import flows_taken
from tests.scenario import Scenario, default_parameters, finished
from tests.scenario import item_catalog
from tests.walks import (TOWNSHIP_CADRES, after_resolution, check_notice, deliberate, implement, object_during,
                         pass_major_decision, post_resolution, post_result, propose, resolve_full, resolve_rep, review,
                         send_plan, steps, wait_past)

P = default_parameters()


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级重大事项决策（四议两公开）", list_code="JC-01", category="村级重大决策",
    cites=("村民委员会组织法", "第二十四条", "第二十五条", "第二十六条"),
    lanes={"PARTY_BRANCH", "TWO_COMMITTEES", "PARTY_MEMBERS_MEETING", "VILLAGER_REP_MEETING", "VILLAGER_MEETING",
           "VILLAGE_COMMITTEE", "PUBLIC_PLATFORM", "SUPERVISION_COMMITTEE", "REPORTING_CLERK"},
    supervision={"review_resolution_notice", "resolution_objection", "review_result_notice", "result_objection"},
    objections={"resolution_objection", "result_objection"},
    separations={"review_resolution_notice": ("draft_resolution_notice",),
                 "review_result_notice": ("draft_result_notice",)},
    end_events={"end_passed": "通过", "end_rejected": "否决"},
)


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
    post_resolution(s)
    assert s.ready()["resolution_objection"][0].role == "SUPERVISION_COMMITTEE"
    return s


def reverify(s: Scenario, step: str, conclusion: str) -> None:
    assert steps(s) == {step} and s.ready()[step][0].role == "TWO_COMMITTEES"
    s.do(step, {"verification_finding": "经核实" + ("，公示内容无误" if conclusion == "dismissed" else "，表决人数统计有误"),
                "objection_conclusion": conclusion}, role="TWO_COMMITTEES")


def resolution_objection_dismissed_and_period_restarts() -> Scenario:
    s = at_resolution_publicity()
    object_during(s, "resolution_objection", after_days=2)
    reverify(s, "reverify_resolution", "dismissed")
    assert steps(s) == {"resolution_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["resolution_publicity_days"]), "the period starts again"
    wait_past(s, P["resolution_publicity_days"], "implement")
    implement(s)
    post_result(s)
    object_during(s, "result_objection")
    reverify(s, "reverify_result", "dismissed")
    assert steps(s) == {"result_objection"}
    wait_past(s, P["result_publicity_days"], "archive")
    s.do("archive", {"archive_no": "JC-2026-002"}, role="REPORTING_CLERK")
    return finished(s, "通过")


def resolution_objection_upheld_matter_ended() -> Scenario:
    s = at_resolution_publicity()
    object_during(s, "resolution_objection")
    reverify(s, "reverify_resolution", "upheld_stop")
    return finished(s, "否决")


def resolution_objection_upheld_proposed_again() -> Scenario:
    s = at_resolution_publicity()
    object_during(s, "resolution_objection")
    reverify(s, "reverify_resolution", "upheld_repropose")
    assert steps(s) == {"propose"}, "the verifier sends the matter back to 提议"
    pass_major_decision(s)
    return finished(s, "通过")


def notices_returned_by_the_supervision_committee() -> Scenario:
    s = start()
    propose(s)
    deliberate(s)
    send_plan(s)
    review(s)
    resolve_rep(s)
    s.do("draft_resolution_notice", {"resolution_notice": "决议：同意（票数漏写）"}, role="VILLAGE_COMMITTEE")
    check_notice(s, "resolution", "return")
    assert steps(s) == {"draft_resolution_notice"}, "a returned notice is drafted again, nothing was posted"
    post_resolution(s)
    wait_past(s, P["resolution_publicity_days"], "implement")
    implement(s)
    s.do("draft_result_notice", {"result_notice": "实施结果（金额有误）"}, role="VILLAGE_COMMITTEE")
    check_notice(s, "result", "return")
    assert steps(s) == {"draft_result_notice"}
    post_result(s)
    wait_past(s, P["result_publicity_days"], "archive")
    s.do("archive", {"archive_no": "JC-2026-003"}, role="REPORTING_CLERK")
    return finished(s, "通过")


def result_objection_upheld() -> Scenario:
    s = at_resolution_publicity()
    wait_past(s, P["resolution_publicity_days"], "implement")
    implement(s)
    post_result(s)
    object_during(s, "result_objection")
    reverify(s, "reverify_result", "upheld_repropose")
    assert steps(s) == {"propose"}
    propose(s)
    deliberate(s)
    send_plan(s)
    review(s)
    resolve_rep(s)
    post_resolution(s)
    wait_past(s, P["resolution_publicity_days"], "implement")
    implement(s)
    post_result(s)
    object_during(s, "result_objection")
    reverify(s, "reverify_result", "upheld_stop")
    return finished(s, "否决")


KEY = "major_decision"
SCENARIOS = [rep_meeting_passes, villager_meeting_passes, villager_meeting_fails_then_revised,
             deliberation_fails_then_revised, party_review_fails, rep_meeting_fails,
             resolution_objection_dismissed_and_period_restarts, resolution_objection_upheld_matter_ended,
             resolution_objection_upheld_proposed_again, notices_returned_by_the_supervision_committee,
             result_objection_upheld]




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
    assert steps(s) == ({"draft_resolution_notice"} if passes else {"revise_or_stop"})


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
    assert steps(s) == ({"draft_resolution_notice"} if passes else {"revise_or_stop"})


def test_deliberation_needs_more_than_half_of_those_present():
    s = start()
    propose(s)
    deliberate(s, attendees=5, votes_for=3)
    assert steps(s) == {"send_plan"}


@pytest.mark.parametrize("members, attendees, votes_for, passes", [
    (7, 4, 3, True),      # 4 of 7 present (more than half), 3 of 4 in favour
    (7, 3, 3, False),     # 3 of 7 present: no quorum, even if all agree
    (8, 4, 4, False),     # exactly half present is not more than half
    (8, 5, 3, True),
    (8, 5, 2, False),     # not more than half of those present
])
def test_the_two_committees_meeting_needs_a_quorum_and_a_majority(members, attendees, votes_for, passes):
    """村“两委”联席会议: more than half of its members present, more than half of those present in favour."""
    s = start()
    propose(s)
    deliberate(s, members=members, attendees=attendees, votes_for=votes_for)
    assert steps(s) == ({"send_plan"} if passes else {"revise_or_stop"})


def test_the_two_committees_quorum_is_a_parameter():
    from engine.registry import load_parameters
    from tests.scenario import PROCESSES
    quorum = load_parameters(PROCESSES)["two_committees_quorum"]
    assert (quorum.value, quorum.minimum) == ("1/2", "1/2")
    s = Scenario("major_decision", {"summary": "s", "amount": 1}, parameters={"two_committees_quorum": "2/3"})
    propose(s)
    deliberate(s, members=9, attendees=6, votes_for=6)     # 6 of 9 is not more than 2/3
    assert steps(s) == {"revise_or_stop"}


def test_township_cadres_attending_each_meeting_are_recorded_and_published():
    info = item_catalog("major_decision").bundle("major_decision").info
    for step, field in (("deliberate", "tc_township_cadres"), ("review", "pm_township_cadres"),
                        ("resolve_rep", "rep_township_cadres"), ("resolve_full", "vm_township_cadres")):
        spec = next(f for f in info.steps[step].form.fields if f.name == field)
        assert spec.required and "乡镇" in spec.label and "包村" in spec.label, (step, spec.label)
    (publication,) = info.steps["publish_resolution"].publications
    published = {f.ref for f in publication.fields if f.cls == "public"}
    assert {"tc_township_cadres", "pm_township_cadres", "rep_township_cadres", "vm_township_cadres"} <= published
    from engine.disclosure import disclose
    s = at_resolution_publicity()
    (posted,) = [task for task in s.matter.workflow.get_tasks() if task.task_spec.name == "publish_resolution"]
    shown = {f["label"]: f["text"] for f in disclose(publication, posted.data)["fields"]}
    assert shown["列席村民代表会议的乡镇（包村）干部"] == TOWNSHIP_CADRES
    assert shown["列席两委联席会议的乡镇（包村）干部"] == TOWNSHIP_CADRES


def test_the_supervision_committee_reviews_each_notice_before_it_is_posted():
    info = item_catalog("major_decision").bundle("major_decision").info
    for step in ("review_resolution_notice", "review_result_notice"):
        assert info.steps[step].role == "SUPERVISION_COMMITTEE" and info.steps[step].supervision
    assert not info.steps["draft_resolution_notice"].publications and not info.steps["draft_result_notice"].publications
    assert info.steps["publish_resolution"].publications and info.steps["publish_result"].publications


def test_an_upheld_objection_is_the_verifiers_choice():
    info = item_catalog("major_decision").bundle("major_decision").info
    for step in ("reverify_resolution", "reverify_result"):
        spec = next(f for f in info.steps[step].form.fields if f.name == "objection_conclusion")
        assert spec.required and {o for o, _ in spec.options} == {"dismissed", "upheld_repropose", "upheld_stop"}


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
    s.wait(s.days_to(s.period_end(5)) - 0.01)
    assert s.ready() == {}
    s.wait(0.02)
    assert steps(s) == {"review"}

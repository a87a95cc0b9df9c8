"""Scenario tests of 村规民约、自治章程制定修改 (village_rules, JC-04).

Only the 村民会议 decides (it cannot be delegated: no 村民代表会议 and no call to 四议两公开);
the statutory ten days' notice is a parameter whose floor is 10; quorum and majority straddle
their boundaries; the township reviews the draft, files the adopted text and may order a
correction (back to drafting). Together the scenarios take every sequence flow.
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.forms import clean_form_data
from engine.registry import check_override, load_parameters
from tests.scenario import PROCESSES, Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, wait_past

KEY = "village_rules"
P = default_parameters()
NOTICE_DAYS = P["village_rules_meeting_notice_days"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村规民约、自治章程制定修改", list_code="JC-04", category="村级重大决策",
    lanes={"TWO_COMMITTEES", "VILLAGE_COMMITTEE", "PUBLIC_PLATFORM", "SUPERVISION_COMMITTEE", "TOWNSHIP_GOV",
           "VILLAGER_MEETING", "REPORTING_CLERK"},
    supervision={"draft_objection", "supervise_meeting"},
    objections={"draft_objection"},
    separations={"supervise_meeting": ("start",)},
    roles={"township_filing": "TOWNSHIP_GOV"},
    deadlines={"township_filing": "days(village_rules_filing_days)"},
    end_events={"end_rejected": "村民会议未通过", "end_passed": "通过并公布施行"},
)


def started(data: dict, parameters: dict | None = None) -> Scenario:
    """A matter started as the service starts it: the start form is checked first."""
    clean_form_data(item_catalog(KEY).bundle(KEY).info.start_form, data, {**P, **(parameters or {})})
    return Scenario(KEY, data, parameters=parameters)


def start(parameters: dict | None = None) -> Scenario:
    s = started({"rules_kind": "village_rules", "rules_action": "amend", "summary": "增加移风易俗、禁止高价彩礼条款"},
                parameters)
    assert steps(s) == {"draft_rules"} and s.ready()["draft_rules"][0].role == "TWO_COMMITTEES"
    return s


def draft_and_publish(s: Scenario) -> None:
    assert steps(s) == {"draft_rules"}
    s.do("draft_rules", {"opinions_collected": "入户征求意见120户，采纳8条", "draft_text": "第十二条 婚事新办……",
                         "draft_file": ["att-draft-1"]}, role="TWO_COMMITTEES")
    assert steps(s) == {"publish_draft"}
    s.do("publish_draft", {"draft_published_on": "2026-04-01", "draft_posting_photos": ["att-photo-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"draft_objection"} and s.ready()["draft_objection"][0].role == "SUPERVISION_COMMITTEE"


def precheck(s: Scenario, result: str = "pass") -> None:
    assert steps(s) == {"township_precheck"}
    s.do("township_precheck", {"precheck_result": result,
                               "precheck_opinion": "内容合法" if result == "pass" else "第五条罚款规定无法律依据"},
         role="TOWNSHIP_GOV")


def notify_and_wait(s: Scenario) -> None:
    assert steps(s) == {"notify_meeting"}
    s.do("notify_meeting", {"meeting_date": "2026-05-10", "meeting_notice": "5月10日在村部召开村民会议，表决村规民约修改",
                            "notice_photos": ["att-notice-1"]}, role="VILLAGE_COMMITTEE")
    assert s.ready() == {}
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("meeting_notice_period", "村民会议通知期")
    s.wait(s.days_to(s.period_end(NOTICE_DAYS)) - 0.01)
    assert s.ready() == {}, "the meeting may not be held before the notice period ends"
    s.wait(0.02)
    assert steps(s) == {"meeting_vote"} and s.ready()["meeting_vote"][0].role == "VILLAGER_MEETING"


def vote(s: Scenario, attendees: int = 600, households: int = 200, votes_for: int = 400) -> None:
    s.do("meeting_vote", {"adults_total": 1000, "households_total": 300, "vm_attendees": attendees,
                          "vm_households": households, "vm_women": min(attendees, 250), "vm_for": votes_for,
                          "vm_resolution": "表决通过修改后的村规民约", "vm_attendance": ["att-sign-1"],
                          "vm_ballots": ["att-ballot-1"]}, role="VILLAGER_MEETING")


def supervise(s: Scenario, result: str = "compliant") -> None:
    assert steps(s) == {"supervise_meeting"}
    s.do("supervise_meeting", {"meeting_check": result,
                               "meeting_check_opinion": "程序合规" if result == "compliant" else "部分选票无签名"},
         role="SUPERVISION_COMMITTEE")


def filing(s: Scenario, result: str = "filed") -> None:
    assert steps(s) == {"township_filing"}
    s.do("township_filing", {"filing_result": result, "filing_no": "乡备〔2026〕9号",
                             "filing_opinion": "准予备案" if result == "filed" else "第九条限制出嫁女权益，责令改正"},
         role="TOWNSHIP_GOV")


def publish_and_archive(s: Scenario) -> None:
    assert steps(s) == {"publish_rules"}
    s.do("publish_rules", {"rules_published_on": "2026-06-01", "effective_on": "2026-06-01",
                           "rules_channels": "公开栏、平台、入户发放", "rules_posting_photos": ["att-photo-2"]},
         role="VILLAGE_COMMITTEE")
    s.do("archive", {"archive_no": "JC04-2026-001", "archive_files": ["att-archive-1"]}, role="REPORTING_CLERK")


def to_meeting(s: Scenario) -> None:
    """From 拟定草案 to the opening of the 村民会议, without objections."""
    draft_and_publish(s)
    wait_past(s, P["village_rules_draft_publicity_days"], "township_precheck")
    precheck(s)
    notify_and_wait(s)


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def rules_adopted() -> Scenario:
    s = start()
    to_meeting(s)
    vote(s)
    supervise(s)
    filing(s)
    publish_and_archive(s)
    return finished(s, "通过并公布施行")


def draft_objections_precheck_return_then_vote_fails() -> Scenario:
    s = start()
    draft_and_publish(s)
    object_during(s, "draft_objection", after_days=2)
    s.do("reverify_draft", {"verification_finding": "意见已在草案中体现", "objection_upheld": False},
         role="TWO_COMMITTEES")
    (timer,) = s.matter.waiting_timers()
    assert timer.element_id == "draft_publicity"
    assert timer.due == s.period_end(P["village_rules_draft_publicity_days"]), "the period starts again"
    object_during(s, "draft_objection")
    s.do("reverify_draft", {"verification_finding": "条款与婚姻法不一致", "objection_upheld": True},
         role="TWO_COMMITTEES")
    draft_and_publish(s)                            # redrafted and published again
    wait_past(s, P["village_rules_draft_publicity_days"], "township_precheck")
    precheck(s, "return")
    draft_and_publish(s)
    wait_past(s, P["village_rules_draft_publicity_days"], "township_precheck")
    precheck(s)
    notify_and_wait(s)
    vote(s, attendees=600, votes_for=300)           # exactly half of those present: not more
    assert steps(s) == {"revise_or_stop"}
    s.do("revise_or_stop", {"next_action": "stop", "revise_reason": "村民会议未通过，暂不修改"}, role="TWO_COMMITTEES")
    return finished(s, "村民会议未通过")


def vote_fails_then_revised_and_adopted() -> Scenario:
    s = start()
    to_meeting(s)
    vote(s, attendees=500, households=199, votes_for=400)   # no quorum
    s.do("revise_or_stop", {"next_action": "revise", "revise_reason": "修改后再次提请表决"}, role="TWO_COMMITTEES")
    to_meeting(s)
    vote(s)
    supervise(s)
    filing(s)
    publish_and_archive(s)
    return finished(s, "通过并公布施行")


def meeting_rerun_then_township_orders_correction() -> Scenario:
    s = start()
    to_meeting(s)
    vote(s)
    supervise(s, "irregular")
    notify_and_wait(s)                              # the 村民会议 is held again, with a new notice period
    vote(s)
    supervise(s)
    filing(s, "correct")
    to_meeting(s)                                   # back to drafting, publicity, review and a new vote
    vote(s)
    supervise(s)
    filing(s)
    publish_and_archive(s)
    return finished(s, "通过并公布施行")


SCENARIOS = [rules_adopted, draft_objections_precheck_return_then_vote_fails, vote_fails_then_revised_and_adopted,
             meeting_rerun_then_township_orders_correction]




# -- the 村民会议 ---------------------------------------------------------------------------------------
def at_vote(parameters: dict | None = None) -> Scenario:
    s = start(parameters)
    to_meeting(s)
    return s


@pytest.mark.parametrize("attendees, households, votes_for, passes", [
    (501, 0, 251, True),      # more than half of 1000 adults attend
    (500, 199, 251, False),   # exactly half the adults and one household short of 2/3
    (500, 200, 251, True),    # exactly 2/3 of 300 households is a quorum on its own
    (501, 0, 250, False),     # not more than half of those present
])
def test_quorum_and_majority(attendees, households, votes_for, passes):
    s = at_vote()
    vote(s, attendees=attendees, households=households, votes_for=votes_for)
    assert steps(s) == ({"supervise_meeting"} if passes else {"revise_or_stop"})


def test_vote_counts_may_not_exceed_attendance_and_ballots_are_required():
    s = at_vote()
    with pytest.raises(InvalidData) as err:
        s.do("meeting_vote", {"adults_total": 1000, "households_total": 300, "vm_attendees": 600,
                              "vm_households": 301, "vm_women": 601, "vm_for": 601, "vm_resolution": "r",
                              "vm_attendance": ["att-1"]})
    assert set(err.value.errors) == {"vm_households", "vm_women", "vm_for", "vm_ballots"}
    assert steps(s) == {"meeting_vote"}


def test_notice_period_is_a_parameter_with_the_statutory_floor():
    parameter = load_parameters(PROCESSES)["village_rules_meeting_notice_days"]
    assert parameter.minimum == 10
    with pytest.raises(InvalidData):
        check_override(parameter, 9)
    assert check_override(parameter, 15) == 15
    s = start({"village_rules_meeting_notice_days": 15})
    draft_and_publish(s)
    wait_past(s, P["village_rules_draft_publicity_days"], "township_precheck")
    precheck(s)
    s.do("notify_meeting", {"meeting_date": "2026-05-20", "meeting_notice": "通知", "notice_photos": ["att-1"]})
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(15)
    s.wait(s.days_to(timer.due) - 0.01)
    assert s.ready() == {}
    s.wait(0.02)
    assert steps(s) == {"meeting_vote"}


def test_a_township_may_raise_the_household_quorum_only_upwards():
    parameter = load_parameters(PROCESSES)["villager_meeting_household_quorum"]
    with pytest.raises(InvalidData):
        check_override(parameter, "1/2")
    s = at_vote({"villager_meeting_household_quorum": "3/4"})
    vote(s, attendees=500, households=200, votes_for=251)     # 200 < 225 households, and only half the adults
    assert steps(s) == {"revise_or_stop"}


def test_refusals_need_reasons():
    s = start()
    draft_and_publish(s)
    wait_past(s, P["village_rules_draft_publicity_days"], "township_precheck")
    with pytest.raises(InvalidData) as err:
        s.do("township_precheck", {"precheck_result": "return"})
    assert set(err.value.errors) == {"precheck_opinion"}


# -- the definition ----------------------------------------------------------------------------------
def test_only_the_villager_meeting_decides():
    info = item_catalog(KEY).bundle(KEY).info
    assert info.calls == ()                                      # no 四议两公开 with its 村民代表会议 option
    assert "VILLAGER_REP_MEETING" not in info.lanes and "VILLAGER_COUNCIL" not in info.lanes
    assert info.steps["meeting_vote"].role == "VILLAGER_MEETING"

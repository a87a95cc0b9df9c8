"""Walking 四议两公开 (major_decision) in scenario tests, shared by the items that call it."""
from __future__ import annotations

from tests.scenario import Scenario, default_parameters, steps  # noqa: F401 - steps re-exported

P = default_parameters()


def wait_past(s: Scenario, days: float, step: str) -> None:
    """A publicity or notice timer holds the matter for `days` days, to 24:00 of the last one (as
    the law counts a period), then lets `step` open. While it runs only an objection intake
    (村监委 受理异议) may be ready."""
    assert all(k.endswith("_objection") for k in s.ready()), f"only objection intake may be ready: {sorted(s.ready())}"
    s.wait(s.days_to(s.period_end(days)) - 0.01)
    assert s.matter.waiting_timers(), "the timer fired early"
    s.wait(0.02)
    assert steps(s) == {step}


def object_during(s: Scenario, intake: str, after_days: float = 1) -> None:
    """A villager objects during a publicity period; the 村监委 registers it."""
    s.wait(after_days)
    s.do(intake, {"objection": "公示内容与会议记录不符", "objector": "村民甲"}, role="SUPERVISION_COMMITTEE")
    assert s.matter.waiting_timers() == [], "an objection ends the running period"


def propose(s: Scenario, meeting_type: str = "REP") -> None:
    s.do("propose", {"proposal": "修建村文化广场", "matter_source": "villager_suggestion", "meeting_type": meeting_type},
         role="PARTY_BRANCH")


TOWNSHIP_CADRES = "镇包村干部刘明（驻村指导）"


def deliberate(s: Scenario, attendees: int = 7, votes_for: int = 6, members: int = 7) -> None:
    s.do("deliberate", {"tc_members": members, "tc_attendees": attendees, "tc_for": votes_for, "tc_minutes": "两委联席会议记录",
                         "tc_township_cadres": TOWNSHIP_CADRES, "tc_minutes_file": ["att-tc-minutes"]},
         role="TWO_COMMITTEES")


def send_plan(s: Scenario) -> None:
    s.do("send_plan", {"plan_sent_on": "2026-03-03", "plan_text": "广场建设方案"}, role="PARTY_BRANCH")
    assert s.matter.waiting_timers()[0].element_id == "party_notice_period"
    wait_past(s, P["party_notice_days"], "review")


def review(s: Scenario, total: int = 30, attendees: int = 25, votes_for: int = 20) -> None:
    s.do("review", {"pm_total": total, "pm_attendees": attendees, "pm_for": votes_for, "pm_minutes": "签到表及记录",
                     "pm_township_cadres": TOWNSHIP_CADRES, "pm_sign_in_file": ["att-pm-sign-in"]},
         role="PARTY_MEMBERS_MEETING")


def resolve_rep(s: Scenario, total: int = 30, attendees: int = 25, votes_for: int = 20) -> None:
    s.do("resolve_rep", {"rep_total": total, "rep_attendees": attendees, "rep_for": votes_for, "resolution": "同意",
                          "rep_township_cadres": TOWNSHIP_CADRES, "rep_ballots_file": ["att-rep-ballots"]},
         role="VILLAGER_REP_MEETING")


def resolve_full(s: Scenario, attendees: int = 600, households: int = 200, votes_for: int = 400) -> None:
    """The 村民会议 meets once villagers have had their statutory notice (组织法第二十一条)."""
    if "resolve_full" not in s.ready():
        assert s.matter.waiting_timers()[0].element_id == "villager_meeting_notice"
        wait_past(s, P["villager_meeting_notice_days"], "resolve_full")
    s.do("resolve_full", {"adults_total": 1000, "households_total": 300, "vm_attendees": attendees,
                          "vm_households": households, "vm_for": votes_for, "resolution": "同意",
                          "vm_township_cadres": TOWNSHIP_CADRES, "vm_ballots_file": ["att-vm-ballots"]},
         role="VILLAGER_MEETING")


def check_notice(s: Scenario, notice: str, result: str = "approve") -> None:
    """The 村监委 reviews a drafted notice (`notice`: resolution or result) before it is posted."""
    step = f"review_{notice}_notice"
    assert steps(s) == {step} and s.ready()[step][0].role == "SUPERVISION_COMMITTEE"
    s.do(step, {f"{notice}_notice_review": result,
                f"{notice}_notice_review_opinion": "与会议记录一致" if result == "approve" else "表决票数与记录不符"},
         role="SUPERVISION_COMMITTEE")


def post_resolution(s: Scenario) -> None:
    """决议公开: the 村委会 drafts the notice, the 村监委 approves it, the 村委会 posts it."""
    assert steps(s) == {"draft_resolution_notice"}
    s.do("draft_resolution_notice", {"resolution_notice": "决议全文"}, role="VILLAGE_COMMITTEE")
    check_notice(s, "resolution")
    assert steps(s) == {"publish_resolution"}
    s.do("publish_resolution", {"resolution_published_on": "2026-03-20"}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"resolution_objection"}


def implement(s: Scenario) -> None:
    s.do("implement", {"person_in_charge": "张三", "implementation_report": "已实施"}, role="TWO_COMMITTEES")


def post_result(s: Scenario) -> None:
    """实施结果公开, reviewed by the 村监委 before it is posted like the resolution."""
    assert steps(s) == {"draft_result_notice"}
    s.do("draft_result_notice", {"result_notice": "实施结果"}, role="VILLAGE_COMMITTEE")
    check_notice(s, "result")
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"result_published_on": "2026-04-20"}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def after_resolution(s: Scenario) -> None:
    """From 决议公开 to 通过: reviewed notice, publicity, implementation, result publicity, archive."""
    post_resolution(s)
    wait_past(s, P["resolution_publicity_days"], "implement")
    implement(s)
    post_result(s)
    wait_past(s, P["result_publicity_days"], "archive")
    s.do("archive", {"archive_no": "JC-2026-001"}, role="REPORTING_CLERK")


def pass_major_decision(s: Scenario) -> None:
    """Walk a called or stand-alone 四议两公开 from 提议 to 通过 along the 村民代表会议 path."""
    propose(s)
    deliberate(s)
    send_plan(s)
    review(s)
    resolve_rep(s)
    after_resolution(s)


def reject_major_decision(s: Scenario) -> None:
    """Walk a called or stand-alone 四议两公开 to 否决: the 两委 do not agree and stop the matter."""
    propose(s)
    deliberate(s, votes_for=3)
    s.do("revise_or_stop", {"next_action": "stop", "revise_reason": "两委未通过，终止"}, role="PARTY_BRANCH")

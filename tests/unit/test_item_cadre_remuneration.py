"""Scenario tests of 村干部报酬及误工补贴标准 (cadre_remuneration, CW-02).

The standard is decided by the 村民会议 or an authorised 村民代表会议 (the called 四议两公开), then
the township 农经站 reviews it against the county caps (parameters, tested exactly at the cap and
one fen over), the 村务监督委员会 checks the publication, and it is published with objections.
Together the scenarios take every sequence flow (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.forms import clean_form_data
from tests.scenario import Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import (after_resolution, deliberate, object_during, pass_major_decision, propose,
                         reject_major_decision, resolve_full, review, send_plan, wait_past)

KEY = "cadre_remuneration"
P = default_parameters()
PAY_CAP, ALLOWANCE_CAP = P["cadre_remuneration_pay_cap"], P["cadre_remuneration_allowance_cap"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村干部报酬及误工补贴标准", list_code="CW-02", category="财务管理",
    cites=("第二十四条",),
    calls=("major_decision",),
    lanes={"TWO_COMMITTEES", "TOWNSHIP_AGRI_ECON", "VILLAGE_COMMITTEE", "SUPERVISION_COMMITTEE", "PUBLIC_PLATFORM",
           "REPORTING_CLERK"},
    supervision={"review_notice", "standard_objection"},
    objections={"standard_objection"},
    separations={"review_notice": ("start",)},
    deadlines={"township_review": "days(cadre_remuneration_review_days)"},
    end_events={"end_rejected": "未通过决策", "end_stopped": "新标准不予执行", "end_passed": "标准通过并公布执行"},
)


def started(data: dict, parameters: dict | None = None) -> Scenario:
    """A matter started as the service starts it: the start form is checked first."""
    clean_form_data(item_catalog(KEY).bundle(KEY).info.start_form, data, {**P, **(parameters or {})})
    return Scenario(KEY, data, parameters=parameters)


def start(parameters: dict | None = None) -> Scenario:
    s = started({"summary": "确定2026年村干部报酬及误工补贴标准", "standard_year": 2026}, parameters)
    assert steps(s) == {"draft_standard"} and s.ready()["draft_standard"][0].role == "TWO_COMMITTEES"
    return s


def draft(s: Scenario, pay_max=PAY_CAP, allowance=ALLOWANCE_CAP) -> None:
    assert steps(s) == {"draft_standard"}
    s.do("draft_standard", {"posts": "书记兼主任1人、委员3人；村民小组长6人（误工补贴）", "pay_max": pay_max,
                            "allowance_daily": allowance, "amount": 168000, "funding_source": "mixed",
                            "standard_plan": ["att-plan-1"]}, role="TWO_COMMITTEES")
    assert steps(s) == {"propose"}                  # 四议两公开 begins


def township(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"township_review"}
    s.do("township_review", {"review_result": result,
                             "review_opinion": "符合县定标准" if result == "approve" else "资金来源未落实"},
         role="TOWNSHIP_AGRI_ECON")


def prepare(s: Scenario) -> None:
    assert steps(s) == {"prepare_notice"}
    s.do("prepare_notice", {"standard_notice": "2026年村干部报酬及误工补贴标准"}, role="VILLAGE_COMMITTEE")


def review_notice(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"review_notice"}
    s.do("review_notice", {"notice_review": result,
                           "notice_review_opinion": "一致" if result == "approve" else "误工补贴标准与决议不符"},
         role="SUPERVISION_COMMITTEE")


def publish(s: Scenario) -> None:
    assert steps(s) == {"publish_standard"}
    s.do("publish_standard", {"standard_published_on": "2026-04-15", "standard_posting_photos": ["att-photo-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"standard_objection"}


def archive(s: Scenario) -> None:
    assert steps(s) == {"archive"}
    s.do("archive", {"archive_no": "CW02-2026-001", "archive_files": ["att-archive-1"]}, role="REPORTING_CLERK")


def revise_or_stop(s: Scenario, action: str) -> None:
    assert steps(s) == {"revise_or_stop"} and s.ready()["revise_or_stop"][0].role == "TWO_COMMITTEES"
    s.do("revise_or_stop", {"next_action": action, "revise_reason": "按审核意见调整" if action == "revise" else "维持原标准"},
         role="TWO_COMMITTEES")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def decided_by_villager_meeting_and_published() -> Scenario:
    s = start()
    draft(s)                                        # exactly at both county caps
    propose(s, "FULL")                              # the 村民会议 itself decides (Art. 24)
    deliberate(s)
    send_plan(s)
    review(s)
    resolve_full(s)
    after_resolution(s)
    township(s)
    prepare(s)
    review_notice(s)
    publish(s)
    wait_past(s, P["cadre_remuneration_publicity_days"], "archive")
    archive(s)
    return finished(s, "标准通过并公布执行")


def rejected_by_decision() -> Scenario:
    s = start()
    draft(s)
    reject_major_decision(s)
    return finished(s, "未通过决策")


def over_cap_revised_notice_returned_objection_dismissed() -> Scenario:
    s = start()
    draft(s, pay_max=PAY_CAP + 0.01)
    pass_major_decision(s)
    township(s)                                     # even an approving reviewer cannot pass it over the cap
    revise_or_stop(s, "revise")
    draft(s)
    pass_major_decision(s)
    township(s)
    prepare(s)
    review_notice(s, "return")
    prepare(s)
    review_notice(s)
    publish(s)
    object_during(s, "standard_objection", after_days=4)
    s.do("reverify_standard", {"verification_finding": "标准与决议一致", "objection_upheld": False}, role="TWO_COMMITTEES")
    (timer,) = s.matter.waiting_timers()
    assert timer.element_id == "standard_publicity"
    assert timer.due == s.period_end(P["cadre_remuneration_publicity_days"]), "the period starts again"
    wait_past(s, P["cadre_remuneration_publicity_days"], "archive")
    archive(s)
    return finished(s, "标准通过并公布执行")


def township_returns_then_objection_upheld_and_stopped() -> Scenario:
    s = start()
    draft(s, pay_max=3000, allowance=100)
    pass_major_decision(s)
    township(s, "return")
    revise_or_stop(s, "revise")
    draft(s, pay_max=3000, allowance=100)
    pass_major_decision(s)
    township(s)
    prepare(s)
    review_notice(s)
    publish(s)
    object_during(s, "standard_objection")
    s.do("reverify_standard", {"verification_finding": "享受误工补贴人员中有非在岗人员", "objection_upheld": True},
         role="TWO_COMMITTEES")
    revise_or_stop(s, "stop")
    return finished(s, "新标准不予执行")


SCENARIOS = [decided_by_villager_meeting_and_published, rejected_by_decision,
             over_cap_revised_notice_returned_objection_dismissed, township_returns_then_objection_upheld_and_stopped]




# -- the county caps ---------------------------------------------------------------------------------
def at_township_review(pay_max, allowance, parameters: dict | None = None) -> Scenario:
    s = start(parameters)
    draft(s, pay_max=pay_max, allowance=allowance)
    pass_major_decision(s)
    return s


@pytest.mark.parametrize("pay_max, allowance, result, next_step", [
    (PAY_CAP, ALLOWANCE_CAP, "approve", "prepare_notice"),
    (PAY_CAP + 0.01, ALLOWANCE_CAP, "approve", "revise_or_stop"),
    (PAY_CAP, ALLOWANCE_CAP + 0.01, "approve", "revise_or_stop"),
    (0, 0, "return", "revise_or_stop"),
])
def test_township_review_against_the_caps(pay_max, allowance, result, next_step):
    s = at_township_review(pay_max, allowance)
    township(s, result)
    assert steps(s) == {next_step}


def test_a_county_may_lower_the_cap():
    s = at_township_review(3000, 100, {"cadre_remuneration_pay_cap": 2999.99})
    township(s)
    assert steps(s) == {"revise_or_stop"}
    s = at_township_review(3000, 100, {"cadre_remuneration_pay_cap": 3000})
    township(s)
    assert steps(s) == {"prepare_notice"}


def test_draft_needs_the_plan_and_sensible_amounts():
    s = start()
    with pytest.raises(InvalidData) as err:
        s.do("draft_standard", {"posts": "p", "pay_max": -1, "allowance_daily": "abc", "amount": 1,
                                "funding_source": "collective"})
    assert set(err.value.errors) == {"pay_max", "allowance_daily", "standard_plan"}


def test_refusals_need_reasons():
    s = at_township_review(3000, 100)
    with pytest.raises(InvalidData) as err:
        s.do("township_review", {"review_result": "return"})
    assert set(err.value.errors) == {"review_opinion"}

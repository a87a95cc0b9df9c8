"""Scenario tests of 群众诉求受理办理 (complaint_handling, WW-03).

The 乡镇纪委 accepts (or refuses, telling the villager why) and hands the case to the village, a
township office or a county department; the unit answers within the limit of the category; past it
the timer worker's 督办 gives it a short new limit; the villager rates the answer (or lets the rating
period pass); a dissatisfied villager gets the case handled once more, and a second dissatisfaction
goes to the 县纪委 for review. Together the scenarios take every sequence flow of the item at least
once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations

import pytest

from engine import clock
from engine.errors import InvalidData
from engine.expressions import evaluate
from engine.workdays import WorkingDays
from tests.scenario import START, Scenario, default_parameters, finished, steps

KEY = "complaint_handling"
P = default_parameters()
UNIT_STEP = {"village": "handle_village", "township": "handle_township", "county": "handle_county"}
UNIT_ROLE = {"village": "VILLAGE_COMMITTEE", "township": "TOWNSHIP_GOV", "county": "COUNTY_DEPT"}
HANDLERS = ("handle_village", "handle_township", "handle_county", "supervised_village", "supervised_township",
            "supervised_county")


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="群众诉求受理办理", list_code="WW-03", category="村务管理",
    lanes={"PUBLIC_PLATFORM", "TOWNSHIP_DISCIPLINE", "VILLAGE_COMMITTEE", "COUNTY_DISCIPLINE", "TOWNSHIP_GOV",
           "COUNTY_DEPT"},
    supervision={"accept", "rate", "rerate", "review"},
    objections=set(),
    separations={"rate": HANDLERS, "rerate": HANDLERS, "review": ("accept", "assign", "reopen")},
    roles={"accept": "TOWNSHIP_DISCIPLINE", "rate": "TOWNSHIP_DISCIPLINE", "rerate": "TOWNSHIP_DISCIPLINE",
           "review": "COUNTY_DISCIPLINE"},
    end_events={"end_rejected": "不予受理（已告知反映人）", "end_unrated": "办结（反映人未评价）",
                "end_satisfied": "办结（群众满意）", "end_reunrated": "办结（重新办理后未评价）",
                "end_resatisfied": "办结（重新办理后满意）", "end_reviewed": "办结（经县纪委复核）"},
)


def start(category: str = "finance", parameters: dict | None = None, **data) -> Scenario:
    return Scenario(KEY, {"category": category, "content": "村里去年的修路款公示不清楚，希望公开明细",
                          "channel": "portal", "publish_consent": True, **data}, parameters=parameters)


# -- walking the item --------------------------------------------------------------------------
def accepted(s: Scenario, decision: str = "accept") -> None:
    assert steps(s) == {"accept"} and s.ready()["accept"][0].role == "TOWNSHIP_DISCIPLINE"
    s.do("accept", {"accept_decision": decision,
                    "accept_note": "属于村务公开问题，予以受理" if decision == "accept" else "属于法院审理事项，已告知通过诉讼解决",
                    "public_summary": "反映修路款公示不清"}, role="TOWNSHIP_DISCIPLINE")


def assigned(s: Scenario, unit: str) -> None:
    assert steps(s) == {"assign"}
    s.do("assign", {"handler_level": unit, "assign_note": "请核实并限期答复"}, role="TOWNSHIP_DISCIPLINE")
    assert steps(s) == {UNIT_STEP[unit]} and s.ready()[UNIT_STEP[unit]][0].role == UNIT_ROLE[unit]


def answered(s: Scenario, unit: str, step: str | None = None) -> None:
    step = step or UNIT_STEP[unit]
    assert steps(s) == {step}
    s.do(step, {"handling_facts": "已核实，修路款明细已补充公开", "answer": "修路款明细已在公开栏和平台补充公开，请查看",
                "handling_photos": ["att-board-1"]}, role=UNIT_ROLE[unit])


def overdue(s: Scenario, unit: str, days: int) -> None:
    """The handling limit of `days` days passes (at 24:00 of its last day): the worker fires the
    督办 timer and a short new limit starts."""
    assert steps(s) == {UNIT_STEP[unit]}
    s.wait(s.days_to(s.period_end(days)) + 0.01)
    assert steps(s) == {f"supervised_{unit}"} and s.ready()[f"supervised_{unit}"][0].role == UNIT_ROLE[unit]


def rated(s: Scenario, rating: str, step: str = "rate") -> None:
    assert steps(s) == {step} and s.ready()[step][0].role == "TOWNSHIP_DISCIPLINE"
    prefix = "" if step == "rate" else "re"
    s.do(step, {f"{prefix}rating": rating, f"{prefix}rating_channel": "online",
                f"{prefix}rating_note": "" if rating == "satisfied" else "没有解决问题"}, role="TOWNSHIP_DISCIPLINE")


def reopened(s: Scenario, unit: str) -> None:
    assert steps(s) == {"reopen"}
    s.do("reopen", {"handler_level": f"{unit}_again", "reopen_note": "反映人仍不满意，请重新核实"}, role="TOWNSHIP_DISCIPLINE")
    assert steps(s) == {UNIT_STEP[unit]}


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def refused_as_outside_the_scope() -> Scenario:
    s = start("other")
    accepted(s, "reject")
    return finished(s, "不予受理（已告知反映人）")


def village_answers_and_the_villager_is_satisfied() -> Scenario:
    s = start("finance")
    accepted(s)
    assigned(s, "village")
    answered(s, "village")
    rated(s, "satisfied")
    return finished(s, "办结（群众满意）")


def township_overdue_supervised_then_nobody_rates() -> Scenario:
    s = start("relief")
    accepted(s)
    assigned(s, "township")
    overdue(s, "township", P["complaint_days_relief"])
    answered(s, "township", "supervised_township")
    assert steps(s) == {"rate"}
    s.wait(s.days_to(s.period_end(P["complaint_rating_days"])) + 0.01)
    return finished(s, "办结（反映人未评价）")


def county_reopened_once_overdue_then_satisfied() -> Scenario:
    s = start("project")
    accepted(s)
    assigned(s, "county")
    answered(s, "county")
    rated(s, "dissatisfied")
    reopened(s, "county")
    overdue(s, "county", P["complaint_days_project"])
    answered(s, "county", "supervised_county")
    rated(s, "satisfied", "rerate")
    return finished(s, "办结（重新办理后满意）")


def village_overdue_reopened_to_the_township_then_reviewed() -> Scenario:
    s = start("conduct", about_cadre=True)
    accepted(s)
    assigned(s, "village")
    overdue(s, "village", P["complaint_days_conduct"])
    answered(s, "village", "supervised_village")
    rated(s, "dissatisfied")
    reopened(s, "township")
    answered(s, "township")
    rated(s, "dissatisfied", "rerate")
    assert steps(s) == {"review"} and s.ready()["review"][0].role == "COUNTY_DISCIPLINE"
    s.do("review", {"review_conclusion": "corrected", "review_finding": "村干部答复敷衍，责令重新公开并诫勉谈话"},
         role="COUNTY_DISCIPLINE")
    return finished(s, "办结（经县纪委复核）")


def township_reopened_to_the_village_nobody_rates_again() -> Scenario:
    s = start("assets")
    accepted(s)
    assigned(s, "township")
    answered(s, "township")
    rated(s, "dissatisfied")
    reopened(s, "village")
    answered(s, "village")
    assert steps(s) == {"rerate"}
    s.wait(s.days_to(s.period_end(P["complaint_rating_days"])) + 0.01)
    return finished(s, "办结（重新办理后未评价）")


SCENARIOS = [refused_as_outside_the_scope, village_answers_and_the_villager_is_satisfied,
             township_overdue_supervised_then_nobody_rates, county_reopened_once_overdue_then_satisfied,
             village_overdue_reopened_to_the_township_then_reviewed, township_reopened_to_the_village_nobody_rates_again]


# -- time limits by category, township parameters ---------------------------------------------------
@pytest.mark.parametrize("category, parameter", [
    ("finance", "complaint_days_finance"), ("project", "complaint_days_project"), ("assets", "complaint_days_assets"),
    ("relief", "complaint_days_relief"), ("conduct", "complaint_days_conduct"), ("other", "complaint_days_other")])
def test_the_handling_limit_is_the_categorys_parameter(category, parameter):
    deadline = start(category).bundle.info.steps["handle_village"].deadline
    with clock.use_clock(clock.FixedClock(START)):
        assert evaluate(deadline, {**P, "category": category}) == evaluate(f"days({P[parameter]})", {})
    s = start(category, parameters={parameter: 4})
    accepted(s)
    assigned(s, "village")
    s.wait(s.days_to(s.period_end(4)) - 0.01)
    assert steps(s) == {"handle_village"}
    s.wait(0.02)
    assert steps(s) == {"supervised_village"}


def test_acceptance_counts_working_days():
    info = start().bundle.info
    assert evaluate(info.steps["accept"].deadline, P) == WorkingDays(P["complaint_accept_days"])
    assert info.steps["supervised_village"].deadline == "days(complaint_supervision_days)"


def test_no_rating_of_a_first_answer_comes_before_it():
    s = start()
    accepted(s)
    assigned(s, "village")
    with pytest.raises(InvalidData) as err:
        s.do("handle_village", {"handling_facts": "已核实"})
    assert set(err.value.errors) == {"answer"}
    assert steps(s) == {"handle_village"}


def test_a_refusal_says_why():
    s = start()
    with pytest.raises(InvalidData) as err:
        s.do("accept", {"accept_decision": "reject"})
    assert set(err.value.errors) == {"accept_note"}


def test_the_start_form_needs_a_category_and_what_happened():
    with pytest.raises(InvalidData) as err:
        Scenario(KEY, {"channel": "phone"})
    assert set(err.value.errors) == {"category", "content"}


# -- declared separation of duties ----------------------------------------------------------------
def test_whoever_handled_does_not_record_the_rating_and_the_cadre_concerned_is_withheld():
    info = start().bundle.info
    handlers = {sid for sid in info.steps if sid.startswith(("handle_", "supervised_"))}
    assert len(handlers) == 6
    for rating in ("rate", "rerate"):
        assert set(info.steps[rating].separate_from) == handlers and info.steps[rating].supervision
    assert {"accept", "assign", "reopen"} <= set(info.steps["review"].separate_from)
    assert info.steps["review"].role == "COUNTY_DISCIPLINE"
    assert info.withheld_from == ("concerned_cadres",)
    assert info.start_role == "PUBLIC_PLATFORM"

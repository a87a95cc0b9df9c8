"""Scenario tests of 防返贫监测帮扶 (poverty_monitoring, FW-10).

A household at risk (收入骤减、支出骤增、突发事件), found by 农户自主申报, 干部排查 or 部门筛查预警,
is checked at home against the year's monitoring line, appraised by the 村民代表 (quorum and majority
as the representatives' meeting) or reviewed by the 村“两委”, publicised by name only, reviewed by
the township and confirmed by the county as a 监测对象. Measures and a responsible cadre are
recorded; the household is visited again every few months (a timer over the township's months)
until the income has stayed over the line for the required months, then the proposed 风险消除 is
publicised and the township marks it. Together the scenarios take every sequence flow of the item
(`test_every_sequence_flow_is_taken` in tests/unit/test_items.py).
"""
from __future__ import annotations


import pytest

from engine.disclosure import disclose
from engine.errors import InvalidData
from engine.forms import clean_form_data
from tests.scenario import Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, wait_past

KEY = "poverty_monitoring"
P = default_parameters()
LINE = P["poverty_monitoring_income_line"]
DAYS = P["poverty_monitoring_publicity_days"]
RECHECK = P["poverty_monitoring_recheck_months"] * 30
STABLE = P["poverty_monitoring_stable_months"]
CLUE = {"household_head": "赵铁柱", "household_size": 4, "risk_source": "self_report", "risk_type": "expense_surge",
        "risk_description": "妻子患尿毒症长期透析，年自付医疗费约3万元"}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="防返贫监测帮扶", list_code="FW-10", category="便民服务",
    cites=("中农发〔2021〕7号",),
    lanes={"APPLICANT", "VILLAGE_COMMITTEE", "VILLAGER_REP_MEETING", "TWO_COMMITTEES", "SUPERVISION_COMMITTEE",
           "TOWNSHIP_GOV", "PUBLIC_PLATFORM", "COUNTY_DEPT"},
    supervision={"sc_review", "proposed_objection", "removal_objection"},
    objections={"proposed_objection", "removal_objection"},
    separations={"verify": ("start",), "sc_review": ("start", "verify"), "reverify_proposed": ("start", "verify"),
                 "township_review": ("start", "verify"), "county_confirm": ("start", "verify", "township_review"),
                 "recheck": ("start",), "reverify_removal": ("start", "recheck"),
                 "township_remove": ("start", "recheck")},
    end_events={"end_removed": "风险消除", "end_not_included": "未纳入监测"},
)


def info():
    return item_catalog(KEY).bundle(KEY).info


def start(parameters: dict | None = None, **changes) -> Scenario:
    data = clean_form_data(info().start_form, {**CLUE, **changes}, {**P, **(parameters or {})})
    s = Scenario(KEY, data, parameters=parameters)
    assert steps(s) == {"verify"} and s.ready()["verify"][0].role == "VILLAGE_COMMITTEE"
    return s


def data_at(s: Scenario, step: str) -> dict:
    return dict(s.matter.task(s.ready()[step][0].task_id).data)


# -- walking the item --------------------------------------------------------------------------
def verify(s: Scenario, income=LINE - 1500, hardship: bool = False, mode: str = "rep") -> None:
    assert steps(s) == {"verify"}
    s.do("verify", {"visited_on": "2026-03-03", "per_capita_income": income, "severe_hardship": hardship,
                    "review_mode": mode, "verify_finding": "务工收入减少，医疗支出大", "verify_record": ["att-verify-1"]},
         role="VILLAGE_COMMITTEE")


def rep_appraisal(s: Scenario, total: int = 30, attendees: int = 24, votes_for: int = 20) -> None:
    assert steps(s) == {"rep_appraisal"} and s.ready()["rep_appraisal"][0].role == "VILLAGER_REP_MEETING"
    s.do("rep_appraisal", {"rep_total": total, "rep_attendees": attendees, "rep_for": votes_for,
                           "appraisal_minutes": ["att-appraisal-1"]}, role="VILLAGER_REP_MEETING")


def committee_review(s: Scenario, decision: str = "agree") -> None:
    assert steps(s) == {"committee_review"} and s.ready()["committee_review"][0].role == "TWO_COMMITTEES"
    s.do("committee_review", {"committee_decision": decision,
                              "committee_opinion": "同意拟纳入" if decision == "agree" else "家庭有稳定工资收入",
                              "committee_minutes": ["att-minutes-1"]}, role="TWO_COMMITTEES")


def sc_review(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"sc_review"} and s.ready()["sc_review"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_review", {"sc_result": result, "sc_opinion": "程序合规" if result == "approve" else "评议记录缺签到表"},
         role="SUPERVISION_COMMITTEE")


def publish_proposed(s: Scenario) -> None:
    assert steps(s) == {"publish_proposed"} and s.ready()["publish_proposed"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_proposed", {"proposed_published_on": "2026-03-10", "proposed_notice_photo": ["att-notice-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"proposed_objection"}
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == ("proposed_publicity", s.period_end(DAYS))


def township_review(s: Scenario, decision: str = "agree") -> None:
    assert steps(s) == {"township_review"} and s.ready()["township_review"][0].role == "TOWNSHIP_GOV"
    s.do("township_review", {"township_decision": decision, "township_opinion": {
        "agree": "同意纳入", "return": "收入核算漏了低保金", "reject": "家庭有商品房两套"}[decision]}, role="TOWNSHIP_GOV")


def county_confirm(s: Scenario, decision: str = "confirm") -> None:
    assert steps(s) == {"county_confirm"} and s.ready()["county_confirm"][0].role == "COUNTY_DEPT"
    data = {"county_decision": decision, "county_opinion": "确认" if decision == "confirm" else "部门比对有财政供养人员"}
    if decision == "confirm":
        data |= {"monitoring_type": "sudden", "entered_on": "2026-03-20"}
    s.do("county_confirm", data, role="COUNTY_DEPT")


def assist_plan(s: Scenario, measure: str = "social_security") -> None:
    assert steps(s) == {"assist_plan"} and s.ready()["assist_plan"][0].role == "TOWNSHIP_GOV"
    every = data_at(s, "assist_plan")["poverty_monitoring_recheck_months"] * 30
    s.do("assist_plan", {"main_measure": measure, "measures": "纳入医疗救助，安排公益性岗位", "responsible_cadre": "乡镇干部李明",
                         "plan_file": ["att-plan-1"]}, role="TOWNSHIP_GOV")
    assert steps(s) == set(), "waiting for the next visit"
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == ("recheck_wait", s.period_end(every))


def next_visit(s: Scenario) -> None:
    s.wait(s.days_to(s.period_end(RECHECK)) - 0.01)
    assert steps(s) == set() and s.matter.waiting_timers(), "the visit came early"
    s.wait(0.02)
    assert steps(s) == {"recheck"} and s.ready()["recheck"][0].role == "VILLAGE_COMMITTEE"


def recheck(s: Scenario, result: str = "continue", income=LINE - 500, months: int = 0, secure: bool = True) -> None:
    assert steps(s) == {"recheck"}
    s.do("recheck", {"recheck_on": "2026-06-20", "current_income": income, "stable_months": months,
                     "basic_needs_secure": secure, "recheck_result": result, "recheck_record": "措施落实，收入回升"},
         role="VILLAGE_COMMITTEE")


def to_township_review(s: Scenario, mode: str = "rep") -> None:
    """Verified, appraised (or decided by the committees), reviewed, published, its period over."""
    verify(s, mode=mode)
    if mode == "rep":
        rep_appraisal(s)
    else:
        committee_review(s)
    sc_review(s)
    publish_proposed(s)
    wait_past(s, DAYS, "township_review")


def to_monitored(s: Scenario, mode: str = "rep") -> None:
    to_township_review(s, mode)
    township_review(s)
    county_confirm(s)
    assist_plan(s)


def publish_removal(s: Scenario) -> None:
    assert steps(s) == {"publish_removal"} and s.ready()["publish_removal"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_removal", {"removal_published_on": "2027-03-01", "removal_notice_photo": ["att-removal-1"]},
         role="VILLAGE_COMMITTEE")
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == ("removal_publicity", s.period_end(DAYS))


def township_remove(s: Scenario, decision: str = "remove") -> None:
    assert steps(s) == {"township_remove"} and s.ready()["township_remove"][0].role == "TOWNSHIP_GOV"
    s.do("township_remove", {"removal_decision": decision, "removal_opinion": "收入持续稳定" if decision == "remove" else "务工不稳定",
                             "removal_file": ["att-removal-2"]}, role="TOWNSHIP_GOV")


def not_included(s: Scenario, reason: str) -> Scenario:
    assert steps(s) == {"notify_not_included"} and s.ready()["notify_not_included"][0].role == "VILLAGE_COMMITTEE"
    s.do("notify_not_included", {"not_included_reason": reason, "not_included_notice": ["att-notice-2"]},
         role="VILLAGE_COMMITTEE")
    return finished(s, "未纳入监测")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def monitored_helped_and_risk_removed() -> Scenario:
    s = start()
    verify(s)
    rep_appraisal(s, attendees=19, votes_for=15)            # 19 < 2/3 × 30: appraised again
    rep_appraisal(s)
    sc_review(s, "return")                                  # sent back to the home visit
    verify(s)
    rep_appraisal(s)
    sc_review(s)
    publish_proposed(s)
    object_during(s, "proposed_objection", after_days=2)
    assert s.ready()["reverify_proposed"][0].role == "TOWNSHIP_GOV"
    s.do("reverify_proposed", {"verification_finding": "所称有货车经核实已转让", "objection_upheld": False}, role="TOWNSHIP_GOV")
    assert steps(s) == {"proposed_objection"}
    wait_past(s, DAYS, "township_review")
    township_review(s, "return")
    to_township_review(s)
    township_review(s)
    county_confirm(s)
    assist_plan(s)
    next_visit(s)
    recheck(s, "adjust", income=LINE - 200)
    assist_plan(s, "employment")
    next_visit(s)
    recheck(s, "propose_removal", income=LINE + 1000, months=STABLE - 1)    # one month short: monitored on
    next_visit(s)
    recheck(s, "propose_removal", income=LINE + 1000, months=STABLE)
    publish_removal(s)
    object_during(s, "removal_objection")
    assert s.ready()["reverify_removal"][0].role == "TOWNSHIP_GOV"
    s.do("reverify_removal", {"removal_finding": "收入情况属实", "removal_objection_upheld": False}, role="TOWNSHIP_GOV")
    assert steps(s) == {"removal_objection"}
    wait_past(s, DAYS, "township_remove")
    township_remove(s)
    return finished(s, "风险消除")


def committee_route_removal_objection_upheld_then_township_keeps_then_removed() -> Scenario:
    s = start(risk_source="dept_warning", risk_type="income_drop")
    to_monitored(s, mode="committees")
    next_visit(s)
    recheck(s, "propose_removal", income=LINE, months=STABLE)
    publish_removal(s)
    object_during(s, "removal_objection")
    s.do("reverify_removal", {"removal_finding": "务工合同已到期，收入不稳", "removal_objection_upheld": True}, role="TOWNSHIP_GOV")
    assert steps(s) == set() and s.matter.waiting_timers(), "upheld: monitored on, the next visit is due"
    next_visit(s)
    recheck(s, "propose_removal", income=LINE + 2000, months=STABLE + 3)
    publish_removal(s)
    wait_past(s, DAYS, "township_remove")
    township_remove(s, "keep")
    next_visit(s)
    recheck(s, "propose_removal", income=LINE + 3000, months=STABLE + 6)
    publish_removal(s)
    wait_past(s, DAYS, "township_remove")
    township_remove(s)
    return finished(s, "风险消除")


def income_above_the_line_not_included() -> Scenario:
    s = start(risk_source="cadre_check", risk_type="emergency")
    verify(s, income=LINE, hardship=False)
    return not_included(s, "家庭年人均纯收入高于监测范围，生活无严重困难")


def appraisal_rejects() -> Scenario:
    s = start()
    verify(s)
    rep_appraisal(s, total=30, attendees=24, votes_for=12)       # half of those present is not more than half
    return not_included(s, "村民代表评议未通过")


def committees_disagree() -> Scenario:
    s = start()
    verify(s, mode="committees")
    committee_review(s, "disagree")
    return not_included(s, "家庭有稳定工资收入")


def publicity_objection_upheld() -> Scenario:
    s = start()
    verify(s, income=LINE + 3000, hardship=True)             # over the line, but in severe hardship
    rep_appraisal(s)
    sc_review(s)
    publish_proposed(s)
    object_during(s, "proposed_objection")
    s.do("reverify_proposed", {"verification_finding": "隐瞒在外经商收入", "objection_upheld": True}, role="TOWNSHIP_GOV")
    return not_included(s, "公示期间群众反映有经商收入，经核实属实")


def township_rejects() -> Scenario:
    s = start()
    to_township_review(s)
    township_review(s, "reject")
    return not_included(s, "家庭有商品房两套")


def county_rejects() -> Scenario:
    s = start()
    to_township_review(s)
    township_review(s)
    county_confirm(s, "reject")
    return not_included(s, "部门数据比对有财政供养人员")


SCENARIOS = [monitored_helped_and_risk_removed, committee_route_removal_objection_upheld_then_township_keeps_then_removed,
             income_above_the_line_not_included, appraisal_rejects, committees_disagree, publicity_objection_upheld,
             township_rejects, county_rejects]


# -- the monitoring line and the removal conditions -----------------------------------------------
@pytest.mark.parametrize("income, hardship, next_step", [
    (LINE - 0.01, False, "rep_appraisal"), (LINE, False, "notify_not_included"), (LINE, True, "rep_appraisal"),
])
def test_the_monitoring_line(income, hardship, next_step):
    s = start()
    verify(s, income=income, hardship=hardship)
    assert steps(s) == {next_step}


def test_a_township_may_set_this_years_line():
    s = start(parameters={"poverty_monitoring_income_line": 8000})
    verify(s, income=7600)
    assert steps(s) == {"rep_appraisal"}


@pytest.mark.parametrize("total, attendees, votes_for, next_step", [
    (30, 20, 11, "sc_review"),            # 20 = 2/3 × 30 attending, 11 > 10
    (30, 19, 19, "rep_appraisal"),        # one short of the quorum: appraised again
    (30, 20, 10, "notify_not_included"),  # half of those present is not more than half
])
def test_appraisal_quorum_and_majority(total, attendees, votes_for, next_step):
    s = start()
    verify(s)
    rep_appraisal(s, total, attendees, votes_for)
    assert steps(s) == {next_step}


@pytest.mark.parametrize("income, months, secure, next_step", [
    (LINE, STABLE, True, "publish_removal"),
    (LINE - 0.01, STABLE, True, None),          # under the line
    (LINE, STABLE - 1, True, None),             # not long enough
    (LINE, STABLE, False, None),                # 两不愁三保障 not secure
])
def test_risk_is_removed_only_when_the_income_stays_over_the_line(income, months, secure, next_step):
    s = start()
    to_monitored(s)
    next_visit(s)
    recheck(s, "propose_removal", income=income, months=months, secure=secure)
    if next_step:
        assert steps(s) == {next_step}
    else:
        assert steps(s) == set() and [t.element_id for t in s.matter.waiting_timers()] == ["recheck_wait"]


def test_the_visits_follow_the_townships_months():
    s = start(parameters={"poverty_monitoring_recheck_months": 1})
    to_monitored(s)
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(30)
    s.wait(s.days_to(timer.due) + 0.01)
    assert steps(s) == {"recheck"}


def test_a_township_may_ask_for_a_longer_stable_period():
    s = start(parameters={"poverty_monitoring_stable_months": 12})
    to_monitored(s)
    next_visit(s)
    recheck(s, "propose_removal", income=LINE + 1000, months=11)
    assert steps(s) == set()


# -- form rules ----------------------------------------------------------------------------------
def test_the_clue_needs_its_source_and_type():
    data = {k: v for k, v in CLUE.items() if k not in ("risk_source", "risk_type")}
    with pytest.raises(InvalidData) as err:
        clean_form_data(info().start_form, data, P)
    assert set(err.value.errors) == {"risk_source", "risk_type"}


def test_measures_need_a_responsible_cadre():
    s = start()
    to_township_review(s)
    township_review(s)
    county_confirm(s)
    with pytest.raises(InvalidData) as err:
        s.do("assist_plan", {"main_measure": "industry", "measures": "发展养殖", "plan_file": ["att-plan-1"]})
    assert set(err.value.errors) == {"responsible_cadre"}


def test_not_including_must_give_its_reason():
    s = start()
    verify(s, income=LINE + 1)
    with pytest.raises(InvalidData) as err:
        s.do("notify_not_included", {"not_included_notice": ["att-notice-2"]})
    assert set(err.value.errors) == {"not_included_reason"}


# -- what is published ---------------------------------------------------------------------------
def test_only_the_household_heads_name_is_published():
    s = start()
    verify(s)
    rep_appraisal(s)
    sc_review(s)
    publish_proposed(s)
    for step in ("publish_proposed", "publish_removal"):
        (publication,) = info().steps[step].publications
        assert publication.section == "service_result"
        assert {f.ref for f in publication.fields if f.cls != "never"} == {
            "household_head", f"{step.removeprefix('publish_')}_published_on"}
    (publication,) = info().steps["publish_proposed"].publications
    assert publication.publicity_step == "proposed_objection"
    record = disclose(publication, data_at(s, "proposed_objection"), {"village": "绿水村", "township": "青山镇"})
    assert record["subject"] == "赵*柱" and record["documents"] == []
    assert {f["label"] for f in record["fields"]} == {"户主姓名", "公示日期"}
    for private in ("赵铁柱", "尿毒症", "透析", str(LINE - 1500)):
        assert private not in str(record), private

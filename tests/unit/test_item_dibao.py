"""Scenario tests of 最低生活保障审核确认 (dibao, FW-01), in the order of 民发〔2021〕57号.

受理 → 调查核实 → (民主评议, where the township holds one for the case: 第十九条 "可视情组织") →
乡镇初审意见 → 初审意见在村公示7天 (第二十条: an objection sends the case back to 调查核实, a
dismissed one restarts the period) → 县级审核确认 → refused: 书面告知 within 3 working days
(第二十二条); confirmed: 长期公示 of 户主姓名、保障人数、保障金额 (第二十七条), masked.

The start form is checked as the service checks it (`clean_form_data` over the township
parameters) before the matter starts. Together the scenarios take every sequence flow of the item
at least once (`test_every_sequence_flow_is_taken`): the material-supplement loop, a case with and
one without 民主评议, the appraisal redone for a panel short of representatives and for the 村监委's
return, both publicity periods with an objection dismissed (the period starts again) and upheld, and
the home check that a declared relative of 低保 staff or village cadres cannot skip (red line R12).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.expressions import evaluate
from engine.workdays import WorkingDays
from engine.forms import clean_form_data
from engine.registry import check_override, load_parameters
from tests.scenario import PROCESSES, Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, wait_past

KEY = "dibao"
P = default_parameters()
APPLICATION = {
    "applicant_name": "王大山", "household_size": 3, "per_capita_income": 420,
    "application_reason": "户主因病丧失劳动能力，家庭无稳定收入", "related_to_staff": False,
    "consent_authorization": ["att-consent-1"], "application_documents": ["att-application-1"],
}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="最低生活保障审核确认", list_code="FW-01", category="便民服务",
    cites=("民发〔2021〕57号",),
    lanes={"APPLICANT", "TOWNSHIP_GOV", "VILLAGE_COMMITTEE", "SUPERVISION_COMMITTEE", "PUBLIC_PLATFORM",
           "COUNTY_DEPT"},
    supervision={"sc_review", "first_review_objection", "result_objection"},
    objections={"first_review_objection", "result_objection"},
    separations={"appraisal": ("start",), "sc_review": ("start", "appraisal"), "first_review": ("start",),
                 "reverify_first_review": ("start",), "county_review": ("start",),
                 "home_check": ("start", "investigate"), "confirm": ("start",), "recheck_result": ("start",)},
    end_events={"end_not_accepted": "不予受理", "end_refused": "不予认定", "end_granted": "已认定"},
)


def info():
    return item_catalog(KEY).bundle(KEY).info


def start(parameters: dict | None = None, **fields) -> Scenario:
    """Check the application as the service does, then start the matter."""
    params = {**P, **(parameters or {})}
    cleaned = clean_form_data(info().start_form, {**APPLICATION, **fields}, params)
    s = Scenario(KEY, cleaned, parameters=parameters)
    assert steps(s) == {"accept_application"} and s.ready()["accept_application"][0].role == "TOWNSHIP_GOV"
    return s


# -- walking the item --------------------------------------------------------------------------
def accept(s: Scenario, acceptance: str = "accept") -> None:
    s.do("accept_application", {"acceptance": acceptance, "acceptance_note": "材料齐全" if acceptance == "accept" else
                                "缺少残疾证明和医疗票据", "accepted_on": "2026-03-02"}, role="TOWNSHIP_GOV")


def investigate(s: Scenario, complex_case: bool = False, hold_appraisal: bool = True) -> None:
    assert steps(s) == {"investigate"} and s.ready()["investigate"][0].role == "TOWNSHIP_GOV"
    s.do("investigate", {"info_check_result": "无车辆、无工商登记，存款低于标准", "home_visit_record": "两名工作人员入户，住房简陋",
                         "neighbour_visit_record": "走访邻居三户，情况属实", "verified_income": 380,
                         "complex_case": complex_case, "hold_appraisal": hold_appraisal,
                         "investigation_files": ["att-survey-1"]}, role="TOWNSHIP_GOV")
    assert steps(s) == ({"appraisal"} if hold_appraisal else {"first_review"})


def appraise(s: Scenario, panel_total: int = 9, panel_reps: int = 6, ballots_cast: int = 9, votes_for: int = 7,
             votes_against: int = 2) -> None:
    assert steps(s) == {"appraisal"} and s.ready()["appraisal"][0].role == "VILLAGE_COMMITTEE"
    s.do("appraisal", {"appraisal_on": "2026-03-10", "panel_total": panel_total, "panel_reps": panel_reps,
                       "ballots_cast": ballots_cast, "votes_for": votes_for, "votes_against": votes_against,
                       "appraisal_minutes": ["att-minutes-1"], "ballots": ["att-ballots-1"]}, role="VILLAGE_COMMITTEE")


def supervise(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"sc_review"} and s.ready()["sc_review"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_review", {"sc_reviewers": "监委会主任李四", "sc_result": result,
                       "sc_opinion": "无记名投票，当场唱票" if result == "approve" else "未当场公布计票结果"},
         role="SUPERVISION_COMMITTEE")


def first_review(s: Scenario) -> None:
    assert steps(s) == {"first_review"} and s.ready()["first_review"][0].role == "TOWNSHIP_GOV"
    s.do("first_review", {"first_review_opinion": "recommend", "first_review_reason": "家庭人均收入低于当地低保标准",
                          "proposed_allowance": 900}, role="TOWNSHIP_GOV")


def publish_first_review(s: Scenario) -> None:
    """The 初审意见 is published in the village for the township's days (not fewer than 7)."""
    assert steps(s) == {"publish_first_review"}
    s.do("publish_first_review", {"first_review_notice": "王大山户3人，初审建议确认为低保对象",
                                  "first_review_published_on": "2026-03-11",
                                  "first_review_notice_photo": ["att-notice-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"first_review_objection"}
    assert s.ready()["first_review_objection"][0].role == "SUPERVISION_COMMITTEE"
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == ("first_review_publicity",
                                             s.period_end(P["dibao_publicity_days"]))


def township_stage(s: Scenario, complex_case: bool = False, hold_appraisal: bool = True) -> None:
    """From 调查核实 (with or without 民主评议) to the end of the 初审 publicity, no objection."""
    investigate(s, complex_case, hold_appraisal)
    if hold_appraisal:
        appraise(s)
        supervise(s)
    first_review(s)
    publish_first_review(s)
    wait_past(s, P["dibao_publicity_days"], "county_review")


def county_reviews(s: Scenario, sampled: bool = False) -> None:
    assert steps(s) == {"county_review"} and s.ready()["county_review"][0].role == "COUNTY_DEPT"
    s.do("county_review", {"materials_opinion": "材料齐全", "home_check_sampled": sampled}, role="COUNTY_DEPT")


def home_check(s: Scenario) -> None:
    assert steps(s) == {"home_check"} and s.ready()["home_check"][0].role == "COUNTY_DEPT"
    s.do("home_check", {"home_checked_on": "2026-03-25", "home_check_staff": "县民政局赵、钱",
                        "home_check_record": "与调查结果一致", "home_check_photos": ["att-home-1"]}, role="COUNTY_DEPT")


def confirm(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"confirm"}
    approve = decision == "approve"
    s.do("confirm", {"confirm_decision": decision, "confirm_reason": "符合低保条件" if approve else "家庭财产超过规定标准",
                     "covered_persons": 3 if approve else 0, "monthly_allowance": 900 if approve else 0}, role="COUNTY_DEPT")


def publish_result(s: Scenario) -> None:
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"result_notice": "户主王大山，保障3人，每月900元", "result_published_on": "2026-03-30",
                            "result_notice_photo": ["att-result-1"]}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}


def granted(s: Scenario) -> Scenario:
    wait_past(s, P["dibao_result_publicity_days"], "register_payment")
    s.do("register_payment", {"payment_from": "2026-05-01", "payment_account": "6217000012345678"}, role="COUNTY_DEPT")
    return finished(s, "已认定")


def refused(s: Scenario) -> Scenario:
    assert steps(s) == {"notify_refusal"} and s.ready()["notify_refusal"][0].role == "COUNTY_DEPT"
    s.do("notify_refusal", {"refusal_reason": "家庭财产超过规定标准", "refusal_notice_no": "民低告〔2026〕3号",
                            "refusal_notice": ["att-refusal-1"]}, role="COUNTY_DEPT")
    return finished(s, "不予认定")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def granted_without_home_check() -> Scenario:
    s = start()
    accept(s)
    township_stage(s)
    county_reviews(s, sampled=False)
    assert steps(s) == {"confirm"}, "neither a relative nor sampled: no home check"
    confirm(s)
    publish_result(s)
    return granted(s)


def relative_of_a_cadre_is_checked_at_home() -> Scenario:
    s = start(related_to_staff=True, related_detail="申请人系村委会委员王小山之兄")
    accept(s)
    township_stage(s, hold_appraisal=False)   # the township holds no 民主评议 for this case
    county_reviews(s, sampled=False)         # not sampled, yet the declared relative forces the home check
    home_check(s)
    confirm(s)
    publish_result(s)
    return granted(s)


def sampled_for_home_check_then_refused() -> Scenario:
    s = start()
    accept(s)
    township_stage(s, complex_case=True)
    county_reviews(s, sampled=True)
    home_check(s)
    confirm(s, "reject")
    return refused(s)


def supplemented_then_not_accepted() -> Scenario:
    s = start()
    accept(s, "supplement")
    assert steps(s) == {"supplement_materials"} and s.ready()["supplement_materials"][0].role == "APPLICANT"
    s.do("supplement_materials", {"supplement_note": "补交医疗诊断书", "supplement_documents": ["att-supp-1"]},
         role="APPLICANT")
    assert steps(s) == {"accept_application"}
    s.do("accept_application", {"acceptance": "reject", "acceptance_note": "户籍不在本乡镇，请向户籍地申请",
                                "accepted_on": "2026-03-06"}, role="TOWNSHIP_GOV")
    return finished(s, "不予受理")


def appraisal_redone_then_objection_dismissed() -> Scenario:
    s = start()
    accept(s)
    investigate(s)
    appraise(s, panel_total=9, panel_reps=5)                  # 5 < 2/3 × 9: the panel is not properly made up
    appraise(s, panel_total=9, panel_reps=6)
    supervise(s, "return")
    assert steps(s) == {"appraisal"}
    appraise(s)
    supervise(s)
    first_review(s)
    publish_first_review(s)
    object_during(s, "first_review_objection", after_days=3)
    assert s.ready()["reverify_first_review"][0].role == "TOWNSHIP_GOV"
    s.do("reverify_first_review", {"verification_finding": "经核实，申请人确无其他收入", "objection_upheld": False},
         role="TOWNSHIP_GOV")
    assert steps(s) == {"first_review_objection"}
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(P["dibao_publicity_days"]), "the period starts again"
    wait_past(s, P["dibao_publicity_days"], "county_review")
    county_reviews(s)
    confirm(s)
    publish_result(s)
    return granted(s)


def first_review_objection_upheld_reinvestigated() -> Scenario:
    s = start()
    accept(s)
    investigate(s, hold_appraisal=False)
    first_review(s)
    publish_first_review(s)
    object_during(s, "first_review_objection")
    s.do("reverify_first_review", {"verification_finding": "申请人子女在外务工有稳定收入，未申报", "objection_upheld": True},
         role="TOWNSHIP_GOV")
    assert steps(s) == {"investigate"}, "an upheld objection sends the case back to investigation (第二十条)"
    township_stage(s)                              # this time the township holds a 民主评议
    county_reviews(s)
    confirm(s, "reject")
    return refused(s)


def result_objections_dismissed_then_upheld() -> Scenario:
    s = start()
    accept(s)
    township_stage(s)
    county_reviews(s)
    confirm(s)
    publish_result(s)
    object_during(s, "result_objection", after_days=2)
    assert s.ready()["recheck_result"][0].role == "COUNTY_DEPT"
    s.do("recheck_result", {"verification_finding": "异议人反映的车辆已于去年报废", "objection_upheld": False},
         role="COUNTY_DEPT")
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == (
        "result_publicity", s.period_end(P["dibao_result_publicity_days"])), "the period starts again"
    object_during(s, "result_objection", after_days=6)
    s.do("recheck_result", {"verification_finding": "申请人名下有商铺出租", "objection_upheld": True}, role="COUNTY_DEPT")
    assert steps(s) == {"county_review"}, "an upheld objection goes back to the county's review"
    county_reviews(s, sampled=True)
    home_check(s)
    confirm(s, "reject")
    return refused(s)


SCENARIOS = [granted_without_home_check, relative_of_a_cadre_is_checked_at_home, sampled_for_home_check_then_refused,
             supplemented_then_not_accepted, appraisal_redone_then_objection_dismissed,
             first_review_objection_upheld_reinvestigated, result_objections_dismissed_then_upheld]




# -- rules ---------------------------------------------------------------------------------------
def to_appraisal() -> Scenario:
    s = start()
    accept(s)
    investigate(s)
    return s


@pytest.mark.parametrize("panel_total, panel_reps, valid", [
    (9, 6, True), (9, 5, False),          # 2/3 × 9 = 6 exactly
    (10, 7, True), (10, 6, False),        # 2/3 × 10 = 6.67
    (3, 2, True), (3, 1, False),
])
def test_representatives_on_the_panel(panel_total, panel_reps, valid):
    s = to_appraisal()
    appraise(s, panel_total=panel_total, panel_reps=panel_reps, ballots_cast=panel_total, votes_for=1, votes_against=0)
    assert steps(s) == ({"sc_review"} if valid else {"appraisal"})


def test_a_township_may_change_the_representative_fraction():
    s = start(parameters={"dibao_panel_rep_fraction": "1/2"})
    accept(s)
    investigate(s)
    appraise(s, panel_total=10, panel_reps=5)
    assert steps(s) == {"sc_review"}


def test_a_township_may_lengthen_the_publicity_but_not_below_seven_days():
    params = load_parameters(PROCESSES)
    for name in ("dibao_publicity_days", "dibao_result_publicity_days"):
        assert params[name].minimum == 7
        with pytest.raises(InvalidData) as err:
            check_override(params[name], 6)
        assert set(err.value.errors) == {name}
        assert check_override(params[name], 10) == 10
    s = start(parameters={"dibao_publicity_days": 10})
    accept(s)
    investigate(s)
    appraise(s)
    supervise(s)
    first_review(s)
    s.do("publish_first_review", {"first_review_notice": "公示", "first_review_published_on": "2026-03-11",
                                  "first_review_notice_photo": ["att-notice-1"]})
    wait_past(s, 10, "county_review")


def test_vote_counts_may_not_exceed_the_panel():
    s = to_appraisal()
    with pytest.raises(InvalidData) as err:
        appraise(s, panel_total=9, panel_reps=10, ballots_cast=10, votes_for=11, votes_against=0)
    assert set(err.value.errors) == {"panel_reps", "ballots_cast", "votes_for", "votes_against"}
    with pytest.raises(InvalidData) as err:
        appraise(s, panel_total=9, panel_reps=6, ballots_cast=9, votes_for=7, votes_against=3)
    assert set(err.value.errors) == {"votes_against"}
    appraise(s, panel_total=9, panel_reps=6, ballots_cast=9, votes_for=7, votes_against=2)
    assert steps(s) == {"sc_review"}


def test_the_application_needs_the_declaration_and_the_consent():
    data = {k: v for k, v in APPLICATION.items() if k not in ("related_to_staff", "consent_authorization")}
    with pytest.raises(InvalidData) as err:
        clean_form_data(info().start_form, data, P)
    assert set(err.value.errors) == {"related_to_staff", "consent_authorization"}


def test_the_appraisal_needs_minutes_and_ballots():
    s = to_appraisal()
    with pytest.raises(InvalidData) as err:
        s.do("appraisal", {"appraisal_on": "2026-03-10", "panel_total": 9, "panel_reps": 6, "ballots_cast": 9,
                           "votes_for": 7, "votes_against": 2})
    assert set(err.value.errors) == {"appraisal_minutes", "ballots"}


def test_covered_persons_may_not_exceed_the_household():
    s = start()
    accept(s)
    township_stage(s)
    county_reviews(s)
    with pytest.raises(InvalidData) as err:
        s.do("confirm", {"confirm_decision": "approve", "confirm_reason": "符合条件", "covered_persons": 4,
                         "monthly_allowance": 900})
    assert set(err.value.errors) == {"covered_persons"}


def test_a_refusal_must_give_its_reason():
    s = start()
    accept(s)
    township_stage(s)
    county_reviews(s)
    confirm(s, "reject")
    with pytest.raises(InvalidData) as err:
        s.do("notify_refusal", {"refusal_notice_no": "民低告〔2026〕3号", "refusal_notice": ["att-refusal-1"]})
    assert set(err.value.errors) == {"refusal_reason"}
    assert steps(s) == {"notify_refusal"}


def test_time_limits_are_parameters():
    steps_ = info().steps
    # The law counts these limits in working days (民发〔2021〕57号): workdays(), on the holiday calendar.
    assert steps_["first_review"].deadline == "workdays(dibao_first_review_days)"
    assert evaluate(steps_["first_review"].deadline, P) == WorkingDays(15)
    # The county's share of the overall 30 (complex: 45) working days after the township's 15.
    assert evaluate(steps_["confirm"].deadline, {**P, "complex_case": False}) == WorkingDays(15)
    assert evaluate(steps_["confirm"].deadline, {**P, "complex_case": True}) == WorkingDays(30)
    assert evaluate(steps_["confirm"].deadline, {**P, "dibao_time_limit_days": 25, "complex_case": False}) == WorkingDays(10)
    assert evaluate(steps_["recheck_result"].deadline, P) == WorkingDays(20)
    # 不予确认: 书面告知 within 3 working days of the decision (第二十二条), a working-day deadline.
    assert steps_["notify_refusal"].deadline == "workdays(dibao_refusal_notice_days)"
    assert evaluate(steps_["notify_refusal"].deadline, P) == WorkingDays(3)


# -- the order of 民发〔2021〕57号 ----------------------------------------------------------------------
def test_the_township_reviews_first_and_then_publishes_its_opinion():
    """第二十条: 乡镇提出初审意见，并在申请家庭所在村公示；公示期满无异议的报县级民政部门."""
    s = start()
    accept(s)
    investigate(s)
    appraise(s)
    supervise(s)
    assert steps(s) == {"first_review"}, "the 初审 follows the appraisal, before any publicity"
    first_review(s)
    assert steps(s) == {"publish_first_review"}, "the 初审意见 is what the village publishes"
    (publication,) = info().steps["publish_first_review"].publications
    assert publication.publicity_step == "first_review_objection"
    published = {f.ref for f in publication.fields if f.cls != "never"}
    assert {"first_review_opinion", "first_review_published_on"} <= published
    assert next(f for f in publication.fields if f.ref == "id_number").cls == "never"     # 57号: name, persons, amount; no ID
    publish_first_review(s)
    wait_past(s, P["dibao_publicity_days"], "county_review")
    assert P["dibao_publicity_days"] == 7


def test_the_appraisal_is_the_townships_choice_for_the_case():
    """第十九条: 乡镇人民政府可视情组织开展民主评议: not a step every case must pass."""
    s = start()
    accept(s)
    investigate(s, hold_appraisal=False)
    assert steps(s) == {"first_review"}
    field = next(f for f in info().steps["investigate"].form.fields if f.name == "hold_appraisal")
    assert field.type == "boolean" and field.required, "the township says, for each case, whether it holds one"


def test_a_refusal_is_notified_within_three_working_days():
    """第二十二条: 不予确认的，在作出决定3个工作日内书面告知: counted in working days, at most 3."""
    params = load_parameters(PROCESSES)
    limit = params["dibao_refusal_notice_days"]
    assert (limit.value, limit.maximum, limit.unit) == (3, 3, "工作日"), "a township may shorten, never lengthen"
    with pytest.raises(InvalidData):
        check_override(limit, 4)
    steps_ = info().steps
    assert steps_["notify_refusal"].deadline == "workdays(dibao_refusal_notice_days)"
    assert evaluate(steps_["notify_refusal"].deadline, {**P, "dibao_refusal_notice_days": 2}) == WorkingDays(2)


def test_the_confirmed_list_is_published_long_term_and_masked():
    """第二十七条: 长期公示 of 户主姓名、保障人数、保障金额, with 数据脱敏."""
    (publication,) = info().steps["publish_result"].publications
    assert publication.long_term
    fields = {f.ref: f for f in publication.fields}
    assert fields["id_number"].cls == "never" and fields["applicant_name"].mask == "name_partial"
    assert fields["phone"].cls == "never" and fields["payment_account"].cls == "never"
    assert {"covered_persons", "monthly_allowance"} <= {r for r, f in fields.items() if f.cls == "public"}
    (earlier,) = info().steps["publish_first_review"].publications
    assert not earlier.long_term, "the 初审意见 is published for its period only"
    assert "长期公示" in info().metadata["publicity"]

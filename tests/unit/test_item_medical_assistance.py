"""Scenario tests of 医疗救助申请 (medical_assistance, FW-09).

The 依申请 path of 医疗救助 (国办发〔2021〕42号; what is settled 一站式 at the hospital never
reaches the village): the village takes the application and checks it (a home visit for a
因病致贫重病患者), the township 审核, the applicants other than 特困人员 and 低保对象 are publicised
before the county decides (《社会救助暂行办法》第三十条), the county fixes the amount from the
category's deductible, ratio and the year's cap, the payment is recorded and the result is
published with the name, the category and the amount only: never the diagnosis. Amounts are checked
exactly at the category's ratio and at the annual cap. Together the scenarios take every sequence
flow of the item (`test_every_sequence_flow_is_taken` in tests/unit/test_items.py).
"""
from __future__ import annotations


import pytest

from engine.disclosure import disclose
from engine.errors import InvalidData
from engine.forms import clean_form_data
from tests.scenario import Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, wait_past

KEY = "medical_assistance"
P = default_parameters()
DAYS = P["medical_assistance_publicity_days"]
APPLICATION = {
    "applicant_name": "王桂兰", "id_number": "110101196203151228", "applicant_category": "dibao",
    "hospital": "县人民医院", "diagnosis": "乳腺恶性肿瘤，术后化疗", "total_cost": 60000, "insurance_paid": 33000,
    "critical_paid": 12000, "out_of_pocket": 15000, "application_documents": ["att-application-1"],
}
RATIO = {c: P[f"medical_assistance_ratio_{c}"] for c in ("extreme", "dibao", "marginal", "monitored", "illness")}
DEDUCTIBLE = {c: P[f"medical_assistance_deductible_{c}"] for c in RATIO}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="医疗救助申请", list_code="FW-09", category="便民服务",
    cites=("国办发〔2021〕42号", "《社会救助暂行办法》"),
    lanes={"APPLICANT", "TOWNSHIP_GOV", "SUPERVISION_COMMITTEE", "PUBLIC_PLATFORM", "VILLAGE_COMMITTEE",
           "COUNTY_DEPT"},
    supervision={"review_objection", "sc_review", "result_objection"},
    objections={"review_objection", "result_objection"},
    separations={"village_check": ("start",), "home_visit": ("start",),
                 "township_review": ("start", "village_check", "home_visit"),
                 "reverify_review": ("start", "village_check"),
                 "county_decide": ("start", "village_check", "township_review"),
                 "record_payment": ("start", "county_decide"),
                 "sc_review": ("start", "village_check", "prepare_notice"),
                 "reverify_result": ("start", "county_decide"), "revoke": ("start",), "notify_refusal": ("start",)},
    end_events={"end_granted": "已救助", "end_revoked": "撤销救助", "end_refused": "不予救助"},
)


def info():
    return item_catalog(KEY).bundle(KEY).info


def start(category: str = "dibao", parameters: dict | None = None, **changes) -> Scenario:
    data = clean_form_data(info().start_form, {**APPLICATION, "applicant_category": category, **changes},
                           {**P, **(parameters or {})})
    s = Scenario(KEY, data, parameters=parameters)
    assert steps(s) == {"village_check"} and s.ready()["village_check"][0].role == "VILLAGE_COMMITTEE"
    return s


def data_at(s: Scenario, step: str) -> dict:
    """The matter's data as the ready step `step` sees it."""
    return dict(s.matter.task(s.ready()[step][0].task_id).data)


def expected(category: str, eligible, received=0, parameters: dict | None = None) -> float:
    p = {**P, **(parameters or {})}
    base = max(eligible - p[f"medical_assistance_deductible_{category}"], 0)
    return round(min(base * p[f"medical_assistance_ratio_{category}"] / 100,
                     max(p["medical_assistance_annual_cap"] - received, 0)), 2)


# -- walking the item --------------------------------------------------------------------------
def village_check(s: Scenario, complete: bool = True, confirmed: bool = True) -> None:
    assert steps(s) == {"village_check"}
    s.do("village_check", {"materials_complete": complete, "category_confirmed": confirmed,
                           "check_record": "与低保名册核对一致" if complete else "缺医保报销单"}, role="VILLAGE_COMMITTEE")


def supplement(s: Scenario) -> None:
    assert steps(s) == {"supplement"} and s.ready()["supplement"][0].role == "APPLICANT"
    s.do("supplement", {"supplement_note": "补交医保报销单", "supplement_files": ["att-supplement-1"]}, role="APPLICANT")


def home_visit(s: Scenario, confirmed: bool = True) -> None:
    assert steps(s) == {"home_visit"} and s.ready()["home_visit"][0].role == "VILLAGE_COMMITTEE"
    s.do("home_visit", {"visited_on": "2026-03-04", "household_size": 4, "household_income": 26000,
                        "hardship_confirmed": confirmed, "visit_finding": "自付医疗费超过家庭年收入" if confirmed else "家庭有商铺出租收入",
                        "visit_record": ["att-visit-1"]}, role="VILLAGE_COMMITTEE")


def township_review(s: Scenario, decision: str = "forward") -> None:
    assert steps(s) == {"township_review"} and s.ready()["township_review"][0].role == "TOWNSHIP_GOV"
    s.do("township_review", {"township_decision": decision, "township_opinion": {
        "forward": "符合医疗救助条件", "return": "请补充入户核查记录", "reject": "已由商业保险全额赔付"}[decision]},
        role="TOWNSHIP_GOV")


def publish_review(s: Scenario) -> None:
    assert steps(s) == {"publish_review"} and s.ready()["publish_review"][0].role == "TOWNSHIP_GOV"
    s.do("publish_review", {"review_published_on": "2026-03-06", "review_notice_photo": ["att-review-1"]},
         role="TOWNSHIP_GOV")
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == ("review_publicity", s.period_end(DAYS))


def county_decide(s: Scenario, amount, eligible=15000, received=0, decision: str = "grant", applied: tuple = ()) -> None:
    """The county's decision; `applied` = (deductible, ratio) when not the matter's own parameters."""
    assert steps(s) == {"county_decide"} and s.ready()["county_decide"][0].role == "COUNTY_DEPT"
    data = data_at(s, "county_decide")
    category = data["applicant_category"]
    deductible, ratio = applied or (data[f"medical_assistance_deductible_{category}"],
                                    data[f"medical_assistance_ratio_{category}"])
    s.do("county_decide", {"eligible_costs": eligible, "received_this_year": received, "county_decision": decision,
                           "deductible_applied": deductible, "ratio_applied": ratio, "approved_amount": amount,
                           "county_opinion": "按比例核定" if decision == "grant" else "不属于政策范围内费用"}, role="COUNTY_DEPT")


def record_payment(s: Scenario, amount) -> None:
    assert steps(s) == {"record_payment"} and s.ready()["record_payment"][0].role == "COUNTY_DEPT"
    s.do("record_payment", {"paid_amount": amount, "paid_on": "2026-03-20", "payment_voucher": ["att-pay-1"]},
         role="COUNTY_DEPT")


def publish_result(s: Scenario, sc_result: str = "approve") -> None:
    assert steps(s) == {"prepare_notice"} and s.ready()["prepare_notice"][0].role == "VILLAGE_COMMITTEE"
    s.do("prepare_notice", {"result_notice": "王桂兰，低保对象，医疗救助金额"}, role="VILLAGE_COMMITTEE")
    assert s.ready()["sc_review"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_review", {"sc_review_result": sc_result,
                       "sc_review_opinion": "公示内容不含病情，同意" if sc_result == "approve" else "公示内容写了病情，退回"},
         role="SUPERVISION_COMMITTEE")
    if sc_result != "approve":
        return
    assert s.ready()["publish_result"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_result", {"result_published_on": "2026-03-22", "result_notice_photo": ["att-result-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"result_objection"}
    (timer,) = s.matter.waiting_timers()
    assert (timer.element_id, timer.due) == ("result_publicity", s.period_end(DAYS))


def granted(s: Scenario) -> Scenario:
    s.wait(s.days_to(s.period_end(DAYS)) - 0.01)
    assert s.matter.waiting_timers(), "the publicity ended early"
    s.wait(0.02)
    return finished(s, "已救助")


def refused(s: Scenario, reason: str) -> Scenario:
    assert steps(s) == {"notify_refusal"} and s.ready()["notify_refusal"][0].role == "TOWNSHIP_GOV"
    s.do("notify_refusal", {"refusal_reason": reason, "refusal_notice": ["att-refusal-1"]}, role="TOWNSHIP_GOV")
    return finished(s, "不予救助")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def dibao_decided_directly_and_published() -> Scenario:
    """特困人员、低保对象 go from the township straight to the county (no publicity before it)."""
    s = start("dibao")
    village_check(s)
    township_review(s)
    amount = expected("dibao", 15000)                    # (15000 - 0) × 70% = 10500
    assert amount == 10500
    county_decide(s, amount)
    record_payment(s, amount)
    publish_result(s, "return")                          # the notice named the illness: written again
    publish_result(s)
    return granted(s)


def incomplete_application_then_illness_poverty_publicised() -> Scenario:
    s = start("illness", out_of_pocket=15000)
    village_check(s, complete=False)
    supplement(s)
    village_check(s)
    home_visit(s)
    township_review(s)
    publish_review(s)
    object_during(s, "review_objection", after_days=2)
    assert s.ready()["reverify_review"][0].role == "TOWNSHIP_GOV"
    s.do("reverify_review", {"verification_finding": "所称有轿车经核实为亲属所有", "objection_upheld": False}, role="TOWNSHIP_GOV")
    assert steps(s) == {"review_objection"}
    wait_past(s, DAYS, "county_decide")
    amount = expected("illness", 12000)                  # (12000 - 5000) × 50% = 3500
    assert amount == 3500
    county_decide(s, amount, eligible=12000)
    record_payment(s, amount)
    publish_result(s)
    return granted(s)


def marginal_publicised_then_result_objection_upheld() -> Scenario:
    s = start("marginal")
    village_check(s)
    township_review(s)
    publish_review(s)
    wait_past(s, DAYS, "county_decide")
    amount = expected("marginal", 15000)                 # (15000 - 2000) × 60% = 7800
    county_decide(s, amount)
    record_payment(s, amount)
    publish_result(s)
    object_during(s, "result_objection", after_days=3)
    s.do("reverify_result", {"result_finding": "经查同期已获临时救助同一费用", "result_objection_upheld": False},
         role="COUNTY_DEPT")
    assert steps(s) == {"result_objection"}, "dismissed: the result is published again"
    object_during(s, "result_objection")
    assert s.ready()["reverify_result"][0].role == "COUNTY_DEPT"
    s.do("reverify_result", {"result_finding": "申请人隐瞒商业保险赔付", "result_objection_upheld": True}, role="COUNTY_DEPT")
    assert steps(s) == {"revoke"} and s.ready()["revoke"][0].role == "COUNTY_DEPT"
    s.do("revoke", {"revoke_reason": "隐瞒商业保险赔付，重复获得补偿", "recovered_amount": amount,
                    "revoke_notice": ["att-revoke-1"]}, role="COUNTY_DEPT")
    return finished(s, "撤销救助")


def category_not_on_the_roster() -> Scenario:
    s = start("extreme")
    village_check(s, confirmed=False)
    return refused(s, "申请人不在特困人员名册内，可按因病致贫重病患者重新申请")


def home_visit_finds_no_hardship() -> Scenario:
    s = start("illness")
    village_check(s)
    home_visit(s, confirmed=False)
    return refused(s, "家庭有稳定经营收入，医疗费用未致基本生活严重困难")


def township_returns_then_refuses() -> Scenario:
    s = start("monitored")
    village_check(s)
    township_review(s, "return")
    village_check(s)
    township_review(s, "reject")
    return refused(s, "已由商业保险全额赔付")


def review_objection_upheld() -> Scenario:
    s = start("monitored")
    village_check(s)
    township_review(s)
    publish_review(s)
    object_during(s, "review_objection")
    s.do("reverify_review", {"verification_finding": "已不在防返贫监测对象名单", "objection_upheld": True}, role="TOWNSHIP_GOV")
    return refused(s, "已于去年标注风险消除，不属于防返贫监测对象")


def county_refuses() -> Scenario:
    s = start("extreme")
    village_check(s)
    township_review(s)
    county_decide(s, 0, decision="reject")
    return refused(s, "所列费用均为医保目录外费用")


SCENARIOS = [dibao_decided_directly_and_published, incomplete_application_then_illness_poverty_publicised,
             marginal_publicised_then_result_objection_upheld, category_not_on_the_roster,
             home_visit_finds_no_hardship, township_returns_then_refuses, review_objection_upheld, county_refuses]


# -- the amount ----------------------------------------------------------------------------------
def to_county(category: str, parameters: dict | None = None) -> Scenario:
    s = start(category, parameters=parameters)
    village_check(s)
    if category == "illness":
        home_visit(s)
    township_review(s)
    if category not in ("extreme", "dibao"):
        publish_review(s)
        wait_past(s, DAYS, "county_decide")
    return s


@pytest.mark.parametrize("category", sorted(RATIO))
def test_the_amount_is_the_category_ratio_of_the_costs_above_its_deductible(category):
    s = to_county(category)
    amount = expected(category, 14999.99)
    assert amount == round((14999.99 - DEDUCTIBLE[category]) * RATIO[category] / 100, 2)
    for wrong in (round(amount + 0.01, 2), round(amount - 0.01, 2)):
        with pytest.raises(InvalidData) as err:
            county_decide(s, wrong, eligible=14999.99)
        assert set(err.value.errors) == {"approved_amount"}
    county_decide(s, amount, eligible=14999.99)
    assert steps(s) == {"record_payment"}


def test_the_annual_cap_limits_the_amount():
    s = to_county("dibao")
    cap = P["medical_assistance_annual_cap"]
    received = cap - 1000                                  # 1000 left of the year's cap
    with pytest.raises(InvalidData):
        county_decide(s, expected("dibao", 15000), received=received)
    county_decide(s, 1000, received=received)
    record_payment(s, 1000)
    s = to_county("dibao")
    county_decide(s, 0, received=cap)                      # the cap is used up: nothing to grant
    assert steps(s) == {"notify_refusal"}


def test_costs_below_the_deductible_give_nothing():
    s = to_county("illness")
    county_decide(s, 0, eligible=DEDUCTIBLE["illness"])
    assert steps(s) == {"notify_refusal"}


def test_a_township_may_change_the_ratio_and_deductible():
    changes = {"medical_assistance_ratio_marginal": 80, "medical_assistance_deductible_marginal": 1000}
    s = to_county("marginal", parameters=changes)
    county_decide(s, 11200)                               # (15000 - 1000) × 80%
    assert steps(s) == {"record_payment"}


def test_dibao_and_extreme_ratios_keep_the_statutory_floor():
    params = {n: p for n, p in __import__("engine.registry", fromlist=["x"]).load_parameters(
        __import__("tests.catalogs", fromlist=["x"]).PROCESSES).items()}
    for category in ("extreme", "dibao"):
        assert params[f"medical_assistance_ratio_{category}"].minimum == 70       # 不低于70%（国办发〔2021〕42号）
    for category in RATIO:
        assert params[f"medical_assistance_ratio_{category}"].maximum == 100


def test_a_refusal_has_no_amount_and_the_payment_is_the_amount():
    s = to_county("dibao")
    with pytest.raises(InvalidData) as err:
        county_decide(s, 100, decision="reject")
    assert set(err.value.errors) == {"approved_amount"}
    county_decide(s, 10500)
    with pytest.raises(InvalidData) as err:
        record_payment(s, 10499.99)
    assert set(err.value.errors) == {"paid_amount"}


def test_the_deductible_and_ratio_applied_are_the_categorys_parameters():
    s = to_county("marginal")
    with pytest.raises(InvalidData) as err:
        county_decide(s, 9100, applied=(2000, 70))       # the 低保 ratio for a 低保边缘 member (amount consistent with it)
    assert set(err.value.errors) == {"ratio_applied"}
    with pytest.raises(InvalidData) as err:
        county_decide(s, 9000, applied=(0, 60))          # no deductible, as for 低保对象
    assert set(err.value.errors) == {"deductible_applied"}
    county_decide(s, 7800, applied=(2000, 60))
    assert steps(s) == {"record_payment"}


def test_eligible_costs_stay_within_the_out_of_pocket_amount():
    s = to_county("dibao")
    with pytest.raises(InvalidData) as err:
        county_decide(s, 10500.01, eligible=15000.01)
    assert "eligible_costs" in err.value.errors


# -- form rules ----------------------------------------------------------------------------------
def test_the_out_of_pocket_amount_is_what_insurance_left():
    with pytest.raises(InvalidData) as err:
        clean_form_data(info().start_form, {**APPLICATION, "out_of_pocket": 15000.01}, P)
    assert set(err.value.errors) == {"out_of_pocket"}
    with pytest.raises(InvalidData) as err:
        clean_form_data(info().start_form, {**APPLICATION, "critical_paid": 27000.01}, P)
    assert "critical_paid" in err.value.errors


def test_the_application_needs_the_diagnosis_the_category_and_evidence():
    data = {k: v for k, v in APPLICATION.items() if k not in ("diagnosis", "applicant_category", "application_documents")}
    with pytest.raises(InvalidData) as err:
        clean_form_data(info().start_form, data, P)
    assert set(err.value.errors) == {"diagnosis", "applicant_category", "application_documents"}


def test_a_refusal_must_give_its_reason():
    s = start("extreme")
    village_check(s, confirmed=False)
    with pytest.raises(InvalidData) as err:
        s.do("notify_refusal", {"refusal_notice": ["att-refusal-1"]})
    assert set(err.value.errors) == {"refusal_reason"}


# -- what is published ---------------------------------------------------------------------------
def test_the_result_shows_only_the_name_category_and_amount():
    s = to_county("dibao")
    county_decide(s, 10500)
    record_payment(s, 10500)
    publish_result(s)
    (publication,) = info().steps["publish_result"].publications
    assert publication.section == "service_result" and publication.publicity_step == "result_objection"
    record = disclose(publication, data_at(s, "result_objection"), {"village": "绿水村", "township": "青山镇"})
    shown = {f["label"]: f["text"] for f in record["fields"]}
    assert record["subject"] == "王*兰" and record["documents"] == []
    assert shown == {"患者姓名": "王*兰", "救助对象类别": "低保对象", "救助金额（元）": "10,500.00 元"}
    text = str(record)
    for private in ("王桂兰", "乳腺", "肿瘤", "化疗", "110101196203151228", "县人民医院", "60,000"):
        assert private not in text, private


def test_the_review_publicity_shows_no_health_data():
    (publication,) = info().steps["publish_review"].publications
    published = {f.ref for f in publication.fields if f.cls != "never"}
    assert published == {"applicant_name", "applicant_category", "review_published_on"}
    never = {f.ref for f in info().steps["publish_result"].publications[0].fields if f.cls == "never"}
    assert {"diagnosis", "id_number", "hospital"} <= never
    for step in info().steps.values():
        for p in step.publications:
            assert not {f.ref for f in p.fields if f.cls != "never"} & {"diagnosis", "id_number", "hospital", "total_cost",
                                                                          "out_of_pocket", "household_income"}

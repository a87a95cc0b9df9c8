"""Scenario tests of 惠农补贴（耕地地力保护补贴等）发放 (farm_subsidy, FW-07).

The payment is capped at the verified (or re-measured) area times the per-mu rate, a parameter,
tested exactly at the cap. Together the scenarios take every sequence flow of the item
(`test_every_sequence_flow_is_taken`), including the correction path of a disputed area
(objection upheld → re-measure → publish again) and the result publication's correction.
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished
from tests.walks import object_during, steps, wait_past

KEY = "farm_subsidy"
P = default_parameters()
RATE = P["farm_subsidy_rate_per_mu"]
AREA_DAYS, RESULT_DAYS = P["farm_subsidy_publicity_days"], P["farm_subsidy_result_publicity_days"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="惠农补贴（耕地地力保护补贴等）发放", list_code="FW-07", category="便民服务",
    lanes={"APPLICANT", "VILLAGE_COMMITTEE", "VILLAGER_GROUP", "PUBLIC_PLATFORM", "SUPERVISION_COMMITTEE",
           "TOWNSHIP_AGRI_ECON", "COUNTY_DEPT", "REPORTING_CLERK"},
    supervision={"area_objection", "sc_review", "result_objection"},
    objections={"area_objection", "result_objection"},
    separations={"township_review": ("start",), "sc_review": ("start",)},
    end_events={"end_ineligible": "不予补贴", "end_paid": "已发放"},
)


def start(declared=12.5, parameters: dict | None = None) -> Scenario:
    s = Scenario(KEY, {"subsidy_year": 2026, "household_head": "陈某", "contract_no": "430521202600123",
                       "declared_area": declared, "land_plots": "大塘坵、长坵，东至水渠", "card_account": "6230901234567890",
                       "declaration_form": ["att-declaration-1"]}, parameters=parameters)
    assert steps(s) == {"verify"} and s.ready()["verify"][0].role == "VILLAGE_COMMITTEE"
    return s


# -- walking the item --------------------------------------------------------------------------
def verified(s: Scenario, area=12.5, result: str = "eligible") -> None:
    assert steps(s) == {"verify"}
    s.do("verify", {"verified_area": area, "register_extract": ["att-register-1"], "verification_result": result,
                    "verification_opinion": "与确权登记簿一致" if result == "eligible" else "该地块已建养殖场，改变了耕地用途"},
         role="VILLAGE_COMMITTEE")


def area_published(s: Scenario) -> None:
    assert steps(s) == {"publish_area"} and s.ready()["publish_area"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_area", {"area_notice": "陈某 12.5亩", "area_published_on": "2026-04-01", "area_notice_photo": ["att-photo-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"area_objection"} and s.ready()["area_objection"][0].role == "SUPERVISION_COMMITTEE"
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("area_publicity", "补贴面积公示")
    assert timer.due == s.period_end(AREA_DAYS)


def township_decides(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"township_review"} and s.ready()["township_review"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("township_review", {"township_decision": decision,
                             "township_opinion": "汇总无误" if decision == "approve" else "面积与二轮承包台账不符"},
         role="TOWNSHIP_AGRI_ECON")


def to_payment(s: Scenario, area=12.5) -> None:
    verified(s, area)
    area_published(s)
    wait_past(s, AREA_DAYS, "township_review")
    township_decides(s)
    assert steps(s) == {"pay"} and s.ready()["pay"][0].role == "COUNTY_DEPT"


def paid(s: Scenario, amount) -> None:
    s.do("pay", {"paid_amount": amount, "paid_on": "2026-05-20", "payment_batch": "2026-GD-01",
                 "payment_list": ["att-bank-1"]}, role="COUNTY_DEPT")


def result_reviewed(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"prepare_result"}
    s.do("prepare_result", {"result_notice": "陈某 12.5亩 1250元"}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"sc_review"} and s.ready()["sc_review"][0].role == "SUPERVISION_COMMITTEE"
    s.do("sc_review", {"sc_review_result": result, "sc_review_opinion": "同意" if result == "approve" else "面积漏写"},
         role="SUPERVISION_COMMITTEE")


def result_published(s: Scenario) -> None:
    result_reviewed(s)
    assert steps(s) == {"publish_result"}
    s.do("publish_result", {"result_published_on": "2026-05-25", "result_notice_photo": ["att-board-1"]},
         role="VILLAGE_COMMITTEE")
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("result_publicity", "发放结果公开")
    assert timer.due == s.period_end(RESULT_DAYS)


def archived(s: Scenario) -> None:
    wait_past(s, RESULT_DAYS, "archive")
    s.do("archive", {"archive_no": "BT-2026-031"}, role="REPORTING_CLERK")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def paid_as_declared() -> Scenario:
    s = start()
    to_payment(s)
    paid(s, 12.5 * RATE)                      # exactly area × rate
    result_published(s)
    archived(s)
    assert s.matter.workflow.data["paid_amount"] == 12.5 * RATE
    return finished(s, "已发放")


def disputed_area_remeasured_and_corrected() -> Scenario:
    """The household disputes its area: re-measured and published again; a second objection is
    dismissed; the township returns it once; the notice is returned once; a result objection is
    upheld (payment corrected, published again), a second dismissed."""
    s = start(declared=11.3)
    verified(s, area=10)
    area_published(s)
    object_during(s, "area_objection", after_days=2)
    assert steps(s) == {"reverify_area"} and s.ready()["reverify_area"][0].role == "VILLAGE_COMMITTEE"
    s.do("reverify_area", {"verification_finding": "长坵面积登记有误", "objection_upheld": True}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"remeasure"} and s.ready()["remeasure"][0].role == "VILLAGER_GROUP"
    s.do("remeasure", {"verified_area": 11.3, "measured_by": "组长刘某、农户陈某", "measurement_record": ["att-measure-1"]},
         role="VILLAGER_GROUP")
    area_published(s)                         # published again with the corrected area
    object_during(s, "area_objection", after_days=4)
    s.do("reverify_area", {"verification_finding": "重新丈量无误", "objection_upheld": False}, role="VILLAGE_COMMITTEE")
    assert steps(s) == {"area_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(AREA_DAYS), "the period starts again"
    wait_past(s, AREA_DAYS, "township_review")
    township_decides(s, "return")
    to_payment(s, area=11.3)
    paid(s, 1000)
    result_reviewed(s, "return")
    result_published(s)
    object_during(s, "result_objection", after_days=1)
    assert steps(s) == {"reverify_result"} and s.ready()["reverify_result"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("reverify_result", {"verification_finding": "少发130元", "objection_upheld": True}, role="TOWNSHIP_AGRI_ECON")
    assert steps(s) == {"correct_payment"} and s.ready()["correct_payment"][0].role == "COUNTY_DEPT"
    s.do("correct_payment", {"paid_amount": 11.3 * RATE, "correction_note": "补发130元", "correction_voucher": ["att-bank-2"]},
         role="COUNTY_DEPT")
    result_published(s)
    object_during(s, "result_objection")
    s.do("reverify_result", {"verification_finding": "补发到账", "objection_upheld": False}, role="TOWNSHIP_AGRI_ECON")
    assert steps(s) == {"result_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(RESULT_DAYS), "the period starts again"
    archived(s)
    assert s.matter.workflow.data["paid_amount"] == 1130
    return finished(s, "已发放")


def land_no_longer_farmed() -> Scenario:
    s = start()
    verified(s, area=0, result="ineligible")
    assert s.matter.workflow.data["verification_opinion"].startswith("该地块已建养殖场")
    return finished(s, "不予补贴")


SCENARIOS = [paid_as_declared, disputed_area_remeasured_and_corrected, land_no_longer_farmed]




# -- verification ------------------------------------------------------------------------------------
@pytest.mark.parametrize("result, area, next_step", [
    ("eligible", 12.5, "publish_area"),
    ("eligible", 0, None),              # nothing left to subsidise
    ("ineligible", 12.5, None),
])
def test_only_eligible_land_is_published(result, area, next_step):
    s = start()
    verified(s, area=area, result=result)
    if next_step:
        assert steps(s) == {next_step}
    else:
        finished(s, "不予补贴")


def test_verification_needs_the_register_and_an_area_in_hundredths_of_a_mu():
    s = start()
    with pytest.raises(InvalidData) as err:
        s.do("verify", {"verified_area": "12.345", "verification_result": "eligible", "verification_opinion": "一致"})
    assert set(err.value.errors) == {"verified_area", "register_extract"}
    assert steps(s) == {"verify"}


def test_a_remeasurement_needs_its_record():
    s = start()
    verified(s)
    area_published(s)
    object_during(s, "area_objection")
    s.do("reverify_area", {"verification_finding": "需重新丈量", "objection_upheld": True})
    with pytest.raises(InvalidData) as err:
        s.do("remeasure", {"verified_area": 12, "measured_by": "组长"})
    assert set(err.value.errors) == {"measurement_record"}


# -- payment -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("area", [12.5, 10.2, 0.01])
def test_payment_is_capped_at_area_times_rate(area):
    s = start()
    to_payment(s, area)
    cap = round(area * RATE, 2)
    with pytest.raises(InvalidData) as err:
        paid(s, round(cap + 0.01, 2))
    assert set(err.value.errors) == {"paid_amount"}
    paid(s, cap)                              # 10.2 × 100 is 1020 here, not the float 1019.9999999999999
    assert steps(s) == {"prepare_result"}


def test_a_township_may_set_its_own_rate():
    s = start()
    to_payment(s, 12.5)
    with pytest.raises(InvalidData):
        paid(s, 12.5 * 120)
    s = start(parameters={"farm_subsidy_rate_per_mu": 120})
    to_payment(s, 12.5)
    paid(s, 1500)
    assert steps(s) == {"prepare_result"}


def test_the_remeasured_area_sets_the_cap():
    s = start()
    verified(s, area=12.5)
    area_published(s)
    object_during(s, "area_objection")
    s.do("reverify_area", {"verification_finding": "多报", "objection_upheld": True})
    s.do("remeasure", {"verified_area": 10.2, "measured_by": "组长", "measurement_record": ["att-m-1"]})
    area_published(s)
    wait_past(s, AREA_DAYS, "township_review")
    township_decides(s)
    with pytest.raises(InvalidData):
        paid(s, 1020.01)
    paid(s, 1020)
    assert steps(s) == {"prepare_result"}


def test_a_township_may_lengthen_the_area_publicity():
    s = start(parameters={"farm_subsidy_publicity_days": 10})
    verified(s)
    s.do("publish_area", {"area_notice": "公示", "area_published_on": "2026-04-01", "area_notice_photo": ["att-1"]})
    wait_past(s, 10, "township_review")

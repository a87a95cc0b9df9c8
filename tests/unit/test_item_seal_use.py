"""Scenario tests of 村级印章使用 (seal_use, WW-01).

Four kinds of use: a routine fact the keeper checks, then the 村委会主任 approves; applications, reports
and small contracts the 村委会主任 signs first; major matters (loans, contracting out, outside
contracts, contracts at or above the township's limit) that need a 村民（代表）会议 resolution first;
guarantees, refused outright. The keeper never approves (separation of duties, declared both
ways); the 村务监督委员会 checks the register entry of every use. Together the scenarios take every
sequence flow of the item at least once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, steps

KEY = "seal_use"
P = default_parameters()
LIMIT = P["seal_contract_decision_threshold"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级印章使用", list_code="WW-01", category="村务管理",
    lanes={"APPLICANT", "VILLAGE_COMMITTEE", "SEAL_KEEPER", "SUPERVISION_COMMITTEE"},
    supervision={"register_check"},
    objections=set(),
    separations={"keeper_check": ("start",), "verify_resolution": ("start", "stamp"),
                 "record_resolution": ("start", "stamp"), "director_sign": ("start", "keeper_check", "stamp"),
                 "stamp": ("start", "verify_resolution", "record_resolution", "director_sign"),
                 "register_check": ("start", "stamp"), "rectify_register": ("keeper_check", "stamp")},
    deadlines={"register_check": "days(seal_register_check_days)"},
    end_events={"end_guarantee_refused": "不予用印（严禁以村集体名义对外提供担保）", "end_refused": "不予用印",
                "end_stamped": "已用印"},
)


def start(use_type: str, amount=0, parameters: dict | None = None) -> Scenario:
    return Scenario(KEY, {
        "applicant_name": "王五", "seal_kind": "village_committee", "use_type": use_type,
        "purpose": "办理相关手续", "document_title": "用印文件", "impressions": 2, "involved_amount": amount,
        "counterparty": "某单位", "document_copy": ["att-doc-1"],
    }, parameters=parameters)


# -- walking the item --------------------------------------------------------------------------
def keeper_checks(s: Scenario, result: str = "certify") -> None:
    assert steps(s) == {"keeper_check"} and s.ready()["keeper_check"][0].role == "SEAL_KEEPER"
    s.do("keeper_check", {"keeper_result": result,
                          "keeper_note": "查验户口簿，年龄属实" if result == "certify" else "户籍信息无法核实，请至派出所办理",
                          "fact_evidence": ["att-hukou-1"]}, role="SEAL_KEEPER")


def director_signs(s: Scenario, decision: str = "approve") -> None:
    assert steps(s) == {"director_sign"} and s.ready()["director_sign"][0].role == "VILLAGE_COMMITTEE"
    s.do("director_sign", {"director_name": "孙主任", "director_decision": decision,
                           "director_opinion": "同意" if decision == "approve" else "合同条款未经两委研究"},
         role="VILLAGE_COMMITTEE")


def resolution_found(s: Scenario, body: str = "REP") -> None:
    assert steps(s) == {"verify_resolution"} and s.ready()["verify_resolution"][0].role == "VILLAGE_COMMITTEE"
    s.do("verify_resolution", {"resolution_body": body,
                               "resolution_check_note": "已查阅决议台账" if body != "NONE" else "未经村民（代表）会议决议，不予用印"},
         role="VILLAGE_COMMITTEE")


def resolution_recorded(s: Scenario, valid: str = "valid") -> None:
    assert steps(s) == {"record_resolution"}
    s.do("record_resolution", {"resolution_no": "JC-2026-001", "resolution_date": "2026-02-20",
                               "resolution_doc": ["att-resolution-1"], "resolution_valid": valid,
                               "resolution_opinion": "决议同意向信用社借款20万元" if valid == "valid" else "决议金额与合同金额不符"},
         role="VILLAGE_COMMITTEE")


def stamped(s: Scenario, approver: str = "孙主任") -> None:
    assert steps(s) == {"stamp"} and s.ready()["stamp"][0].role == "SEAL_KEEPER"
    s.do("stamp", {"register_no": "YY-2026-031", "impressions_used": 2, "approver_name": approver,
                   "handler_name": "王五", "stamped_on": "2026-03-03", "stamped_copy": ["att-stamped-1"]},
         role="SEAL_KEEPER")


def register_checked(s: Scenario, result: str = "compliant") -> None:
    assert steps(s) == {"register_check"} and s.ready()["register_check"][0].role == "SUPERVISION_COMMITTEE"
    s.do("register_check", {"check_result": result,
                            "check_notes": "登记齐全" if result == "compliant" else "登记簿缺经办人签字"},
         role="SUPERVISION_COMMITTEE")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def routine_fact_checked_by_the_keeper_approved_by_the_director() -> Scenario:
    """The keeper checks the fact but never approves: the 主任 does, then the keeper stamps."""
    s = start("routine_fact")
    keeper_checks(s)
    director_signs(s)
    stamped(s)
    register_checked(s)
    return finished(s, "已用印")


def routine_fact_refused_by_the_keeper() -> Scenario:
    s = start("routine_fact")
    keeper_checks(s, "refuse")
    return finished(s, "不予用印")


def application_signed_then_register_rectified() -> Scenario:
    s = start("application")
    director_signs(s)
    stamped(s)
    register_checked(s, "irregular")
    assert steps(s) == {"rectify_register"} and s.ready()["rectify_register"][0].role == "VILLAGE_COMMITTEE"
    s.do("rectify_register", {"rectification_note": "经办人补签", "rectification_evidence": ["att-fix-1"]},
         role="VILLAGE_COMMITTEE")
    register_checked(s)
    return finished(s, "已用印")


def small_contract_refused_by_the_director() -> Scenario:
    s = start("contract", LIMIT - 0.01)
    director_signs(s, "refuse")
    return finished(s, "不予用印")


def loan_with_a_resolution_stamped() -> Scenario:
    s = start("loan", 200000)
    resolution_found(s, "FULL")
    resolution_recorded(s)
    director_signs(s)
    stamped(s)
    register_checked(s)
    return finished(s, "已用印")


def contracting_out_without_a_resolution_refused() -> Scenario:
    s = start("contracting_out", 30000)
    resolution_found(s, "NONE")
    return finished(s, "不予用印")


def outside_contract_with_a_mismatched_resolution_refused() -> Scenario:
    s = start("external_contract", 80000)
    resolution_found(s, "REP")
    resolution_recorded(s, "invalid")
    return finished(s, "不予用印")


def guarantee_refused() -> Scenario:
    s = start("guarantee", 100000)
    return finished(s, "不予用印（严禁以村集体名义对外提供担保）")


SCENARIOS = [routine_fact_checked_by_the_keeper_approved_by_the_director, routine_fact_refused_by_the_keeper,
             application_signed_then_register_rectified, small_contract_refused_by_the_director,
             loan_with_a_resolution_stamped, contracting_out_without_a_resolution_refused,
             outside_contract_with_a_mismatched_resolution_refused, guarantee_refused]




# -- kinds of use and the contract limit ------------------------------------------------------------
@pytest.mark.parametrize("use_type, amount, first_step", [
    ("routine_fact", 0, "keeper_check"),
    ("application", 0, "director_sign"),
    ("report", 0, "director_sign"),
    ("application", LIMIT * 10, "director_sign"),      # only contracts are tiered by amount
    ("contract", 0, "director_sign"),
    ("contract", LIMIT - 0.01, "director_sign"),
    ("contract", LIMIT, "verify_resolution"),          # at the limit a contract needs a resolution
    ("loan", 1, "verify_resolution"),                  # loans need one whatever the amount
    ("contracting_out", 0, "verify_resolution"),
    ("external_contract", 0, "verify_resolution"),
])
def test_kind_of_use(use_type, amount, first_step):
    assert steps(start(use_type, amount)) == {first_step}


def test_a_guarantee_is_refused_whatever_the_limit():
    s = start("guarantee", 0, parameters={"seal_contract_decision_threshold": 10**9})
    assert s.matter.outcome() == "不予用印（严禁以村集体名义对外提供担保）"


def test_a_township_may_change_the_contract_limit():
    assert steps(start("contract", 30000)) == {"director_sign"}
    assert steps(start("contract", 30000, {"seal_contract_decision_threshold": 30000})) == {"verify_resolution"}
    assert steps(start("contract", 60000, {"seal_contract_decision_threshold": 100000})) == {"director_sign"}


# -- invalid data and declarations ------------------------------------------------------------------
def test_the_keeper_may_not_stamp_more_impressions_than_approved():
    s = start("application")
    director_signs(s)
    with pytest.raises(InvalidData) as err:
        s.do("stamp", {"register_no": "YY-1", "impressions_used": 3, "approver_name": "孙主任", "handler_name": "王五",
                       "stamped_on": "2026-03-03", "stamped_copy": ["att-1"]})
    assert set(err.value.errors) == {"impressions_used"}
    assert steps(s) == {"stamp"}


def test_the_stamp_needs_a_register_entry_with_evidence():
    s = start("application")
    director_signs(s)
    with pytest.raises(InvalidData) as err:
        s.do("stamp", {"impressions_used": 1, "stamped_on": "2026-03-03"})
    assert set(err.value.errors) == {"register_no", "approver_name", "handler_name", "stamped_copy"}


def test_a_resolution_needs_its_reference_and_minutes():
    s = start("loan", 200000)
    resolution_found(s, "FULL")
    with pytest.raises(InvalidData) as err:
        s.do("record_resolution", {"resolution_date": "2026-02-20", "resolution_valid": "valid",
                                   "resolution_opinion": "有效"})
    assert set(err.value.errors) == {"resolution_no", "resolution_doc"}
    assert steps(s) == {"record_resolution"}


def test_refusals_must_say_why():
    s = start("application")
    with pytest.raises(InvalidData) as err:
        s.do("director_sign", {"director_name": "孙主任", "director_decision": "refuse"})
    assert set(err.value.errors) == {"director_opinion"}
    s = start("routine_fact")
    with pytest.raises(InvalidData) as err:
        s.do("keeper_check", {"keeper_result": "refuse"})
    assert set(err.value.errors) == {"keeper_note"}


@pytest.mark.parametrize("use_type, amount, before", [
    ("routine_fact", 0, ["keeper_check"]),
    ("application", 0, []),
    ("contract", LIMIT - 0.01, []),
    ("loan", 200000, ["verify_resolution", "record_resolution"]),
])
def test_every_path_to_the_stamp_passes_an_approval_by_someone_other_than_the_keeper(use_type, amount, before):
    """Whatever the kind of use, the seal is applied only after the 村委会主任's approval, a step
    separated from both of the keeper's steps; never on the keeper's word alone."""
    s = start(use_type, amount)
    for step in before:
        {"keeper_check": keeper_checks, "verify_resolution": resolution_found,
         "record_resolution": resolution_recorded}[step](s)
    assert steps(s) == {"director_sign"}, "no path reaches the stamp without the approval"
    director_signs(s)
    stamped(s)


def test_the_keeper_never_approves():
    info = start("application").bundle.info
    keeper_steps = {sid for sid, step in info.steps.items() if step.role == "SEAL_KEEPER"}
    assert keeper_steps == {"keeper_check", "stamp"}
    approvals = {"verify_resolution", "record_resolution", "director_sign"}
    assert approvals <= set(info.steps["stamp"].separate_from) and "start" in info.steps["stamp"].separate_from
    for approval in approvals:
        assert {"start", "stamp"} <= set(info.steps[approval].separate_from), approval
    # the approval a routine fact reaches after the keeper's check, and a rectification (it may be
    # a 补办审批), are separate from both of the keeper's steps
    for approval in ("director_sign", "rectify_register"):
        assert keeper_steps <= set(info.steps[approval].separate_from), approval
    assert "印章管理人" not in info.steps["stamp"].form.fields[2].label

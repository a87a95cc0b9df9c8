"""Scenario tests of 出具证明 (certificate, WW-02).

A type on the negative list of 民发〔2020〕20号 (a township parameter, which may add types) is
refused and referred to the competent authority; any other type is verified, approved by the 村委会
(not the applicant, not the verifier), stamped by the keeper (not the approver), registered and
checked by the 村务监督委员会. Together the scenarios take every sequence flow of the item at least
once (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations

import pytest

from engine.errors import InvalidData
from engine.registry import check_override, load_parameters
from tests.scenario import PROCESSES, Scenario, default_parameters, finished, steps

KEY = "certificate"
P = default_parameters()
NOT_ISSUABLE = "不予出具（属于不得出具的证明事项，已引导至主管部门）"
REFUSED = "不予出具（经核实不符合出具条件）"
# 民发〔2020〕20号: the 20 certificates a village or residents' committee may not issue (domain §3.10).
NEGATIVE_LIST = {
    "kinship": "亲属关系", "identity_info": "居民身份信息", "household_change": "户口登记项目变更", "dog_keeping": "养犬",
    "no_criminal_record": "无犯罪记录", "drug_rehab": "社区戒毒康复人员情况", "missing_person": "人员失踪",
    "marital_status": "婚姻状况", "birth": "出生", "alive": "健在", "death": "死亡", "illness": "疾病状况",
    "disability": "残疾状况", "marriage_childbearing": "婚育状况", "employment": "就业状况", "personal_file": "个人档案",
    "property": "财产", "inheritance": "遗产继承权", "business_address": "市场主体住所", "lost_documents": "证件遗失",
}
# The province's additions (domain §3.10 [69]): binding on every township of the county, like the national 20.
PROVINCIAL_ADDITIONS = {"lost_fee_receipt": "缴费票据遗失", "school_transfer": "学生转学"}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="出具证明", list_code="WW-02", category="村务管理",
    lanes={"APPLICANT", "REPORTING_CLERK", "VILLAGE_COMMITTEE", "SEAL_KEEPER", "SUPERVISION_COMMITTEE"},
    supervision={"register_check"},
    objections=set(),
    separations={"approve": ("start", "verify_facts", "stamp"), "stamp": ("start", "approve"),
                 "register_check": ("start", "approve", "stamp")},
    roles={"stamp": "SEAL_KEEPER"},
    end_events={"end_not_issuable": NOT_ISSUABLE, "end_refused": REFUSED, "end_issued": "已出具"},
)


def start(cert_type: str, parameters: dict | None = None) -> Scenario:
    return Scenario(KEY, {"applicant_name": "赵六", "cert_type": cert_type, "purpose": "办理子女入学，交某小学",
                          "facts_claimed": "本人及子女实际居住在本村三组", "supporting_docs": ["att-id-1"]},
                    parameters=parameters)


# -- walking the item --------------------------------------------------------------------------
def referred(s: Scenario, authority: str = "县公安局某派出所") -> None:
    assert steps(s) == {"refer_authority"} and s.ready()["refer_authority"][0].role == "REPORTING_CLERK"
    s.do("refer_authority", {"competent_authority": authority,
                             "refusal_notice": "依民发〔2020〕20号，村委会不得出具该证明，请向主管部门申请"},
         role="REPORTING_CLERK")


def verified(s: Scenario, result: str = "verified") -> None:
    assert steps(s) == {"verify_facts"} and s.ready()["verify_facts"][0].role == "REPORTING_CLERK"
    s.do("verify_facts", {"verification_method": "home_visit", "facts_verified": result,
                          "verification_record": "入户走访属实" if result == "verified" else "经走访，申请人常年居住外地",
                          "verification_evidence": ["att-visit-1"], "certificate_draft": "兹证明赵六居住在本村三组"},
         role="REPORTING_CLERK")


def approved(s: Scenario, decision: str = "issue") -> None:
    assert steps(s) == {"approve"} and s.ready()["approve"][0].role == "VILLAGE_COMMITTEE"
    s.do("approve", {"approval_decision": decision,
                     "approval_opinion": "同意" if decision == "issue" else "用途不明，该单位不要求村委会证明",
                     "certificate_text": "兹证明赵六居住在本村三组"}, role="VILLAGE_COMMITTEE")


def stamped_and_registered(s: Scenario) -> None:
    assert steps(s) == {"stamp"} and s.ready()["stamp"][0].role == "SEAL_KEEPER"
    s.do("stamp", {"seal_register_no": "YY-2026-040", "stamped_on": "2026-03-03", "stamped_copy": ["att-stub-1"]},
         role="SEAL_KEEPER")
    assert steps(s) == {"register"}
    s.do("register", {"certificate_no": "ZM-2026-012", "issued_on": "2026-03-03", "receipt_signature": ["att-sign-1"]},
         role="REPORTING_CLERK")


def checked(s: Scenario, result: str = "compliant") -> None:
    assert steps(s) == {"register_check"} and s.ready()["register_check"][0].role == "SUPERVISION_COMMITTEE"
    s.do("register_check", {"check_result": result, "check_notes": "齐全" if result == "compliant" else "缺走访记录签字"},
         role="SUPERVISION_COMMITTEE")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def residence_certificate_issued() -> Scenario:
    s = start("residence")
    verified(s)
    approved(s)
    stamped_and_registered(s)
    checked(s)
    return finished(s, "已出具")


def kinship_certificate_refused_and_referred() -> Scenario:
    s = start("kinship")
    referred(s, "县公安局某派出所或公证机构")
    return finished(s, NOT_ISSUABLE)


def facts_not_verified() -> Scenario:
    s = start("residence")
    verified(s, "not_verified")
    return finished(s, REFUSED)


def approval_refused() -> Scenario:
    s = start("farming")
    verified(s)
    approved(s, "decline")
    return finished(s, REFUSED)


def register_rectified_then_issued() -> Scenario:
    s = start("land_contract")
    verified(s)
    approved(s)
    stamped_and_registered(s)
    checked(s, "irregular")
    assert steps(s) == {"rectify"} and s.ready()["rectify"][0].role == "VILLAGE_COMMITTEE"
    s.do("rectify", {"rectification_note": "补齐走访记录签字", "rectification_evidence": ["att-fix-1"]},
         role="VILLAGE_COMMITTEE")
    checked(s)
    return finished(s, "已出具")


SCENARIOS = [residence_certificate_issued, kinship_certificate_refused_and_referred, facts_not_verified,
             approval_refused, register_rectified_then_issued]




# -- the negative list ---------------------------------------------------------------------------------
def test_the_negative_list_parameter_is_the_national_list_and_the_provincial_additions():
    listed = NEGATIVE_LIST | PROVINCIAL_ADDITIONS
    assert set(P["certificate_negative_list"]) == set(listed) and len(P["certificate_negative_list"]) == 22
    spec = load_parameters(PROCESSES)["certificate_negative_list"]
    assert set(spec.minimum) == set(listed), "a township may add types, never drop a national or provincial one"
    with pytest.raises(InvalidData):
        check_override(spec, sorted(NEGATIVE_LIST))                 # the national list alone drops the province's


def test_the_form_offers_every_negative_list_type_with_its_chinese_name():
    info = start("residence").bundle.info
    [field] = [f for f in info.start_form.fields if f.name == "cert_type"]
    options = dict(field.options)
    for code, name in (NEGATIVE_LIST | PROVINCIAL_ADDITIONS).items():
        assert code in options and name in options[code], code
    assert set(options) - set(NEGATIVE_LIST) - set(PROVINCIAL_ADDITIONS), "the types a village may issue are offered too"


@pytest.mark.parametrize("cert_type", sorted(NEGATIVE_LIST | PROVINCIAL_ADDITIONS))
def test_every_negative_list_type_is_refused_and_referred(cert_type):
    s = start(cert_type)
    referred(s)
    finished(s, NOT_ISSUABLE)
    assert "verify_facts" not in {t.task_spec.bpmn_id for t in s.matter.workflow.get_tasks()}


@pytest.mark.parametrize("cert_type", ["residence", "family_hardship", "land_contract", "collective_member",
                                       "homestead_use", "farming", "other_statutory"])
def test_other_types_are_verified(cert_type):
    assert steps(start(cert_type)) == {"verify_facts"}


def test_the_provincial_additions_are_refused_by_default():
    s = start("school_transfer")
    assert steps(s) == {"refer_authority"}
    referred(s, "转出学校和教育行政部门")
    finished(s, NOT_ISSUABLE)


def test_a_township_may_add_types_to_the_negative_list():
    assert steps(start("farming")) == {"verify_facts"}
    added = P["certificate_negative_list"] + ["farming"]
    s = start("farming", parameters={"certificate_negative_list": added})
    assert steps(s) == {"refer_authority"}
    check_override(load_parameters(PROCESSES)["certificate_negative_list"], added)


# -- invalid data and declarations ------------------------------------------------------------------
def test_a_referral_names_the_competent_authority_and_the_reason():
    s = start("no_criminal_record")
    with pytest.raises(InvalidData) as err:
        s.do("refer_authority", {})
    assert set(err.value.errors) == {"competent_authority", "refusal_notice"}
    assert steps(s) == {"refer_authority"}


def test_verification_needs_evidence_and_a_record():
    s = start("residence")
    with pytest.raises(InvalidData) as err:
        s.do("verify_facts", {"verification_method": "home_visit", "facts_verified": "verified"})
    assert set(err.value.errors) == {"verification_record", "verification_evidence"}


def test_a_refusal_must_say_why():
    s = start("residence")
    verified(s)
    with pytest.raises(InvalidData) as err:
        s.do("approve", {"approval_decision": "decline"})
    assert set(err.value.errors) == {"approval_opinion"}

"""The declared separation-of-duties rules, through the services, with people holding real grants."""
import pytest

from engine.errors import Forbidden
from engine.identity import Actor, Grant
from engine.services import attachments, matters

V, T = "lushui_village", "qingshan_town"
PDF = b"%PDF-1.7\n%%EOF\n"


def person(name, *roles):
    """Someone holding `roles` in 绿水村 (township roles in 青山镇)."""
    township = {"TOWNSHIP_AGRI_ECON", "TOWNSHIP_ADMIN"}
    return Actor(name, frozenset(Grant(r, T if r in township else V) for r in roles))


def ready(matter, step_id):
    return next(s for s in matter.ready_steps if s.step_id == step_id).id


def test_a_reimbursement_is_not_approved_by_its_handler_or_witness(ctx):
    handler = person("handler", "APPLICANT", "WITNESS", "VILLAGE_COMMITTEE")
    witness = person("witness", "WITNESS", "VILLAGE_COMMITTEE")
    invoice = attachments.upload_attachment(ctx, handler, "发票.pdf", PDF).id
    m = matters.start_matter(ctx, handler, "expense_reimbursement", V, "购买办公用品", {
        "handler_name": "张三", "purpose": "办公用品", "amount": 800, "invoice_no": "No.1",
        "spent_on": "2026-03-01", "expense_category": "management", "invoices": [invoice]})
    with pytest.raises(Forbidden, match="发起本事项的人不得办理“证明人签字”"):
        matters.complete_step(ctx, handler, ready(m, "witness_sign"), {"witness_name": "张三", "witness_statement": "属实"})
    m = matters.complete_step(ctx, witness, ready(m, "witness_sign"), {"witness_name": "李四", "witness_statement": "属实"})
    m = matters.complete_step(ctx, person("sc", "SUPERVISION_COMMITTEE"), ready(m, "supervision_review"), {
        "sc_reviewers": "王五", "supervision_result": "approve", "supervision_opinion": "凭证齐全"})
    sign = {"director_name": "赵六", "director_signed_on": "2026-03-03"}
    with pytest.raises(Forbidden, match="发起本事项的人"):
        matters.complete_step(ctx, handler, ready(m, "sign_director"), sign)
    with pytest.raises(Forbidden, match="办理“证明人签字”的人"):
        matters.complete_step(ctx, witness, ready(m, "sign_director"), sign)
    with pytest.raises(Forbidden):
        matters.claim_step(ctx, witness, ready(m, "sign_director"))           # refused at claim too
    m = matters.complete_step(ctx, person("director", "VILLAGE_COMMITTEE"), ready(m, "sign_director"), sign)
    assert "sign_secretary" in {s.step_id for s in m.ready_steps}


def test_a_director_who_is_also_the_secretary_signs_once_for_both(ctx):
    """书记、主任一肩挑: holding both offices is not a conflict of interest; the one signature counts
    for both, and the matter records that the signer held the party branch's role."""
    handler = person("handler", "APPLICANT")
    invoice = attachments.upload_attachment(ctx, handler, "发票.pdf", PDF).id
    m = matters.start_matter(ctx, handler, "expense_reimbursement", V, "购买办公用品", {
        "handler_name": "张三", "purpose": "办公用品", "amount": 800, "invoice_no": "No.1",
        "spent_on": "2026-03-01", "expense_category": "management", "invoices": [invoice]})
    m = matters.complete_step(ctx, person("witness", "WITNESS"), ready(m, "witness_sign"),
                              {"witness_name": "李四", "witness_statement": "属实"})
    m = matters.complete_step(ctx, person("sc", "SUPERVISION_COMMITTEE"), ready(m, "supervision_review"), {
        "sc_reviewers": "王五", "supervision_result": "approve", "supervision_opinion": "凭证齐全"})
    both = person("both", "VILLAGE_COMMITTEE", "PARTY_BRANCH")
    m = matters.complete_step(ctx, both, ready(m, "sign_director"), {"director_name": "赵六", "director_signed_on": "2026-03-03"})
    assert {s.step_id for s in m.ready_steps} == {"submit_vouchers"}
    assert m.data["director_also_secretary"] is True


def test_the_seal_keeper_does_not_stamp_what_they_approved(ctx):
    applicant = person("villager", "APPLICANT")
    both = person("both", "VILLAGE_COMMITTEE", "SEAL_KEEPER")
    copy = attachments.upload_attachment(ctx, applicant, "申请书.pdf", PDF).id
    m = matters.start_matter(ctx, applicant, "seal_use", V, "申请加盖村委会公章", {
        "applicant_name": "张三", "seal_kind": "village_committee", "use_type": "application", "purpose": "低保申请",
        "document_title": "申请书", "impressions": 1, "involved_amount": 0, "document_copy": [copy]})
    m = matters.complete_step(ctx, both, ready(m, "director_sign"), {
        "director_name": "赵六", "director_decision": "approve", "director_opinion": "同意"})
    stamped = attachments.upload_attachment(ctx, both, "盖章件.pdf", PDF).id
    with pytest.raises(Forbidden, match="办理“村委会主任审批签字”的人不得办理“盖章并登记用印”"):
        matters.complete_step(ctx, both, ready(m, "stamp"), {
            "register_no": "Y-1", "impressions_used": 1, "approver_name": "赵六", "handler_name": "钱七",
            "stamped_on": "2026-03-02", "stamped_copy": [stamped]})


def test_the_seal_keeper_who_checked_a_fact_does_not_approve_it(ctx):
    """A routine fact: the keeper checks it, but the approval is someone else's."""
    applicant = person("villager", "APPLICANT")
    both = person("both", "VILLAGE_COMMITTEE", "SEAL_KEEPER")
    copy = attachments.upload_attachment(ctx, applicant, "申请书.pdf", PDF).id
    m = matters.start_matter(ctx, applicant, "seal_use", V, "居住事实证明用印", {
        "applicant_name": "张三", "seal_kind": "village_committee", "use_type": "routine_fact", "purpose": "居住证明",
        "document_title": "证明", "impressions": 1, "involved_amount": 0, "document_copy": [copy]})
    m = matters.complete_step(ctx, both, ready(m, "keeper_check"), {"keeper_result": "certify", "keeper_note": "属实"})
    approve = {"director_name": "赵六", "director_decision": "approve", "director_opinion": "同意"}
    with pytest.raises(Forbidden, match="办理“印章管理人核实证明事实”的人不得办理“村委会主任审批签字”"):
        matters.complete_step(ctx, both, ready(m, "director_sign"), approve)
    m = matters.complete_step(ctx, person("director", "VILLAGE_COMMITTEE"), ready(m, "director_sign"), approve)
    assert "stamp" in {s.step_id for s in m.ready_steps}


def test_the_starter_of_a_project_does_not_sign_its_oversight(ctx):
    starter = person("starter", "TWO_COMMITTEES", "SUPERVISION_COMMITTEE")
    m = matters.start_matter(ctx, starter, "village_project", V, "村道", {
        "project_name": "村道", "summary": "1公里", "amount": 30000, "funding_source": "collective", "industry_dept": "water"})
    minutes = attachments.upload_attachment(ctx, starter, "会议记录.pdf", PDF).id
    m = matters.complete_step(ctx, starter, ready(m, "tc_decide"), {
        "tc_members": 7, "tc_attendees": 7, "tc_for": 6, "tc_minutes": "记录", "tc_minutes_file": [minutes]})
    with pytest.raises(Forbidden, match="发起本事项的人不得办理“村务监督委员会知悉”"):
        matters.complete_step(ctx, starter, ready(m, "sc_notice"), {"sc_notified_on": "2026-03-02"})

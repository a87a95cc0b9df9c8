"""Linked matters (issue 13): a `matter` field cites another matter of the same village; the citation
is checked (same village, right item, ended the right way, the amount covered) and shown both ways."""
from datetime import datetime, timezone

import pytest

from engine import clock
from engine.errors import InvalidData
from engine.identity import Grant
from engine.services import Actor, attachments, definitions, matters
from tests.hostile.items import field, item

SYSTEM = Actor.system()
ADMIN = Actor("qingshan_admin", frozenset([Grant("TOWNSHIP_ADMIN", "qingshan_town")]))
CLERK = Actor("clerk", frozenset([Grant("VILLAGE_COMMITTEE", "lushui_village")]))


def cite(props: str, name: str = "grant", label: str = "所依据的批复") -> str:
    return (f'<camunda:formField id="{name}" label="{label}" type="matter"><camunda:properties>{props}'
            f'</camunda:properties></camunda:formField>')


@pytest.fixture
def items(ctx):
    """批复 (grant_item: amount >= 100 ends 大额 "big", else 小额) and 支出 (spend_item: cites a
    grant that ended big, its amount within the grant's)."""
    definitions.upload_definition(ctx, ADMIN, "qingshan_town", "grant_item.bpmn", item("grant_item"), publish=True)
    spend = item("spend_item", start_fields=field("amount", "money", "金额") + cite(
        '<camunda:property id="cites" value="grant_item:big" /><camunda:property id="amount_field" value="amount" />'))
    definitions.upload_definition(ctx, ADMIN, "qingshan_town", "spend_item.bpmn", spend, publish=True)


def grant(ctx, amount, village="lushui_village", finish=True) -> int:
    m = matters.start_matter(ctx, SYSTEM, "grant_item", village, f"批复 {amount} 元", {"amount": amount})
    if finish:
        m = matters.complete_step(ctx, SYSTEM, m.ready_steps[0].id, {"note": "同意"})
    return m.id


def spend(ctx, grant_id, amount=100, actor=SYSTEM):
    return matters.start_matter(ctx, actor, "spend_item", "lushui_village", "支出", {"amount": amount, "grant": grant_id})


def refusal(ctx, grant_id, amount=100) -> str:
    with pytest.raises(InvalidData) as err:
        spend(ctx, grant_id, amount)
    return err.value.errors["grant"]


def test_a_citation_is_recorded_and_shown_both_ways(ctx, items):
    granted = grant(ctx, 500)
    spent = spend(ctx, f"#{granted}", 480, actor=CLERK)
    assert spent.data["grant"] == granted
    shown = matters.get_matter(ctx, CLERK, spent.id).links
    assert [(link.matter_id, link.field_label, link.process_name) for link in shown.cites] == [
        (granted, "所依据的批复", "测试事项")] and shown.cited_by == ()
    back = matters.get_matter(ctx, CLERK, granted).links
    assert [(link.matter_id, link.field) for link in back.cited_by] == [(spent.id, "grant")]
    assert back.cites == ()


def test_each_wrong_citation_is_refused_naming_what_is_wrong(ctx, items):
    assert refusal(ctx, 99999) == "所依据的批复：本村没有第 99999 号事项"
    elsewhere = grant(ctx, 500, village="taohua_village")
    assert refusal(ctx, elsewhere) == f"所依据的批复：本村没有第 {elsewhere} 号事项"      # not told it exists elsewhere
    running = grant(ctx, 500, finish=False)
    assert refusal(ctx, running) == f"所依据的批复：第 {running} 号事项尚未办结，不能作为依据"
    small = grant(ctx, 50)                                                      # ended 小额, not 大额
    assert refusal(ctx, small) == f"所依据的批复：第 {small} 号事项的结果是“小额”，不能作为依据"
    other_item = spend(ctx, grant(ctx, 500)).id
    assert "此处应引用" in refusal(ctx, other_item)
    big = grant(ctx, 500)
    assert refusal(ctx, big, amount=500.01) == f"所依据的批复：金额 500.01 元超过第 {big} 号事项核定的 500.00 元"
    assert spend(ctx, big, amount=500).status == "running"                  # exactly the amount: a near miss


def test_a_refused_citation_leaves_nothing_behind(ctx, items):
    before = matters.list_matters(ctx, SYSTEM, {"process_key": "spend_item"}, 1, 20)[1]
    refusal(ctx, 99999)
    assert matters.list_matters(ctx, SYSTEM, {"process_key": "spend_item"}, 1, 20)[1] == before == 0


APPROVED_ON = datetime(2026, 3, 9, 2, 0, tzinfo=timezone.utc)        # 10:00 in Beijing


def approved_spending(ctx, amount=800):
    """A 村级支出事前审批 of `amount` for 管理费用, approved on 2026-03-09; (applicant, approval, claim)."""
    applicant = Actor("applicant", frozenset([Grant("APPLICANT", "lushui_village")]))
    with clock.use_clock(clock.FixedClock(APPROVED_ON)):
        approval = matters.start_matter(ctx, applicant, "spending_approval", "lushui_village", "维修村部屋顶", {
            "handler_name": "赵六", "purpose": "维修村部屋顶", "amount": amount, "expense_category": "management",
            "planned_on": "2026-03-10"})
        approval = matters.complete_step(ctx, SYSTEM, approval.ready_steps[0].id,
                                         {"director_decision": "approve", "director_opinion": "预算合理"})
    assert approval.outcome == "批准支出"
    invoice = attachments.upload_attachment(ctx, applicant, "发票.pdf", b"%PDF-1.7\n%%EOF\n").id
    claim = {"handler_name": "赵六", "purpose": "维修村部屋顶", "invoice_no": "04412345", "spent_on": "2026-03-12",
             "expense_category": "management", "invoices": [invoice], "approval_matter": approval.id}
    return applicant, approval, claim


def reclaim(ctx, applicant, claim, **changes) -> dict:
    """The claim again with its own invoice (a file supports one matter) and these changes."""
    invoice = attachments.upload_attachment(ctx, applicant, "发票.pdf", b"%PDF-1.7\n%%EOF\n").id
    return {**claim, "invoices": [invoice], **changes}


def test_a_reimbursement_cites_its_prior_approval_and_needs_no_decision_of_its_own(ctx):
    """村级财务支出报销 citing its 村级支出事前审批 (先审批后支出): the amount is checked against
    the approval, and the reimbursement goes straight to the 村监委's review."""
    applicant, approval, claim = approved_spending(ctx)
    with pytest.raises(InvalidData) as err:
        matters.start_matter(ctx, SYSTEM, "expense_reimbursement", "lushui_village", "报销", {**claim, "amount": 900})
    assert err.value.errors["approval_matter"].endswith(f"超过第 {approval.id} 号事项核定的 800.00 元")
    m = matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "报销", {**claim, "amount": 780})
    m = matters.complete_step(ctx, SYSTEM, m.ready_steps[0].id, {"witness_name": "钱七", "witness_statement": "属实"})
    assert [s.step_id for s in m.ready_steps] == ["supervision_review"]


def test_one_approval_is_paid_once_for_what_it_approved_after_it_was_given(ctx):
    """The reimbursements citing an approval share its amount (a second claim of the whole sum is
    refused, a cancelled one gives its share back), keep its category, and cover only money spent
    from the day it was approved."""
    applicant, approval, claim = approved_spending(ctx)
    first = matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "报销一", reclaim(ctx, applicant, claim, amount=500))
    with pytest.raises(InvalidData) as err:
        matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "报销二", reclaim(ctx, applicant, claim, amount=800))
    assert err.value.errors["approval_matter"] == (
        f"支出事前审批（已在本平台审批的，填其事项编号）：金额 800.00 元，加上已引用第 {approval.id} 号事项的"
        f"第 {first.id} 号事项 500.00 元，超过其核定的 800.00 元（尚可报销 300.00 元）")
    matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "报销二", reclaim(ctx, applicant, claim, amount=300))
    with pytest.raises(InvalidData):
        matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "报销三", reclaim(ctx, applicant, claim, amount=1))
    matters.cancel_matter(ctx, SYSTEM, first.id, "发票有误，重新报销")
    matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "报销三", reclaim(ctx, applicant, claim, amount=500))

    _, other, claim = approved_spending(ctx)
    with pytest.raises(InvalidData) as err:
        matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "招待",
                             reclaim(ctx, applicant, claim, amount=100, expense_category="hospitality"))
    assert "“支出类别”与第" in err.value.errors["approval_matter"] and "（该事项为“" in err.value.errors["approval_matter"]
    assert "本事项为“招待费”" in err.value.errors["approval_matter"]
    with pytest.raises(InvalidData) as err:
        matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "先花后批",
                             reclaim(ctx, applicant, claim, amount=100, spent_on="2026-03-08"))
    assert err.value.errors["approval_matter"].endswith(
        f"“支出日期”为 2026-03-08，早于第 {other.id} 号事项办结的 2026-03-09：事前审批之前的支出不在其范围内")
    matters.start_matter(ctx, applicant, "expense_reimbursement", "lushui_village", "当天支出",
                         reclaim(ctx, applicant, claim, amount=100, spent_on="2026-03-09"))


def test_a_change_cites_the_matter_it_changes_while_that_one_runs(ctx, items):
    """`item:running`: a change order cites its project while the project runs, never after."""
    change = item("change_item", start_fields=field("amount", "money", "金额") + cite(
        '<camunda:property id="cites" value="grant_item:running" />', name="project", label="所属项目"))
    definitions.upload_definition(ctx, ADMIN, "qingshan_town", "change_item.bpmn", change, publish=True)
    running, ended = grant(ctx, 500, finish=False), grant(ctx, 500)
    started = matters.start_matter(ctx, SYSTEM, "change_item", "lushui_village", "变更", {"amount": 1, "project": running})
    assert matters.get_matter(ctx, SYSTEM, running).links.cited_by[0].matter_id == started.id
    with pytest.raises(InvalidData) as err:
        matters.start_matter(ctx, SYSTEM, "change_item", "lushui_village", "变更", {"amount": 1, "project": ended})
    assert err.value.errors == {"project": f"所属项目：第 {ended} 号事项已办结，不能再引用"}


def test_a_citation_must_be_within_the_cited_authorisation_and_its_validity(ctx):
    """授权 (auth_item: which classes the council may decide, until when) and a decision citing it
    (`scope`: its class must be one the authorisation says 是; `valid_until`: its date not after)."""
    auth_fields = (field("amount", "money", "金额") + field("auth_works", "boolean", "授权：小型工程")
                   + field("auth_hiring", "boolean", "授权：临时用工") + field("auth_until", "date", "授权有效期至"))
    definitions.upload_definition(ctx, ADMIN, "qingshan_town", "auth_item.bpmn",
                                  item("auth_item", start_fields=auth_fields), publish=True)
    klass = ('<camunda:formField id="matter_class" label="事项类别" type="enum"><camunda:value id="works" name="小型工程" />'
             '<camunda:value id="hiring" name="临时用工" /></camunda:formField>')
    decided = item("decide_item", start_fields=field("amount", "money", "金额") + klass + field("decided_on", "date", "决定日期")
                   + cite('<camunda:property id="cites" value="auth_item:big" />'
                          '<camunda:property id="scope" value="matter_class:auth_{}" />'
                          '<camunda:property id="valid_until" value="auth_until:decided_on" />', name="plan", label="所依据的授权"))
    definitions.upload_definition(ctx, ADMIN, "qingshan_town", "decide_item.bpmn", decided, publish=True)
    m = matters.start_matter(ctx, SYSTEM, "auth_item", "lushui_village", "年度授权",
                             {"amount": 500, "auth_works": True, "auth_hiring": False, "auth_until": "2026-12-31"})
    matters.complete_step(ctx, SYSTEM, m.ready_steps[0].id, {"note": "同意"})

    def decide(klass_id, day):
        return matters.start_matter(ctx, SYSTEM, "decide_item", "lushui_village", "决定",
                                    {"amount": 10, "matter_class": klass_id, "decided_on": day, "plan": m.id})
    with pytest.raises(InvalidData) as err:
        decide("hiring", "2026-06-01")
    assert err.value.errors["plan"] == f"所依据的授权：第 {m.id} 号事项的“授权：临时用工”为“否”，不在其授权范围内"
    with pytest.raises(InvalidData) as err:
        decide("works", "2027-01-04")
    assert err.value.errors["plan"] == f"所依据的授权：第 {m.id} 号事项的“授权有效期至”为 2026-12-31，2027-01-04 已超出"
    assert decide("works", "2026-12-31").status == "running"            # the last valid day: a near miss


def test_a_bad_scope_declaration_is_refused_at_load(ctx):
    from engine.errors import DefinitionError
    bad = item("bad_scope", start_fields=cite('<camunda:property id="cites" value="auth_item:big" />'
                                              '<camunda:property id="scope" value="matter_class:auth_" />'))
    with pytest.raises(DefinitionError) as err:
        definitions.upload_definition(ctx, ADMIN, "qingshan_town", "bad_scope.bpmn", bad)
    assert "scope" in err.value.problem and "matter_class:auth_{}" in err.value.problem

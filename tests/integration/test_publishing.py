"""Publishing on the real store (SQLite and PostgreSQL): every publicity point a matter passes
becomes a published record in the unit of work of the action that passed it, vouched for by an
audit event; publicity periods are tracked on the records; a cancelled matter's records are
withdrawn; a failed action publishes nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from engine import clock
from engine.audit import event_hash
from engine.errors import InvalidData
from engine.identity import Grant
from engine.services import Actor, audit, definitions, matters, views
from engine.services.publishing import content_hash
from engine.services.timers import advance_due_timers
from engine.store.models import AuditEvent, PublishedRecord
from engine.workdays import period_end
from tests.integration.helpers import DELIBERATE, PROPOSE, RESOLVE, REVIEW, SEND_PLAN, do, post_notice, with_evidence

SYSTEM = Actor.system()
PROJECT = {"project_name": "通组道路硬化", "summary": "硬化通组道路1.2公里，联系人电话13812345678", "amount": 80000,
           "funding_source": "higher_level", "industry_dept": "transport"}
DIBAO = {"applicant_name": "王大山", "id_number": "110101199003071234", "phone": "13812345678", "household_size": 3,
         "per_capita_income": 420, "application_reason": "户主因病丧失劳动能力", "related_to_staff": False}


@pytest.fixture
def other(ctx) -> Actor:
    """A second clerk: steps separated from the matter's starter need someone else."""
    return Actor("other", frozenset(Grant(code, "demo_county") for code in ctx.roles))


def third(ctx) -> Actor:
    return Actor("third", frozenset(Grant(code, "demo_county") for code in ctx.roles))


def records(ctx, matter_id: int, withdrawn: bool = False) -> list[PublishedRecord]:
    with ctx.uow() as uow:
        query = select(PublishedRecord).where(PublishedRecord.matter_id == matter_id).order_by(PublishedRecord.id)
        rows = list(uow.session.scalars(query))
        uow.session.expunge_all()            # keep them readable after the unit of work rolls back
    return [r for r in rows if withdrawn or r.withdrawn_at is None]


def event(ctx, seq: int) -> AuditEvent:
    with ctx.uow() as uow:
        row = uow.session.get(AuditEvent, seq)
        uow.session.expunge_all()
        return row


def start_project(ctx, clerk) -> dict:
    return matters.start_matter(ctx, clerk, "village_project", "lushui_village", "通组道路硬化", PROJECT)


def to_contract(ctx, clerk, other) -> dict:
    m = start_project(ctx, clerk)
    m = do(ctx, other, m, "council_vote", {"council_members": 25, "council_attendees": 21, "council_for": 18,
                                           "council_minutes": "表决记录"})
    while any(step.step_id == "establish_review" for step in m.ready_steps):   # each of the 1+N departments
        m = do(ctx, other, m, "establish_review", {"establish_opinion": "agree", "establish_notes": "符合规划"})
    m = do(ctx, other, m, "township_review", {"township_decision": "approve", "township_opinion": "同意",
                                              "approval_no": "青政项〔2026〕12号"})
    m = do(ctx, other, m, "prepare_budget", {"budget_amount": 78000, "budget_prepared_by": "县设计院"})
    m = do(ctx, other, m, "cost_review", {"control_price": 76000, "cost_review_no": "青财评8号", "cost_review_opinion": "核定"})
    m = do(ctx, other, m, "three_quotes", {"quote_count": 3, "quote_record": "甲乙丙三家", "contractor": "绿水建设队",
                                           "award_price": 75000})
    return do(ctx, other, m, "sign_contract", {"contract_no": "LS-2026-003", "contract_price": 75000,
                                               "signed_on": "2026-03-20"})


def test_each_stage_of_a_project_is_published_as_it_happens(ctx, clerk, other):
    m = to_contract(ctx, clerk, other)
    rows = records(ctx, m.id)
    assert [(r.stage, r.title) for r in rows] == [
        ("决策", "村民议事会表决"), *[("“1+N”立项审查", "“1+N”立项审查")] * 5, ("立项", "乡镇审核立项"),
        ("预算", "编制工程预算"), ("造价评审", "造价评审"), ("发包", "三家询价比价"), ("合同", "签订施工合同")]
    assert {r.section for r in rows} == {"project"} and {r.process_key for r in rows} == {"village_project"}
    vote, approval = rows[0], rows[6]
    assert vote.subject == "通组道路硬化" and vote.role == "VILLAGER_COUNCIL"
    assert {f["label"]: f["text"] for f in vote.fields} == {
        "项目名称": "通组道路硬化", "估算投资（元）": "80,000.00 元", "议事会成员总数": "25", "到会成员人数": "21", "赞成票数": "18"}
    shown = {f["label"]: f["text"] for f in approval.fields}
    assert shown["资金来源"] == "上级补助资金" and shown["审核意见"] == "同意立项"
    assert "138****5678" in shown["建设内容、规模和目的"] and "13812345678" not in str(approval.fields)
    contract = rows[-1]
    (document,) = contract.documents
    assert document["name"] == "合同文本（报乡镇备案）.pdf" and len(document["sha256"]) == 64
    assert "council_ballots_file" not in str(vote.fields) and vote.documents == [], "ballots are not listed: never public"


def test_a_record_is_vouched_for_by_the_audit_event_that_published_it(ctx, clerk, other):
    m = to_contract(ctx, clerk, other)
    for row in records(ctx, m.id):
        published = event(ctx, row.audit_seq)
        assert published.event == "record_published" and published.hash == row.audit_hash
        assert published.payload["record_id"] == row.id and published.payload["content_sha256"] == row.content_sha256
        assert content_hash(row) == row.content_sha256, "the hash covers exactly what is shown"
        assert event_hash(published.seq, published.at, published.event, published.actor, published.matter_id,
                          published.payload, published.prev_hash) == published.hash
    assert audit.verify_chain(ctx, SYSTEM).ok


def test_an_action_that_fails_publishes_nothing(ctx, clerk, other, monkeypatch):
    m = start_project(ctx, clerk)
    vote = {"council_members": 25, "council_attendees": 21, "council_for": 18, "council_minutes": "表决记录"}
    with pytest.raises(InvalidData):
        do(ctx, other, m, "council_vote", {**vote, "council_for": 30})     # more votes than attendees
    assert records(ctx, m.id) == []

    def broken(*args, **kwargs):
        raise RuntimeError("the answer could not be built")
    monkeypatch.setattr(views, "matter", broken)           # fails after save_matter, before the commit
    with pytest.raises(RuntimeError):
        do(ctx, other, m, "council_vote", vote)
    monkeypatch.undo()
    assert records(ctx, m.id) == []
    with ctx.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.event == "record_published")) == 0
    after = matters.get_matter(ctx, other, m.id)
    assert [s.step_id for s in after.ready_steps] == ["council_vote"], "the step is still to do"
    do(ctx, other, after, "council_vote", vote)
    assert len(records(ctx, m.id)) == 1


def test_a_dibao_notice_opens_its_publicity_period_on_the_portal(ctx, clerk, other):
    fixed = clock.FixedClock(clock.now())
    with clock.use_clock(fixed):
        start_form = definitions.get_process(ctx, clerk, "dibao").start_form
        m = matters.start_matter(ctx, clerk, "dibao", "lushui_village", "低保申请", with_evidence(ctx, clerk, start_form, DIBAO))
        m = do(ctx, other, m, "accept_application", {"acceptance": "accept", "acceptance_note": "齐全", "accepted_on": "2026-03-02"})
        m = do(ctx, other, m, "investigate", {"info_check_result": "无", "home_visit_record": "入户", "neighbour_visit_record": "走访",
                                             "verified_income": 380, "complex_case": False, "hold_appraisal": True})
        m = do(ctx, other, m, "appraisal", {"appraisal_on": "2026-03-10", "panel_total": 9, "panel_reps": 6, "ballots_cast": 9,
                                           "votes_for": 7, "votes_against": 2})
        m = do(ctx, third(ctx), m, "sc_review", {"sc_reviewers": "李监委", "sc_result": "approve", "sc_opinion": "合规"})
        m = do(ctx, other, m, "first_review", {"first_review_opinion": "recommend", "first_review_reason": "收入低于标准",
                                              "proposed_allowance": 900})
        assert records(ctx, m.id) == [], "the 初审意见 is published, not the appraisal on its own"
        m = do(ctx, other, m, "publish_first_review", {"first_review_notice": "王大山户3人，身份证110101199003071234",
                                                      "first_review_published_on": "2026-03-11"})
        (row,) = records(ctx, m.id)
        intake = next(s for s in m.ready_steps if s.step_id == "first_review_objection")
        assert (row.section, row.stage, row.subject) == ("service_result", "初审意见公示", "王*山")
        shown = {f["label"]: f["text"] for f in row.fields}
        assert "公民身份号码" not in shown and shown["申请理由（家庭困难情况）"] == "（依法不公开）"   # 57号: no ID
        assert shown["初审意见"] == "建议确认为低保对象" and shown["民主评议同意票数"] == "7"
        assert "联系电话" not in shown and "110101199003071234" not in str(row.fields) and "王大山" not in str(row.fields)
        assert row.publicity_step == "first_review_objection" and row.publicity_task_id == intake.id
        assert row.publicity_ends_at == period_end(fixed.now(), 7)          # 24:00 of the 7th day
        fixed.advance(row.publicity_ends_at - fixed.now() + timedelta(minutes=1))
        advance_due_timers(ctx, SYSTEM)
    (row,) = records(ctx, m.id)
    assert row.publicity_task_id is None and row.publicity_ends_at is not None, "the period ended, its end date kept"


def test_a_dismissed_objection_restarts_the_period_on_the_same_record(ctx, clerk, other):
    m = to_contract(ctx, clerk, other)
    decision = matters.start_matter(ctx, clerk, "major_decision", "lushui_village", "修建文化广场",
                                    {"summary": "修建村文化广场", "amount": 300000})
    fixed = clock.FixedClock(clock.now())
    with clock.use_clock(fixed):
        d = do(ctx, other, decision, "propose", PROPOSE)
        d = do(ctx, other, d, "deliberate", DELIBERATE)
        d = do(ctx, other, d, "send_plan", SEND_PLAN)
        fixed.advance(timedelta(days=10))
        advance_due_timers(ctx, SYSTEM)
        d = do(ctx, other, matters.get_matter(ctx, other, d.id), "review", REVIEW)
        d = do(ctx, other, d, "resolve_rep", RESOLVE)
        d = post_notice(ctx, other, d, "resolution", "决议公开", "2026-03-20")
        (row,) = records(ctx, d.id)
        first = row.publicity_task_id
        assert row.section == "village_affairs" and first and row.subject == "修建村文化广场"
        d = do(ctx, other, d, "resolution_objection", {"objection": "票数有误"})
        assert records(ctx, d.id)[0].publicity_task_id is None, "an objection ends the running period"
        fixed.advance(timedelta(days=1))
        d = do(ctx, other, d, "reverify_resolution", {"verification_finding": "核实无误", "objection_conclusion": "dismissed"})
    (row,) = records(ctx, d.id)
    assert row.publicity_task_id not in (None, first) and row.publicity_ends_at == period_end(fixed.now(), 3)
    assert len(records(ctx, m.id)) == 11, "the project's records are its own"


def test_a_called_decision_is_filed_under_the_project(ctx, clerk, other):
    m = matters.start_matter(ctx, clerk, "village_project", "lushui_village", "村道", {**PROJECT, "amount": 150000})
    fixed = clock.FixedClock(clock.now())
    with clock.use_clock(fixed):
        m = do(ctx, other, m, "propose", PROPOSE)
        m = do(ctx, other, m, "deliberate", DELIBERATE)
        m = do(ctx, other, m, "send_plan", SEND_PLAN)
        fixed.advance(timedelta(days=10))
        advance_due_timers(ctx, SYSTEM)
        m = do(ctx, other, matters.get_matter(ctx, other, m.id), "review", REVIEW)
        m = do(ctx, other, m, "resolve_rep", RESOLVE)
        m = post_notice(ctx, other, m, "resolution", "决议公开", "2026-03-20")
    (row,) = records(ctx, m.id)
    assert (row.section, row.source_process, row.process_key, row.stage) == ("project", "major_decision", "village_project", "决议公开")
    shown = {f["label"]: f["text"] for f in row.fields}
    assert shown["赞成票数"] == "25" and shown["到会代表人数"] == "30" and shown["决议内容"] == RESOLVE["resolution"]
    assert shown["列席村民代表会议的乡镇（包村）干部"] == RESOLVE["rep_township_cadres"]
    assert row.publicity_task_id is not None


def test_a_cancelled_matters_records_are_withdrawn_and_kept(ctx, clerk, other):
    m = to_contract(ctx, clerk, other)
    matters.cancel_matter(ctx, SYSTEM, m.id, "项目取消")
    assert records(ctx, m.id) == [] and len(records(ctx, m.id, withdrawn=True)) == 11
    with ctx.uow() as uow:
        withdrawn = [e.payload for e in uow.audit.for_matter(m.id) if e.event == "records_withdrawn"]
    with ctx.portal_uow() as portal:
        assert portal.records.in_section("lushui_village", "project") == []
        assert portal.records.version("lushui_village")[0] == 11, "a withdrawal still changes the portal's version"
    assert len(withdrawn) == 1 and len(withdrawn[0]["records"]) == 11


def test_the_portal_unit_of_work_cannot_reach_matters(ctx):
    with ctx.portal_uow() as portal:
        for private in ("matters", "inbox", "users", "tokens", "attachments", "idempotency", "public_objections"):
            assert not hasattr(portal, private)
        # The township's rules in force (time limits, thresholds, the supervision telephone) are
        # published on every official flowchart: the portal reads parameters, which hold no one's data.
        assert {"records", "parameters"} <= set(vars(portal))
        assert portal.session.execute(text("SELECT 1")).scalar() == 1

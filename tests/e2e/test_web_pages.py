"""The web pages through the Flask test client: every page has a title and labelled controls
(including a step page of every field type), logged-out visitors go to /login, errors are Chinese
pages without a trace."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

import pytest

from api import create_app
from engine.clock import FixedClock, use_clock
from engine.forms import FIELD_TYPES
from engine.identity import Grant
from engine.services import Actor, attachments, matters
from engine.services.demo_answers import FARM_SUBSIDY_ROSTER
from engine.services.timers import advance_due_timers
from examples.drive_project import answer
from tests.browser.web import WebClient, assert_accessible, assert_no_trace
from tests.integration.helpers import with_evidence

from .conftest import make_user

# Every test's `ctx` holds the demo's users (tests/conftest.py).
pytestmark = pytest.mark.demo_users

SYSTEM = Actor.system()
PROJECT = {"project_name": "通组道路硬化", "summary": "硬化通组道路1.2公里", "amount": 80000,
           "funding_source": "higher_level", "industry_dept": "transport"}
PAGES = ["/tasks", "/start", "/start/village_project", "/power-list", "/power-list/village_project",
         "/supervise", "/audit", "/logout"]


@pytest.fixture
def app(ctx):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)


@pytest.fixture
def everyone(ctx, app):
    """Logged in as a user holding every role over 绿水村 (so every step page shows its form)."""
    roles = [code for code, role in ctx.roles.items() if role.level != "system"]
    make_user(ctx, "quanneng", roles)
    web = WebClient(app)
    web.login("quanneng", "correct-horse-battery")
    return web


def someone_new(ctx, step) -> Actor:
    """A different person for every step, holding every role: no separation-of-duties rule trips."""
    return Actor(f"walker-{step.id[:8]}", frozenset(Grant(code, "demo_county") for code in ctx.roles))


def start_project(ctx, amount=80000) -> dict:
    return matters.start_matter(ctx, SYSTEM, "village_project", "lushui_village", "绿水村通组道路硬化工程",
                                {**PROJECT, "amount": amount})


def test_a_logged_out_visitor_is_sent_to_the_login_page(app):
    web = WebClient(app)
    for url in PAGES + ["/", "/matters/1", "/tasks/abc"]:
        response = web.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url
    assert web.get("/tasks").headers["Location"] == "/login?next=/tasks"
    login = web.get("/login")
    assert login.status_code == 200 and "登录" in login.get_data(as_text=True)
    assert_accessible(login)


def test_every_page_has_a_title_and_every_control_a_label(ctx, everyone):
    for url in PAGES + ["/supervise?status=running&overdue=1", "/supervise?created_from=bad"]:
        response = everyone.get(url)
        assert response.status_code in (200, 422), url
        assert_accessible(response)
    for group in _catalogue(ctx):
        for item in group.items:
            assert_accessible(everyone.get(f"/start/{item.key}"))
            assert_accessible(everyone.get(f"/power-list/{item.key}"))
    assert_accessible(everyone.get("/no-such-page"))


def _catalogue(ctx):
    from engine.services import definitions
    return definitions.list_processes(ctx, SYSTEM)


def test_step_pages_of_every_field_type_are_labelled(ctx, everyone):
    """A 村级工程项目 walked to its end (each step page rendered before the step is done), and the
    first step of 议事会年中决议 (the yes/no fields)."""
    seen = set()
    matter = start_project(ctx)
    while matter.status == "running":
        steps = [s for s in matter.ready_steps if not s.objection_intake]
        if not steps:
            due = min(datetime.fromisoformat(t.due) for t in matter.waiting_timers)
            with use_clock(FixedClock(due + timedelta(seconds=1))):
                advance_due_timers(ctx, SYSTEM)
            matter = matters.get_matter(ctx, SYSTEM, matter.id)
            continue
        step = steps[0]
        response = everyone.get(f"/tasks/{step.id}")
        assert response.status_code == 200
        assert_accessible(response)
        form = matters.get_task(ctx, SYSTEM, step.id).form
        seen.update(f["type"] for f in form)
        walker = someone_new(ctx, step)
        matter = matters.complete_step(ctx, walker, step.id, with_evidence(ctx, walker, form, answer(asdict(step), 80000)))
    page = everyone.get(f"/matters/{matter.id}")
    assert_accessible(page)
    assert "已办结" in page.get_data(as_text=True) and "资料归档" in page.get_data(as_text=True)
    resolution = matters.start_matter(ctx, SYSTEM, "council_resolution", "lushui_village", "年中决议",
                                      {"summary": "村道维修"})
    step = resolution.ready_steps[0]
    assert_accessible(everyone.get(f"/tasks/{step.id}"))
    seen.update(f["type"] for f in matters.get_task(ctx, SYSTEM, step.id).form)
    # A list (table field): the 村监委 returns the year's list, and the 报账员's correction page asks for it.
    ledger = attachments.upload_attachment(ctx, SYSTEM, "台账摘录.pdf", b"%PDF-1.4\n%%EOF\n").id
    roster = matters.start_matter(ctx, SYSTEM, "farm_subsidy_roster", "lushui_village", "2026年补贴清册",
                                  {**FARM_SUBSIDY_ROSTER, "ledger_extract": [ledger]})
    check = roster.ready_steps[0]
    assert_accessible(everyone.get(f"/tasks/{check.id}"))
    roster = matters.complete_step(ctx, someone_new(ctx, check), check.id,
                                   {"sc_check_result": "return", "sc_check_opinion": "第2户面积有误"})
    correct = roster.ready_steps[0]
    page = everyone.get(f"/tasks/{correct.id}")
    assert_accessible(page)
    assert "下载模板（CSV）" in page.get_data(as_text=True) and "已有清册 4 行（不重新选择文件则保留）" in page.get_data(as_text=True)
    seen.update(f["type"] for f in matters.get_task(ctx, SYSTEM, correct.id).form)
    assert_accessible(everyone.get(f"/matters/{roster.id}"))
    assert seen >= set(FIELD_TYPES)


def test_unknown_pages_and_errors_are_chinese_pages_without_a_trace(ctx, everyone, monkeypatch):
    for url, status in [("/no-such-page", 404), ("/matters/abc", 404), ("/matters/99999", 404),
                        ("/tasks/no-such-task", 404), ("/power-list/no_such_item", 404),
                        ("/attachments/nope", 404)]:
        response = everyone.get(url)
        assert response.status_code == status, url
        assert response.mimetype == "text/html" and "<title>" in response.get_data(as_text=True)
        assert_no_trace(response)
    assert everyone.client.put("/tasks").status_code == 405

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals: /srv/xiaowei/engine.py line 12")
    monkeypatch.setattr(matters, "to_do_page", broken)          # what the to-do page asks
    response = everyone.get("/tasks")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "服务器内部错误" in text and "secret internals" not in text
    assert_no_trace(response)


def test_the_api_keeps_its_json_errors(app):
    response = app.test_client().get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.is_json and response.json["message"]


def test_the_audit_page_tells_whether_the_chain_is_whole(ctx, app, database):
    from sqlalchemy import text
    start_project(ctx)
    inspector = WebClient(app)
    inspector.login("township_discipline.qingshan_town")
    whole = inspector.get("/audit")
    assert whole.status_code == 200 and "审计链完整" in whole.get_data(as_text=True)
    with database.engine.begin() as conn:
        seq = conn.execute(text("SELECT seq FROM audit_events WHERE event = 'matter_started'")).scalar()
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = :s"), {"s": seq})
    broken = inspector.get("/audit").get_data(as_text=True)
    assert f"审计链已损坏：第 {seq} 号记录处不一致" in broken and "被改动" in broken
    clerk = WebClient(app)
    clerk.login("two_committees.lushui_village")
    refused = clerk.get("/audit")
    assert refused.status_code == 403 and "只有监督人员和管理员" in refused.get_data(as_text=True)
    assert "审计校验" not in refused.get_data(as_text=True).split("<main")[0]    # not in a clerk's menu


def test_the_audit_page_says_from_where_it_verified(ctx, app):
    """With a checkpoint (the timer worker moves it on), the page recomputes what came after and
    says when the links before it were checked, and when the whole chain last was."""
    from engine.services import Actor, audit
    start_project(ctx)
    audit.advance_checkpoint(ctx, Actor.system(), full=True)
    start_project(ctx)
    inspector = WebClient(app)
    inspector.login("township_discipline.qingshan_town")
    page = inspector.get("/audit").get_data(as_text=True)
    checkpoint = audit.verify_chain(ctx, Actor.system()).from_seq
    assert checkpoint > 0 and f"第 {checkpoint} 号之后的" in page and "全链最近一次重算" in page
    audit.advance_checkpoint(ctx, Actor.system())          # nothing after it: no "之后的 0 条"
    page = inspector.get("/audit").get_data(as_text=True)
    assert "全部记录于" in page and "之后的" not in page

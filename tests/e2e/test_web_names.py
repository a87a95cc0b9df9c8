"""The workspace as a clerk reads it (issue 16): a step done is shown as done (who, when, a link to
the matter, never the form or the claim button), the page after an action says what comes next and
who does it, and people appear by their names, never their login names; the timer is 系统（定时）."""
from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime, timedelta

import pytest

from api import create_app
from engine.clock import FixedClock, use_clock
from engine.identity import Grant
from engine.services import Actor, identity, matters
from engine.services.timers import advance_due_timers
from engine.vocabulary import quoted
from examples.drive_project import answer
from tests.browser.web import WebClient
from tests.integration.helpers import with_evidence

from .test_web_forms import START, VOTE, logged_in, pdf

# Every test's `ctx` holds the demo's users (tests/conftest.py).
pytestmark = pytest.mark.demo_users

SYSTEM = Actor.system()
STARTER, VOTER = "two_committees.lushui_village", "villager_council.lushui_village"
LOGIN_NAME = re.compile(r"\b[a-z_]+\.[a-z_]+_(village|town|county)\b")


@pytest.fixture
def app(ctx):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)


def name_of(ctx, username: str) -> str:
    return identity.display_names(ctx, [username])[username]


def visible_text(html: str) -> str:
    """What a reader sees: no tags, no attribute values (links and forms may carry ids)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def started_on_the_web(ctx, app) -> tuple[WebClient, dict]:
    web = logged_in(app, STARTER)
    done = web.post("/start/village_project", {**START, "data.plan_documents": pdf("项目方案.pdf")})
    assert done.status_code == 302
    matter = matters.list_matters(ctx, SYSTEM, {}, 1, 1)[0][0]
    return web, matters.get_matter(ctx, SYSTEM, matter.id)


def test_after_starting_the_page_says_what_comes_next_and_who_does_it(ctx, app):
    web, matter = started_on_the_web(ctx, app)
    (first,) = matter.ready_steps
    page = web.get(f"/matters/{matter.id}").get_data(as_text=True)
    assert f"下一步：{quoted(first.name)}，由{first.role_name}办理" in page


def test_a_completed_step_shows_who_did_it_and_when_never_its_form(ctx, app):
    _, matter = started_on_the_web(ctx, app)
    task = matter.ready_steps[0].id
    voter = logged_in(app, VOTER)
    done = voter.post(f"/tasks/{task}", {**VOTE, "data.council_ballots_file": pdf()})
    assert done.status_code == 302
    after = matters.get_matter(ctx, SYSTEM, matter.id)
    following = voter.get(done.headers["Location"]).get_data(as_text=True)
    assert f"已办理{quoted(matter.ready_steps[0].name)}" in following
    assert any(f"{quoted(s.name)}，由{s.role_name}办理" in following for s in after.ready_steps)

    for reader in (voter, logged_in(app, STARTER)):
        html = reader.get(f"/tasks/{task}").get_data(as_text=True)
        assert "此步骤已办理" in html and name_of(ctx, VOTER) in html
        assert f'href="/matters/{matter.id}"' in html
        assert "提交办理" not in html and "认领此步骤" not in html and 'name="data.' not in html
    again = voter.post(f"/tasks/{task}", {**VOTE, "data.council_ballots_file": pdf()})
    assert again.status_code == 409
    assert f"已由 {name_of(ctx, VOTER)} 办理" in again.get_data(as_text=True)


def test_the_api_says_a_steps_state_and_who_completed_it(ctx, app):
    _, matter = started_on_the_web(ctx, app)
    task = matter.ready_steps[0].id
    before = matters.get_task(ctx, SYSTEM, task)
    assert before.state == "ready" and before.completed_by is None and before.may_act
    voter = Actor(VOTER, frozenset({Grant("VILLAGER_COUNCIL", "lushui_village")}))
    matters.complete_step(ctx, voter, task, with_evidence(ctx, voter, before.form, answer(asdict(before), 80000)))
    after = matters.get_task(ctx, SYSTEM, task)
    assert after.state == "completed" and after.completed_by == VOTER and after.completed_at
    assert not after.may_act


def test_people_are_named_by_their_names_and_the_timer_is_the_system(ctx, app):
    web, matter = started_on_the_web(ctx, app)
    fired = False
    while matter.status == "running" and not fired:
        steps = [s for s in matter.ready_steps if not s.objection_intake]
        if not steps:
            due = min(datetime.fromisoformat(t.due) for t in matter.waiting_timers)
            with use_clock(FixedClock(due + timedelta(seconds=1))):
                advance_due_timers(ctx, SYSTEM)
            fired = True
        else:
            step = matters.get_task(ctx, SYSTEM, steps[0].id)
            walker = Actor(VOTER, frozenset(Grant(code, "demo_county") for code in ctx.roles))
            matters.complete_step(ctx, walker, step.id, with_evidence(ctx, walker, step.form, answer(asdict(step), 80000)))
        matter = matters.get_matter(ctx, SYSTEM, matter.id)
    assert fired, "the walk reached no time limit"
    html = web.get(f"/matters/{matter.id}").get_data(as_text=True)
    text = visible_text(html)
    assert name_of(ctx, STARTER) in text and name_of(ctx, VOTER) in text      # 发起人, the timeline
    assert "系统（定时）" in text and " system " not in text
    assert LOGIN_NAME.search(text) is None, LOGIN_NAME.search(text)
    for url in ("/tasks", "/supervise", "/logout"):
        page = visible_text(web.get(url).get_data(as_text=True))
        assert name_of(ctx, STARTER) in page and LOGIN_NAME.search(page) is None, url


def test_the_catalogue_offers_only_what_the_user_may_start(ctx, app):
    from engine.services import definitions
    everything = {i.key: i for g in definitions.list_processes(ctx, SYSTEM) for i in g.items}
    assert everything["village_project"].start_role == "TWO_COMMITTEES"
    assert everything["village_project"].start_role_name
    council = logged_in(app, VOTER)
    html = council.get("/start").get_data(as_text=True)
    offered = set(re.findall(r'href="/start/([a-z_]+)"', html))
    may_start = {k for k, i in everything.items() if i.start_role in (None, "VILLAGER_COUNCIL")}
    assert offered == may_start and "village_project" not in offered
    refused = council.get("/start/village_project").get_data(as_text=True)
    assert "不能发起" in refused and "发起事项</button>" not in refused
    committees = set(re.findall(r'href="/start/([a-z_]+)"', logged_in(app, STARTER).get("/start").get_data(as_text=True)))
    assert "village_project" in committees


def test_the_api_publishes_each_items_start_role(ctx, app):
    from tests.e2e.conftest import make_user
    token = make_user(ctx, "reader", ["TWO_COMMITTEES"])
    groups = app.test_client().get("/api/v1/processes", headers={"Authorization": f"Bearer {token}"}).get_json()
    items = {i["key"]: i for g in groups for i in g["items"]}
    assert items["village_project"]["start_role"] == "TWO_COMMITTEES"
    assert items["village_project"]["start_role_name"] == ctx.roles["TWO_COMMITTEES"].name


def test_supervisors_find_matters_by_number_words_in_the_data_and_people(ctx, app):
    _, matter = started_on_the_web(ctx, app)
    other = matters.start_matter(ctx, SYSTEM, "major_decision", "lushui_village", "村部修缮",
                                 {"summary": "修缮村部二楼会议室屋顶"})
    inspector = logged_in(app, "township_discipline.qingshan_town")
    recent = inspector.get("/supervise").get_data(as_text=True)
    assert "最近的事项" in recent and f"#{matter.id}" in recent and f"#{other.id}" in recent

    def found(q: str) -> set[int]:
        rows, _ = matters.list_matters(ctx, SYSTEM, {"keyword": q}, 1, 50)
        return {r.id for r in rows}
    assert found(f"#{matter.id}") >= {matter.id} and other.id not in found(f"#{matter.id}")
    assert found("1.2公里") == {matter.id}                   # in the data (summary), not the subject
    assert found("会议室屋顶") == {other.id}
    assert found(name_of(ctx, STARTER)) == {matter.id}        # who started it, by name
    assert found("50%_!") == set()                               # wildcards are plain characters
    page = inspector.get("/supervise?q=1.2公里").get_data(as_text=True)
    assert "查询结果（共 1 件）" in page and f"#{matter.id}" in page and f"#{other.id}" not in page
    reversed_range = inspector.get("/supervise?created_from=2026-05-02&created_to=2026-05-01")
    assert reversed_range.status_code == 422 and "开始日期不能晚于结束日期" in reversed_range.get_data(as_text=True)
    token = app.test_client().post("/api/v1/auth/token", json={"username": "township_discipline.qingshan_town",
                                                                 "password": "xiaowei-demo"}).get_json()["token"]
    listed = app.test_client().get("/api/v1/instances?q=会议室屋顶", headers={"Authorization": f"Bearer {token}"})
    assert [m["id"] for m in listed.get_json()] == [other.id]


def test_a_likely_duplicate_is_asked_about_before_it_is_started(ctx, app):
    web, first = started_on_the_web(ctx, app)
    form = web.get("/start/village_project").get_data(as_text=True)           # a new form: a new token
    token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    asked = web.post("/start/village_project", {**START, "form_token": token, "data.plan_documents": pdf("方案.pdf")})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 409 and "可能重复" in html and f'href="/matters/{first.id}"' in html
    assert 'value="通组道路硬化"' in html                                        # what was typed is kept
    assert matters.list_matters(ctx, SYSTEM, {}, 1, 10)[1] == 1
    confirmed = web.post("/start/village_project", {**START, "form_token": token, "confirm_duplicate": "1",
                                                    "data.plan_documents": pdf("方案.pdf")})
    assert confirmed.status_code == 302 and matters.list_matters(ctx, SYSTEM, {}, 1, 10)[1] == 2
    # Another subject, or a day later, is not asked about; nor is a cancelled one.
    other = web.post("/start/village_project", {**START, "subject": "桃园组道路", "data.plan_documents": pdf()})
    assert other.status_code == 302
    with use_clock(FixedClock(datetime.now(tz=first.created_at.tzinfo) + timedelta(days=1, minutes=1))):
        later = web.post("/start/village_project", {**START, "data.plan_documents": pdf()})
    assert later.status_code == 302


def test_each_departments_findings_are_shown_by_department(ctx, app):
    """The “1+N” inspection is done once per department: the matter's data keeps the last answer,
    the page shows every department's own."""
    web, matter = started_on_the_web(ctx, app)
    notes = {}
    while matter.status == "running":
        steps = [s for s in matter.ready_steps if not s.objection_intake]
        if not steps:
            due = min(datetime.fromisoformat(t.due) for t in matter.waiting_timers)
            with use_clock(FixedClock(due + timedelta(seconds=1))):
                advance_due_timers(ctx, SYSTEM)
        else:
            step = matters.get_task(ctx, SYSTEM, steps[0].id)
            data = answer(asdict(step), 80000)
            if step.step_id == "joint_oversight":
                data["inspection_notes"] = notes[step.role] = f"{step.role_name}：检查意见{len(notes) + 1}"
            walker = Actor(f"walker-{len(notes)}", frozenset(Grant(code, "demo_county") for code in ctx.roles))
            matters.complete_step(ctx, walker, step.id, with_evidence(ctx, walker, step.form, data))
        matter = matters.get_matter(ctx, SYSTEM, matter.id)
    assert len(notes) >= 2, notes
    html = web.get(f"/matters/{matter.id}").get_data(as_text=True)
    section = html[html.index("各部门意见"):]
    assert all(text in section for text in notes.values())
    assert all(ctx.roles[role].name in section for role in notes)


@pytest.mark.parametrize("amount, step, label", [(80000, "three_quotes", "成交单位"), (450000, "public_tender", "中标单位")])
def test_data_is_labelled_as_the_step_that_collected_it(ctx, app, amount, step, label):
    web = logged_in(app, STARTER)
    start = {**START, "data.amount": str(amount), "data.plan_documents": pdf()}
    assert web.post("/start/village_project", start).status_code == 302
    matter = matters.list_matters(ctx, SYSTEM, {}, 1, 1)[0][0]
    taken, taken_by = set(), set()
    while "contractor" not in matters.get_matter(ctx, SYSTEM, matter.id).data:
        matter = matters.get_matter(ctx, SYSTEM, matter.id)
        steps = [s for s in matter.ready_steps if not s.objection_intake]
        if not steps:
            due = min(datetime.fromisoformat(t.due) for t in matter.waiting_timers)
            with use_clock(FixedClock(due + timedelta(seconds=1))):
                advance_due_timers(ctx, SYSTEM)
            continue
        ready = matters.get_task(ctx, SYSTEM, steps[0].id)
        taken.add(ready.step_id)
        # one person per role: the 村监委 who reviews a notice is not the one who drafted it
        walker = Actor(f"walker_{ready.role.lower()}", frozenset(Grant(code, "demo_county") for code in ctx.roles))
        if walker.name not in taken_by:                                 # a person, shown by name
            identity.create_user(ctx, SYSTEM, walker.name, f"办理人{len(taken_by) + 1}号", "correct-horse-battery")
            taken_by.add(walker.name)
        matters.complete_step(ctx, walker, ready.id, with_evidence(ctx, walker, ready.form, answer(asdict(ready), amount)))
    assert step in taken
    html = web.get(f"/matters/{matter.id}").get_data(as_text=True)
    data = html[html.index("<h2>事项数据</h2>"):html.index("<h2>附件</h2>")]
    other = {"成交单位": "中标单位", "中标单位": "成交单位"}[label]
    assert f"<dt>{label}</dt>" in data and f"<dt>{other}</dt>" not in data


def test_a_refused_form_lists_its_problems_as_links_and_files_go_by_name(ctx, app):
    _, matter = started_on_the_web(ctx, app)
    task = matter.ready_steps[0].id
    voter = logged_in(app, VOTER)
    refused = voter.post(f"/tasks/{task}", {**VOTE, "data.council_for": "30", "data.council_ballots_file": pdf()})
    html = refused.get_data(as_text=True)
    summary = html[html.index('id="error-summary"'):html.index("</div>", html.index('id="error-summary"'))]
    assert refused.status_code == 422 and 'href="#f-council_for-error"' in summary and "赞成票数" in summary
    assert 'id="f-council_for-error"' in html
    # The file given at the start is shown by its name on the step page, never by an id.
    page = voter.get(f"/tasks/{task}").get_data(as_text=True)
    assert "项目方案.pdf" in page and not re.search(r">附件 [0-9a-f]{8}<", page)
    started = logged_in(app, STARTER).post("/start/village_project", {**START, "subject": ""})
    assert 'href="#f-subject-error"' in started.get_data(as_text=True)

"""A 村级工程项目 through the web pages in headless Chromium, as the people of 绿水村 and 青山镇
would do it: the 两委 start it (80,000 yuan: the 村民议事会 tier), every step is done by the demo
user holding its role (logging in and out), a validation error is made and fixed, evidence is
uploaded, the publicity period passes, and a township discipline inspector finds the matter by
search and reads its history. A screenshot of each page visited goes to test-artifacts/screenshots/."""
from __future__ import annotations

import re
from dataclasses import asdict
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from api.web.formatting import CHINA
from engine.clock import FixedClock, use_clock
from engine.services import Actor, definitions, matters
from engine.services.timers import advance_due_timers
from engine.vocabulary import quoted
from examples.drive_project import SAMPLE_PDF, answer
from tests.browser.phone import code_names, low_contrast, screenshot

pytestmark = pytest.mark.browser

SYSTEM = Actor.system()
AMOUNT = 80000
UNITS = {"village": "lushui_village", "township": "qingshan_town", "county": "demo_county"}
STARTER = "two_committees.lushui_village"
INSPECTOR = "township_discipline.qingshan_town"
# Controls a finger taps, visible and under 44 px high (the phone viewport of tests/browser/conftest.py).
SMALL_TARGETS = """[...document.querySelectorAll('.button, button, select, textarea, .nav a, .pager a, .tabs a,'
    + ' input:not([type=hidden]):not([type=checkbox]):not([type=radio])')]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
    .map(e => (e.id || e.name || e.textContent || e.tagName).trim().slice(0, 20) + ':' + Math.round(e.getBoundingClientRect().height))"""
LOGIN_NAME = re.compile(r"\b[a-z_]+\.[a-z_]+_(village|town|county)\b")     # the demo's login names


class Walk:
    """One browser tab, the user logged in on it, and numbered screenshots."""

    def __init__(self, page, site, folder, tmp_path):
        self.page, self.site, self.folder, self.user, self.count = page, site, folder, None, 0
        self.evidence = tmp_path / "扫描件.pdf"
        self.evidence.write_bytes(SAMPLE_PDF)
        # Script errors and Content-Security-Policy violations show up in the console.
        self.problems = []
        page.on("console", lambda message: message.type == "error" and self.problems.append(message.text))
        page.on("pageerror", lambda error: self.problems.append(str(error)))

    def shot(self, name: str) -> None:
        # Every page visited: no wider than the screen, and people by name (no login name shown).
        # Measured once the page has loaded with its style sheet: after a click the URL changes
        # before the page's load event, and a loaded machine can lay it out unstyled meanwhile.
        self.page.wait_for_load_state("load")
        width, viewport = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= viewport, f"{self.page.url} is {width}px wide on a {viewport}px screen"
        text = self.page.evaluate("document.body.innerText")
        shown = LOGIN_NAME.search(text)
        assert shown is None, f"{self.page.url} shows the login name {shown.group(0)}"
        assert "““" not in text and "””" not in text, f"{self.page.url} nests quotes as ““"
        # The authoring pages excepted, where an administrator names items, fields and parameters in code.
        code = [] if "/authoring" in self.page.url else code_names(self.page)
        assert code == [], f"{self.page.url} shows code names: {code}"
        faint = low_contrast(self.page)
        assert faint == [], f"{self.page.url}: text too faint to read: {faint}"
        if viewport < 700:                                 # the phone layout (api/web/static/site.css)
            small = self.page.evaluate(SMALL_TARGETS)
            assert small == [], f"{self.page.url}: controls under 44 px high on a phone: {small}"
        self.count += 1
        screenshot(self.page, self.folder / f"{self.count:03d}-{name}")

    def open(self, path: str, name: str) -> None:
        self.page.goto(self.site.url + path)
        self.shot(name)

    def login(self, username: str) -> None:
        if self.user == username:
            return
        if self.user:
            self.page.locator("header").get_by_role("button", name="退出").click()
            expect(self.page).to_have_url(re.compile(r"/login$"))
        else:
            self.page.goto(self.site.url + "/tasks")            # sent to the login page
        self.page.fill("#username", username)
        self.page.fill("#password", "xiaowei-demo")
        self.shot(f"login-{username}")
        self.page.locator("main").get_by_role("button", name="登录").click()
        expect(self.page).to_have_url(re.compile(r"/tasks$"))
        self.user = username
        self.shot(f"tasks-{username}")

    def fill(self, form: list[dict], data: dict) -> None:
        for field in form:
            name, value = field["name"], data.get(field["name"])
            target = f'[name="data.{name}"]'
            if field["type"] == "file":
                if field["required"] and not self.page.locator(f"{target}[type=checkbox]:checked").count():
                    self.page.set_input_files(f"{target}[type=file]", str(self.evidence))
            elif value is None:
                continue
            elif field["type"] == "enum":
                self.page.select_option(target, str(value))
            elif field["type"] == "boolean":
                self.page.check(f"#f-{name}-{'true' if value else 'false'}")
            else:
                self.page.fill(target, str(value))

    def submit(self) -> None:
        self.page.locator("form.step-form button[type=submit]").click()


def user_for(ctx, role: str) -> str:
    return f"{role.lower()}.{UNITS[ctx.roles[role].level]}"


def test_a_village_project_from_start_to_supervision(site, phone, screenshots, tmp_path):
    walk = Walk(phone, site, screenshots, tmp_path)
    matter_id = start_project(walk)
    do_every_step(walk, matter_id)
    supervise(walk, matter_id)
    # Chromium logs the deliberate mistake's 422 answer; nothing else may go wrong in a page.
    assert [p for p in walk.problems if "status of 422" not in p] == []


def start_project(walk: Walk) -> int:
    walk.login(STARTER)
    walk.open("/start", "start-catalogue")
    walk.page.get_by_role("link", name="村级工程项目建设").click()
    walk.page.fill("#subject", "绿水村通组道路硬化工程")
    expect(walk.page.locator("#village")).to_have_value("lushui_village")   # the user's only village
    walk.fill(_start_form(walk), {
        "project_name": "通组道路硬化", "summary": "硬化通组道路1.2公里", "amount": AMOUNT,
        "funding_source": "higher_level", "industry_dept": "transport", "planned_start": "2026-04-01"})
    walk.page.set_input_files('[name="data.plan_documents"][type=file]', str(walk.evidence))
    walk.shot("start-form")
    walk.submit()
    expect(walk.page.locator("h1")).to_contain_text("绿水村通组道路硬化工程")
    walk.shot("matter-started")
    expect(walk.page.locator(".flash")).to_contain_text("已发起")
    return int(re.search(r"/matters/(\d+)", walk.page.url).group(1))


def _start_form(walk: Walk) -> list[dict]:
    return definitions.get_process(walk.site.ctx, SYSTEM, "village_project").start_form


def do_every_step(walk: Walk, matter_id: int) -> None:
    ctx, done = walk.site.ctx, []
    while (matter := matters.get_matter(ctx, SYSTEM, matter_id)).status == "running":
        # An objection intake is done only when a villager objects; nobody does in this walk.
        steps = [s for s in matter.ready_steps if not s.objection_intake]
        if not steps:
            let_publicity_pass(walk, matter)
            continue
        step = steps[0]
        walk.login(user_for(ctx, step.role))
        walk.page.locator(f'a[href="/tasks/{step.id}"]').first.click()
        expect(walk.page.locator("h1")).to_have_text(step.name)
        walk.shot(f"step-{len(done) + 1:02d}-{step.step_id}")
        form = matters.get_task(ctx, SYSTEM, step.id).form
        data = answer(asdict(step), AMOUNT)
        if step.step_id == "council_vote":
            make_and_fix_a_mistake(walk, form, data)
        else:
            walk.fill(form, data)
            walk.submit()
        expect(walk.page.locator(".flash")).to_contain_text(f"已办理{quoted(step.name)}")
        walk.shot(f"done-{len(done) + 1:02d}-{step.step_id}")
        done.append(step.name)
    assert matter.status == "completed" and matter.outcome == "完成"
    assert "村民议事会表决" in done and "资料归档" in done and len(done) >= 15


def make_and_fix_a_mistake(walk: Walk, form: list[dict], data: dict) -> None:
    """More votes for than members present: the server says so next to the field and keeps what
    was typed; the file chosen was not stored (file and step are one transaction), and its field
    asks for it again. The corrected form with the file chosen again goes through."""
    walk.fill(form, {**data, "council_for": data["council_attendees"] + 9})
    walk.submit()
    error = walk.page.locator("#f-council_for-error")
    expect(error).to_contain_text("不能大于")
    expect(walk.page.locator('[name="data.council_minutes"]')).to_have_value(data["council_minutes"])
    expect(walk.page.locator("#f-council_ballots_file-error")).to_contain_text("请重新选择")
    walk.shot("validation-error")
    walk.page.fill('[name="data.council_for"]', str(data["council_for"]))
    walk.fill([f for f in form if f["type"] == "file"], data)
    walk.submit()


def let_publicity_pass(walk: Walk, matter: dict) -> None:
    """The timer worker's job, done here at the due time plus a second (the test shares the database)."""
    walk.open(f"/matters/{matter.id}", "waiting-for-publicity")
    expect(walk.page.get_by_text(re.compile("等待“.*公示”"))).to_be_visible()
    due = min(datetime.fromisoformat(t.due) for t in matter.waiting_timers)
    with use_clock(FixedClock(due + timedelta(seconds=1))):
        assert advance_due_timers(walk.site.ctx, SYSTEM)


def supervise(walk: Walk, matter_id: int) -> None:
    walk.login(INSPECTOR)
    walk.open("/supervise", "supervise")
    today = datetime.now(CHINA).date().isoformat()
    walk.page.select_option("#process_key", "village_project")
    walk.page.select_option("#village", "lushui_village")
    walk.page.select_option("#status", "completed")
    walk.page.fill("#created_from", today)
    walk.page.fill("#created_to", today)
    walk.page.fill("#amount_min", "50000")
    walk.page.fill("#amount_max", "100000")
    walk.page.locator("form.search-form").get_by_role("button", name="查询").click()
    expect(walk.page.locator("h2", has_text="查询结果")).to_contain_text("共 1 件")
    walk.shot("supervise-results")
    walk.page.locator(f'table a[href="/matters/{matter_id}"]').first.click()
    expect(walk.page.locator(".status")).to_have_text("已办结")
    timeline = walk.page.locator("ol.timeline")
    for words in ("发起事项", "村民议事会表决", "“1+N”联合监管检查", "期限届满", "事项办结"):
        expect(timeline).to_contain_text(words)
    walk.shot("matter-history")
    with walk.page.expect_download() as download:
        walk.page.locator(".file-list a").first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    walk.open("/audit", "audit")
    expect(walk.page.locator(".verdict")).to_contain_text("审计链完整")
    walk.open("/power-list", "power-list")
    walk.open("/power-list/village_project", "power-item")
    expect(walk.page.locator("dl.facts")).to_contain_text("村民委员会组织法")

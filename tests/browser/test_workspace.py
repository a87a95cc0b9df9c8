"""The workspace as a clerk and a supervisor use it (issue 16), on a phone and on a desktop screen:
only startable items are offered, starting says what comes next, a likely duplicate is asked
about, a refused form opens on its list of problems, a step done looks done (who, when), people
appear by name, and a supervisor finds the matter by a word of its data. Every page visited is
checked by Walk.shot (no wider than the screen, no login name, quotes nested the Chinese way, 44 px
tap targets on the phone); screenshots go to test-artifacts/screenshots/."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import expect

from engine.services import Actor, identity, matters

from .test_walkthrough import Walk

pytestmark = pytest.mark.browser

SYSTEM = Actor.system()
STARTER, VOTER = "two_committees.lushui_village", "villager_council.lushui_village"
INSPECTOR = "township_discipline.qingshan_town"


@pytest.fixture(params=["phone", "desktop"])
def screen(request):
    return request.getfixturevalue(request.param)


def start_form(walk: Walk, subject: str) -> None:
    walk.open("/start", "start-catalogue")
    offered = set(re.findall(r'/start/([a-z_]+)"', walk.page.content()))
    assert "village_project" in offered and "dibao" not in offered       # 低保 is started by the applicant
    walk.page.locator("main").get_by_role("link", name="村级工程项目建设").click()
    walk.page.fill("#subject", subject)
    walk.page.fill('[name="data.project_name"]', "通组道路硬化")
    walk.page.fill('[name="data.summary"]', "硬化通组道路1.2公里，桃园组至村部")
    walk.page.fill('[name="data.amount"]', "80000")
    walk.page.select_option('[name="data.funding_source"]', "higher_level")
    walk.page.select_option('[name="data.industry_dept"]', "transport")
    walk.page.fill('[name="data.planned_start"]', "2026-04-01")
    walk.page.fill('[name="data.planned_end"]', "2026-06-30")


def test_a_clerk_and_a_supervisor_in_the_workspace(site, screen, screenshots, tmp_path):
    walk = Walk(screen, site, screenshots, tmp_path)
    ctx = site.ctx
    names = identity.display_names(ctx, [STARTER, VOTER])
    walk.login(STARTER)
    expect(screen.locator("header")).to_contain_text(names[STARTER])

    start_form(walk, "绿水村通组道路硬化工程")
    walk.page.locator("form.step-form button[type=submit]").click()
    flash = screen.locator(".flash")
    expect(flash).to_contain_text("已发起")
    expect(flash).to_contain_text("下一步：")
    walk.shot("started")
    matter = matters.list_matters(ctx, SYSTEM, {}, 1, 1)[0][0]

    start_form(walk, "绿水村通组道路硬化工程")                             # the same again, a new form
    walk.page.locator("form.step-form button[type=submit]").click()
    expect(screen.locator(".likely-duplicate")).to_contain_text(f"事项 #{matter.id}")
    walk.shot("likely-duplicate")
    assert matters.list_matters(ctx, SYSTEM, {}, 1, 10)[1] == 1

    walk.login(VOTER)
    card = screen.locator("main li", has_text="村民议事会表决").first
    card.locator("a").first.click()
    task_url = screen.url
    focus = screen.locator("figure.flowchart-overlay").get_attribute("data-focus")
    assert focus, "a step's page brings its own step into view"
    assert_current_steps_in_view(screen, focus)
    screen.fill('[name="data.council_members"]', "25")
    screen.fill('[name="data.council_attendees"]', "21")
    screen.fill('[name="data.council_for"]', "30")
    screen.fill('[name="data.council_minutes"]', "议事会表决记录")
    screen.set_input_files('[name="data.council_ballots_file"][type=file]', str(walk.evidence))
    walk.submit()
    summary = screen.locator("#error-summary")
    expect(summary).to_contain_text("赞成票数")
    expect(summary).to_be_in_viewport()                                  # scrolled to, on a phone too
    expect(screen.locator("#f-council_for-error")).to_contain_text("不能大于到会成员人数 21")
    walk.shot("refused-with-summary")
    screen.fill('[name="data.council_for"]', "18")
    screen.set_input_files('[name="data.council_ballots_file"][type=file]', str(walk.evidence))
    walk.submit()
    expect(screen.locator(".flash")).to_contain_text("下一步：")
    walk.shot("completed")
    screen.goto(task_url)
    expect(screen.locator(".step-finished")).to_contain_text(names[VOTER])
    expect(screen.locator("form.step-form")).to_have_count(0)
    walk.shot("finished-step")

    walk.login(INSPECTOR)
    walk.open("/supervise", "supervise-recent")
    expect(screen.locator("main")).to_contain_text("最近的事项")
    screen.fill("#q", "桃园组至村部")
    screen.locator("form.search-form button[type=submit]").click()
    expect(screen.locator("main")).to_contain_text("查询结果（共 1 件）")
    walk.shot("supervise-keyword")
    screen.locator("main table").get_by_role("link", name=f"#{matter.id}").click()
    expect(screen.locator("main")).to_contain_text(names[STARTER])
    assert_current_steps_in_view(screen)
    walk.shot("matter")
    # The refused form (422) and the duplicate question (409) are answers the page meant to give.
    assert [p for p in walk.problems if not re.search(r"status of (409|422)", p)] == []


def ready_boxes(svg: str) -> dict[str, tuple[float, float, float, float]]:
    """{element id: its box (left, top, right, bottom, in the chart's own units)} of the ready steps
    of a progress chart as Graphviz drew it: read from the SVG itself, not the way site.js finds them."""
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    transform = root.find(f"{ns}g").get("transform")
    sx, sy = (float(v) for v in re.search(r"scale\(([-\d.]+) ([-\d.]+)\)", transform).groups())
    tx, ty = (float(v) for v in re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", transform).groups())
    found = {}
    for group in root.iter(f"{ns}g"):
        if "state-ready" not in (group.get("class") or "").split():
            continue
        numbers = []
        for shape in group:
            numbers += re.findall(r"-?\d+(?:\.\d+)?", shape.get("points") or shape.get("d") or "")
        xs, ys = [float(v) for v in numbers[0::2]], [float(v) for v in numbers[1::2]]
        found[group.get("id")] = (sx * (min(xs) + tx), sy * (min(ys) + ty), sx * (max(xs) + tx), sy * (max(ys) + ty))
    return found


def assert_current_steps_in_view(screen, focus: str | None = None) -> bool:
    """A matter's progress chart opens where the matter stands (site.js), not on its empty top-left
    corner: on a step's page (`focus`) on that step; else on its ready steps, all of them where
    they fit in the frame together, the first from the left where they do not. True when they did
    not fit."""
    image = screen.locator(".flowchart-overlay .flowchart-frame img")
    expect(image).to_be_visible()
    svg = screen.request.get(image.evaluate("img => img.src")).text()
    boxes = ready_boxes(svg)
    assert boxes, "the matter has a ready step"
    view_width = float(ET.fromstring(svg).get("viewBox").split()[2])
    screen.wait_for_function("() => { const f = document.querySelector('.flowchart-overlay .flowchart-frame');"
                             " return f.scrollLeft + f.scrollTop > 0; }")
    frame = image.evaluate("img => { const f = img.closest('.flowchart-frame');"
                           " return [f.scrollLeft, f.scrollTop, f.clientWidth, f.clientHeight, img.width]; }")
    left, top, width, height, shown = frame
    scale = shown / view_width
    if focus is not None:
        targets = [boxes[focus]]
    else:
        targets = list(boxes.values())
        span = (max(b[2] for b in targets) - min(b[0] for b in targets), max(b[3] for b in targets) - min(b[1] for b in targets))
        if span[0] * scale > width or span[1] * scale > height:
            targets = [min(targets, key=lambda b: (b[0], b[1]))]
    for box_left, box_top, box_right, box_bottom in targets:
        x, y = (box_left + box_right) / 2 * scale, (box_top + box_bottom) / 2 * scale
        assert left <= x <= left + width and top <= y <= top + height, (x, y, frame)
    return len(targets) < len(boxes)


def test_a_wide_chart_opens_on_the_step_in_hand_and_not_between_parallel_ones(site, phone, screenshots, tmp_path,
                                                                              caplog):
    """A project at its 1+N stage has two ready steps in parallel branches, lanes apart on its
    progress chart: on a phone the step's page opens on that step, the matter's page on the first
    of them from the left, neither on the empty lanes between them (where centring on both landed)."""
    from engine.services.demo_answers import PROJECT_DITCH
    from engine.services.demo_walk import Scene
    from tests.e2e.public_helpers import walk_one
    matter = walk_one(site.ctx, Scene("village_project", "绿水村灌溉水渠清淤", PROJECT_DITCH, stop_after="sign_contract"))
    ready = {s.step_id: s for s in matter.ready_steps}
    assert {"site_supervision", "joint_oversight"} <= ready.keys()
    walk = Walk(phone, site, screenshots, tmp_path)
    with site.ctx.uow(readonly=True) as uow:
        holder = uow.users.holders(ready["joint_oversight"].role, uow.lineage("lushui_village"))[0].username
    walk.login(holder)
    caplog.clear()
    walk.open(f"/tasks/{ready['joint_oversight'].id}", "task-on-a-wide-chart")
    phone.wait_for_function("() => { const f = document.querySelector('.flowchart-overlay .flowchart-frame');"
                            " return f.scrollLeft + f.scrollTop > 0; }")
    drawn = [r for r in caplog.records if r.name == "xiaowei.access" and "/flowchart.svg" in r.getMessage()]
    assert len(drawn) == 1, "the chart is asked for once a page: site.js reads it again from the browser's cache"
    assert_current_steps_in_view(phone, "joint_oversight")
    walk.open(f"/matters/{matter.id}", "matter-on-a-wide-chart")
    assert assert_current_steps_in_view(phone), "the ready steps do not fit in the phone's frame together"

"""A villager on a phone, in Debian's Chromium, on the public portal of the walked demo: finds 绿水村
by its name, reads the stages of the road project, reads a 低保 result with the name and ID number
masked, and objects online to a notice in its publicity period, without a login; then the
village's 村务监督委员会 finds the objection on its step in the workspace, prefilled, and registers
it. Screenshots of every page go to test-artifacts/screenshots/public/.

A second villager checks a code printed on the notice board (read from the board's PDF) at
/public/verify/<code>, typed as on paper and as its QR code opens it, then sees the same code fail
once the record is changed in the database behind the system's back. Screenshots go to
test-artifacts/screenshots/public-verify/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sqlalchemy import text

from engine.services import Actor, anchors, identity, matters
from engine.services.demo_walk import walk_demo
from engine.services.public import board
from render.board import render_board
from tests.browser.conftest import SCREENSHOTS
from tests.browser.phone import PhoneVisitor, empty
from tests.e2e.public_helpers import pdf_text

pytestmark = pytest.mark.browser


class Villager(PhoneVisitor):
    """A phone's browser tab; its screenshots go to their own folder, emptied first."""

    def __init__(self, page, site, folder: str = "public"):
        super().__init__(page, site, SCREENSHOTS / folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        empty(self.folder)

    def tab(self, name: str) -> None:
        self.page.locator("nav.tabs").get_by_role("link", name=name).click()
        expect(self.page.locator("nav.tabs [aria-current=page]")).to_have_text(name)


def test_a_villager_reads_and_objects_and_the_committee_receives_it(site, phone):
    assert walk_demo(site.ctx), "the demo walked"
    v = Villager(phone, site)
    find_the_village(v)
    search_the_village(v)
    read_the_road_project(v)
    read_a_dibao_result(v)
    read_the_power_list(v)
    object_to_a_notice(v)
    assert not phone.context.cookies(), "the portal set no cookie"
    the_committee_registers_it(v)
    assert v.problems == [], v.problems


def find_the_village(v: Villager) -> None:
    v.page.goto(v.site.url + "/public")
    expect(v.page.locator("h1")).to_have_text("村级小微权力公开")
    v.shot("directory")
    v.page.fill("#q", "绿水")
    v.page.get_by_role("button", name="查找").click()
    expect(v.page.locator("h2", has_text="查找")).to_contain_text("绿水")
    v.shot("search")
    v.page.locator("main section.card").first.get_by_role("link", name="绿水村").click()
    expect(v.page.locator("h1")).to_have_text("绿水村")
    expect(v.page.locator("nav.crumbs")).to_contain_text("青山镇")
    v.shot("village")


def search_the_village(v: Villager) -> None:
    """From the village's page, its records searched by two words of a project's name."""
    v.page.locator("main form[role=search]").get_by_label("查找本村公开的项目、办事结果和决策").fill("道路 硬化")
    v.page.locator("main form[role=search]").get_by_role("button", name="查找").click()
    expect(v.page.locator("h2#found")).to_contain_text("共 2 项")
    v.shot("village-search")
    v.page.get_by_role("link", name="绿水村三组通组道路硬化", exact=True).click()
    expect(v.page.locator("h1")).to_have_text("绿水村三组通组道路硬化")
    v.page.go_back()
    expect(v.page.locator("h2#found")).to_be_visible()


def read_the_road_project(v: Villager) -> None:
    v.tab("工程项目")
    v.shot("projects")
    v.page.get_by_role("link", name="绿水村三组通组道路硬化", exact=True).click()
    expect(v.page.locator("h1")).to_have_text("绿水村三组通组道路硬化")
    stages = v.page.locator("ol.timeline .record .stage")
    expect(stages.first).to_have_text("决议公开")
    expect(stages.last).to_have_text("结果公开")
    for words in ("村民代表会议", "农村产权交易中心公开招标", "青山建筑工程有限公司", "签订施工合同", "联合监管检查", "竣工验收", "结算审计"):
        expect(v.page.locator("main")).to_contain_text(words)
    v.shot("project-stages")
    with v.page.expect_download() as download:
        v.page.get_by_role("link", name="合同文本（报乡镇备案）.pdf").click()
    assert download.value.suggested_filename == "合同文本（报乡镇备案）.pdf"


def read_a_dibao_result(v: Villager) -> None:
    v.tab("办事结果")
    v.shot("results")
    v.page.get_by_role("link", name="王*山").click()
    main = v.page.locator("main")
    expect(main).to_contain_text("低保审核确认结果公布")
    expect(main).not_to_contain_text("1101**********1234")          # 低保 notices publish no ID number
    expect(main).to_contain_text("（依法不公开）")
    expect(main).to_contain_text("900.00 元")
    for private in ("王大山", "110101196503071234", "13800138000", "6222000000001234"):
        expect(main).not_to_contain_text(private)
    v.shot("dibao-result-masked")


def read_the_power_list(v: Villager) -> None:
    v.tab("权力清单")
    v.page.get_by_role("link", name="最低生活保障审核确认").click()
    expect(v.page.locator("dl.facts")).to_contain_text("民发〔2021〕57号")
    image = v.page.locator("figure.flowchart img")
    expect(image).to_be_visible()
    assert v.page.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0, "the flowchart was drawn"
    v.shot("power-item")


def object_to_a_notice(v: Villager) -> None:
    v.tab("公示中")
    notice = v.page.locator("section", has=v.page.locator("h3", has_text="低保审核确认结果公布"))
    expect(notice).to_contain_text("公示中，至")
    v.shot("publicity")
    notice.locator("summary", has_text="对此公示提出异议").click()
    notice.get_by_label("异议内容").fill("李秀英家儿子在县城开店，家庭收入不低，请核实")
    notice.get_by_label("姓名（可不填）").fill("村民赵六")
    v.shot("objection-form")
    notice.get_by_role("button", name="提交异议").click()
    expect(v.page.locator(".flash")).to_contain_text("已收到您对该公示的异议")
    expect(v.page.locator("main")).not_to_contain_text("村民赵六")
    v.shot("objection-received")


def the_committee_registers_it(v: Villager) -> None:
    page = v.page
    page.goto(v.site.url + "/tasks")
    page.fill("#username", "supervision_committee.lushui_village")
    page.fill("#password", "xiaowei-demo")
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/tasks$"))
    card = page.locator(".task-card", has_text="网上收到异议 1 条")
    expect(card).to_contain_text("结果公布期异议受理")
    v.shot("committee-tasks")
    card.locator("a", has_text="结果公布期异议受理").click()
    received = page.locator("section.received-objections")
    expect(received).to_contain_text("李秀英家儿子在县城开店")
    expect(received).to_contain_text("村民赵六")
    expect(page.locator('[name="data.objection"]')).to_have_value("李秀英家儿子在县城开店，家庭收入不低，请核实")
    expect(page.locator('[name="data.objector"]')).to_have_value("村民赵六")
    v.shot("committee-step-prefilled")
    page.locator("form.step-form button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("已办理“结果公布期异议受理”")
    committee = "supervision_committee.lushui_village"
    expect(page.locator("main")).to_contain_text(f"已由 {identity.display_names(v.site.ctx, [committee])[committee]}")
    v.shot("committee-registered")
    dibao = next(m for m in matters.list_matters(v.site.ctx, Actor.system(), {"process_key": "dibao", "status": "running"}, 1, 10)[0])
    assert [s.step_id for s in matters.get_matter(v.site.ctx, Actor.system(), dibao.id).ready_steps] == ["recheck_result"]


def test_a_villager_checks_a_printed_entrys_code(site, phone):
    assert walk_demo(site.ctx), "the demo walked"
    anchors.anchor_days(site.ctx)
    v = Villager(phone, site, "public-verify")
    period = max(board.periods(site.ctx, "lushui_village"), key=lambda p: board.board(site.ctx, "lushui_village", p).count)
    sheet = pdf_text(render_board(board.board(site.ctx, "lushui_village", period), site.url, "A3"))
    printed = re.findall(r"核验码\s*([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})", sheet)
    code = printed[-1]                              # the last entry of the sheet: a 财务公开 one
    record = board.verify(site.ctx, code).record

    # The board online first: the same code beside the same entry.
    v.page.goto(f"{v.site.url}/public/lushui_village")
    v.tab("公开栏")
    v.page.goto(f"{v.site.url}/public/lushui_village/board/{period}")
    expect(v.page.locator("#part-finance")).to_contain_text(code)
    v.shot("board-online")

    # Typed from the paper, with spaces instead of dashes and in capitals.
    v.page.goto(f"{v.site.url}/public/verify")
    v.page.get_by_label("输入公开栏上印的核验码").fill(code.upper().replace("-", " "))
    v.page.get_by_role("button", name="核验").click()
    verdict = v.page.locator("#verdict")
    expect(verdict).to_have_attribute("data-status", "current")
    expect(verdict).to_contain_text("一致：打印内容与线上记录相同")
    expect(v.page.locator("main")).to_contain_text(record.title)
    v.shot("verify-typed-match")

    # As the QR code opens it; the technical check unfolds.
    v.page.goto(f"{v.site.url}/public/verify/{code}")
    expect(verdict).to_contain_text("一致")
    v.page.locator("summary", has_text="自行核对").click()
    expect(v.page.locator("pre.check").first).to_be_visible()
    v.shot("verify-qr-details")
    v.page.get_by_role("link", name="查看该事项的全部公开内容").click()
    expect(v.page.locator(f"#record-{record.id}")).to_contain_text(code)
    v.shot("verify-to-the-matter")

    # Someone edits the published record in the database: the printed code no longer matches.
    with site.ctx.database.engine.begin() as connection:
        connection.execute(text("UPDATE published_records SET title = :t WHERE id = :i"),
                           {"t": record.title + "（改）", "i": record.id})
    v.page.goto(f"{v.site.url}/public/verify/{code}")
    expect(verdict).to_have_attribute("data-status", "altered")
    expect(verdict).to_contain_text("不一致")
    v.shot("verify-after-tampering")
    assert not phone.context.cookies(), "the portal set no cookie"
    assert v.problems == [], v.problems

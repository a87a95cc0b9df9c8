"""群众诉求 end to end in Debian's Chromium, on a phone's screen: a villager files a complaint on the
portal without logging in and keeps the 查询码; the timer worker registers it; the 乡镇纪委 accepts it
and hands it to the village; the village answers; the villager reads the answer with the 查询码 and
rates it; the worker records the rating and the case is closed; the statistics page shows it.
Screenshots go to test-artifacts/screenshots/test_a_villager_files_and_follows_a_complaint/."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engine.services import Actor, matters
from engine.services.complaints import reads
from engine.services.complaints.worker import run_complaint_jobs
from tests.browser.phone import PHONE_WIDTH, PhoneVisitor
from tests.browser.test_walkthrough import Walk

pytestmark = pytest.mark.browser
SYSTEM = Actor.system()
PHONE = {"viewport": {"width": PHONE_WIDTH, "height": 860}, "locale": "zh-CN"}


class Villager(PhoneVisitor):
    """A phone with no login that follows its complaint by the 查询码."""

    def __init__(self, page, site, folder):
        super().__init__(page, site, folder, prefix="v")

    def look_up(self, code: str) -> None:
        self.page.goto(self.site.url + "/public/complaints/lookup")
        self.page.fill("#code", code)
        self.page.get_by_role("button", name="查询").click()
        expect(self.page.locator("#case")).to_be_visible()


def test_a_villager_files_and_follows_a_complaint(site, browser, screenshots, tmp_path):
    villager_context, staff_context = browser.new_context(**PHONE), browser.new_context(**PHONE)
    try:
        v = Villager(villager_context.new_page(), site, screenshots)
        staff = Walk(staff_context.new_page(), site, screenshots, tmp_path)
        code = file_on_the_portal(v)
        run_complaint_jobs(site.ctx)                          # the worker registers it
        v.look_up(code)
        expect(v.page.locator("#case-status")).to_have_text("待受理")
        v.shot("registered")
        complaint = reads.list_complaints(site.ctx, SYSTEM, {}, 1, 5)[0][0]
        handle(staff, complaint.matter_id, "township_discipline.qingshan_town", "accept",
               {"accept_decision": "accept", "accept_note": "属于村务公开问题，予以受理", "public_summary": "反映卫生费收支未公开"})
        handle(staff, complaint.matter_id, "township_discipline.qingshan_town", "assign",
               {"handler_level": "village", "assign_note": "请村委会核实并公开明细"})
        handle(staff, complaint.matter_id, "village_committee.lushui_village", "handle_village",
               {"handling_facts": "已核实，补充公开", "answer": "卫生费收支明细已在公开栏和平台公开，请查看。"})
        rate_the_answer(v, code)
        run_complaint_jobs(site.ctx)                          # the worker records the rating
        v.look_up(code)
        expect(v.page.locator("#case-status")).to_have_text("已办结")
        v.shot("closed")
        the_statistics_show_it(staff)
        assert not villager_context.cookies(), "the portal set no cookie"
        assert v.problems == [] and staff.problems == [], (v.problems, staff.problems)
    finally:
        villager_context.close()
        staff_context.close()


def file_on_the_portal(v: Villager) -> str:
    v.page.goto(v.site.url + "/public/lushui_village")
    v.shot("village")
    v.page.get_by_role("link", name=re.compile("我要反映")).first.click()
    expect(v.page.locator("h1")).to_have_text("我要反映")
    v.page.select_option("#category", "finance")
    v.page.fill("#content", "村里收的卫生费一年多没有公开收支明细，请核实。")
    v.page.fill("#phone", "13900009999")
    v.page.check("#publish_consent")
    v.shot("form")
    v.page.get_by_role("button", name="提交").click()
    expect(v.page.locator("h1")).to_have_text("已收到您的反映")
    v.shot("filed")
    code = v.page.locator("#lookup-code").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4}", code)
    return code


def handle(staff: Walk, matter_id: int, username: str, step_id: str, data: dict) -> None:
    step = next(s for s in matters.get_matter(staff.site.ctx, SYSTEM, matter_id).ready_steps if s.step_id == step_id)
    staff.login(username)
    staff.page.locator(f'a[href="/tasks/{step.id}"]').first.click()
    expect(staff.page.locator("h1")).to_have_text(step.name)
    staff.fill(matters.get_task(staff.site.ctx, SYSTEM, step.id).form, data)
    staff.shot(f"step-{step_id}")
    staff.submit()
    expect(staff.page.locator(".flash")).to_contain_text(f"已办理“{step.name}”")


def rate_the_answer(v: Villager, code: str) -> None:
    v.look_up(code)
    expect(v.page.locator("#case-answer")).to_contain_text("卫生费收支明细已在公开栏")
    v.shot("answered")
    v.page.check('input[name="rating"][value="satisfied"]')
    v.page.get_by_role("button", name="提交评价").click()
    expect(v.page.locator(".flash")).to_contain_text("已收到您的评价")
    v.shot("rated")


def the_statistics_show_it(staff: Walk) -> None:
    staff.page.goto(staff.site.url + "/complaints")
    staff.shot("complaint-list")
    staff.page.get_by_role("link", name="诉求统计").click()
    expect(staff.page.locator("h1")).to_have_text("群众诉求统计")
    expect(staff.page.locator("#closed-count")).to_have_text("1")
    expect(staff.page.locator("svg.chart").first).to_be_visible()
    staff.shot("statistics")

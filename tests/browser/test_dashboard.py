"""The supervisors' dashboard in a real browser (issue 12 must-show), on a phone: after the demo walk
(which leaves a step overdue: a warning), the township discipline committee reads the month's 考核
with its server-drawn charts, follows a village to its matters, downloads the CSV and XLSX exports,
and disposes of a warning with a reason. Every page passes Walk.shot's checks; screenshots go to
test-artifacts/screenshots/."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from engine.services import Actor, redlines, warnings
from engine.services.demo_walk import walk_demo

from .test_walkthrough import Walk

pytestmark = pytest.mark.browser

INSPECTOR = "township_discipline.qingshan_town"


def test_a_supervisor_reads_the_dashboard_exports_it_and_disposes_of_a_warning(site, phone, screenshots, tmp_path):
    assert walk_demo(site.ctx), "the demo walked"
    redlines.sweep(site.ctx, Actor.system())                  # the worker's nightly sweep
    walk = Walk(phone, site, screenshots, tmp_path)
    walk.login(INSPECTOR)
    walk.open("/dashboard", "dashboard")
    main = phone.locator("main")
    expect(main.locator("svg").first).to_be_visible()
    expect(main).to_contain_text("绿水村")

    with phone.expect_download() as got:
        main.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(got.value.path().read_text(encoding="utf-8-sig"))))
    assert "考核得分" in rows[0] and any("绿水村" in row for row in rows[1:])
    with phone.expect_download() as got:
        main.get_by_role("link", name="XLSX").click()
    got.value.save_as(tmp_path / "考核.xlsx")
    sheet = load_workbook(tmp_path / "考核.xlsx").active
    assert "考核得分" in [c.value for c in sheet[1]]

    main.locator("td a", has_text="绿水村").first.click()
    expect(phone.locator("main")).to_contain_text("查询结果")
    walk.shot("village-matters")

    # The demo's step left past its time limit (R19): its evidence is a time.
    open_warnings, _ = warnings.list_warnings(site.ctx, Actor.system(), {"active": True, "rule": "R19"}, 1, 10)
    assert open_warnings, "the demo leaves a warning"
    walk.open(f"/warnings/{open_warnings[0].id}", "warning")
    expect(phone.locator("main")).to_contain_text("办理期限：")              # evidence in words, Beijing time
    expect(phone.locator("main")).not_to_contain_text("due_at")
    expect(phone.locator("main")).not_to_contain_text("+00:00")
    dismiss = phone.locator("form.action-form", has=phone.locator("input[name=action][value=dismiss]"))
    dismiss.locator("button").click()
    expect(phone.locator("main")).to_contain_text("理由")                     # a reason is required
    walk.shot("dismiss-without-reason")
    dismiss = phone.locator("form.action-form", has=phone.locator("input[name=action][value=dismiss]"))
    dismiss.locator("textarea[name=reason]").fill("已现场核实，系演示数据有意留下的待办")
    dismiss.locator("button").click()
    expect(phone.locator(".flash")).to_contain_text("已保存")
    walk.shot("dismissed")
    assert warnings.get_warning(site.ctx, Actor.system(), open_warnings[0].id).status == "dismissed"

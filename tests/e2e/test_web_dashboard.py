"""监督看板 and 预警 pages: server-side SVG charts with drill-down links, exports, the warning's
page with its 督办 forms; supervisors only."""
from __future__ import annotations

import re

import pytest

from api import create_app
from engine import clock
from engine.services import Actor, matters, redlines
from tests.browser.web import WebClient, assert_accessible

# Every test's `ctx` holds the demo's users (tests/conftest.py).
pytestmark = pytest.mark.demo_users

SYSTEM = Actor.system()


@pytest.fixture
def app(ctx):
    for amount in (15000, 9000):
        matters.start_matter(ctx, SYSTEM, "procurement", "lushui_village", "采购路灯", {
            "item_name": "太阳能路灯", "purchase_type": "goods", "specification": "三组", "amount": amount,
            "in_annual_plan": True})
    redlines.sweep(ctx, SYSTEM)
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_dashboard_charts_drill_down_and_exports(app):
    inspector = WebClient(app)
    inspector.login("township_discipline.qingshan_town")
    page = inspector.get("/dashboard")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<svg") == 3 and "考核得分" in html
    assert "/supervise?village=lushui_village" in html and "/warnings?village=lushui_village&amp;severity=high" in html
    assert "<script" not in html.split("<main")[1]
    assert_accessible(page)
    today = clock.now()
    quarter = inspector.get(f"/dashboard?period=quarter&year={today.year}&number=9")
    assert quarter.status_code == 422 and "应为 1 到 4" in quarter.get_data(as_text=True)
    csv = inspector.get("/dashboard/export.csv")
    assert csv.status_code == 200 and "绿水村" in csv.get_data(as_text=True)
    assert inspector.get("/dashboard/export.xlsx").status_code == 200
    listed = inspector.get("/warnings?severity=high")
    assert listed.status_code == 200 and "拆分规避限额" in listed.get_data(as_text=True)
    assert_accessible(listed)
    # Filtered by a rule chosen by its name (R1 to R22 in order); one that does not exist is named.
    by_rule = inspector.get("/warnings?rule=R4").get_data(as_text=True)
    assert '<option value="R4" selected>R4 ' in by_rule and by_rule.index('value="R2"') < by_rule.index('value="R10"')
    unknown = inspector.get("/warnings?rule=R99")
    assert unknown.status_code == 422 and "没有编号为 R99 的规则" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_warning_is_handled_from_its_page(ctx, app):
    inspector = WebClient(app)
    inspector.login("township_discipline.qingshan_town")
    from engine.services import warnings
    [w], _ = warnings.list_warnings(ctx, SYSTEM, {"rule": "R4"}, 1, 5)
    page = inspector.get(f"/warnings/{w.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and w.text in html
    assert_accessible(page)
    # Only what the warning's status allows: an open one is assigned or dismissed, not yet verified.
    offered = re.findall(r'name="action" value="(\w+)"', html)
    assert offered == ["assign", "dismiss"], offered
    refused = inspector.post(f"/warnings/{w.id}", {"action": "dismiss", "reason": ""})
    assert refused.status_code == 422 and "排除理由不能为空" in refused.get_data(as_text=True)
    late = inspector.post(f"/warnings/{w.id}", {"action": "assign", "unit": "lushui_village", "due": "",
                                                 "note": "请于一周内说明两笔采购的关系"})
    kept = late.get_data(as_text=True)                 # a refusal keeps what was typed, in that form only
    assert late.status_code == 422 and "请选择日期" in kept
    assert ">请说明两笔采购的关系<" not in kept and ">请于一周内说明两笔采购的关系</textarea>" in kept
    assert '<option value="lushui_village" selected>' in kept and kept.count("请选择日期") == 1
    assigned = inspector.post(f"/warnings/{w.id}", {"action": "assign", "unit": "lushui_village", "due": "2099-12-31",
                                                       "note": "限期说明"})
    assert assigned.status_code == 302
    assert warnings.get_warning(ctx, SYSTEM, w.id).status == "assigned"
    offered = re.findall(r'name="action" value="(\w+)"', inspector.get(f"/warnings/{w.id}").get_data(as_text=True))
    assert offered == ["assign", "dismiss"], offered          # again (a new unit or deadline), or dismissed
    monitor = WebClient(app)
    monitor.login("supervision_committee.lushui_village")     # the village's 村监委 reads it, it does not answer
    offered = re.findall(r'name="action" value="(\w+)"', monitor.get(f"/warnings/{w.id}").get_data(as_text=True))
    assert offered == [], offered
    village = WebClient(app)
    village.login("village_committee.lushui_village")         # the 村委会 of the village it went to: answers
    to_do = village.get("/tasks").get_data(as_text=True)
    menu = to_do.split("<main")[0]
    assert "交办预警" in menu and "监督看板" not in menu
    assert "有 <strong>1</strong> 条预警交办给本单位" in to_do
    assert f'href="/warnings/{w.id}"' in village.get("/warnings").get_data(as_text=True)
    offered = re.findall(r'name="action" value="(\w+)"', village.get(f"/warnings/{w.id}").get_data(as_text=True))
    assert offered == ["answer"], offered
    assert village.post(f"/warnings/{w.id}", {"action": "answer", "answer": "已说明情况"}).status_code == 302
    offered = re.findall(r'name="action" value="(\w+)"', village.get(f"/warnings/{w.id}").get_data(as_text=True))
    assert offered == [] and "没有你可以进行的处置" in village.get(f"/warnings/{w.id}").get_data(as_text=True)
    clerk = WebClient(app)
    clerk.login("two_committees.lushui_village")
    assert clerk.get("/dashboard").status_code == 403
    assert clerk.get("/warnings").status_code == 403
    assert "监督看板" not in clerk.get("/tasks").get_data(as_text=True).split("<main")[0]

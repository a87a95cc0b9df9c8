"""特色清单管理 on the web (issue 14, part 4): a township administrator uploads a draft, checks it,
sees a lint error named on its element, uploads the fixed file, publishes, compares, withdraws;
every form carries the CSRF token."""
from __future__ import annotations

import io

import pytest

from api import create_app
from tests.browser.web import WebClient, assert_accessible
from tests.hostile.items import item

from .conftest import make_user

BASIS = '<spiffworkflow:property name="policy_basis" value="《青山镇村务管理办法（测试）》" />'.encode()


@pytest.fixture
def web(ctx):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)
    make_user(ctx, "qingshan_admin", ["TOWNSHIP_ADMIN"])
    client = WebClient(app)
    client.login("qingshan_admin", "correct-horse-battery")
    return client


def upload(web, data: bytes):
    return web.post("/authoring/upload", {"township": "qingshan_town", "file": (io.BytesIO(data), "hostile_item.bpmn")},
                    content_type="multipart/form-data")


def test_upload_check_publish_compare_withdraw(ctx, web):
    listing = web.get("/authoring")
    assert listing.status_code == 200 and "特色清单管理" in listing.get_data(as_text=True)
    assert "还没有特色清单事项" in listing.get_data(as_text=True)
    assert_accessible(listing)
    assert upload(web, item().replace(BASIS, b"")).status_code == 302
    with ctx.uow() as uow:
        (draft,) = uow.definitions.versions("hostile_item")
        first = draft.id
    page = web.get("/authoring?township=qingshan_town").get_data(as_text=True)
    assert "草稿" in page and "测试事项" in page
    checked = web.post(f"/authoring/hostile_item/{first}", {"action": "check", "township": "qingshan_town"})
    text = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "policy-basis" in text and "第" in text and "review" in text
    refused = web.post(f"/authoring/hostile_item/{first}", {"action": "publish", "township": "qingshan_town"})
    assert refused.status_code == 422 and "规则检查" in refused.get_data(as_text=True)
    assert upload(web, item()).status_code == 302                                        # the fixed file
    with ctx.uow() as uow:
        second = uow.definitions.versions("hostile_item")[0].id
    assert web.post(f"/authoring/hostile_item/{second}", {"action": "publish", "township": "qingshan_town"}).status_code == 302
    page = web.get("/authoring?township=qingshan_town").get_data(as_text=True)
    assert "已发布" in page and "与上一版比较" in page and "撤回原因" in page
    diff = web.get(f"/authoring/hostile_item/diff?from={first}&to={second}&township=qingshan_town")
    assert diff.status_code == 200 and "政策依据" in diff.get_data(as_text=True)
    for version in (first, second):               # the two versions' charts beside the list of changes
        src = f"/authoring/hostile_item/versions/{version}/flowchart.svg"
        assert f'src="{src}"' in diff.get_data(as_text=True)
        chart = web.get(src)
        assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert web.get("/authoring/hostile_item/diff?from=x&to=1").status_code == 422
    empty = web.post(f"/authoring/hostile_item/{second}", {"action": "withdraw", "reason": "", "township": "qingshan_town"})
    assert empty.status_code == 422 and "撤回原因" in empty.get_data(as_text=True)
    gone = web.post(f"/authoring/hostile_item/{second}", {"action": "withdraw", "reason": "试行结束", "township": "qingshan_town"})
    assert gone.status_code == 302
    assert "试行结束" in web.get("/authoring?township=qingshan_town").get_data(as_text=True)
    from engine.services import definitions
    assert definitions.item_names(ctx)["hostile_item"] == "测试事项"      # its matters still show its name
    no_token = web.post(f"/authoring/hostile_item/{second}", {"action": "check"}, csrf=False)
    assert no_token.status_code in (400, 403)


def test_a_clerk_has_no_authoring_page(ctx):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)
    make_user(ctx, "cunwei", ["VILLAGE_COMMITTEE"])
    client = WebClient(app)
    client.login("cunwei", "correct-horse-battery")
    page = client.get("/authoring")
    assert page.status_code == 200 and "你不是任何乡镇的管理员" in page.get_data(as_text=True)
    assert "特色清单管理" not in client.get("/tasks").get_data(as_text=True)
    r = client.post("/authoring/upload", {"township": "qingshan_town", "file": (io.BytesIO(item()), "x.bpmn")},
                    content_type="multipart/form-data")
    assert r.status_code == 403


def test_township_roles_parameters_and_a_test_run_on_the_pages(ctx, web):
    """本乡镇角色 and 本乡镇参数 (refusals named on the field, what was typed kept), then 试运行 of the
    worked example's draft: its chart, a refused start and step, a step done, the timer made due."""
    from pathlib import Path
    example = (Path(__file__).resolve().parents[2] / "docs" / "examples" / "tea_garden_subsidy.bpmn").read_bytes()
    bad = web.post("/authoring/roles", {"township": "qingshan_town", "code": "农业办", "name": "乡镇农业农村办",
                                        "level": "township"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "角色代码须为大写英文字母开头" in page and 'value="乡镇农业农村办"' in page
    assert_accessible(bad)
    ok = web.post("/authoring/roles", {"township": "qingshan_town", "code": "township_agri_office",
                                       "name": "乡镇农业农村办", "level": "township"})
    assert ok.status_code == 302
    listing = web.get("/authoring?township=qingshan_town").get_data(as_text=True)
    assert "乡镇农业农村办 <code>TOWNSHIP_AGRI_OFFICE</code>" in listing
    refused = web.post("/authoring/parameters", {"township": "qingshan_town", "name": "tea_subsidy_per_mu",
                                                 "label": "茶园管护补助标准", "value": "三百", "min": "0", "max": "2000",
                                                 "unit": "元/亩"})
    assert refused.status_code == 422 and "取值应为整数" in refused.get_data(as_text=True)
    for name, label, value, low, high, unit in [("tea_subsidy_per_mu", "茶园管护补助标准", 300, 0, 2000, "元/亩"),
                                                ("tea_subsidy_publicity_days", "茶园管护补助对象公示天数", 7, 5, 30, "天")]:
        r = web.post("/authoring/parameters", {"township": "qingshan_town", "name": name, "label": label,
                                               "value": str(value), "min": str(low), "max": str(high), "unit": unit})
        assert r.status_code == 302, r.get_data(as_text=True)
    r = web.post("/authoring/upload", {"township": "qingshan_town", "file": (io.BytesIO(example), "tea_garden_subsidy.bpmn")},
                 content_type="multipart/form-data")
    assert r.status_code == 302
    with ctx.uow() as uow:
        (draft,) = [v.id for v in uow.definitions.versions("tea_garden_subsidy")]
    base = f"/authoring/tea_garden_subsidy/versions/{draft}"
    page = web.get(base + "/preview")
    assert page.status_code == 200 and "试运行：茶园管护补助发放" in page.get_data(as_text=True)
    assert_accessible(page)
    chart = web.get(base + "/flowchart.svg")
    assert chart.status_code == 200 and "乡镇农业农村办" in chart.get_data(as_text=True)
    assert "TOWNSHIP_AGRI_OFFICE" not in chart.get_data(as_text=True)
    refused = web.post(base + "/preview", {"subject": "试运行", "data.grower_name": "张三", "data.area": "0"})
    assert refused.status_code == 422 and 'value="张三"' in refused.get_data(as_text=True)
    started = web.post(base + "/preview", {"subject": "试运行", "data.grower_name": "张三", "data.area": "10"})
    assert started.status_code == 302
    page = web.get(base + "/preview").get_data(as_text=True)
    assert "以试运行·村民委员会身份办理" in page and "入户核实面积" in page
    with ctx.uow() as uow:
        (matter,), _ = uow.matters.search({"sandbox": True}, None, 0, 10)
        matter, (step,) = matter.id, [i.task_id for i in uow.inbox.ready_for_matter(matter.id)]
    url = f"{base}/preview/{matter}/steps/{step}"
    over = web.post(url, {"data.verified_area": "10", "data.amount": "3001"})
    assert over.status_code == 422 and 'value="3001"' in over.get_data(as_text=True)
    assert web.post(url, {"data.verified_area": "10", "data.amount": "3000"}).status_code == 302
    page = web.get(base + "/preview").get_data(as_text=True)
    assert "让定时器立即到期" in page and "补助对象公示" in page
    assert web.post(f"{base}/preview/{matter}/timer").status_code == 302
    assert "乡镇审核" in web.get(base + "/preview").get_data(as_text=True)

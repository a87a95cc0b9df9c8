"""The public portal (/public) over HTTP, on SQLite and PostgreSQL: every page without a login or a
cookie, cacheable (ETag, 304), showing what the definitions declare public and nothing else;
documents only when a record lists them; cancelled matters gone; objections filed online reaching
the 村务监督委员会 of the matter."""
from __future__ import annotations

import re

import pytest
from api import create_app
from engine.identity import Grant
from engine.services import Actor, matters
from engine.services.demo import seed_demo
from engine.services.demo_answers import DIBAO_WANG
from engine.services.demo_walk import Scene
from tests.conftest import BACKENDS
from tests.e2e.conftest import make_user
from tests.browser.web import WebClient
from tests.e2e.public_helpers import TOKEN, crawl, walk_one, walked_database

VILLAGE = "lushui_village"
SECTIONS = ("projects", "results", "assets", "affairs")


@pytest.fixture(scope="module", params=BACKENDS)
def walked(request, tmp_path_factory):
    """The walked demo, once per module and backend (the walk takes a few seconds)."""
    with walked_database(request, tmp_path_factory, "portal") as (ctx, _):
        yield create_app({"TESTING": True, "SECRET_KEY": "portal-test"}, context=ctx), ctx


@pytest.fixture
def site(walked):
    app, ctx = walked
    return app.test_client(), ctx


def json_of(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.json


# -- every page, without a login, cacheable -------------------------------------------------------
def test_every_page_answers_without_a_login_cookie_free_and_cacheable(site, monkeypatch):
    client, _ = site
    # A form page's tag changes with the hour its tokens are made in (api/public/tokens.py): held
    # still here, so a crawl across the hour does not read the new tag as a page that missed its 304.
    monkeypatch.setattr("api.public.views.token_epoch", lambda: 493_000)
    pages = crawl(client)
    pages.update({url: client.get(url) for url in (
        "/public/api/villages", f"/public/api/{VILLAGE}/power-list", f"/public/api/{VILLAGE}/publicity",
        *(f"/public/api/{VILLAGE}/{s}" for s in SECTIONS))})
    assert len(pages) > 60, sorted(pages)
    for url, response in pages.items():
        assert response.status_code == 200, (url, response.status_code)
        assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers.get("Vary", ""), url
        expected = ("public, max-age=86400" if url.startswith("/public/assets/") else "public, max-age=3600"
                    if "/documents/" in url or url.endswith(".svg") else
                    # a verification answers "now": always revalidated, never served stale
                    "public, max-age=0, must-revalidate" if url.startswith("/public/verify/") else "public, max-age=60")
        assert response.headers["Cache-Control"] == expected, url
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag, url
    kinds = {re.sub(r"/\d+(/.*)?$", "/<id>", url.split("?")[0]) for url in pages}
    for expected in ("/public", f"/public/{VILLAGE}", f"/public/{VILLAGE}/power-list", f"/public/{VILLAGE}/publicity",
                     *(f"/public/{VILLAGE}/{s}/<id>" for s in SECTIONS), f"/public/{VILLAGE}/documents/<id>"):
        assert expected in kinds, (expected, sorted(kinds))


def test_no_page_asks_for_a_login_and_none_links_into_the_workspace(site):
    client, _ = site
    for url, response in crawl(client).items():
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        assert "/login" not in body and 'href="/tasks' not in body and "csrf_token" not in body, url


def test_an_unknown_address_or_village_is_the_portals_own_404(site):
    client, _ = site
    for url in ("/public/no_such_village", f"/public/{VILLAGE}/projects/99999", "/public/qingshan_town",
                f"/public/{VILLAGE}/power-list/no_such_item", f"/public/{VILLAGE}/nowhere/1"):
        response = client.get(url)
        assert response.status_code == 404 and "找不到" in response.get_data(as_text=True), url
        assert "Set-Cookie" not in response.headers and "/login" not in response.get_data(as_text=True)


def test_a_village_is_searched_by_the_words_its_pages_show_and_only_those(site):
    """查找: the matters whose records name the words (subject, title, item, stage), by section, each
    linked to its page; a word only in data the pages mask or withhold finds nothing."""
    client, _ = site

    def search(words: str):
        return client.get(f"/public/{VILLAGE}/search", query_string={"q": words})
    overview = client.get(f"/public/{VILLAGE}").get_data(as_text=True)
    assert f'action="/public/{VILLAGE}/search"' in overview and 'role="search"' in overview
    page = search("道路  硬化")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "查找“道路 硬化”：共 2 项" in html          # the project and its change
    assert "<h3>工程项目</h3>" in html and re.search(rf'href="/public/{VILLAGE}/projects/\d+">绿水村三组通组道路硬化<', html)
    narrowed = search("道路 变更").get_data(as_text=True)                  # every word: the change alone
    assert "共 1 项" in narrowed and narrowed.count("matter-link") == 1
    found = search("低保").get_data(as_text=True)
    assert "<h3>办事结果</h3>" in found and "王*山" in found and f'href="/public/{VILLAGE}/results/' in found
    for hidden in ("王大山", "110101196503071234", "13800138000", "脑溢血"):       # masked or withheld
        answer = search(hidden).get_data(as_text=True)
        assert "没有找到" in answer and "matter-link" not in answer, hidden
    assert "没有找到" in search("%").get_data(as_text=True)           # a word, not a wildcard
    too_long = search("长" * 51)
    assert too_long.status_code == 422 and "查询词不超过50个字" in too_long.get_data(as_text=True)
    too_many = search("一 二 三 四 五 六")
    assert too_many.status_code == 422 and "最多5个词" in too_many.get_data(as_text=True)
    assert client.get("/public/no_such_village/search", query_string={"q": "道路"}).status_code == 404
    tag = search("低保").headers["ETag"]
    assert client.get(f"/public/{VILLAGE}/search", query_string={"q": "低保"}, headers={"If-None-Match": tag}).status_code == 304


# -- what the sections show --------------------------------------------------------------------------
def test_a_project_shows_each_stage_in_order_with_amounts_and_documents(site):
    client, _ = site
    listing = json_of(client, f"/public/api/{VILLAGE}/projects")
    road = next(m for m in listing["matters"] if m["subject"] == "绿水村三组通组道路硬化")
    stages = road["stages"]
    assert stages[:8] == ["决议公开", "实施结果公开", "“1+N”立项审查", "立项", "预算", "造价评审", "发包", "合同"]
    assert set(stages[8:10]) == {"“1+N”联合监管", "村务监督委员会监督"}, "in parallel: either may come first"
    assert stages[10:] == ["验收", "结算审计", "工程款拨付", "结果公开"]
    assert road["amount"] == "150,000.00 元"
    page = client.get(f"/public/{VILLAGE}/projects/{road['matter_id']}").get_data(as_text=True)
    for words in ("赞成票数", "27", "农村产权交易中心公开招标", "青山建筑工程有限公司", "135,000.00 元", "合同文本（报乡镇备案）.pdf",
                  "竣工验收报告及现场照片.pdf", "结算审计报告.pdf", "工程联系人村委会138****8000"):
        assert words in page, words
    inspections = [r for r in road["records"] if r["stage"] == "“1+N”联合监管"]
    assert len(inspections) == 5 and {r["role_name"] for r in inspections} == {
        "乡镇纪委", "乡镇农经站（三资代理）", "乡镇财政所", "乡镇规划所", "行业主管部门"}
    ditch = next(m for m in listing["matters"] if m["subject"] == "绿水村灌溉水渠清淤")
    assert ditch["stages"][-1] == "合同", "a project still under way shows the stages so far"


def test_service_results_are_published_masked(site):
    client, _ = site
    results = json_of(client, f"/public/api/{VILLAGE}/results")["matters"]
    by_item = {}
    for m in results:
        by_item.setdefault(m["item"], []).append(m)
    assert set(by_item) == {"dibao", "temporary_assistance", "homestead", "disability_subsidy", "dilapidated_housing",
                            "disaster_relief", "farm_subsidy", "extreme_poverty", "certificate", "medical_assistance",
                            "poverty_monitoring", "farm_subsidy_roster"}
    wang = next(m for m in by_item["dibao"] if m["subject"] == "王*山")
    shown = {f["label"]: f["text"] for r in wang["records"] for f in r["fields"]}
    assert "公民身份号码" not in shown and shown["申请理由（家庭困难情况）"] == "（依法不公开）"   # 57号: no ID
    assert shown["月保障金额（元）"] == "900.00 元" and shown["保障人数"] == "3"
    homestead = {f["label"]: f["text"] for r in by_item["homestead"][0]["records"] for f in r["fields"]}
    assert homestead["拟用地位置及四至"] == "青山镇绿水村（具体位置不公开）"
    disability = {f["label"]: f["text"] for r in by_item["disability_subsidy"][0]["records"] for f in r["fields"]}
    assert disability["残疾类别"] == disability["残疾等级"] == "（依法不公开）" and disability["护理补贴（元/月）"] == "100.00 元"
    (certificate,) = by_item["certificate"]
    assert certificate["subject"] == "实际居住情况证明" and "周明" not in str(certificate), "published when the matter ended, without the person"
    (roster,) = by_item["farm_subsidy_roster"]
    lists = [f for r in roster["records"] for f in r["fields"] if f["label"] in ("补贴清册（一户一行）", "发放清册")]
    assert len(lists) == 2 and all(f["text"] == "共 4 行；补贴面积合计 17.25；补贴金额合计 2,156.25 元" for f in lists)
    assert lists[0]["table"]["columns"] == ["户主姓名", "村民小组", "补贴面积（亩）", "补贴金额（元）"]
    assert lists[0]["table"]["rows"][0] == ["刘*根", "一组", "6.50", "812.50 元"]
    (medical,) = by_item["medical_assistance"]           # 医疗救助: the name, the village, the category and the amount
    assert medical["subject"] == "吴*花" and "绿水村" in str(json_of(client, f"/public/api/{VILLAGE}/results")["village"])
    review, result = medical["records"]
    assert review["stage"] == "审核结果公示" and {f["label"] for f in review["fields"]} == {"患者姓名", "救助对象类别", "公示日期"}
    assert result["stage"] == "救助结果公示" and {f["label"]: f["text"] for f in result["fields"]} == {
        "患者姓名": "吴*花", "救助对象类别": "因病致贫重病患者", "救助金额（元）": "5,000.00 元"}
    assert review["documents"] == result["documents"] == []
    (monitoring,) = by_item["poverty_monitoring"]
    assert monitoring["subject"] == "赵*柱" and [r["stage"] for r in monitoring["records"]] == ["拟纳入监测对象公示"]
    assert {f["label"] for r in monitoring["records"] for f in r["fields"]} == {"户主姓名", "公示日期"}
    # Every value published, less its timestamps (a walk's "…T21:06:20.620012" holds "6200" by chance).
    everything = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+(?:[+-]\d\d:\d\d|Z)?", "", str(results))
    for private in ("王大山", "赵秀兰", "张建国", "13800138000", "110101196503071234", "6222000000001234", "27号", "脑溢血",
                    "吴春花", "赵铁柱", "尿毒症", "透析", "110101196804153326", "县人民医院", "6200",
                    "陈桂芬", "孙德福", "110101196204150030", "1101012001010200031J"):
        assert private not in everything, private


def test_a_membership_confirmation_names_the_person_and_masks_the_id_number(site):
    client, _ = site
    affairs = json_of(client, f"/public/api/{VILLAGE}/affairs")["matters"]
    (member,) = [m for m in affairs if m["item"] == "membership_confirmation"]
    shown = {f["label"]: f["text"] for r in member["records"] for f in r["fields"]}
    assert member["subject"] == "王小雨" and shown["确认人员姓名"] == "王小雨"
    assert shown["身份证号码"] == "1101**********0021" and shown["成员身份取得方式"] == "本集体成员生育（出生）"
    assert shown["有表决权的成员总数"] == "412" and shown["同意人数"] == "301"
    page = client.get(f"/public/{VILLAGE}/affairs/{member['matter_id']}").get_data(as_text=True)
    for private in ("110101202601150021", "13800138000", "联系电话", "申请理由"):
        assert private not in str(member) and private not in page, private


def test_a_project_change_is_published_under_projects_with_its_supplement_contract(site):
    client, _ = site
    projects = json_of(client, f"/public/api/{VILLAGE}/projects")["matters"]
    (change,) = [m for m in projects if m["item"] == "project_change"]
    assert change["subject"] == "LS-GC-2026-003 绿水村三组通组道路硬化"
    assert change["stages"] == ["变更决策", "“1+N”联合监管", "工程变更公示", "变更补充合同"]
    shown = {f["label"]: f["text"] for r in change["records"] for f in r["fields"]}
    assert shown["核定变更金额（元）"] == "7,800.00 元" and shown["增加工期（天）"] == "7" and shown["增加或核减"] == "增加"
    assert shown["补充合同变更金额（元）"] == "7,800.00 元" and shown["变更后合同总价（元）"] == "142,800.00 元"
    assert "补充合同文本（报乡镇备案）.pdf" in client.get(f"/public/{VILLAGE}/projects/{change['matter_id']}").get_data(as_text=True)

def test_the_asset_register_shows_each_asset_with_its_lease_or_disposal(site):
    client, _ = site
    register = {a["asset"]: a for a in json_of(client, f"/public/api/{VILLAGE}/assets")["assets"]}
    school = register["村集体原小学校舍"]
    assert {f["label"]: f["text"] for f in school["facts"]} == {
        "台账编号": "ZC-0012", "类别": "经营性资产（房屋、厂房、设施设备）", "坐落": "绿水村村部东侧", "面积或数量": "建筑面积1200平方米",
        "价值": "380,000.00 元"}
    (lease,) = school["deals"]
    assert lease["terms"] == {"方式": "出租", "交易方式": "村组织公开竞价", "承租（承包）方": "青山文化传播有限公司",
                              "评审底价（首年租金或承包费，元）": "42,000.00 元", "合同首年租金或承包费（元）": "46,000.00 元",
                              "合同期限（年）": "10", "合同起始日期": "2026-07-01", "合同到期日期": "2036-06-30"}
    (sale,) = register["旧碾米机组"]["deals"]
    assert sale["terms"]["成交价（元）"] == "11,800.00 元" and sale["terms"]["评审底价（元）"] == "10,500.00 元"
    assert sale["terms"]["处置方式"] == "变卖" and sale["terms"]["受让（买受）方"] == "青山再生资源回收有限公司"


def test_the_power_list_shows_every_item_in_force_with_its_flowchart(site):
    client, ctx = site
    groups = json_of(client, f"/public/api/{VILLAGE}/power-list")["groups"]
    assert sum(len(g["items"]) for g in groups) == len(ctx.catalog().processes)
    page = client.get(f"/public/{VILLAGE}/power-list/dibao").get_data(as_text=True)
    for words in ("民发〔2021〕57号", "乡镇人民政府", "村务监督委员会", "30个工作日", "审核确认结果",
                  "申请人（户主）姓名（部分隐去）", f"/public/{VILLAGE}/power-list/dibao/flowchart.svg"):
        assert words in page, words
    assert "公民身份号码" not in page                         # 低保 notices publish no ID number
    chart = client.get(f"/public/{VILLAGE}/power-list/dibao/flowchart.svg")
    assert chart.mimetype == "image/svg+xml" and b"<svg" in chart.data


def test_the_publicity_section_lists_every_open_period_with_its_end(site):
    client, _ = site
    periods = json_of(client, f"/public/api/{VILLAGE}/publicity")["periods"]
    assert {p["title"] for p in periods} == {"低保审核确认结果公布", "实施结果公开"}
    assert all(p["publicity"]["open"] and p["publicity"]["ends_at"] for p in periods)
    page = client.get(f"/public/{VILLAGE}/publicity").get_data(as_text=True)
    assert page.count('name="token"') == 2 and "对此公示提出异议" in page and "公示中，至" in page
    # A period in days runs to 24:00 Beijing time of its last day, and reads so (not the next day's 00:00).
    assert len(re.findall(r"公示中，至 \d{4}-\d\d-\d\d 24:00", page)) == 2, page


# -- documents ------------------------------------------------------------------------------------
def test_only_documents_a_record_lists_can_be_downloaded(site):
    client, ctx = site
    road = next(m for m in json_of(client, f"/public/api/{VILLAGE}/projects")["matters"] if m["subject"] == "绿水村三组通组道路硬化")
    record = next(r for r in road["records"] if r["stage"] == "合同")
    (listed,) = record["documents"]
    url = f"/public/{VILLAGE}/documents/{record['id']}/{listed['id']}"
    response = client.get(url)
    assert response.status_code == 200 and response.data.startswith(b"%PDF") and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    private = [a.id for a in matters.get_matter(ctx, Actor.system(), road["matter_id"]).attachments
               if a.id not in {d["id"] for r in road["records"] for d in r["documents"]}]
    assert private, "the project has evidence that is not public (ballots, minutes)"
    for attachment_id in private:
        assert client.get(f"/public/{VILLAGE}/documents/{record['id']}/{attachment_id}").status_code == 404
    assert client.get(f"/public/taohua_village/documents/{record['id']}/{listed['id']}").status_code == 404


# -- changes: ETags, cancellation -----------------------------------------------------------------
def test_a_new_record_or_a_cancellation_changes_the_pages(ctx):
    app = create_app({"TESTING": True, "SECRET_KEY": "portal-test"}, context=ctx)
    client = app.test_client()
    before = client.get(f"/public/{VILLAGE}/results")
    matter = walk_one(ctx, Scene("dibao", "王大山户低保", DIBAO_WANG, stop_after="publish_first_review"))
    after = client.get(f"/public/{VILLAGE}/results", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"] and "王*山" in after.get_data(as_text=True)
    matters.cancel_matter(ctx, Actor.system(), matter.id, "申请人撤回申请")
    gone = client.get(f"/public/{VILLAGE}/results", headers={"If-None-Match": after.headers["ETag"]})
    assert gone.status_code == 200 and "王*山" not in gone.get_data(as_text=True)
    assert client.get(f"/public/{VILLAGE}/results/{matter.id}").status_code == 404
    assert client.get(f"/public/api/{VILLAGE}/publicity").json["periods"] == []


# -- objections filed online ----------------------------------------------------------------------
def open_notice(ctx):
    """A 低保 appraisal notice in its publicity period, and a client on the portal."""
    matter = walk_one(ctx, Scene("dibao", "王大山户低保", DIBAO_WANG, stop_after="publish_first_review"))
    app = create_app({"TESTING": True, "SECRET_KEY": "portal-test"}, context=ctx)
    return app, matter


def test_an_objection_filed_online_reaches_the_supervision_committee(ctx):
    app, matter = open_notice(ctx)
    client = app.test_client()
    page = client.get(f"/public/{VILLAGE}/publicity").get_data(as_text=True)
    (token,) = TOKEN.findall(page)
    sent = client.post("/public/objections", data={"token": token, "text": "王大山家去年新买了货车，收入不低", "name": "村民张三",
                                                   "phone": "13900001111"})
    assert sent.status_code == 303 and "Set-Cookie" not in sent.headers
    assert "已收到您对该公示的异议" in client.get(sent.headers["Location"]).get_data(as_text=True)
    intake = next(s for s in matters.get_matter(ctx, Actor.system(), matter.id).ready_steps if s.objection_intake)

    committee = app.test_client()
    headers = {"Authorization": f"Bearer {make_user(ctx, 'jianwei', ['SUPERVISION_COMMITTEE'])}"}
    inbox = committee.get("/api/v1/tasks?role=SUPERVISION_COMMITTEE", headers=headers).json
    assert {t["id"]: t["public_objections_waiting"] for t in inbox}[intake.id] == 1, "the to-do list says so"
    task = committee.get(f"/api/v1/tasks/{intake.id}", headers=headers).json
    (objection,) = task["public_objections"]
    assert (objection["text"], objection["name"], objection["phone"]) == ("王大山家去年新买了货车，收入不低", "村民张三", "13900001111")
    assert task["suggested_data"] == {"objection": "王大山家去年新买了货车，收入不低", "objector": "村民张三"}
    cadre = {"Authorization": f"Bearer {make_user(ctx, 'cunwei', ['VILLAGE_COMMITTEE'])}"}
    seen = committee.get(f"/api/v1/tasks/{intake.id}", headers=cadre).json["public_objections"][0]
    assert seen["text"] and "name" not in seen and "phone" not in seen, "only the committee sees who objected"

    done = committee.post(f"/api/v1/tasks/{intake.id}/complete", json={"data": task["suggested_data"]}, headers=headers)
    assert done.status_code == 200 and [s["step_id"] for s in done.json["ready_steps"]] == ["reverify_first_review"]
    registered = matters.get_matter(ctx, Actor.system(), matter.id).public_objections[0]
    assert registered.registered_by == "jianwei" and registered.registered_at is not None
    assert client.get(f"/public/api/{VILLAGE}/publicity").json["periods"] == [], "an objection ends the period"
    history = [e for e in matters.matter_history(ctx, Actor.system(), matter.id) if e.event == "public_objection_received"]
    assert len(history) == 1 and "13900001111" not in str(history) and "村民张三" not in str(history)
    for url, response in crawl(client).items():
        assert "13900001111" not in response.get_data(as_text=True) and "村民张三" not in response.get_data(as_text=True), url


def test_the_workspace_step_page_shows_the_objection_and_prefills_the_form(ctx):
    seed_demo(ctx, Actor.system())
    app, matter = open_notice(ctx)
    client = app.test_client()
    (token,) = TOKEN.findall(client.get(f"/public/{VILLAGE}/publicity").get_data(as_text=True))
    client.post("/public/objections", data={"token": token, "text": "评议时到会人数不足"})
    intake = next(s for s in matters.get_matter(ctx, Actor.system(), matter.id).ready_steps if s.objection_intake)
    web = WebClient(app)
    web.login("supervision_committee.lushui_village")
    page = web.get(f"/tasks/{intake.id}").get_data(as_text=True)
    assert "网上收到的异议（1 条）" in page and "未留姓名和电话" in page
    assert re.search(r'<textarea[^>]*name="data.objection"[^>]*>\s*评议时到会人数不足', page), "prefilled"
    assert 'value="网上匿名"' in page


@pytest.mark.parametrize("change, status, words", [
    ({"token": "forged"}, 409, "表单已过期或无效"),
    ({"text": "短"}, 422, "异议内容请写 5 至 2000 个字"),
    ({"phone": "call me maybe"}, 422, "联系电话只能包含数字"),
])
def test_a_bad_objection_is_refused_in_words(ctx, change, status, words):
    app, _ = open_notice(ctx)
    client = app.test_client()
    (token,) = TOKEN.findall(client.get(f"/public/{VILLAGE}/publicity").get_data(as_text=True))
    response = client.post("/public/objections", data={"token": token, "text": "公示的家庭人数不对", **change})
    assert response.status_code == status and words in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers


def test_objections_from_one_address_are_throttled(ctx):
    app, matter = open_notice(ctx)
    client = app.test_client()
    (token,) = TOKEN.findall(client.get(f"/public/{VILLAGE}/publicity").get_data(as_text=True))
    statuses = [client.post("/public/objections", data={"token": token, "text": f"第{n}条异议内容"}).status_code
                for n in range(ctx.settings.public_objections_per_hour + 1)]
    assert statuses == [303] * ctx.settings.public_objections_per_hour + [429]
    refused = client.post("/public/objections", data={"token": token, "text": "再提一条异议"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600" and "一小时后再试" in refused.get_data(as_text=True)
    other = client.post("/public/objections", data={"token": token, "text": "另一位村民的异议"},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 303


def test_a_form_read_before_the_period_ended_or_restarted_is_refused(ctx):
    app, matter = open_notice(ctx)
    client = app.test_client()
    (token,) = TOKEN.findall(client.get(f"/public/{VILLAGE}/publicity").get_data(as_text=True))
    intake = next(s for s in matter.ready_steps if s.objection_intake)
    clerk = Actor("jianwei", frozenset({Grant("SUPERVISION_COMMITTEE", VILLAGE)}))
    matters.complete_step(ctx, clerk, intake.id, {"objection": "当面提出的异议"})
    late = client.post("/public/objections", data={"token": token, "text": "公示的家庭人数不对"})
    assert late.status_code == 409 and "公示期已结束或已重新开始" in late.get_data(as_text=True)


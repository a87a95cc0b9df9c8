"""Forms on the web pages: starting a matter, a step's validation messages beside the fields with
what was typed kept, evidence uploads, claim and release, cancel, and the to-do list's marks."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from api import create_app
from engine.clock import FixedClock, use_clock
from engine.identity import Grant
from engine.services import Actor, Context, attachments, identity, matters
from tests.browser.web import WebClient, read_page

from .conftest import make_user

# Every test's `ctx` holds the demo's users (tests/conftest.py).
pytestmark = pytest.mark.demo_users

SYSTEM = Actor.system()
PDF = b"%PDF-1.4\n%%EOF\n"
START = {"subject": "绿水村通组道路硬化工程", "village": "lushui_village", "data.project_name": "通组道路硬化",
         "data.summary": "硬化通组道路1.2公里", "data.amount": "80000", "data.funding_source": "higher_level",
         "data.industry_dept": "transport", "data.planned_start": "2026-04-01"}
VOTER = "villager_council.lushui_village"
VOTE = {"data.council_members": "25", "data.council_attendees": "21", "data.council_for": "18",
        "data.council_minutes": "议事会表决记录"}


@pytest.fixture
def app(ctx):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)


def logged_in(app, username: str, password: str = "xiaowei-demo") -> WebClient:
    web = WebClient(app)
    assert web.login(username, password).status_code == 302
    return web


def start_project(ctx) -> dict:
    starter = Actor("starter", frozenset({Grant("TWO_COMMITTEES", "lushui_village")}))
    return matters.start_matter(ctx, starter, "village_project", "lushui_village", "通组道路硬化",
                                {k[5:]: v for k, v in START.items() if k.startswith("data.")})


def pdf(name="签到表.pdf"):
    return (io.BytesIO(PDF), name)


def field_error(html: str, name: str) -> str:
    found = re.search(rf'id="f-{name}-error"[^>]*>([^<]*)<', html)
    return found.group(1) if found else ""


def test_a_matter_is_started_from_its_form_and_mistakes_are_shown_beside_the_fields(ctx, app):
    web = logged_in(app, "two_committees.lushui_village")
    form = web.get("/start/village_project").get_data(as_text=True)
    assert '<option value="lushui_village"' in form and "taohua_village" not in form   # only the user's village
    untitled = web.post("/start/village_project", {**START, "subject": ""})
    assert untitled.status_code == 422 and "标题不能为空" in field_error(untitled.get_data(as_text=True), "subject")
    wrong = web.post("/start/village_project", {**START, "data.amount": "八万", "data.planned_end": "明年"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert "金额" in field_error(html, "amount") and "日期" in field_error(html, "planned_end")
    assert 'value="八万"' in html and 'value="通组道路硬化"' in html          # what was typed is kept
    assert 'value="绿水村通组道路硬化工程"' in html and 'value="transport" selected' in html
    assert matters.list_matters(ctx, SYSTEM, {}, 1, 10)[1] == 0
    done = web.post("/start/village_project", {**START, "data.plan_documents": pdf("项目方案.pdf")})
    assert done.status_code == 302
    matter = matters.list_matters(ctx, SYSTEM, {}, 1, 10)[0][0]
    assert done.headers["Location"] == f"/matters/{matter.id}" and matter.amount == 80000
    page = web.get(done.headers["Location"]).get_data(as_text=True)
    assert "已发起" in page and "项目方案.pdf" in page and "村民议事会表决" in page


def test_the_start_form_offers_the_villages_where_the_user_holds_the_start_role(ctx, app):
    make_user(ctx, "liangcun", ["TWO_COMMITTEES"], "lushui_village")
    make_user(ctx, "liangcun", ["TWO_COMMITTEES", "SUPERVISION_COMMITTEE"], "taohua_village")
    make_user(ctx, "liangcun", ["SUPERVISION_COMMITTEE"], "hongqi_village")
    form = logged_in(app, "liangcun", "correct-horse-battery").get("/start/village_project").get_data(as_text=True)
    assert "绿水村" in form and "桃花村" in form and "红旗村" not in form
    # A township officer starts no village matter: the form says who does, and offers nothing.
    township = logged_in(app, "township_admin.qingshan_town")
    refused = township.get("/start/village_project").get_data(as_text=True)
    assert "您在任何村都不担任该角色" in refused and 'name="village"' not in refused
    assert "您在任何村都不担任发起事项的角色" in township.get("/start").get_data(as_text=True)


def test_a_refused_step_keeps_what_was_typed_and_stores_no_file(ctx, app):
    """The file and the step are one transaction: a refused completion leaves no attachment behind,
    the typed values come back, and the file field says its file must be chosen again."""
    matter = start_project(ctx)
    task = matter.ready_steps[0].id
    web = logged_in(app, "villager_council.lushui_village")
    with ctx.uow() as uow:
        before = uow.session.execute(text("SELECT count(*) FROM attachments")).scalar()
    wrong = web.post(f"/tasks/{task}", {**VOTE, "data.council_for": "30", "data.council_ballots_file": pdf()})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "不能大于到会成员人数 21" in field_error(html, "council_for")
    assert 'value="30"' in html and "议事会表决记录" in html
    assert "请重新选择" in field_error(html, "council_ballots_file")
    with ctx.uow() as uow:
        assert uow.session.execute(text("SELECT count(*) FROM attachments")).scalar() == before
    fixed = web.post(f"/tasks/{task}", {**VOTE, "data.council_ballots_file": pdf()})
    assert fixed.status_code == 302
    after = matters.get_matter(ctx, SYSTEM, matter.id)
    (stored,) = after.data["council_ballots_file"]
    assert after.data["council_for"] == 18 and [a.id for a in after.attachments] == [stored]


def test_a_file_stored_earlier_stays_ticked_when_the_form_comes_back(ctx, app):
    """A file cited by id (stored by an earlier, successful upload) comes back ticked."""
    matter = start_project(ctx)
    task = matter.ready_steps[0].id
    web = logged_in(app, "villager_council.lushui_village")
    uploaded = attachments.upload_attachment(ctx, Actor("villager_council.lushui_village", frozenset()), "签到表.pdf", PDF)
    wrong = web.post(f"/tasks/{task}", {**VOTE, "data.council_for": "30", "data.council_ballots_file": uploaded.id,
                                        f"data.council_ballots_file.name.{uploaded.id}": "签到表.pdf"})
    kept = [c for c in read_page(wrong.get_data(as_text=True)).controls if c.get("type") == "checkbox"]
    assert wrong.status_code == 422 and len(kept) == 1 and kept[0]["value"] == uploaded.id and "checked" in kept[0]


def test_a_file_of_the_wrong_type_is_refused_beside_its_field(ctx, app):
    task = start_project(ctx).ready_steps[0].id
    web = logged_in(app, "villager_council.lushui_village")
    response = web.post(f"/tasks/{task}", {**VOTE, "data.council_ballots_file": (io.BytesIO(b"<html><script>x</script>"), "票.pdf")})
    assert response.status_code == 422
    assert "票.pdf" in field_error(response.get_data(as_text=True), "council_ballots_file")
    missing = web.post(f"/tasks/{task}", VOTE)
    assert "必填" in field_error(missing.get_data(as_text=True), "council_ballots_file")


def test_claim_and_release_a_shared_step(ctx, app):
    make_user(ctx, "second_councillor", ["VILLAGER_COUNCIL"])
    task = start_project(ctx).ready_steps[0].id
    mine, other = logged_in(app, "villager_council.lushui_village"), logged_in(app, "second_councillor", "correct-horse-battery")
    claimed = mine.post(f"/tasks/{task}/claim")
    assert claimed.status_code == 302
    page = mine.get(f"/tasks/{task}").get_data(as_text=True)
    assert "已认领" in page and "释放此步骤" in page
    refused = other.post(f"/tasks/{task}", {**VOTE, "data.council_ballots_file": pdf()})
    holder = identity.display_names(ctx, ["villager_council.lushui_village"])["villager_council.lushui_village"]
    assert holder != "villager_council.lushui_village"          # a person's name, not the login name
    assert refused.status_code == 409 and f"已由 {holder} 认领" in refused.get_data(as_text=True)
    assert f"已由 {holder} 认领" in other.get("/tasks").get_data(as_text=True)
    assert mine.post(f"/tasks/{task}/release").status_code == 302
    assert other.post(f"/tasks/{task}", {**VOTE, "data.council_ballots_file": pdf()}).status_code == 302


def test_an_administrator_cancels_with_a_reason_others_are_refused(ctx, app):
    matter = start_project(ctx)
    clerk = logged_in(app, "two_committees.lushui_village")
    assert "撤销原因" not in clerk.get(f"/matters/{matter.id}").get_data(as_text=True)
    refused = clerk.post(f"/matters/{matter.id}/cancel", {"reason": "不办了"})
    assert refused.status_code == 403 and "管理员" in refused.get_data(as_text=True)
    admin = logged_in(app, "township_admin.qingshan_town")
    assert "撤销原因" in admin.get(f"/matters/{matter.id}").get_data(as_text=True)
    empty = admin.post(f"/matters/{matter.id}/cancel", {"reason": "  "})
    assert empty.status_code == 422 and "撤销原因不能为空" in empty.get_data(as_text=True)
    done = admin.post(f"/matters/{matter.id}/cancel", {"reason": "项目并入县级计划"})
    assert done.status_code == 302
    page = admin.get(f"/matters/{matter.id}").get_data(as_text=True)
    assert "已撤销" in page and "项目并入县级计划" in page and "撤销原因" not in page


def test_the_to_do_list_counts_and_marks_overdue_steps(ctx, app):
    start_project(ctx)
    with use_clock(FixedClock(datetime.now(timezone.utc) - timedelta(days=11))):
        start_project(ctx)                                     # its 10-day vote is a day late now
    web = logged_in(app, "villager_council.lushui_village")
    page = web.get("/tasks").get_data(as_text=True)
    assert "共 <strong>2</strong> 项待办" in page and '<strong class="overdue">1</strong> 项已超期' in page
    assert page.count('class="task-card is-overdue"') == 1 and page.count("badge-overdue") == 1
    assert "村民议事会表决" in page and "通组道路硬化" in page and "绿水村" in page and "村级工程项目建设" in page
    assert page.index("#1 ") < page.index("#2 ")                 # newest first: #2 became ready 11 days ago


def test_the_to_do_list_counts_overdue_steps_beyond_the_page_shown(ctx, app, monkeypatch):
    """The count is over the whole list: an overdue step on the next page still counts."""
    from api.web.views import tasks as tasks_page
    monkeypatch.setattr(tasks_page, "INBOX_SIZE", 1)
    with use_clock(FixedClock(datetime.now(timezone.utc) - timedelta(days=11))):
        start_project(ctx)                                     # overdue, and the older: on page 2
    start_project(ctx)
    web = logged_in(app, "villager_council.lushui_village")
    first = web.get("/tasks").get_data(as_text=True)
    assert "共 <strong>2</strong> 项待办" in first and '<strong class="overdue">1</strong> 项已超期' in first
    assert 'class="task-card is-overdue"' not in first         # the page shows the step on time
    second = web.get("/tasks?page=2").get_data(as_text=True)
    assert second.count('class="task-card is-overdue"') == 1 and '<strong class="overdue">1</strong>' in second


def test_the_matter_page_shows_the_timeline_data_and_flowchart(ctx, app):
    matter = start_project(ctx)
    task = matter.ready_steps[0].id
    web = logged_in(app, "villager_council.lushui_village")
    web.post(f"/tasks/{task}", {**VOTE, "data.council_ballots_file": pdf("签到表及表决票.pdf")})
    page = web.get(f"/matters/{matter.id}").get_data(as_text=True)
    for words in ("办理记录", "发起事项", "办理步骤", "村民议事会表决（村民议事会）", "赞成票数：", "18",
                  identity.display_names(ctx, [VOTER])[VOTER], "签到表及表决票.pdf", "估算投资（元）", "80,000.00 元",
                  "上级补助资金", "乡镇审核立项"):
        assert words in page, words
    chart = web.get(f"/matters/{matter.id}/flowchart.svg")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert "default-src 'none'" in chart.headers["Content-Security-Policy"]
    item_chart = web.get("/power-list/village_project/flowchart.svg")
    assert item_chart.status_code == 200 and "村级工程项目建设" in item_chart.get_data(as_text=True)
    assert web.get("/power-list/village_project/flowchart.svg",
                   headers={"If-None-Match": item_chart.headers["ETag"]}).status_code == 304


def test_uploads_are_limited_per_file_and_per_form(ctx, app):
    limit = ctx.settings.max_attachment_bytes
    task = start_project(ctx).ready_steps[0].id
    web = logged_in(app, "villager_council.lushui_village")
    too_big = (io.BytesIO(PDF + b"0" * limit), "大扫描件.pdf")                     # over one file's limit
    response = web.post(f"/tasks/{task}", {**VOTE, "data.council_ballots_file": too_big})
    assert response.status_code == 422
    assert "不能超过 10 MB" in field_error(response.get_data(as_text=True), "council_ballots_file")
    small = Context(ctx.database, ctx.settings.replace(max_attachment_bytes=1024))  # a form holds 4 files + 256 KB
    web = logged_in(create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=small),
                    "villager_council.lushui_village")
    whole_form = (io.BytesIO(PDF + b"0" * (300 * 1024)), "a.pdf")                   # a whole form over the limit
    response = web.post(f"/tasks/{task}", {**VOTE, "data.council_ballots_file": whole_form})
    assert response.status_code == 413 and "上传的文件过大" in response.get_data(as_text=True)


def test_back_and_submit_again_does_not_start_a_second_matter(ctx, app):
    """The start form carries a key of its own: the same form sent twice (back + submit, a double
    tap) answers the matter the first one started."""
    web = logged_in(app, "two_committees.lushui_village")
    html = web.get("/start/village_project").get_data(as_text=True)
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    fields = {**START, "subject": "修桥", "village": "lushui_village", "form_token": token}
    first = web.post("/start/village_project", fields)
    again = web.post("/start/village_project", fields)
    assert first.status_code == again.status_code == 302 and first.headers["Location"] == again.headers["Location"]
    assert "此前已发起" in web.get(again.headers["Location"]).get_data(as_text=True)
    assert matters.list_matters(ctx, SYSTEM, {}, 1, 10)[1] == 1

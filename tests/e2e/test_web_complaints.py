"""群众诉求 pages over the Flask test client: the list, a case with its reporter and 督办单, the
督办单 list, the statistics with their charts and files, entering a case and merging one. The
pages read the services' frozen views by attribute (issue 18, item 4); what each shows is pinned
here, so a field that stopped rendering fails."""
from __future__ import annotations

import pytest

from api import create_app
from engine.services import Actor
from engine.services.complaints import reads
from engine.services.complaints.demo import seed_demo_complaints
from tests.browser.web import WebClient

# Every test's `ctx` holds the demo's users (tests/conftest.py).
pytestmark = pytest.mark.demo_users

SYSTEM = Actor.system()


@pytest.fixture
def app(ctx):
    seed_demo_complaints(ctx)        # answered and rated; in hand at the township; 桃花村's, supervised (督办单)
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_complaint_pages_show_each_case(ctx, app):
    discipline = WebClient(app)
    discipline.login("township_discipline.qingshan_town")
    cases, total = reads.list_complaints(ctx, SYSTEM, {}, 1, 10)
    assert total == 3
    listed = discipline.get("/complaints")
    html = listed.get_data(as_text=True)
    assert listed.status_code == 200 and "共 <strong>3</strong> 件" in html
    for c in cases:
        assert f"{c.number} · {c.category_name}" in html and c.status_name in html
    assert "督办 1 次" in html and "满意" in html and "乡镇人民政府" in html

    supervised = next(c for c in cases if c.supervisions)
    page = discipline.get(f"/complaints/{supervised.id}").get_data(as_text=True)
    detail = reads.get_complaint(ctx, SYSTEM, supervised.id)
    (order,) = detail.supervision_orders
    assert f"<h1>诉求 {supervised.number}</h1>" in page and "吴老汉" in page      # the discipline office sees the reporter
    assert f"<strong>{order.number}</strong>：{order.overdue_step}超过办理时限" in page
    assert "我家去年申请低保" in page and "桃花村" in page and "同意公开</dt><dd>否" in page
    orders = discipline.get("/complaints/supervision").get_data(as_text=True)
    assert f"{order.number} · 诉求 {supervised.number}" in orders and supervised.status_name in orders

    rated = next(c for c in cases if c.rating)
    page = discipline.get(f"/complaints/{rated.id}").get_data(as_text=True)
    assert "群众评价</dt><dd>满意" in page and "保洁费收支明细" in page and "李桂香" in page

    clerk = WebClient(app)
    clerk.login("village_committee.lushui_village")
    hidden = clerk.get(f"/complaints/{rated.id}").get_data(as_text=True)
    assert "李桂香" not in hidden and "反映人信息只有乡镇纪委、县纪委可见" in hidden


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_statistics_page_and_its_files(app):
    discipline = WebClient(app)
    discipline.login("township_discipline.qingshan_town")
    page = discipline.get("/complaints/statistics?org=qingshan_town")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<svg") == 3
    assert '<li><strong>3</strong>收到</li>' in html and '<strong id="closed-count">1</strong>办结' in html
    assert "<strong>33.3%</strong>办结率" in html and "<strong>100.0%</strong>满意率" in html
    assert "<td>绿水村</td><td>2</td>" in html and "<td>桃花村</td><td>1</td>" in html
    csv = discipline.get("/complaints/statistics.csv?org=qingshan_town").get_data().decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("青山镇群众诉求统计（全部时间）")
    for query, span in (("from=2026-01-01&to=2026-06-30", "2026-01-01 至 2026-06-30"), ("from=2026-01-01", "2026-01-01 起"),
                        ("to=2026-06-30", "截至 2026-06-30")):
        titled = discipline.get(f"/complaints/statistics.csv?org=qingshan_town&{query}").get_data().decode("utf-8-sig")
        assert titled.splitlines()[0] == f"青山镇群众诉求统计（{span}）"
    assert "绿水村,2," in csv and csv.splitlines()[-1].startswith("合计,3,")


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_case_is_entered_and_merged_from_the_pages(ctx, app):
    clerk = WebClient(app)
    clerk.login("reporting_clerk.lushui_village")
    filed = clerk.post("/complaints/new", {"village": "lushui_village", "category": "finance", "channel": "phone",
                                           "content": "村里的卫生保洁费明细仍未公开", "reporter_name": "李桂香"})
    html = filed.get_data(as_text=True)
    assert filed.status_code == 200 and "诉求已登记" in html
    newest = reads.list_complaints(ctx, SYSTEM, {}, 1, 1)[0][0]
    assert f"<dd>{newest.number}</dd>" in html and 'id="lookup-code"' in html
    main = next(c for c in reads.list_complaints(ctx, SYSTEM, {"village": "lushui_village"}, 1, 10)[0]
                if not c.concluded and c.id != newest.id)
    discipline = WebClient(app)
    discipline.login("township_discipline.qingshan_town")
    mistyped = discipline.post(f"/complaints/{newest.id}/merge", {"into": "SQ2026-999999", "reason": "同一问题，见主件"})
    again = mistyped.get_data(as_text=True)            # the form again: what was typed, and why not
    assert mistyped.status_code == 422 and "没有这件诉求" in again
    assert 'value="SQ2026-999999"' in again and ">同一问题，见主件</textarea>" in again
    assert discipline.post(f"/complaints/{newest.id}/merge", {"into": main.number, "reason": " "}).status_code == 422
    merged = discipline.post(f"/complaints/{newest.id}/merge", {"into": main.number, "reason": "同一问题"})
    assert merged.status_code == 302
    page = discipline.get(f"/complaints/{newest.id}").get_data(as_text=True)
    assert f"诉求{newest.number}已并入{main.number}办理。" in page and "本件已并入 <a" in page
    assert reads.get_complaint(ctx, SYSTEM, newest.id).merged_into.number == main.number

"""The supervisor's search: list_matters / MatterRepository.search filter by creation date,
amount and overdue steps (plus item, village, status as before), and the /supervise page over them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from api import create_app
from engine.clock import FixedClock, use_clock
from engine.errors import InvalidData
from engine.identity import Grant
from engine.services import Actor, matters
from tests.browser.web import WebClient, assert_accessible

# Every test's `ctx` holds the demo's users (tests/conftest.py).
pytestmark = pytest.mark.demo_users

SYSTEM = Actor.system()
CHINA = timezone(timedelta(hours=8))
NOW = datetime.now(timezone.utc)
PROJECT = {"project_name": "道路", "summary": "硬化道路", "funding_source": "higher_level", "industry_dept": "transport"}


def start(ctx, amount, village="lushui_village", days_ago=0, subject="道路硬化"):
    starter = Actor("starter", frozenset({Grant("TWO_COMMITTEES", village)}))
    with use_clock(FixedClock(NOW - timedelta(days=days_ago))):
        return matters.start_matter(ctx, starter, "village_project", village, subject, {**PROJECT, "amount": amount})


@pytest.fixture
def matters_made(ctx):
    """#1 today 50,000 (绿水村); #2 eleven days ago 80,000, its vote a day overdue (绿水村);
    #3 today 120,000 (桃花村); #4 five days ago 30,000, cancelled (绿水村)."""
    made = [start(ctx, 50000), start(ctx, 80000, days_ago=11), start(ctx, 120000, "taohua_village"),
            start(ctx, 30000, days_ago=5)]
    matters.cancel_matter(ctx, SYSTEM, made[3].id, "重复立项")
    return [m.id for m in made]


def found(ctx, filters, actor=SYSTEM) -> list[int]:
    rows, total = matters.list_matters(ctx, actor, filters, 1, 50)
    assert total == len(rows)
    return sorted(r.id for r in rows)


def test_the_existing_filters_still_work(ctx, matters_made):
    one, two, three, four = matters_made
    assert found(ctx, {}) == [one, two, three, four]
    assert found(ctx, {"status": "running"}) == [one, two, three]
    assert found(ctx, {"village": "taohua_village"}) == [three]
    assert found(ctx, {"process_key": "village_project", "township": "qingshan_town"}) == [one, two, three, four]
    rows, total = matters.list_matters(ctx, SYSTEM, {"status": "running"}, 2, 2)
    assert total == 3 and [r.id for r in rows] == [one]          # newest first, second page


def test_created_between_two_times(ctx, matters_made):
    one, two, three, four = matters_made
    week_ago, yesterday = NOW - timedelta(days=7), NOW - timedelta(days=1)
    assert found(ctx, {"created_from": week_ago}) == [one, three, four]
    assert found(ctx, {"created_before": yesterday}) == [two, four]
    assert found(ctx, {"created_from": week_ago, "created_before": yesterday}) == [four]
    assert found(ctx, {"created_from": NOW + timedelta(seconds=1)}) == []


def test_amount_between_bounds_inclusive(ctx, matters_made):
    one, two, three, four = matters_made
    assert found(ctx, {"amount_min": 50000}) == [one, two, three]
    assert found(ctx, {"amount_max": Decimal("80000")}) == [one, two, four]
    assert found(ctx, {"amount_min": 50000.0, "amount_max": 80000}) == [one, two]
    assert found(ctx, {"amount_min": 200000}) == []


def test_overdue_means_a_ready_step_past_its_due_time(ctx, matters_made):
    one, two, three, four = matters_made
    assert found(ctx, {"overdue": True}) == [two]
    assert found(ctx, {"overdue": False}) == [one, two, three, four]
    with use_clock(FixedClock(NOW + timedelta(days=11))):                  # every vote late by then
        assert found(ctx, {"overdue": True}) == [one, two, three]        # not the cancelled one


def test_filters_combine_and_stay_within_the_callers_reach(ctx, matters_made):
    one, two, three, four = matters_made
    assert found(ctx, {"status": "running", "amount_min": 60000, "village": "lushui_village"}) == [two]
    assert found(ctx, {"ids": [one, three, 999]}) == [one, three]
    baiyun = Actor("inspector", frozenset({Grant("TOWNSHIP_DISCIPLINE", "baiyun_town")}))
    assert found(ctx, {"overdue": True}, baiyun) == []
    lushui = Actor("committee", frozenset({Grant("SUPERVISION_COMMITTEE", "lushui_village")}))
    assert found(ctx, {"amount_min": 0}, lushui) == [one, two, four]


@pytest.mark.parametrize("filters, field", [
    ({"created_from": datetime(2026, 1, 1)}, "created_from"),            # naive: which time zone?
    ({"created_before": "2026-01-01"}, "created_before"),
    ({"amount_min": "many"}, "amount_min"), ({"amount_max": True}, "amount_max"), ({"ids": ["1"]}, "ids")])
def test_filters_of_the_wrong_kind_are_refused_by_name(ctx, filters, field):
    with pytest.raises(InvalidData) as refused:
        matters.list_matters(ctx, SYSTEM, filters, 1, 10)
    assert field in refused.value.errors


@pytest.fixture
def inspector(ctx):
    web = WebClient(create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx))
    web.login("township_discipline.qingshan_town")
    return web


def rows_on(response) -> list[int]:
    import re
    return sorted({int(n) for n in re.findall(r'<td data-label="编号"><a href="/matters/(\d+)">', response.get_data(as_text=True))})


def test_the_supervise_page_searches_by_every_filter(ctx, matters_made, inspector):
    one, two, three, four = matters_made
    today = NOW.astimezone(CHINA).date()
    recent = inspector.get("/supervise").get_data(as_text=True)          # before any filter: the recent matters
    assert "最近的事项（共 4 件" in recent and all(f"#{m}<" in recent for m in matters_made)
    assert rows_on(inspector.get("/supervise?status=")) == [one, two, three, four]
    assert rows_on(inspector.get("/supervise?village=taohua_village")) == [three]
    assert rows_on(inspector.get("/supervise?status=cancelled")) == [four]
    assert rows_on(inspector.get(f"/supervise?created_from={today}&created_to={today}")) == [one, three]
    assert rows_on(inspector.get("/supervise?amount_min=50000&amount_max=80,000")) == [one, two]
    overdue = inspector.get("/supervise?overdue=1&process_key=village_project")
    assert rows_on(overdue) == [two] and "共 1 件" in overdue.get_data(as_text=True)
    assert_accessible(overdue)


def test_the_supervise_page_names_what_it_cannot_read(inspector):
    response = inspector.get("/supervise?created_from=2026-02-30&amount_min=-5&amount_max=abc&status=lost")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("日期格式应为", "金额应为不小于 0 的数字", "请选择列表中的状态"):
        assert message in html, message
    assert 'value="abc"' in html and "查询结果" not in html


def test_the_supervise_page_pages_through_results(ctx, inspector):
    for n in range(23):
        matters.start_matter(ctx, Actor("s", frozenset({Grant("TWO_COMMITTEES", "lushui_village")})), "village_project",
                             "lushui_village", f"道路{n}", {**PROJECT, "amount": 1000 + n})
    first = inspector.get("/supervise?status=running").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "下一页" in first and "共 23 件" in first
    second = inspector.get("/supervise?status=running&page=2")
    assert len(rows_on(second)) == 3 and "上一页" in second.get_data(as_text=True)


def test_a_total_past_the_cap_is_a_lower_bound_on_the_page_and_over_the_api(ctx, matters_made, inspector,
                                                                          monkeypatch):
    """Lists count their matches up to a cap (1,000; 2 here): past it the total is "at least",
    said on the page and in X-Total-Exact, and the pager goes on while pages come back full."""
    from engine.store import repositories
    monkeypatch.setattr(repositories, "COUNT_CAP", 2)
    one, two, three, four = matters_made
    rows, total = matters.list_matters(ctx, SYSTEM, {}, 1, 50)
    assert len(rows) == 4 and total == 2 and total.exact is False
    rows, total = matters.list_matters(ctx, SYSTEM, {"village": "taohua_village"}, 1, 50)
    assert total == 1 and total.exact is True
    page = inspector.get("/supervise").get_data(as_text=True)
    assert "2 件以上" in page and "共 4 件" not in page
    app = inspector.client.application
    token = app.test_client().post("/api/v1/auth/token", json={
        "username": "township_discipline.qingshan_town", "password": "xiaowei-demo"}).get_json()["token"]
    api = app.test_client()
    listed = api.get("/api/v1/instances?page_size=1", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and listed.headers["X-Total-Exact"] == "false"
    narrowed = api.get("/api/v1/instances?village=taohua_village", headers={"Authorization": f"Bearer {token}"})
    assert narrowed.headers["X-Total-Exact"] == "true"
    role = matters.get_matter(ctx, SYSTEM, one).ready_steps[0].role
    clerk = WebClient(app)                                  # the to-do page's count says so too
    clerk.login(f"{role.lower()}.lushui_village")
    assert "共 <strong>2</strong> 项待办" in clerk.get("/tasks").get_data(as_text=True)      # two: counted
    monkeypatch.setattr(repositories, "COUNT_CAP", 1)
    assert "共 <strong>1</strong> 项以上待办" in clerk.get("/tasks").get_data(as_text=True)


def test_a_matters_earliest_due_step_is_kept_with_it(ctx, matters_made):
    """step_due_at, what "overdue now" reads: the earliest due time of the ready steps, none once
    the matter has no ready step."""
    from engine.store.models import InboxItem, MatterRecord
    one, two, three, four = matters_made
    with ctx.uow(readonly=True) as uow:
        for matter_id in (one, two, three, four):
            record = uow.session.get(MatterRecord, matter_id)
            dues = [r.due_at for r in uow.session.query(InboxItem).filter_by(matter_id=matter_id, state="ready")
                    if r.due_at is not None]
            assert record.step_due_at == (min(dues) if dues else None), matter_id
        assert uow.session.get(MatterRecord, four).step_due_at is None            # cancelled: nothing ready


def test_keyword_search_finds_common_and_rare_words_and_says_when_the_total_is_a_lower_bound(
        ctx, matters_made, monkeypatch):
    """Issue 17: on PostgreSQL a keyword is first looked for among the newest matters by number (a
    common word fills the page there: its total is then "at least"), else through the trigram
    index (a rare word: every match, counted). SQLite always counts. Here the newest slice is two
    matters and the page one or two rows, so both tries run on four matters (the first fills a page
    only with a row to spare: one more than the page tells whether a next one follows)."""
    from engine.store import repositories
    monkeypatch.setattr(repositories, "FIRST_SLICE", 2)
    one, two, three, four = matters_made
    old = start(ctx, 1000, days_ago=1, subject="老旧水渠修缮")                  # the only one with 水渠
    for _ in range(2):
        start(ctx, 2000)                                                    # the newest two: 道路硬化
    rows, total = matters.list_matters(ctx, SYSTEM, {"keyword": "道路"}, 1, 1)
    assert len(rows) == 1 and total >= 1 and total.next_cursor
    assert total.exact is (ctx.database.is_sqlite)                          # common: at least the page
    rows, total = matters.list_matters(ctx, SYSTEM, {"keyword": "水渠"}, 1, 2)
    assert [r.id for r in rows] == [old.id] and total == 1 and total.exact
    rows, total = matters.list_matters(ctx, SYSTEM, {"keyword": "没有这个词"}, 1, 2)
    assert rows == [] and total == 0 and total.exact
    rows, total = matters.list_matters(ctx, SYSTEM, {"keyword": f"#{two}"}, 1, 2)
    assert [r.id for r in rows] == [two] and total == 1

"""The web lists' pager (api/web/paging.py, issue 17): 下一页 follows the cursor of the page shown,
with the search kept; 上一页 is the page by number; a page number past the first 1,000 rows or an
altered cursor is a Chinese error page, never a trace."""
from __future__ import annotations

import html
import re

import pytest

from engine.identity import Grant
from engine.services import Actor, matters
from tests.browser.web import WebClient
from tests.e2e.test_web_search import PROJECT, SYSTEM, inspector, rows_on  # noqa: F401 - inspector: a fixture

# Every test's `ctx` holds the demo's users (tests/conftest.py), as `inspector` expects.
pytestmark = pytest.mark.demo_users

STARTER = Actor("s", frozenset({Grant("TWO_COMMITTEES", "lushui_village")}))


def link(page: str, label: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)"(?: rel="next")?>{label}</a>', page)
    return html.unescape(found.group(1)) if found else None


def test_the_next_page_follows_the_cursor_and_keeps_the_search(ctx, inspector):
    made = [matters.start_matter(ctx, STARTER, "village_project", "lushui_village", f"道路{n}",
                                 {**PROJECT, "amount": 1000 + n}).id for n in range(45)]
    first = inspector.get("/supervise?status=running&process_key=village_project").get_data(as_text=True)
    assert "第 1 / 3 页" in first and link(first, "上一页") is None
    following = link(first, "下一页")
    assert "after=" in following and "status=running" in following and "process_key=village_project" in following
    arrived = matters.start_matter(ctx, STARTER, "village_project", "lushui_village", "新来的",
                                   {**PROJECT, "amount": 5}).id        # arrives on top: shifts nothing
    second = inspector.get(following)
    text = second.get_data(as_text=True)
    assert rows_on(second) == sorted(sorted(made, reverse=True)[20:40]) and "第 2 / 3 页" in text
    back = link(text, "上一页")
    assert "status=running" in back and "page=" not in back and "after=" not in back
    third = inspector.get(link(text, "下一页"))
    assert rows_on(third) == sorted(made)[:5] and link(third.get_data(as_text=True), "下一页") is None
    assert arrived not in rows_on(second) + rows_on(third)


def test_a_deep_page_number_or_an_altered_cursor_is_an_error_page(ctx, inspector):
    for n in range(3):
        matters.start_matter(ctx, STARTER, "village_project", "lushui_village", f"道路{n}", {**PROJECT, "amount": 1000 + n})
    deep = inspector.get("/supervise?page=51")
    assert deep.status_code == 422 and "翻页" in deep.get_data(as_text=True)
    assert "Traceback" not in deep.get_data(as_text=True)
    altered = inspector.get("/supervise?after=AAAA&page=2")
    assert altered.status_code == 422 and "翻页标记" in altered.get_data(as_text=True)
    assert inspector.get("/supervise?page=50").status_code == 200            # the deepest by number: empty


def test_the_to_do_list_pages_by_cursor_too(ctx, inspector, monkeypatch):
    """The to-do page, 200 steps a page (2 here): 下一页 after the last."""
    for n in range(3):
        matters.start_matter(ctx, STARTER, "village_project", "lushui_village", f"道路{n}", {**PROJECT, "amount": 1000 + n})
    clerk = WebClient(inspector.client.application)
    role = matters.list_tasks(ctx, SYSTEM, None, "lushui_village", 1, 1)[0][0].role
    clerk.login(f"{role.lower()}.lushui_village")
    import api.web.views.tasks as todo
    monkeypatch.setattr(todo, "INBOX_SIZE", 2)
    page = clerk.get("/tasks").get_data(as_text=True)
    following = link(page, "下一页")
    assert page.count('class="task-link"') == 2 and "after=" in following
    rest = clerk.get(following).get_data(as_text=True)
    assert rest.count('class="task-link"') == 1 and link(rest, "下一页") is None and "第 2 / 2 页" in rest
    assert link(rest, "上一页") == "/tasks"

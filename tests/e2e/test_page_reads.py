"""A page reads in one unit of work: every service it asks (the user behind the session cookie,
the main list, the names beside codes) shares one read-only transaction, for the workspace and for
the public portal alike (issue 18)."""
from __future__ import annotations

import pytest

from engine.services import Actor, matters
from engine.store.uow import PortalUnitOfWork, UnitOfWork
from tests.e2e.test_web_pages import everyone, start_project  # noqa: F401 - fixtures

# Every test's `ctx` holds the demo's users (tests/conftest.py).
pytestmark = pytest.mark.demo_users

SYSTEM = Actor.system()


@pytest.fixture
def opened(monkeypatch):
    """How many units of work (transactions) each request opened."""
    count = {"n": 0}
    for cls in (UnitOfWork, PortalUnitOfWork):
        real = cls.__enter__

        def counted(self, real=real):
            count["n"] += 1
            return real(self)
        monkeypatch.setattr(cls, "__enter__", counted)
    return count


@pytest.fixture
def app(ctx):
    from api import create_app
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)


def test_every_workspace_page_reads_in_one_unit_of_work(ctx, everyone, opened):
    matter = start_project(ctx)
    task = matter.ready_steps[0].id
    for url in ["/tasks", f"/tasks/{task}", "/start", "/start/village_project", f"/matters/{matter.id}",
                "/supervise", "/supervise?process_key=village_project&village=lushui_village", "/audit",
                "/power-list", "/power-list/village_project"]:
        opened["n"] = 0
        response = everyone.get(url)
        assert response.status_code == 200, url
        assert opened["n"] == 1, f"{url} opened {opened['n']} units of work"


def test_every_public_page_reads_in_one_unit_of_work(ctx, app, opened):
    start_project(ctx)
    client = app.test_client()
    for url in ["/public", "/public/lushui_village", "/public/lushui_village/power-list",
                "/public/lushui_village/projects", "/public/lushui_village/results", "/public/lushui_village/assets",
                "/public/lushui_village/publicity"]:
        opened["n"] = 0
        response = client.get(url)
        assert response.status_code == 200, url
        assert opened["n"] == 1, f"{url} opened {opened['n']} units of work"


def test_an_action_still_commits_in_its_own_unit_of_work(ctx, everyone):
    """POST is not wrapped in a reading: the completion commits and the next page reads it."""
    matter = start_project(ctx)
    assert everyone.get(f"/matters/{matter.id}").status_code == 200
    assert matters.get_matter(ctx, SYSTEM, matter.id).status == "running"

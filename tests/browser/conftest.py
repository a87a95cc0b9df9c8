"""A real server (werkzeug in a thread, SQLite, the demo county with its users) and Debian's
Chromium driven by Playwright. No browser is ever downloaded: Chromium comes from apt
(`XIAOWEI_WITH_BROWSER=1 sh scripts/bootstrap.sh`, which `make test` runs)."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from api import create_app
from tests.browser.phone import empty
from tests.settings import TEST_SETTINGS
from engine.services import Actor, Context
from engine.services.definitions import sync_definitions
from engine.services.demo import seed_demo
from engine.store import Database

CHROMIUM = Path(os.environ.get("XIAOWEI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@dataclass
class Site:
    url: str
    ctx: Context


@pytest.fixture
def site(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    database.upgrade()
    ctx = Context(database, TEST_SETTINGS)
    sync_definitions(ctx)
    seed_demo(ctx, Actor.system())
    app = create_app({"TESTING": True, "SECRET_KEY": "browser-test-secret"}, context=ctx)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{httpd.server_port}", ctx)
    httpd.shutdown()
    database.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have Chromium at {CHROMIUM} (XIAOWEI_WITH_BROWSER=1 sh scripts/bootstrap.sh)")
        pytest.skip(f"the browser tests need Debian's chromium at {CHROMIUM}")
    from playwright.sync_api import expect, sync_playwright
    # An assertion waits as long as an action does (20 s, the pages' timeout below), not Playwright's
    # 5 s: on a loaded 2-core machine saving and checking a draft has taken longer than 5 s
    # (the authoring journey failed so once, its status still "正在保存并检查……"). What each
    # assertion expects is unchanged; only how long the page may take to show it.
    expect.set_options(timeout=20_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A page the size of a phone screen, in Chinese."""
    context = browser.new_context(viewport={"width": 412, "height": 860}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    """A page the size of an office computer's screen, in Chinese."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def screenshots(request):
    folder = SCREENSHOTS / request.node.name.replace("[", "-").rstrip("]")
    folder.mkdir(parents=True, exist_ok=True)
    empty(folder)
    return folder

"""Web pages: CSRF on every form, the session cookie's flags, logout, login throttling, scope (another
village's matter is a 404 page), the conflict page, and evidence served only as downloads."""
from __future__ import annotations

import io

import pytest

from api import create_app
from api.web.security import persisted_secret_key
from engine.identity import Grant
from engine.services import Actor, Context, identity, matters
from engine.settings import Settings
from tests.browser.web import WebClient, assert_no_trace

from .conftest import make_user

# Every test's `ctx` holds the demo's users (tests/conftest.py).
pytestmark = pytest.mark.demo_users

SYSTEM = Actor.system()
PDF = b"%PDF-1.4\n%%EOF\n"
PROJECT = {"project_name": "通组道路硬化", "summary": "硬化通组道路1.2公里", "amount": 80000,
           "funding_source": "higher_level", "industry_dept": "transport"}
VOTE = {"data.council_members": "25", "data.council_attendees": "21", "data.council_for": "18",
        "data.council_minutes": "议事会表决记录"}


@pytest.fixture
def app(ctx):
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)


def logged_in(app, username: str) -> WebClient:
    web = WebClient(app)
    assert web.login(username).status_code == 302
    return web


def start_project(ctx, village="lushui_village") -> dict:
    starter = Actor("starter", frozenset({Grant("TWO_COMMITTEES", village)}))
    return matters.start_matter(ctx, starter, "village_project", village, "通组道路硬化", PROJECT)


def with_file(data: dict, field: str, name: str = "签到表.pdf") -> dict:
    return {**data, f"data.{field}": (io.BytesIO(PDF), name)}


def test_every_form_refuses_a_post_without_its_csrf_token(ctx, app):
    web = logged_in(app, "two_committees.lushui_village")
    matter = start_project(ctx)
    task = matter.ready_steps[0].id
    for url in ["/login", "/logout", "/start/village_project", f"/tasks/{task}", f"/tasks/{task}/claim",
                f"/tasks/{task}/release", f"/matters/{matter.id}/cancel"]:
        response = web.post(url, {"subject": "x", "reason": "x"}, csrf=False)
        assert response.status_code == 400, url
        assert "页面已过期" in response.get_data(as_text=True), url
        assert_no_trace(response)
    forged = web.post("/start/village_project", {"subject": "x", "csrf_token": "forged"}, csrf=False)
    assert forged.status_code == 400
    assert web.get("/tasks").status_code == 200                # still logged in: logout was refused too
    assert matters.list_matters(ctx, SYSTEM, {}, 1, 10)[1] == 1


def test_the_session_cookie_is_httponly_and_samesite(app):
    web = WebClient(app)
    web.get("/login")
    cookie = web.post("/login", {"username": "two_committees.lushui_village", "password": "xiaowei-demo"}).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie                              # testing settings: plain http on 127.0.0.1


@pytest.mark.parametrize("config, env", [({}, None), ({"TESTING": True}, "production")])
def test_production_settings_make_the_cookie_secure(ctx, config, env, tmp_path):
    production = Context(ctx.database, ctx.settings.replace(env=env, data_dir=tmp_path, secret_key=None))
    app = create_app(config, context=production)
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text().strip()
    web = WebClient(app)
    web.get("/login")
    cookie = web.post("/login", {"username": "two_committees.lushui_village", "password": "xiaowei-demo"}).headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_settings_allow_plain_http(ctx):
    development = Context(ctx.database, ctx.settings.replace(env="development"))
    assert create_app({"SECRET_KEY": "k"}, context=development).config["SESSION_COOKIE_SECURE"] is False


def test_the_secret_key_comes_from_the_settings_or_one_shared_file(ctx, tmp_path):
    keyed = Context(ctx.database, ctx.settings.replace(secret_key="from-the-environment"))
    assert create_app({"TESTING": True}, context=keyed).config["SECRET_KEY"] == "from-the-environment"
    assert Settings.from_env({"XIAOWEI_SECRET_KEY": "from-the-environment"}).secret_key == "from-the-environment"
    first, second = persisted_secret_key(tmp_path / "data"), persisted_secret_key(tmp_path / "data")
    assert first == second and len(first) == 64                # every worker reads the same key
    assert oct((tmp_path / "data" / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["secret_key"]   # no temporary file left


def test_logout_revokes_the_token(app):
    web = logged_in(app, "two_committees.lushui_village")
    stolen = web.client.get_cookie("xiaowei_session").value
    assert web.post("/logout").headers["Location"] == "/login"
    assert web.get("/tasks").status_code == 302
    replay = WebClient(app)
    replay.client.set_cookie("xiaowei_session", stolen)
    assert replay.get("/tasks").headers["Location"].startswith("/login")   # the old cookie's token is revoked


def test_a_wrong_password_and_then_throttling_are_told_in_chinese(app):
    web = WebClient(app)
    web.get("/login")
    wrong = web.post("/login", {"username": "two_committees.lushui_village", "password": "nope"})
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    assert 'value="two_committees.lushui_village"' in wrong.get_data(as_text=True)   # the name is kept
    for _ in range(5):
        response = web.post("/login", {"username": "two_committees.lushui_village", "password": "nope"})
    assert response.status_code == 429 and "登录失败次数过多" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_login_only_redirects_within_the_site(app):
    web = WebClient(app)
    web.get("/login")
    for target, expected in [("/matters/1", "/matters/1"), ("//evil.example/x", "/tasks"),
                             ("https://evil.example/", "/tasks"), ("/\\evil.example", "/tasks")]:
        web.client.delete_cookie("xiaowei_session")
        web.get("/login")
        response = web.post("/login", {"username": "two_committees.lushui_village", "password": "xiaowei-demo",
                                       "next": target})
        assert response.headers["Location"] == expected, target


def test_another_villages_matter_is_a_not_found_page(ctx, app):
    matter = start_project(ctx)
    task = matter.ready_steps[0].id
    web = logged_in(app, "two_committees.hongqi_village")          # another township's village
    for url in [f"/matters/{matter.id}", f"/tasks/{task}", f"/matters/{matter.id}/flowchart.svg"]:
        response = web.get(url)
        assert response.status_code == 404, url
        text = response.get_data(as_text=True)
        assert "找不到" in text and "通组道路硬化" not in text
    refused = web.post(f"/tasks/{task}", VOTE)
    assert refused.status_code == 404
    neighbour = logged_in(app, "two_committees.taohua_village")    # same township, another village
    assert neighbour.get(f"/matters/{matter.id}").status_code == 404


def test_a_step_completed_by_someone_else_first_shows_the_conflict_page(ctx, app):
    make_user(ctx, "second_councillor", ["VILLAGER_COUNCIL"])
    matter = start_project(ctx)
    task = matter.ready_steps[0].id
    first, second = logged_in(app, "villager_council.lushui_village"), WebClient(app)
    second.login("second_councillor", "correct-horse-battery")
    assert second.get(f"/tasks/{task}").status_code == 200             # both have the form open
    done = first.post(f"/tasks/{task}", with_file(VOTE, "council_ballots_file"))
    assert done.status_code == 302 and done.headers["Location"] == f"/matters/{matter.id}"
    late = second.post(f"/tasks/{task}", with_file(VOTE, "council_ballots_file"))
    assert late.status_code == 409
    text = late.get_data(as_text=True)
    first_name = identity.display_names(ctx, ["villager_council.lushui_village"])["villager_council.lushui_village"]
    assert "办理冲突" in text and f"已由 {first_name} 办理" in text
    assert_no_trace(late)


def test_evidence_is_served_as_a_download_never_as_a_page(ctx, app):
    matter = start_project(ctx)
    task = matter.ready_steps[0].id
    web = logged_in(app, "villager_council.lushui_village")
    web.post(f"/tasks/{task}", with_file(VOTE, "council_ballots_file", "签到表及表决票.pdf"))
    attachment = matters.get_matter(ctx, SYSTEM, matter.id).attachments[0]
    response = web.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.mimetype == "application/pdf"


def test_a_page_is_refused_to_a_frame_and_to_shared_caches(app):
    response = logged_in(app, "two_committees.lushui_village").get("/tasks")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"

"""Issue 9 item 7: login throttling that cannot be used to lock people out. Failures are counted per
(user name, client address) and per address across names (password spraying); the right password
from another address still works; the window and the limits are settings; expired counters do not
pile up. Nothing else changes: matters, parameters and the audit chain."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from api import create_app
from engine import clock
from engine.services import Context
from engine.services.demo import DEMO_PASSWORD
from engine.store.models import LoginThrottle
from tests.browser.web import WebClient

from .conftest import ADMIN, CLERK, COUNCIL, api, assert_error_shape, assert_unchanged, snapshot

OFFICE, STRANGER, ELSEWHERE = "10.0.0.5", "203.0.113.9", "198.51.100.7"


def login(client, username: str, password: str, address: str):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def with_settings(app, **changes):
    """The same database under other settings (limits, window, proxies)."""
    ctx = app.extensions["xiaowei"]
    other = Context(ctx.database, ctx.settings.replace(**changes))
    return create_app({"TESTING": True, "SECRET_KEY": "hostile-test-secret"}, context=other)


def throttle_rows(ctx) -> int:
    with ctx.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(LoginThrottle))


def test_a_stranger_guessing_a_name_does_not_lock_its_owner_out(app, matter):
    ctx, before, anonymous = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"]), api(app)
    for _ in range(ctx.settings.login_failures_per_user):
        assert_error_shape(login(anonymous, CLERK, "guess", STRANGER), 401)
    refused = assert_error_shape(login(anonymous, CLERK, DEMO_PASSWORD, STRANGER), 429)   # even the right one
    assert "分钟后再试" in refused["message"]
    assert login(anonymous, CLERK, DEMO_PASSWORD, OFFICE).status_code == 201              # the owner, at work
    assert_unchanged(ctx, before)


def test_password_spraying_from_one_address_is_stopped_across_names(app):
    spraying = with_settings(app, login_failures_per_address=4)
    ctx, anonymous = spraying.extensions["xiaowei"], api(spraying)
    before = snapshot(ctx)
    for name in ("a.lushui_village", "b.lushui_village", ADMIN, "c.lushui_village"):   # one try per name
        assert_error_shape(login(anonymous, name, "Spring2026!", STRANGER), 401)
    assert_error_shape(login(anonymous, COUNCIL, DEMO_PASSWORD, STRANGER), 429)       # that address, any name
    assert login(anonymous, COUNCIL, DEMO_PASSWORD, OFFICE).status_code == 201
    assert_unchanged(ctx, before)


def test_a_successful_login_does_not_reset_the_addresss_count(app):
    spraying = with_settings(app, login_failures_per_address=3)
    anonymous = api(spraying)
    for name in ("a.lushui_village", "b.lushui_village"):
        login(anonymous, name, "guess", STRANGER)
    assert login(anonymous, COUNCIL, DEMO_PASSWORD, STRANGER).status_code == 201     # the sprayer's own account
    login(anonymous, "c.lushui_village", "guess", STRANGER)
    assert_error_shape(login(anonymous, ADMIN, DEMO_PASSWORD, STRANGER), 429)


def test_the_window_is_a_setting(app):
    short = with_settings(app, login_window=timedelta(minutes=2), login_failures_per_user=2)
    anonymous = api(short)
    for _ in range(2):
        login(anonymous, CLERK, "guess", STRANGER)
    refused = login(anonymous, CLERK, DEMO_PASSWORD, STRANGER)
    assert_error_shape(refused, 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 121
    later = datetime.now(timezone.utc) + timedelta(minutes=2, seconds=1)
    with clock.use_clock(clock.FixedClock(later)):
        assert login(anonymous, CLERK, DEMO_PASSWORD, STRANGER).status_code == 201


def test_counters_of_ended_windows_are_pruned(app):
    ctx, anonymous = app.extensions["xiaowei"], api(app)
    for n in range(6):                                     # names nobody has, each tried once
        login(anonymous, f"nobody{n}", "guess", STRANGER)
    assert throttle_rows(ctx) == 6 + 1                     # one per name, one for the address
    later = datetime.now(timezone.utc) + ctx.settings.login_window + timedelta(seconds=1)
    with clock.use_clock(clock.FixedClock(later)):
        login(anonymous, "nobody_else", "guess", ELSEWHERE)
    assert throttle_rows(ctx) == 2                         # only the new failure's two counters


def test_the_web_login_page_counts_per_address_too(app):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    stranger, owner = WebClient(app), WebClient(app)
    stranger.get("/login", environ_base={"REMOTE_ADDR": STRANGER})
    for _ in range(ctx.settings.login_failures_per_user):
        stranger.post("/login", {"username": CLERK, "password": "guess"}, environ_base={"REMOTE_ADDR": STRANGER})
    refused = stranger.post("/login", {"username": CLERK, "password": DEMO_PASSWORD},
                            environ_base={"REMOTE_ADDR": STRANGER})
    assert refused.status_code == 429 and "登录失败次数过多" in refused.get_data(as_text=True)
    owner.get("/login", environ_base={"REMOTE_ADDR": OFFICE})
    welcomed = owner.post("/login", {"username": CLERK, "password": DEMO_PASSWORD, "next": "/tasks"},
                          environ_base={"REMOTE_ADDR": OFFICE})
    assert welcomed.status_code == 302 and welcomed.headers["Location"] == "/tasks"
    assert_unchanged(ctx, before)


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(app):
    proxied = with_settings(app, trusted_proxies=1, login_failures_per_user=2)
    anonymous = api(proxied)

    def via_proxy(password: str, client_address: str):
        return anonymous.post("/api/v1/auth/token", json={"username": CLERK, "password": password},
                              headers={"X-Forwarded-For": client_address}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    for _ in range(2):
        via_proxy("guess", STRANGER)
    assert via_proxy(DEMO_PASSWORD, STRANGER).status_code == 429
    assert via_proxy(DEMO_PASSWORD, OFFICE).status_code == 201


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(app):
    anonymous, limit = api(app), app.extensions["xiaowei"].settings.login_failures_per_user
    for n in range(limit):
        anonymous.post("/api/v1/auth/token", json={"username": CLERK, "password": "guess"},
                       headers={"X-Forwarded-For": f"192.0.2.{n}"}, environ_base={"REMOTE_ADDR": STRANGER})
    forged = anonymous.post("/api/v1/auth/token", json={"username": CLERK, "password": DEMO_PASSWORD},
                            headers={"X-Forwarded-For": "192.0.2.200"}, environ_base={"REMOTE_ADDR": STRANGER})
    assert forged.status_code == 429

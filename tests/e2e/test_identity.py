"""Login, tokens, throttling, scope isolation, claims and administration over HTTP."""
from datetime import datetime, timedelta, timezone

from engine import clock
from engine.services import Actor, identity, matters

from .conftest import PASSWORD, ApiClient, make_user

PROPOSE = {"proposal": "修路", "matter_source": "cadre_proposal", "meeting_type": "REP"}


def login(client, username, password=PASSWORD):
    return client.anonymous().post("/api/v1/auth/token", json={"username": username, "password": password})


def test_login_gives_a_token_that_works_until_it_expires(client):
    make_user(client.ctx, "li", ["PARTY_BRANCH"])
    r = login(client, "li")
    assert r.status_code == 201 and r.json["token_type"] == "Bearer"
    li = ApiClient(client.app, client.ctx, r.json["token"])
    assert li.get("/api/v1/processes").status_code == 200
    later = datetime.fromisoformat(r.json["expires_at"]) + timedelta(seconds=1)
    with clock.use_clock(clock.FixedClock(later)):
        expired = li.get("/api/v1/processes")
    assert expired.status_code == 401 and expired.headers["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_stops_working(client):
    assert client.delete("/api/v1/auth/token").status_code == 204
    assert client.get("/api/v1/processes").status_code == 401


def test_bad_logins_and_throttling(client):
    make_user(client.ctx, "wang", ["PARTY_BRANCH"])
    assert login(client, "wang", "wrong-password").status_code == 401
    assert login(client, "nobody", "whatever-password").status_code == 401
    for _ in range(4):
        login(client, "wang", "wrong-password")
    throttled = login(client, "wang")                      # even the right password, for a while
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    later = datetime.now(timezone.utc) + timedelta(minutes=16)
    with clock.use_clock(clock.FixedClock(later)):
        assert login(client, "wang").status_code == 201
    assert client.anonymous().get("/api/v1/processes").status_code == 401
    assert client.anonymous().get("/api/v1/processes", headers={"Authorization": "Bearer forged"}).status_code == 401


def test_a_clerk_of_one_village_cannot_see_list_or_act_on_another_villages_matters(client):
    ctx = client.ctx
    theirs = matters.start_matter(ctx, Actor.system(), "major_decision", "hongqi_village", "红旗村修路", {"summary": "x"})
    ours = matters.start_matter(ctx, Actor.system(), "major_decision", "lushui_village", "绿水村修路", {"summary": "x"})
    clerk = client.as_user("lushui_clerk", ["PARTY_BRANCH", "TWO_COMMITTEES"])
    assert [m["id"] for m in clerk.get("/api/v1/instances").json] == [ours.id]
    assert [t["instance_id"] for t in clerk.get("/api/v1/tasks").json] == [ours.id]
    assert clerk.get(f"/api/v1/instances/{theirs.id}").status_code == 404
    assert clerk.get(f"/api/v1/instances/{theirs.id}/history").status_code == 404
    task = theirs.ready_steps[0].id
    assert clerk.get(f"/api/v1/tasks/{task}").status_code == 404
    assert clerk.post(f"/api/v1/tasks/{task}/complete", json={"data": PROPOSE}).status_code == 404
    township = client.as_user("qingshan_discipline", ["TOWNSHIP_DISCIPLINE"])    # supervisor of 青山镇
    assert {m["id"] for m in township.get("/api/v1/instances").json} == {ours.id}
    county = client.as_user("county_discipline", ["COUNTY_DISCIPLINE"])
    assert {m["id"] for m in county.get("/api/v1/instances").json} == {ours.id, theirs.id}
    assert county.post(f"/api/v1/tasks/{task}/complete", json={"data": PROPOSE}).status_code == 403


def test_claim_release_and_reassign(client):
    ctx = client.ctx
    m = matters.start_matter(ctx, Actor.system(), "major_decision", "lushui_village", "修路", {"summary": "x"})
    task = m.ready_steps[0].id
    a, b = client.as_user("branch_a", ["PARTY_BRANCH"]), client.as_user("branch_b", ["PARTY_BRANCH"])
    assert a.post(f"/api/v1/tasks/{task}/claim").json["claimed_by"] == "branch_a"
    assert b.get(f"/api/v1/tasks/{task}").json["claimed_by"] == "branch_a"        # others see who holds it
    assert b.post(f"/api/v1/tasks/{task}/claim").status_code == 409
    assert b.post(f"/api/v1/tasks/{task}/complete", json={"data": PROPOSE}).status_code == 409
    assert b.post(f"/api/v1/tasks/{task}/release").status_code == 409
    reassign = {"username": "branch_b", "reason": "branch_a 外出"}
    assert a.post(f"/api/v1/tasks/{task}/reassign", json=reassign).status_code == 403
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    assert admin.post(f"/api/v1/tasks/{task}/reassign", json={"username": "nobody", "reason": "x"}).status_code == 422
    assert admin.post(f"/api/v1/tasks/{task}/reassign", json=reassign).json["claimed_by"] == "branch_b"
    assert b.post(f"/api/v1/tasks/{task}/complete", json={"data": PROPOSE}).status_code == 200
    events = [e["event"] for e in client.get(f"/api/v1/instances/{m.id}/history").json]
    assert events[:4] == ["matter_started", "step_claimed", "step_reassigned", "step_completed"]


def test_administrators_manage_users_and_roles_in_their_scope(client):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    new = {"username": "zhao", "display_name": "赵六", "password": "long-enough-pw"}
    assert admin.post("/api/v1/users", json=new).status_code == 201
    assert admin.post("/api/v1/users", json={**new, "password": "short"}).status_code == 422
    grant = {"role": "SUPERVISION_COMMITTEE", "org": "lushui_village"}
    assert admin.post("/api/v1/users/zhao/grants", json=grant).json["grants"] == [grant]
    assert admin.post("/api/v1/users/zhao/grants", json={"role": "SUPERVISION_COMMITTEE", "org": "hongqi_village"}).status_code == 403
    assert admin.post("/api/v1/users/zhao/grants", json={"role": "TOWNSHIP_DISCIPLINE", "org": "lushui_village"}).status_code == 422
    assert "zhao" in [u["username"] for u in admin.get("/api/v1/users").json]
    clerk = client.as_user("plain_clerk", ["PARTY_BRANCH"])
    assert clerk.post("/api/v1/users", json={**new, "username": "qian"}).status_code == 403
    assert admin.delete("/api/v1/users/zhao/grants", json=grant).json["grants"] == []
    with client.ctx.uow() as uow:
        kinds = {e.event for e in uow.audit.all_in_order()}
    assert {"user_created", "role_granted", "role_revoked", "access_refused"} <= kinds


def test_demo_seeds_a_user_per_role_per_unit(ctx):
    from engine.services.demo import DEMO_PASSWORD, seed_demo
    made = seed_demo(ctx, Actor.system()).users
    village_roles = [r for r in ctx.roles.values() if r.level == "village"]
    assert "supervision_committee.lushui_village" in made and "township_discipline.baiyun_town" in made
    assert sum(name.endswith(".hongqi_village") for name in made) == len(village_roles)
    assert identity.login(ctx, "county_admin.demo_county", DEMO_PASSWORD).token


def _token_reads(database):
    """Count the statements that read api_tokens from now on."""
    from sqlalchemy import event
    seen = []
    event.listen(database.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: seen.append(1) if "FROM api_tokens" in statement else None)
    return seen


def test_a_known_token_is_verified_without_reading_the_database(client):
    """The hot path (issue 17): once a token was looked up, its requests in this process within
    the cache time ask the database nothing about who is calling."""
    assert client.get("/api/v1/processes").status_code == 200
    reads = _token_reads(client.ctx.database)
    for _ in range(3):
        assert client.get("/api/v1/processes").status_code == 200
    assert reads == []


def test_logging_out_and_changing_roles_take_effect_at_once_despite_the_cache(client):
    from engine.identity import Grant
    make_user(client.ctx, "zhao", ["PARTY_BRANCH"])
    token = login(client, "zhao").json["token"]
    committee = Grant("VILLAGE_COMMITTEE", "lushui_village")
    assert committee not in identity.actor_for_token(client.ctx, token).grants          # now cached
    identity.grant_role(client.ctx, Actor.system(), "zhao", "VILLAGE_COMMITTEE", "lushui_village")
    assert committee in identity.actor_for_token(client.ctx, token).grants
    identity.revoke_role(client.ctx, Actor.system(), "zhao", "VILLAGE_COMMITTEE", "lushui_village")
    assert committee not in identity.actor_for_token(client.ctx, token).grants
    zhao = ApiClient(client.app, client.ctx, token)
    assert zhao.get("/api/v1/processes").status_code == 200
    assert zhao.delete("/api/v1/auth/token").status_code == 204
    assert zhao.get("/api/v1/processes").status_code == 401


def test_a_cached_token_still_expires_on_time(client):
    r = login(client, "zhangsan")
    li = ApiClient(client.app, client.ctx, r.json["token"])
    assert li.get("/api/v1/processes").status_code == 200                          # cached
    later = datetime.fromisoformat(r.json["expires_at"]) + timedelta(seconds=1)
    with clock.use_clock(clock.FixedClock(later)):
        assert li.get("/api/v1/processes").status_code == 401


def test_another_process_revoking_a_token_is_seen_within_the_cache_time(ctx, monkeypatch):
    """A revocation made by another process (here: written to the database directly) reaches
    this one when its cached entry ages out, after token_cache_seconds. The cache's clock is moved
    on by hand: on a loaded machine the revoking write alone has taken longer than a short cache time."""
    import time

    from api import create_app
    from engine.store.models import ApiToken
    short = ctx.__class__(ctx.database, ctx.settings.replace(token_cache_seconds=30))
    app = create_app({"TESTING": True}, context=short)
    sun = ApiClient(app, short, make_user(short, "sun", ["PARTY_BRANCH"]))
    assert sun.get("/api/v1/processes").status_code == 200
    with short.uow() as uow:
        for row in uow.session.query(ApiToken).all():
            row.revoked_at = clock.now()
        uow.commit()
    assert sun.get("/api/v1/processes").status_code == 200        # within the cache time: still known

    class ThirtySecondsLater:
        @staticmethod
        def monotonic() -> float:
            return time.monotonic() + 30.1
    monkeypatch.setattr("engine.services.identity.time", ThirtySecondsLater)
    assert sun.get("/api/v1/processes").status_code == 401

"""Every role x every endpoint x (in scope, out of scope) -> the expected status.

Generated from data: the role registry (codes and levels) and the policy of each endpoint below;
nothing is listed by hand per role. "In scope" users hold their role in the unit of its level
above 绿水村 (the village, its township 青山镇, the county); "out of scope" users hold it above
红旗村 in 白云镇. County roles reach every village, so they have no out-of-scope case.
"""
import pytest

from api import create_app
from engine.identity import ADMIN_ROLES, SUPERVISOR_ROLES
from engine.registry import load_roles
from engine.vocabulary import HANDLER_ROLES
from tests.settings import TEST_SETTINGS
from engine.services import Actor, Context, matters
from engine.services.context import DEFAULT_PROCESSES_DIR
from engine.services.definitions import sync_definitions
from engine.services.demo import seed_demo
from engine.store import Database

from .conftest import ApiClient, make_user

ROLES = {code: role for code, role in load_roles(DEFAULT_PROCESSES_DIR).items() if role.level != "system"}
HOME, AWAY = "lushui_village", "hongqi_village"
STEP_ROLE = "PARTY_BRANCH"          # the first step of 四议两公开
PROPOSE = {"proposal": "修路", "matter_source": "cadre_proposal", "meeting_type": "REP"}


def in_scope(role, scope):
    return scope == "in" or ROLES[role].level == "county"


# policy name -> expected status for (role, scope)
POLICIES = {
    "authenticated": lambda role, scope: 200,
    "reach": lambda role, scope: 200 if in_scope(role, scope) else 404,
    "step_role": lambda role, scope: (200 if role == STEP_ROLE else 403) if in_scope(role, scope) else 404,
    "start_role": lambda role, scope: (201 if role == STEP_ROLE else 403) if in_scope(role, scope) else 422,
    "admin": lambda role, scope: (200 if role in ADMIN_ROLES else 403) if in_scope(role, scope) else 404,
    "admin_of_township": lambda role, scope: 200 if role in ADMIN_ROLES and in_scope(role, scope) else 403,
    "admin_of_township_adds": lambda role, scope: 201 if role in ADMIN_ROLES and in_scope(role, scope) else 403,
    "supervisor_or_admin": lambda role, scope: 200 if role in SUPERVISOR_ROLES + ADMIN_ROLES else 403,
    # and the bodies answering for a unit (村民委员会, 乡镇人民政府...): the warnings assigned to it
    "warning_readers": lambda role, scope: 200 if role in SUPERVISOR_ROLES + ADMIN_ROLES + tuple(HANDLER_ROLES.values())
    else 403,
}
# endpoint name -> (method, path template, body, policy)
ENDPOINTS = {
    "catalogue": ("get", "/api/v1/processes", None, "authenticated"),
    "item": ("get", "/api/v1/processes/major_decision", None, "authenticated"),
    "roles": ("get", "/api/v1/roles", None, "authenticated"),
    "start matter": ("post", "/api/v1/instances", {"process_key": "major_decision", "village": HOME,
                                                   "subject": "修路", "data": {"summary": "修路"}}, "start_role"),
    "read matter": ("get", "/api/v1/instances/{id}", None, "reach"),
    "history": ("get", "/api/v1/instances/{id}/history", None, "reach"),
    "matter flowchart": ("get", "/api/v1/instances/{id}/flowchart.svg", None, "reach"),
    "read step": ("get", "/api/v1/tasks/{task}", None, "reach"),
    "complete step": ("post", "/api/v1/tasks/{task}/complete", {"data": PROPOSE}, "step_role"),
    "claim step": ("post", "/api/v1/tasks/{task}/claim", None, "step_role"),
    "cancel matter": ("post", "/api/v1/instances/{id}/cancel", {"reason": "测试"}, "admin"),
    "set parameter": ("put", "/api/v1/townships/qingshan_town/parameters/party_notice_days", {"value": 4},
                      "admin_of_township"),
    "declare parameter": ("post", "/api/v1/townships/qingshan_town/parameters",
                          {"name": "tea_review_days_{id}", "label": "茶园评审天数", "type": "integer", "min": 1,
                           "max": 30, "value": 5, "unit": "天"}, "admin_of_township_adds"),
    "declare role": ("post", "/api/v1/townships/qingshan_town/roles",
                     {"code": "TEA_OFFICE_{id}", "name": "茶叶办公室{id}", "level": "township"}, "admin_of_township_adds"),
    "verify audit chain": ("get", "/api/v1/audit/verify", None, "supervisor_or_admin"),
    "list warnings": ("get", "/api/v1/warnings", None, "warning_readers"),
    "statistics": ("get", "/api/v1/statistics?period=year&year=2026", None, "supervisor_or_admin"),
}
CASES = [(role, scope, endpoint) for role in sorted(ROLES) for scope in ("in", "out")
         for endpoint in ENDPOINTS if scope == "in" or ROLES[role].level != "county"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One database and one user per role and scope for the whole matrix (SQLite: the checks
    are in the services, the same on both backends)."""
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'matrix.sqlite3'}")
    database.upgrade()
    ctx = Context(database, TEST_SETTINGS)
    sync_definitions(ctx)
    seed_demo(ctx, Actor.system(), with_users=False)
    app = create_app({"TESTING": True}, context=ctx)
    tokens = {(role, scope): make_user(ctx, f"{role.lower()}.{scope}", [role], HOME if scope == "in" else AWAY)
              for role, scope, _ in CASES}
    yield ctx, app, tokens
    database.dispose()


@pytest.mark.parametrize("role, scope, endpoint", CASES, ids=lambda v: str(v))
def test_matrix(world, role, scope, endpoint):
    ctx, app, tokens = world
    method, path, body, policy = ENDPOINTS[endpoint]
    caller = ApiClient(app, ctx, tokens[(role, scope)])
    matter = matters.start_matter(ctx, Actor.system(), "major_decision", HOME, "授权矩阵", {"summary": "测试"})
    url = path.format(id=matter.id, task=matter.ready_steps[0].id)
    if body is not None:        # a name that must be new each time carries the matter's id
        body = {k: v.format(id=matter.id) if isinstance(v, str) else v for k, v in body.items()}
    response = getattr(caller, method)(url, **({"json": body} if body is not None else {}))
    expected = POLICIES[policy](role, scope)
    assert response.status_code == expected, (role, scope, endpoint, response.get_json(silent=True))


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_every_refused_act_is_on_record(client, ctx):
    caller = ApiClient(client.app, ctx, make_user(ctx, "outsider", ["PARTY_BRANCH"], AWAY))
    matter = matters.start_matter(ctx, Actor.system(), "major_decision", HOME, "记录", {"summary": "x"})
    task = matter.ready_steps[0].id
    assert caller.post(f"/api/v1/tasks/{task}/complete", json={"data": PROPOSE}).status_code == 404
    assert caller.post(f"/api/v1/instances/{matter.id}/cancel", json={"reason": "x"}).status_code == 404
    with ctx.uow() as uow:
        refused = [(e.actor, e.payload["action"]) for e in uow.audit.all_in_order() if e.event == "access_refused"]
    assert refused == [("outsider", "complete_step"), ("outsider", "cancel_matter")]

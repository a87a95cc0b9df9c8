"""The rules of the services that set up a county, with no database: organisation units, township
parameters and roles, the working-day calendar, users and grants, run on the fake unit of work
(tests/fakes.py) over the state the `ctx` fixture promises (the power list, the demo county's units).

Each refusal is checked for its Chinese message, for what the audit log got (a permission refusal
is recorded as `access_refused`, any other refusal records nothing) and for nothing saved.

The same tests run on the real store (SQLite, PostgreSQL) in tests/integration/test_service_rules_on_the_store.py:
written once, they hold on both, and the fakes' own honesty is tests/integration/test_repository_contract.py."""
from __future__ import annotations

import dataclasses

import pytest

from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.identity import Grant
from engine.services import Actor, calendar, identity, orgs, parameters, registry

SYSTEM = Actor.system()


def person(name: str, *grants: tuple[str, str]) -> Actor:
    return Actor(name, frozenset(Grant(role, org) for role, org in grants))


COUNTY_ADMIN = person("county_admin", ("COUNTY_ADMIN", "demo_county"))
QINGSHAN_ADMIN = person("qingshan_admin", ("TOWNSHIP_ADMIN", "qingshan_town"))
BAIYUN_ADMIN = person("baiyun_admin", ("TOWNSHIP_ADMIN", "baiyun_town"))
CLERK = person("clerk", ("VILLAGE_COMMITTEE", "lushui_village"), ("SUPERVISION_COMMITTEE", "lushui_village"))


@pytest.fixture
def ctx(fake_ctx):
    """The fake context (tests/conftest.py `fake_ctx`); the store's twin of this module takes the real one."""
    return fake_ctx


def audit_mark(ctx) -> int:
    with ctx.uow(readonly=True) as uow:
        head = uow.audit.head()
        return head.seq if head else 0


def audited_since(ctx, mark: int) -> list[tuple[str, str, dict]]:
    with ctx.uow(readonly=True) as uow:
        return [(e.event, e.actor, e.payload) for e in uow.audit.all_in_order(after=mark)]


def refused(ctx, error, service, actor, *args, **kwargs):
    """Call a service expecting `error`; returns the error and the events audited meanwhile."""
    mark = audit_mark(ctx)
    with pytest.raises(error) as caught:
        service(ctx, actor, *args, **kwargs)
    return caught.value, audited_since(ctx, mark)


def access_refused(actor: Actor, action: str, reason: str, *arguments) -> tuple:
    return ("access_refused", actor.name, {"action": action, "reason": reason, "arguments": list(arguments)})


def values(ctx, township: str | None) -> dict:
    return {p.name: p.value for p in parameters.list_parameters(ctx, SYSTEM, township)}


# --- township parameters (engine/services/parameters.py) ---

def test_a_township_sets_a_parameter_within_its_bounds_for_itself_only(ctx):
    mark = audit_mark(ctx)
    views = parameters.set_township_parameter(ctx, QINGSHAN_ADMIN, "qingshan_town", "party_notice_days", 5)
    view = next(v for v in views if v.name == "party_notice_days")
    assert (view.value, view.default, view.min, view.max, view.township) == (5, 3, 1, 90, None)
    assert values(ctx, "qingshan_town")["party_notice_days"] == 5
    assert values(ctx, "baiyun_town")["party_notice_days"] == 3 and values(ctx, None)["party_notice_days"] == 3
    assert audited_since(ctx, mark) == [("parameter_changed", "qingshan_admin",
                                         {"township": "qingshan_town", "name": "party_notice_days", "value": 5})]
    parameters.set_township_parameter(ctx, COUNTY_ADMIN, "qingshan_town", "party_notice_days", 6.0)   # from above
    assert values(ctx, "qingshan_town")["party_notice_days"] == 6


@pytest.mark.parametrize("name, value, problem", [
    ("party_notice_days", 0, "不能低于下限 1天"),
    ("party_notice_days", 91, "不能高于上限 90天"),
    ("party_notice_days", 2.5, "应为整数"),
    ("party_notice_days", float("nan"), "应为有限的数字"),
    ("party_notice_days", "5", "应为有限的数字"),
    ("party_quorum", "1/2", "不能低于法定下限 2/3"),
    ("party_quorum", "二分之一", "应为 0 到 1 之间的分数，如 \"2/3\""),
])
def test_a_value_outside_the_bounds_is_refused_naming_them_and_nothing_is_saved(ctx, name, value, problem):
    before = values(ctx, "qingshan_town")
    error, events = refused(ctx, InvalidData, parameters.set_township_parameter, QINGSHAN_ADMIN, "qingshan_town",
                            name, value)
    assert error.message.startswith("参数 ") and error.message.endswith(" 的值不合规")
    assert error.errors == {name: problem}
    assert events == [] and values(ctx, "qingshan_town") == before


@pytest.mark.parametrize("actor", [CLERK, BAIYUN_ADMIN, person("lushui_admin", ("TOWNSHIP_ADMIN", "lushui_village"))])
def test_only_an_administrator_of_the_township_or_above_sets_its_parameters(ctx, actor):
    error, events = refused(ctx, Forbidden, parameters.set_township_parameter, actor, "qingshan_town",
                            "result_publicity_days", 8)
    assert error.message == "修改乡镇参数需要本单位或上级的管理员"
    assert events == [access_refused(actor, "set_township_parameter", error.message,
                                     "qingshan_town", "result_publicity_days", "8")]
    assert values(ctx, "qingshan_town")["result_publicity_days"] == 10          # the demo's value, kept


@pytest.mark.parametrize("township, name, message", [
    ("lushui_village", "party_notice_days", "没有乡镇 lushui_village"),
    ("demo_county", "party_notice_days", "没有乡镇 demo_county"),
    ("nowhere_town", "party_notice_days", "没有乡镇 nowhere_town"),
    ("qingshan_town", "no_such_parameter", "没有参数 no_such_parameter"),
])
def test_a_parameter_is_set_for_a_known_parameter_of_a_township_only(ctx, township, name, message):
    error, events = refused(ctx, NotFound, parameters.set_township_parameter, SYSTEM, township, name, 5)
    assert error.message == message and events == []


def test_a_township_declares_its_own_parameter_and_sets_it_within_its_bounds(ctx):
    mark = audit_mark(ctx)
    view = parameters.define_township_parameter(ctx, QINGSHAN_ADMIN, "qingshan_town", "agri_visit_days", " 走访天数 ",
                                                "integer", 1, 30, 7, unit="天")
    assert dataclasses.asdict(view) == {"name": "agri_visit_days", "label": "走访天数", "value": 7, "default": 7, "type": "integer",
                    "min": 1, "max": 30, "unit": "天", "township": "qingshan_town", "pattern": None}
    assert values(ctx, "qingshan_town")["agri_visit_days"] == 7 and "agri_visit_days" not in values(ctx, "baiyun_town")
    parameters.set_township_parameter(ctx, QINGSHAN_ADMIN, "qingshan_town", "agri_visit_days", 12)
    assert values(ctx, "qingshan_town")["agri_visit_days"] == 12
    error, _ = refused(ctx, InvalidData, parameters.set_township_parameter, QINGSHAN_ADMIN, "qingshan_town",
                       "agri_visit_days", 31)
    assert error.errors == {"agri_visit_days": "不能高于上限 30天"}
    assert [event for event, _, _ in audited_since(ctx, mark)] == ["parameter_defined", "parameter_changed"]
    error, _ = refused(ctx, NotFound, parameters.set_township_parameter, BAIYUN_ADMIN, "baiyun_town",
                       "agri_visit_days", 12)
    assert error.message == "没有参数 agri_visit_days"


@pytest.mark.parametrize("name, message", [
    ("party_quorum", "party_quorum 是县级参数，请直接修改其在本乡镇的取值"),
    ("agri_visit_days", "本乡镇已有参数 agri_visit_days"),
    ("summary", "的数据中已有 summary，参数会覆盖所填内容"),         # a field of a county item's form
])
def test_a_declared_parameter_may_not_take_a_name_in_use(ctx, name, message):
    parameters.define_township_parameter(ctx, SYSTEM, "qingshan_town", "agri_visit_days", "走访天数", "integer", 1, 30, 7)
    error, events = refused(ctx, InvalidData, parameters.define_township_parameter, QINGSHAN_ADMIN, "qingshan_town",
                            name, "又一个", "integer", 1, 30, 7)
    assert error.message == "参数名已被使用" and message in error.errors["name"] and events == []


@pytest.mark.parametrize("args, errors", [
    (("", "integer", 1, 30, 7), {"label": "名称不能为空，且不超过100个字"}),
    (("天数", "integer", 30, 1, 7), {"agri_days": "下限不能高于上限"}),
    (("天数", "integer", 1, 30, 31), {"agri_days": "不能高于上限 30"}),
    (("天数", "date", 1, 30, 7), {"agri_days": "类型应为 integer、number、fraction、list、text 之一"}),
])
def test_a_bad_declaration_is_refused_and_nothing_is_declared(ctx, args, errors):
    error, events = refused(ctx, InvalidData, parameters.define_township_parameter, QINGSHAN_ADMIN, "qingshan_town",
                            "agri_days", *args)
    assert error.errors == errors and events == [] and "agri_days" not in values(ctx, "qingshan_town")


def test_only_the_townships_administrators_declare_its_parameters(ctx):
    error, events = refused(ctx, Forbidden, parameters.define_township_parameter, BAIYUN_ADMIN, "qingshan_town",
                            "agri_days", "天数", "integer", 1, 30, 7)
    assert error.message == "设置本乡镇参数需要本单位或上级的管理员"
    assert events == [access_refused(BAIYUN_ADMIN, "define_township_parameter", error.message,
                                     "qingshan_town", "agri_days", "天数")]
    assert "agri_days" not in values(ctx, "qingshan_town")


# --- township roles (engine/services/registry.py) ---

def test_a_township_declares_a_role_of_its_own(ctx):
    mark = audit_mark(ctx)
    role = registry.define_township_role(ctx, QINGSHAN_ADMIN, "qingshan_town", " TOWNSHIP_AGRI ", "乡镇农业农村办", "township")
    assert dataclasses.asdict(role) == {"code": "TOWNSHIP_AGRI", "name": "乡镇农业农村办", "level": "township",
                                        "township": "qingshan_town"}
    assert role in registry.list_roles(ctx, CLERK, "qingshan_town")
    assert "TOWNSHIP_AGRI" not in {r.code for r in registry.list_roles(ctx, CLERK, "baiyun_town")}
    assert "TOWNSHIP_AGRI" not in {r.code for r in registry.list_roles(ctx, CLERK)}
    assert ctx.role("TOWNSHIP_AGRI").name == "乡镇农业农村办"
    assert audited_since(ctx, mark) == [("role_defined", "qingshan_admin",
                                         {"township": "qingshan_town", **dataclasses.asdict(role)})]


@pytest.mark.parametrize("code, name, level, field, message", [
    ("agri", "农业办", "township", "code", "角色代码有误"),
    ("AG", "农业办", "township", "code", "角色代码有误"),
    ("TOWNSHIP_AGRI", " ", "township", "name", "角色名称有误"),
    ("TOWNSHIP_AGRI", "农" * 41, "township", "name", "角色名称有误"),
    ("TOWNSHIP_AGRI", "农业办", "county", "level", "角色层级有误"),
    ("VILLAGE_COMMITTEE", "农业办", "village", "code", "角色代码已被使用"),
    ("TOWNSHIP_AGRI", "村务监督委员会", "village", "name", "角色名称已被使用"),
])
def test_a_bad_or_taken_role_is_refused_and_nothing_is_declared(ctx, code, name, level, field, message):
    error, events = refused(ctx, InvalidData, registry.define_township_role, QINGSHAN_ADMIN, "qingshan_town",
                            code, name, level)
    assert error.message == message and list(error.errors) == [field] and events == []
    assert not [r for r in registry.list_roles(ctx, CLERK, "qingshan_town") if r.township]


def test_a_role_code_is_one_townships_and_a_name_is_used_once_in_a_township(ctx):
    registry.define_township_role(ctx, QINGSHAN_ADMIN, "qingshan_town", "TOWNSHIP_AGRI", "乡镇农业农村办", "township")
    for actor, township, words in [(QINGSHAN_ADMIN, "qingshan_town", "已被本乡镇使用"),
                                   (BAIYUN_ADMIN, "baiyun_town", "已被其他乡镇使用")]:
        error, _ = refused(ctx, InvalidData, registry.define_township_role, actor, township, "TOWNSHIP_AGRI", "另一个", "township")
        assert words in error.errors["code"]
    error, _ = refused(ctx, InvalidData, registry.define_township_role, QINGSHAN_ADMIN, "qingshan_town", "TOWNSHIP_AGRI2",
                       "乡镇农业农村办", "village")
    assert error.errors == {"name": "已有名为“乡镇农业农村办”的角色"}
    assert registry.define_township_role(ctx, BAIYUN_ADMIN, "baiyun_town", "BAIYUN_AGRI", "乡镇农业农村办", "township")


def test_only_the_townships_administrators_declare_its_roles(ctx):
    error, events = refused(ctx, Forbidden, registry.define_township_role, CLERK, "qingshan_town",
                            "TOWNSHIP_AGRI", "乡镇农业农村办", "township")
    assert error.message == "设置本乡镇角色需要本单位或上级的管理员"
    assert events == [access_refused(CLERK, "define_township_role", error.message,
                                     "qingshan_town", "TOWNSHIP_AGRI", "乡镇农业农村办")]
    error, _ = refused(ctx, NotFound, registry.define_township_role, SYSTEM, "lushui_village", "TOWNSHIP_AGRI", "农办", "township")
    assert error.message == "没有乡镇 lushui_village"
    assert registry.role_codes(ctx, None, None) == set(ctx.roles)


# --- the working-day calendar (engine/services/calendar.py) ---

ARRANGEMENT_2027 = {"holidays": [{"date": "2027-01-01", "name": "元旦"}, {"date": "2027-02-08", "name": "春节"}],
                    "workdays": [{"date": "2027-01-02", "name": "调休上班"}], "source": " 测试用安排 "}


def test_a_county_administrator_loads_a_year_and_may_replace_it(ctx):
    error, _ = refused(ctx, NotFound, lambda c, a: calendar.get_year(c, a, 2027), CLERK)
    assert error.message == "2027年的节假日安排尚未录入，工作日暂按周一至周五（除元旦、劳动节、国庆节）计算"
    mark = audit_mark(ctx)
    saved = calendar.set_year(ctx, COUNTY_ADMIN, 2027, **ARRANGEMENT_2027)
    assert saved == calendar.get_year(ctx, CLERK, 2027)
    assert (saved.source, saved.updated_by) == ("测试用安排", "county_admin")
    assert [d.date.isoformat() for d in saved.holidays] == ["2027-01-01", "2027-02-08"]
    calendar.set_year(ctx, SYSTEM, 2027, [["2027-10-01", "国庆节"]], [], "第二版")
    again = calendar.get_year(ctx, CLERK, 2027)
    assert [(d.date.isoformat(), d.name) for d in again.holidays] == [("2027-10-01", "国庆节")]
    assert again.workdays == () and again.updated_by == "system"
    assert audited_since(ctx, mark) == [
        ("calendar_changed", "county_admin", {"year": 2027, "holidays": ["2027-01-01", "2027-02-08"],
                                              "workdays": ["2027-01-02"], "source": "测试用安排"}),
        ("calendar_changed", "system", {"year": 2027, "holidays": ["2027-10-01"], "workdays": [], "source": "第二版"})]


@pytest.mark.parametrize("actor", [CLERK, QINGSHAN_ADMIN])
def test_only_a_county_administrator_changes_the_calendar(ctx, actor):
    error, events = refused(ctx, Forbidden, calendar.set_year, actor, 2027, **ARRANGEMENT_2027)
    assert error.message == "修改节假日安排需要县级管理员"
    assert events == [access_refused(actor, "set_calendar_year", error.message, "2027")]
    with pytest.raises(NotFound):
        calendar.get_year(ctx, CLERK, 2027)


@pytest.mark.parametrize("year, change, field, words", [
    (1999, {}, "year", "应为 2000 至 2100 之间的年份"),
    (2026, {"holidays": [{"date": "2027-01-01"}]}, "calendar", "日期不在该年份内（2027-01-01）"),
    (2026, {"workdays": [{"date": "2026-01-05"}]}, "calendar", "2026-01-05 是工作日，调休上班日只能是周末"),
    (2026, {"holidays": [{"date": "2026-01-03"}], "workdays": [{"date": "2026-01-03"}]}, "calendar",
     "同一日期既是节假日又是调休上班日（2026-01-03）"),
    (2026, {"holidays": [{"date": "2026-02-30"}]}, "calendar", "日期格式有误（应为 YYYY-MM-DD）"),
    (2026, {"holidays": [{"name": "元旦"}]}, "calendar", "日期格式有误（应为 YYYY-MM-DD）"),
])
def test_a_bad_arrangement_is_refused_and_the_year_kept(ctx, year, change, field, words):
    shipped = calendar.get_year(ctx, CLERK, 2026)
    error, events = refused(ctx, InvalidData, calendar.set_year, COUNTY_ADMIN, year,
                            **{"holidays": [], "workdays": [], "source": "x", **change})
    assert words in error.errors[field] and list(error.errors) == [field] and events == []
    assert calendar.get_year(ctx, CLERK, 2026) == shipped and len(shipped.holidays) == 33


# --- organisation units (engine/services/orgs.py) ---

def test_an_administrator_adds_a_unit_under_their_own(ctx):
    mark = audit_mark(ctx)
    added = orgs.add_unit(ctx, QINGSHAN_ADMIN, "xinhe_village", "新河村", "village", "qingshan_town")
    assert dataclasses.asdict(added) == {"code": "xinhe_village", "name": "新河村", "level": "village", "parent_code": "qingshan_town"}
    assert added in orgs.list_units(ctx, CLERK, "village")
    assert audited_since(ctx, mark) == [("org_unit_added", "qingshan_admin", {"code": "xinhe_village", "name": "新河村",
                                                                              "level": "village", "parent": "qingshan_town"})]
    with ctx.uow(readonly=True) as uow:
        assert uow.lineage("xinhe_village") == ["xinhe_village", "qingshan_town", "demo_county"]


@pytest.mark.parametrize("actor, code, level, parent, error, message", [
    (QINGSHAN_ADMIN, "lushui_village", "village", "qingshan_town", InvalidData, "编码已存在"),
    (QINGSHAN_ADMIN, "xinhe_village", "hamlet", "qingshan_town", InvalidData, "层级有误"),
    (COUNTY_ADMIN, "xinhe_village", "village", "demo_county", InvalidData, "上级单位有误"),
    (QINGSHAN_ADMIN, "xinhe_town", "township", "lushui_village", InvalidData, "上级单位有误"),
    (QINGSHAN_ADMIN, "xinhe_village", "village", "baiyun_town", Forbidden, "新增单位需要本单位或上级的管理员"),
    (QINGSHAN_ADMIN, "xinhe_town", "township", "demo_county", Forbidden, "新增单位需要本单位或上级的管理员"),
    (COUNTY_ADMIN, "other_county", "county", None, Forbidden, "新增单位需要本单位或上级的管理员"),
    (CLERK, "xinhe_village", "village", "qingshan_town", Forbidden, "新增单位需要本单位或上级的管理员"),
    (CLERK, "lushui_village", "village", "qingshan_town", Forbidden, "新增单位需要本单位或上级的管理员"),  # refused first
])
def test_a_unit_is_added_once_under_a_parent_of_the_level_above_by_its_administrator(ctx, actor, code, level, parent,
                                                                                     error, message):
    before = orgs.list_units(ctx, SYSTEM)
    caught, events = refused(ctx, error, orgs.add_unit, actor, code, "新单位", level, parent)
    assert caught.message == message
    assert events == ([access_refused(actor, "add_unit", message, code, "新单位", level)]
                      if error is Forbidden else [])
    assert orgs.list_units(ctx, SYSTEM) == before


def test_the_system_adds_a_county(ctx):
    orgs.add_unit(ctx, SYSTEM, "other_county", "另一县", "county", None)
    assert dataclasses.asdict(orgs.list_units(ctx, CLERK, "county")[-1]) == {
        "code": "other_county", "name": "另一县", "level": "county", "parent_code": None}


# --- users and grants (engine/services/identity.py) ---

def users(ctx) -> dict:
    return {u.username: u for u in identity.list_users(ctx, SYSTEM)}


def grants(user) -> list[dict]:
    return [dataclasses.asdict(g) for g in user.grants]


def test_an_administrator_creates_a_user_without_roles_and_the_password_is_hashed(ctx):
    mark = audit_mark(ctx)
    view = identity.create_user(ctx, QINGSHAN_ADMIN, "  Li.Ming ", " 李明 ", "a-long-password")
    assert dataclasses.asdict(view) == {"username": "li.ming", "display_name": "李明", "active": True, "grants": ()}
    assert users(ctx) == {"li.ming": view}
    with ctx.uow(readonly=True) as uow:
        stored = uow.users.by_name("li.ming").password_hash
    assert "a-long-password" not in stored and ctx.passwords.verify(stored, "a-long-password")
    assert audited_since(ctx, mark) == [("user_created", "qingshan_admin", {"username": "li.ming"})]
    error, events = refused(ctx, Conflict, identity.create_user, COUNTY_ADMIN, "LI.MING", "又一个", "a-long-password")
    assert error.message == "用户名 li.ming 已存在" and events == []


def test_bad_user_details_are_refused_field_by_field_and_nothing_is_created(ctx):
    error, events = refused(ctx, InvalidData, identity.create_user, COUNTY_ADMIN, "李", " ", "short")
    assert error.message == "用户信息有误" and set(error.errors) == {"username", "password", "display_name"}
    assert error.errors["display_name"] == "姓名不能为空" and "小写字母" in error.errors["username"]
    assert error.errors["password"].startswith("密码至少") and events == [] and users(ctx) == {}


def test_only_an_administrator_creates_users(ctx):
    error, events = refused(ctx, Forbidden, identity.create_user, CLERK, "li.ming", "李明", "a-long-password")
    assert error.message == "创建用户需要管理员"
    assert events == [access_refused(CLERK, "create_user", error.message, "li.ming", "李明", "a-long-password")]
    assert users(ctx) == {}


def test_a_role_is_granted_in_a_unit_of_its_level_by_an_administrator_of_that_unit(ctx):
    identity.create_user(ctx, SYSTEM, "li.ming", "李明", "a-long-password")
    ctx.database.token_actors["a-digest"] = ("someone", None, 0)        # a cached caller: roles change, it goes
    mark = audit_mark(ctx)
    view = identity.grant_role(ctx, QINGSHAN_ADMIN, "li.ming", "VILLAGE_COMMITTEE", "lushui_village")
    assert grants(view) == [{"role": "VILLAGE_COMMITTEE", "org": "lushui_village"}]
    assert ctx.database.token_actors == {}
    identity.grant_role(ctx, COUNTY_ADMIN, "li.ming", "TOWNSHIP_ADMIN", "baiyun_town")
    assert grants(users(ctx)["li.ming"]) == [{"role": "VILLAGE_COMMITTEE", "org": "lushui_village"},
                                               {"role": "TOWNSHIP_ADMIN", "org": "baiyun_town"}]
    assert audited_since(ctx, mark) == [
        ("role_granted", "qingshan_admin", {"username": "li.ming", "role": "VILLAGE_COMMITTEE", "org": "lushui_village"}),
        ("role_granted", "county_admin", {"username": "li.ming", "role": "TOWNSHIP_ADMIN", "org": "baiyun_town"})]
    assert [u.username for u in identity.list_users(ctx, BAIYUN_ADMIN)] == ["li.ming"]


@pytest.mark.parametrize("actor, username, role, org, error, message", [
    (SYSTEM, "nobody", "VILLAGE_COMMITTEE", "lushui_village", NotFound, "没有用户 nobody"),
    (SYSTEM, "li.ming", "NO_SUCH_ROLE", "lushui_village", InvalidData, "没有这个角色"),
    (SYSTEM, "li.ming", "PUBLIC_PLATFORM", "demo_county", InvalidData, "没有这个角色"),
    (SYSTEM, "li.ming", "VILLAGE_COMMITTEE", "nowhere", InvalidData, "没有这个单位"),
    (SYSTEM, "li.ming", "VILLAGE_COMMITTEE", "qingshan_town", InvalidData, "角色与单位层级不符"),
    (SYSTEM, "li.ming", "SUPERVISION_COMMITTEE", "lushui_village", Conflict, "li.ming 已在 绿水村 担任该角色"),
    (BAIYUN_ADMIN, "li.ming", "VILLAGE_COMMITTEE", "lushui_village", Forbidden, "授予角色需要本单位或上级的管理员"),
    (CLERK, "li.ming", "VILLAGE_COMMITTEE", "lushui_village", Forbidden, "授予角色需要本单位或上级的管理员"),
])
def test_a_grant_is_refused_for_what_does_not_fit_and_nothing_is_granted(ctx, actor, username, role, org, error, message):
    identity.create_user(ctx, SYSTEM, "li.ming", "李明", "a-long-password")
    identity.grant_role(ctx, SYSTEM, "li.ming", "SUPERVISION_COMMITTEE", "lushui_village")
    caught, events = refused(ctx, error, identity.grant_role, actor, username, role, org)
    assert caught.message == message
    assert events == ([access_refused(actor, "grant_role", message, username, role, org)] if error is Forbidden else [])
    assert grants(users(ctx)["li.ming"]) == [{"role": "SUPERVISION_COMMITTEE", "org": "lushui_village"}]


def test_a_township_role_is_granted_in_its_township_only(ctx):
    registry.define_township_role(ctx, QINGSHAN_ADMIN, "qingshan_town", "VILLAGE_AGRI_GUIDE", "村级产业指导员", "village")
    identity.create_user(ctx, SYSTEM, "li.ming", "李明", "a-long-password")
    error, _ = refused(ctx, InvalidData, identity.grant_role, COUNTY_ADMIN, "li.ming", "VILLAGE_AGRI_GUIDE", "hongqi_village")
    assert error.errors == {"org": "“村级产业指导员”是青山镇的角色，只能授予在该乡镇或其所辖各村"}
    assert grants(identity.grant_role(ctx, QINGSHAN_ADMIN, "li.ming", "VILLAGE_AGRI_GUIDE", "taohua_village")) == [
        {"role": "VILLAGE_AGRI_GUIDE", "org": "taohua_village"}]


def test_a_role_is_revoked_by_an_administrator_of_its_unit(ctx):
    identity.create_user(ctx, SYSTEM, "li.ming", "李明", "a-long-password")
    identity.grant_role(ctx, SYSTEM, "li.ming", "VILLAGE_COMMITTEE", "lushui_village")
    error, events = refused(ctx, Forbidden, identity.revoke_role, BAIYUN_ADMIN, "li.ming", "VILLAGE_COMMITTEE", "lushui_village")
    assert error.message == "撤销角色需要本单位或上级的管理员"
    assert events == [access_refused(BAIYUN_ADMIN, "revoke_role", error.message, "li.ming", "VILLAGE_COMMITTEE",
                                     "lushui_village")]
    error, events = refused(ctx, NotFound, identity.revoke_role, QINGSHAN_ADMIN, "li.ming", "VILLAGE_COMMITTEE", "taohua_village")
    assert error.message == "li.ming 没有在 taohua_village 担任 VILLAGE_COMMITTEE" and events == []
    assert grants(users(ctx)["li.ming"]) == [{"role": "VILLAGE_COMMITTEE", "org": "lushui_village"}]
    mark = audit_mark(ctx)
    assert grants(identity.revoke_role(ctx, QINGSHAN_ADMIN, "li.ming", "VILLAGE_COMMITTEE", "lushui_village")) == []
    assert grants(users(ctx)["li.ming"]) == []
    assert audited_since(ctx, mark) == [("role_revoked", "qingshan_admin", {"username": "li.ming", "role": "VILLAGE_COMMITTEE",
                                                                            "org": "lushui_village"})]

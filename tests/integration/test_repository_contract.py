"""The contract that keeps the fakes honest (tests/fakes.py): every check here runs against the fake
unit of work and against the real one (engine/store/uow.py) on SQLite and on PostgreSQL, through
the same calls. A fake that answers differently from the store fails here, not in a service test
that passed on it.

Each check starts from an empty store (migrated, nothing loaded: `store_ctx`), except the last,
which compares the fakes' seeded template with the seeded database the `ctx` fixture gives."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from engine.audit import GENESIS, verify_events
from engine.registry import Parameter, Role
from engine.workdays import YearArrangement
from tests.fakes import fake_context

BEIJING = timezone(timedelta(hours=8))
AT = datetime(2026, 3, 2, 9, 30, tzinfo=BEIJING)
COUNTY = ("demo_county", "示范县", "county", None)
TOWNS = [("qingshan_town", "青山镇", "township", "demo_county"), ("baiyun_town", "白云镇", "township", "demo_county")]
VILLAGES = [("lushui_village", "绿水村", "village", "qingshan_town"), ("taohua_village", "桃花村", "village", "qingshan_town"),
            ("hongqi_village", "红旗村", "village", "baiyun_town")]


def add_units(ctx, units=(COUNTY, *TOWNS, *VILLAGES)) -> None:
    with ctx.uow() as uow:
        for code, name, level, parent in units:
            uow.orgs.add(code=code, name=name, level=level, parent_code=parent)
        uow.commit()


def add_user(uow, username: str, active: bool = True):
    return uow.users.add(username=username, display_name=f"{username} 的名字", password_hash="x", active=active,
                         created_at=AT)


# --- transactions ---

def test_a_commit_is_seen_by_the_next_unit_of_work_and_nothing_else_is(store_ctx):
    with store_ctx.uow() as uow:
        uow.orgs.add(code="demo_county", name="示范县", level="county", parent_code=None)
        assert uow.orgs.get("demo_county").name == "示范县"          # its own write, before the commit
    with store_ctx.uow(readonly=True) as uow:
        assert uow.orgs.get("demo_county") is None                   # left without a commit: nothing
    add_units(store_ctx, [COUNTY])
    with store_ctx.uow(readonly=True) as uow:
        assert [u.code for u in uow.orgs.list()] == ["demo_county"]


def test_a_rollback_drops_what_came_before_it_and_the_unit_of_work_goes_on(store_ctx):
    add_units(store_ctx, [COUNTY])
    with store_ctx.uow() as uow:
        uow.orgs.add(code="qingshan_town", name="青山镇", level="township", parent_code="demo_county")
        uow.audit.append("first", "tester", None, {}, AT.isoformat())
        uow.rollback()
        assert uow.orgs.get("qingshan_town") is None and uow.audit.appended == []
        uow.orgs.add(code="baiyun_town", name="白云镇", level="township", parent_code="demo_county")
        uow.audit.append("second", "tester", None, {}, AT.isoformat())
        uow.commit()
    with store_ctx.uow(readonly=True) as uow:
        assert [u.code for u in uow.orgs.list("township")] == ["baiyun_town"]
        assert [(e.seq, e.event) for e in uow.audit.all_in_order()] == [(1, "second")]


def test_a_read_only_unit_of_work_cannot_commit(store_ctx):
    with store_ctx.uow(readonly=True) as uow:
        with pytest.raises(RuntimeError):
            uow.commit()


# --- the audit log ---

def test_appended_events_are_chained_in_order_and_read_back_as_appended(store_ctx):
    with store_ctx.uow(readonly=True) as uow:
        assert uow.audit.head() is None and list(uow.audit.all_in_order()) == []
    payload = {"township": "qingshan_town", "值": [1, "二", None], "nested": {"b": 2, "a": 1.5}}
    with store_ctx.uow() as uow:
        first = uow.audit.append("parameter_changed", "admin", None, payload, AT.isoformat())
        second = uow.audit.append("matter_event", "clerk", 7, {"n": 1}, AT.isoformat())
        assert (first.seq, first.prev_hash, second.seq, second.prev_hash) == (1, GENESIS, 2, first.hash)
        assert [e.event for e in uow.audit.appended] == ["parameter_changed", "matter_event"]
        uow.commit()
    with store_ctx.uow(readonly=True) as uow:
        events = list(uow.audit.all_in_order())
        head = uow.audit.head()
        assert [(e.seq, e.event, e.actor, e.matter_id, e.payload) for e in events] == [
            (1, "parameter_changed", "admin", None, payload), (2, "matter_event", "clerk", 7, {"n": 1})]
        assert (head.seq, head.hash) == (2, second.hash)
        assert verify_events(events, head.seq, head.hash).ok
        assert [e.seq for e in uow.audit.for_matter(7)] == [2]
        assert [e.seq for e in uow.audit.all_in_order(after=1)] == [2]


def test_a_rolled_back_event_leaves_no_gap_in_the_chain(store_ctx):
    with store_ctx.uow() as uow:
        uow.audit.append("kept", "a", None, {}, AT.isoformat())
        uow.commit()
    with store_ctx.uow() as uow:
        uow.audit.append("dropped", "a", None, {}, AT.isoformat())      # left without a commit
    with store_ctx.uow() as uow:
        again = uow.audit.append("next", "a", None, {}, AT.isoformat())
        uow.commit()
    with store_ctx.uow(readonly=True) as uow:
        events = list(uow.audit.all_in_order())
        assert [(e.seq, e.event) for e in events] == [(1, "kept"), (2, "next")] and again.seq == 2
        assert verify_events(events, uow.audit.head().seq, uow.audit.head().hash).ok


# --- organisation units and their lineage ---

def test_units_are_listed_by_level_then_code_and_reach_down(store_ctx):
    add_units(store_ctx)
    with store_ctx.uow(readonly=True) as uow:
        assert [u.code for u in uow.orgs.list()] == ["demo_county", "baiyun_town", "qingshan_town",
                                                     "hongqi_village", "lushui_village", "taohua_village"]
        assert [u.code for u in uow.orgs.list("village")] == ["hongqi_village", "lushui_village", "taohua_village"]
        unit = uow.orgs.get("lushui_village")
        assert (unit.name, unit.level, unit.parent_code, unit.sandbox) == ("绿水村", "village", "qingshan_town", False)
        assert uow.orgs.get("nowhere") is None and uow.orgs.count() == 6
        assert uow.orgs.within({"qingshan_town"}) == {"qingshan_town", "lushui_village", "taohua_village"}
        assert uow.orgs.within({"nowhere"}) == {"nowhere"}
        scope = uow.orgs.scope({"demo_county", "hongqi_village", "nowhere"})
        assert scope.townships == {"qingshan_town", "baiyun_town"} and scope.villages == {"hongqi_village"}


def test_a_lineage_runs_up_to_the_county_and_an_unknown_code_is_its_own(store_ctx):
    add_units(store_ctx)
    with store_ctx.uow() as uow:
        assert uow.lineage("lushui_village") == ["lushui_village", "qingshan_town", "demo_county"]
        assert uow.lineage("demo_county") == ["demo_county"]
        assert uow.lineage("nowhere") == ["nowhere"]
        uow.orgs.add(code="new_village", name="新村", level="village", parent_code="baiyun_town")
        assert uow.lineage("new_village") == ["new_village", "baiyun_town", "demo_county"]     # before the commit


def test_a_unit_code_is_used_once_and_a_parent_must_exist(store_ctx):
    add_units(store_ctx, [COUNTY])
    with store_ctx.uow() as uow, pytest.raises(IntegrityError):
        uow.orgs.add(code="demo_county", name="又一个", level="county", parent_code=None)
    with store_ctx.uow() as uow, pytest.raises(IntegrityError):
        uow.orgs.add(code="orphan_town", name="孤镇", level="township", parent_code="no_county")


# --- township parameters ---

def test_a_township_override_is_its_own_and_the_last_value_stands(store_ctx):
    add_units(store_ctx)
    with store_ctx.uow() as uow:
        uow.parameters.set("qingshan_town", "result_publicity_days", 10, "admin", AT)
        uow.parameters.set("qingshan_town", "result_publicity_days", 12, "admin", AT)
        uow.parameters.set("qingshan_town", "party_quorum", "3/4", "admin", AT)
        uow.parameters.set("qingshan_town", "negative_list", ["甲", "乙"], "admin", AT)
        assert uow.parameters.overrides("qingshan_town")["result_publicity_days"] == 12
        uow.commit()
    with store_ctx.uow(readonly=True) as uow:
        assert uow.parameters.overrides("qingshan_town") == {
            "result_publicity_days": 12, "party_quorum": "3/4", "negative_list": ["甲", "乙"]}
        assert uow.parameters.overrides("baiyun_town") == {}


def test_a_declared_parameter_reads_back_whole_by_name(store_ctx):
    add_units(store_ctx)
    phone = Parameter("agri_phone", "农业办电话", "0738-8321234", None, 20, None, "text", "qingshan_town", "phone")
    share = Parameter("agri_share", "补助比例", "1/2", "1/3", "1", None, "fraction", "qingshan_town")
    days = Parameter("agri_days", "办理天数", 5, 1, 30, "天", "integer", "qingshan_town")
    with store_ctx.uow() as uow:
        for parameter in (phone, share, days):
            uow.parameters.define(parameter, "admin", AT)
        uow.commit()
    with store_ctx.uow(readonly=True) as uow:
        declared = uow.parameters.township_defined("qingshan_town")
        assert list(declared) == ["agri_days", "agri_phone", "agri_share"]
        assert declared == {"agri_days": days, "agri_phone": phone, "agri_share": share}
        assert uow.parameters.township_defined("baiyun_town") == {}
    with store_ctx.uow() as uow, pytest.raises(IntegrityError):
        uow.parameters.define(days, "admin", AT)


# --- township roles ---

def test_a_township_role_is_found_by_code_and_by_township(store_ctx):
    add_units(store_ctx)
    with store_ctx.uow() as uow:
        uow.township_roles.add("qingshan_town", Role("TOWNSHIP_ZETA", "乡镇一办", "township"), "admin", AT)
        uow.township_roles.add("qingshan_town", Role("TOWNSHIP_AGRI", "乡镇农业农村办", "township"), "admin", AT)
        uow.township_roles.add("baiyun_town", Role("VILLAGE_GUIDE", "村级产业指导员", "village"), "admin", AT)
        uow.commit()
    with store_ctx.uow(readonly=True) as uow:
        assert uow.township_roles.get("VILLAGE_GUIDE") == Role("VILLAGE_GUIDE", "村级产业指导员", "village")
        assert uow.township_roles.get("COUNTY_ADMIN") is None
        assert uow.township_roles.township_of("TOWNSHIP_AGRI") == "qingshan_town"
        assert uow.township_roles.township_of("NOBODY") is None
        assert list(uow.township_roles.of_township("qingshan_town")) == ["TOWNSHIP_AGRI", "TOWNSHIP_ZETA"]
        assert set(uow.township_roles.all()) == {"TOWNSHIP_AGRI", "TOWNSHIP_ZETA", "VILLAGE_GUIDE"}
    with store_ctx.uow() as uow, pytest.raises(IntegrityError):
        uow.township_roles.add("baiyun_town", Role("TOWNSHIP_AGRI", "又一个", "township"), "admin", AT)


# --- the working-day calendar ---

def test_a_year_is_replaced_whole_and_read_back_as_stored(store_ctx):
    first = YearArrangement(2027, ((date(2027, 1, 1), "元旦"), (date(2027, 2, 6), "春节")),
                            ((date(2027, 1, 2), "调休上班"),), "第一版")
    second = YearArrangement(2027, ((date(2027, 1, 1), "元旦"),), (), "国务院办公厅" * 40)
    with store_ctx.uow() as uow:
        uow.calendar.replace(first, "county_admin", AT)
        uow.calendar.replace(YearArrangement(2026, ((date(2026, 1, 1), "元旦"),), (), "2026"), "system", AT)
        uow.commit()
    with store_ctx.uow() as uow:
        uow.calendar.replace(second, "other_admin", AT)
        uow.commit()
    with store_ctx.uow(readonly=True) as uow:
        found, by, at = uow.calendar.year(2027)
        assert found == YearArrangement(2027, ((date(2027, 1, 1), "元旦"),), (), ("国务院办公厅" * 40)[:200])
        assert by == "other_admin" and at == AT and at.tzinfo is not None and at.utcoffset() == timedelta(0)
        assert uow.calendar.year(2028) is None and uow.calendar.loaded_years() == [2026, 2027]
        calendar = uow.calendar.calendar({2027, 2028})
        assert calendar.holidays == {date(2027, 1, 1)} and calendar.workdays == frozenset()
        assert calendar.years == {2027}


# --- users and grants ---

def test_users_and_their_grants(store_ctx):
    add_units(store_ctx)
    with store_ctx.uow() as uow:
        li, wang = add_user(uow, "li"), add_user(uow, "wang")
        add_user(uow, "away", active=False)
        assert li.id and wang.id and li.id != wang.id
        later = uow.users.add_grant(user_id=li.id, role="VILLAGE_COMMITTEE", org_code="lushui_village",
                                    granted_by="admin", granted_at=AT)
        uow.users.add_grant(user_id=li.id, role="TOWNSHIP_ADMIN", org_code="qingshan_town", granted_by="admin",
                            granted_at=AT)
        uow.users.add_grant(user_id=uow.users.by_name("away").id, role="VILLAGE_COMMITTEE",
                            org_code="lushui_village", granted_by="admin", granted_at=AT)
        assert later.id
        uow.commit()
    with store_ctx.uow() as uow:
        li = uow.users.by_name("li")
        assert uow.users.get(li.id).username == "li" and uow.users.by_name("nobody") is None
        assert [u.username for u in uow.users.list()] == ["away", "li", "wang"]
        assert [u.username for u in uow.users.list({"lushui_village"})] == ["away", "li"]
        assert uow.users.list(set()) == []
        assert [(g.role, g.org_code) for g in uow.users.grants(li.id)] == [
            ("VILLAGE_COMMITTEE", "lushui_village"), ("TOWNSHIP_ADMIN", "qingshan_town")]
        wang_id = uow.users.by_name("wang").id
        of = uow.users.grants_of([wang_id, li.id])
        assert list(of) == [wang_id, li.id] and of[wang_id] == [] and [
            (g.role, g.org_code) for g in of[li.id]] == [("VILLAGE_COMMITTEE", "lushui_village"),
                                                        ("TOWNSHIP_ADMIN", "qingshan_town")]
        assert uow.users.grants_of([]) == {}
        assert uow.users.display_names(["li", "nobody"]) == {"li": "li 的名字"}
        assert uow.users.display_name("nobody") == "nobody"
        assert [u.username for u in uow.users.holders("VILLAGE_COMMITTEE", ["lushui_village", "x"])] == ["li"]
        grant = uow.users.find_grant(li.id, "TOWNSHIP_ADMIN", "qingshan_town")
        assert grant.granted_by == "admin" and uow.users.find_grant(li.id, "TOWNSHIP_ADMIN", "baiyun_town") is None
        uow.users.remove_grant(grant)
        uow.commit()
    with store_ctx.uow(readonly=True) as uow:
        assert [g.role for g in uow.users.grants(uow.users.by_name("li").id)] == ["VILLAGE_COMMITTEE"]


def test_a_user_name_and_a_grant_are_held_once(store_ctx):
    add_units(store_ctx)
    with store_ctx.uow() as uow:
        li = add_user(uow, "li")
        uow.users.add_grant(user_id=li.id, role="VILLAGE_COMMITTEE", org_code="lushui_village",
                            granted_by="admin", granted_at=AT)
        uow.commit()
    with store_ctx.uow() as uow, pytest.raises(IntegrityError):
        add_user(uow, "li")
    with store_ctx.uow() as uow, pytest.raises(IntegrityError):
        uow.users.add_grant(user_id=uow.users.by_name("li").id, role="VILLAGE_COMMITTEE",
                            org_code="lushui_village", granted_by="admin", granted_at=AT)
    with store_ctx.uow() as uow, pytest.raises(IntegrityError):
        uow.users.add_grant(user_id=uow.users.by_name("li").id, role="VILLAGE_COMMITTEE",
                            org_code="no_village", granted_by="admin", granted_at=AT)


# --- definition versions (what loading the power list and the parameters' name check read) ---

def _version(key: str, bundle: str, category: str = "村级重大决策", **more) -> dict:
    return {"process_key": key, "name": f"{key} 的名称", "category": category, "sha256": bundle, "bundle_sha256": bundle,
            "files": {f"{key}.bpmn": "<definitions/>"}, "info": {"start_form": [{"name": "amount"}]},
            "loaded_at": AT, "owner_org": None, "created_by": "system", **more}


def test_a_published_version_supersedes_the_one_before(store_ctx):
    add_units(store_ctx)
    with store_ctx.uow() as uow:
        old = uow.definitions.add(**_version("b_item", "h1", published_at=AT, published_by="system"))
        other = uow.definitions.add(**_version("a_item", "h2", category="工程项目"))
        uncategorised = uow.definitions.add(**_version("0_item", "h4", category=None))
        uow.definitions.make_current(old)
        uow.definitions.make_current(other)
        uow.definitions.make_current(uncategorised)
        new = uow.definitions.add(**_version("b_item", "h3", state="draft", is_current=False,
                                             owner_org="qingshan_town"))
        assert new.id > uncategorised.id > other.id > old.id and uow.definitions.latest_id() == new.id
        uow.commit()
    with store_ctx.uow() as uow:
        new = uow.definitions.find("b_item", "h3")
        assert (new.state, new.is_current) == ("draft", False) and uow.definitions.find("b_item", "h9") is None
        uow.definitions.make_current(new, by="admin", at=AT)
        uow.commit()
    with store_ctx.uow(readonly=True) as uow:
        assert [(v.process_key, v.bundle_sha256) for v in uow.definitions.list_current()] == [
            ("a_item", "h2"), ("b_item", "h3"), ("0_item", "h4")]   # by category (none: last on both), then key
        assert [(v.process_key, v.name, v.owner_org) for v in uow.definitions.list_current(info=False)] == [
            (v.process_key, v.name, v.owner_org) for v in uow.definitions.list_current(files=True)]
        old, new = uow.definitions.find("b_item", "h1"), uow.definitions.current("b_item")
        assert (old.state, old.is_current) == ("superseded", False)
        assert (new.bundle_sha256, new.state, new.published_by, new.published_at) == ("h3", "published", "admin", AT)
        assert uow.definitions.get(new.id).info == {"start_form": [{"name": "amount"}]}
        assert uow.definitions.get(10_000) is None
    with store_ctx.uow() as uow, pytest.raises(IntegrityError):
        uow.definitions.add(**_version("b_item", "h1"))


# --- the seeded template ---

def _seeded_state(context) -> dict:
    with context.uow(readonly=True) as uow:
        return {
            "units": [(u.code, u.name, u.level, u.parent_code, u.sandbox) for u in uow.orgs.list()],
            "overrides": {u.code: uow.parameters.overrides(u.code) for u in uow.orgs.list("township")},
            "calendar": [uow.calendar.year(y)[0] for y in uow.calendar.loaded_years()],
            "definitions": [(v.id, v.process_key, v.name, v.category, v.owner_org, v.state, v.bundle_sha256, v.info)
                            for v in uow.definitions.list_current()],
            "audit": [(e.seq, e.event, e.actor, e.matter_id, e.payload) for e in uow.audit.all_in_order()],
            "users": uow.users.list(),
        }


def test_the_fakes_seeded_template_holds_what_the_seeded_database_holds(ctx, fake_template):
    assert _seeded_state(fake_context(fake_template.copy())) == _seeded_state(ctx)

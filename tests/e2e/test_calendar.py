"""Working-day deadlines over the API: the shipped 2026 calendar, and a county administrator who
loads the next year's arrangement when the State Council publishes it."""
from __future__ import annotations

from datetime import datetime, timezone

from engine import clock
from engine.services import Actor, audit, definitions, matters
from tests.hostile.items import item

SYSTEM = Actor.system()
WORKDAY_ITEM = item(key="workday_item", step_props='<spiffworkflow:properties><spiffworkflow:property name="deadline" '
                                                   'value="workdays(3)" /></spiffworkflow:properties>')
ARRANGEMENT_2027 = {"source": "测试用安排", "holidays": [{"date": "2027-01-01", "name": "元旦"}],
                    "workdays": [{"date": "2027-01-02", "name": "调休上班"}]}


def test_a_step_due_in_working_days_skips_the_spring_festival(client, ctx):
    definitions.upload_definition(ctx, SYSTEM, "qingshan_town", "workday_item.bpmn", WORKDAY_ITEM, publish=True)
    friday = datetime(2026, 2, 13, 2, 0, tzinfo=timezone.utc)              # 10:00 in Beijing
    with clock.use_clock(clock.FixedClock(friday)):
        matter = matters.start_matter(ctx, SYSTEM, "workday_item", "lushui_village", "春节前受理", {"amount": 1})
    task = client.as_user("clerk", ["VILLAGE_COMMITTEE"]).get(f"/api/v1/tasks/{matter.ready_steps[0].id}").json
    # Saturday 2-14 is worked, 2-15..2-23 are off: the 3rd working day is Wednesday 2-25, due at its end.
    assert task["due_at"].startswith("2026-02-25T16:00:00")


def test_the_calendar_is_read_and_maintained_by_county_administrators(client, ctx):
    reader = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    shipped = reader.get("/api/v1/calendar/2026")
    assert shipped.status_code == 200 and len(shipped.json["holidays"]) == 33 and "国务院办公厅" in shipped.json["source"]
    missing = reader.get("/api/v1/calendar/2027")
    assert missing.status_code == 404 and "尚未录入" in missing.json["message"]
    assert reader.put("/api/v1/calendar/2027", json=ARRANGEMENT_2027).status_code == 403
    township = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    assert township.put("/api/v1/calendar/2027", json=ARRANGEMENT_2027).status_code == 403
    county = client.as_user("county_admin", ["COUNTY_ADMIN"])
    saved = county.put("/api/v1/calendar/2027", json=ARRANGEMENT_2027)
    assert saved.status_code == 200 and saved.json["updated_by"] == "county_admin"
    assert reader.get("/api/v1/calendar/2027").json["workdays"] == [{"date": "2027-01-02", "name": "调休上班"}]
    assert audit.verify_chain(ctx, SYSTEM).ok


def test_a_bad_arrangement_is_refused_and_the_old_one_kept(client, ctx):
    county = client.as_user("county_admin", ["COUNTY_ADMIN"])
    for body, words in [({**ARRANGEMENT_2027, "holidays": [{"date": "2028-01-01"}]}, "不在该年份"),
                        ({**ARRANGEMENT_2027, "workdays": [{"date": "2027-01-04"}]}, "周末"),
                        ({**ARRANGEMENT_2027, "workdays": [{"date": "2027-01-01"}]}, "既是节假日"),
                        ({**ARRANGEMENT_2027, "holidays": [{"date": "2027-02-30"}]}, "date")]:
        r = county.put("/api/v1/calendar/2027", json=body)
        assert r.status_code == 422 and words in str(r.json), (body, r.json)
    assert county.get("/api/v1/calendar/2027").status_code == 404
    assert len(county.get("/api/v1/calendar/2026").json["holidays"]) == 33


def test_the_years_counted_without_their_arrangement_are_named_from_december(ctx):
    from engine.services import calendar
    with clock.use_clock(clock.FixedClock(datetime(2026, 11, 30, 15, 59, tzinfo=timezone.utc))):   # 23:59 Beijing
        assert calendar.missing_years(ctx) == []                    # 2026 ships; December not yet
    with clock.use_clock(clock.FixedClock(datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc))):    # 1 Dec, Beijing
        assert calendar.missing_years(ctx) == [2027]
    with clock.use_clock(clock.FixedClock(datetime(2027, 3, 1, tzinfo=timezone.utc))):
        assert calendar.missing_years(ctx) == [2027]

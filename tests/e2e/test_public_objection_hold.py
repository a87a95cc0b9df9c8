"""公示中: an objection filed online that the 村务监督委员会 has not handled when the publicity period
ends holds the period (it is not treated as passed) until the committee registers it (completing
its intake step: the matter goes to re-verification) or dismisses it, which it may do only with a
reason; on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from api import create_app
from engine import clock
from engine.errors import InvalidData
from engine.identity import Grant
from engine.services import Actor, matters, objections, timers
from engine.services.demo_answers import DIBAO_WANG
from engine.services.demo_walk import Scene
from tests.e2e.conftest import display_name, make_user
from tests.e2e.public_helpers import TOKEN, walk_one

VILLAGE = "lushui_village"
COMMITTEE = Actor("jianwei", frozenset({Grant("SUPERVISION_COMMITTEE", VILLAGE)}))


def objected(ctx):
    """A 低保 appraisal notice in its period with an objection filed online, and the portal."""
    matter = walk_one(ctx, Scene("dibao", "王大山户低保", DIBAO_WANG, stop_after="publish_first_review"))
    app = create_app({"TESTING": True, "SECRET_KEY": "hold-test"}, context=ctx)
    client = app.test_client()
    (token,) = TOKEN.findall(client.get(f"/public/{VILLAGE}/publicity").get_data(as_text=True))
    assert client.post("/public/objections", data={"token": token, "text": "王大山家有一辆新货车"}).status_code == 303
    intake = next(s for s in matters.get_matter(ctx, Actor.system(), matter.id).ready_steps if s.objection_intake)
    ends = client.get(f"/public/api/{VILLAGE}/publicity").json["periods"][0]["publicity"]["ends_at"]
    return app, client, matter, intake, ends


def past_the_end(ctx, matter):
    """Run the timer worker a day after the period's end."""
    due = matters.get_matter(ctx, Actor.system(), matter.id).waiting_timers[0].due
    due = due if isinstance(due, datetime) else datetime.fromisoformat(str(due))
    later = clock.FixedClock(due + timedelta(days=1))
    with clock.use_clock(later):
        return timers.advance_due_timers(ctx, Actor.system()), later


def test_an_unhandled_objection_holds_the_period_past_its_end(ctx):
    app, client, matter, intake, _ = objected(ctx)
    done, later = past_the_end(ctx, matter)
    assert [d.fired for d in done if d.matter_id == matter.id] == [()], "the period's timer did not fire"
    after = matters.get_matter(ctx, Actor.system(), matter.id)
    assert [s.id for s in after.ready_steps if s.objection_intake] == [intake.id], "still in its period"
    history = [e.event for e in matters.matter_history(ctx, Actor.system(), matter.id)]
    assert history.count("publicity_held") == 1 and "timer_fired" not in history[history.index("publicity_held"):]
    with clock.use_clock(later):
        assert timers.advance_due_timers(ctx, Actor.system()) == [], "the worker does not pick a held matter up again"
        (period,) = client.get(f"/public/api/{VILLAGE}/publicity").json["periods"]
        assert period["publicity"]["held"] is True
        page = client.get(f"/public/{VILLAGE}/publicity").get_data(as_text=True)
        assert "不视为公示期满" in page and 'name="token"' not in page, "no new objection after the end"
        late = client.post("/public/objections", data={"token": "x", "text": "再提一条异议"})
        assert late.status_code == 409


def test_registering_it_sends_the_matter_to_reverification(ctx):
    _, _, matter, intake, _ = objected(ctx)
    past_the_end(ctx, matter)
    done = matters.complete_step(ctx, COMMITTEE, intake.id, {"objection": "王大山家有一辆新货车", "objector": "网上匿名"})
    assert [s.step_id for s in done.ready_steps] == ["reverify_first_review"]
    (row,) = matters.get_matter(ctx, Actor.system(), matter.id).public_objections
    assert row.registered_by == "jianwei" and row.dismissed_at is None


def test_dismissing_needs_a_reason_then_the_held_period_passes(ctx):
    app, client, matter, intake, _ = objected(ctx)
    _, later = past_the_end(ctx, matter)
    (row,) = matters.get_matter(ctx, Actor.system(), matter.id).public_objections
    with clock.use_clock(later):
        with pytest.raises(InvalidData) as refused:
            objections.dismiss_objection(ctx, COMMITTEE, intake.id, row.id, "  ")
        assert "理由" in refused.value.errors["reason"]
        stranger = Actor("cunwei", frozenset({Grant("VILLAGE_COMMITTEE", VILLAGE)}))
        with pytest.raises(Exception) as forbidden:
            objections.dismiss_objection(ctx, stranger, intake.id, row.id, "与本公示无关的内容")
        assert "村务监督委员会" in str(forbidden.value)
        result = objections.dismiss_objection(ctx, COMMITTEE, intake.id, row.id, "反映的是另一户的情况，与本公示无关")
    assert result.period_passed is True
    after = matters.get_matter(ctx, Actor.system(), matter.id)
    assert not any(s.objection_intake for s in after.ready_steps), "the period passed once the objection was dismissed"
    (row,) = after.public_objections
    assert row.dismissed_by == "jianwei" and row.dismissal_reason == "反映的是另一户的情况，与本公示无关"
    events = {e.event: e for e in matters.matter_history(ctx, Actor.system(), matter.id)}
    assert events["public_objection_dismissed"].payload["reason"] == "反映的是另一户的情况，与本公示无关"
    assert "timer_fired" in events
    assert client.get(f"/public/api/{VILLAGE}/publicity").json["periods"] == []


def test_dismissing_over_the_api_and_on_the_step_page(ctx):
    from engine.services.demo import seed_demo
    from tests.browser.web import WebClient
    seed_demo(ctx, Actor.system())
    app, _, matter, intake, _ = objected(ctx)
    (row,) = matters.get_matter(ctx, Actor.system(), matter.id).public_objections
    api = app.test_client()
    headers = {"Authorization": f"Bearer {make_user(ctx, 'jianwei2', ['SUPERVISION_COMMITTEE'])}"}
    url = f"/api/v1/tasks/{intake.id}/objections/{row.id}/dismiss"
    assert api.post(url, json={"reason": ""}, headers=headers).status_code == 422
    assert api.post(f"/api/v1/tasks/{intake.id}/objections/999999/dismiss", json={"reason": "重复提交的异议"},
                    headers=headers).status_code == 404
    web = WebClient(app)
    web.login("supervision_committee.lushui_village")
    page = web.get(f"/tasks/{intake.id}").get_data(as_text=True)
    assert "不予受理（须写明理由）" in page and "收到 · 未留姓名和电话" in page     # the committee may know who: nobody said
    answer = api.post(url, json={"reason": "重复提交的异议"}, headers=headers)
    assert answer.status_code == 200 and answer.json["objection"]["dismissal_reason"] == "重复提交的异议"
    assert set(answer.json) == {"objection", "matter_id", "status", "period_passed"} and answer.json["status"] == "running"
    assert set(answer.json["objection"]) == {"id", "text", "received_at", "registered_at", "registered_by", "dismissed_at",
                                             "dismissed_by", "dismissal_reason", "audit_seq", "name", "phone"}
    assert (answer.json["objection"]["name"], answer.json["objection"]["phone"]) == (None, None)
    assert answer.json["period_passed"] is False, "dismissed within the period: the period runs on"
    assert api.post(url, json={"reason": "重复提交的异议"}, headers=headers).status_code == 409
    assert f"已由 {display_name('jianwei2')} 决定不予受理" in web.get(f"/tasks/{intake.id}").get_data(as_text=True)

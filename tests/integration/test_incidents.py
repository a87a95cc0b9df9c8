"""Incidents: a matter that fails inside the engine says where, why (in Chinese) and when; an
administrator retries it after correcting the data, or cancels it; all of it audited."""
import pytest

from engine.errors import Conflict, Forbidden, InvalidData
from engine.identity import Grant
from engine.services import Actor, audit, definitions, incidents, matters
from tests.hostile.items import field, item

SYSTEM = Actor.system()
ADMIN = Actor("qingshan_admin", frozenset([Grant("TOWNSHIP_ADMIN", "qingshan_town")]))
SUPERVISOR = Actor("discipline", frozenset([Grant("TOWNSHIP_DISCIPLINE", "qingshan_town")]))
OTHER_TOWN_ADMIN = Actor("other_admin", frozenset([Grant("TOWNSHIP_ADMIN", "baiyun_town")]))
CLERK = Actor("clerk", frozenset([Grant("VILLAGE_COMMITTEE", "lushui_village")]))


def failed_matter(ctx) -> dict:
    """A township item dividing by the number of households a clerk may enter as 0."""
    definitions.upload_definition(ctx, ADMIN, "qingshan_town", "hostile_item.bpmn",
                                  item(step_fields=field("households", "long", "户数"),
                                       condition="amount / households > 100"), publish=True)
    matter = matters.start_matter(ctx, SYSTEM, "hostile_item", "lushui_village", "除以零", {"amount": 1000})
    return matters.complete_step(ctx, SYSTEM, matter.ready_steps[0].id, {"households": 0})


def test_a_failed_matter_is_an_incident_naming_step_reason_and_time(ctx):
    matter = failed_matter(ctx)
    assert matter.status == "error"
    (incident,), total = incidents.list_incidents(ctx, SUPERVISOR, "open", 1, 20)
    assert total == 1 and incident.matter_id == matter.id and incident.subject == "除以零"
    assert incident.element == "decide" and incident.element_name == "金额"
    assert incident.file == "townships/qingshan_town/hostile_item.bpmn"
    assert incident.reason == "计算表达式“amount / households > 100”时出错：除数为零（参与除法的数据为 0）"
    assert incident.occurred_at is not None and incident.attempts == 1 and incident.state_name == "待处理"
    assert incidents.list_incidents(ctx, OTHER_TOWN_ADMIN, None, 1, 20) == ([], 0)
    with pytest.raises(Forbidden):
        incidents.list_incidents(ctx, CLERK, None, 1, 20)


def test_a_retry_after_the_data_was_corrected_runs_the_matter_on(ctx):
    matter = failed_matter(ctx)
    for wrong in ({"nonsense": 1}, {"households": "很多"}):
        with pytest.raises(InvalidData) as refused:
            incidents.retry_matter(ctx, ADMIN, matter.id, "更正户数", wrong)
        assert set(refused.value.errors) == set(wrong)
    again = incidents.retry_matter(ctx, ADMIN, matter.id, "仍为 0，先试一次", {})
    assert again.status == "error"
    (incident,), _ = incidents.list_incidents(ctx, ADMIN, "open", 1, 20)
    assert incident.attempts == 2

    after = incidents.retry_matter(ctx, ADMIN, matter.id, "村委会核实：户数为 5", {"households": 5})
    assert after.status == "completed" and after.outcome == "大额" and after.data["households"] == 5
    assert after.error is None
    assert incidents.list_incidents(ctx, ADMIN, "open", 1, 20) == ([], 0)
    (closed,), _ = incidents.list_incidents(ctx, ADMIN, "retried", 1, 20)
    assert closed.resolved_by == "qingshan_admin" and closed.resolution == "村委会核实：户数为 5"
    history = [e for e in matters.matter_history(ctx, SYSTEM, matter.id)]
    names = [e.event for e in history]
    assert names.count("engine_error") == 2 and names.count("matter_retried") == 2 and names[-1] == "matter_completed"
    retried = [e for e in history if e.event == "matter_retried"][-1]
    assert retried.actor == "qingshan_admin" and retried.payload["changes"] == {"households": [0, 5]}
    assert audit.verify_chain(ctx, SYSTEM).ok
    with pytest.raises(Conflict):
        incidents.retry_matter(ctx, ADMIN, matter.id, "再来", {})


def test_only_an_administrator_over_the_village_retries(ctx):
    matter = failed_matter(ctx)
    for who in (SUPERVISOR, CLERK):
        with pytest.raises(Forbidden):
            incidents.retry_matter(ctx, who, matter.id, "试试", {"households": 2})
    with pytest.raises(InvalidData):
        incidents.retry_matter(ctx, ADMIN, matter.id, "  ", {"households": 2})
    assert matters.get_matter(ctx, SYSTEM, matter.id).status == "error"


def test_a_failed_matter_cancelled_with_a_reason_closes_its_incident(ctx):
    matter = failed_matter(ctx)
    cancelled = matters.cancel_matter(ctx, ADMIN, matter.id, "定义有误，已上传更正版本，重新发起")
    assert cancelled.status == "cancelled"
    (closed,), _ = incidents.list_incidents(ctx, ADMIN, None, 1, 20)
    assert closed.state == "cancelled" and closed.resolution == "定义有误，已上传更正版本，重新发起"
    assert audit.verify_chain(ctx, SYSTEM).ok

"""Services answer frozen views (issue 18, item 4: typed boundaries), not ORM rows or loose dicts.

The entry points of the converted families are annotated to return frozen, slotted dataclasses (or
a list or tuple of them; a page: the list and its total), checked here from their annotations so a
new entry point, or one changed back to a dict, fails. The views themselves are no mapping: a caller
reads `m.status`, never `m["status"]`, so the loose-dict contract cannot come back unnoticed.

The public portal's services (engine/services/public) have no actor (a villager logs in nowhere):
their entry points are fn(ctx, ...), checked the same way, and the few that answer a document or a
version string rather than data are listed with their exact answer and the reason."""
from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from datetime import datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest

from engine.services import (anchors, archives, attachment_views, attachments, audit, backups, calendar, definition_views,
                             definitions, dossiers, flowchart_views, flowcharts, identity, incidents, matters,
                             notifications, objections, operations_views, orgs, parameters, people_views, preview,
                             redlines, registers, registry, statistics, tallies, timers, views, warnings)
from engine.services.complaints import demo as complaint_demo
from engine.services.complaints import intake, merging, ratings, reads
from engine.services.complaints import statistics as complaint_statistics
from engine.services.complaints import views as complaint_views
from engine.services.complaints import worker as complaint_worker
from engine.services.public import board, catalogue, records
from engine.services.public import complaints as portal_complaints
from engine.services.public import objections as portal_objections
from engine.services.public import views as portal_views
from engine.store.models import Base
from engine.vocabulary import ComplaintStatus, DefinitionState, MatterStatus, StepStatus

# The modules whose every entry point (a public fn(ctx, actor, ...)) answers views.
CONVERTED = (matters, preview, dossiers, incidents, warnings, timers, tallies, statistics, reads, intake, merging, ratings,
             complaint_statistics, objections, redlines, definitions, registry, parameters, orgs, identity, audit,
             archives, backups, calendar, registers, flowcharts, attachments)
# The modules holding the views those answer.
VIEW_MODULES = (views, definition_views, people_views, operations_views, flowchart_views, attachment_views,
                complaint_views, portal_views)
# Entry points that answer a document (or nothing) rather than a record, with why: the check skips
# them, by name.
NOT_RECORDS: dict[str, str] = {
    "identity.revoke_token": "answers nothing: logging out revokes the token and that is all",
    "registers.remove_related": "answers nothing: the entry is deleted (and audited)",
    "attachments.download_attachment": "answers the file itself: its record (an AttachmentView) and its bytes",
}


def entry_points(module, not_records: bool = False) -> list:
    """The module's public fn(ctx, actor, ...); without `not_records`, not those NOT_RECORDS names."""
    return [fn for name, fn in vars(module).items()
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")
            and list(inspect.signature(fn).parameters)[:2] == ["ctx", "actor"]
            and (not_records or f"{module.__name__.rsplit('.', 1)[-1]}.{name}" not in NOT_RECORDS)]


# The portal's modules: every entry point (a public fn(ctx, ...)) answers views, but those listed
# below, which answer exactly what is listed, for the reason given.
PORTAL = (board, catalogue, portal_complaints, portal_objections, records)
NOT_VIEWS = {
    "records.version": (str, "the village's data version, which the pages' ETags are made of"),
    "catalogue.directory_version": (str, "the directory's data version, for its ETag"),
    "complaints.version": (str, "the cases' data version, for the complaint pages' ETags"),
    "board.anchors_version": (str, "the audit anchors' data version, for the ETags"),
    "board.periods": (list[str], "the periods a board has something for: period codes (2026-11), the addresses' parts"),
    "records.document": (tuple[portal_views.DocumentMeta, bytes],
                         "a public file: its bytes as they are, with what it is served as (a view)"),
}


def portal_entry_points(module) -> list:
    return [fn for name, fn in vars(module).items()
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_")
            and list(inspect.signature(fn).parameters)[:1] == ["ctx"]]


def portal_name(fn) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"


def is_view(cls) -> bool:
    return (isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
            and "__slots__" in vars(cls) and not hasattr(cls, "__getitem__"))


def answers_views(hint) -> bool:
    """A view; a list or tuple of views; a page (list of views, total); or a view or None."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is None:
        return is_view(hint)
    if origin is tuple and len(args) == 2 and args[1] is int:
        return answers_views(args[0])
    if origin in (list, tuple):
        return all(answers_views(a) for a in args if a is not Ellipsis)
    if origin in (typing.Union, types.UnionType):
        return all(a is type(None) or answers_views(a) for a in args)
    return False


def test_the_converted_modules_have_the_entry_points_we_expect():
    """The check below cannot pass by finding nothing."""
    found = {fn.__name__ for module in CONVERTED for fn in entry_points(module)}
    assert {"start_matter", "complete_step", "claim_step", "release_step", "reassign_step", "cancel_matter",
            "get_matter", "list_matters", "matter_history", "list_tasks", "to_do_page", "get_task", "start_preview",
            "complete_preview_step", "advance_preview_timer", "preview_page", "preview_matters",
            "matter_dossier", "retry_matter", "list_incidents", "list_warnings", "get_warning", "dismiss_warning",
            "assign_warning", "answer_warning", "verify_warning", "close_warning", "advance_due_timers",
            "rebuild", "statistics",
            "list_complaints", "get_complaint", "list_supervisions", "file_complaint", "register_submitted",
            "merge_complaints", "apply_online_ratings", "dismiss_objection", "sweep", "sweep_if_due",
            "upload_definition", "list_processes", "startable_processes", "get_process", "check_version",
            "publish_version", "withdraw_version", "list_versions", "diff_versions", "administered_townships",
            "township_items", "version_source", "save_model", "list_roles", "define_township_role",
            "list_parameters", "set_township_parameter", "define_township_parameter", "add_unit", "list_units",
            "create_user", "grant_role", "revoke_role", "list_users", "service_token", "verify_chain",
            "advance_checkpoint", "archive_closed_matters", "take_backup", "restore_backup", "get_year", "set_year",
            "list_related", "add_related", "item_flowchart_source", "version_flowchart_source",
            "matter_flowchart_source", "upload_attachment"} <= found


def test_the_entry_points_the_check_skips_are_real_and_answer_no_view():
    """The allowlist names real entry points, each with a reason, none of which answers views (else
    it belongs in the check): it cannot hide a converted entry point, nor outlive the one it names."""
    named = {f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}": fn
             for module in CONVERTED for fn in entry_points(module, not_records=True)}
    for name, reason in NOT_RECORDS.items():
        assert name in named and reason.strip(), name
        assert not answers_views(typing.get_type_hints(named[name]).get("return")), name


# Entry points not of the (ctx, actor, ...) shape that answer views all the same: the workers'
# (fn(ctx, adapter, ...)), the helpers other services call, the loader, the login.
OTHER_ENTRY_POINTS = [notifications.deliver_due, complaint_worker.run_complaint_jobs, complaint_demo.seed_demo_complaints,
                      objections.for_step, objections.for_matter, redlines.evaluate_matters, redlines.apply_hits,
                      definitions.sync_definitions, definitions.modeler_roles, identity.login, anchors.anchor_days,
                      anchors.list_anchors]


@pytest.mark.parametrize("fn", [fn for module in CONVERTED for fn in entry_points(module)] + OTHER_ENTRY_POINTS,
                         ids=lambda fn: f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}")
def test_every_entry_point_is_annotated_to_answer_frozen_views(fn):
    hint = typing.get_type_hints(fn).get("return")
    assert hint is not None, f"{fn.__name__} has no return annotation"
    assert answers_views(hint), f"{fn.__name__} answers {hint}, not frozen views"


def test_the_portal_modules_have_the_entry_points_we_expect():
    """The portal's check below cannot pass by finding nothing, nor by allowing what is gone."""
    found = {portal_name(fn) for module in PORTAL for fn in portal_entry_points(module)}
    assert {"board.board", "board.verify", "board.anchors", "catalogue.directory", "catalogue.village",
            "catalogue.power_list", "catalogue.power_item", "catalogue.item_flowchart_source", "records.overview",
            "records.section", "records.matter", "records.assets", "records.publicity",
            "complaints.file_public_complaint", "complaints.lookup", "complaints.rate_online", "complaints.public_cases",
            "complaints.figures", "objections.file_objection"} <= found
    assert set(NOT_VIEWS) <= found


@pytest.mark.parametrize("fn", [fn for module in PORTAL for fn in portal_entry_points(module)
                                if portal_name(fn) not in NOT_VIEWS], ids=portal_name)
def test_every_portal_entry_point_is_annotated_to_answer_frozen_views(fn):
    hint = typing.get_type_hints(fn).get("return")
    assert hint is not None, f"{fn.__name__} has no return annotation"
    assert answers_views(hint), f"{portal_name(fn)} answers {hint}, not frozen views"


@pytest.mark.parametrize("name", sorted(NOT_VIEWS))
def test_a_portal_entry_point_that_answers_no_view_answers_exactly_what_is_listed(name):
    module, function = name.split(".")
    fn = getattr(next(m for m in PORTAL if m.__name__.endswith(f".{module}")), function)
    expected, reason = NOT_VIEWS[name]
    assert reason and typing.get_type_hints(fn).get("return") == expected, name


def test_the_answers_checker_refuses_dicts_and_rows():
    assert not answers_views(dict) and not answers_views(tuple[list[dict], int]) and not answers_views(typing.Any)
    assert not answers_views(Base) and not answers_views(views.MatterView | dict)
    assert answers_views(tuple[list[views.MatterSummary], int]) and answers_views(views.StartedMatter | None)


VIEWS = [cls for module in VIEW_MODULES for cls in vars(module).values()
         if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__]


@pytest.mark.parametrize("cls", VIEWS, ids=lambda cls: cls.__name__)
def test_a_view_is_frozen_slotted_no_mapping_and_holds_no_orm_row(cls):
    assert is_view(cls)
    for name, hint in typing.get_type_hints(cls).items():
        named = [hint, *_nested(hint)]
        assert not any(isinstance(t, type) and issubclass(t, Base) for t in named), (cls.__name__, name)


def _nested(hint):
    for arg in typing.get_args(hint):
        yield arg
        yield from _nested(arg)


def test_a_view_cannot_be_changed_or_read_as_a_dict():
    step = views.TimerView(element="notice_period", name="公示期", due="2026-03-09T01:00:00+00:00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.name = "x"
    with pytest.raises(TypeError):
        step["name"]  # noqa: B018 - the subscript is what is tested
    assert dataclasses.asdict(step) == {"element": "notice_period", "name": "公示期",
                                        "due": "2026-03-09T01:00:00+00:00", "held": False}


NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
ROW = SimpleNamespace(id=7, process_key="major_decision", village_code="lushui_village", township_code="qingshan_town",
                      subject="修建村道", status="running", outcome=None, amount=Decimal("120000.50"), created_by="clerk",
                      created_at=NOW, updated_at=NOW, ended_at=None, next_timer_due=NOW, sandbox=False, definition_id=3,
                      data={"summary": "村道"}, params={"party_notice_days": 3, "complaint_phone": "0571-1234"}, error=None,
                      waiting_timers=[{"element": "party_notice_period", "name": "党员审阅", "due": "2026-03-05T09:00:00+00:00"}])
ITEM = SimpleNamespace(task_id="t-1", matter_id=7, process_key="major_decision", step_id="propose", step_name="提议",
                       objection_intake=False, role="PARTY_BRANCH", village_code="lushui_village",
                       township_code="qingshan_town", ready_since=NOW, due_at=None, claimed_by="clerk", state="ready",
                       completed_by=None, completed_at=None)
CTX = SimpleNamespace(role=lambda code: SimpleNamespace(name="村党组织") if code == "PARTY_BRANCH" else None)


def test_a_matter_answers_the_parameters_its_item_reads_and_the_dossier_all_of_them():
    """A township has some 200 parameters; an answer carries those the item reads (issue 17), in
    their stored order; `reads=None` (the dossier, whose flowchart words the telephones) keeps all."""
    assert views.matter(CTX, ROW, [], reads=frozenset({"party_notice_days"})).params == {"party_notice_days": 3}
    assert views.matter(CTX, ROW, [], reads=frozenset()).params == {}
    assert views.matter(CTX, ROW, [], reads=None).params == {"party_notice_days": 3, "complaint_phone": "0571-1234"}


def test_a_matter_view_names_each_column_of_its_row():
    """The builders pass the summary's fields by position (the step path builds one per step): each
    field is pinned here to the column it comes from."""
    m = views.matter(CTX, ROW, [ITEM], reads=frozenset({"party_notice_days", "summary"}))
    assert dataclasses.asdict(m) == {
        "id": 7, "process_key": "major_decision", "village": "lushui_village", "township": "qingshan_town",
        "subject": "修建村道", "status": "running", "status_name": "办理中", "outcome": None, "amount": 120000.5,
        "created_by": "clerk", "created_at": NOW, "updated_at": NOW, "ended_at": None, "next_timer_due": NOW,
        "sandbox": False, "version_id": 3, "data": {"summary": "村道"}, "params": {"party_notice_days": 3},
        "error": None, "ready_steps": ({
            "id": "t-1", "matter_id": 7, "process_key": "major_decision", "step_id": "propose", "name": "提议",
            "objection_intake": False, "role": "PARTY_BRANCH", "role_name": "村党组织", "village": "lushui_village",
            "township": "qingshan_town", "ready_since": NOW, "due_at": None, "claimed_by": "clerk", "state": "ready",
            "completed_by": None, "completed_at": None},),
        "waiting_timers": ({"element": "party_notice_period", "name": "党员审阅", "due": "2026-03-05T09:00:00+00:00",
                            "held": False},),
        "archived_at": None}
    assert m.status is MatterStatus.RUNNING and m.ready_steps[0].state is StepStatus.READY
    assert dataclasses.asdict(views.matter_summary(CTX, ROW)).items() <= dataclasses.asdict(m).items()
    replayed = views.matter(CTX, ROW, [], views.StartedMatter, replayed=True, reads=frozenset())
    assert replayed.replayed and replayed.ready_steps == () and isinstance(replayed, views.MatterView)
    done = views.extended(m, views.PreviewMatter, done_by="试运行·村党组织")
    assert done.done_by == "试运行·村党组织" and done.ready_steps[0] is m.ready_steps[0]   # nested views stay views


CASE = SimpleNamespace(id=12, number="SQ2026-000012", village_code="lushui_village", township_code="qingshan_town",
                       category="finance", channel="wechat", status="assigned", handler_level="township",
                       rating="dissatisfied", supervisions=1, matter_id=40, received_at=NOW, answer_due=NOW)


def test_a_complaint_summary_names_each_column_of_its_row():
    """complaint_summary passes its fields by position (ComplaintDetail extends them): each is pinned here."""
    c = complaint_views.complaint_summary(CASE, {"lushui_village": "绿水村"})
    assert dataclasses.asdict(c) == {
        "id": 12, "number": "SQ2026-000012", "village": "lushui_village", "village_name": "绿水村",
        "township": "qingshan_town", "category": "finance", "category_name": "财务", "channel": "wechat",
        "channel_name": "监督微信群", "status": "assigned", "status_name": "办理中", "handler_level": "township",
        "handler_name": "乡镇人民政府", "rating": "dissatisfied", "rating_name": "不满意", "supervisions": 1,
        "matter_id": 40, "received_at": NOW, "answer_due": NOW, "concluded": False}
    assert c.status is ComplaintStatus.ASSIGNED
    merged = complaint_views.complaint_summary(SimpleNamespace(**{**vars(CASE), "status": "merged"}), {})
    assert merged.concluded and merged.village_name == "lushui_village" and merged.status_name == "已并案办理"


OBJECTION = SimpleNamespace(id=3, text="王大山家有一辆新货车", received_at=NOW, task_id="t-9", registered_at=None,
                            registered_by=None, audit_seq=41, dismissed_at=None, dismissed_by=None, dismissal_reason=None,
                            name="村民张三", phone="13900001111")


def test_an_objection_has_the_objector_only_for_who_may_know():
    """Without the contact the fields are absent, not None: the API leaves them out, the step page
    says nothing of them (`o.name is defined`)."""
    shown = views.public_objection(OBJECTION, contact=True)
    assert (shown.name, shown.phone) == ("村民张三", "13900001111") and isinstance(shown, views.PublicObjectionView)
    hidden = views.public_objection(OBJECTION, contact=False)
    assert not hasattr(hidden, "name") and not hasattr(hidden, "phone")
    assert dataclasses.asdict(hidden) == {
        "id": 3, "text": "王大山家有一辆新货车", "received_at": NOW, "task_id": "t-9", "registered_at": None,
        "registered_by": None, "audit_seq": 41, "dismissed_at": None, "dismissed_by": None, "dismissal_reason": None}


VERSION = SimpleNamespace(id=4, process_key="tea_garden_subsidy", name="茶园补贴", category="惠农补贴", sha256="a" * 64,
                          bundle_sha256="b" * 64, owner_org="qingshan_town", state="withdrawn", is_current=False,
                          created_by="admin", loaded_at=NOW, published_by="admin", published_at=NOW,
                          withdrawn_by="admin", withdrawn_at=NOW, withdraw_reason="政策到期",
                          info={"start_role": "VILLAGE_COMMITTEE", "list_code": "QS-01", "policy_basis": "县文件",
                                "executing_body": "村委会", "supervising_body": "村监委会", "time_limit": "10个工作日",
                                "publicity": "公示5天", "steps": []})


def test_a_definition_view_names_each_column_of_its_row():
    summary = definition_views.summary(VERSION, definition_views.CatalogueItem, start_role_name="村民委员会")
    assert dataclasses.asdict(summary) == {
        "key": "tea_garden_subsidy", "name": "茶园补贴", "category": "惠农补贴", "version_id": 4, "sha256": "a" * 64,
        "bundle_sha256": "b" * 64, "owner_org": "qingshan_town", "start_role": "VILLAGE_COMMITTEE",
        "state": "withdrawn", "list_code": "QS-01", "policy_basis": "县文件", "executing_body": "村委会",
        "supervising_body": "村监委会", "time_limit": "10个工作日", "publicity": "公示5天", "start_role_name": "村民委员会"}
    version = definition_views.version(VERSION, {4: {"running": 2, "total": 5}})
    assert dataclasses.asdict(version) == {
        "version_id": 4, "key": "tea_garden_subsidy", "name": "茶园补贴", "owner_org": "qingshan_town",
        "state": "withdrawn", "state_name": "已撤回", "is_current": False, "sha256": "a" * 64, "created_by": "admin",
        "loaded_at": NOW, "published_by": "admin", "published_at": NOW, "withdrawn_by": "admin", "withdrawn_at": NOW,
        "withdraw_reason": "政策到期", "running_matters": 2, "matters": 5}
    assert version.state is DefinitionState.WITHDRAWN
    assert definition_views.version(VERSION, {}).matters == 0


# Every function of engine/services that still answers a dict, with why a dict is the right answer
# there: a lookup table (name -> value), a form's data or a JSON document served as it is, or a
# helper inside another service's unit of work. Any other dict answer fails below: a service
# changed back to a loose dict, or a new one written that way, is seen.
DICT_ANSWERS = {
    "attachments.store_uploads": "inside a step's unit of work: form field -> the new attachment ids it stores",
    "complaints.intake.check_reporter": "the reporter's fields as given, cleaned, before they are stored",
    "complaints.intake.start_data": "a workflow's start-form data (the engine's data is a dict)",
    "definition_views.summary_values": "keyword arguments the definition views are built from",
    "demo_answers.finance_period": "a demo matter's start-form data",
    "demo_history.plan": "the demo year's plan: week -> the scenes starting that week",
    "flowcharts.township_role_names": "a lookup table: role code -> name",
    "flowcharts.process_names": "a lookup table: item key -> name",
    "definitions.item_names": "a lookup table: item key -> name (withdrawn items too)",
    "health.readiness": "the /readyz document, served as it is (checks differ in what they report)",
    "health.operational_figures": "the figures /metrics exposes, by metric name",
    "identity.display_names": "a lookup table: login name -> the name pages show",
    "matters.parameter_labels": "a lookup table: parameter name -> label",
    "parameters.parameters_in_force": "a lookup table: parameter name -> its declaration and value",
    "parameters.effective_parameters": "a lookup table: parameter name -> value, a new matter's copy",
    "statistics.assessment_config": "processes/assessment.toml as read (weights by name)",
    "warnings.rule_names": "a lookup table: red-line rule code -> name, R1 to R22 in order",
}


def _service_functions():
    import importlib
    import pkgutil

    import engine.services as package
    for info in pkgutil.walk_packages(package.__path__, "engine.services."):
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if inspect.isfunction(fn) and fn.__module__ == module.__name__ and not name.startswith("_"):
                yield f"{module.__name__.removeprefix('engine.services.')}.{name}", fn


def _answers_a_dict(hint) -> bool:
    origin = typing.get_origin(hint) or hint
    if origin in (list, tuple, typing.Union, types.UnionType):
        return any(_answers_a_dict(a) for a in typing.get_args(hint))
    return origin is dict


def test_no_service_answers_a_loose_dict_but_those_listed_with_why():
    answering = {name for name, fn in _service_functions()
                 if _answers_a_dict(typing.get_type_hints(fn).get("return"))}
    assert answering - DICT_ANSWERS.keys() == set(), "answers a dict: a view, or listed here with why"
    assert DICT_ANSWERS.keys() - answering == set(), "listed but no longer answers a dict: take it off the list"
    assert all(reason.strip() for reason in DICT_ANSWERS.values())

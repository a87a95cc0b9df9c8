"""The matter page (status, timeline, flowchart, attachments, cancel), its flowchart image and
evidence downloads."""
from __future__ import annotations

from flask import redirect, request, url_for

from engine.errors import InvalidData
from engine.identity import ADMIN_ROLES
from engine.services import attachments, definitions, flowcharts, matters
from engine.services.views import MatterDetail, MatterView
from engine.vocabulary import MatterStatus
from render import StepState

from ...rest import ctx
from ...rest import tables
from ...rest.attachments import download_response
from ...rest.tables import csv_download
from ...rest.instances import dossier_response
from ...rest.flowcharts import chart_response
from ..blueprint import bp
from ..lookups import fields_as_collected, item_names, people, unit_names
from ..pages import actor, done, page
from ..timeline import findings_by_role, people_in, timeline


@bp.route("/matters/<int:matter_id>")
def matter(matter_id):
    return _matter_page(matters.get_matter(ctx(), actor(), matter_id))


def matter_page(matter_id: int, errors: dict, retry_form: dict, status: int):
    """The page again, with the retry form's errors beside its fields."""
    return _matter_page(matters.get_matter(ctx(), actor(), matter_id), errors, status=status, retry_form=retry_form)


def _matter_page(matter: MatterDetail, errors: dict | None = None, reason: str = "", status: int = 200,
                 retry_form: dict | None = None):
    history = matters.matter_history(ctx(), actor(), matter.id)
    fields = fields_as_collected(actor(), matter.process_key, history)
    roles = {code: role.name for code, role in ctx().roles.items()}
    incident = next((e for e in reversed(history) if e.event == "engine_error"), None) \
        if matter.status == MatterStatus.ERROR else None
    names = people(people_in(history))
    events = timeline(history, fields, roles, names)
    return page("matter.html", status, matter=matter, fields=fields, events=events,
                per_role=findings_by_role(history, roles, names),
                steps=step_list(matter),
                files={a.id: a for a in matter.attachments}, items=item_names(actor()),
                villages=unit_names(actor()), may_cancel=_may_cancel(matter), errors=errors or {}, reason=reason,
                incident=incident, retry_form=retry_form or {},
                correctable={n: f for n, f in fields.items() if f["type"] not in ("file", "table")})


STATE_WORDS = {"completed": "已完成", "ready": "待办", "waiting": "等待中", "cancelled": "已取消", "error": "异常",
               "untaken": "未经过"}


def step_list(matter: MatterView) -> list[dict]:
    """The item's steps in order with where this matter is on each: the chart's progress as a list
    a phone can read without zooming."""
    item = definitions.get_process(ctx(), actor(), matter.process_key)
    states = flowcharts.matter_flowchart_source(ctx(), actor(), matter.id).states
    steps = []
    for step in item.steps:
        state = (states.get(step["id"]) or {}).get("state", "untaken")
        steps.append({**step, "state": state, "state_words": STATE_WORDS.get(state, state)})
    return steps


def _may_cancel(matter: MatterView) -> bool:
    # Only a hint for showing the form: cancel_matter itself checks the administrator's scope.
    return matter.status in (MatterStatus.RUNNING, MatterStatus.ERROR) and any(g.role in ADMIN_ROLES for g in actor().grants)


@bp.route("/matters/<int:matter_id>/cancel", methods=["POST"])
def cancel(matter_id):
    reason = request.form.get("reason", "")
    try:
        matters.cancel_matter(ctx(), actor(), matter_id, reason)
    except InvalidData as exc:
        return _matter_page(matters.get_matter(ctx(), actor(), matter_id), exc.errors, reason, 422)
    done(f"事项 #{matter_id} 已撤销。")
    return redirect(url_for("web.matter", matter_id=matter_id))


@bp.route("/matters/<int:matter_id>/flowchart.svg")
def matter_flowchart(matter_id):
    source = flowcharts.matter_flowchart_source(ctx(), actor(), matter_id)
    overlay = {element: StepState(**state) for element, state in source.states.items()}
    response = chart_response(source, "svg", overlay)
    if request.args.get("v"):
        # The pages ask with the matter's last change in the address (`v`): an action on the matter
        # gives the next page a new address, so this browser may keep the chart a while (site.js
        # reads it again to open it on the current step: from the cache, not another drawing).
        response.headers["Cache-Control"] = "private, max-age=600"
    return response


@bp.route("/attachments/<attachment_id>")
def attachment(attachment_id):
    return download_response(*attachments.download_attachment(ctx(), actor(), attachment_id))


@bp.route("/matters/<int:matter_id>/dossier.<any(pdf, zip):fmt>")
def dossier(matter_id, fmt):
    return dossier_response(ctx(), actor(), matter_id, fmt)



@bp.route("/matters/<int:matter_id>/tables/<field>.csv")
def matter_table_csv(matter_id, field):
    """A list (table field) of a matter, whole, as CSV with its labels as header (UTF-8 with BOM,
    Excel opens it): for whoever may see the matter, to check, or to correct and upload again."""
    return csv_download(*tables.matter_table_csv(actor(), matter_id, field))

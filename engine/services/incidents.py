"""Incidents: matters the engine could not run on (status `error`), and what an administrator
does about them: retry after the data was corrected, or cancel with a reason (matters.cancel_matter).

A retry runs the matter again on the definition version it started on. It does not move a matter to
a newer version of its item: SpiffWorkflow has no supported migration of a running instance
between specs (docs/engine-notes.md §9.14), and a matter's history must show which rules it ran under. A
fault in the definition itself is fixed by uploading a corrected item, cancelling the failed matter
with the reason, and starting it again, which runs on the corrected version.
"""
from __future__ import annotations

from dataclasses import replace

from .. import clock
from ..errors import Conflict, Forbidden, InvalidData
from ..forms import Form, clean_form_data, refuse_parameter_names
from ..identity import ADMIN_ROLES, SUPERVISOR_ROLES
from ..store.keyset import page_start
from ..vocabulary import MatterStatus
from . import views
from .views import IncidentView, MatterView
from .access import records_refusals, require_admin, visible_matter
from .persistence import load_matter, save_matter

STATES = ("open", "retried", "cancelled")
STATE_NAMES = {"open": "待处理", "retried": "已重试恢复", "cancelled": "已撤销事项"}


def list_incidents(ctx, actor, state: str | None, page: int, per_page: int, after: str | None = None
                   ) -> tuple[list[IncidentView], int]:
    """Incidents in the villages the actor supervises or administers, newest first: `page` by number
    or the one after the cursor `after`; the total carries the next page's cursor (as
    matters.list_matters).

    Raises:
        Forbidden: the actor is neither a supervisor nor an administrator.
        InvalidData: an unknown state; a page past keyset.MAX_OFFSET rows by number, or a cursor not
            of this list.
    """
    if state is not None and state not in STATES:
        raise InvalidData("状态有误", {"state": f"应为 {'、'.join(STATES)} 之一"})
    units = {g.org for g in actor.grants if g.role in ADMIN_ROLES + SUPERVISOR_ROLES}
    if not actor.is_system and not units:
        raise Forbidden("只有监督人员和管理员可以查看运行故障")
    start = page_start(page, per_page, after)
    with ctx.uow(readonly=True) as uow:
        villages = None if actor.is_system else uow.orgs.within(units)
        rows, total = uow.incidents.search(state, villages, start, per_page, after=after)
        return [incident_view(row) for row in rows], total


@records_refusals("retry_matter")
def retry_matter(ctx, actor, matter_id: int, reason: str, corrections: dict | None = None) -> MatterView:
    """Run a failed matter again, after its data was corrected (`corrections`: field -> value,
    checked against the item's forms); the matter afterwards: `running` (or ended) when the retry
    went through, still `error` (with one more attempt on its incident) when it failed again.

    Raises:
        InvalidData: no reason, or a correction that is not a field of the item or fails its form.
        Forbidden: the actor is not an administrator over the matter's village.
        NotFound: no such matter in the actor's reach.
        Conflict: the matter is not in status `error`.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData("请填写重试原因", {"reason": "重试原因不能为空（如：已更正户数）"})
    with ctx.uow() as uow:
        record = visible_matter(uow, actor, matter_id, lock=True, acting=True)
        require_admin(uow, actor, record.village_code, "重试事项")
        if record.status != MatterStatus.ERROR:
            raise Conflict("事项未处于出错状态，无需重试")
        matter = load_matter(ctx, uow, record)
        cleaned = _corrections(matter.bundle, corrections or {}, {**record.data, **record.params}, record.params)
        now = clock.now()
        incident = uow.incidents.open_for(record.id)
        changes = {k: [record.data.get(k), v] for k, v in cleaned.items() if record.data.get(k) != v}
        uow.audit.append("matter_retried", actor.name, record.id, {
            "reason": reason, "data": cleaned, "changes": changes,
            "incident": incident.id if incident else None}, now.isoformat())
        events = matter.retry(cleaned)
        record.data = {**record.data, **cleaned}
        save_matter(uow, record, matter, actor, events=events, now=now)
        if incident is not None and record.status != MatterStatus.ERROR:
            resolve(incident, "retried", actor, now, reason)
        result = views.matter(ctx, record, uow.inbox.ready_for_matter(record.id), reads=matter.bundle.reads)
        uow.commit()
        return result


def resolve(incident, state: str, actor, now, reason: str) -> None:
    incident.state, incident.resolved_by, incident.resolved_at, incident.resolution = state, actor.name, now, reason


def _corrections(bundle, submitted: dict, context: dict, params: dict) -> dict:
    """Corrections typed and checked by the fields they name, from any form of the item."""
    if not isinstance(submitted, dict):
        raise InvalidData("更正数据必须是对象", {"data": "必须是对象（字段名: 值）"})
    fields = {}
    for info in bundle.processes.values():
        for form in [info.start_form, *(step.form for step in info.steps.values())]:
            for field in form.fields:
                fields.setdefault(field.name, field)
    errors = {name: "本事项的表单中没有此字段" for name in submitted if name not in fields}
    errors.update({name: "附件不能在重试时更正" for name in submitted if name in fields and fields[name].type == "file"})
    if errors:
        raise InvalidData("更正数据有误", errors)
    form = Form(tuple(replace(fields[name], required=False) for name in submitted))
    cleaned = clean_form_data(form, submitted, context, bundle.labels)
    refuse_parameter_names(cleaned, params)
    return cleaned


def incident_view(row) -> IncidentView:
    return IncidentView(id=row.id, matter_id=row.matter_id, process_key=row.process_key, subject=row.subject,
                        village=row.village_code, township=row.township_code, process=row.process, file=row.file,
                        element=row.element, element_name=row.element_name, reason=row.reason, detail=row.detail,
                        occurred_at=row.occurred_at, attempts=row.attempts, state=row.state,
                        state_name=STATE_NAMES.get(row.state, row.state), resolved_by=row.resolved_by,
                        resolved_at=row.resolved_at, resolution=row.resolution)

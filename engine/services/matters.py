"""Matter use cases: start, complete a step, cancel, and the reads that go with them."""
from __future__ import annotations

from .. import clock
from ..errors import Conflict, Forbidden, InvalidData, NotFound
from ..forms import clean_form_data
from ..runtime import RUNNING, Matter
from ..store.models import Instance
from . import views
from .attachments import link_cited_files
from .attachments import view as attachment_view
from .persistence import effective_parameters, load_matter, save_matter

MAX_SUBJECT = 200


def start_matter(ctx, actor, process_key: str, village: str, subject: str, data: dict) -> dict:
    subject = (subject or "").strip()
    if not subject or len(subject) > MAX_SUBJECT:
        raise InvalidData("事项标题有误", {"subject": f"标题不能为空，且不超过{MAX_SUBJECT}个字"})
    with ctx.uow() as uow:
        unit = uow.orgs.get(village)
        if unit is None or unit.level != "village":
            raise InvalidData("没有这个村", {"village": f"没有编码为 {village} 的村"})
        version = uow.definitions.current(process_key)
        if version is None:
            raise InvalidData("没有这个事项", {"process_key": f"权力清单中没有 {process_key}"})
        bundle = ctx.bundles.get(version)
        params = effective_parameters(ctx, uow, unit.parent_code)
        cleaned = clean_form_data(bundle.info.start_form, data or {}, params)
        now = clock.now()
        matter = Matter.start(bundle, {**params, **cleaned})
        instance = uow.instances.add(Instance(
            definition_id=version.id, process_key=process_key, village_code=village,
            township_code=unit.parent_code, subject=subject, status=RUNNING, data=cleaned, params=params,
            amount=cleaned.get("amount"), state="", serializer_version="", waiting_timers=[],
            created_by=actor.name, created_at=now, updated_at=now))
        link_cited_files(uow, bundle.info.start_form, cleaned, instance.id)
        uow.audit.append("matter_started", actor.name, instance.id, {
            "process_key": process_key, "version_id": version.id, "bundle_sha256": version.bundle_sha256,
            "village": village, "subject": subject, "data": cleaned, "params": params}, now.isoformat())
        save_matter(uow, instance, matter, actor, events=matter.start_events, now=now)
        uow.commit()
        return views.matter(ctx, instance, uow.inbox.ready_for_instance(instance.id))


def complete_step(ctx, actor, task_id: str, data: dict) -> dict:
    with ctx.uow() as uow:
        item = uow.inbox.get(task_id)
        if item is None:
            raise NotFound(f"找不到步骤 {task_id}")
        instance = uow.instances.get(item.instance_id, lock=True)
        item = uow.inbox.get(task_id)           # re-read under the matter's lock
        if item.state != "ready":
            who = f"，已由 {item.completed_by} 办理" if item.completed_by else ""
            raise Conflict(f"该步骤已不可办理{who}")
        if item.role not in actor.roles:
            raise Forbidden(f"办理此步骤需要“{views.role_name(ctx, item.role)}”角色")
        matter = load_matter(ctx, uow, instance)
        link_cited_files(uow, matter.bundle.step(item.process_key, item.step_id).form, data or {}, instance.id)
        cleaned, events = matter.complete(task_id, data or {})
        now = clock.now()
        item.state, item.completed_by, item.completed_at = "completed", actor.name, now
        changes = {k: [instance.data.get(k), v] for k, v in cleaned.items() if instance.data.get(k) != v}
        instance.data = {**instance.data, **cleaned}
        if "amount" in cleaned:
            instance.amount = cleaned["amount"]
        uow.audit.append("step_completed", actor.name, instance.id, {
            "task_id": task_id, "process_key": item.process_key, "step": item.step_id,
            "step_name": item.step_name, "role": item.role, "data": cleaned, "changes": changes}, now.isoformat())
        save_matter(uow, instance, matter, actor, events=events, now=now)
        uow.commit()
        return views.matter(ctx, instance, uow.inbox.ready_for_instance(instance.id))


def cancel_matter(ctx, actor, instance_id: int, reason: str) -> dict:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData("请填写撤销原因", {"reason": "撤销原因不能为空"})
    with ctx.uow() as uow:
        instance = _instance(uow, instance_id, lock=True)
        if instance.status not in (RUNNING, "error"):
            raise Conflict(f"事项已{views.STATUS_NAMES.get(instance.status, instance.status)}，不能撤销")
        matter = load_matter(ctx, uow, instance)
        matter.cancel()
        now = clock.now()
        uow.audit.append("matter_cancelled", actor.name, instance.id, {"reason": reason}, now.isoformat())
        save_matter(uow, instance, matter, actor, events=[], now=now, force_status="cancelled")
        uow.commit()
        return views.matter(ctx, instance, [])


def get_matter(ctx, actor, instance_id: int) -> dict:
    with ctx.uow() as uow:
        instance = _instance(uow, instance_id)
        return {**views.matter(ctx, instance, uow.inbox.ready_for_instance(instance.id)),
                "attachments": [attachment_view(a) for a in uow.attachments.for_instance(instance.id)]}


def list_matters(ctx, actor, filters: dict, page: int, per_page: int) -> tuple[list[dict], int]:
    with ctx.uow() as uow:
        columns = {"process_key": filters.get("process_key"), "village_code": filters.get("village"),
                   "township_code": filters.get("township"), "status": filters.get("status")}
        rows, total = uow.instances.search(columns, (page - 1) * per_page, per_page)
        return [views.matter_summary(ctx, row) for row in rows], total


def matter_history(ctx, actor, instance_id: int) -> list[dict]:
    with ctx.uow() as uow:
        _instance(uow, instance_id)
        return [views.event(e) for e in uow.audit.for_instance(instance_id)]


def list_tasks(ctx, actor, role: str | None, village: str | None, page: int, per_page: int):
    with ctx.uow() as uow:
        rows, total = uow.inbox.search([role] if role else None, village, (page - 1) * per_page, per_page)
        return [views.task_summary(ctx, row) for row in rows], total


def get_task(ctx, actor, task_id: str) -> dict:
    with ctx.uow() as uow:
        item = uow.inbox.get(task_id)
        if item is None:
            raise NotFound(f"找不到步骤 {task_id}")
        instance = uow.instances.get(item.instance_id)
        bundle = ctx.bundles.get(uow.definitions.get(instance.definition_id))
        step = bundle.step(item.process_key, item.step_id)
        return {**views.task_summary(ctx, item), "form": step.as_dict()["form"],
                "matter": views.matter_summary(ctx, instance), "data": instance.data,
                "policy_basis": bundle.info.metadata.get("policy_basis")}


def _instance(uow, instance_id: int, lock: bool = False):
    instance = uow.instances.get(instance_id, lock=lock)
    if instance is None:
        raise NotFound(f"找不到事项 {instance_id}")
    return instance

"""Plain-dict views of stored rows, shared by the services (the API schemas serialize them)."""
from __future__ import annotations

STATUS_NAMES = {"running": "办理中", "completed": "已办结", "cancelled": "已撤销", "error": "出错"}


def role_name(ctx, code: str) -> str:
    role = ctx.roles.get(code)
    return role.name if role else code


def matter_summary(ctx, instance) -> dict:
    return {"id": instance.id, "process_key": instance.process_key, "village": instance.village_code,
            "township": instance.township_code, "subject": instance.subject, "status": instance.status,
            "status_name": STATUS_NAMES.get(instance.status, instance.status), "outcome": instance.outcome,
            "amount": float(instance.amount) if instance.amount is not None else None,
            "created_by": instance.created_by, "created_at": instance.created_at,
            "updated_at": instance.updated_at, "ended_at": instance.ended_at,
            "next_timer_due": instance.next_timer_due}


def matter(ctx, instance, ready_items) -> dict:
    return {**matter_summary(ctx, instance), "version_id": instance.definition_id, "data": instance.data,
            "params": instance.params, "error": instance.error,
            "ready_steps": [task_summary(ctx, item) for item in ready_items],
            "waiting_timers": instance.waiting_timers}


def task_summary(ctx, item) -> dict:
    return {"id": item.task_id, "instance_id": item.instance_id, "process_key": item.process_key,
            "step_id": item.step_id, "name": item.step_name, "objection_intake": item.objection_intake,
            "role": item.role,
            "role_name": role_name(ctx, item.role), "village": item.village_code,
            "township": item.township_code, "ready_since": item.ready_since, "due_at": item.due_at,
            "claimed_by": item.claimed_by}


def event(row) -> dict:
    return {"seq": row.seq, "at": row.at, "event": row.event, "actor": row.actor,
            "instance_id": row.instance_id, "payload": row.payload, "hash": row.hash,
            "prev_hash": row.prev_hash}

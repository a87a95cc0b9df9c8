"""Plain-dict views of stored rows, shared by the services (the API schemas serialize them)."""
from __future__ import annotations

from ..vocabulary import matter_status_label


def role_name(ctx, code: str) -> str:
    role = ctx.role(code)
    return role.name if role else code


def matter_summary(ctx, record) -> dict:
    return {"id": record.id, "process_key": record.process_key, "village": record.village_code,
            "township": record.township_code, "subject": record.subject, "status": record.status,
            "status_name": matter_status_label(record.status), "outcome": record.outcome,
            "amount": float(record.amount) if record.amount is not None else None,
            "created_by": record.created_by, "created_at": record.created_at,
            "updated_at": record.updated_at, "ended_at": record.ended_at,
            "next_timer_due": record.next_timer_due, "sandbox": bool(getattr(record, "sandbox", False))}


def matter(ctx, record, ready_items) -> dict:
    return {**matter_summary(ctx, record), "version_id": record.definition_id, "data": record.data,
            "params": record.params, "error": record.error,
            "ready_steps": [task_summary(ctx, item) for item in ready_items],
            "waiting_timers": record.waiting_timers,
            "archived_at": getattr(record, "archived_at", None)}   # set once `xiaowei archive` moved it


def task_summary(ctx, item) -> dict:
    return {"id": item.task_id, "matter_id": item.matter_id, "process_key": item.process_key,
            "step_id": item.step_id, "name": item.step_name, "objection_intake": item.objection_intake,
            "role": item.role,
            "role_name": role_name(ctx, item.role), "village": item.village_code,
            "township": item.township_code, "ready_since": item.ready_since, "due_at": item.due_at,
            "claimed_by": item.claimed_by, "state": item.state, "completed_by": item.completed_by,
            "completed_at": item.completed_at}


def event(row) -> dict:
    return {"seq": row.seq, "at": row.at, "event": row.event, "actor": row.actor,
            "matter_id": row.matter_id, "payload": row.payload, "hash": row.hash,
            "prev_hash": row.prev_hash}

"""Objections villagers filed on the public portal, as the workspace shows them.

The 村务监督委员会 sees them on the publicity period's objection-intake step (with the objector's
name and phone, if given: it may need to ask back) and registers one by completing the step as for
an objection received in person; the step's form comes prefilled with what was received. Others
who can see the matter see that objections arrived, not who sent them."""
from __future__ import annotations

from ..identity import SUPERVISOR_ROLES

ANONYMOUS = "网上匿名"


def for_step(uow, actor, item, record) -> dict:
    """{"public_objections": [...], "suggested_data": {...}} for a step's page; empty lists for a
    step that takes no objections."""
    if not item.objection_intake:
        return {"public_objections": [], "suggested_data": {}}
    rows = uow.public_objections.for_task(item.task_id)
    lineage = uow.lineage(record.village_code)
    contact = actor.reaches(lineage, item.role) or any(actor.reaches(lineage, r) for r in SUPERVISOR_ROLES)
    shown = [_view(row, contact) for row in rows]
    waiting = [o for o in shown if o["registered_at"] is None]
    suggested = {}
    if waiting:
        suggested["objection"] = "\n".join(
            f"{n}. {o['text']}" if len(waiting) > 1 else o["text"] for n, o in enumerate(waiting, 1))
        names = [o["name"] for o in waiting if o.get("name")]
        suggested["objector"] = "、".join(names) if names and contact else ANONYMOUS
    return {"public_objections": shown, "suggested_data": suggested}


def for_matter(uow, actor, record) -> list[dict]:
    """Every objection filed online on a matter, registered or not (one that came in while nobody
    registered it before its period ended stays visible here)."""
    lineage = uow.lineage(record.village_code)
    contact = any(actor.reaches(lineage, r) for r in SUPERVISOR_ROLES)
    return [_view(row, contact) for row in uow.public_objections.for_matter(record.id)]


def _view(row, contact: bool) -> dict:
    view = {"id": row.id, "text": row.text, "received_at": row.received_at, "task_id": row.task_id,
            "registered_at": row.registered_at, "registered_by": row.registered_by, "audit_seq": row.audit_seq}
    if contact:
        view.update(name=row.name, phone=row.phone)
    return view

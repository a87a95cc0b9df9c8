"""Objections villagers filed on the public portal, as the workspace shows them.

The 村务监督委员会 sees them on the publicity period's objection-intake step (with the objector's
name and phone, if given: it may need to ask back) and registers one by completing the step as for
an objection received in person; the step's form comes prefilled with what was received. Others
who can see the matter see that objections arrived, not who sent them."""
from __future__ import annotations

from .. import clock
from ..errors import Conflict, InvalidData, NotFound
from ..identity import SUPERVISOR_ROLES
from ..vocabulary import MatterStatus, StepStatus
from .access import records_refusals, require_role, visible_matter
from .persistence import load_matter, save_matter
from .views import ObjectionDismissed, PublicObjectionView, StepObjections, public_objection

ANONYMOUS = "网上匿名"


def for_step(uow, actor, item, record) -> StepObjections:
    """The objections and the prefilled form values for a step's page; empty for a step that takes
    no objections."""
    if not item.objection_intake:
        return StepObjections(public_objections=(), suggested_data={})
    rows = uow.public_objections.for_task(item.task_id)
    lineage = uow.lineage(record.village_code)
    contact = actor.reaches(lineage, item.role) or any(actor.reaches(lineage, r) for r in SUPERVISOR_ROLES)
    shown = tuple(public_objection(row, contact) for row in rows)
    waiting = [o for o in shown if o.registered_at is None and o.dismissed_at is None]
    suggested = {}
    if waiting:
        suggested["objection"] = "\n".join(
            f"{n}. {o.text}" if len(waiting) > 1 else o.text for n, o in enumerate(waiting, 1))
        names = [o.name for o in waiting if contact and o.name]
        suggested["objector"] = "、".join(names) if names else ANONYMOUS
    return StepObjections(public_objections=shown, suggested_data=suggested)


def for_matter(uow, actor, record) -> list[PublicObjectionView]:
    """Every objection filed online on a matter, registered or not (one that came in while nobody
    registered it before its period ended stays visible here)."""
    lineage = uow.lineage(record.village_code)
    contact = any(actor.reaches(lineage, r) for r in SUPERVISOR_ROLES)
    return [public_objection(row, contact) for row in uow.public_objections.for_matter(record.id)]


# -- a period held past its end, and the committee's dismissal -------------------------------------
MIN_REASON = 5


def held_events(uow, record, matter, now) -> list[tuple]:
    """Engine events for publicity periods that reached their end just now with an online
    objection waiting: the period is held (its timer does not fire) until the committee registers
    the objection (completing the intake step) or dismisses it with a reason. Each is told once;
    the notice's pages change to say so."""
    before = {t.get("element") for t in (record.waiting_timers or []) if t.get("held")}
    events = [("publicity_held", {"element": t.element_id, "name": t.name, "due": t.due.isoformat(),
                                  "reason": "公示期已满，网上提出的异议尚待村务监督委员会处理，暂不视为公示期满"})
              for t in matter.waiting_timers() if t.held and t.due <= now and t.element_id not in before]
    for task_id in matter.held:
        due = matter.publicity_due(task_id)
        if due is not None and due <= now:
            uow.publications.hold_period(task_id, now, now)
    return events


@records_refusals("dismiss_objection")
def dismiss_objection(ctx, actor, task_id: str, objection_id: int, reason: str) -> ObjectionDismissed:
    """The 村务监督委员会 dismisses an objection filed online (不予受理: not about this notice, a
    duplicate, abuse...), only with its reason, recorded in the audit chain. A period held for it
    and past its end then passes at once (its timer fires in this unit of work); the matter after.

    Raises:
        InvalidData: no reason, or one too short.
        NotFound: no such objection of that step in the actor's reach.
        Conflict: already registered or dismissed, or its period is over.
        Forbidden: the actor does not hold the intake step's role.
    """
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidData("不予受理须写明理由", {"reason": f"请写明不予受理的理由（至少 {MIN_REASON} 个字）"})
    with ctx.uow() as uow:
        row = uow.public_objections.get(objection_id)
        if row is None or row.task_id != task_id:
            raise NotFound(f"找不到异议 {objection_id}")
        record = visible_matter(uow, actor, row.matter_id, lock=True, acting=True, not_found=f"找不到异议 {objection_id}")
        row = uow.public_objections.get(objection_id)
        if row.registered_at is not None or row.dismissed_at is not None:
            raise Conflict("该异议已经处理过")
        item = uow.inbox.get(row.task_id)
        if item is None or item.state != StepStatus.READY:
            raise Conflict("该异议所在的公示期已经结束")
        require_role(ctx, uow, actor, item.role, record.village_code, "处理网上异议")
        now = clock.now()
        row.dismissed_at, row.dismissed_by, row.dismissal_reason = now, actor.name, reason
        uow.audit.append("public_objection_dismissed", actor.name, record.id, {
            "objection_id": row.id, "task_id": row.task_id, "step": item.step_id, "reason": reason}, now.isoformat())
        uow.flush()
        matter = load_matter(ctx, uow, record)          # the hold, counted again without this objection
        events = matter.fire_due_timers()
        if row.task_id not in matter.held:          # nothing else waits: the period is no longer held
            uow.publications.hold_period(row.task_id, None, now)
        save_matter(uow, record, matter, actor, events=events, now=now)
        result = ObjectionDismissed(objection=public_objection(row, True), matter_id=record.id,
                                    status=MatterStatus(record.status),
                                    period_passed=any(name == "timer_fired" for name, _ in events))
        uow.commit()
        return result

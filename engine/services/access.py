"""The guards every service applies: scope, roles, separation of duties, and the record of every
refused attempt (written in its own transaction, after the refused one rolled back)."""
from __future__ import annotations

import functools

from .. import clock
from ..errors import Forbidden, NotFound, OutOfScope, SeparationOfDuties
from .archives import archived_record
from ..vocabulary import quoted


def records_refusals(action: str):
    """Decorator for a service `fn(ctx, actor, ...)`: a Forbidden or OutOfScope it raises is
    appended to the audit chain as `access_refused`, then re-raised."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(ctx, actor, *args, **kwargs):
            try:
                return fn(ctx, actor, *args, **kwargs)
            except (Forbidden, OutOfScope) as exc:
                with ctx.uow() as uow:
                    uow.audit.append("access_refused", actor.name, None, {
                        "action": action, "reason": exc.message, "arguments": [str(a) for a in args][:3]},
                        clock.now().isoformat())
                    uow.commit()
                raise
        return wrapper
    return decorate


def visible_matter(uow, actor, matter_id: int, lock: bool = False, acting: bool = False,
                   not_found: str | None = None):
    """The matter if the actor's grants reach its village; else not found (OutOfScope if acting).

    Reached through a step or a file, pass `not_found` (the message for that step or file): the
    caller asked about that id, and naming the matter behind it would tell an outsider which
    matter it is."""
    return _in_reach(uow, actor, uow.matters.get(matter_id, lock=lock), acting, not_found or f"找不到事项 {matter_id}")


def step_matter(uow, actor, task_id: str, acting: bool = False):
    """The matter a step belongs to, locked, under visible_matter's rule (refusals name the step)."""
    record, hidden = uow.matters.for_step(task_id, None if actor.is_system else actor.name)
    return _in_reach(uow, actor, record, acting, f"找不到步骤 {task_id}", hidden)


def _in_reach(uow, actor, record, acting: bool, not_found: str, hidden: bool | None = None):
    """`hidden`: whether the matter is withheld from the actor, when already read with it."""
    if record is None or not actor.reaches(uow.lineage(record.village_code)) or (
            withheld(uow, actor, record.id) if hidden is None else hidden):
        raise (OutOfScope if acting and record is not None else NotFound)(not_found)
    return record


def withheld(uow, actor, matter_id: int) -> bool:
    """The matter is about this user (a complaint about a cadre, the definition's `withheld_from`):
    they may neither see it nor act on it, whatever roles they hold."""
    return not actor.is_system and uow.exclusions.excludes(matter_id, actor.name)


def readable_matter(uow, actor, matter_id: int, not_found: str | None = None):
    """For reads only: the matter in hand (visible_matter's rule) or, once archived, its archived
    record for supervisors and administrators in scope (services/archives.py). `not_found` as for
    visible_matter: reached through a file or a step, the refusal names that, not the matter."""
    try:
        return visible_matter(uow, actor, matter_id, not_found=not_found)
    except NotFound:
        try:
            return archived_record(uow, actor, matter_id)
        except NotFound:
            raise NotFound(not_found or f"找不到事项 {matter_id}") from None


def visible_villages(uow, actor) -> set[str] | None:
    """Every village the actor's grants reach; None for the system (no filter)."""
    return None if actor.is_system else uow.orgs.within(actor.units())


def require_role(ctx, uow, actor, role: str, village_code: str, what: str) -> None:
    if not actor.reaches(uow.lineage(village_code), role):
        found = ctx.role(role, uow)
        name = found.name if found else role
        raise Forbidden(f"{what}需要在本村适用范围内担任{quoted(name)}")


def require_admin(uow, actor, org_code: str, what: str) -> None:
    if not actor.is_admin_of(uow.lineage(org_code)):
        raise Forbidden(f"{what}需要本单位或上级的管理员")


def check_separation(ctx, uow, actor, record, step, step_names: dict) -> None:
    """A step declared `separate_from` other steps may not be done by whoever did those."""
    for other in step.separate_from:
        if other == "start":
            done_by, what = {record.created_by}, "发起本事项的人"
        else:
            done_by = uow.inbox.completed_by(record.id, step.process_key, other)
            what = f"办理{quoted(step_names.get(other, other))}的人"
        if actor.name in done_by:
            raise SeparationOfDuties(f"职责分离：{what}不得办理{quoted(step.name)}")

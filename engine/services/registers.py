"""A village's kinship and interest register (亲属及利益关系登记): who is related to which cadre.
Red line R12 compares contractors, suppliers, lessees, buyers and applicants against it. Kept by
the township's administrators and discipline committee; every change is an audit event."""
from __future__ import annotations

from .. import clock
from ..errors import Forbidden, InvalidData, NotFound
from ..identity import ADMIN_ROLES
from . import operations_views
from .access import records_refusals
from .operations_views import RelatedParty
from .warnings import DISCIPLINE_ROLES, supervised_villages

KEEPERS = ADMIN_ROLES + DISCIPLINE_ROLES


def _village(uow, actor, village: str, what: str):
    unit = uow.orgs.get(village) if isinstance(village, str) else None
    if unit is None or unit.level != "village":
        raise NotFound(f"找不到村 {village}")
    if not actor.is_system and not any(actor.reaches(uow.lineage(village), role) for role in KEEPERS):
        raise Forbidden(f"{what}需要乡镇管理员或纪委")
    return unit


def list_related(ctx, actor, village: str) -> list[RelatedParty]:
    """A village's kinship register (the red lines' related parties).

    Raises:
        Forbidden: the actor supervises nothing (no committee, discipline or administrator role).
        NotFound: the village is not one the actor supervises.
    """
    with ctx.uow(readonly=True) as uow:
        villages = supervised_villages(uow, actor)
        if villages is not None and village not in villages:
            raise NotFound(f"找不到村 {village}")
        return [operations_views.related_party(r) for r in uow.redline_facts.related(village)]


@records_refusals("add_related_party")
def add_related(ctx, actor, village: str, cadre: str, party: str, relation: str) -> RelatedParty:
    """One entry of a village's kinship register; audited.

    Raises:
        InvalidData: a field empty or over 100 characters.
        NotFound: the village is outside the actor's reach.
        Forbidden: the actor is neither a township administrator nor the discipline office.
    """
    values = {"cadre": cadre, "party": party, "relation": relation}
    errors = {k: "不能为空，且不超过 100 个字" for k, v in values.items()
              if not isinstance(v, str) or not v.strip() or len(v.strip()) > 100}
    if errors:
        raise InvalidData("登记内容有误", errors)
    with ctx.uow() as uow:
        _village(uow, actor, village, "登记亲属关系")
        now = clock.now()
        row = uow.redline_facts.add_related(village_code=village, **{k: v.strip() for k, v in values.items()},
                                            added_by=actor.name, added_at=now)
        uow.audit.append("related_party_added", actor.name, None, {"id": row.id, "village": village,
                                                                   **{k: v.strip() for k, v in values.items()}},
                         now.isoformat())
        result = operations_views.related_party(row)
        uow.commit()
        return result


@records_refusals("remove_related_party")
def remove_related(ctx, actor, village: str, row_id: int) -> None:
    """Delete one entry of a village's kinship register; audited.

    Raises:
        NotFound: the village is outside the actor's reach, or no such entry in it.
        Forbidden: the actor is neither a township administrator nor the discipline office.
    """
    with ctx.uow() as uow:
        _village(uow, actor, village, "删除亲属关系登记")
        if not uow.redline_facts.remove_related(row_id, village):
            raise NotFound(f"找不到登记 {row_id}")
        uow.audit.append("related_party_removed", actor.name, None, {"id": row_id, "village": village},
                         clock.now().isoformat())
        uow.commit()

"""Organisation units, township parameters and the demo village."""
from __future__ import annotations

from .. import clock
from ..errors import InvalidData, NotFound
from . import people_views
from .access import records_refusals, require_admin
from .people_views import UnitView


def township_unit(uow, code: str):
    """The township of that code; NotFound for anything else (a village, a county, nothing)."""
    unit = uow.orgs.get(code)
    if unit is None or unit.level != "township":
        raise NotFound(f"没有乡镇 {code}")
    return unit



@records_refusals("add_unit")
def add_unit(ctx, actor, code: str, name: str, level: str, parent_code: str | None) -> UnitView:
    """A county, a township under a county or a village under a township; audited.

    Raises:
        InvalidData: an unknown level, a code already used, or a parent of the wrong level.
        Forbidden: the actor is not an administrator of the parent unit or above.
    """
    expected_parent = {"county": None, "township": "county", "village": "township"}
    if level not in expected_parent:
        raise InvalidData("层级有误", {"level": "应为 county、township 或 village"})
    with ctx.uow() as uow:
        if not actor.is_system:             # who may add here first: a refusal tells nothing of the codes
            require_admin(uow, actor, parent_code or "", "新增单位")
        if uow.orgs.get(code):
            raise InvalidData("编码已存在", {"code": f"{code} 已存在"})
        parent = uow.orgs.get(parent_code) if parent_code else None
        if (parent.level if parent else None) != expected_parent[level]:
            raise InvalidData("上级单位有误", {"parent_code": f"{level} 的上级应为 {expected_parent[level]}"})
        added = uow.orgs.add(code=code, name=name, level=level, parent_code=parent_code)
        uow.audit.append("org_unit_added", actor.name, None,
                         {"code": code, "name": name, "level": level, "parent": parent_code}, clock.now().isoformat())
        uow.commit()
        return people_views.unit(added)


def list_units(ctx, actor, level: str | None = None) -> list[UnitView]:
    """Every county, township and village (or those of one level): names are public. Raises nothing."""
    with ctx.uow(readonly=True) as uow:
        return [people_views.unit(u) for u in uow.orgs.list(level)]

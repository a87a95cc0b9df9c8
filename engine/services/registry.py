"""Reading the role registry and the parameters in force."""
from __future__ import annotations

from ..errors import NotFound
from .persistence import effective_parameters


def list_roles(ctx, actor) -> list[dict]:
    return [{"code": r.code, "name": r.name, "level": r.level} for r in ctx.roles.values()]


def list_parameters(ctx, actor, township: str | None = None) -> list[dict]:
    """Every parameter with its county default, and the township's value when one is named."""
    values = None
    if township:
        with ctx.uow() as uow:
            unit = uow.orgs.get(township)
            if unit is None or unit.level != "township":
                raise NotFound(f"没有乡镇 {township}")
            values = effective_parameters(ctx, uow, township)
    return [{**p.as_dict(), "default": p.value, "value": values[p.name] if values else p.value}
            for p in ctx.parameters.values()]

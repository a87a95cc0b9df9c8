"""Reading the role registry (parameters: engine/services/parameters.py)."""
from __future__ import annotations


def list_roles(ctx, actor) -> list[dict]:
    """The role register (processes/roles.toml): code, Chinese name and level. Raises nothing."""
    return [{"code": r.code, "name": r.name, "level": r.level} for r in ctx.roles.values()]

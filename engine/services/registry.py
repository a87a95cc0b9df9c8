"""The role registry: the county's roles (processes/roles.toml, read-only here) and the roles a
township declares for its own special-list items (乡镇农业农村办, 村级产业指导员...).
Parameters: engine/services/parameters.py.

A township role is a lane of that township's items only (the loader and the lint are given the
county's codes plus the township's own), is granted only in that township or its villages, and
never changes once declared: a matter's steps keep naming it, and every process may cache it."""
from __future__ import annotations

import re
from dataclasses import asdict

from .. import clock
from ..errors import InvalidData
from ..registry import Role
from . import definition_views
from .access import records_refusals, require_admin
from .definition_views import RoleView
from .orgs import township_unit

ROLE_CODE = re.compile(r"^[A-Z][A-Z0-9_]{2,47}$")
TOWNSHIP_ROLE_LEVELS = {"township": "乡镇级（在本乡镇授予）", "village": "村级（在本乡镇各村授予）"}


def list_roles(ctx, actor, township: str | None = None) -> list[RoleView]:
    """The county's roles and, for a township, the roles it declared (`township` set on those).

    Raises:
        NotFound: no such township.
    """
    del actor                      # role names are no secret: they name the lanes of public charts
    county = [definition_views.role(r, None) for r in ctx.roles.values()]
    if township is None:
        return county
    with ctx.uow(readonly=True) as uow:
        township_unit(uow, township)
        return county + [definition_views.role(r, township) for r in uow.township_roles.of_township(township).values()]


def role_codes(ctx, uow, township: str | None) -> set[str]:
    """The lanes an item of this township (None: a county item) may have."""
    codes = set(ctx.roles)
    if township:
        codes |= set(uow.township_roles.of_township(township))
    return codes


@records_refusals("define_township_role")
def define_township_role(ctx, actor, township: str, code: str, name: str, level: str) -> RoleView:
    """A township administrator declares a role for the township's own items.

    Raises:
        InvalidData: a bad code, name or level, or a code already taken (the county's or a township's).
        NotFound: no such township.
        Forbidden: the actor is not an administrator of the township or above.
    """
    code, name = (code or "").strip(), (name or "").strip()
    if not ROLE_CODE.match(code):
        raise InvalidData("角色代码有误", {"code": "角色代码须为大写英文字母开头的大写字母、数字和下划线，3 到 48 个字符，"
                                                  "如 TOWNSHIP_AGRI_OFFICE"})
    if not name or len(name) > 40:
        raise InvalidData("角色名称有误", {"name": "角色名称不能为空，且不超过40个字"})
    if level not in TOWNSHIP_ROLE_LEVELS:
        raise InvalidData("角色层级有误", {"level": "乡镇角色的层级只能是 township（乡镇级）或 village（村级）"})
    with ctx.uow() as uow:
        township_unit(uow, township)
        require_admin(uow, actor, township, "设置本乡镇角色")
        if code in ctx.roles:
            raise InvalidData("角色代码已被使用", {"code": f"{code} 是县级角色（{ctx.roles[code].name}），可直接在事项中使用"})
        owner = uow.township_roles.township_of(code)
        if owner is not None:
            whose = "本乡镇" if owner == township else "其他乡镇"
            raise InvalidData("角色代码已被使用", {"code": f"{code} 已被{whose}使用，请换一个代码"})
        taken = {r.name for r in ctx.roles.values()} | {r.name for r in uow.township_roles.of_township(township).values()}
        if name in taken:
            raise InvalidData("角色名称已被使用", {"name": f"已有名为“{name}”的角色"})
        role, now = Role(code, name, level), clock.now()
        uow.township_roles.add(township, role, actor.name, now)
        view = definition_views.role(role, township)
        uow.audit.append("role_defined", actor.name, None, {"township": township, **asdict(view)}, now.isoformat())
        uow.commit()
    ctx.township_role_declared(role)
    return view


"""The demo county: one county, two townships, three villages, and one user per role per unit.
For trying Xiaowei out only: the password is printed and the same for everyone."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Forbidden
from .identity import create_user, grant_role
from .orgs import add_unit
from .parameters import list_parameters, set_township_parameter

DEMO_PASSWORD = "xiaowei-demo"
UNITS = [
    ("demo_county", "示范县", "county", None),
    ("qingshan_town", "青山镇", "township", "demo_county"),
    ("baiyun_town", "白云镇", "township", "demo_county"),
    ("lushui_village", "绿水村", "village", "qingshan_town"),
    ("taohua_village", "桃花村", "village", "qingshan_town"),
    ("hongqi_village", "红旗村", "village", "baiyun_town"),
]
OVERRIDES = {"qingshan_town": {"result_publicity_days": 10}}


def demo_username(role: str, unit: str) -> str:
    return f"{role.lower()}.{unit}"


@dataclass(frozen=True, slots=True)
class DemoSeeded:
    """What seeding the demo created this time (nothing, when it was there before)."""
    units: tuple[str, ...]            # unit codes
    users: tuple[str, ...]            # user names


def seed_demo(ctx, actor, with_users: bool = True, progress=None) -> DemoSeeded:
    """Idempotent. Returns what was created: units and user names.

    Raises:
        Forbidden: the settings declare production (demo users have a published password).
    """
    if not ctx.settings.demo_allowed:
        raise Forbidden("生产环境不能创建演示数据")
    units = []
    with ctx.uow(readonly=True) as uow:
        existing = {u.code for u in uow.orgs.list()}
    for code, name, level, parent in UNITS:
        if code not in existing:
            add_unit(ctx, actor, code, name, level, parent)
            units.append(code)
    for township, values in OVERRIDES.items():
        current = {row.name: row.value for row in list_parameters(ctx, actor, township)}
        for name, value in values.items():
            if current.get(name) != value:
                set_township_parameter(ctx, actor, township, name, value)
    return DemoSeeded(units=tuple(units), users=tuple(_seed_users(ctx, actor, progress) if with_users else ()))


def _seed_users(ctx, actor, progress) -> list[str]:
    with ctx.uow(readonly=True) as uow:
        existing = {u.username for u in uow.users.list()}
    made = []
    for code, name, level, _ in UNITS:
        for role in (r for r in ctx.roles.values() if r.level == level):
            username = demo_username(role.code, code)
            if username in existing:
                continue
            create_user(ctx, actor, username, f"{name}{role.name}", DEMO_PASSWORD)
            grant_role(ctx, actor, username, role.code, code)
            made.append(username)
            if progress:
                progress(username)
    return made

"""Who is calling. Until the identity issue replaces it, the caller names itself with the
headers X-Actor (user name) and X-Actor-Roles (comma-separated role codes)."""
from __future__ import annotations

import re

from flask import request

from engine.errors import InvalidData, Unauthenticated
from engine.services import Actor

_NAME = re.compile(r"^[A-Za-z0-9_.\-@]{1,64}$")   # headers are Latin-1: ASCII names only


def current_actor() -> Actor:
    name = (request.headers.get("X-Actor") or "").strip()
    if not name:
        raise Unauthenticated("请在请求头 X-Actor 中注明办理人")
    if not _NAME.match(name):
        raise InvalidData("办理人名称不合规", {"X-Actor": "1-64 个英文字母、数字或 ._-@"})
    roles = frozenset(r.strip() for r in (request.headers.get("X-Actor-Roles") or "").split(",") if r.strip())
    return Actor(name, roles)

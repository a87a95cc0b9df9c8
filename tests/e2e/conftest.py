"""An HTTP client that logs in as real users (tokens from POST /api/v1/auth/token)."""
import zlib

import pytest

from api import create_app
from engine.services import Actor, identity

CLERK_ROLES = ("PARTY_BRANCH", "TWO_COMMITTEES", "PARTY_MEMBERS_MEETING", "VILLAGER_REP_MEETING",
               "VILLAGE_COMMITTEE", "REPORTING_CLERK", "SUPERVISION_COMMITTEE", "TOWNSHIP_ADMIN")
PASSWORD = "correct-horse-battery"


class ApiClient:
    """The Flask test client, sending one user's bearer token with every request."""

    def __init__(self, app, ctx, token: str | None):
        self.app, self.ctx, self.token, self.raw = app, ctx, token, app.test_client()

    def as_user(self, name: str, roles=CLERK_ROLES, village: str = "lushui_village") -> "ApiClient":
        return ApiClient(self.app, self.ctx, make_user(self.ctx, name, roles, village))

    def anonymous(self) -> "ApiClient":
        return ApiClient(self.app, self.ctx, None)

    def _call(self, method: str, url: str, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return getattr(self.raw, method)(url, headers=headers, **kwargs)

    def get(self, url, **kw):
        return self._call("get", url, **kw)

    def post(self, url, **kw):
        return self._call("post", url, **kw)

    def put(self, url, **kw):
        return self._call("put", url, **kw)

    def delete(self, url, **kw):
        return self._call("delete", url, **kw)


def display_name(username: str) -> str:
    """A person's name for a test user, never its login name (pages show names; tests/browser/web.py
    fails a page that shows a snake_case word): 测试用户 and a number fixed by the login name."""
    return f"测试用户{zlib.crc32(username.encode()) % 100000:05d}"


def make_user(ctx, name: str, roles, village: str = "lushui_village") -> str:
    """Create `name` holding `roles` (each in the unit of its level above `village`); a token."""
    with ctx.uow() as uow:
        lineage = uow.lineage(village)
        exists = uow.users.by_name(name) is not None
    units = {"village": lineage[0], "township": lineage[1], "county": lineage[2]}
    if not exists:
        identity.create_user(ctx, Actor.system(), name, display_name(name), PASSWORD)
    for role in roles:
        try:
            identity.grant_role(ctx, Actor.system(), name, role, units[ctx.role(role).level])
        except Exception:  # noqa: BLE001 - already granted
            pass
    return identity.login(ctx, name, PASSWORD).token


@pytest.fixture
def client(ctx):
    app = create_app({"TESTING": True}, context=ctx)
    return ApiClient(app, ctx, make_user(ctx, "zhangsan", CLERK_ROLES))

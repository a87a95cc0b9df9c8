"""Users, role grants, login and tokens."""
from __future__ import annotations

import hashlib
import re
import secrets
import time
from datetime import timedelta

from .. import clock
from ..errors import Conflict, Forbidden, InvalidData, NotFound, TooManyAttempts, Unauthenticated
from ..identity import ADMIN_ROLES, Actor, Grant
from ..passwords import password_problem
from ..store.identity_repositories import ADDRESS, ANY_NAME, NAME
from . import people_views
from .access import records_refusals, require_admin
from .people_views import TokenView, UserView
from ..vocabulary import quoted

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]{1,63}$")


# Actors that are not people: how pages name them.
NOT_PEOPLE = {"system": "系统", "public": "村民（网上）"}


def display_names(ctx, usernames) -> dict[str, str]:
    """{login name: the name pages show}: a user's display name, the words for the system and the
    portal, and the login name itself for one that is no longer a user. Any logged-in page may ask:
    it shows who did what on the matters that user can already see."""
    wanted = {u for u in usernames if u}
    with ctx.uow(readonly=True) as uow:
        found = uow.users.display_names(wanted - NOT_PEOPLE.keys())
    return {u: NOT_PEOPLE.get(u) or found.get(u) or u for u in wanted}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@records_refusals("create_user")
def create_user(ctx, actor, username: str, display_name: str, password: str) -> UserView:
    """A new active user, with no roles yet; the password stored as an argon2 hash.

    Raises:
        InvalidData: a user name, name or password that does not fit the rules (one message each).
        Forbidden: the actor is not an administrator.
        Conflict: the user name is taken.
    """
    username = (username or "").strip().lower()
    errors = {}
    if not _USERNAME.match(username):
        errors["username"] = "用户名为 2-64 个小写字母、数字或 ._-"
    if password_problem(password):
        errors["password"] = password_problem(password)
    if not (display_name or "").strip():
        errors["display_name"] = "姓名不能为空"
    if errors:
        raise InvalidData("用户信息有误", errors)
    with ctx.uow() as uow:
        if not actor.is_system and not any(g.role in ADMIN_ROLES for g in actor.grants):
            raise Forbidden("创建用户需要管理员")
        if uow.users.by_name(username):
            raise Conflict(f"用户名 {username} 已存在")
        now = clock.now()
        user = uow.users.add(username=username, display_name=display_name.strip(),
                             password_hash=ctx.passwords.hash(password), active=True, created_at=now)
        uow.audit.append("user_created", actor.name, None, {"username": username}, now.isoformat())
        result = people_views.user(user, [])
        uow.commit()
        return result


@records_refusals("grant_role")
def grant_role(ctx, actor, username: str, role: str, org_code: str) -> UserView:
    """Give a user a role in a unit of the role's level.

    Raises:
        NotFound: no such user.
        InvalidData: no such role or unit, or the role is not of the unit's level.
        Forbidden: the actor is not an administrator of the unit or above.
        Conflict: the user already holds the role there.
    """
    with ctx.uow() as uow:
        user, unit = _user(uow, username), uow.orgs.get(org_code)
        known = ctx.role(role, uow)
        if known is None or known.level == "system":
            raise InvalidData("没有这个角色", {"role": f"{role} 不是可授予的角色"})
        if unit is None:
            raise InvalidData("没有这个单位", {"org": f"没有编码为 {org_code} 的单位"})
        if known.level != unit.level:
            raise InvalidData("角色与单位层级不符",
                              {"org": f"{quoted(known.name)}是{_level_words(known.level)}角色，"
                                      f"不能授予在{unit.name}"})
        owner = None if role in ctx.roles else uow.township_roles.township_of(role)
        if owner is not None and owner not in uow.lineage(org_code):
            raise InvalidData("角色不属于该乡镇",
                              {"org": f"{quoted(known.name)}是{_unit_name(uow, owner)}的角色，只能授予在该乡镇或其所辖各村"})
        require_admin(uow, actor, org_code, "授予角色")
        if uow.users.find_grant(user.id, role, org_code):
            raise Conflict(f"{username} 已在 {unit.name} 担任该角色")
        now = clock.now()
        uow.users.add_grant(user_id=user.id, role=role, org_code=org_code, granted_by=actor.name, granted_at=now)
        uow.audit.append("role_granted", actor.name, None, {"username": username, "role": role, "org": org_code},
                         now.isoformat())
        result = people_views.user(user, uow.users.grants(user.id))
        uow.commit()
        forget_tokens(ctx)            # the callers' roles as of now, in this process at once
        return result


@records_refusals("revoke_role")
def revoke_role(ctx, actor, username: str, role: str, org_code: str) -> UserView:
    """Take a role in a unit away from a user.

    Raises:
        NotFound: no such user, or the user does not hold the role there.
        Forbidden: the actor is not an administrator of the unit or above.
    """
    with ctx.uow() as uow:
        user = _user(uow, username)
        grant = uow.users.find_grant(user.id, role, org_code)
        if grant is None:
            raise NotFound(f"{username} 没有在 {org_code} 担任 {role}")
        require_admin(uow, actor, org_code, "撤销角色")
        uow.users.remove_grant(grant)
        now = clock.now()
        uow.audit.append("role_revoked", actor.name, None, {"username": username, "role": role, "org": org_code},
                         now.isoformat())
        result = people_views.user(user, uow.users.grants(user.id))
        uow.commit()
        forget_tokens(ctx)            # the callers' roles as of now, in this process at once
        return result


def list_users(ctx, actor) -> list[UserView]:
    """The users holding roles in the units the actor administers (the system: all). Raises nothing:
    an actor who administers nothing gets an empty list."""
    with ctx.uow(readonly=True) as uow:
        admin_units = {g.org for g in actor.grants if g.role in ADMIN_ROLES}
        units = None if actor.is_system else uow.orgs.within(admin_units)
        users = uow.users.list(units)
        grants = uow.users.grants_of([u.id for u in users])
        return [people_views.user(u, grants[u.id]) for u in users]


def login(ctx, username: str, password: str, kind: str = "api", address: str | None = None) -> TokenView:
    """A new token for a user name and password, asked from a client `address` (the web layer's
    remote address; None where there is none, as in the command line).

    Failures are counted per (name, address), known names or not, and per address across all
    names (password spraying). Past a limit within the window, that name from that address, or
    that address altogether, is refused until the window ends, even with the right password. The
    owner of the name still logs in from her own address: a stranger typing her name with wrong
    passwords cannot lock her out."""
    username = (username or "").strip().lower()[:64]
    address = (address or "-")[:64]
    now, settings = clock.now(), ctx.settings
    with ctx.uow() as uow:
        _refuse_while_throttled(uow, settings, username, address, now)
        user = uow.users.by_name(username)
        if not ctx.passwords.verify(user.password_hash if user else None, password or "") or not user.active:
            _count_failure(uow, settings, username, address, now)
            uow.audit.append("login_failed", username or "-", None, {"username": username, "address": address},
                             now.isoformat())
            uow.commit()
            raise Unauthenticated("用户名或密码错误")
        uow.tokens.clear_name_failures(username, address)
        token = secrets.token_urlsafe(32)
        row = uow.tokens.add(token_hash=_digest(token), user_id=user.id, kind=kind, created_at=now,
                             expires_at=now + settings.token_lifetime)
        uow.commit()
        return people_views.token(token, row, user.username)


def _refuse_while_throttled(uow, settings, username: str, address: str, now) -> None:
    rows = uow.tokens.throttles(username, address)
    limits = ((rows.get(NAME), settings.login_failures_per_user), (rows.get(ADDRESS), settings.login_failures_per_address))
    for row, limit in limits:
        if row and row.failures >= limit and now - row.window_start < settings.login_window:
            wait = int((row.window_start + settings.login_window - now).total_seconds()) + 1
            raise TooManyAttempts(f"登录失败次数过多，请 {wait // 60 + 1} 分钟后再试", wait)


def _count_failure(uow, settings, username: str, address: str, now) -> None:
    uow.tokens.count_failure(NAME, username, address, now, settings.login_window)
    uow.tokens.count_failure(ADDRESS, ANY_NAME, address, now, settings.login_window)
    uow.tokens.prune_throttles(now - settings.login_window)


def actor_for_token(ctx, token: str) -> Actor:
    """The user a token stands for, with their grants; Unauthenticated if it is not valid now.

    A valid token's actor is kept for `token_cache_seconds` in this process (per database), so the
    requests that follow need no read to know their caller; never past the token's own expiry.
    Logging out or revoking roles here drops it at once (`forget_tokens`); other processes of the
    deployment see such a change within the cache time."""
    digest, now = _digest(token or ""), clock.now()
    cache = ctx.database.token_actors
    hit = cache.get(digest)
    if hit is not None:
        actor, expires_at, fresh_until = hit
        if time.monotonic() < fresh_until and now < expires_at:
            return actor
        cache.pop(digest, None)
    with ctx.uow(readonly=True) as uow:
        row = uow.tokens.by_hash(digest)
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            raise Unauthenticated("登录已失效，请重新登录")
        user = uow.users.get(row.user_id)
        if not user.active:
            raise Unauthenticated("账号已停用")
        grants = frozenset(Grant(g.role, g.org_code) for g in uow.users.grants(user.id))
        actor, expires_at = Actor(user.username, grants, user.id), row.expires_at
    if ctx.settings.token_cache_seconds > 0:
        if len(cache) >= MAX_CACHED_TOKENS:
            cache.clear()                   # a bound, not an eviction policy: entries live seconds
        cache[digest] = (actor, expires_at, time.monotonic() + ctx.settings.token_cache_seconds)
    return actor


MAX_CACHED_TOKENS = 10_000


def forget_tokens(ctx, token: str | None = None) -> None:
    """Drop one token's cached actor (logout), or every one (a user's roles changed)."""
    if token is None:
        ctx.database.token_actors.clear()
    else:
        ctx.database.token_actors.pop(_digest(token), None)


MAX_SERVICE_DAYS = 366


def service_token(ctx, actor, username: str, days: int = 90) -> TokenView:
    """A token for a service account (the chat-group bot holding COMPLAINT_BOT): issued at the server
    by the system, valid `days` (at most a year), revocable like any token; audited without the token.

    Raises:
        Forbidden: only the system issues them.
        InvalidData: `days` is not 1 to a year.
        NotFound: no such user.
    """
    if not actor.is_system:
        raise Forbidden("只有在服务器上（xiaowei users token）才能签发服务账号令牌")
    if not isinstance(days, int) or not 1 <= days <= MAX_SERVICE_DAYS:
        raise InvalidData("有效期有误", {"days": f"有效期为 1 至 {MAX_SERVICE_DAYS} 天"})
    now = clock.now()
    with ctx.uow() as uow:
        user = _user(uow, username)
        token = secrets.token_urlsafe(32)
        row = uow.tokens.add(token_hash=_digest(token), user_id=user.id, kind="service", created_at=now,
                             expires_at=now + timedelta(days=days))
        uow.audit.append("service_token_issued", actor.name, None, {"username": user.username, "days": days,
                                                                    "expires_at": row.expires_at.isoformat()}, now.isoformat())
        uow.commit()
        return people_views.token(token, row, user.username)


def revoke_token(ctx, actor, token: str) -> None:
    """Revoke one of the actor's own tokens (logging out).

    Raises:
        NotFound: no such token of the actor's.
    """
    with ctx.uow() as uow:
        row = uow.tokens.by_hash(_digest(token or ""))
        if row is None or row.user_id != actor.user_id:
            raise NotFound("没有这个令牌")
        row.revoked_at = clock.now()
        uow.commit()
    forget_tokens(ctx, token)


def _user(uow, username: str):
    user = uow.users.by_name((username or "").strip().lower())
    if user is None:
        raise NotFound(f"没有用户 {username}")
    return user


def _unit_name(uow, code: str) -> str:
    unit = uow.orgs.get(code)
    return unit.name if unit else code


def _level_words(level: str) -> str:
    return {"village": "村级", "township": "乡镇级", "county": "县级"}.get(level, level)


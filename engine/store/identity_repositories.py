"""Repositories of users, grants, tokens and login throttling."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select

from .models import ApiToken, LoginThrottle, OrgUnit, RoleGrant, User
from .repositories import contains

NAME, ADDRESS, ANY_NAME = "name", "address", "*"      # login_throttle scopes


class UserRepository:
    def __init__(self, session):
        self.session = session

    def add(self, **columns) -> User:
        user = User(**columns)
        self.session.add(user)
        self.session.flush()
        return user

    def by_name(self, username: str) -> User | None:
        return self.session.scalar(select(User).filter_by(username=username))

    def display_names(self, usernames) -> dict[str, str]:
        """{login name: display name} for those of `usernames` that are users."""
        names = sorted(set(usernames))
        if not names:
            return {}
        return dict(self.session.execute(select(User.username, User.display_name).where(User.username.in_(names))).all())

    def matching(self, words: str, limit: int = 50) -> set[str]:
        """Login names of users called `words` (part of a display name) or logging in as it."""
        return set(self.session.scalars(select(User.username).where(
            or_(User.username == words, User.display_name.ilike(contains(words), escape="!"))).limit(limit)))

    def display_name(self, username: str) -> str:
        """The name people know someone by; the login name if there is no such user."""
        return self.display_names([username]).get(username, username)

    def get(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def list(self, units: set[str] | None = None) -> list[User]:
        """Users, or only those holding a grant in one of `units`."""
        query = select(User).order_by(User.username)
        if units is not None:
            query = query.where(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.org_code.in_(units))))
        return list(self.session.scalars(query))

    def grants(self, user_id: int) -> list[RoleGrant]:
        return list(self.session.scalars(select(RoleGrant).filter_by(user_id=user_id).order_by(RoleGrant.id)))

    def grants_of(self, user_ids: list[int]) -> dict[int, list[RoleGrant]]:
        """Every listed user's grants in one read (a list of users), each user's in grant order."""
        found: dict[int, list[RoleGrant]] = {user_id: [] for user_id in user_ids}
        if user_ids:
            rows = self.session.scalars(select(RoleGrant).where(RoleGrant.user_id.in_(user_ids)).order_by(RoleGrant.id))
            for grant in rows:
                found[grant.user_id].append(grant)
        return found

    def add_grant(self, **columns) -> RoleGrant:
        grant = RoleGrant(**columns)
        self.session.add(grant)
        self.session.flush()
        return grant

    def find_grant(self, user_id: int, role: str, org_code: str) -> RoleGrant | None:
        return self.session.scalar(select(RoleGrant).filter_by(user_id=user_id, role=role, org_code=org_code))

    def remove_grant(self, grant: RoleGrant) -> None:
        self.session.delete(grant)

    def holders(self, role: str, org_codes: list[str]) -> list[User]:
        query = (select(User).join(RoleGrant, RoleGrant.user_id == User.id)
                 .where(RoleGrant.role == role, RoleGrant.org_code.in_(org_codes), User.active.is_(True)))
        return list(self.session.scalars(query.distinct()))


class TokenRepository:
    def __init__(self, session):
        self.session = session

    def add(self, **columns) -> ApiToken:
        token = ApiToken(**columns)
        self.session.add(token)
        self.session.flush()
        return token

    def by_hash(self, token_hash: str) -> ApiToken | None:
        return self.session.scalar(select(ApiToken).filter_by(token_hash=token_hash))

    def for_user(self, user_id: int) -> list[ApiToken]:
        return list(self.session.scalars(select(ApiToken).filter_by(user_id=user_id)))

    def throttles(self, username: str, address: str) -> dict[str, LoginThrottle]:
        """The failure counts that apply to a login: {"name": row, "address": row}, where present."""
        rows = self.session.scalars(select(LoginThrottle).where(
            LoginThrottle.address == address,
            ((LoginThrottle.scope == NAME) & (LoginThrottle.username == username))
            | ((LoginThrottle.scope == ADDRESS) & (LoginThrottle.username == ANY_NAME))))
        return {row.scope: row for row in rows}

    def count_failure(self, scope: str, username: str, address: str, now: datetime, window) -> None:
        """One more failure in the row's window, or the first of a new window."""
        row = self.session.get(LoginThrottle, (scope, username, address))
        if row is None:
            self.session.add(LoginThrottle(scope=scope, username=username, address=address, failures=1,
                                           window_start=now))
        elif now - row.window_start >= window:
            row.failures, row.window_start = 1, now
        else:
            row.failures += 1

    def clear_name_failures(self, username: str, address: str) -> None:
        """A successful login forgives that name's failures from that address (not the address's
        count across names: one known password must not reset a spraying address)."""
        self.session.execute(delete(LoginThrottle).where(
            LoginThrottle.scope == NAME, LoginThrottle.username == username, LoginThrottle.address == address))

    def prune_throttles(self, started_before: datetime) -> None:
        """Forget windows that have ended, so names tried once do not pile up forever."""
        self.session.execute(delete(LoginThrottle).where(LoginThrottle.window_start <= started_before))


def lineage(session, code: str) -> list[str]:
    """A unit's code followed by its ancestors' codes (village, township, county)."""
    codes = []
    while code and code not in codes:
        codes.append(code)
        unit = session.get(OrgUnit, code)
        code = unit.parent_code if unit else None
    return codes

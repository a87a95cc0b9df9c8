"""Frozen views of the people and the places of the county: what engine/services/identity.py and
orgs.py answer (issue 18, item 4: typed boundaries).

A module of its own, next to those services, rather than more classes in views.py (the matter
family) or definition_views.py (the authoring family): units, users, their grants and the tokens
they log in with are read by every layer's sign-in, scope and lookups, and change with the identity
store, not with matters or items; each family's fields are edited next to its services.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class UnitView:
    """An organisation unit: the county, a township under it or a village under a township."""
    code: str
    name: str
    level: str                    # county, township or village
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class GrantView:
    """A role a user holds in a unit (and so in every unit below it)."""
    role: str
    org: str


@dataclass(frozen=True, slots=True)
class UserView:
    """A user, with the roles they hold; never the password or its hash."""
    username: str
    display_name: str
    active: bool
    grants: tuple[GrantView, ...]


@dataclass(frozen=True, slots=True)
class TokenView:
    """A bearer token as issued: shown this once (only its digest is stored)."""
    token: str
    token_type: str               # Bearer
    expires_at: datetime
    username: str


def unit(row) -> UnitView:
    return UnitView(code=row.code, name=row.name, level=row.level, parent_code=row.parent_code)


def user(row, grants) -> UserView:
    """The user of `row` with `grants` (their grant rows)."""
    return UserView(username=row.username, display_name=row.display_name, active=row.active,
                    grants=tuple(GrantView(role=g.role, org=g.org_code) for g in grants))


def token(text: str, row, username: str) -> TokenView:
    """`text`, the token issued as the stored `row` (its digest, with its expiry), for `username`."""
    return TokenView(token=text, token_type="Bearer", expires_at=row.expires_at, username=username)

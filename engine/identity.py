"""Who acts, and what their grants let them reach.

A user holds roles in organisation units (county -> township -> village): 村务监督委员会 in one
village, 乡镇纪委 in one township, 县纪委 in the county. A grant reaches its unit and everything
below it. Role codes are the lane ids of the definitions, so "may this user complete this step"
is "does a grant of the step's role reach the matter's village".
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .vocabulary import HANDLER_ROLES

ADMIN_ROLES = ("COUNTY_ADMIN", "TOWNSHIP_ADMIN")
SUPERVISOR_ROLES = ("SUPERVISION_COMMITTEE", "TOWNSHIP_DISCIPLINE", "COUNTY_DISCIPLINE")


@dataclass(frozen=True)
class Grant:
    role: str
    org: str


@dataclass(frozen=True)
class Actor:
    """The caller of a service: a user with grants, or the system itself (timers, set-up)."""
    name: str
    grants: frozenset = field(default_factory=frozenset)
    user_id: int | None = None
    is_system: bool = False

    @classmethod
    def system(cls) -> "Actor":
        return cls("system", frozenset(), None, True)

    def reaches(self, lineage: list[str], role: str | None = None) -> bool:
        """Whether a grant (of `role`, or of any role) sits on this unit or one above it.
        `lineage` is the unit's code followed by its ancestors' (village, township, county)."""
        if self.is_system:
            return True
        return any(g.org in lineage and (role is None or g.role == role) for g in self.grants)

    def is_admin_of(self, lineage: list[str]) -> bool:
        return self.is_system or any(self.reaches(lineage, role) for role in ADMIN_ROLES)

    def units(self) -> set[str]:
        return {g.org for g in self.grants}

    def answering_units(self) -> set[str]:
        """The units the actor answers for what is handed to them (a warning's 交办): where it holds
        the handler role of the unit's level (HANDLER_ROLES: a village's 村民委员会...)."""
        return set() if self.is_system else {g.org for g in self.grants if g.role in HANDLER_ROLES.values()}

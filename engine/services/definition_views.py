"""Frozen views of the power list's items and their versions, and of the roles and parameters they
use: what engine/services/definitions.py, registry.py and parameters.py answer (issue 18, item 4:
typed boundaries).

A module of its own, next to those services, rather than more classes in views.py: views.py holds
the matter family (matters, steps, events, warnings) that every page reads, this one the authoring
and catalogue family (items, versions, checks, diffs; the roles a lane may be and the parameters an
item reads, which a township declares on the same authoring page) that the catalogue, the start
pages, the authoring page and the modeler read; each family's fields are edited next to its services.

The parsed definition itself (an item's start form, its steps with their forms, its end events and
timers) stays as the loader wrote it (`engine/definitions.py`'s `info`): the content of a document,
passed through, not a record of ours; it travels as tuples of those dicts, as `TaskDetail.form` does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..definitions import list_metadata
from ..vocabulary import DefinitionState

@dataclass(frozen=True, slots=True)
class DefinitionSummary:
    """A stored version of an item as the list shows it: its metadata from the list."""
    key: str
    name: str
    category: str | None
    version_id: int
    sha256: str
    bundle_sha256: str
    owner_org: str | None         # a township's special item; None: a county item
    start_role: str | None
    state: DefinitionState
    list_code: str | None
    policy_basis: str | None
    executing_body: str | None
    supervising_body: str | None
    time_limit: str | None
    publicity: str | None


@dataclass(frozen=True, slots=True)
class CatalogueItem(DefinitionSummary):
    """An item of the catalogue, with its start role by name."""
    start_role_name: str | None


@dataclass(frozen=True, slots=True)
class StartableItem(CatalogueItem):
    """An item the actor may start, with the villages (codes) the actor may start it in."""
    villages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CatalogueGroup:
    """A category of the list with its items, in list-code order."""
    category: str | None
    items: tuple[CatalogueItem, ...]


@dataclass(frozen=True, slots=True)
class ProcessView(CatalogueItem):
    """An item's current version with its start form (bounds worked out), steps (roles by name, time
    limits in words), the processes it calls, its end events and timers."""
    start_form: tuple[dict, ...]
    steps: tuple[dict, ...]
    calls: tuple[str, ...]
    end_events: dict[str, str]
    timers: dict[str, str]


@dataclass(frozen=True, slots=True)
class SyncedItem:
    """An item `xiaowei processes load` stored: its current version, and whether that is new."""
    process_key: str
    version_id: int
    new: bool


@dataclass(frozen=True, slots=True)
class FindingView:
    """A finding of the check: a load-time check (`load`) or a lint rule of engine/lint.py."""
    rule: str
    severity: str                 # error (blocks publishing) or warning
    file: str
    element: str | None
    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The check of a version (载入检查 and 规则检查)."""
    key: str
    version_id: int
    state: DefinitionState
    ok: bool                      # no errors: the version may be published
    errors: int
    warnings: int
    findings: tuple[FindingView, ...]


@dataclass(frozen=True, slots=True)
class VersionView:
    """A stored version: who loaded, published or withdrew it and when, and the matters started on it."""
    version_id: int
    key: str
    name: str
    owner_org: str | None
    state: DefinitionState
    state_name: str
    is_current: bool
    sha256: str
    created_by: str | None
    loaded_at: datetime
    published_by: str | None
    published_at: datetime | None
    withdrawn_by: str | None
    withdrawn_at: datetime | None
    withdraw_reason: str | None
    running_matters: int
    matters: int


@dataclass(frozen=True, slots=True)
class PublishedVersion(VersionView):
    """The answer to a publish: the version, with the check it passed."""
    report: CheckReport


@dataclass(frozen=True, slots=True)
class VersionSource(VersionView):
    """A version's BPMN text for the modeler, and whether a new draft may be saved from it."""
    file: str
    xml: str
    editable: bool
    township: str | None


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One difference between two versions of an item, in Chinese."""
    kind: str                     # added, removed or changed
    what: str
    element: str | None
    text: str


@dataclass(frozen=True, slots=True)
class DiffView:
    key: str
    from_version: int
    to_version: int
    changes: tuple[ChangeView, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class TownshipRef:
    """A township by code and name."""
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class TownshipItem:
    """A township's special item with every version of it, the newest first (drafts too)."""
    key: str
    name: str
    versions: tuple[VersionView, ...]


@dataclass(frozen=True, slots=True)
class RoleRef:
    """A role a lane of the modeler may be: the county's registry's or the township's own."""
    code: str
    name: str
    level: str                    # village, township, county or system


@dataclass(frozen=True, slots=True)
class RoleView(RoleRef):
    """A role of the registry (engine/services/registry.py), with the township that declared it."""
    township: str | None          # None: the county's (processes/roles.toml)


@dataclass(frozen=True, slots=True)
class ParameterView:
    """A parameter (engine/services/parameters.py): its declaration, its default and the value in force."""
    name: str
    label: str
    value: Any                    # in force: the township's, or the default
    type: str                     # integer, number, fraction, list or text
    min: Any                      # the floor (statutory where the law sets one)
    max: Any                      # the ceiling
    unit: str | None
    township: str | None          # the township that declared it; None: the county's
    pattern: str | None           # a text parameter's named pattern
    default: Any


@dataclass(frozen=True, slots=True)
class SavedModel:
    """The modeler's save: the drafts stored and the check of the item's new draft."""
    stored: tuple[DefinitionSummary, ...]
    report: CheckReport


def summary_values(version) -> dict[str, Any]:
    info = version.info
    return dict(key=version.process_key, name=version.name, category=version.category, version_id=version.id,
                sha256=version.sha256, bundle_sha256=version.bundle_sha256, owner_org=version.owner_org,
                start_role=info.get("start_role"), state=DefinitionState(version.state),
                **list_metadata(info))


def summary(version, cls: type = DefinitionSummary, **extra):
    """The summary of `version` (a stored definition row); as `cls` with the fields it adds."""
    return cls(**summary_values(version), **extra)


def version(row, counts: dict) -> VersionView:
    return version_as(row, counts, VersionView)


def version_as(row, counts: dict, cls: type, **extra):
    """`row` (a stored definition) as a version, with `counts` ({version id: {running, total}}); as `cls`."""
    count = counts.get(row.id, {})
    state = DefinitionState(row.state)
    return cls(version_id=row.id, key=row.process_key, name=row.name, owner_org=row.owner_org, state=state,
               state_name=state.label, is_current=row.is_current, sha256=row.sha256, created_by=row.created_by,
               loaded_at=row.loaded_at, published_by=row.published_by, published_at=row.published_at,
               withdrawn_by=row.withdrawn_by, withdrawn_at=row.withdrawn_at, withdraw_reason=row.withdraw_reason,
               running_matters=count.get("running", 0), matters=count.get("total", 0), **extra)


def role(role, township: str | None) -> RoleView:
    """`role` (an engine.registry.Role) as a view."""
    return RoleView(code=role.code, name=role.name, level=role.level, township=township)


def parameter(default, value) -> ParameterView:
    """`default` (an engine.registry.Parameter, as declared) with `value` in force."""
    return ParameterView(name=default.name, label=default.label, value=value, type=default.type,
                         min=default.minimum, max=default.maximum, unit=default.unit, township=default.township,
                         pattern=default.pattern, default=default.value)


def finding(found: dict) -> FindingView:
    return FindingView(rule=found["rule"], severity=found["severity"], file=found["file"],
                       element=found.get("element"), line=found.get("line"), message=found["message"])


def change(found: dict) -> ChangeView:
    return ChangeView(kind=found["kind"], what=found["what"], element=found.get("element"), text=found["text"])

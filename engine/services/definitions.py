"""Definition use cases: load processes/ into the store, read the catalogue."""
from __future__ import annotations

from .. import clock
from ..definitions import CATEGORIES
from ..errors import NotFound
from ..power_list import duration_words
from ..store.models import DefinitionVersion


def sync_definitions(ctx, progress=None) -> list[dict]:
    """Store a new version of every item whose bundle changed; audit each one loaded.

    Returns one row per item: key, version id, and whether it was new."""
    catalog = ctx.catalog()
    report = []
    with ctx.uow() as uow:
        for key in sorted(catalog.processes):
            bundle = catalog.bundle(key)
            version = uow.definitions.find(key, bundle.bundle_sha256)
            is_new = version is None
            if is_new:
                version = uow.definitions.add(_version_row(bundle))
                uow.audit.append("definition_loaded", "system", None, {
                    "process_key": key, "version_id": version.id, "sha256": bundle.info.sha256,
                    "bundle_sha256": bundle.bundle_sha256, "file": bundle.info.file}, clock.now().isoformat())
            uow.definitions.make_current(version)
            report.append({"process_key": key, "version_id": version.id, "new": is_new})
            if progress:
                progress(key, is_new)
        uow.commit()
    return report


def owner_of(file: str) -> str | None:
    """processes/townships/<township code>/... holds that township's special list; all else is county-wide."""
    parts = file.replace("\\", "/").split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "townships" else None


def _version_row(bundle) -> DefinitionVersion:
    info = bundle.info
    return DefinitionVersion(
        process_key=info.key, name=info.name, category=info.metadata.get("category"), sha256=info.sha256,
        owner_org=owner_of(info.file),
        bundle_sha256=bundle.bundle_sha256, is_current=True, loaded_at=clock.now(),
        files={name: data.decode("utf-8") for name, data in bundle.files.items()}, info=info.as_dict())


def visible_owners(uow, actor) -> set[str] | None:
    """Townships whose special items the actor may see (their own, those above or below their
    units); None: all of them. County items are visible to everyone."""
    if actor.is_system:
        return None
    units = actor.units()
    reach = set(uow.orgs.within(units))
    for unit in units:
        reach.update(uow.lineage(unit))
    return reach


def _visible(version, owners) -> bool:
    return version.owner_org is None or owners is None or version.owner_org in owners


def list_processes(ctx, actor) -> list[dict]:
    """The catalogue: [{category, items}] in the list's category order, items by list code."""
    with ctx.uow() as uow:
        owners = visible_owners(uow, actor)
        items = sorted((_summary(v) for v in uow.definitions.list_current() if _visible(v, owners)),
                       key=lambda i: (i["list_code"] or "", i["key"]))
    order = {name: n for n, name in enumerate(CATEGORIES)}
    categories = sorted({i["category"] for i in items}, key=lambda c: (order.get(c, len(order)), c or ""))
    return [{"category": c, "items": [i for i in items if i["category"] == c]} for c in categories]


def current_visible(uow, actor, key: str):
    version = uow.definitions.current(key)
    if version is None or not _visible(version, visible_owners(uow, actor)):
        raise NotFound(f"没有名为 {key} 的事项")
    return version


def get_process(ctx, actor, key: str) -> dict:
    with ctx.uow() as uow:
        version = current_visible(uow, actor, key)
        return {**_summary(version), **_with_role_names(ctx, version.info)}


def _summary(version) -> dict:
    info = version.info
    return {"key": version.process_key, "name": version.name, "category": version.category,
            "version_id": version.id, "sha256": version.sha256, "bundle_sha256": version.bundle_sha256,
            "owner_org": version.owner_org,
            **{k: info.get(k) for k in ("list_code", "policy_basis", "executing_body",
                                        "supervising_body", "time_limit", "publicity")}}


def _with_role_names(ctx, info: dict) -> dict:
    values = {name: p.value for name, p in ctx.parameters.items()}
    steps = [{**s, "role_name": _role_name(ctx, s["role"]), "time_limit": duration_words(s["deadline"], values) or None,
              "policy_basis": s.get("policy_basis") or info.get("policy_basis")} for s in info["steps"]]
    return {"start_form": info["start_form"], "steps": steps, "calls": info["calls"],
            "end_events": info["end_events"], "timers": info["timers"]}


def _role_name(ctx, code: str) -> str:
    role = ctx.roles.get(code)
    return role.name if role else code

"""Definition use cases: load processes/ into the store, read the catalogue."""
from __future__ import annotations

from .. import clock
from ..bpmn_xml import NS, parse_bpmn_bytes
from ..definitions import CATEGORIES, Catalog
from ..errors import DefinitionError, InvalidData, NotFound
from ..power_list import duration_words, item_fields
from .access import records_refusals, require_admin
from .calendar import load_shipped_calendars


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
                version = _store_version(uow, bundle, "system")
            uow.definitions.make_current(version)
            report.append({"process_key": key, "version_id": version.id, "new": is_new})
            if progress:
                progress(key, is_new)
        load_shipped_calendars(ctx, uow)       # the holiday calendars shipped with the list, once
        uow.commit()
    return report


def _store_version(uow, bundle, actor_name: str):
    version = uow.definitions.add(**_version_columns(bundle))
    uow.audit.append("definition_loaded", actor_name, None, {
        "process_key": bundle.key, "version_id": version.id, "sha256": bundle.info.sha256,
        "bundle_sha256": bundle.bundle_sha256, "file": bundle.info.file, "owner": version.owner_org},
        clock.now().isoformat())
    return version


@records_refusals("upload_definition")
def upload_definition(ctx, actor, township: str, filename: str, data: bytes) -> list[dict]:
    """A township's special-list item, authored by its administrator: validated exactly as the
    files under processes/ are (against the items it may call), stored as a new version visible
    in that township only. A bad file is refused naming the file, element and problem."""
    name = f"townships/{township}/{(filename or 'item.bpmn').replace(chr(92), '/').split('/')[-1]}"
    with ctx.uow() as uow:
        unit = uow.orgs.get(township)
        if unit is None or unit.level != "township":
            raise InvalidData("没有这个乡镇", {"township": f"没有编码为 {township} 的乡镇"})
        require_admin(uow, actor, township, "上传本乡镇特色清单事项")
        catalog, keys = _catalog_with(ctx, uow, township, name, data)
        stored = []
        for key in keys:
            bundle = catalog.bundle(key)
            version = uow.definitions.find(key, bundle.bundle_sha256) or _store_version(uow, bundle, actor.name)
            uow.definitions.make_current(version)
            stored.append(_summary(version))
        uow.commit()
        return stored


def _catalog_with(ctx, uow, township: str, name: str, data: bytes):
    """The new file parsed with every current definition it could call; the keys it defines."""
    files = {}
    for version in uow.definitions.list_current():
        if version.owner_org not in (None, township):
            continue
        files.update({n: t.encode("utf-8") for n, t in version.files.items() if n != name})
    try:
        new_keys = _process_keys(data, name)
        for key in new_keys:
            current = uow.definitions.current(key)
            if current is not None and current.owner_org != township:
                raise DefinitionError(name, key, "与县级清单或其他乡镇的事项标识重复，请换一个流程标识")
            if current is not None:        # a new version of this township's own item replaces its file
                files = {n: d for n, d in files.items() if n != current.info["file"]}
        names = set(ctx.parameters) | set(uow.parameters.township_defined(township))
        catalog = Catalog({**files, name: data}, role_codes=set(ctx.roles), parameter_names=names)
    except DefinitionError:
        raise
    except Exception as exc:  # noqa: BLE001 - the library's own surprises are a bad file, not a 500
        raise DefinitionError(name, None, f"无法解析（{type(exc).__name__}: {exc}）") from None
    return catalog, new_keys


def _process_keys(data: bytes, name: str) -> list[str]:
    root = parse_bpmn_bytes(data, name)
    keys = [p.get("id") for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "false").lower() == "true"]
    if not keys:
        raise DefinitionError(name, None, "文件中没有可执行的流程（isExecutable=\"true\"）")
    return keys


def owner_of(file: str) -> str | None:
    """processes/townships/<township code>/... holds that township's special list; all else is county-wide."""
    parts = file.replace("\\", "/").split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "townships" else None


def _version_columns(bundle) -> dict:
    info = bundle.info
    return dict(
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
    with ctx.uow(readonly=True) as uow:
        owners = visible_owners(uow, actor)
        items = sorted(({**_summary(v), "start_role_name": _role_name(ctx, v.info.get("start_role"))}
                        for v in uow.definitions.list_current() if _visible(v, owners)),
                       key=lambda i: (i["list_code"] or "", i["key"]))
    return _grouped(items)


def startable_processes(ctx, actor) -> list[dict]:
    """The catalogue of what the actor may start: items whose start role the actor holds over at
    least one village the item applies to (a township's special item: that township's villages),
    each with those villages' codes (`villages`), in the order of `list_processes`."""
    with ctx.uow(readonly=True) as uow:
        units = {u.code: u for u in uow.orgs.list()}
        lineages = {code: _lineage(units, code) for code, u in units.items() if u.level == "village"}
        owners = visible_owners(uow, actor)
        items = []
        for version in uow.definitions.list_current():
            role = version.info.get("start_role")
            villages = [code for code, line in sorted(lineages.items())
                        if (version.owner_org is None or version.owner_org in line)
                        and (actor.reaches(line, role) if role else actor.reaches(line))]
            if villages and _visible(version, owners):
                items.append({**_summary(version), "start_role_name": _role_name(ctx, role), "villages": villages})
    return _grouped(sorted(items, key=lambda i: (i["list_code"] or "", i["key"])))


def _lineage(units: dict, code: str) -> list[str]:
    line = []
    while code in units and code not in line:
        line.append(code)
        code = units[code].parent_code
    return line


def _grouped(items: list[dict]) -> list[dict]:
    order = {name: n for n, name in enumerate(CATEGORIES)}
    categories = sorted({i["category"] for i in items}, key=lambda c: (order.get(c, len(order)), c or ""))
    return [{"category": c, "items": [i for i in items if i["category"] == c]} for c in categories]


def current_visible(uow, actor, key: str):
    version = uow.definitions.current(key)
    if version is None or not _visible(version, visible_owners(uow, actor)):
        raise NotFound(f"没有名为 {key} 的事项")
    return version


def get_process(ctx, actor, key: str) -> dict:
    with ctx.uow(readonly=True) as uow:
        version = current_visible(uow, actor, key)
        return {**_summary(version), "start_role_name": _role_name(ctx, version.info.get("start_role")),
                **_with_role_names(ctx, version.info)}


def _summary(version) -> dict:
    info = version.info
    return {"key": version.process_key, "name": version.name, "category": version.category,
            "version_id": version.id, "sha256": version.sha256, "bundle_sha256": version.bundle_sha256,
            "owner_org": version.owner_org, "start_role": info.get("start_role"),
            **{k: info.get(k) for k in ("list_code", "policy_basis", "executing_body",
                                        "supervising_body", "time_limit", "publicity")}}


def _with_role_names(ctx, info: dict) -> dict:
    fields = item_fields(info)
    steps = [{**s, "role_name": _role_name(ctx, s["role"]),
              "time_limit": duration_words(s["deadline"], ctx.parameters, fields) or None,
              "policy_basis": s.get("policy_basis") or info.get("policy_basis")} for s in info["steps"]]
    return {"start_form": info["start_form"], "steps": steps, "calls": info["calls"],
            "end_events": info["end_events"], "timers": info["timers"]}


def _role_name(ctx, code: str | None) -> str | None:
    if code is None:
        return None
    role = ctx.roles.get(code)
    return role.name if role else code

"""Definition use cases: load processes/ into the store, read the catalogue."""
from __future__ import annotations

from dataclasses import asdict

from .. import clock
from ..bpmn_xml import NS, parse_bpmn_bytes
from ..definitions import CATEGORIES, Catalog
from ..errors import Conflict, DefinitionError, Forbidden, InvalidData, NotFound
from ..forms import known_bounds
from ..power_list import duration_words, item_fields
from ..vocabulary import DefinitionState
from . import definition_views as dv
from .access import records_refusals, require_admin
from .calendar import load_shipped_calendars
from .definition_views import (CatalogueGroup, CatalogueItem, CheckReport, DefinitionSummary, DiffView,
                               ProcessView, PublishedVersion, RoleRef, SavedModel, StartableItem, SyncedItem,
                               TownshipItem, TownshipRef, VersionSource, VersionView)
from .parameters import effective_parameters
from .registry import role_codes


def sync_definitions(ctx, progress=None) -> list[SyncedItem]:
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
            if version.state != "withdrawn" or version.owner_org is None:   # a withdrawn township item stays so
                uow.definitions.make_current(version)
            report.append(SyncedItem(process_key=key, version_id=version.id, new=is_new))
            if progress:
                progress(key, is_new)
        load_shipped_calendars(ctx, uow)       # the holiday calendars shipped with the list, once
        uow.commit()
    return report


def _store_version(uow, bundle, actor_name: str, draft: bool = False):
    version = uow.definitions.add(**_version_columns(bundle, actor_name, draft))
    uow.audit.append("definition_loaded", actor_name, None, {
        "process_key": bundle.key, "version_id": version.id, "sha256": bundle.info.sha256,
        "bundle_sha256": bundle.bundle_sha256, "file": bundle.info.file, "owner": version.owner_org,
        "state": version.state}, clock.now().isoformat())
    return version


@records_refusals("upload_definition")
def upload_definition(ctx, actor, township: str, filename: str, data: bytes,
                      publish: bool = False) -> list[DefinitionSummary]:
    """A township's special-list item, authored by its administrator: validated exactly as the
    files under processes/ are (against the items it may call) and stored as a *draft*, seen by
    the township's administrators only, until it is published (here with `publish`, or later
    with `publish_version`). A bad file is refused naming the file, element and problem.

    Raises:
        InvalidData: no such township; or, with `publish`, the check finds an error.
        Forbidden: the actor is not an administrator of the township or above.
        DefinitionError: the file fails a load-time check (file, element and problem named), or its
            process key is a county item's or another township's.
    """
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
            version = uow.definitions.find(key, bundle.bundle_sha256)
            if version is None:
                version = _store_version(uow, bundle, actor.name, draft=True)
            elif version.state in ("superseded", "withdrawn"):
                uow.definitions.make_draft(version, actor.name)
            if publish and version.state != "published":
                _publish(ctx, uow, actor, version)
            stored.append(dv.summary(version))
        uow.commit()
        return stored


def _catalog_with(ctx, uow, township: str, name: str, data: bytes):
    """The new file parsed with every current definition it could call; the keys it defines."""
    files = {}
    for version in uow.definitions.list_current(files=True):
        if version.owner_org not in (None, township):
            continue
        files.update({n: t.encode("utf-8") for n, t in version.files.items() if n != name})
    try:
        new_keys = _process_keys(data, name)
        for key in new_keys:
            current = uow.definitions.current(key)
            if any(v.owner_org != township for v in uow.definitions.versions(key)):
                raise DefinitionError(name, key, "与县级清单或其他乡镇的事项标识重复，请换一个流程标识")
            if current is not None:        # a new version of this township's own item replaces its file
                files = {n: d for n, d in files.items() if n != current.info["file"]}
        names = set(ctx.parameters) | set(uow.parameters.township_defined(township))
        catalog = Catalog({**files, name: data}, role_codes=role_codes(ctx, uow, township), parameter_names=names)
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


def _version_columns(bundle, actor_name: str = "system", draft: bool = False) -> dict:
    info = bundle.info
    now = clock.now()
    lifecycle = dict(state="draft", is_current=False) if draft else \
        dict(state="published", is_current=True, published_at=now, published_by=actor_name)
    return dict(**lifecycle, created_by=actor_name,
        process_key=info.key, name=info.name, category=info.metadata.get("category"), sha256=info.sha256,
        owner_org=owner_of(info.file),
        bundle_sha256=bundle.bundle_sha256, loaded_at=now,
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


def list_processes(ctx, actor) -> list[CatalogueGroup]:
    """The catalogue: its categories in the list's order, items by list code.
    Raises nothing: another township's special items are simply not in it."""
    with ctx.uow(readonly=True) as uow:
        owners = visible_owners(uow, actor)
        items = sorted((dv.summary(v, CatalogueItem, start_role_name=_role_name(ctx, v.info.get("start_role")))
                        for v in uow.definitions.list_current() if _visible(v, owners)),
                       key=lambda i: (i.list_code or "", i.key))
    return _grouped(items)


def item_names(ctx) -> dict[str, str]:
    """Item key -> its name, for labelling matters the caller already sees: a withdrawn item's and
    a draft's too (a matter of it still runs), each by its current or else its newest version.
    Raises nothing."""
    with ctx.uow(readonly=True) as uow:
        return uow.definitions.names()


def startable_processes(ctx, actor) -> list[CatalogueGroup]:
    """The catalogue of what the actor may start: items whose start role the actor holds over at
    least one village the item applies to (a township's special item: that township's villages),
    each with those villages' codes (`villages`; a StartableItem), in the order of `list_processes`. Raises nothing."""
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
                items.append(dv.summary(version, StartableItem, start_role_name=_role_name(ctx, role),
                                        villages=tuple(villages)))
    return _grouped(sorted(items, key=lambda i: (i.list_code or "", i.key)))


def _lineage(units: dict, code: str) -> list[str]:
    line = []
    while code in units and code not in line:
        line.append(code)
        code = units[code].parent_code
    return line


def _grouped(items: list[CatalogueItem]) -> list[CatalogueGroup]:
    order = {name: n for n, name in enumerate(CATEGORIES)}
    categories = sorted({i.category for i in items}, key=lambda c: (order.get(c, len(order)), c or ""))
    return [CatalogueGroup(c, tuple(i for i in items if i.category == c)) for c in categories]


def current_visible(uow, actor, key: str):
    """The item's current version where the actor works; NotFound otherwise, saying so when the
    actor's township withdrew it (a clerk following an old link learns why)."""
    version = uow.definitions.current(key)
    owners = visible_owners(uow, actor)
    if version is None or not _visible(version, owners):
        withdrawn = next((v for v in uow.definitions.versions(key) if v.state == "withdrawn" and _visible(v, owners)), None)
        if version is None and withdrawn is not None:
            raise NotFound(withdrawn_notice(uow, key, withdrawn.owner_org))
        raise NotFound(f"没有名为 {key} 的事项")
    return version


def get_process(ctx, actor, key: str, village: str | None = None) -> ProcessView:
    """The item's current version with its steps, forms, calls and timers, roles by name; the
    start form's bounds worked out with the parameters in force in `village`'s township (the
    county's without one), for clients that do not evaluate expressions.

    Raises:
        NotFound: no such item, not one in force where the actor works, or no such village.
    """
    with ctx.uow(readonly=True) as uow:
        version = current_visible(uow, actor, key)
        township = None
        if village is not None:
            unit = uow.orgs.get(village)
            if unit is None or unit.level != "village" or unit.sandbox:
                raise NotFound(f"没有编码为 {village} 的村")
            township = unit.parent_code
        values = effective_parameters(ctx, uow, township)
        start = ctx.bundles.get(version).info.start_form
        info = version.info
        return dv.summary(version, ProcessView, start_role_name=_role_name(ctx, info.get("start_role")),
                          start_form=tuple({**f.as_dict(), **known_bounds(f, values)} for f in start.fields),
                          steps=_steps_with_role_names(ctx, info), calls=tuple(info["calls"]),
                          end_events=info["end_events"], timers=info["timers"])


def _steps_with_role_names(ctx, info: dict) -> tuple[dict, ...]:
    fields = item_fields(info)
    return tuple({**s, "role_name": _role_name(ctx, s["role"]),
                  "time_limit": duration_words(s["deadline"], ctx.parameters, fields) or None,
                  "policy_basis": s.get("policy_basis") or info.get("policy_basis")} for s in info["steps"])


def _role_name(ctx, code: str | None) -> str | None:
    if code is None:
        return None
    role = ctx.role(code)
    return role.name if role else code


# -- the lifecycle of a township item version: check, publish, withdraw; versions and diff ----------


def _version_of(uow, actor, key: str, version_id: int, what: str):
    """A stored version of the item, for an administrator of its township (a county item: any
    administrator may read it; nobody changes it here)."""
    version = uow.definitions.get(version_id)
    if version is None or version.process_key != key:
        raise NotFound(f"事项 {key} 没有编号为 {version_id} 的版本")
    if version.owner_org is not None:
        if not _visible(version, visible_owners(uow, actor)):
            raise NotFound(f"事项 {key} 没有编号为 {version_id} 的版本")
        require_admin(uow, actor, version.owner_org, what)
    return version


def _report(ctx, uow, version) -> CheckReport:
    """Every load-time check and the lint of a stored version, against the items it may call."""
    from ..lint import ERROR, check_documents

    own = version.info["file"]
    base = {}
    for current in uow.definitions.list_current(files=True):
        if current.owner_org in (None, version.owner_org):
            base.update({n: t.encode("utf-8") for n, t in current.files.items() if n != own})
    parameters = dict(ctx.parameters)       # declarations: a publicity period is measured at their floors
    if version.owner_org:
        parameters.update(uow.parameters.township_defined(version.owner_org))
    findings = [dv.finding(f.as_dict()) for f in check_documents({own: version.files[own].encode("utf-8")}, base,
                                                      role_codes(ctx, uow, version.owner_org), parameters,
                                                      ctx.publicity_floors)]
    errors = sum(f.severity == ERROR for f in findings)
    return CheckReport(key=version.process_key, version_id=version.id, state=DefinitionState(version.state),
                       ok=errors == 0, errors=errors, warnings=len(findings) - errors, findings=tuple(findings))


def check_version(ctx, actor, key: str, version_id: int) -> CheckReport:
    """The check of a version (载入检查 and 规则检查), audited; publishing runs the same.

    Raises:
        NotFound: no such version of the item, or its township's items are out of the actor's sight.
        Forbidden: the actor is not an administrator of the item's township or above.
    """
    with ctx.uow() as uow:
        version = _version_of(uow, actor, key, version_id, "检查本乡镇特色清单事项")
        report = _report(ctx, uow, version)
        uow.audit.append("definition_checked", actor.name, None, {
            "process_key": key, "version_id": version.id, "errors": report.errors,
            "warnings": report.warnings}, clock.now().isoformat())
        uow.commit()
        return report


def _publish(ctx, uow, actor, version) -> CheckReport:
    if version.owner_org is None:
        raise Conflict("县级清单事项随 processes/ 目录载入，不能在这里发布")
    if version.state == "published":
        raise Conflict(f"该版本（{version.id}）已是发布中的版本")
    report = _report(ctx, uow, version)
    if not report.ok:
        raise InvalidData(f"规则检查有 {report.errors} 个错误，不能发布：请修改后重新上传",
                          {"findings": [asdict(f) for f in report.findings if f.severity == "error"]})
    previous = uow.definitions.current(version.process_key)
    uow.definitions.make_current(version, actor.name, clock.now())
    uow.audit.append("definition_published", actor.name, None, {
        "process_key": version.process_key, "version_id": version.id, "owner": version.owner_org,
        "superseded": previous.id if previous is not None and previous.id != version.id else None,
        "warnings": report.warnings}, clock.now().isoformat())
    return report


@records_refusals("publish_definition")
def publish_version(ctx, actor, key: str, version_id: int) -> PublishedVersion:
    """Make a version the one new matters start on; running matters keep the version they started on.
    Refused while the check finds an error.

    Raises:
        NotFound: no such version of the item, or its township's items are out of the actor's sight.
        Forbidden: the actor is not an administrator of the item's township or above.
        Conflict: a county item, or the version is already the published one.
        InvalidData: the check finds an error (the findings are in the refusal).
    """
    with ctx.uow() as uow:
        version = _version_of(uow, actor, key, version_id, "发布本乡镇特色清单事项")
        report = _publish(ctx, uow, actor, version)
        uow.commit()
        return dv.version_as(version, {}, PublishedVersion, report=report)


@records_refusals("withdraw_definition")
def withdraw_version(ctx, actor, key: str, version_id: int, reason: str) -> VersionView:
    """Stop new matters of the item (the published version); running matters finish on it.

    Raises:
        InvalidData: no reason.
        NotFound: no such version of the item, or its township's items are out of the actor's sight.
        Forbidden: the actor is not an administrator of the item's township or above.
        Conflict: a county item, or the version is not the published one.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData("撤回须写明原因", {"reason": "请填写撤回原因"})
    with ctx.uow() as uow:
        version = _version_of(uow, actor, key, version_id, "撤回本乡镇特色清单事项")
        if version.owner_org is None:
            raise Conflict("县级清单事项不能在这里撤回")
        if version.state != "published":
            raise Conflict(f"只能撤回发布中的版本，该版本{DefinitionState(version.state).label}")
        uow.definitions.withdraw(version, actor.name, clock.now(), reason)
        uow.audit.append("definition_withdrawn", actor.name, None, {
            "process_key": key, "version_id": version.id, "owner": version.owner_org, "reason": reason},
            clock.now().isoformat())
        uow.commit()
        return dv.version(version, {})


def _readable_versions(uow, actor, key: str) -> list:
    versions = uow.definitions.versions(key)
    owners = visible_owners(uow, actor)
    versions = [v for v in versions if _visible(v, owners)]
    if not versions:
        raise NotFound(f"没有名为 {key} 的事项")
    owner = versions[0].owner_org
    if owner is not None and not actor.is_admin_of(uow.lineage(owner)):
        versions = [v for v in versions if v.state != "draft"]      # drafts: the township's administrators only
        if not versions:
            raise NotFound(f"没有名为 {key} 的事项")
    return versions


def list_versions(ctx, actor, key: str) -> list[VersionView]:
    """Every version of an item, the newest first: who, when, state, matters started on each.

    Raises:
        NotFound: no such item in the actor's sight (drafts: its township's administrators only).
    """
    with ctx.uow(readonly=True) as uow:
        versions = _readable_versions(uow, actor, key)
        counts = uow.definitions.matter_counts(key)
        return [dv.version(v, counts) for v in versions]


def diff_versions(ctx, actor, key: str, from_id: int, to_id: int) -> DiffView:
    """What changed from one version of an item to another, in Chinese.

    Raises:
        NotFound: no such item, or either version is not one of it in the actor's sight.
    """
    from ..diff import diff_items, item_facts

    with ctx.uow(readonly=True) as uow:
        versions = {v.id: v for v in _readable_versions(uow, actor, key)}
        for vid in (from_id, to_id):
            if vid not in versions:
                raise NotFound(f"事项 {key} 没有编号为 {vid} 的版本")
        old, new = versions[from_id], versions[to_id]
        changes = diff_items(item_facts(old.info, old.files[old.info["file"]]),
                             item_facts(new.info, new.files[new.info["file"]]))
        return DiffView(key=key, from_version=from_id, to_version=to_id, changes=tuple(dv.change(c) for c in changes),
                        summary=f"共 {len(changes)} 处变化" if changes else "两个版本的流程内容相同")


def withdrawn_notice(uow, process_key: str, township: str) -> str | None:
    """Why an item that has no published version may not be started: it was withdrawn."""
    for version in uow.definitions.versions(process_key):
        if version.owner_org in (None, township) and version.state == "withdrawn":
            reason = f"（原因：{version.withdraw_reason}）" if version.withdraw_reason else ""
            return f"事项 {version.name} 已撤回，不能发起新的事项{reason}；已在办的事项照常办完"
    return None


def administered_townships(ctx, actor) -> list[TownshipRef]:
    """The townships whose special list the actor administers. Raises nothing:
    an actor who administers none gets an empty list."""
    with ctx.uow(readonly=True) as uow:
        return [TownshipRef(code=u.code, name=u.name) for u in uow.orgs.list("township")
                if actor.is_admin_of(uow.lineage(u.code))]


def township_items(ctx, actor, township: str) -> list[TownshipItem]:
    """A township's special items with every version (drafts too), for its administrators.

    Raises:
        NotFound: no such township.
        Forbidden: the actor is not an administrator of the township or above.
    """
    with ctx.uow(readonly=True) as uow:
        unit = uow.orgs.get(township)
        if unit is None or unit.level != "township":
            raise NotFound(f"没有编码为 {township} 的乡镇")
        require_admin(uow, actor, township, "管理本乡镇特色清单事项")
        items: dict[str, tuple[str, list[VersionView]]] = {}      # key: (name of its newest version, versions)
        counts: dict[str, dict] = {}
        for version in uow.definitions.of_owner(township):
            _, versions = items.setdefault(version.process_key, (version.name, []))
            if version.process_key not in counts:
                counts[version.process_key] = uow.definitions.matter_counts(version.process_key)
            versions.append(dv.version(version, counts[version.process_key]))
        return [TownshipItem(key=key, name=name, versions=tuple(versions)) for key, (name, versions) in items.items()]


# -- the browser modeler (api/web/views/modeler.py) ---------------------------------------------------
def version_source(ctx, actor, key: str, version_id: int) -> VersionSource:
    """A stored version's BPMN text for the modeler (the web layer lays out a file without a
    complete diagram), and whether the actor may save a new draft from it (a township item of a
    township the actor administers; a county item is read-only here).

    Raises:
        NotFound: no such version of the item, or its township's items are out of the actor's sight.
        Forbidden: the actor administers no township (a county item), or not the item's township.
    """
    with ctx.uow(readonly=True) as uow:
        version = _version_of(uow, actor, key, version_id, "在建模器中打开本乡镇特色清单事项")
        if version.owner_org is None and not any(actor.is_admin_of(uow.lineage(u.code))
                                                 for u in uow.orgs.list("township")):
            raise Forbidden("在建模器中查看县级清单事项需要乡镇或县级管理员")
        file = version.info["file"]
        return dv.version_as(version, {}, VersionSource, file=file, xml=version.files[file],
                             editable=version.owner_org is not None, township=version.owner_org)


def modeler_roles(ctx, township: str | None = None) -> list[RoleRef]:
    """The roles a lane may be: the county's registry and the township's own."""
    roles = dict(ctx.roles)
    if township:
        with ctx.uow(readonly=True) as uow:
            roles.update(uow.township_roles.of_township(township))
    return [RoleRef(code=r.code, name=r.name, level=r.level) for r in roles.values()]


def save_model(ctx, actor, township: str, file: str, xml: str) -> SavedModel:
    """The modeler's saved text stored as a new draft of the township's item (`upload_definition`:
    every load-time check; a refusal names the element) and checked at once (`check_version`).

    Returns the drafts stored and the check of the item's new draft.
    Raises what `upload_definition` and `check_version` raise."""
    stored = upload_definition(ctx, actor, township, file, xml.encode("utf-8"))
    main = stored[0]
    return SavedModel(stored=tuple(stored), report=check_version(ctx, actor, main.key, main.version_id))


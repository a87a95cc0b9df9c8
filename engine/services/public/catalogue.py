"""Where a villager starts: the directory of villages, and a village's power list (权力清单) with
each item's policy basis, executing and supervising bodies, time limits, steps and what it publishes."""
from __future__ import annotations

import hashlib
import json

from ...definitions import CATEGORIES
from ...disclosure import SECTIONS
from ...errors import NotFound
from ...masking import HOW_SHOWN
from ...power_list import duration_words, item_fields
from .views import (CalledItem, Directory, DirectoryNode, FlowchartSource, Place, PowerGroup, PowerItem,
                    PowerItemPage, PowerList, PowerStep, PublicationWords, VillageMatch, place_view, power_summary)

MAX_QUERY = 50


def directory(ctx, query: str | None = None, county: str | None = None) -> Directory:
    """Counties with their townships and villages; with a query, the villages whose name (or
    code) contains it, each with the township it belongs to. `county` (a code or a name): that
    county only (a static export of one county's portal)."""
    with ctx.portal_uow(readonly=True) as uow:
        units = [(u.code, u.name, u.level, u.parent_code) for u in uow.orgs.list()]
    by_parent: dict = {}
    for unit in units:
        by_parent.setdefault(unit[3], []).append(unit)
    names = {code: name for code, name, _, _ in units}

    def tree(parent) -> tuple[DirectoryNode, ...]:
        return tuple(DirectoryNode(code, name, level, tree(code)) for code, name, level, _ in sorted(by_parent.get(parent, [])))
    text = (query or "").strip()[:MAX_QUERY]
    matches = [VillageMatch(code, name, names.get(parent, "")) for code, name, level, parent in units
               if level == "village" and text and (text in name or text.lower() in code)]
    counties = tree(None)
    if county:
        counties = tuple(c for c in counties if county in (c.code, c.name))
        if not counties:
            raise NotFound(f"没有名为 {county} 的县")
        inside = {v.code for t in counties[0].children for v in t.children}
        matches = [m for m in matches if m.code in inside]
    return Directory(counties=counties, query=text, matches=tuple(sorted(matches, key=lambda m: m.code)))


def directory_version(ctx) -> str:
    """What the directory is made of: the units (codes, names, places in the tree). Not the
    records: the directory shows none, and counting a county's hundreds of thousands of records
    on every visit would cost more than the page."""
    with ctx.portal_uow(readonly=True) as uow:
        units = sorted((u.code, u.name, u.level, u.parent_code or "") for u in uow.orgs.list())
    return hashlib.sha256(json.dumps(units, ensure_ascii=False).encode()).hexdigest()[:16]


def village(ctx, code: str) -> Place:
    with ctx.portal_uow(readonly=True) as uow:
        return place_of(uow, code)


def place_of(uow, code: str) -> Place:
    """A village with its township and county; NotFound for anything that is not a village."""
    unit = uow.orgs.get(code)
    if unit is None or unit.level != "village":
        raise NotFound(f"没有编码为 {code} 的村")
    township = uow.orgs.get(unit.parent_code)
    county = uow.orgs.get(township.parent_code) if township and township.parent_code else None
    return place_view(unit, township, county)


def power_list(ctx, village: str) -> PowerList:
    """Every item in force in the village: the county's and its township's special items."""
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        items = sorted((power_summary(v) for v in _in_force(uow, place)), key=lambda i: (i.list_code or "", i.key))
    order = {name: n for n, name in enumerate(CATEGORIES)}
    categories = sorted({i.category for i in items}, key=lambda c: (order.get(c, len(order)), c or ""))
    return PowerList(village=place, groups=tuple(PowerGroup(c, tuple(i for i in items if i.category == c))
                                                 for c in categories))


def power_item(ctx, village: str, key: str) -> PowerItemPage:
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        version = _item(uow, place, key)
        info = version.info
        calls = tuple(CalledItem(k, v.name) for k in info.get("calls", []) if (v := uow.catalogue.current(k)) is not None)
        values = {name: p.value for name, p in ctx.parameters.items()}
        fields = item_fields(info)
        steps = tuple(PowerStep(name=s["name"], role=_role(ctx, s["role"]),
                                time_limit=duration_words(s["deadline"], values, fields) or None,
                                supervision=s["supervision"], objection_intake=s["objection_intake"])
                      for s in info["steps"])
        item = power_summary(version, PowerItem, steps=steps,
                                   outcomes=tuple(sorted(set(info["end_events"].values()))), calls=calls,
                                   publications=tuple(_publication_words(p) for p in info.get("publications", [])))
    return PowerItemPage(village=place, item=item)


def item_flowchart_source(ctx, village: str, key: str) -> FlowchartSource:
    """What the official flowchart is drawn from (the drawing is the web layer's): the item, the
    village's township's values in force (its time limits and telephones), the called items' names."""
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        version = _item(uow, place, key)
        township = place.township.code if place.township else None
        values = _values_in_force(ctx, uow, township)
        names = {v.process_key: v.name for v in _in_force(uow, place, info=False)}
        etag = f"{version.bundle_sha256}-{_values_tag(values)}"
        roles = {code: r.name for code, r in uow.township_roles.of_township(version.owner_org).items()} \
            if version.owner_org else {}
        return FlowchartSource(bpmn=version.files[version.info["file"]].encode("utf-8"), process_id=key,
                               parameters=values, process_names=names, etag=etag, role_names=roles)


def _values_in_force(ctx, uow, township: str | None) -> dict:
    """The township's rules in force (the same as engine.services.parameters, which the portal may
    not import: it reaches matters): county defaults, its own parameters, its values."""
    values = {name: p.value for name, p in ctx.parameters.items()}
    if township:
        values.update({name: p.value for name, p in uow.parameters.township_defined(township).items()})
        values.update(uow.parameters.overrides(township))
    return values


def _values_tag(values: dict) -> str:
    # The chart changes when the township changes a value: the tag must too.
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _in_force(uow, place: Place, info: bool = True) -> list:
    township = place.township.code if place.township else None
    return [v for v in uow.catalogue.list_current(info=info) if v.owner_org in (None, township)]


def _item(uow, place: Place, key: str):
    version = uow.catalogue.current(key)
    township = place.township.code if place.township else None
    if version is None or version.owner_org not in (None, township):
        raise NotFound(f"本村的权力清单中没有 {key}")
    return version


def _publication_words(publication: dict) -> PublicationWords:
    """What a publicity point publishes, in words: 申请人（姓名（部分隐去））、保障人数…; a list with its
    columns: 补贴清册（逐行：户主姓名（部分隐去）、补贴面积…）."""
    def word(field):
        if field["mask"]:
            return f"{field['label']}（{HOW_SHOWN[field['mask']]}）"
        if field.get("columns"):          # a list, row by row: its public columns
            return f"{field['label']}（逐行：{'、'.join(word(c) for c in field['columns'])}）"
        return field["label"] + ("（文件）" if field["document"] else "")
    return PublicationWords(where=publication["element_name"],
                            section=SECTIONS.get(publication["section"], publication["section"]),
                            stage=publication["stage"], title=publication["title"],
                            opens_objections=bool(publication["publicity_step"]),
                            long_term=bool(publication.get("long_term")),       # versions loaded before term= have none
                            fields=tuple(word(f) for f in publication["fields"]))


def _role(ctx, code: str) -> str:
    role = ctx.role(code)
    return role.name if role else code

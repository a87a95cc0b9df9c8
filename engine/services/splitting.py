"""Splitting checked against the store, before the decision rather than after it (issue 13).

A step may declare `split_total` = one of its money fields: the amount of this matter together
with the related purchases the village already has on the platform. The clerk may find more (paper
records from before the platform), never less: the field may not be below this matter's amount plus
the amounts of the village's live matters of the same item, of the same scope, started within the
township's window before or after this one. "Related", the scope fields and the window are red line
R4's (processes/redlines.toml `[[rules.R4.thresholds.groups]]`), read the way R4 reads them, so a
purchase the check let through is one R4 would not flag later for the matters it knew of.

The lookup reads other matters, so it lives here in the services (engine/runtime.py runs one matter
and knows no store); like every service it is called by the API and never imports Flask."""
from __future__ import annotations

from datetime import timedelta

from ..errors import InvalidData
from ..redlines.base import resolve
from ..redlines.facts import as_number
from ..redlines.village import LIVE, normalized
from .redlines import rulebook

SHOWN = 5           # the earlier purchases a refusal names (then "等 N 笔")


def check_split_total(ctx, uow, record, step, cleaned: dict) -> None:
    """InvalidData on the step's `split_total` field when it is below what the store holds."""
    name = step.split_total
    if not name or cleaned.get(name) is None:
        return
    group = _group(ctx, record.process_key)
    if group is None:
        return
    related = related_matters(uow, record, group)
    own = float(record.amount or 0)
    total = own + sum(amount for _, amount in related)
    if not related or float(cleaned[name]) >= total - 0.005:
        return
    window = _window(group, record.params)
    listed = "；".join(f"#{m.id}“{m.subject}”（{m.created_at:%Y-%m-%d}，{_yuan(amount)}）" for m, amount in related[:SHOWN])
    more = f"等 {len(related)} 笔" if len(related) > SHOWN else ""
    raise InvalidData("合计金额小于平台台账所载同类采购与本次之和", {name: (
        f"平台台账显示核查期（前后 {window} 天）内本村已有同类{group.get('what', '事项')}：{listed}{more}；"
        f"与本次（{_yuan(own)}）合计 {_yuan(total)}，合计金额不得小于该数")})


def related_matters(uow, record, group: dict) -> list[tuple]:
    """(matter record, amount) of the village's live matters of the item related to `record` by one
    of the group's scope fields, started within the window around it; oldest first."""
    window = timedelta(days=_window(group, record.params))
    keys = {field: normalized((record.data or {}).get(field)) for field in group.get("by", ())}
    keys = {field: key for field, key in keys.items() if key}
    if not keys:
        return []
    found = []
    for peer in uow.redline_facts.peers(record.village_code, {record.process_key}, record.created_at - window):
        if peer.id == record.id or str(peer.status) not in LIVE or peer.created_at > record.created_at + window:
            continue
        if any(normalized((peer.data or {}).get(field)) == key for field, key in keys.items()):
            amount = as_number(peer.amount if peer.amount is not None else (peer.data or {}).get("amount"))
            if amount is not None:
                found.append((peer, float(amount)))
    return sorted(found, key=lambda pair: (pair[0].created_at, pair[0].id))


def _group(ctx, process_key: str) -> dict | None:
    rule = rulebook(ctx).get("R4")
    groups = rule.thresholds.get("groups", ()) if rule is not None else ()
    return next((g for g in groups if g.get("item") == process_key), None)


def _window(group: dict, params: dict) -> int:
    return int(as_number(resolve(group.get("window_days"), params or {})) or 0)


def _yuan(amount: float) -> str:
    return f"{amount:,.2f} 元"

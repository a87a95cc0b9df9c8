"""Figures of complaints per village, township or county and period: received, answered, answered
on time, overdue, 办结率 (closure rate), satisfaction, the top categories and repeat cases. Read from
the case side table only (never a workflow); the pages draw them, the exports write them."""
from __future__ import annotations

from collections import Counter
from datetime import datetime

from ... import clock
from ...errors import InvalidData, NotFound
from ...vocabulary import COMPLAINT_CATEGORIES, COMPLAINTS_NOT_COUNTED, ComplaintStatus
from ..access import visible_villages
from .views import (CategoryCount, ComplaintFigures, ComplaintStatistics, StatisticsPeriod, StatisticsScope,
                    UnitFigures)

LEVELS = {"village": "村", "township": "乡镇", "county": "县"}


def statistics(ctx, actor, org: str | None = None, start: datetime | None = None,
               end: datetime | None = None) -> ComplaintStatistics:
    """Received, answered and closed cases and the closure rate (办结率) by unit. `org`: a village,
    township or county code in the actor's reach (None: the actor's widest unit); [start, end): the
    period of receipt, aware datetimes (None: open).

    Raises:
        InvalidData: a bound that is not an aware datetime, or an end not after the start.
        NotFound: `org` is not a unit in the actor's reach.
    """
    for name, value in (("from", start), ("to", end)):
        if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
            raise InvalidData("统计期间有误", {name: "应为带时区的时间"})
    if start and end and end <= start:
        raise InvalidData("统计期间有误", {"to": "结束时间应晚于开始时间"})
    now = clock.now()
    with ctx.uow(readonly=True) as uow:
        unit = _scope(uow, actor, org)
        villages = uow.orgs.within({unit.code}) if unit is not None else visible_villages(uow, actor)
        reach = visible_villages(uow, actor)
        if reach is not None:
            villages = set(villages or ()) & reach
        rows = uow.complaints.received_between(villages, start, end)
        group_level = "township" if unit is None or unit.level == "county" else "village"
        groups: dict[str, list] = {}
        for row in rows:
            groups.setdefault(row.township_code if group_level == "township" else row.village_code, []).append(row)
        names = {code: (uow.orgs.get(code).name if uow.orgs.get(code) else code) for code in groups}
        scope = StatisticsScope(code=unit.code if unit else None, name=unit.name if unit else "全部",
                                level=unit.level if unit else None)
        by_unit = tuple(figures(found, now, UnitFigures, code=code, name=names[code])
                        for code, found in sorted(groups.items(), key=lambda kv: names[kv[0]]))
        return ComplaintStatistics(scope=scope, period=StatisticsPeriod(start=start, end=end), generated_at=now,
                                   totals=figures(rows, now), group_level=group_level,
                                   group_level_name=LEVELS[group_level], by_unit=by_unit)


def _scope(uow, actor, org):
    if org is None:
        return None
    unit = uow.orgs.get(org) if isinstance(org, str) else None
    if unit is None or not actor.reaches(uow.lineage(unit.code)):
        raise NotFound(f"找不到单位 {org}（或不在你的范围内）")
    return unit


def figures(rows: list, now, cls: type = ComplaintFigures, **extra) -> ComplaintFigures:
    """The figures of these case rows; as `cls` (UnitFigures) with the fields it adds."""
    rows = [r for r in rows if r.status not in COMPLAINTS_NOT_COUNTED]      # as the portal counts
    received = len(rows)
    answered = [r for r in rows if r.answered_at is not None]
    on_time = [r for r in answered if not r.answered_late and not r.supervisions]
    overdue = [r for r in rows if _overdue(r, now)]
    concluded = [r for r in rows if r.status in ComplaintStatus.labels() and ComplaintStatus(r.status).concluded]
    rated = [r for r in rows if r.rating]
    satisfied = [r for r in rated if r.rating == "satisfied"]
    categories = Counter(r.category for r in rows)
    return cls(received=received, answered=len(answered), on_time=len(on_time), overdue=len(overdue),
               closed=len(concluded), closure_rate=_rate(len(concluded), received), rated=len(rated),
               satisfied=len(satisfied), satisfaction=_rate(len(satisfied), len(rated)),
               supervisions=sum(r.supervisions for r in rows), reopened=sum(1 for r in rows if r.reopened),
               repeat=_repeats(rows),
               categories=tuple(CategoryCount(category=c, name=COMPLAINT_CATEGORIES.get(c, c), count=n)
                                for c, n in categories.most_common()), **extra)


def _overdue(row, now) -> bool:
    if row.supervisions or row.answered_late:
        return True
    open_ = row.status in ("received", "accepted", "assigned")
    late_answer = open_ and row.answer_due is not None and row.answer_due < now
    late_accept = row.accepted_at is None and open_ and row.accept_due is not None and row.accept_due < now
    return late_answer or late_accept or bool(row.accepted_at and row.accept_due and row.accepted_at > row.accept_due)


def _repeats(rows: list) -> int:
    """Duplicates merged into another case, and cases about a matter an earlier case of the same
    village already raised (重复件)."""
    seen, repeats = set(), 0
    for row in sorted(rows, key=lambda r: (r.received_at, r.id)):
        key = (row.village_code, (row.concerned_matter or "").strip())
        if row.status == ComplaintStatus.MERGED or (key[1] and key in seen):
            repeats += 1
        if key[1]:
            seen.add(key)
    return repeats


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None

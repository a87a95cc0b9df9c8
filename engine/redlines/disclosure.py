"""R10: the village's finances published every month or quarter (村委会组织法 Art. 30), through the
item 村级财务公开 (finance_disclosure). Two checks:

- `not_published`: a period that ended, whose due day (a township parameter: so many days after
  the period's end) has passed, and that no published statement covers. A finding about the
  village, so only the sweep raises it (it names no matter); it is lifted once one is published.
- `published_late`: a statement published after its period's due day; it names the statement, so
  the publication itself raises it.

Periods are calendar months grouped by the township's `finance_disclosure_period_months` (1: every
month, 3: every quarter), counted from the period of the village's first matter."""
from __future__ import annotations

from datetime import date, timedelta

from .base import village_rule
from .facts import VillageFacts, as_date, day
from .watches import STEPS, items
from .words import on

ITEM = "finance_disclosure"
PUBLISH = "publish_statement"


def period_of(when: date, months: int) -> tuple[date, date]:
    """The period (first and last day) that contains `when`, periods being `months` long from January."""
    first_month = (when.month - 1) // months * months + 1
    start = date(when.year, first_month, 1)
    end_month = first_month + months
    following = date(when.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, following - timedelta(days=1)


def period_name(start: date, months: int) -> str:
    if months == 3:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if months == 1:
        return f"{start.year}年{start.month}月"
    return f"{start.year}年{start.month}月起{months}个月"


@village_rule("R10", watches=items(ITEM), reads=STEPS)
def finance_published_on_time(v: VillageFacts, rule):
    if not v.matters or v.now is None:
        return
    latest = max(v.matters, key=lambda m: m.created_at)          # the township's parameters now in force
    months = int(rule.threshold("period_months", latest.params, 3))
    due_days = int(rule.threshold("due_days", latest.params, 20))
    published = [(m, as_date(m.value("period_start")), as_date(m.value("period_end")), m.first(PUBLISH))
                 for m in v.of(ITEM)]
    published = [(m, start, end, record) for m, start, end, record in published if start and end and record]
    for m, _, end, record in published:
        due = end + timedelta(days=due_days)
        if day(record.at) > due:
            yield rule.hit(m, "published_late",
                           f"财务公开（{on(end)} 止）于 {on(day(record.at))} 公开，晚于公开期限 {on(due)}",
                           {"period_end": on(end), "due": on(due), "published_on": on(day(record.at))})
    today = day(v.now)
    start, end = period_of(day(min(m.created_at for m in v.matters)), months)
    while end + timedelta(days=due_days) < today:
        if not any(s <= start and end <= e for _, s, e, _ in published):
            due = end + timedelta(days=due_days)
            yield rule.village_hit(v, "not_published",
                                   f"{period_name(start, months)}财务收支未公开（应于 {on(due)} 前公开）",
                                   {"period_start": on(start), "period_end": on(end), "due": on(due)},
                                   about=start.isoformat())
        start, end = period_of(end + timedelta(days=1), months)

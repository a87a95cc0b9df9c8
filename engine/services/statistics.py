"""考核: per village and township, per month, quarter or year: matters by item, the on-time rate
of steps, publicity compliance, evidence completeness, warnings by severity and status, complaint
closure, and a weighted score (weights in processes/assessment.toml). Supervisors and
administrators, over the villages they supervise."""
from __future__ import annotations

import tomllib
from dataclasses import fields
from typing import NamedTuple
from datetime import datetime, timedelta, timezone

from .. import clock
from ..errors import InvalidData
from ..vocabulary import WarningStatus
from .tallies import month_of
from .views import AssessmentPeriod, AssessmentReport, UnitAssessment
from .warnings import supervised_villages

BEIJING = timezone(timedelta(hours=8))
PERIODS = {"month": 12, "quarter": 4, "year": 1}
CLOSED_WARNINGS = (WarningStatus.CLOSED, WarningStatus.DISMISSED, WarningStatus.LIFTED)


_CONFIGS: dict = {}         # (path, mtime) -> the parsed file: read again only when it changes


def assessment_config(ctx) -> dict:
    """processes/assessment.toml (weights and settings of 考核), read again when it changes."""
    path = ctx.processes_dir / "assessment.toml"
    stamp = (str(path), path.stat().st_mtime_ns)
    if stamp not in _CONFIGS:
        with open(path, "rb") as handle:
            _CONFIGS.clear()
            _CONFIGS[stamp] = tomllib.load(handle)
    return _CONFIGS[stamp]


def period_bounds(period: str, year: int, number: int | None) -> tuple[datetime, datetime, str]:
    """[start, end) in UTC of a Beijing month, quarter or year, and its name."""
    if period not in PERIODS:
        raise InvalidData("统计周期有误", {"period": "应为 month、quarter 或 year"})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidData("年份有误", {"year": "应为 2000 到 2100 之间的年份"})
    number = 1 if period == "year" else number
    if not isinstance(number, int) or not 1 <= number <= PERIODS[period]:
        raise InvalidData("期次有误", {"number": f"应为 1 到 {PERIODS[period]}"})
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    first = (number - 1) * months + 1
    start = datetime(year, first, 1, tzinfo=BEIJING)
    end_month = first + months
    end = datetime(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1, tzinfo=BEIJING)
    name = {"month": f"{year}年{number}月", "quarter": f"{year}年第{number}季度", "year": f"{year}年"}[period]
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc), name


class _Unit(NamedTuple):
    name: str
    level: str
    parent_code: str | None


def _blank(code: str, name: str, level: str, parent: str | None) -> dict:
    return {"code": code, "name": name, "level": level, "township": parent, "matters": 0, "completed": 0,
            "by_item": {}, "steps_due": 0, "steps_on_time": 0, "steps_late_open": 0, "overdue_now": 0, "published": 0,
            "publicity_flagged": 0, "evidence_fields": 0, "evidence_filled": 0, "complaints": 0,
            "complaints_closed": 0, "warnings": {s: {"open": 0, "closed": 0} for s in ("high", "medium", "low")},
            "warning_points": 0}


def _add(total: dict, part: dict) -> None:
    for key, value in part.items():
        if isinstance(value, int) and not isinstance(value, bool):
            total[key] += value
    for item, n in part["by_item"].items():
        total["by_item"][item] = total["by_item"].get(item, 0) + n
    for severity, counts in part["warnings"].items():
        for state, n in counts.items():
            total["warnings"][severity][state] += n


def _rates(row: dict, config: dict) -> UnitAssessment:
    """The figures of a unit with its rates and its weighted score."""
    settings = config.get("settings", {})
    due = row["steps_due"] + row["steps_late_open"]          # done in the period, and due in it but still open
    rates = {"on_time": row["steps_on_time"] / due if due else None,
             "publicity": max(0.0, 1 - row["publicity_flagged"] / row["published"]) if row["published"] else None,
             "evidence": row["evidence_filled"] / row["evidence_fields"] if row["evidence_fields"] else None,
             "warnings": max(0.0, 1 - row["warning_points"] / settings.get("max_penalty", 20)),
             "complaints": row["complaints_closed"] / row["complaints"] if row["complaints"] else None}
    weights = config.get("weights", {})
    scored = [(weights.get(k, 0), v) for k, v in rates.items() if v is not None and weights.get(k, 0) > 0]
    total = sum(w for w, _ in scored)
    return UnitAssessment(**row, rates={k: (round(v, 4) if v is not None else None) for k, v in rates.items()},
                          score=round(100 * sum(w * v for w, v in scored) / total, 1) if total else None)


def statistics(ctx, actor, period: str, year: int, number: int | None = None, township: str | None = None,
               village: str | None = None) -> AssessmentReport:
    """考核 of the villages the actor supervises (or of one township or village among them) for a
    Beijing month, quarter or year: their figures and rates, their townships' totals, the weights.

    Raises:
        InvalidData: an unknown period, a year or number out of range, or a unit not in reach.
        Forbidden: the actor holds no supervisor or administrator role.
    """
    start, end, name = period_bounds(period, year, number)
    config = assessment_config(ctx)
    settings = config.get("settings", {})
    points = config.get("warning_points", {})
    with ctx.uow(readonly=True) as uow:
        scope = supervised_villages(uow, actor)
        units = {u.code: _Unit(u.name, u.level, u.parent_code) for u in uow.orgs.list() if not u.sandbox}
        villages = sorted(c for c, u in units.items() if u.level == "village" and (scope is None or c in scope)
                          and (not township or u.parent_code == township) and (not village or c == village))
        if (township and township not in units) or (village and village not in units):
            raise InvalidData("统计范围有误", {"township" if township else "village": "没有这个单位（或不在你的范围内）"})
        rows = {c: _blank(c, units[c].name, "village", units[c].parent_code) for c in villages}
        chosen = set(villages)
        complaint_items = set(settings.get("complaint_items", ()))
        # The tallies kept as matters move (engine/services/tallies.py): one row per village, month
        # and item, never one per matter or step; only the live figures are counted here.
        last_month = month_of(end - timedelta(microseconds=1))
        for (code, key, matters, completed, published, steps_due, on_time, evidence_fields,
             evidence_given) in uow.tallies.sums(chosen, month_of(start), last_month):
            row = rows[code]
            row["matters"] += matters
            row["by_item"][key] = row["by_item"].get(key, 0) + matters
            row["completed"] += completed
            row["published"] += published
            row["steps_due"] += steps_due
            row["steps_on_time"] += on_time
            row["evidence_fields"] += evidence_fields
            row["evidence_filled"] += evidence_given
            if key in complaint_items:
                row["complaints"] += matters
                row["complaints_closed"] += completed
        facts = uow.redline_facts
        now = clock.now()
        if start <= now < end:
            for code, n in facts.overdue_now(chosen, now):
                rows[code]["overdue_now"] += n
        for code, n in facts.late_open(chosen, start, min(end, now)):
            rows[code]["steps_late_open"] += n
        for code, flagged in facts.publicity_flagged(chosen, start, end, tuple(settings.get("publicity_rules", ())),
                                                     WarningStatus.DISMISSED):
            rows[code]["publicity_flagged"] += flagged
        for code, severity, status, n in uow.warnings.counts(chosen, start, end):
            state = "closed" if status in CLOSED_WARNINGS else "open"
            rows[code]["warnings"].setdefault(severity, {"open": 0, "closed": 0})[state] += n
            if status != WarningStatus.DISMISSED:
                rows[code]["warning_points"] += n * points.get(severity, 0)
    townships: dict[str, dict] = {}
    for row in rows.values():
        parent = row["township"]
        total = townships.setdefault(parent, _blank(parent, units[parent].name if parent in units else parent,
                                                    "township", units[parent].parent_code if parent in units else None))
        _add(total, row)
    return AssessmentReport(
        period=AssessmentPeriod(kind=period, year=year, number=number if period != "year" else 1, name=name,
                                start=start, end=end),
        weights=config.get("weights", {}),
        villages=tuple(_rates(r, config) for r in rows.values()),
        townships=tuple(_rates(r, config) for r in townships.values()))


EXPORT_COLUMNS = [("name", "单位"), ("level", "层级"), ("matters", "事项数"), ("completed", "办结数"),
                  ("on_time", "按时办理率"), ("publicity", "公开合规率"), ("evidence", "佐证完整率"),
                  ("warnings_high", "严重预警"), ("warnings_medium", "较重预警"), ("warnings_low", "一般预警"),
                  ("warnings_open", "未办结预警"), ("complaints", "投诉数"), ("complaint_rate", "投诉办结率"),
                  ("score", "考核得分")]


def export_rows(report: AssessmentReport) -> list[list]:
    """The report as a table (header first): one line per township, then its villages."""
    lines = [[title for _, title in EXPORT_COLUMNS]]
    for township in report.townships:
        for row in [township] + [v for v in report.villages if v.township == township.code]:
            w = row.warnings
            values = {**{f.name: getattr(row, f.name) for f in fields(row)},
                      **{f"{k}": row.rates[k] for k in ("on_time", "publicity", "evidence")},
                      "level": "乡镇" if row.level == "township" else "村",
                      "warnings_high": sum(w["high"].values()), "warnings_medium": sum(w["medium"].values()),
                      "warnings_low": sum(w["low"].values()),
                      "warnings_open": sum(c["open"] for c in w.values()),
                      "complaint_rate": row.rates["complaints"]}
            lines.append([_cell(values.get(key)) for key, _ in EXPORT_COLUMNS])
    return lines


def _cell(value):
    if isinstance(value, float):
        return round(value, 4)
    return "" if value is None else value

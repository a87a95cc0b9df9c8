"""监督看板 (the supervisors' dashboard): 考核 of the villages for a month, quarter or year with
charts drawn on the server, each bar leading to its matters or warnings; the warnings (预警) list
and a warning's page, where the discipline committee disposes of it."""
from __future__ import annotations

from datetime import date

from flask import redirect, request, url_for

from engine import clock
from engine.errors import Conflict, Forbidden, InvalidData
from engine.services import statistics, warnings
from engine.vocabulary import Severity, WarningStatus

from ...rest import ctx
from ...rest.statistics import csv_response, xlsx_response
from ..blueprint import bp
from ..charts import bar_chart, stacked_chart
from ..formatting import CHINA
from ..lookups import assignable_units, item_names, my_villages, unit_names
from ..pages import actor, done, page
from ..paging import page_asked, pager, service_page

PAGE_SIZE = 30
PERIOD_NAMES = {"month": "月度", "quarter": "季度", "year": "年度"}


def _period(query) -> tuple[str, int, int, dict]:
    today = clock.now().astimezone(CHINA).date()
    kind = query.get("period") if query.get("period") in PERIOD_NAMES else "month"
    errors = {}
    year = _int(query.get("year")) or today.year
    default = today.month if kind == "month" else (today.month - 1) // 3 + 1
    number = _int(query.get("number")) or default
    return kind, year, number, errors


def _int(text) -> int | None:
    try:
        return int(text) if text not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _report(query):
    kind, year, number, _ = _period(query)
    return statistics.statistics(ctx(), actor(), kind, year, number, query.get("township") or None,
                                 query.get("village") or None)


@bp.route("/dashboard")
def dashboard():
    query = request.args
    try:
        report = _report(query)
    except InvalidData as exc:
        return page("dashboard.html", 422, query=query, errors=exc.errors, report=None, charts=[],
                    periods=PERIOD_NAMES, items={}, warnings=[])
    start, end = report.period.start, report.period.end
    days = {"created_from": start.astimezone(CHINA).date().isoformat(),
            "created_to": date.fromordinal(end.astimezone(CHINA).date().toordinal() - 1).isoformat()}
    villages = report.villages
    charts = [
        bar_chart(f"考核得分（{report.period.name}）", [
            (v.name, v.score, url_for("web.supervise", village=v.code, **days)) for v in villages], 100, " 分"),
        stacked_chart("预警（按严重程度）", [
            (v.name, {s: sum(v.warnings[s].values()) for s in ("high", "medium", "low")},
             {s: url_for("web.warning_list", village=v.code, severity=s) for s in ("high", "medium", "low")})
            for v in villages], Severity.labels()),
        bar_chart("按时办理率", [
            (v.name, None if v.rates["on_time"] is None else round(100 * v.rates["on_time"], 1),
             url_for("web.supervise", village=v.code, overdue="1")) for v in villages], 100, "%"),
    ]
    active, _ = warnings.list_warnings(ctx(), actor(), {"active": True}, 1, 10)
    return page("dashboard.html", query=query, errors={}, report=report, charts=charts, periods=PERIOD_NAMES,
                items=item_names(actor()), warnings=active, days=days)


@bp.route("/dashboard/export.<kind>")
def dashboard_export(kind):
    if kind not in ("csv", "xlsx"):
        raise InvalidData("导出格式有误", {"format": "应为 csv 或 xlsx"})
    report = _report(request.args)
    return csv_response(report) if kind == "csv" else xlsx_response(report)


@bp.route("/warnings")
def warning_list():
    query = request.args
    filters = {name: query.get(name) or None for name in ("status", "severity", "rule", "village")}
    filters["active"] = query.get("active") == "1"
    filters["matter_id"] = _int(query.get("matter"))
    number, after = page_asked(query)
    errors = {}
    try:
        rows, total = warnings.list_warnings(ctx(), actor(), filters, service_page(number, after), PAGE_SIZE, after)
    except InvalidData as exc:
        rows, total, errors = [], 0, exc.errors
    return page("warnings.html", 422 if errors else 200, rows=rows, total=total, query=query, errors=errors,
                statuses=WarningStatus.labels(), severities=Severity.labels(), rules=warnings.rule_names(ctx()),
                villages=my_villages(actor()),
                village_names=unit_names(actor()), paging=pager("web.warning_list", query, number, total, PAGE_SIZE))


@bp.route("/warnings/<int:warning_id>", methods=["GET", "POST"])
def warning_page(warning_id):
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form
        try:
            _act(warning_id, form)
            done("已保存。")
            return redirect(url_for("web.warning_page", warning_id=warning_id))
        except InvalidData as exc:
            errors, status = exc.errors or {"form": exc.message}, 422
        except (Conflict, Forbidden) as exc:
            errors, status = {"form": exc.message}, 409 if isinstance(exc, Conflict) else 403
    found = warnings.get_warning(ctx(), actor(), warning_id)
    return page("warning.html", status, w=found, errors=errors, submitted=request.form if errors else {},
                village_names=unit_names(actor()),
                items=item_names(actor()), assignable=assignable_units(actor()))


def _act(warning_id: int, form) -> None:
    action = form.get("action")
    if action == "dismiss":
        warnings.dismiss_warning(ctx(), actor(), warning_id, form.get("reason", ""))
    elif action == "assign":
        try:
            due = date.fromisoformat((form.get("due") or "").strip())
        except ValueError:
            raise InvalidData("办理期限有误", {"due": "请选择日期"}) from None
        warnings.assign_warning(ctx(), actor(), warning_id, (form.get("unit") or "").strip(), due, form.get("note"))
    elif action == "answer":
        warnings.answer_warning(ctx(), actor(), warning_id, form.get("answer", ""))
    elif action in ("verify", "return"):
        warnings.verify_warning(ctx(), actor(), warning_id, action == "verify", form.get("note"))
    elif action == "close":
        warnings.close_warning(ctx(), actor(), warning_id, form.get("note", ""))
    else:
        raise InvalidData("操作有误", {"action": "未知操作"})

"""群众诉求 pages: the list, entering a villager's complaint (with its channel), one case (the
reporter for the discipline office, 督办单, merging), the 督办单 list and the statistics with charts
and exports."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import redirect, request, url_for

from engine.errors import Conflict, InvalidData
from engine.services.complaints import intake, merging, reads, statistics
from engine.services.complaints.views import ComplaintStatistics
from engine.services.people_views import UnitView
from engine.vocabulary import COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, ComplaintStatus

from ...rest import ctx
from ...rest.complaints import statistics_file
from ..blueprint import bp
from ..complaint_charts import bar_chart
from ..formatting import CHINA
from ..lookups import my_villages, units
from ..pages import actor, done, page
from ..paging import page_asked, pager, service_page
from .supervise import _day

PAGE_SIZE = 20
REPORTER_FIELDS = ("name", "phone", "address")
FORM_FIELDS = ("category", "channel", "content", "concerned_matter", "about_cadre", "publish_consent")


@bp.route("/complaints")
def complaint_list():
    query = request.args
    filters = {k: query.get(k) or None for k in ("village", "status", "category")}
    if filters["status"] not in (None, *ComplaintStatus.labels()):
        filters["status"] = None
    if filters["category"] not in (None, *COMPLAINT_CATEGORIES):
        filters["category"] = None
    number, after = page_asked(query)
    rows, total = reads.list_complaints(ctx(), actor(), filters, service_page(number, after), PAGE_SIZE, after)
    return page("complaints.html", rows=rows, total=total, query=query,
                paging=pager("web.complaint_list", query, number, total, PAGE_SIZE), villages=my_villages(actor()),
                statuses=ComplaintStatus.labels(), categories=COMPLAINT_CATEGORIES)


@bp.route("/complaints/new")
def complaint_new():
    return _form_page({"channel": "phone"}, {})


@bp.route("/complaints/new", methods=["POST"])
def complaint_file():
    form = request.form
    data = {k: form.get(k, "") for k in FORM_FIELDS if form.get(k, "") != ""}
    reporter = {k: form.get(f"reporter_{k}", "") for k in REPORTER_FIELDS}
    photos = [(f.filename, f.read()) for f in request.files.getlist("photos") if f and f.filename]
    try:
        filed = intake.file_complaint(ctx(), actor(), form.get("village", ""), data, reporter,
                                      {"photos": photos} if photos else None)
    except (InvalidData, Conflict) as exc:
        values = {**{k: form.get(k, "") for k in ("village", *FORM_FIELDS)},
                  **{f"reporter_{k}": v for k, v in reporter.items()}}
        errors = {k.replace("reporter.", "reporter_"): v for k, v in (exc.errors or {"": exc.message}).items()}
        return _form_page(values, errors, 422)
    return page("complaint_filed.html", filed=filed)


def _form_page(values: dict, errors: dict, status: int = 200):
    return page("complaint_new.html", status, values=values, errors=errors, villages=my_villages(actor()),
                categories=COMPLAINT_CATEGORIES, channels=COMPLAINT_CHANNELS)


@bp.route("/complaints/<int:complaint_id>")
def complaint(complaint_id):
    return _complaint_page(complaint_id)


def _complaint_page(complaint_id: int, status: int = 200, merge: dict | None = None, errors: dict | None = None):
    found = reads.get_complaint(ctx(), actor(), complaint_id)
    return page("complaint.html", status, c=found, names={code: u.name for code, u in units(actor()).items()},
                merge=merge or {}, errors=errors or {})


@bp.route("/complaints/<int:complaint_id>/merge", methods=["POST"])
def complaint_merge(complaint_id):
    into = request.form.get("into", "").strip()
    try:
        target = _case_id(into)
        merged = merging.merge_complaints(ctx(), actor(), complaint_id, target, request.form.get("reason", ""))
    except (InvalidData, Conflict) as exc:      # the form again, with what was typed and why not
        errors = exc.errors or {"form": exc.message}
        return _complaint_page(complaint_id, 409 if isinstance(exc, Conflict) else 422,
                               {"into": into, "reason": request.form.get("reason", "")}, errors)
    done(f"诉求{merged.number}已并入{merged.merged_into.number}办理。")
    return redirect(url_for("web.complaint", complaint_id=complaint_id))


def _case_id(text: str) -> int:
    """The main case by its number (SQ2026-000012) or id."""
    digits = text.rsplit("-", 1)[-1]
    if not digits.isdigit() or len(digits) > 9:
        raise InvalidData("请填写主件编号", {"into": "主件编号如 SQ2026-000012"})
    return int(digits)


@bp.route("/complaints/supervision")
def supervision_orders():
    return page("supervision_orders.html", orders=reads.list_supervisions(ctx(), actor()),
                names={code: u.name for code, u in units(actor()).items()})


@bp.route("/complaints/statistics")
def complaint_statistics():
    query, errors = request.args, {}
    start, end = _period(query, errors)
    org = query.get("org") or _widest_unit()
    stats = None if errors else statistics.statistics(ctx(), actor(), org, start, end)
    charts = _charts(stats) if stats else []
    return page("complaint_statistics.html", 422 if errors else 200, stats=stats, charts=charts, query=query,
                errors=errors, org=org, units=_scopes())


@bp.route("/complaints/statistics.<any(csv, xlsx):fmt>")
def complaint_statistics_file(fmt):
    errors = {}
    start, end = _period(request.args, errors)
    if errors:
        raise InvalidData("统计期间有误", errors)
    return statistics_file(ctx(), actor(), {"org": request.args.get("org") or _widest_unit(), "start": start,
                                            "end": end}, fmt)


def _period(query, errors: dict):
    first, last = _day(query, "from", errors), _day(query, "to", errors)
    if first and last and first > last:
        errors["from"] = "开始日期不能晚于结束日期"
    start = datetime.combine(first, time(), CHINA) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), CHINA) if last else None
    return start, end


def _scopes() -> list[UnitView]:
    """Units the actor may ask figures for: every unit their grants reach."""
    me, everything = actor(), units(actor())

    def lineage(code):
        while code:
            yield code
            code = everything[code].parent_code if code in everything else None
    order = {"county": 0, "township": 1, "village": 2}
    return sorted((u for u in everything.values() if me.reaches(list(lineage(u.code)))),
                  key=lambda u: (order.get(u.level, 3), u.code))


def _widest_unit() -> str | None:
    scopes = _scopes()
    return scopes[0].code if scopes else None


def _charts(stats: ComplaintStatistics) -> list:
    by_unit = stats.by_unit
    level = stats.group_level_name
    return [
        bar_chart(f"各{level}收到与办结件数", [(u.name, [u.received, u.closed]) for u in by_unit],
                  ["收到", "办结"]),
        bar_chart(f"各{level}办结率与满意率", [(u.name, [u.closure_rate, u.satisfaction]) for u in by_unit],
                  ["办结率", "满意率"], unit="%", maximum=100),
        bar_chart("诉求类别", [(c.name, [c.count]) for c in stats.totals.categories], ["件数"]),
    ]

"""监督查询 (search matters) and 审计校验 (the audit chain's verification)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from flask import request

from engine.services import audit, matters
from engine.vocabulary import MatterStatus

from ...rest import ctx
from ..blueprint import bp
from ..formatting import CHINA
from ..lookups import catalogue, item_names, my_villages, unit_names
from ..pages import actor, page
from ..paging import page_asked, pager, service_page

PAGE_SIZE = 20
STATUSES = MatterStatus.labels()
# Days a search can name: the start of the first and the end of the last must be times the
# database holds (0001-01-01 in China time is before year 1 in UTC; 9999-12-31 has no next day).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
MAX_AMOUNT = Decimal("9999999999999.99")      # the largest amount a form accepts (engine/forms.py)


@bp.route("/supervise")
def supervise():
    query = request.args
    filters, errors = search_filters(query)
    number, after = page_asked(query)
    rows, total = ([], 0) if errors else matters.list_matters(ctx(), actor(), filters, service_page(number, after),
                                                              PAGE_SIZE, after)
    # Past a thousand matters the total is a lower bound (engine/store/repositories.Count); the
    # pager goes on while the list does (its next page's cursor).
    return page("supervise.html", 422 if errors else 200, query=query, errors=errors, rows=rows, total=total,
                exact=getattr(total, "exact", True), paging=pager("web.supervise", query, number, total, PAGE_SIZE),
                groups=catalogue(actor()),
                villages=my_villages(actor()), statuses=STATUSES, items=item_names(actor()),
                village_names=unit_names(actor()),
                searched=any(v for k, v in query.items() if k not in ("page", "after")))


def search_filters(query) -> tuple[dict, dict]:
    """The service's filters from the search form; messages for what cannot be read. Dates are
    whole days in China time: from the start of the first to the end of the last."""
    errors = {}
    filters = {name: query.get(name) or None for name in ("process_key", "village", "status")}
    first, last = _day(query, "created_from", errors), _day(query, "created_to", errors)
    if first and last and first > last:
        errors["created_from"] = errors["created_to"] = "开始日期不能晚于结束日期"
    filters["created_from"] = datetime.combine(first, time(), CHINA) if first else None
    filters["created_before"] = datetime.combine(last + timedelta(days=1), time(), CHINA) if last else None
    filters["amount_min"] = _amount(query, "amount_min", errors)
    filters["amount_max"] = _amount(query, "amount_max", errors)
    filters["overdue"] = query.get("overdue") == "1"
    filters["keyword"] = (query.get("q") or "").strip() or None
    if filters["keyword"] and len(filters["keyword"]) > 100:
        errors["keyword"] = "关键词不能超过 100 字"
    if filters["status"] and filters["status"] not in STATUSES:
        errors["status"] = "请选择列表中的状态"
    return filters, errors


def _day(query, name: str, errors: dict) -> date | None:
    text = (query.get(name) or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors[name] = "日期格式应为 年-月-日（如 2026-03-02）"
        return None
    if not FIRST_DAY <= day <= LAST_DAY:
        errors[name] = f"日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间"
        return None
    return day


def _amount(query, name: str, errors: dict) -> Decimal | None:
    text = (query.get(name) or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        errors[name] = "金额应为不小于 0 的数字（元）"
        return None
    if value > MAX_AMOUNT:
        errors[name] = f"金额不能超过 {MAX_AMOUNT} 元"
        return None
    return value


@bp.route("/audit")
def audit_chain():
    return page("audit.html", report=audit.verify_chain(ctx(), actor()))

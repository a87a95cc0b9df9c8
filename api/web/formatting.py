"""How values look on a page: times in China Standard Time, money in yuan, form values in words."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from engine import clock
from engine.vocabulary import quoted
from engine.workdays import deadline_words

# China has one time zone and no daylight saving: a fixed offset needs no tz database.
CHINA = timezone(timedelta(hours=8), "北京时间")


def as_datetime(value) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def local_time(value) -> str:
    moment = as_datetime(value)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if moment else ""


def deadline(value) -> str:
    """A due time as local_time shows it, except the end of a day (a working-day limit, a 交办
    date): that day's 24:00, not the next day's 00:00."""
    moment = as_datetime(value)
    return deadline_words(moment) if moment else ""


def is_overdue(due) -> bool:
    moment = as_datetime(due)
    return moment is not None and moment < clock.now()


def money(value) -> str:
    if value is None or value == "":
        return ""
    try:
        return f"{float(value):,.2f} 元"
    except (TypeError, ValueError):
        return str(value)


def file_size(size) -> str:
    if not isinstance(size, int):
        return ""
    if size < 1024:
        return f"{size} 字节"
    return f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def field_text(field: dict | None, value) -> str:
    """A stored form value in words (files are shown as links by the templates)."""
    if value is None:
        return ""
    kind = field["type"] if field else None
    if isinstance(value, bool) or kind == "boolean":
        return "是" if value in (True, "true") else "否"
    if kind == "enum":
        return next((o["label"] for o in field["options"] if o["value"] == value), str(value))
    if kind == "money":
        return money(value)
    if kind == "table" and isinstance(value, list):
        return table_summary(field, value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


TABLE_PREVIEW_ROWS = 20       # rows of a list shown on a page; the whole list is a CSV download


def table_summary(field: dict, rows: list) -> str:
    """A list in one line: "共 3 行；补贴金额（元）合计 1,718.75 元" (the totals of its money columns)."""
    parts = [f"共 {len(rows)} 行"]
    for column in field.get("columns") or ():
        if column["type"] == "money":
            total = sum(Decimal(str(r.get(column["name"]))) for r in rows
                        if isinstance(r, dict) and isinstance(r.get(column["name"]), (int, float))
                        and not isinstance(r.get(column["name"]), bool))
            unit = " 元" if "元" in column["label"] else ""
            parts.append(f"{column['label']}合计 {total:,.2f}{unit}")
    return "；".join(parts)


def table_cell(column: dict, value) -> str:
    if value is None:
        return ""
    if column["type"] == "money" and isinstance(value, (int, float)):
        return f"{Decimal(str(value)):,.2f}"
    return str(value)


def bounds_hint(field: dict) -> str:
    """"，不小于 1" for literal bounds; a bound that is an expression (max: council_members) is
    checked by the server, which names the number in its message."""
    parts = []
    for key, words in (("min", "不小于"), ("max", "不大于")):
        bound = field.get(key)
        if bound not in (None, "") and _is_number(str(bound)):
            parts.append(f"{words} {bound}")
    return "".join(f"，{p}" for p in parts)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# The names of what the red-line rules keep as a warning's evidence (engine/redlines/).
EVIDENCE_LABELS = {
    "required_days": "规定天数", "recorded_on": "录入日期", "platform_area": "进场交易面积限额",
    "matter_class": "事项类别", "approved_on": "批准日期", "approval": "审批环节", "cash_deposited_on": "送存银行日期",
    "by": "归并依据", "key": "相同内容", "total": "合计金额", "amounts": "各笔金额", "relation": "关系",
    "actor": "办理人", "amount": "金额", "approver_name": "审批人", "auth_amount_limit": "授权金额上限",
    "cadre": "所涉干部", "cert_type": "证明类型", "contract_price": "合同价", "days": "天数", "due_at": "办理期限",
    "earlier": "此前事项", "expense_category": "支出类别", "handler_name": "经办人", "held_on": "会议日期",
    "invoice_no": "票据号", "meeting": "会议", "missing": "缺少", "name": "姓名", "next_on": "下一步日期",
    "next_step": "下一步", "objection_id": "异议编号", "plan": "年度计划", "plan_sent_on": "方案送达日期",
    "platform_threshold": "进场交易门槛", "proposed_on": "提议日期", "purpose": "用途", "received_on": "收到日期",
    "related_detail": "关联关系", "request_type": "申请类型", "reserve_price": "底价", "resolution_valid": "决议有效",
    "resolved_on": "决议日期", "reviewed_on": "审核日期", "roles": "角色", "signed_on": "签订日期", "stage": "阶段",
    "step": "步骤", "threshold": "门槛", "use_type": "用印类型", "username": "用户",
    "period_start": "公开期间起", "period_end": "公开期间止", "due": "公开期限", "published_on": "公开日期",
    "cash_on_hand": "期末库存现金", "cash_float_limit": "库存现金限额",
}


def evidence_words(evidence: dict | None, field_labels: dict | None = None) -> list[tuple[str, str]]:
    """A warning's evidence as (label, value) in words: times in Beijing time, lists joined, a form
    field by its label (`field_labels`, the warning's item's). Ids (`..._id`: a step's; an
    objection's number is kept as 异议编号) are for programs, not shown."""
    rows, fields = [], field_labels or {}
    for key, value in (evidence or {}).items():
        if key.endswith("_id") and key not in EVIDENCE_LABELS:
            continue
        if key == "by":                             # the field the matters were grouped by (R4)
            value = fields.get(value) or EVIDENCE_LABELS.get(value, value)
        if isinstance(value, bool):
            shown = "是" if value else "否"
        elif value is None:
            shown = "无"
        elif isinstance(value, (list, tuple)):
            shown = "、".join(_evidence_value(key, v, fields) for v in value)
        elif isinstance(value, str) and len(value) > 10 and as_datetime(value) is not None:
            shown = deadline(value) if key.endswith("due_at") else local_time(value)
        else:
            shown = _evidence_value(key, value, fields)
        rows.append((EVIDENCE_LABELS.get(key) or fields.get(key) or key, shown))
    return rows


def _evidence_value(key: str, value, fields: dict) -> str:
    """One value in words: a choice by its words (`field_labels` carries them as "field.choice"), a
    whole number without ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return str(round(value, 2))
    return fields.get(f"{key}.{value}", str(value)) if isinstance(value, str) else str(value)


def register_filters(app) -> None:
    app.jinja_env.filters.update(local_time=local_time, deadline=deadline, money=money, file_size=file_size, quoted=quoted,
                                 evidence_words=evidence_words,
                                 as_words=lambda value, field=None: field_text(field, value))
    app.jinja_env.filters["table_cell"] = lambda value, column: table_cell(column, value)
    app.jinja_env.globals.update(is_overdue=is_overdue, bounds_hint=bounds_hint, TABLE_PREVIEW_ROWS=TABLE_PREVIEW_ROWS)

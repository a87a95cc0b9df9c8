"""Warnings (预警) for supervisors: reading them, and their 督办 lifecycle.

Supervisors (村务监督委员会, 乡镇纪委, 县纪委) and administrators see the warnings of the villages
their grants reach; only the discipline committees act on them (dismiss with a reason, 交办 to a
unit with a deadline, verify the answer, close). The unit a warning was assigned to answers it
through the body that answers for it (HANDLER_ROLES: a village's 村民委员会, a township's 人民政府),
which sees the warnings assigned to its unit and is told of each assignment; a village's 村务监督委员会
supervises, it does not answer for the village. Every change is recorded in the warning's history
and appended to the audit chain."""
from __future__ import annotations

from datetime import date, datetime, timezone

from .. import clock
from ..errors import Conflict, Forbidden, InvalidData, NotFound
from ..identity import ADMIN_ROLES, SUPERVISOR_ROLES
from ..store.keyset import page_start
from ..vocabulary import HANDLER_LEVELS, HANDLER_ROLES, Severity, WarningStatus
from ..workdays import deadline_day, end_of_day
from . import notifications
from .access import records_refusals
from .redlines import _history, rulebook
from .views import WarningDetail, WarningHistoryEntry, WarningView

DISCIPLINE_ROLES = ("TOWNSHIP_DISCIPLINE", "COUNTY_DISCIPLINE")
MAX_TEXT = 2000


def supervised_villages(uow, actor) -> set[str] | None:
    """Villages whose warnings the actor may read (None: all, for the system)."""
    if actor.is_system:
        return None
    units = {g.org for g in actor.grants if g.role in SUPERVISOR_ROLES + ADMIN_ROLES}
    if not units:
        raise Forbidden("预警仅供村务监督委员会、纪委和管理员查看")
    return _villages_within(uow, units)


def _villages_within(uow, units: set[str]) -> set[str]:
    return {code for code in uow.orgs.within(units) if (u := uow.orgs.get(code)) is not None and u.level == "village"}


def _answers_for(uow, actor, unit: str | None) -> bool:
    """The actor holds the role that answers for `unit` (its 村民委员会, its 人民政府), on it."""
    if unit is None:
        return False
    if actor.is_system:
        return True
    level = uow.orgs.get(unit).level
    return any(g.org == unit and g.role == HANDLER_ROLES.get(level) for g in actor.grants)


def _scope(uow, actor) -> tuple[set[str] | None, set[str]]:
    """(villages whose warnings the actor supervises, None for all; units whose assigned warnings
    it answers for).

    Raises:
        Forbidden: neither.
    """
    if actor.is_system:
        return None, set()
    supervised = {g.org for g in actor.grants if g.role in SUPERVISOR_ROLES + ADMIN_ROLES}
    answering = actor.answering_units()
    if not supervised and not answering:
        raise Forbidden("预警仅供村务监督委员会、纪委、管理员和被交办单位查看")
    return _villages_within(uow, supervised), answering


def _visible(uow, actor, warning_id: int, lock: bool = False):
    villages, answering = _scope(uow, actor)
    row = uow.warnings.get(warning_id, lock=lock)
    if row is None or not (villages is None or row.village_code in villages or row.assigned_unit in answering):
        raise NotFound(f"找不到预警 {warning_id}")
    return row


def _discipline(uow, actor, village: str) -> bool:
    """The actor is of a township or county discipline committee over the village (the system is not)."""
    lineage = uow.lineage(village)
    return not actor.is_system and any(actor.reaches(lineage, role) for role in DISCIPLINE_ROLES)


def _require_discipline(uow, actor, village: str, what: str) -> None:
    if not actor.is_system and not _discipline(uow, actor, village):
        raise Forbidden(f"{what}需要乡镇纪委或县纪委")


def _text(value, name: str, label: str) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if not value:
        raise InvalidData(f"请填写{label}", {name: f"{label}不能为空"})
    if len(value) > MAX_TEXT:
        raise InvalidData(f"{label}过长", {name: f"不超过 {MAX_TEXT} 个字"})
    return value


def view(ctx, row, now=None) -> WarningView:
    """A warning as a list shows it."""
    return WarningView(**_fields(ctx, row, now))


def detail(ctx, uow, row, actor, now=None) -> WarningDetail:
    """A warning with its rule's description, its history, the labels of the form fields its
    evidence may name (those of the item of its first matter: a rule names an item's fields) and
    the actions `actor` may take on it now."""
    rule = rulebook(ctx).get(row.rule_code)
    return WarningDetail(**_fields(ctx, row, now), rule_description=rule.description if rule else "",
                         history=tuple(_entry(h) for h in row.history), field_labels=_field_labels(ctx, uow, row),
                         actions=_actions(uow, actor, row))


def _actions(uow, actor, row) -> tuple[str, ...]:
    """What `actor` may do to the warning in its status: the discipline committees act on it, the
    body answering for the unit it was assigned to answers it (the same checks the actions make)."""
    status = WarningStatus(row.status)
    discipline = _discipline(uow, actor, row.village_code)
    acting = actor.is_system or discipline
    answering = _answers_for(uow, actor, row.assigned_unit) and not discipline
    return tuple(action for action, allowed in FROM.items()
                 if status in allowed and (answering if action == "answered" else acting))


def _field_labels(ctx, uow, row) -> dict[str, str]:
    """The words a warning's evidence is read in: the township parameters' labels, and its item's
    form fields by their labels and their choices as "field.choice" (支出类别：招待费, not hospitality)."""
    labels = {name: parameter.label for name, parameter in ctx.parameters.items()}
    for matter_id in row.matter_ids or ():
        definition = uow.matters.definition_of(matter_id)        # None: archived, no longer here
        if definition is not None:
            bundle = ctx.bundles.of_version(uow, definition)
            labels.update(bundle.labels)
            labels.update({f"{name}.{choice}": words for name, options in bundle.choices.items()
                           for choice, words in options.items()})
            break
    return labels


def _fields(ctx, row, now) -> dict:
    rule = rulebook(ctx).get(row.rule_code)
    now = now or clock.now()
    overdue = bool(row.assigned_due and row.status == WarningStatus.ASSIGNED and row.assigned_due < now)
    severity, status = Severity(row.severity), WarningStatus(row.status)
    return {"id": row.id, "rule": row.rule_code, "rule_name": rule.name if rule else row.rule_code,
            "check": row.check, "severity": severity, "severity_name": severity.label,
            "status": status, "status_name": status.label, "village": row.village_code,
            "township": row.township_code, "matters": tuple(row.matter_ids), "text": row.text,
            "evidence": row.evidence, "first_seen_at": row.first_seen_at, "last_seen_at": row.last_seen_at,
            "cleared_at": row.cleared_at, "assigned_unit": row.assigned_unit, "assigned_due": row.assigned_due,
            "overdue": overdue, "escalation_level": row.escalation_level}


_ENTRY_KEYS = ("at", "actor", "action", "note")


def _entry(recorded: dict) -> WarningHistoryEntry:
    action = recorded.get("action")
    return WarningHistoryEntry(at=recorded.get("at"), actor=recorded.get("actor"), action=action,
                               action_name=HISTORY_WORDS.get(action, action), note=recorded.get("note") or "",
                               details={k: v for k, v in recorded.items() if k not in _ENTRY_KEYS})


def rule_names(ctx) -> dict[str, str]:
    """{code: name} of every red-line rule, R1 to R22 in their order: what a list filters by."""
    book = rulebook(ctx)
    return {rule.code: rule.name for rule in sorted(book, key=lambda rule: (len(rule.code), rule.code))}


def list_warnings(ctx, actor, filters: dict, page: int, per_page: int, after: str | None = None
                  ) -> tuple[list[WarningView], int]:
    """Filters (optional): status (one or a list), severity, rule, village, township, matter_id,
    assigned_unit, seen_from / seen_before (aware datetimes), overdue (true: 交办 past its due),
    active (true: open, assigned, answered or verified). The page: `page` by number or the one after
    the cursor `after`; the total carries the next page's cursor (as matters.list_matters).

    Raises:
        InvalidData: a filter of the wrong kind (a naive datetime, an unknown severity, status or rule); a
            page past keyset.MAX_OFFSET rows by number, or a cursor not of this list.
        Forbidden: the actor holds no supervisor or administrator role and answers for no unit.
    """
    filters = dict(filters)
    for name in ("seen_from", "seen_before"):
        value = filters.get(name)
        if value is not None and not (isinstance(value, datetime) and value.tzinfo is not None):
            raise InvalidData("查询条件有误", {name: "应为带时区的时间"})
    if filters.pop("active", None):
        filters["status"] = [s.value for s in WarningStatus if s.active]
    if filters.pop("overdue", None):
        filters["status"], filters["overdue_at"] = WarningStatus.ASSIGNED.value, clock.now()
    for name, allowed in (("severity", Severity), ("status", WarningStatus)):
        values = filters.get(name)
        for value in (values if isinstance(values, list) else [values] if values else []):
            if value not in {s.value for s in allowed}:
                raise InvalidData("查询条件有误", {name: f"没有 {value} 这一项"})
    if filters.get("rule") and rulebook(ctx).get(filters["rule"]) is None:
        raise InvalidData("查询条件有误", {"rule": f"没有编号为 {filters['rule']} 的规则（R1 至 R22）"})
    start = page_start(page, per_page, after)
    with ctx.uow(readonly=True) as uow:
        villages, answering = _scope(uow, actor)
        rows, total = uow.warnings.search(filters, villages, start, per_page, after=after, units=answering)
        now = clock.now()
        return [view(ctx, row, now) for row in rows], total


def get_warning(ctx, actor, warning_id: int) -> WarningDetail:
    """A warning with its evidence and history.

    Raises:
        NotFound: no such warning in the villages the actor supervises or assigned to a unit it answers for.
        Forbidden: the actor holds no supervisor or administrator role and answers for no unit.
    """
    with ctx.uow(readonly=True) as uow:
        return detail(ctx, uow, _visible(uow, actor, warning_id), actor)


def _act(ctx, actor, warning_id: int, allowed: tuple, action: str, change, discipline: bool = True) -> WarningDetail:
    """Lock the warning, check who may act and from which status, apply `change(uow, row, now)`
    (which returns the history note and the audit payload), record both, commit."""
    with ctx.uow() as uow:
        row = _visible(uow, actor, warning_id, lock=True)
        if discipline:
            _require_discipline(uow, actor, row.village_code, "处置预警")
        if row.status not in allowed:
            raise Conflict(f"预警当前为“{WarningStatus(row.status).label}”，不能{ACTIONS[action]}")
        now = clock.now()
        note, payload = change(uow, row, now)
        row.updated_at = now
        row.history = row.history + [_history(now, actor.name, action, note, **payload)]
        uow.audit.append(f"warning_{action}", actor.name, None, {"warning_id": row.id, **payload, "note": note},
                         now.isoformat())
        result = detail(ctx, uow, row, actor, now)
        uow.commit()
        return result


ACTIONS = {"dismissed": "排除", "assigned": "交办", "answered": "反馈", "verified": "核实", "returned": "退回",
           "closed": "办结"}
# Every entry of a warning's history, in words (the worker's entries as well as people's).
HISTORY_WORDS = {**ACTIONS, "raised": "发现", "reopened": "再次发现", "updated": "更新", "cleared": "规则不再触发",
                 "escalated": "逾期升级"}
ACTIVE = (WarningStatus.OPEN, WarningStatus.ASSIGNED, WarningStatus.ANSWERED, WarningStatus.VERIFIED)
# What each action may start from: the actions below check it, and a warning's page offers only
# the actions its status allows (`WarningDetail.actions`).
FROM = {"assigned": (WarningStatus.OPEN, WarningStatus.ANSWERED, WarningStatus.ASSIGNED),
        "answered": (WarningStatus.ASSIGNED,),
        "verified": (WarningStatus.ANSWERED,), "returned": (WarningStatus.ANSWERED,),
        "closed": (WarningStatus.VERIFIED,),
        "dismissed": ACTIVE + (WarningStatus.LIFTED,)}


@records_refusals("dismiss_warning")
def dismiss_warning(ctx, actor, warning_id: int, reason: str) -> WarningDetail:
    """Not a violation after all (a data entry error, an approved exception): only with a reason.

    Raises:
        InvalidData: no reason, or one too long.
        NotFound: no such warning in the villages the actor supervises.
        Forbidden: the actor is not of a township or county discipline committee.
        Conflict: the warning is closed or dismissed already.
    """
    reason = _text(reason, "reason", "排除理由")

    def change(uow, row, now):
        row.status = WarningStatus.DISMISSED
        return reason, {"reason": reason}
    return _act(ctx, actor, warning_id, FROM["dismissed"], "dismissed", change)


def _due(value) -> datetime:
    """A deadline: an aware datetime, or a date meaning the end of that Beijing day."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InvalidData("办理期限有误", {"due": "应为带时区的时间或日期"})
        return value.astimezone(timezone.utc)
    if isinstance(value, date):
        return end_of_day(value)
    raise InvalidData("请填写办理期限", {"due": "办理期限不能为空"})


@records_refusals("assign_warning")
def assign_warning(ctx, actor, warning_id: int, unit: str, due, note: str | None = None) -> WarningDetail:
    """交办: the unit (a village or township within reach) must answer by the deadline.

    Raises:
        InvalidData: no deadline, a past or naive one, or a unit that is not a village or township in reach.
        NotFound: no such warning in the villages the actor supervises.
        Forbidden: the actor is not of a township or county discipline committee.
        Conflict: the warning is not open, assigned or answered.
    """
    deadline = _due(due)
    note = (note or "").strip()[:MAX_TEXT]

    def change(uow, row, now):
        target = uow.orgs.get(unit) if isinstance(unit, str) else None
        if target is None or target.level not in ("village", "township") or not actor.reaches(uow.lineage(unit)):
            raise InvalidData("交办单位有误", {"unit": f"{unit} 不是你范围内的村或乡镇"})
        if deadline <= now:
            raise InvalidData("办理期限有误", {"due": "办理期限应晚于现在"})
        row.status, row.assigned_unit, row.assigned_due = WarningStatus.ASSIGNED, unit, deadline
        _tell_assigned(ctx, uow, row, target, now)
        return note or f"交办{target.name}，限期办理", {"unit": unit, "due": deadline.isoformat()}
    return _act(ctx, actor, warning_id, FROM["assigned"], "assigned", change)


def _tell_assigned(ctx, uow, row, unit, now) -> None:
    """The body answering for the unit hears of the assignment (the notification outbox), in the
    unit of work that records it."""
    role = HANDLER_ROLES[unit.level]
    users = sorted(u.username for u in uow.users.holders(role, [unit.code]))
    rule = rulebook(ctx).get(row.rule_code)
    village = uow.orgs.get(row.village_code)
    day, clock_time = deadline_day(row.assigned_due)
    due = f"{day:%Y年%m月%d日}" + ("" if clock_time == "24:00" else clock_time)     # a date: by the end of it
    text = (f"预警交办：{village.name if village else row.village_code}“{rule.name if rule else row.rule_code}”，"
            f"请于{due}前反馈办理情况")
    notifications.enqueue(uow, "warning_assigned", {"kind": "role", "role": role, "org": unit.code,
                                                    "org_name": unit.name, "users": users}, text,
                          {"warning_id": row.id, "village": row.village_code, "rule": row.rule_code}, now)


@records_refusals("answer_warning")
def answer_warning(ctx, actor, warning_id: int, answer: str) -> WarningDetail:
    """The unit a warning was assigned to reports what it found and did. Not the discipline
    committee that checks the answer: the one who verifies an answer does not give it.

    Raises:
        InvalidData: no answer, or one too long.
        NotFound: no such warning the actor may read.
        Forbidden: the actor is of the discipline committee that acts on the warning, or does not
            answer for the unit it was assigned to (a village's 村务监督委员会 supervises it).
        Conflict: the warning is no longer waiting for an answer.
    """
    answer = _text(answer, "answer", "办理情况")

    def change(uow, row, now):
        if _discipline(uow, actor, row.village_code):
            raise Forbidden("交办和核实预警的纪委不能代被交办单位反馈办理情况")
        if not _answers_for(uow, actor, row.assigned_unit):
            unit = uow.orgs.get(row.assigned_unit)
            raise Forbidden(f"只有被交办单位（{unit.name}{HANDLER_LEVELS[unit.level]}）可以反馈办理情况")
        row.status = WarningStatus.ANSWERED
        return answer, {"late": bool(row.assigned_due and now > row.assigned_due)}
    with ctx.uow(readonly=True) as uow:
        _visible(uow, actor, warning_id)
    return _act_assigned(ctx, actor, warning_id, change)


def _act_assigned(ctx, actor, warning_id: int, change) -> WarningDetail:
    with ctx.uow() as uow:
        row = uow.warnings.get(warning_id, lock=True)
        if row.status not in FROM["answered"]:
            raise Conflict(f"预警当前为“{WarningStatus(row.status).label}”，不能反馈")
        now = clock.now()
        note, payload = change(uow, row, now)
        row.updated_at = now
        row.history = row.history + [_history(now, actor.name, "answered", note, **payload)]
        uow.audit.append("warning_answered", actor.name, None, {"warning_id": row.id, **payload, "note": note},
                         now.isoformat())
        result = detail(ctx, uow, row, actor, now)
        uow.commit()
        return result


@records_refusals("verify_warning")
def verify_warning(ctx, actor, warning_id: int, accepted: bool, note: str | None = None) -> WarningDetail:
    """The supervisor checks the answer: accepted (核实) or sent back to the unit (退回).

    Raises:
        InvalidData: `accepted` is not true or false.
        NotFound: no such warning in the villages the actor supervises.
        Forbidden: the actor is not of a township or county discipline committee.
        Conflict: the warning has no answer to check.
    """
    if not isinstance(accepted, bool):
        raise InvalidData("核实结论有误", {"accepted": "应为 true 或 false"})
    note = (note or "").strip()[:MAX_TEXT]

    def change(uow, row, now):
        row.status = WarningStatus.VERIFIED if accepted else WarningStatus.ASSIGNED
        return note or ("核实属实" if accepted else "办理不到位，退回重办"), {"accepted": accepted}
    action = "verified" if accepted else "returned"
    return _act(ctx, actor, warning_id, FROM[action], action, change)


@records_refusals("close_warning")
def close_warning(ctx, actor, warning_id: int, note: str) -> WarningDetail:
    """办结 a verified warning, with a closing note.

    Raises:
        InvalidData: no note, or one too long.
        NotFound: no such warning in the villages the actor supervises.
        Forbidden: the actor is not of a township or county discipline committee.
        Conflict: the warning is not verified.
    """
    note = _text(note, "note", "办结意见")

    def change(uow, row, now):
        row.status = WarningStatus.CLOSED
        return note, {}
    return _act(ctx, actor, warning_id, FROM["closed"], "closed", change)

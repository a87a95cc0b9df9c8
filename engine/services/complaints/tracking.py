"""The case side table kept in step with its matter: called by save_matter in the unit of work of
every action on a complaint_handling matter (a step completed, a timer fired, a cancel).

What a step means is read from the definition's own words, not from a list of step ids: a step
whose form has `accept_decision` is 受理, `handler_level` hands the case to a unit (分流, or the
reopening after a dissatisfied rating), `answer` answers, `rating`/`rerating` records the
villager's rating, `review_conclusion` is the county's review; a fired timer whose id begins
`overdue_` is the handling limit passing, and the worker then issues a 督办单 (supervision order)
from the level above the unit, with the new limit of the step that follows."""
from __future__ import annotations

from ...masking import scrub_text
from ...vocabulary import COMPLAINT_CATEGORIES, HANDLER_LEVELS, HANDLER_ROLES, ComplaintStatus, MatterStatus
from ...workdays import deadline_day
from .. import notifications

COMPLAINT_KEY = "complaint_handling"
# Who issues a 督办单 when a unit runs late: the discipline office of the level above it.
ISSUERS = {"village": ("TOWNSHIP_DISCIPLINE", "township"), "township": ("COUNTY_DISCIPLINE", "county"),
           "county": ("COUNTY_DISCIPLINE", "county")}
ISSUER_NAMES = {"TOWNSHIP_DISCIPLINE": "乡镇纪委", "COUNTY_DISCIPLINE": "县纪委"}


def track(uow, record, matter, actor, events, now, completed) -> None:
    if record.process_key != COMPLAINT_KEY:
        return
    complaint = uow.complaints.by_matter(record.id)
    if complaint is None:
        return
    if completed is not None:
        form = matter.bundle.step(completed.process_key, completed.step_id).form.names()
        _step_done(uow, complaint, record, completed, form, now)
    ready = uow.inbox.ready_for_matter(record.id)
    for name, payload in events:
        if name == "timer_fired" and str(payload.get("element", "")).startswith("overdue_"):
            _supervise(uow, complaint, record, actor, payload, ready, now)
    _due_times(complaint, ready)
    _ended(uow, complaint, record, now)
    complaint.changed_at = now


def _step_done(uow, complaint, record, item, form: set[str], now) -> None:
    data = record.data
    if "accept_decision" in form:
        complaint.accepted_at = now
        complaint.public_summary = _public_text(uow, complaint, data.get("public_summary"))
        if data.get("accept_decision") == "accept":
            complaint.status = ComplaintStatus.ACCEPTED
        else:
            complaint.status = ComplaintStatus.REJECTED
            _tell_reporter(uow, complaint, "rejected",
                           f"您反映的诉求（{complaint.number}）不予受理：{data.get('accept_note', '')}", now)
    elif "handler_level" in form:
        level = str(data.get("handler_level", "")).removesuffix("_again")
        complaint.reopened = complaint.reopened or str(data.get("handler_level", "")).endswith("_again")
        complaint.handler_level, complaint.handler_unit = level, (data.get("handler_unit") or None)
        complaint.status = ComplaintStatus.ASSIGNED
        complaint.answered_at = None if complaint.reopened else complaint.answered_at
        org = {"village": record.village_code, "township": record.township_code, "county": complaint.county_code}[level]
        _tell_role(uow, complaint, "assigned", HANDLER_ROLES[level], org,
                   f"诉求{complaint.number}（{_where(uow, complaint)}·{COMPLAINT_CATEGORIES.get(complaint.category)}）"
                   f"已交办{HANDLER_LEVELS[level]}办理，请在待办中查看并按时限答复", now)
        _tell_reporter(uow, complaint, "assigned",
                       f"您反映的诉求（{complaint.number}）已{'重新' if complaint.reopened else ''}交由"
                       f"{HANDLER_LEVELS[level]}办理，可凭查询码查看进度", now)
    elif "answer" in form:
        complaint.answered_at = now
        complaint.answer = data.get("answer")
        complaint.public_answer = _public_text(uow, complaint, data.get("answer"))
        complaint.answered_late = complaint.supervisions > 0 or bool(item.due_at and now > item.due_at)
        complaint.status = ComplaintStatus.ANSWERED
        _tell_reporter(uow, complaint, "answered",
                       f"您反映的诉求（{complaint.number}）已答复，请凭查询码查看答复并评价", now)
        _tell_role(uow, complaint, "answered", "TOWNSHIP_DISCIPLINE", record.township_code,
                   f"诉求{complaint.number}已答复，请回访并记录群众评价", now)
    elif "rating" in form or "rerating" in form:
        complaint.rating = data.get("rerating") if "rerating" in form else data.get("rating")
        complaint.rated_at, complaint.pending_rating = now, None
    elif "review_conclusion" in form:
        complaint.reviewed = True


def _supervise(uow, complaint, record, actor, payload, ready, now) -> None:
    """A 督办单 from the level above, with the new limit (the due time of the step now ready)."""
    level = complaint.handler_level or "village"
    issuer_role, issuer_level = ISSUERS[level]
    issuer_org = record.township_code if issuer_level == "township" else complaint.county_code
    new_due = next((r.due_at for r in ready if r.step_id.startswith("supervised_")), None)
    number = f"DB{now.year}-{complaint.id:06d}-{complaint.supervisions + 1}"
    event = uow.audit.append("supervision_issued", actor.name, record.id, {
        "number": number, "complaint": complaint.number, "overdue_step": payload.get("name"),
        "handler": HANDLER_ROLES[level], "issuer_role": issuer_role, "issuer_org": issuer_org,
        "previous_due": complaint.answer_due.isoformat() if complaint.answer_due else None,
        "new_due": new_due.isoformat() if new_due else None}, now.isoformat())
    uow.complaints.add_supervision(
        number=number, complaint_id=complaint.id, matter_id=record.id, overdue_step=_overdue_step(record, payload),
        handler_role=HANDLER_ROLES[level], issuer_role=issuer_role, issuer_org=issuer_org,
        previous_due=complaint.answer_due, new_due=new_due, issued_at=now, audit_seq=event.seq)
    complaint.supervisions += 1
    due_words = _beijing(new_due)
    _tell_role(uow, complaint, "overdue", issuer_role, issuer_org,
               f"督办单{number}：诉求{complaint.number}（{_where(uow, complaint)}）超过办理时限，已督办{HANDLER_LEVELS[level]}"
               f"于{due_words}前办结", now)
    handler_org = {"village": record.village_code, "township": record.township_code, "county": complaint.county_code}[level]
    _tell_role(uow, complaint, "overdue", HANDLER_ROLES[level], handler_org,
               f"督办单{number}：诉求{complaint.number}已超过办理时限，{ISSUER_NAMES[issuer_role]}督办，请于{due_words}前办结并答复",
               now)
    _tell_reporter(uow, complaint, "overdue", f"您反映的诉求（{complaint.number}）超过办理时限，"
                                              f"{ISSUER_NAMES[issuer_role]}已督办，要求于{due_words}前办结答复", now)


def _overdue_step(record, payload) -> str:
    element = str(payload.get("element", ""))
    return {"overdue_village": "村委会办理并答复", "overdue_township": "乡镇站所办理并答复",
            "overdue_county": "县级部门办理并答复"}.get(element, payload.get("name") or element)


def _due_times(complaint, ready) -> None:
    for row in ready:
        if row.step_id == "accept":
            complaint.accept_due = row.due_at
        elif row.step_id.startswith(("handle_", "supervised_")):
            complaint.answer_due = row.due_at


def _ended(uow, complaint, record, now) -> None:
    if record.status == MatterStatus.COMPLETED and complaint.closed_at is None:
        complaint.closed_at, complaint.outcome = now, record.outcome
        if complaint.status != ComplaintStatus.REJECTED:
            complaint.status = ComplaintStatus.CLOSED
            _tell_reporter(uow, complaint, "closed", f"您反映的诉求（{complaint.number}）已办结：{record.outcome}", now)
    elif record.status == MatterStatus.CANCELLED and complaint.status != ComplaintStatus.MERGED:
        complaint.status, complaint.closed_at = ComplaintStatus.CANCELLED, now


def registered(uow, complaint, record, now) -> None:
    """A case just opened: the discipline office is told there is one to accept."""
    _tell_role(uow, complaint, "new", "TOWNSHIP_DISCIPLINE", record.township_code,
               f"新诉求{complaint.number}（{_where(uow, complaint)}·{COMPLAINT_CATEGORIES.get(complaint.category)}）"
               f"待受理，受理时限至{_beijing(complaint.accept_due)}", now)
    _tell_reporter(uow, complaint, "new", f"您反映的诉求已登记，编号{complaint.number}，可凭查询码查询办理进度", now)


# -- messages ---------------------------------------------------------------------------------
def _tell_role(uow, complaint, event: str, role: str, org: str, text: str, now) -> None:
    withheld = uow.exclusions.users(complaint.matter_id) if complaint.matter_id else set()
    users = sorted(u.username for u in uow.users.holders(role, [org]) if u.username not in withheld)
    unit = uow.orgs.get(org)
    notifications.enqueue(uow, event, {"kind": "role", "role": role, "org": org, "org_name": unit.name if unit else org,
                                       "users": users}, text, _payload(complaint), now, complaint.id)


def _tell_reporter(uow, complaint, event: str, text: str, now) -> None:
    reporter = uow.complaints.reporter(complaint.id)
    if reporter is not None and reporter.phone:
        notifications.enqueue(uow, event, {"kind": "reporter"}, text, _payload(complaint), now, complaint.id)


def _payload(complaint) -> dict:
    return {"complaint": complaint.number, "village": complaint.village_code, "category": complaint.category,
            "status": str(complaint.status)}


def _public_text(uow, complaint, text) -> str | None:
    """A text the portal may show if the reporter agreed: ID, phone and bank numbers masked, and the
    reporter's own name and phone taken out wherever a clerk wrote them in."""
    text = (text or "").strip()
    if not text:
        return None
    reporter = uow.complaints.reporter(complaint.id)
    for given in (reporter.name, reporter.phone) if reporter else ():
        if given and len(given) >= 2:
            text = text.replace(given, "反映人")
    return scrub_text(text)


def _where(uow, complaint) -> str:
    unit = uow.orgs.get(complaint.village_code)
    return unit.name if unit else complaint.village_code


def _beijing(at) -> str:
    """A due time in a message: 2026年03月23日24:00 for the end of a day (not the 24th's 00:00)."""
    if at is None:
        return "（未定）"
    day, clock_time = deadline_day(at)
    return f"{day:%Y年%m月%d日}{clock_time}"

"""An objection filed on the portal during a publicity period (公示期异议).

No login and no session: the page's form carries a signed, time-limited token naming the record
and the period (checked by the web layer), and the sender's address arrives as a keyed hash, so
that a few objections an hour per address are accepted and floods are not. The objection is kept
with the name and phone the villager chose to give (never shown publicly) and recorded in the
audit chain (without them); the matter's 村务监督委员会 sees it on its objection-intake step and
registers it by completing that step, as for an objection received in person."""
from __future__ import annotations

import re
from datetime import timedelta

from ... import clock
from ...errors import Conflict, InvalidData, NotFound, TooManyAttempts
from .views import FiledObjection, RecordView

MIN_TEXT, MAX_TEXT, MAX_NAME = 5, 2000, 50
_PHONE = re.compile(r"^[0-9 +\-]{5,20}$")
PUBLIC_ACTOR = "public"        # the audit chain's name for a villager on the portal


def file_objection(ctx, village: str, record_id: int, period: str, text: str, name: str = "", phone: str = "",
                   source: str = "") -> FiledObjection:
    """Raises InvalidData (a field), NotFound (no such notice in the village), Conflict (the period
    has ended or started again since the page was read), TooManyAttempts (too many from this sender)."""
    text, name, phone = (text or "").strip(), (name or "").strip(), (phone or "").strip()
    _check(text, name, phone)
    now = clock.now()
    with ctx.portal_uow() as uow:
        _throttle(ctx, uow, source, now)
        record = uow.records.get(record_id)
        if record is None or record.village_code != village:
            raise NotFound("找不到该公示")
        if record.publicity_task_id is None or _period(record) != period:
            raise Conflict("该公示的公示期已结束或已重新开始，请刷新页面后再提出异议")
        if record.publicity_ends_at is not None and record.publicity_ends_at <= now:
            raise Conflict("该公示的公示期已结束，已提出的异议正由村务监督委员会处理")
        event = uow.audit.append("public_objection_received", PUBLIC_ACTOR, record.matter_id, {
            "record_id": record.id, "task_id": record.publicity_task_id, "step": record.publicity_step,
            "title": record.title, "text": text, "contact_given": bool(name or phone)}, now.isoformat())
        row = uow.objections.add(
            record_id=record.id, matter_id=record.matter_id, task_id=record.publicity_task_id, text=text,
            name=name or None, phone=phone or None, source=source[:64], received_at=now, audit_seq=event.seq)
        result = FiledObjection(id=row.id, received_at=now, title=record.title, ends_at=record.publicity_ends_at)
        uow.commit()
        return result


def period_of(record_view: RecordView) -> str:
    """The period a notice is in, as the token names it: a period that starts again (an objection
    dismissed) is another period, and a form read during the old one is refused."""
    ends = record_view.publicity.ends_at if record_view.publicity else None
    return f"{record_view.id}@{ends.isoformat() if ends else ''}"


def _period(record) -> str:
    return f"{record.id}@{record.publicity_ends_at.isoformat() if record.publicity_ends_at else ''}"


def _check(text: str, name: str, phone: str) -> None:
    errors = {}
    if not MIN_TEXT <= len(text) <= MAX_TEXT:
        errors["text"] = f"异议内容请写 {MIN_TEXT} 至 {MAX_TEXT} 个字"
    if len(name) > MAX_NAME:
        errors["name"] = f"姓名不超过 {MAX_NAME} 个字"
    if phone and not _PHONE.match(phone):
        errors["phone"] = "联系电话只能包含数字、空格、+ 和 -"
    if errors:
        raise InvalidData("提交的异议有误，请按提示修改", errors)


def _throttle(ctx, uow, source: str, now) -> None:
    limit, window = ctx.settings.public_objections_per_hour, timedelta(hours=1)
    if source and uow.objections.count_from(source, now - window) >= limit:
        raise TooManyAttempts("提交过于频繁，请一小时后再试；如情况紧急，请直接向村务监督委员会或乡镇纪委反映",
                              retry_after=int(window.total_seconds()))

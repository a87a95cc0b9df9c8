"""Complaints on the portal (群众诉求): a villager files one from a phone without logging in (name and
phone optional), gets a 查询码, follows the case with it and rates the answer; anyone reads the
cases whose reporters agreed to publication (anonymised: the summary the 纪委 wrote and the answer,
scrubbed) and the village's and township's figures.

Like every portal service this one opens only the portal's unit of work: a complaint filed here is
a row of the case table, and the worker registers it as a complaint_handling matter
(engine/services/complaints/intake.register_submitted). An online rating waits on the row for the
worker too. Filing is throttled per sender address, lookups and ratings likewise (no one tries
10^12 查询码 from one address)."""
from __future__ import annotations

from datetime import timedelta

from ... import clock, complaint_codes, vocabulary
from ...errors import Conflict, InvalidData, NotFound, TooManyAttempts
from ...photos import MAGIC, bare_photo
from .catalogue import place_of
from .views import ComplaintCase, ComplaintFigures, FiledComplaint, PublicCase, PublicCases, TimelineEntry

PUBLIC_ACTOR = "public"
MIN_TEXT, MAX_TEXT, MAX_NAME, MAX_MATTER = 5, 2000, 50, 200
MAX_PHOTOS = 3
PHOTO_TYPES = MAGIC
WINDOW = timedelta(hours=1)
CATEGORIES = vocabulary.COMPLAINT_CATEGORIES


def file_public_complaint(ctx, village: str, form: dict, photos: list | None = None,
                          source: str = "") -> FiledComplaint:
    """Raises InvalidData (a field), NotFound (no such village), TooManyAttempts (a flood)."""
    values, reporter = _checked(form), _reporter(form)
    photos = _photos(ctx, photos or [])
    now = clock.now()
    with ctx.portal_uow() as uow:
        if source and uow.complaints.count_filed_from(source, now - WINDOW) >= ctx.settings.public_complaints_per_hour:
            raise TooManyAttempts("提交过于频繁，请一小时后再试；情况紧急的，请直接拨打乡镇纪委电话反映",
                                  retry_after=int(WINDOW.total_seconds()))
        place = place_of(uow, village)          # NotFound for anything that is not a village
        township = uow.orgs.get(place.township.code)
        code = complaint_codes.new_code()
        row = uow.complaints.file({
            **values, "lookup_hash": complaint_codes.code_hash(code), "village_code": village,
            "township_code": township.code, "county_code": township.parent_code or township.code, "channel": "portal",
            "status": vocabulary.ComplaintStatus.SUBMITTED, "received_at": now, "source": source[:64],
            "created_by": PUBLIC_ACTOR, "changed_at": now, "answered_late": False, "reopened": False,
            "reviewed": False, "supervisions": 0}, reporter, photos, complaint_codes.case_number)
        uow.audit.append("public_complaint_received", PUBLIC_ACTOR, None, {
            "complaint": row.number, "village": village, "category": values["category"],
            "contact_given": any(reporter.values()), "photos": len(photos)}, now.isoformat())
        result = FiledComplaint(number=row.number, lookup_code=complaint_codes.spaced(code), received_at=now,
                                village=place)
        uow.commit()
        return result


def lookup(ctx, code: str, source: str = "") -> ComplaintCase:
    """The case a 查询码 opens, as its reporter may see it. Raises InvalidData (not a code),
    NotFound (no case has it), TooManyAttempts (too many lookups from this address)."""
    digits = _code(code)
    with ctx.portal_uow() as uow:
        row = _throttled_find(ctx, uow, digits, source)
        result = _reporter_view(uow, row)
        uow.commit()
        return result


def rate_online(ctx, code: str, rating: str, note: str = "", source: str = "") -> ComplaintCase:
    """A villager's rating of the answer; the worker records it on the matter's rating step."""
    digits = _code(code)
    note = (note or "").strip() if isinstance(note, str) else ""
    if rating not in vocabulary.RATINGS:
        raise InvalidData("请选择满意或不满意", {"rating": "请选择满意或不满意"})
    if len(note) > 1000:
        raise InvalidData("评价意见过长", {"note": "评价意见不超过 1000 个字"})
    with ctx.portal_uow() as uow:
        row = _throttled_find(ctx, uow, digits, source)
        if row.status != vocabulary.ComplaintStatus.ANSWERED or row.pending_rating is not None:
            uow.commit()                      # the lookup is counted all the same
            raise Conflict("该诉求当前不在待评价状态（可能已评价），请重新查询")
        now = clock.now()
        row.pending_rating = {"rating": rating, "note": note, "at": now.isoformat()}
        row.changed_at = now
        uow.audit.append("public_rating_received", PUBLIC_ACTOR, row.matter_id, {
            "complaint": row.number, "rating": rating}, now.isoformat())
        result = _reporter_view(uow, row)
        uow.commit()
        return result


def public_cases(ctx, village: str) -> PublicCases:
    """The village's cases whose reporters agreed to publication, anonymised, and its figures."""
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        cases = tuple(_public_view(row) for row in uow.complaints.public_cases(village))
        figures = _figures(uow, {village})
        township = place.township
        township_figures = _figures(uow, uow.orgs.within({township.code})) if township else None
        return PublicCases(village=place, cases=cases, figures=figures, township_figures=township_figures,
                           categories=vocabulary.COMPLAINT_CATEGORIES)


def figures(ctx, village: str) -> ComplaintFigures:
    with ctx.portal_uow(readonly=True) as uow:
        return _figures(uow, {village})


def version(ctx, village: str | None = None) -> str:
    with ctx.portal_uow(readonly=True) as uow:
        count, last = uow.complaints.version(village)
        return f"c{count}.{last.timestamp() if last else 0}"


# -- checks ---------------------------------------------------------------------------------------
def _checked(form: dict) -> dict:
    form = form if isinstance(form, dict) else {}
    text = lambda name: (form.get(name) or "").strip() if isinstance(form.get(name), str) else ""   # noqa: E731
    content, matter, category = text("content"), text("concerned_matter"), text("category")
    errors = {}
    if category not in vocabulary.COMPLAINT_CATEGORIES:
        errors["category"] = "请选择反映的问题类别"
    if not MIN_TEXT <= len(content) <= MAX_TEXT:
        errors["content"] = f"反映内容请写 {MIN_TEXT} 至 {MAX_TEXT} 个字"
    if len(matter) > MAX_MATTER:
        errors["concerned_matter"] = f"涉及的事项不超过 {MAX_MATTER} 个字"
    if errors:
        raise InvalidData("提交的内容有误，请按提示修改", errors)
    return {"category": category, "content": content, "concerned_matter": matter or None,
            "about_cadre": _yes(form.get("about_cadre")), "publish_consent": _yes(form.get("publish_consent"))}


def _reporter(form: dict) -> dict:
    form = form if isinstance(form, dict) else {}
    name = (form.get("name") or "").strip() if isinstance(form.get("name"), str) else ""
    phone = (form.get("phone") or "").strip() if isinstance(form.get("phone"), str) else ""
    errors = {}
    if len(name) > MAX_NAME:
        errors["name"] = f"姓名不超过 {MAX_NAME} 个字"
    if phone and not (5 <= len(phone) <= 20 and all(c.isdigit() or c in " +-" for c in phone)):
        errors["phone"] = "联系电话只能包含数字、空格、+ 和 -"
    if errors:
        raise InvalidData("提交的内容有误，请按提示修改", errors)
    return {"name": name, "phone": phone}


def _photos(ctx, photos: list) -> list[tuple[str, bytes]]:
    kept = [(name, data) for name, data in photos if data]
    if len(kept) > MAX_PHOTOS:
        raise InvalidData("照片过多", {"photos": f"最多 {MAX_PHOTOS} 张照片"})
    for name, data in kept:
        if len(data) > ctx.settings.max_attachment_bytes:
            raise InvalidData("照片过大", {"photos": f"{name}：超过 {ctx.settings.max_attachment_bytes // (1024 * 1024)} MB"})
        if not any(data.startswith(magic) for magic in PHOTO_TYPES):
            raise InvalidData("只能上传照片", {"photos": f"{name}：只能上传 JPG 或 PNG 照片"})
    return [(f"照片{n}.{next(t for m, t in PHOTO_TYPES.items() if data.startswith(m))}", bare_photo(name, data))
            for n, (name, data) in enumerate(kept, 1)]


def _yes(value) -> bool:
    return value in (True, "1", "on", "yes", "true")


def _code(code) -> str:
    digits = complaint_codes.normalized(code if isinstance(code, str) else "")
    if digits is None:
        raise InvalidData("查询码有误", {"code": f"查询码是 {complaint_codes.DIGITS} 位数字"})
    return digits


def _throttled_find(ctx, uow, digits: str, source: str):
    now = clock.now()
    if source and uow.complaints.lookups_from(source, now - WINDOW) >= ctx.settings.complaint_lookups_per_hour:
        raise TooManyAttempts("查询过于频繁，请一小时后再试", retry_after=int(WINDOW.total_seconds()))
    uow.complaints.record_lookup(source[:64], now)
    row = uow.complaints.by_lookup(complaint_codes.code_hash(digits))
    if row is None:
        uow.commit()                          # the failed attempt counts against the address
        raise NotFound("没有找到该查询码对应的诉求，请核对后重试")
    return row


# -- views ----------------------------------------------------------------------------------------
def _reporter_view(uow, row) -> ComplaintCase:
    """What the holder of the 查询码 sees: where the case is, by whom it is handled (the unit), the
    answer (scrubbed, as published). Not the words of the complaint, nor anything of the reporter:
    a 查询码 read over a shoulder, or guessed, must give nobody away."""
    main = uow.complaints.get(row.merged_into_id) if row.merged_into_id else None
    shown = main or row
    place = place_of(uow, row.village_code)
    status = vocabulary.ComplaintStatus(shown.status)
    timeline = [("收到诉求", row.received_at), ("登记", shown.registered_at), ("受理", shown.accepted_at),
                ("答复", shown.answered_at), ("评价", shown.rated_at), ("办结", shown.closed_at)]
    return ComplaintCase(
        number=row.number, village=place, category=row.category,
        category_name=vocabulary.COMPLAINT_CATEGORIES.get(row.category, row.category),
        received_at=row.received_at, status=str(status), status_name=status.label,
        merged_into=main.number if main else None,
        handler_name=vocabulary.HANDLER_LEVELS.get(shown.handler_level) if shown.handler_level else None,
        answer=shown.public_answer if shown.answered_at else None, answered_at=shown.answered_at,
        answer_due=shown.answer_due if status in (vocabulary.ComplaintStatus.ASSIGNED,) else None,
        rating=shown.rating, rating_name=vocabulary.RATINGS.get(shown.rating) if shown.rating else None,
        rating_pending=shown.pending_rating is not None,
        may_rate=main is None and status == vocabulary.ComplaintStatus.ANSWERED and row.pending_rating is None,
        outcome=shown.outcome, timeline=tuple(TimelineEntry(w, at) for w, at in timeline if at))


def _public_view(row) -> PublicCase:
    status = vocabulary.ComplaintStatus(row.status)
    return PublicCase(number=row.number,
                      category_name=vocabulary.COMPLAINT_CATEGORIES.get(row.category, row.category),
                      received_at=row.received_at, status_name=status.label, concluded=status.concluded,
                      summary=row.public_summary or "（摘要待纪委审核后公开）",
                      handler_name=vocabulary.HANDLER_LEVELS.get(row.handler_level) if row.handler_level else None,
                      answer=row.public_answer, answered_at=row.answered_at,
                      rating_name=vocabulary.RATINGS.get(row.rating) if row.rating else None)


def _figures(uow, villages: set[str]) -> ComplaintFigures:
    rows = uow.complaints.figures_rows(villages)
    counted = [r for r in rows if r[0] not in vocabulary.COMPLAINTS_NOT_COUNTED]     # as the staff's figures count
    received = len(counted)
    answered = sum(1 for r in counted if r[1] is not None)
    closed = sum(1 for r in counted if vocabulary.ComplaintStatus(r[0]).concluded)
    rated = [r for r in counted if r[2]]
    satisfied = sum(1 for r in rated if r[2] == "satisfied")
    return ComplaintFigures(received=received, answered=answered, closed=closed,
                            closure_rate=round(100.0 * closed / received, 1) if received else None,
                            satisfaction=round(100.0 * satisfied / len(rated), 1) if rated else None)

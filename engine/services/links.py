"""Linked matters: a form field of type `matter` cites another matter of the same village (a seal
use its resolution, a mid-year decision the annual authorisation). The citation is checked when the
form is submitted (engine/forms.py only knows the number; whether that matter exists, is of the
right item, has ended the right way and covers the amount needs the database) and kept in
matter_links, so that each matter shows what it cites and what cites it."""
from __future__ import annotations

from datetime import datetime

from .. import clock
from ..errors import InvalidData, NotFound
from ..workdays import BEIJING
from ..vocabulary import MatterStatus, quoted
from .access import visible_matter
from .flowcharts import process_names
from .views import MatterLinkView, MatterLinks


def link_cited_matters(ctx, uow, actor, form, cleaned: dict, record, step: str, now: datetime) -> None:
    """Check and record every matter the form's `matter` fields cite; InvalidData names each
    field whose citation is wrong, with what is wrong, and nothing is recorded then."""
    fields = [f for f in form.fields if f.type == "matter" and cleaned.get(f.name) is not None]
    errors = {f.name: problem for f in fields
              if (problem := _problem(ctx, uow, actor, f, cleaned[f.name], {**record.data, **cleaned}, record))}
    if errors:
        raise InvalidData("表单数据有误，请按提示修改", {name: f"{_label(form, name)}：{why}" for name, why in errors.items()})
    for f in fields:
        uow.links.cite(record.id, f.name, step, cleaned[f.name], actor.name, now)


def _label(form, name: str) -> str:
    return next(f.label for f in form.fields if f.name == name)


def _problem(ctx, uow, actor, field, cited_id: int, data: dict, record) -> str | None:
    """What is wrong with citing matter `cited_id` here, in words a clerk reads; None if nothing."""
    if cited_id == record.id:
        return "不能引用本事项自身"
    try:
        # a shared limit is read under the cited matter's lock: two claims at once take turns
        cited = visible_matter(uow, actor, cited_id, lock=field.amount_shared)
    except NotFound:
        cited = None
    if cited is None or cited.village_code != record.village_code:
        return f"本村没有第 {cited_id} 号事项"
    allowed = dict(field.cites)
    if cited.process_key not in allowed:
        names = process_names(uow)
        wanted = "或".join(quoted(names.get(key, key)) for key in allowed)
        return f"第 {cited_id} 号事项是{quoted(names.get(cited.process_key, cited.process_key))}，此处应引用{wanted}"
    ends = allowed[cited.process_key]
    if ends == ("running",):
        state = MatterStatus(cited.status)
        return None if state == MatterStatus.RUNNING else f"第 {cited_id} 号事项{state.label}，不能再引用"
    if cited.status != MatterStatus.COMPLETED:
        return f"第 {cited_id} 号事项尚未办结，不能作为依据"
    if ends:
        end_names = ctx.bundles.of_version(uow, cited.definition_id).info.end_events
        if cited.outcome not in {end_names.get(e, e) for e in ends}:
            return f"第 {cited_id} 号事项的结果是{quoted(cited.outcome or '未知')}，不能作为依据"
    bundle, own = ctx.bundles.of_version(uow, cited.definition_id), ctx.bundles.of_version(uow, record.definition_id)
    labels = bundle.labels
    return _out_of_scope(field, cited, data, labels) or _expired(field, cited, data, labels) \
        or _not_the_same(field, cited, data, bundle, own) or _before_its_end(field, cited, data, own.labels) \
        or _over_limit(uow, field, cited, data, record)


def _out_of_scope(field, cited, data: dict, labels: dict) -> str | None:
    """field.scope = (this matter's field, the cited matter's flag pattern): the cited matter covers
    this kind of matter (an annual authorisation names the classes the council may decide)."""
    if not field.scope or data.get(field.scope[0]) in (None, ""):
        return None
    flag = field.scope[1].replace("{}", str(data[field.scope[0]]))
    if cited.data.get(flag) is True:
        return None
    what = labels.get(flag)
    return (f"第 {cited.id} 号事项的{quoted(what)}为“否”，不在其授权范围内" if what
            else f"第 {cited.id} 号事项未授权此类事项")


def _expired(field, cited, data: dict, labels: dict) -> str | None:
    """field.valid_until = (the cited matter's date field, this matter's date field or None: today)."""
    if not field.valid_until or not cited.data.get(field.valid_until[0]):
        return None
    until, own = str(cited.data[field.valid_until[0]]), field.valid_until[1]
    day = str(data.get(own)) if own and data.get(own) else clock.now().astimezone(BEIJING).date().isoformat()
    if day <= until:
        return None
    return f"第 {cited.id} 号事项的{quoted(labels.get(field.valid_until[0], '有效期'))}为 {until}，{day} 已超出"


def _not_the_same(field, cited, data: dict, bundle, own) -> str | None:
    """field.same: what this matter says of them is what the cited matter decided (a reimbursement
    of the category its approval approved). `bundle` is the cited matter's item, `own` this one's."""
    for name in field.same:
        if name in cited.data and data.get(name) != cited.data[name]:
            words = {**own.choices.get(name, {}), **bundle.choices.get(name, {})}
            mine, theirs = (words.get(v, v if v not in (None, "") else "未填") for v in (data.get(name), cited.data[name]))
            return (f"{quoted(bundle.labels.get(name, '相关内容'))}与第 {cited.id} 号事项不一致"
                    f"（该事项为“{theirs}”，本事项为“{mine}”）")
    return None


def _before_its_end(field, cited, data: dict, labels: dict) -> str | None:
    """field.not_before_end: this matter's date is not before the day the cited matter ended (先审批
    后支出: money spent before its approval was given is not covered by it)."""
    day = data.get(field.not_before_end) if field.not_before_end else None
    if not day or cited.ended_at is None:
        return None
    ended = cited.ended_at.astimezone(BEIJING).date().isoformat()
    if str(day) >= ended:
        return None
    return (f"{quoted(labels.get(field.not_before_end, '日期'))}为 {day}，早于第 {cited.id} 号事项办结的 {ended}："
            f"事前审批之前的支出不在其范围内")


def _over_limit(uow, field, cited, data: dict, record) -> str | None:
    """The citing matter's amount (field.amount_field) within what the cited one covers (its
    field.limit_field, else its amount); with field.amount_shared, together with what the other
    matters still standing that cite it draw (one approval is not paid out twice)."""
    if not field.amount_field or data.get(field.amount_field) is None:
        return None
    limit = cited.data.get(field.limit_field) if field.limit_field else cited.amount
    if limit is None:
        return None
    amount = float(data[field.amount_field])
    others = [(i, float(d.get(field.amount_field) or 0)) for i, d in uow.links.claims(cited.id, field.name, record.id)] \
        if field.amount_shared else []
    drawn = sum(a for _, a in others)
    if amount + drawn <= float(limit) + 0.005:
        return None
    if not others:
        return f"金额 {amount:,.2f} 元超过第 {cited.id} 号事项核定的 {float(limit):,.2f} 元"
    numbers = "、".join(f"第 {i} 号" for i, _ in others)
    return (f"金额 {amount:,.2f} 元，加上已引用第 {cited.id} 号事项的{numbers}事项 {drawn:,.2f} 元，"
            f"超过其核定的 {float(limit):,.2f} 元（尚可报销 {max(float(limit) - drawn, 0):,.2f} 元）")


def links_of(ctx, uow, actor, record) -> MatterLinks:
    """The matters this one cites and those citing it; a matter the actor may not see is left out
    (withheld, or outside their villages)."""
    found, names = {True: [], False: []}, None
    for link in uow.links.of(record.id):
        outgoing = link.matter_id == record.id
        other_id = link.cited_id if outgoing else link.matter_id
        try:
            other = visible_matter(uow, actor, other_id)
        except NotFound:
            continue
        citing = record if outgoing else other
        names = names if names is not None else process_names(uow)
        labels = ctx.bundles.of_version(uow, citing.definition_id).labels
        status = MatterStatus(other.status)
        found[outgoing].append(MatterLinkView(
            matter_id=other.id, subject=other.subject, process_key=other.process_key,
            process_name=names.get(other.process_key, other.process_key), status=status, status_name=status.label,
            field=link.field, field_label=labels.get(link.field, link.field), linked_at=link.linked_at))
    return MatterLinks(cites=tuple(found[True]), cited_by=tuple(found[False]))

"""Matter use cases: start, complete, claim, release, reassign, cancel, and the reads that go with
them. Every one checks scope and roles (engine/services/access.py) before it acts."""
from __future__ import annotations

import hashlib
import re
from collections import ChainMap
from datetime import datetime, timedelta
from decimal import Decimal

from .. import clock
from ..audit import canonical
from ..errors import Conflict, InvalidData, LikelyDuplicate, LostRace, NotFound
from ..forms import clean_form_data, known_bounds, refuse_parameter_names
from ..runtime import Matter
from ..store.keyset import page_start
from ..vocabulary import MatterStatus, StepStatus, matter_status_label
from . import objections, tallies, views
from .views import (EventView, InboxStep, MatterDetail, MatterSummary, MatterView, StartedMatter, StepView, TaskDetail,
                    ToDoPage)
from .access import (check_separation, readable_matter, records_refusals, require_admin, require_role,
                     step_matter, visible_matter)
from .attachments import link_cited_files, store_uploads
from .attachment_views import attachment as attachment_view
from .links import link_cited_matters, links_of
from .parameters import effective_parameters
from .definitions import withdrawn_notice
from .persistence import load_matter, save_matter
from .splitting import check_split_total

MAX_SUBJECT = 200
DUPLICATE_WINDOW = timedelta(days=1)     # same item, village and subject within it: asked first
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9\-_.:]{1,100}$")


@records_refusals("start_matter")
def start_matter(ctx, actor, process_key: str, village: str, subject: str, data: dict,
                 idempotency_key: str | None = None, uploads: dict | None = None,
                 ask_if_duplicate: bool = False) -> StartedMatter:
    """Start a matter of an item in a village; the matter afterwards.

    With an idempotency key, a retry of the same request (a lost answer, a double click) gets the
    matter the first one created, marked `replayed`, instead of a second matter; the same key with
    a different request is a Conflict. Keys are the caller's own (one user cannot replay another's).
    `uploads` are evidence files sent with the start form, stored in the same transaction.
    `ask_if_duplicate` (the start form's first submission): a matter of the same item, village and
    subject started within a day is answered with LikelyDuplicate instead of a second matter.

    Raises:
        InvalidData: an unknown village or item, or a field that fails the start form.
        Forbidden: the actor does not hold the item's start role in the village.
        Conflict: the idempotency key was used for another request.
        LikelyDuplicate: asked to, and the same item, village and subject started within a day.
    """
    subject = (subject or "").strip()
    if not subject or len(subject) > MAX_SUBJECT:
        raise InvalidData("事项标题有误", {"subject": f"标题不能为空，且不超过{MAX_SUBJECT}个字"})
    if idempotency_key is None:
        return _start(ctx, actor, process_key, village, subject, data, None, uploads, ask_if_duplicate)
    key = _checked_key(idempotency_key)
    files = {f: [hashlib.sha256(content).hexdigest() for _, content in got] for f, got in (uploads or {}).items()}
    request = hashlib.sha256(canonical([process_key, village, subject, data, files]).encode()).hexdigest()
    replay = _replay(ctx, actor, key, request)
    if replay is not None:
        return replay
    try:
        return _start(ctx, actor, process_key, village, subject, data, (key, request), uploads, ask_if_duplicate)
    except Conflict:
        replay = _replay(ctx, actor, key, request)     # a concurrent retry with the same key committed first
        if replay is None:
            raise
        return replay


def _ask_if_duplicate(uow, process_key: str, village: str, subject: str) -> None:
    same = uow.matters.started_alike(process_key, village, subject, clock.now() - DUPLICATE_WINDOW)
    if same:
        numbers = "、".join(f"#{i}" for i in same[:3])
        raise LikelyDuplicate(f"本村一天内已发起过同一事项、同一标题的事项（{numbers}），"
                              "请先查看；确认不是重复后再提交", same)


def _checked_key(key: str) -> str:
    if not isinstance(key, str) or not _IDEMPOTENCY_KEY.match(key):
        raise InvalidData("幂等键有误", {"Idempotency-Key": "应为 1-100 个字母、数字或 -_.:"})
    return key


def _replay(ctx, actor, key: str, request: str) -> StartedMatter | None:
    with ctx.uow(readonly=True) as uow:
        found = uow.idempotency.find(actor.name, key)
        if found is None:
            return None
        request_hash, matter_id = found
        if request_hash != request:
            raise Conflict("此幂等键已用于另一个发起请求，请换一个键")
        record = visible_matter(uow, actor, matter_id)
        return views.matter(ctx, record, uow.inbox.ready_for_matter(record.id), StartedMatter, replayed=True,
                            reads=ctx.bundles.of_version(uow, record.definition_id).reads)


def _start(ctx, actor, process_key: str, village: str, subject: str, data: dict, idempotency, uploads,
           ask_if_duplicate: bool = False, version_id: int | None = None) -> StartedMatter:
    """`version_id`: that version of the item instead of the current one (a draft's test run,
    services/preview.py): only in a 试运行村 (sandbox)."""
    with ctx.uow() as uow:
        unit = uow.orgs.get(village)
        if unit is None or unit.level != "village" or not actor.reaches(uow.lineage(village)):
            raise InvalidData("没有这个村", {"village": f"没有编码为 {village} 的村（或不在你的范围内）"})
        if version_id is not None and not unit.sandbox:
            raise InvalidData("只能在试运行村中按指定版本发起", {"village": f"{unit.name}不是试运行村"})
        version = uow.definitions.current(process_key, light=True) if version_id is None else uow.definitions.get(version_id)
        if version is not None and version.process_key != process_key:
            version = None
        if version is None and (notice := withdrawn_notice(uow, process_key, unit.parent_code)):
            raise Conflict(notice)
        if version is None or version.owner_org not in (None, unit.parent_code):
            raise InvalidData("没有这个事项", {"process_key": f"本村适用的权力清单中没有 {process_key}"})
        bundle = ctx.bundles.get(version)
        if bundle.info.start_role:
            require_role(ctx, uow, actor, bundle.info.start_role, village, "发起本事项")
        if ask_if_duplicate:
            _ask_if_duplicate(uow, process_key, village, subject)
        params = effective_parameters(ctx, uow, unit.parent_code)
        data = _with_uploads(ctx, uow, actor, bundle.info.start_form, data, uploads)
        cleaned = clean_form_data(bundle.info.start_form, data, params, ChainMap(bundle.labels, parameter_labels(ctx)))
        refuse_parameter_names(cleaned, params)
        now = clock.now()
        matter = Matter.start(bundle, cleaned, params)             # expressions read the parameters beside the data
        record = uow.matters.add(
            definition_id=version.id, process_key=process_key, village_code=village,
            township_code=unit.parent_code, subject=subject, status=MatterStatus.RUNNING, data=cleaned, params=params,
            amount=cleaned.get("amount"), state="", serializer_version="", waiting_timers=[],
            created_by=actor.name, created_at=now, updated_at=now, sandbox=unit.sandbox)
        tallies.matter_started(uow, record)
        link_cited_files(uow, actor, bundle.info.start_form, cleaned, record.id)
        link_cited_matters(ctx, uow, actor, bundle.info.start_form, cleaned, record, "start", now)
        uow.audit.append("matter_started", actor.name, record.id, {
            "process_key": process_key, "version_id": version.id, "bundle_sha256": version.bundle_sha256,
            "village": village, "subject": subject, "data": cleaned, "params": params}, now.isoformat())
        save_matter(uow, record, matter, actor, events=matter.start_events, now=now)
        if idempotency is not None:
            uow.idempotency.remember(actor.name, *idempotency, record.id, now)
        # Everything the answer needs is read before the commit: once committed, the answer
        # cannot fail, so a client never sees an error for a matter that was in fact started.
        result = views.matter(ctx, record, uow.inbox.ready_for_matter(record.id), StartedMatter, replayed=False,
                              reads=bundle.reads)
        uow.commit()
        return result


def _with_uploads(ctx, uow, actor, form, data: dict | None, uploads: dict | None) -> dict:
    """The submitted data with the ids of files stored now added to their fields."""
    data = dict(data or {})
    if uploads:
        stored = store_uploads(ctx, uow, actor, uploads, {f.name: f.label for f in form.fields})
        for name, ids in stored.items():
            cited = data.get(name) or []
            data[name] = ([cited] if isinstance(cited, str) else list(cited)) + ids
    return data


def _ready_item(ctx, uow, actor, task_id: str, what: str):
    """The ready step and its matter, locked (in an optimistic unit of work on SQLite: not yet, its
    writes are guarded instead), after the scope, role and claim checks."""
    record = step_matter(uow, actor, task_id, acting=True)
    item = uow.inbox.step_and_ready(record.id, task_id)     # read under the matter's lock (or guarded)
    if item.state != StepStatus.READY:
        who = f"，已由 {uow.users.display_name(item.completed_by)} 办理" if item.completed_by else ""
        raise Conflict(f"该步骤已不可办理{who}")
    require_role(ctx, uow, actor, item.role, record.village_code, what)
    return item, record


def _separation(ctx, uow, actor, item, record, matter) -> None:
    step = matter.bundle.step(item.process_key, item.step_id)
    names = {s.id: s.name for s in matter.bundle.processes[item.process_key].steps.values()}
    check_separation(ctx, uow, actor, record, step, names)


@records_refusals("complete_step")
def complete_step(ctx, actor, task_id: str, data: dict, uploads: dict | None = None) -> MatterView:
    """Complete a ready step with its form data; the matter afterwards.

    `uploads` (field name -> [(file name, bytes)]) are evidence files sent with the form: they are
    stored in this same transaction, so a refused completion leaves no file behind.

    Raises:
        NotFound: no such step, or it is outside the actor's reach.
        Conflict: the step is no longer ready, another holder claimed it, or a lost race.
        Forbidden: the actor does not hold the step's role, or separation of duties forbids it.
        InvalidData: a field or a file fails the step's form (one message per field).
    """
    try:
        return _complete_step(ctx, actor, task_id, data, uploads, optimistic=True)
    except LostRace:         # another action on the matter came between its reads and its writes
        return _complete_step(ctx, actor, task_id, data, uploads, optimistic=False)


def _complete_step(ctx, actor, task_id: str, data: dict, uploads: dict | None, optimistic: bool) -> MatterView:
    """complete_step, once. optimistic: read the matter and run the step before taking SQLite's
    write lock (store/uow.py): the writes are guarded (the matter's version, the step still ready
    and not claimed by another), a lost race raises LostRace and nothing is written."""
    with ctx.uow(optimistic=optimistic) as uow:
        item, record = _ready_item(ctx, uow, actor, task_id, "办理此步骤")
        if item.claimed_by and item.claimed_by != actor.name:
            raise Conflict(f"该步骤已由 {uow.users.display_name(item.claimed_by)} 认领")
        matter = load_matter(ctx, uow, record)
        _separation(ctx, uow, actor, item, record, matter)
        form = matter.bundle.step(item.process_key, item.step_id).form
        data = _with_uploads(ctx, uow, actor, form, data, uploads)
        link_cited_files(uow, actor, form, data, record.id)
        cleaned, events = matter.complete(task_id, data, protected=record.params, labels=parameter_labels(ctx),
                                          holds=lambda role: actor.reaches(uow.lineage(record.village_code), role))
        check_split_total(ctx, uow, record, matter.bundle.step(item.process_key, item.step_id), cleaned)
        now = clock.now()
        link_cited_matters(ctx, uow, actor, form, cleaned, record, item.step_id, now)
        evidence = [f.name for f in form.fields if f.type == "file"]
        uow.inbox.complete(item, actor.name, now, len(evidence), sum(bool(cleaned.get(n)) for n in evidence))
        tallies.step_completed(uow, record, item)
        changes = {k: [record.data.get(k), v] for k, v in cleaned.items() if record.data.get(k) != v}
        record.data = {**record.data, **cleaned}
        if "amount" in cleaned:
            record.amount = cleaned["amount"]
        uow.audit.append("step_completed", actor.name, record.id, {
            "task_id": task_id, "process_key": item.process_key, "step": item.step_id,
            "step_name": item.step_name, "role": item.role, "data": cleaned, "changes": changes}, now.isoformat())
        save_matter(uow, record, matter, actor, events=events, now=now, completed=item)
        result = views.matter(ctx, record, uow.inbox.ready_for_matter(record.id),   # read before the commit
                              reads=matter.bundle.reads)
        uow.commit()
        return result


@records_refusals("claim_step")
def claim_step(ctx, actor, task_id: str) -> StepView:
    """Take a step open to several holders of its role; the others see who holds it.

    Raises:
        NotFound: no such step, or it is outside the actor's reach.
        Conflict: the step is no longer ready, or another holder claimed it.
        Forbidden: the actor does not hold the step's role, or separation of duties forbids it.
    """
    with ctx.uow() as uow:
        item, record = _ready_item(ctx, uow, actor, task_id, "认领此步骤")
        if item.claimed_by and item.claimed_by != actor.name:
            raise Conflict(f"该步骤已由 {uow.users.display_name(item.claimed_by)} 认领")
        _separation(ctx, uow, actor, item, record, load_matter(ctx, uow, record))
        uow.inbox.claim(item, actor.name)
        uow.audit.append("step_claimed", actor.name, record.id, {"task_id": task_id, "step": item.step_id},
                         clock.now().isoformat())
        result = views.task_summary(ctx, item)
        uow.commit()
        return result


@records_refusals("release_step")
def release_step(ctx, actor, task_id: str) -> StepView:
    """Give back a claimed step: any holder of its role may take it again.

    Raises:
        NotFound: no such step, or it is outside the actor's reach.
        Conflict: the step is no longer ready, or the actor is not the one who claimed it.
        Forbidden: the actor does not hold the step's role.
    """
    with ctx.uow() as uow:
        item, record = _ready_item(ctx, uow, actor, task_id, "释放此步骤")
        if item.claimed_by != actor.name:
            raise Conflict("只有认领人可以释放该步骤")
        uow.inbox.claim(item, None)
        uow.audit.append("step_released", actor.name, record.id, {"task_id": task_id, "step": item.step_id},
                         clock.now().isoformat())
        result = views.task_summary(ctx, item)
        uow.commit()
        return result


@records_refusals("reassign_step")
def reassign_step(ctx, actor, task_id: str, username: str, reason: str) -> StepView:
    """A township administrator gives a step to another holder of its role, with a reason.

    Raises:
        InvalidData: no reason, or the user does not hold the step's role in the village.
        NotFound: no such ready step, or it is outside the actor's reach.
        Forbidden: the actor is not an administrator of the township or above.
    """
    if not (reason or "").strip():
        raise InvalidData("请填写改派原因", {"reason": "改派原因不能为空"})
    with ctx.uow() as uow:
        item = uow.inbox.get(task_id)
        if item is None or item.state != StepStatus.READY:
            raise NotFound(f"找不到待办步骤 {task_id}")
        record = visible_matter(uow, actor, item.matter_id, lock=True, acting=True,
                                not_found=f"找不到待办步骤 {task_id}")
        require_admin(uow, actor, record.township_code, "改派步骤")
        holders = {u.username for u in uow.users.holders(item.role, uow.lineage(record.village_code))}
        if username not in holders:
            raise InvalidData("不能改派给该用户", {"username": f"{username} 在本村范围内不担任该步骤的角色"})
        previous, item.claimed_by = item.claimed_by, username
        uow.audit.append("step_reassigned", actor.name, record.id, {
            "task_id": task_id, "step": item.step_id, "from": previous, "to": username, "reason": reason.strip()},
            clock.now().isoformat())
        result = views.task_summary(ctx, item)
        uow.commit()
        return result


@records_refusals("cancel_matter")
def cancel_matter(ctx, actor, matter_id: int, reason: str) -> MatterView:
    """Stop a running or failed matter, with a reason; its published records are withdrawn and
    an open incident is closed.

    Raises:
        InvalidData: no reason.
        NotFound: no such matter, or it is outside the actor's reach.
        Forbidden: the actor is not an administrator of the village or above.
        Conflict: the matter has already ended.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidData("请填写撤销原因", {"reason": "撤销原因不能为空"})
    with ctx.uow() as uow:
        record = visible_matter(uow, actor, matter_id, lock=True, acting=True)
        require_admin(uow, actor, record.village_code, "撤销事项")
        if record.status not in (MatterStatus.RUNNING, MatterStatus.ERROR):
            raise Conflict(f"事项已{matter_status_label(record.status)}，不能撤销")
        matter = load_matter(ctx, uow, record)
        matter.cancel()
        now = clock.now()
        uow.audit.append("matter_cancelled", actor.name, record.id, {"reason": reason}, now.isoformat())
        save_matter(uow, record, matter, actor, events=[], now=now, force_status=MatterStatus.CANCELLED)
        incident = uow.incidents.open_for(record.id)
        if incident is not None:                 # a failed matter given up: its incident is closed too
            incident.state, incident.resolved_by, incident.resolved_at, incident.resolution = \
                "cancelled", actor.name, now, reason
        result = views.matter(ctx, record, [], reads=matter.bundle.reads)
        uow.commit()
        return result


def get_matter(ctx, actor, matter_id: int) -> MatterDetail:
    """A matter in hand, or an archived one (supervisors and administrators: services/archives.py).

    Raises:
        NotFound: no such matter, or it is outside the actor's reach (or withheld from them).
    """
    with ctx.uow(readonly=True) as uow:
        record = readable_matter(uow, actor, matter_id)
        reads = ctx.bundles.of_version(uow, record.definition_id).reads
        if getattr(record, "archived_at", None) is not None:
            return views.matter(ctx, record, [], MatterDetail, reads=reads, attachments=tuple(
                attachment_view(a) for a in uow.archive.attachments_for(record.id)))
        return views.matter(ctx, record, uow.inbox.ready_for_matter(record.id), MatterDetail, reads=reads,
                            attachments=tuple(attachment_view(a) for a in uow.attachments.for_matter(record.id)),
                            public_objections=tuple(objections.for_matter(uow, actor, record)),
                            links=links_of(ctx, uow, actor, record))


def parameter_labels(ctx) -> dict[str, str]:
    """{parameter name: label}: a refusal names the parameter a bound comes from. Worked out once
    per context (its parameters are read once, from processes/), not at every step."""
    labels = getattr(ctx, "_parameter_labels", None)
    if labels is None or labels[0] is not ctx.parameters:
        labels = ctx._parameter_labels = (ctx.parameters, {name: p.label for name, p in ctx.parameters.items()})
    return labels[1]


def list_matters(ctx, actor, filters: dict, page: int, per_page: int,
                 after: str | None = None) -> tuple[list[MatterSummary], int]:
    """Matters in the actor's reach, newest first. Filters (all optional): process_key, village,
    township, status; created_from / created_before (timezone-aware datetimes, the second one
    exclusive); amount_min / amount_max (yuan, inclusive); overdue (true: a ready step is past its
    due time now); ids (these matters only: a to-do list shows its matters' subjects in one query);
    keyword: words in the subject or the data, a matter number (123 or #123), or a person's name
    (matters they started or did a step of). The page: `page` by number within the first
    keyset.MAX_OFFSET rows, or the one after the cursor `after`; the total (a Count) carries the
    next page's cursor (`next_cursor`, None on the last page).

    Raises:
        InvalidData: a filter of the wrong kind (a naive datetime, an amount that is not a number);
            a page past keyset.MAX_OFFSET rows by number, or a cursor that is not one of this search.
    """
    columns = _search_columns(filters)
    start = page_start(page, per_page, after)
    with ctx.uow(readonly=True) as uow:
        if columns["keyword"]:
            columns["people"] = uow.users.matching(columns["keyword"])
        scope = None if actor.is_system else uow.orgs.scope(actor.units())
        rows, total = uow.matters.search(columns, scope, start, per_page,
                                         hidden_from=None if actor.is_system else actor.name, after=after)
        return [views.matter_summary(ctx, row) for row in rows], total


def _search_columns(filters: dict) -> dict:
    """The repository's filters; InvalidData names a bound of the wrong kind (a naive datetime
    would be read as server-local time, so it is refused rather than guessed)."""
    columns = {"process_key": filters.get("process_key"), "village_code": filters.get("village"),
               "township_code": filters.get("township"), "status": filters.get("status")}
    errors = {}
    for name in ("created_from", "created_before"):
        value = filters.get(name)
        if value is not None and not (isinstance(value, datetime) and value.tzinfo is not None):
            errors[name] = "应为带时区的时间"
        columns[name] = value
    for name in ("amount_min", "amount_max"):
        value = filters.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float, Decimal))):
            errors[name] = "应为金额（元）"
        columns[name] = value
    ids = filters.get("ids")
    if ids is not None and not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        errors["ids"] = "应为事项编号列表"
    columns["ids"] = ids
    keyword = filters.get("keyword")
    if keyword is not None and (not isinstance(keyword, str) or len(keyword) > 100):
        errors["keyword"] = "关键词应为不超过 100 字的文字"
    columns["keyword"] = keyword.strip() if isinstance(keyword, str) and keyword.strip() else None
    if errors:
        raise InvalidData("查询条件有误", errors)
    columns["overdue_at"] = clock.now() if filters.get("overdue") else None
    return columns


def matter_history(ctx, actor, matter_id: int) -> list[EventView]:
    """The matter's audit events, oldest first.

    Raises:
        NotFound: no such matter, or it is outside the actor's reach.
    """
    with ctx.uow(readonly=True) as uow:
        readable_matter(uow, actor, matter_id)
        return [views.event(e) for e in uow.audit.for_matter(matter_id)]


def list_tasks(ctx, actor, role: str | None, village: str | None, page: int, per_page: int,
               after: str | None = None) -> tuple[list[InboxStep], int]:
    """The ready steps the actor may do (the system sees all), newest first: `page` by number or
    the one after the cursor `after`, as list_matters. A role or village outside the actor's reach
    gives an empty list.

    Raises:
        InvalidData: a page past keyset.MAX_OFFSET rows by number, or a cursor not of this list.
    """
    start = page_start(page, per_page, after)
    with ctx.uow(readonly=True) as uow:
        return _ready_steps(ctx, uow, actor, role, village, start, per_page, after)


def _ready_steps(ctx, uow, actor, role, village, start: int, per_page: int, after) -> tuple[list[InboxStep], int]:
    rows, total = uow.inbox.search(_reach(uow, actor), role, village, start, per_page,
                                   hidden_from=None if actor.is_system else actor.name, after=after)
    # An intake step with objections filed online stands out in the 村监委's list.
    waiting = uow.public_objections.waiting_by_task([r.task_id for r in rows if r.objection_intake])
    return [views.task_summary(ctx, row, InboxStep, public_objections_waiting=waiting.get(row.task_id, 0))
            for row in rows], total


def _reach(uow, actor) -> list | None:
    """The (roles, scope) pairs of the steps an actor may do (None: the system, all of them). One
    pair per unit the actor holds roles in: a clerk with ten roles in one village filters with one
    clause, not ten."""
    if actor.is_system:
        return None
    roles_by_unit: dict[str, set[str]] = {}
    for grant in actor.grants:
        roles_by_unit.setdefault(grant.org, set()).add(grant.role)
    return [(roles, uow.orgs.scope({unit})) for unit, roles in roles_by_unit.items()]


def to_do_page(ctx, actor, page: int, per_page: int, after: str | None = None) -> ToDoPage:
    """我的待办 as its page shows it: a page of the actor's ready steps (as list_tasks), their
    total, how many of the whole list (not only this page) are past their time limit, and the
    subjects of their matters, and the warnings waiting for the answer of a unit the actor answers for.

    Raises:
        InvalidData: a page past keyset.MAX_OFFSET rows by number, or a cursor not of this list.
    """
    start = page_start(page, per_page, after)
    with ctx.uow(readonly=True) as uow:
        steps, total = _ready_steps(ctx, uow, actor, None, None, start, per_page, after)
        overdue = uow.inbox.overdue_in_reach(_reach(uow, actor), None, None, clock.now(),
                                             hidden_from=None if actor.is_system else actor.name)
        # The steps were listed within the actor's reach, withheld matters left out: their subjects
        # need no second filter, only the one column.
        return ToDoPage(steps=tuple(steps), total=total, overdue=overdue,
                        subjects=uow.matters.subjects({s.matter_id for s in steps}),
                        warnings_to_answer=uow.warnings.awaiting_answer(actor.answering_units()))


def get_task(ctx, actor, task_id: str) -> TaskDetail:
    """A step (ready or done) with its form, its matter's data and whether the actor may act on it.

    Raises:
        NotFound: no such step, or its matter is outside the actor's reach.
    """
    with ctx.uow(readonly=True) as uow:
        item = uow.inbox.get(task_id)
        if item is None:
            raise NotFound(f"找不到步骤 {task_id}")
        record = visible_matter(uow, actor, item.matter_id, not_found=f"找不到步骤 {task_id}")
        bundle = ctx.bundles.of_version(uow, record.definition_id)
        step = bundle.step(item.process_key, item.step_id)
        known = {**record.data, **(record.params or {})}       # parameters win, as when the form is checked
        objected = objections.for_step(uow, actor, item, record)
        return views.task_summary(
            ctx, item, TaskDetail, form=tuple({**f.as_dict(), **known_bounds(f, known)} for f in step.form.fields),
            matter=views.matter_summary(ctx, record), data=record.data,
            policy_basis=step.policy_basis or bundle.info.metadata.get("policy_basis"),
            attachments=tuple(attachment_view(a) for a in uow.attachments.for_matter(record.id)),
            may_act=item.state == StepStatus.READY and actor.reaches(uow.lineage(record.village_code), item.role),
            public_objections=objected.public_objections, suggested_data=objected.suggested_data)



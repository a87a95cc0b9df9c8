"""Merging a duplicate case into the main one (并案): the duplicate's matter is closed as merged,
the main one goes on; both histories record the link, both pages show it, and the duplicate's
reporter follows the main case with their own 查询码."""
from __future__ import annotations

from ... import clock
from ...errors import Conflict, InvalidData, NotFound
from ...vocabulary import ComplaintStatus, MatterStatus
from ..access import records_refusals, require_role
from ..persistence import load_matter, save_matter
from .reads import DISCIPLINE_ROLES, visible_complaint
from . import views
from .tracking import _tell_reporter
from .views import MergedComplaint


@records_refusals("merge_complaints")
def merge_complaints(ctx, actor, complaint_id: int, into_id: int, reason: str) -> MergedComplaint:
    """Merge a duplicate case into another of the same township: the duplicate's matter ends, its
    reporter is told; both cases' histories record it.

    Raises:
        InvalidData: no reason, the same case twice, a main case not found (or outside the
            actor's reach), or cases of two townships.
        NotFound: the duplicate is outside the actor's reach.
        Forbidden: the actor is not the discipline office.
        Conflict: either case has already concluded.
    """
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise InvalidData("请填写并案理由", {"reason": "并案理由不能为空"})
    if complaint_id == into_id:
        raise InvalidData("不能并入自身", {"into": "请填写另一件诉求"})
    now = clock.now()
    with ctx.uow() as uow:
        duplicate = visible_complaint(uow, actor, complaint_id, lock=True)
        try:
            main = visible_complaint(uow, actor, into_id, lock=True)
        except NotFound:                # a mistyped main case is a field to correct, not a missing page
            raise InvalidData("找不到主件", {"into": "没有这件诉求，或它不在你的范围内"}) from None
        lineage = uow.lineage(duplicate.village_code)
        if not any(actor.reaches(lineage, role) for role in DISCIPLINE_ROLES):
            require_role(ctx, uow, actor, "TOWNSHIP_DISCIPLINE", duplicate.village_code, "并案办理")
        if main.township_code != duplicate.township_code:
            raise InvalidData("只能在同一乡镇内并案", {"into": "主件与本件不在同一乡镇"})
        for case, what in ((duplicate, "本件"), (main, "主件")):
            if ComplaintStatus(case.status).concluded or case.status == ComplaintStatus.CANCELLED or case.matter_id is None:
                raise Conflict(f"{what}{case.number or case.id}已{ComplaintStatus(case.status).label}，不能并案")
        record = uow.matters.get(duplicate.matter_id, lock=True)
        matter = load_matter(ctx, uow, record)
        matter.cancel()
        duplicate.status, duplicate.merged_into_id = ComplaintStatus.MERGED, main.id
        duplicate.closed_at, duplicate.outcome = now, f"并入{main.number}办理"
        uow.audit.append("complaint_merged", actor.name, duplicate.matter_id, {
            "complaint": duplicate.number, "into": main.number, "into_matter": main.matter_id, "reason": reason},
            now.isoformat())
        uow.audit.append("complaint_merged_in", actor.name, main.matter_id, {
            "complaint": main.number, "duplicate": duplicate.number, "duplicate_matter": duplicate.matter_id,
            "reason": reason}, now.isoformat())
        save_matter(uow, record, matter, actor, events=[], now=now, force_status=MatterStatus.CANCELLED)
        record.outcome = duplicate.outcome
        _tell_reporter(uow, duplicate, "merged", f"您反映的诉求（{duplicate.number}）与{main.number}反映的是同一问题，"
                       f"已并案办理，仍可凭查询码查询办理进度", now)
        main.changed_at = duplicate.changed_at = now
        result = views.merged(duplicate, main)
        uow.commit()
        return result

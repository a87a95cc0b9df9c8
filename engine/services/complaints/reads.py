"""Reading cases: the list in the actor's reach, one case with its history links and 督办单, and
the reporter's identity for the handling discipline office only."""
from __future__ import annotations

from ...errors import NotFound
from ...store.keyset import page_start
from ..access import visible_villages, withheld
from . import views
from .views import ComplaintDetail, ComplaintSummary, SupervisionOrderEntry

# The office that handles complaints and may know who reported one (never the unit complained about).
DISCIPLINE_ROLES = ("TOWNSHIP_DISCIPLINE", "COUNTY_DISCIPLINE")


def list_complaints(ctx, actor, filters: dict, page: int, per_page: int, after: str | None = None
                    ) -> tuple[list[ComplaintSummary], int]:
    """The cases in the actor's villages matching `filters` (village, township, status, category),
    newest first, and their count (up to the cap), with the next page's cursor: `page` by number or
    the one after the cursor `after` (as matters.list_matters). A filter outside the actor's reach,
    or a case withheld from them, gives fewer rows, never an error that would tell it exists.

    Raises:
        InvalidData: a page past keyset.MAX_OFFSET rows by number, or a cursor not of this list.
    """
    start = page_start(page, per_page, after)
    columns = {"village_code": filters.get("village"), "township_code": filters.get("township"),
               "status": filters.get("status"), "category": filters.get("category")}
    with ctx.uow(readonly=True) as uow:
        rows, total = uow.complaints.search(visible_villages(uow, actor), columns, start, per_page,
                                            hidden_from=None if actor.is_system else actor.name, after=after)
        names = _unit_names(uow, {r.village_code for r in rows})
        return [views.complaint_summary(row, names) for row in rows], total


def get_complaint(ctx, actor, complaint_id: int) -> ComplaintDetail:
    """A case with its handling, 督办单 and merges; the reporter only for the discipline offices.

    Raises:
        NotFound: the case is outside the actor's reach, or about the actor.
    """
    with ctx.uow(readonly=True) as uow:
        complaint = visible_complaint(uow, actor, complaint_id)
        names = _unit_names(uow, {complaint.village_code})
        main = uow.complaints.get(complaint.merged_into_id) if complaint.merged_into_id else None
        reporter = uow.complaints.reporter(complaint.id) if may_see_reporter(uow, actor, complaint) else None
        return views.complaint_detail(
            complaint, names, created_by_name=_display_name(uow, complaint.created_by), main=main,
            merged=uow.complaints.merged_into(complaint.id), orders=uow.complaints.supervisions(complaint.id),
            reporter_visible=may_see_reporter(uow, actor, complaint), reporter_row=reporter)


def list_supervisions(ctx, actor) -> list[SupervisionOrderEntry]:
    """The newest 督办单 in the actor's reach (a page of the discipline offices). Raises nothing:
    orders on a case withheld from the actor are left out."""
    with ctx.uow(readonly=True) as uow:
        hidden = None if actor.is_system else actor.name
        rows = uow.complaints.supervisions_in(visible_villages(uow, actor))
        names = _unit_names(uow, {complaint.village_code for _, complaint in rows})
        return [views.supervision_order(order, SupervisionOrderEntry, complaint=views.complaint_summary(complaint, names))
                for order, complaint in rows
                if not (hidden and complaint.matter_id and uow.exclusions.excludes(complaint.matter_id, hidden))]


def visible_complaint(uow, actor, complaint_id: int, lock: bool = False):
    complaint = uow.complaints.get(complaint_id, lock=lock) if isinstance(complaint_id, int) else None
    if complaint is None or not actor.reaches(uow.lineage(complaint.village_code)) or \
            (complaint.matter_id is not None and withheld(uow, actor, complaint.matter_id)):
        raise NotFound(f"找不到诉求 {complaint_id}")
    return complaint


def may_see_reporter(uow, actor, complaint) -> bool:
    lineage = uow.lineage(complaint.village_code)
    return any(actor.reaches(lineage, role) for role in DISCIPLINE_ROLES) and not actor.is_system


def _display_name(uow, username: str) -> str:
    """Who entered a case, as people call them (the portal's own, the worker's, a user's name)."""
    if username == "public":
        return "群众在公开平台自行提交"
    user = uow.users.by_name(username)
    return user.display_name if user else username


def _unit_names(uow, codes: set[str]) -> dict:
    units = {code: uow.orgs.get(code) for code in codes}
    return {code: unit.name if unit else code for code, unit in units.items()}

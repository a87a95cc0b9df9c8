"""Archiving (归档): matters closed long ago leave the hot tables, and stay readable.

`archive_closed_matters` moves completed and cancelled matters that ended before a date, with
their to-do rows and evidence links, into the archive tables (store/operations_models.py), a batch
per unit of work, each batch recorded in the audit chain. The hot tables, which every list, inbox
and timer query reads, then hold only what is in hand and what closed recently.

What stays: the audit events (the chain is one sequence: `audit verify` covers archived matters as
before, and their history reads the same events), the attachment bytes (content-addressed, maybe
shared), and the incidents. Supervisors and administrators read an archived matter, its history,
flowchart, attachments and dossier as before; clerks no longer see it.
"""
from __future__ import annotations

from datetime import datetime

from .. import clock
from ..errors import Forbidden, InvalidData, NotFound
from ..identity import ADMIN_ROLES, SUPERVISOR_ROLES
from .operations_views import ArchiveTotals

BATCH = 200


def archive_closed_matters(ctx, actor, before: datetime, batch: int = BATCH, progress=None) -> ArchiveTotals:
    """Move every matter that ended (completed or cancelled) before `before`; the numbers moved.

    Raises:
        InvalidData: `before` is not a timezone-aware time, or is in the future.
        Forbidden: only the system (the command line at the server) archives.
    """
    if not actor.is_system:
        raise Forbidden("只能在服务器上用 xiaowei archive 归档")
    if not isinstance(before, datetime) or before.tzinfo is None or before > clock.now():
        raise InvalidData("归档日期有误", {"before": "应为带时区的、已过去的时间"})
    totals = {"instances": 0, "inbox": 0, "attachments": 0, "batches": 0}
    while True:
        with ctx.uow() as uow:
            ids = uow.archive.closed_before(before, batch)
            if not ids:
                break
            now = clock.now()
            moved = uow.archive.move(ids, actor.name, now)
            uow.audit.append("matters_archived", actor.name, None, {
                "before": before.isoformat(), "matter_ids": ids, **moved}, now.isoformat())
            uow.commit()
        for key, count in moved.items():
            totals[key] += count
        totals["batches"] += 1
        if progress:
            progress(ArchiveTotals(**totals))
    return ArchiveTotals(**totals)


def archived_record(uow, actor, matter_id: int):
    """An archived matter for a supervisor or an administrator whose grants reach its village.

    Raises:
        NotFound: not archived, or not for this actor (a clerk: archived matters are the
            supervisors' records now).
    """
    record = uow.archive.get(matter_id)
    if record is None:
        raise NotFound(f"找不到事项 {matter_id}")
    lineage = uow.lineage(record.village_code)
    # Whoever the matter was withheld from (the cadre a complaint is about) stays out once archived.
    withheld = not actor.is_system and uow.exclusions.excludes(matter_id, actor.name)
    if actor.is_system or (not withheld and any(g.org in lineage and g.role in SUPERVISOR_ROLES + ADMIN_ROLES
                                                for g in actor.grants)):
        return record
    raise NotFound(f"找不到事项 {matter_id}")

"""Verifying the audit chain, from its last checkpoint or from its first event.

A request verifies what came after the checkpoint (engine/store/models.AuditCheckpoint): its cost
is the events since, never the millions before (issue 17: ~55 µs an event, 13 minutes at 15
million, past any request's time limit). The timer worker moves the checkpoint on after each pass
(`advance_checkpoint`, the new events only); `xiaowei audit verify` recomputes the whole chain
(from a systemd timer or cron, nightly) and records when. The daily anchors the portal publishes
are checked every time: a history rewritten before the checkpoint differs from them."""
from __future__ import annotations

from .. import clock
from ..audit import GENESIS, verify_events
from ..errors import Forbidden
from ..identity import ADMIN_ROLES, SUPERVISOR_ROLES
from .anchors import check_anchors
from .operations_views import ChainCheck


def verify_chain(ctx, actor, full: bool = False) -> ChainCheck:
    """Supervisors (村监委, 乡镇纪委, 县纪委) and administrators may verify the chain: from the
    checkpoint, or with `full` (the system only: the command line) from the first event.

    Raises:
        Forbidden: neither a supervisor nor an administrator; or `full` asked by a person.
    """
    if not actor.is_system and not any(g.role in SUPERVISOR_ROLES + ADMIN_ROLES for g in actor.grants):
        raise Forbidden("只有监督人员和管理员可以校验审计链")
    if full and not actor.is_system:
        raise Forbidden("全链重算只在服务器上运行（xiaowei audit verify）")
    with ctx.uow(readonly=True) as uow:
        report, _ = _verify(uow, full)
        return report


def advance_checkpoint(ctx, actor, full: bool = False) -> ChainCheck:
    """Verify the events since the checkpoint (all of them with `full`) and, if the chain holds,
    move the checkpoint to its head. The system only (the timer worker, the command line).

    Raises:
        Forbidden: not the system.
    """
    if not actor.is_system:
        raise Forbidden("只有系统可以推进审计链校验点")
    with ctx.uow() as uow:
        report, head = _verify(uow, full)
        if report.ok and head is not None and (full or head.seq != report.from_seq):
            uow.audit.set_checkpoint(head.seq, head.hash, clock.now(), full or report.from_seq == 0)
            uow.commit()
        return report


def _verify(uow, full: bool) -> tuple[ChainCheck, object]:
    head = uow.audit.head()
    checkpoint = None if full else uow.audit.checkpoint()
    start = (checkpoint.seq, checkpoint.hash) if checkpoint is not None else (0, GENESIS)
    checkpointed = uow.anchors.chain_event(start[0]) if start[0] else None
    if start[0] and (checkpointed is None or checkpointed.hash != start[1]):
        report = {"ok": False, "events": start[0], "last_hash": start[1], "broken_seq": start[0],
                  "problem": f"第 {start[0]} 号事件与校验点不符：校验点之前的记录被改动或删除"}
    else:
        report = verify_events(uow.audit.all_in_order(after=start[0]), head.seq if head else 0,
                               head.hash if head else None, start=start).as_dict()
    report["from_seq"] = start[0]
    report["checkpoint_at"] = checkpoint.verified_at if checkpoint is not None else None
    report["full_at"] = checkpoint.full_at if checkpoint is not None else None
    # The published daily anchors too: a chain recomputed after an anchor went out differs there.
    broken = check_anchors(uow) if report["ok"] else None
    if broken is not None:
        report.update(ok=False, broken_seq=broken.seq, problem=broken.problem)
    report["anchors"] = len(uow.anchors.newest_first())
    return ChainCheck(**report), head

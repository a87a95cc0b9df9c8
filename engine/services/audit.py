"""Verifying the audit chain."""
from __future__ import annotations

from ..audit import verify_events
from ..errors import Forbidden
from ..identity import ADMIN_ROLES, SUPERVISOR_ROLES
from .anchors import check_anchors


def verify_chain(ctx, actor) -> dict:
    """Supervisors (村监委, 乡镇纪委, 县纪委) and administrators may verify the chain."""
    if not actor.is_system and not any(g.role in SUPERVISOR_ROLES + ADMIN_ROLES for g in actor.grants):
        raise Forbidden("只有监督人员和管理员可以校验审计链")
    with ctx.uow(readonly=True) as uow:
        head = uow.audit.head()
        report = verify_events(uow.audit.all_in_order(), head.seq if head else 0,
                               head.hash if head else None).as_dict()
        # The published daily anchors too: a chain recomputed after an anchor went out differs there.
        broken = check_anchors(uow) if report["ok"] else None
        if broken is not None:
            report.update(ok=False, broken_seq=broken["seq"], problem=broken["problem"])
        report["anchors"] = len(uow.anchors.newest_first())
        return report

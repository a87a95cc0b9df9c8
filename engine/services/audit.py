"""Verifying the audit chain."""
from __future__ import annotations

from ..audit import verify_events


def verify_chain(ctx, actor) -> dict:
    with ctx.uow() as uow:
        head = uow.audit.head()
        report = verify_events(uow.audit.all_in_order(), head.seq if head else 0,
                               head.hash if head else None)
        return report.as_dict()

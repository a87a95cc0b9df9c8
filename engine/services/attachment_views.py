"""Frozen views of evidence files: what engine/services/attachments.py's entry points answer (issue 18,
item 4: typed boundaries).

A module of its own, next to the service: an upload and a download answer the file's record (the
bytes of a download travel beside it, as the file itself). A matter's page, a step's page and a
dossier list the files a matter cites as the same views (views.MatterDetail, views.TaskDetail,
dossiers.Dossier).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """An evidence file: its name and kind, its sha256 (the bytes are stored by it), who uploaded it
    when, and the matter that cites it (None: not cited yet)."""
    id: str
    sha256: str
    name: str
    size: int
    content_type: str
    uploaded_by: str
    uploaded_at: datetime
    matter_id: int | None


def attachment(row) -> AttachmentView:
    return AttachmentView(id=row.id, sha256=row.sha256, name=row.name, size=row.size, content_type=row.content_type,
                          uploaded_by=row.uploaded_by, uploaded_at=row.uploaded_at, matter_id=row.matter_id)

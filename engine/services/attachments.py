"""Evidence files: upload, download, and the check that a form cites files that exist."""
from __future__ import annotations

import hashlib
import uuid

from .. import clock
from ..attachments import clean_name, content_type_of
from ..errors import InvalidData, NotFound
from . import attachment_views
from .access import readable_matter
from .attachment_views import AttachmentView


def upload_attachment(ctx, actor, name: str, data: bytes) -> AttachmentView:
    """Store one evidence file, to be cited by a form later (API clients upload first).

    Raises:
        InvalidData: an empty file, one over the size limit, or of a kind not accepted.
    """
    with ctx.uow() as uow:
        row = _store(ctx, uow, actor, name, data)
        result = attachment_views.attachment(row)
        uow.commit()
        return result


def store_uploads(ctx, uow, actor, uploads: dict, labels: dict) -> dict[str, list[str]]:
    """Files submitted with a form, stored in the caller's unit of work (so they exist only if the
    step they belong to is completed): field name -> new attachment ids. InvalidData names every
    file refused, by field."""
    stored, errors = {}, {}
    for field, files in uploads.items():
        for name, data in files:
            try:
                stored.setdefault(field, []).append(_store(ctx, uow, actor, name, data).id)
            except InvalidData as exc:
                problem = next(iter(exc.errors.values()), exc.message)
                errors[field] = f"{labels.get(field, field)}：{name}：{problem}"
    if errors:
        raise InvalidData("表单数据有误，请按提示修改", errors)
    return stored


def _store(ctx, uow, actor, name: str, data: bytes):
    name = clean_name(name)
    content_type = content_type_of(name, data, ctx.settings.max_attachment_bytes)
    sha = hashlib.sha256(data).hexdigest()
    now = clock.now()
    row = uow.attachments.add(
        data, id=uuid.uuid4().hex, sha256=sha, name=name, size=len(data), content_type=content_type,
        uploaded_by=actor.name, uploaded_at=now)
    uow.audit.append("attachment_uploaded", actor.name, None,
                     {"id": row.id, "sha256": sha, "name": name, "size": len(data)}, now.isoformat())
    return row


def download_attachment(ctx, actor, attachment_id: str) -> tuple[AttachmentView, bytes]:
    """A file and its bytes: a file of a matter the actor may read, or the actor's own not yet cited.

    Raises:
        NotFound: no such file, or one the actor may not read (the refusal names the file).
    """
    with ctx.uow(readonly=True) as uow:
        row = uow.attachments.get(attachment_id) or uow.archive.attachment(attachment_id)
        if row is None or (row.matter_id is None and row.uploaded_by != actor.name and not actor.is_system):
            raise NotFound(f"找不到附件 {attachment_id}")
        if row.matter_id is not None:
            readable_matter(uow, actor, row.matter_id, not_found=f"找不到附件 {attachment_id}")
        return attachment_views.attachment(row), uow.attachments.content(row.sha256)


def link_cited_files(uow, actor, form, data: dict, matter_id: int) -> None:
    """Every attachment id a form's file fields cite must be citable by the actor here: a file
    this matter already cites, or the actor's own file that no matter cites yet. The ones cited
    are linked to this matter. InvalidData names the field otherwise, with one message whether
    the id is unknown, someone else's or used by another matter: the refusal must not tell an
    outsider that an id exists, or that it is evidence in some other matter."""
    errors = {}
    for field in form.fields:
        cited = data.get(field.name)
        if field.type != "file" or not cited:
            continue
        for attachment_id in [cited] if isinstance(cited, str) else cited if isinstance(cited, list) else []:
            row = uow.attachments.get(attachment_id) if isinstance(attachment_id, str) else None
            if row is not None and _citable(row, actor, matter_id):
                row.matter_id = matter_id
            else:
                errors[field.name] = f"{field.label}：附件 {attachment_id} 不存在，请先上传"
    if errors:
        raise InvalidData("表单数据有误，请按提示修改", errors)


def _citable(row, actor, matter_id: int) -> bool:
    if row.matter_id is None:
        return row.uploaded_by == actor.name or actor.is_system
    return row.matter_id == matter_id

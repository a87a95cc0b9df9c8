"""A closed matter's dossier (事项档案): everything the PDF and the attachments zip are made of.

Read in one read-only unit of work: the matter (in hand or archived), its definition version, every
audit event of it with its chain hash, its attachments with their sha256 (and, for the zip, their
bytes), the chain's head at the moment of export, and its flowchart states. Drawing the PDF is the
web layer's and render/'s job: the engine imports no PDF library.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .. import clock
from ..errors import Conflict
from ..vocabulary import MatterStatus
from . import views
from .access import readable_matter
from .attachment_views import AttachmentView
from .attachment_views import attachment as attachment_view
from .persistence import load_matter
from .views import EventView, MatterView


@dataclass(frozen=True, slots=True)
class DossierItem:
    """The item a dossier's matter ran, as of its own version."""
    name: str
    list_code: str | None
    policy_basis: str | None
    bundle_sha256: str


@dataclass(frozen=True, slots=True)
class ChainHead:
    """The audit chain's last event when the dossier was exported (seq 0, hash None: an empty chain)."""
    seq: int
    hash: str | None


@dataclass(frozen=True, slots=True)
class Dossier:
    """What a closed matter's dossier is made of."""
    matter: MatterView
    item: DossierItem
    units: dict[str, str]             # {village and township code: name}
    events: tuple[EventView, ...]     # every audit event of the matter, oldest first
    people: dict[str, str]            # {login name: display name} of everyone the dossier names
    attachments: tuple[AttachmentView, ...]
    contents: dict[str, bytes]        # {sha256: bytes} of the attachments (only when asked for the files)
    fields: dict[str, dict]           # every form field of the version, by name
    chain_head: ChainHead
    exported_at: datetime
    exported_by: str
    bpmn: bytes                       # the version's BPMN file
    states: dict                      # {element id: its state} for the flowchart


def matter_dossier(ctx, actor, matter_id: int, with_files: bool = False) -> Dossier:
    """The dossier of a completed or cancelled matter the actor may read.

    Raises:
        NotFound: no such matter in the actor's reach (archived ones: supervisors and administrators).
        Conflict: the matter is not closed yet (a dossier is a closed matter's record).
    """
    with ctx.uow(readonly=True) as uow:
        record = readable_matter(uow, actor, matter_id)
        if record.status not in (MatterStatus.COMPLETED, MatterStatus.CANCELLED):
            raise Conflict("事项尚未办结（或已撤销），不能导出档案")
        archived = getattr(record, "archived_at", None) is not None
        files = uow.archive.attachments_for(record.id) if archived else uow.attachments.for_matter(record.id)
        version = uow.definitions.get(record.definition_id)
        bundle = ctx.bundles.get(version)
        head = uow.audit.head()
        units = {code: uow.orgs.get(code) for code in (record.village_code, record.township_code)}
        events = tuple(views.event(e) for e in uow.audit.for_matter(record.id))
        return Dossier(
            matter=views.matter(ctx, record, [], reads=None),      # every parameter: the flowchart's telephones
            item=DossierItem(name=version.name, list_code=version.info.get("list_code"),
                             policy_basis=version.info.get("policy_basis"), bundle_sha256=version.bundle_sha256),
            units={code: unit.name if unit else code for code, unit in units.items()},
            events=events,
            people=uow.users.display_names({e.actor for e in events} | {record.created_by, actor.name}),
            attachments=tuple(attachment_view(a) for a in files),
            contents={a.sha256: uow.attachments.content(a.sha256) for a in files} if with_files else {},
            fields=_fields(bundle),
            chain_head=ChainHead(seq=head.seq if head else 0, hash=head.hash if head else None),
            exported_at=clock.now(), exported_by=actor.name,
            bpmn=version.files[version.info["file"]].encode("utf-8"),
            states=load_matter(ctx, uow, record).element_states())


def _fields(bundle) -> dict:
    """Every form field of the matter's own version, by name (labels, types, options)."""
    found = {}
    for info in bundle.processes.values():
        for form in [info.start_form, *(step.form for step in info.steps.values())]:
            for field in form.fields:
                found.setdefault(field.name, field.as_dict())
    return found

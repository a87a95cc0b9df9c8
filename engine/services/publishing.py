"""Publishing: the records a matter's action publishes, written in the unit of work of that action.

`save_matter` calls `publish_after_action` after every action on a matter (a step completed, a
timer fired, a cancellation). A completed step, or an end event reached, that carries publicity
points (engine/disclosure.py) becomes one published record each: the fields masked and in words,
the documents listed as public, an audit event `record_published` whose payload holds the
record's content hash, and the event's sequence number and hash on the record. So the action and
what it published commit together or not at all, and the chain vouches for every record.

Afterwards the matter's publicity periods are brought up to date on its records (which notice is
in its objection period, until when), a cancelled matter's records are withdrawn, and objections
filed online during a period are marked registered once its intake step is completed.
"""
from __future__ import annotations

from ..disclosure import content_hash, content_of, disclose  # noqa: F401 - content_of re-exported
from ..masking import scrub_text
from ..vocabulary import MatterStatus
from . import tallies


def publish_after_action(uow, record, matter, actor, now, completed=None, ready=()) -> None:
    """`completed`: the inbox row of the step just completed, if the action completed one;
    `ready`: the matter's ready steps after the action."""
    # No record of this item can exist to keep in step, or a test run (试运行) that is never public.
    if matter.bundle.publishes and not record.sandbox:
        _records_after_action(uow, record, matter, actor, now, completed, ready)
    if completed is not None and completed.objection_intake:
        uow.public_objections.register(completed.task_id, actor.name, now)


def _records_after_action(uow, record, matter, actor, now, completed, ready) -> None:
    points = _points(matter, completed)
    if points:
        place = _place(uow, record)
        first = not uow.publications.shows(record.id)
        for process_key, publication, task_id, role in points:
            _publish(uow, record, matter.bundle, process_key, publication, task_id, role, actor, now, place)
        if first:
            tallies.records_shown(uow, record, +1)
    if record.status == MatterStatus.CANCELLED:
        withdrawn = uow.publications.withdraw_matter(record.id, now)
        if withdrawn:
            tallies.records_shown(uow, record, -1)
            uow.audit.append("records_withdrawn", actor.name, record.id, {"records": withdrawn}, now.isoformat())
    else:
        _sync_publicity(uow, record, matter, ready, now)


def _points(matter, completed) -> list[tuple]:
    """(declaring process, publication, task id, role) for what this action published."""
    bundle, points = matter.bundle, []
    if completed is not None:
        step = bundle.step(completed.process_key, completed.step_id)
        points += [(step.process_key, p, completed.task_id, completed.role) for p in step.publications]
    for spec_name, end_id in matter.ends_reached:
        info = bundle.processes.get(spec_name) or next(
            (p for p in bundle.processes.values() if spec_name in p.embedded), None)
        if info is not None:
            points += [(info.key, p, None, None) for p in info.end_publications.get(end_id, ())]
    return points


def _place(uow, record) -> dict:
    village, township = uow.orgs.get(record.village_code), uow.orgs.get(record.township_code)
    return {"village": village.name if village else "", "township": township.name if township else ""}


def _section(bundle, process_key: str, publication) -> str:
    """A called process's records go where the calling item's call activity files them, if it says."""
    if process_key != bundle.key:
        for info in bundle.processes.values():
            if process_key in info.called_sections:
                return info.called_sections[process_key]
    return publication.section


def _publish(uow, record, bundle, process_key, publication, task_id, role, actor, now, place) -> None:
    content = disclose(publication, record.data, place)
    row = uow.publications.new(
        matter_id=record.id, village_code=record.village_code, township_code=record.township_code,
        process_key=bundle.key, item_name=bundle.info.name, source_process=process_key,
        element=publication.element, task_id=task_id, role=role, section=_section(bundle, process_key, publication),
        stage=publication.stage, title=publication.title, subject=(content["subject"] or "")[:500] or None,
        fields=content["fields"], documents=_documents(uow, record.id, content["documents"]), published_at=now,
        audit_seq=0, audit_hash="", content_sha256="", publicity_step=publication.publicity_step, changed_at=now)
    row.content_sha256 = content_hash(row)
    uow.publications.add(row)
    event = uow.audit.append("record_published", actor.name, record.id, {
        "record_id": row.id, "section": row.section, "stage": row.stage, "title": row.title,
        "element": row.element, "process": process_key, "content_sha256": row.content_sha256}, now.isoformat())
    row.audit_seq, row.audit_hash = event.seq, event.hash


def _documents(uow, matter_id: int, ids: list[str]) -> list[dict]:
    """The files a record lists as public: only this matter's (an id cited from elsewhere is not
    published), with their names scrubbed like any published text."""
    found = []
    for attachment_id in ids:
        row = uow.attachments.get(attachment_id)
        if row is not None and row.matter_id == matter_id:
            found.append({"id": row.id, "name": scrub_text(row.name), "size": row.size,
                          "content_type": row.content_type, "sha256": row.sha256})
    return found


def _sync_publicity(uow, record, matter, ready, now) -> None:
    """Each publicity period in force is shown on the latest record that opened it: set while
    its objection intake is ready (with the period's end), cleared once it is not."""
    periods = {(r.step.process_key, r.step.id): r.task_id for r in ready if r.step.objection_intake}
    rows = uow.publications.with_publicity(record.id)
    latest = {(row.source_process, row.publicity_step): row for row in rows}
    for row in rows:
        key = (row.source_process, row.publicity_step)
        task_id = periods.get(key) if latest[key] is row else None
        if row.publicity_task_id != task_id:
            row.publicity_task_id, row.publicity_held_at = task_id, None
            if task_id is not None:
                row.publicity_ends_at = matter.publicity_due(task_id)
            row.changed_at = now

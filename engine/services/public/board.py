"""The notice board (一栏), its verification codes and the public audit anchors.

One function builds a board's entries, `board`, and both the printed sheets (render/board.py,
through the CLI and the clerk's page) and the portal's online board (/public/<village>/board/
<period>) show what it returns: the same records, in the same places, with the same codes.

An entry's verification code is the start of its content hash (engine/disclosure.py), and
`verify` answers for a code: is the online record still what was printed? It recomputes the
record's hash from what the table holds now, and checks the `record_published` event of the audit
chain that vouched for it (the event's own hash, and the content hash in its payload). An UPDATE
made behind the system's back changes the content, so the code no longer matches; a record
withdrawn or published anew is told with when it happened.
"""
from __future__ import annotations

from ...audit import canonical, event_hash
from ...disclosure import SECTIONS, content_hash, content_text, parse_code, verify_code
from ...errors import InvalidData
from ...masking import scrub_text
from ... import clock
from ...noticeboard import PARTS, arrange, load_catalogue, parse_period, period_of
from .catalogue import place_of
from .views import (Anchors, AuditEventText, Board, BoardGroup, BoardPart, BoardPeriod, LaterRecord, Place,
                    Verification, VerifiedRecord, anchor_view, board_entry, record_view)

STATUS_NAMES = {
    "current": "一致：打印内容与线上记录相同",
    "superseded": "一致，但已有更新：该公开事项此后重新公开过，请以最新公开为准",
    "withdrawn": "一致，但已撤回：该事项已撤销，线上不再公开",
    "altered": "不一致：线上记录与打印内容不同，记录在正常办理流程之外被改动",
    "unknown": "查无此码：没有与该核验码对应的公开记录",
}
TELEPHONES = ("supervision_phone", "complaint_phone")


def board(ctx, village: str, period_text: str) -> Board:
    """A village's board for a period (2026-11 or 2026-Q4): its parts (党务, 村务, 财务), each with
    groups by timing and heading, each entry a published record with its code."""
    period = parse_period(period_text)
    catalogue = load_catalogue(ctx.processes_dir)
    with ctx.portal_uow(readonly=True) as uow:
        place = place_of(uow, village)
        in_period = [r for r in uow.records.published_between(village, period.start, period.end)
                     if catalogue.place(r.process_key, r.section).timing != "fixed"]
        fixed = _in_force(uow.records.of_items_before(village, catalogue.fixed_items(), period.end))
        entries = [board_entry(ctx, r) for r in sorted(fixed, key=lambda r: r.id) + in_period]
        anchor = anchor_view(uow.anchors.latest())
        phones = _telephones(ctx, uow, place)
    parts = tuple(BoardPart(key=part["key"], name=part["name"], groups=tuple(
        BoardGroup(timing=g["timing"], timing_name=g["timing_name"], heading=g["heading"], entries=tuple(g["entries"]))
        for g in part["groups"])) for part in arrange(entries, catalogue))
    entries = tuple(e for part in parts for group in part.groups for e in group.entries)     # in the board's order
    return Board(village=place, period=BoardPeriod(code=period.code, name=period.name, start=period.start, end=period.end),
                 parts=parts, entries=entries, count=len(entries), telephones=phones, anchor=anchor, part_names=PARTS)


def current_period() -> str:
    return period_of(clock.now())


def periods(ctx, village: str) -> list[str]:
    """The months a village's board has something for, newest first: from its first record to now."""
    with ctx.portal_uow(readonly=True) as uow:
        place_of(uow, village)
        first, _ = uow.records.published_span(village)
    now = period_of(clock.now())
    if first is None:
        return [now]
    year, month = map(int, period_of(first).split("-"))
    found = []
    while f"{year}-{month:02d}" <= now and len(found) < 240:
        found.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found[::-1]


def verify(ctx, code_text: str) -> Verification:
    """Whether a printed entry (its code) is the online record, and when either changed."""
    code = parse_code(code_text)
    if code is None:
        raise InvalidData("核验码格式不对", {"code": "核验码是 12 位数字和字母 a-f，如 3f9a-c21b-07d4"})
    shown = verify_code(code + "0" * 52)
    with ctx.portal_uow(readonly=True) as uow:
        rows = uow.records.by_code(code)
        if not rows:
            return Verification(code=shown, status="unknown", status_name=STATUS_NAMES["unknown"], ok=False)
        row = rows[0]
        place = place_of(uow, row.village_code)
        actual = content_hash(row)
        event = uow.anchors.record_event(row.audit_seq)
        chain_ok = _event_vouches(event, row, actual)
        later = uow.records.later_of(row)
        anchor = uow.anchors.covering(row.audit_seq)
        status = ("altered" if not (actual.startswith(code) and actual == row.content_sha256 and chain_ok)
                  else "withdrawn" if row.withdrawn_at else "superseded" if later is not None else "current")
        # A withdrawn record (its matter cancelled) is no longer published: the answer says that the
        # printed entry was genuine and when it was withdrawn, never again what it said.
        shown_now = row.withdrawn_at is None
        return VerifiedRecord(
            code=shown, status=status, status_name=STATUS_NAMES[status], ok=status != "altered",
            village=place, record=record_view(ctx, row) if shown_now else None, section=row.section,
            section_name=SECTIONS.get(row.section, row.section),
            published_at=row.published_at, changed_at=row.changed_at, withdrawn_at=row.withdrawn_at,
            content_sha256=actual, recorded_sha256=row.content_sha256,
            content=content_text(row) if actual == row.content_sha256 and shown_now else None,
            event=_event_view(event, shown_now), chain_ok=chain_ok, anchor=anchor_view(anchor),
            later=LaterRecord(code=verify_code(later.content_sha256), published_at=later.published_at,
                              record_id=later.id) if later is not None else None)


def anchors(ctx, limit: int = 400) -> Anchors:
    """The published daily anchors of the audit chain, newest first."""
    with ctx.portal_uow(readonly=True) as uow:
        rows = uow.anchors.newest_first(limit)
        return Anchors(anchors=tuple(anchor_view(a) for a in rows))


def anchors_version(ctx) -> str:
    with ctx.portal_uow(readonly=True) as uow:
        count, last = uow.anchors.version()
        return f"{count}.{last.isoformat() if last else ''}"


def _in_force(rows) -> list:
    """Of a fixed item's records (oldest first), those of the matter published last: a standard
    replaced by a newer one is no longer on the board."""
    newest = {row.process_key: row.matter_id for row in rows}
    return [r for r in rows if newest[r.process_key] == r.matter_id]


def _event_vouches(event, row, actual: str) -> bool:
    if event is None or event.hash != row.audit_hash:
        return False
    payload = event.payload or {}
    recomputed = event_hash(event.seq, event.at, event.event, event.actor, event.matter_id, payload, event.prev_hash)
    return recomputed == event.hash and payload.get("content_sha256") == actual and payload.get("record_id") == row.id


def _event_view(event, with_text: bool = True) -> AuditEventText | None:
    """The record's audit event, with its canonical text for `sha256sum` (the text is withheld if
    an account name in it would publish a personal number: the scrub would change it, and for a
    withdrawn record, whose content it carries)."""
    if event is None:
        return None
    text = canonical({"seq": event.seq, "at": event.at, "event": event.event, "actor": event.actor,
                      "instance_id": event.matter_id, "payload": event.payload, "prev": event.prev_hash})
    return AuditEventText(seq=event.seq, at=event.at, hash=event.hash, prev=event.prev_hash,
                          text=text if with_text and scrub_text(text) == text else None)


def _telephones(ctx, uow, place: Place) -> dict:
    values = {name: p.value for name, p in ctx.parameters.items() if name in TELEPHONES}
    if place.township:
        values.update({k: v for k, v in uow.parameters.overrides(place.township.code).items() if k in TELEPHONES})
    return values

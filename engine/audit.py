"""The hash chain of audit events: how a link's hash is computed and how a chain is verified.

Each event's hash covers its sequence number, time, type, actor, matter, payload and the previous
event's hash, as canonical JSON. Editing, deleting or reordering any stored event breaks every
later link, and `verify_events` names the first one that no longer fits.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_hash(seq: int, at: str, event: str, actor: str, matter_id, payload: dict, prev_hash: str) -> str:
    return event_hash_and_payload(seq, at, event, actor, matter_id, payload, prev_hash)[0]


def event_hash_and_payload(seq: int, at: str, event: str, actor: str, matter_id, payload: dict,
                           prev_hash: str) -> tuple[str, str]:
    """The event's hash, and its payload as the canonical JSON text the hash covers: the text the
    payload column stores, so an appended event's payload is encoded once, not again for the column."""
    # "instance_id" is the key every stored link was hashed with: renaming it would break them all.
    body = canonical({"seq": seq, "at": at, "event": event, "actor": actor,
                      "instance_id": matter_id, "payload": payload, "prev": prev_hash})
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    # Keys sorted: the payload is the value after the top-level "payload" key (no earlier value can
    # hold that text unescaped: they are plain values, quotes escaped) and before the fixed tail.
    head, tail = '"payload":', f',"prev":"{prev_hash}","seq":{seq}}}'
    start = body.find(head)
    if start < 0 or not body.endswith(tail):            # cannot happen; the plain way if it does
        return digest, canonical(payload)
    return digest, body[start + len(head):len(body) - len(tail)]


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    last_hash: str
    broken_seq: int | None = None
    problem: str | None = None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "events": self.events, "last_hash": self.last_hash,
                "broken_seq": self.broken_seq, "problem": self.problem}


def verify_events(events, head_seq: int | None = None, head_hash: str | None = None,
                  start: tuple[int, str] = (0, GENESIS)) -> ChainReport:
    """Recompute a chain from events in sequence order (any objects with the event attributes),
    from its beginning or, with `start` (seq, hash), from the events after an already verified
    link; `events` then begins after it and the counts include the links before it."""
    (expected_seq, prev), count = (start[0] + 1, start[1]), start[0]
    for e in events:
        if e.seq != expected_seq:
            return ChainReport(False, count, prev, expected_seq, f"缺少第 {expected_seq} 号事件（下一条是第 {e.seq} 号）")
        if e.prev_hash != prev:
            return ChainReport(False, count, prev, e.seq, "前一事件哈希不符：之前的记录被改动或删除")
        if event_hash(e.seq, e.at, e.event, e.actor, e.matter_id, e.payload, e.prev_hash) != e.hash:
            return ChainReport(False, count, prev, e.seq, "事件内容与其哈希不符：该记录被改动")
        prev, expected_seq, count = e.hash, expected_seq + 1, count + 1
    if head_seq is not None and (head_seq != count or head_hash != prev):
        return ChainReport(False, count, prev, count + 1, "链尾记录与事件不符：末尾的事件被删除")
    return ChainReport(True, count, prev)

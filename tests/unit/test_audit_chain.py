import hashlib
import json
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from engine.audit import GENESIS, canonical, event_hash, event_hash_and_payload, verify_events
from engine.store.repositories import AppendedEvent


Event = AppendedEvent          # an event as the store appends it (its columns)


def chain(n: int) -> list[Event]:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        at, payload = f"2026-03-02T09:00:{seq:02d}+00:00", {"step": f"s{seq}", "数额": seq * 1.5}
        h = event_hash(seq, at, "step_completed", "clerk", 1, payload, prev)
        events.append(Event(seq, at, "step_completed", "clerk", 1, payload, prev, h))
        prev = h
    return events


def test_an_intact_chain_verifies():
    events = chain(5)
    report = verify_events(events, 5, events[-1].hash)
    assert report.ok and report.events == 5 and report.last_hash == events[-1].hash


def test_an_edited_payload_is_found():
    events = chain(5)
    events[2] = replace(events[2], payload={"step": "forged"})
    report = verify_events(events)
    assert not report.ok and report.broken_seq == 3 and "改动" in report.problem


def test_a_rehashed_edit_breaks_the_next_link():
    events = chain(5)
    forged = replace(events[2], actor="mallory")
    events[2] = replace(forged, hash=event_hash(3, forged.at, forged.event, "mallory", 1, forged.payload, forged.prev_hash))
    report = verify_events(events)
    assert not report.ok and report.broken_seq == 4


def test_a_deleted_event_is_found():
    events = chain(5)
    del events[1]
    assert verify_events(events).broken_seq == 2


def test_a_deleted_tail_is_found_from_the_head():
    events = chain(5)
    report = verify_events(events[:4], 5, events[-1].hash)
    assert not report.ok and report.broken_seq == 5


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                           | st.text(), lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=12)


@given(payload=st.dictionaries(st.text(), JSON_VALUES, max_size=5), actor=st.text(), seq=st.integers(1, 10**9),
       matter_id=st.none() | st.integers(1, 10**9))
def test_the_payload_stored_is_the_text_its_hash_covers(payload, actor, seq, matter_id):
    """An appended event's payload is encoded once: the text cut from the hashed body is the
    payload's canonical JSON, whatever keys and strings it holds ("payload", "prev", quotes)."""
    digest, text = event_hash_and_payload(seq, "2026-03-02T09:00:00+00:00", "step_completed", actor, matter_id,
                                          payload, "ab" * 32)
    assert text == canonical(payload) and json.loads(text) == payload
    body = canonical({"seq": seq, "at": "2026-03-02T09:00:00+00:00", "event": "step_completed", "actor": actor,
                      "instance_id": matter_id, "payload": payload, "prev": "ab" * 32})
    assert digest == hashlib.sha256(body.encode("utf-8")).hexdigest()

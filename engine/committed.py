"""Who hears of what a unit of work committed: the audit events it wrote, after the commit.

Counting a started matter or a fired timer at this point (the metrics do) counts what happened:
an action that was refused, rolled back or lost a race wrote no event that reaches here. The
listeners run in the committing thread, must be quick, and cannot undo anything; one that fails
is logged and the others still run. The engine only announces: listeners are registered by the
processes that want them (the web app, the timer worker), so the engine imports no metrics library.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

log = logging.getLogger("xiaowei.committed")
_listeners: list = []
_lock = threading.Lock()


def listen(listener) -> None:
    """Call `listener(events)` after every commit that wrote audit events (once per listener)."""
    with _lock:
        if listener not in _listeners:
            _listeners.append(listener)


def forget(listener) -> None:
    with _lock:
        if listener in _listeners:
            _listeners.remove(listener)


@dataclass(frozen=True)
class Saved:
    """A matter the unit of work saved, as committed: its row, its item's bundle, and whether a
    live red-line warning named it when the unit of work read it (None: not read)."""
    record: object
    bundle: object
    warned: bool | None = None


class Committed(list):
    """The committed events, in order; `saved`: {matter id: Saved} for the matters the
    unit of work saved, so a listener knows them without reading them again; `bind`: the database
    engine they were written through."""
    saved: dict = {}
    bind = None


def announce(events: list, saved: dict | None = None, bind=None) -> None:
    """`events`: the committed events (as appended: AuditEvent's columns), in order; `saved`,
    `bind`: see Committed."""
    if not events:
        return
    events = Committed(events)
    events.saved, events.bind = saved or {}, bind
    for listener in list(_listeners):
        try:
            listener(events)
        except Exception:  # noqa: BLE001 - a listener's fault must not turn a commit into an error
            log.exception("a listener of committed events failed")

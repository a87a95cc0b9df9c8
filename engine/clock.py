"""The one clock the engine reads.

SpiffWorkflow computes timer due times and decides whether they have fired with
`datetime.now(timezone.utc)` inside its timer module. `install()` (called when a service context
is built, and by tests that drive the runtime directly) points that module's `datetime` at a
subclass whose `now()` asks our clock, so a test, a demo or `xiaowei worker --once --now ...`
can move time without touching the library or waiting seven days for a publicity period.
The current clock lives in a ContextVar, so a fixed clock set in one thread or request does not
leak into another.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that stands still until told to move."""

    def __init__(self, at: datetime):
        self.at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta) -> None:
        self.at = self.at + delta


_current: ContextVar = ContextVar("xiaowei_clock", default=SystemClock())   # noqa: B039 (stateless)


def now() -> datetime:
    """The engine's current time, always timezone-aware UTC."""
    return _current.get().now().astimezone(timezone.utc)


@contextlib.contextmanager
def use_clock(clock):
    token = _current.set(clock)
    try:
        yield clock
    finally:
        _current.reset(token)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        current = now()
        return current.astimezone(tz) if tz else current.replace(tzinfo=None)


def install() -> None:
    """Make SpiffWorkflow's timers read this module's clock (idempotent)."""
    _spiff_timer.datetime = _ClockedDatetime


def installed() -> bool:
    return _spiff_timer.datetime is _ClockedDatetime

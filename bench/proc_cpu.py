"""Server CPU as the HTTP benchmarks count it: the user + system time of a server's master process
and its live children (gunicorn's workers), read from /proc, so the benchmark runs on the server's
machine. Standard library only: bench/peer_spiff_arena.py runs in a peer's own environment."""
from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int, reaped: bool = False) -> float:
    """CPU seconds of `pid` and its live descendants; with `reaped`, also the CPU of the children
    they ran and waited for (a peer that runs `git` in subprocesses, say)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for each in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15 if reaped else 13]) / ticks
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found + [g for c in found for g in _children(c)]

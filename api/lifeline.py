"""Child processes that end with their parent.

`xiaowei serve` is the gunicorn master; its workers and the timer worker are its children. When
the master dies without stopping them (kill -9, the OOM killer), they must not live on: an
orphaned gunicorn worker keeps the listening socket (a restart fails with "address in use") and
keeps writing with nobody supervising it, and gunicorn's own check of the parent pid runs only
when the worker finds no connection waiting, which under load may be never.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys

log = logging.getLogger("xiaowei.lifeline")
PR_SET_PDEATHSIG = 1          # <linux/prctl.h>


def exit_with_parent(parent_pid: int, sig: int = signal.SIGKILL) -> None:
    """Have the kernel send `sig` to this process when its parent dies (Linux prctl
    PR_SET_PDEATHSIG; other systems fall back on the callers' own parent checks). The parent may
    have died before the request was made, when nobody would send the signal: check, and act as
    if it had been sent."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            log.warning("prctl(PR_SET_PDEATHSIG) failed: %s", os.strerror(ctypes.get_errno()))
    if not parent_alive(parent_pid):
        os.kill(os.getpid(), sig)


def parent_alive(parent_pid: int) -> bool:
    """Cheap (one system call): an orphan is re-parented, so its parent pid changes."""
    return os.getppid() == parent_pid

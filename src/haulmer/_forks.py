"""Locks that a forked child gets afresh: ``os.fork()`` copies a lock as it is, so one that
another thread of the parent held at the fork stays held in the child, where that thread does
not exist to release it, and the child's first call that needs it waits forever.

Pure, no I/O: the domain layer, the core and the fake make their locks here. What a lock
guarded is copied as the fork found it; each lock's owner documents what its child keeps.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any

__all__ = ["ForkSafeLock"]

_LOCKS: weakref.WeakSet[ForkSafeLock] = weakref.WeakSet()
"""Every fork-safe lock of this process, made again in a forked child."""


class ForkSafeLock:
    """A ``threading.Lock`` (``reentrant=True``: an ``RLock``) made again, free, in a process
    forked from the one that made it; used as either (``with``, ``acquire``, ``release``)."""

    __slots__ = ("__weakref__", "_lock", "_reentrant")

    def __init__(self, *, reentrant: bool = False) -> None:
        self._reentrant = reentrant
        self._lock: Any = threading.RLock() if reentrant else threading.Lock()
        _LOCKS.add(self)

    def _renew(self) -> None:
        self._lock = threading.RLock() if self._reentrant else threading.Lock()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Take the lock (as ``threading.Lock.acquire``)."""
        return bool(self._lock.acquire(blocking, timeout))

    def release(self) -> None:
        """Give the lock back."""
        self._lock.release()

    def __enter__(self) -> bool:
        return bool(self._lock.acquire())

    def __exit__(self, *exc_info: object) -> None:
        self._lock.release()

    def __getattr__(self, name: str) -> Any:
        # The rest of the lock's own interface (locked(), an RLock's _is_owned() that
        # threading.Condition reads) is the lock's of this process.
        if name == "_lock":  # not set yet
            raise AttributeError(name)
        return getattr(self._lock, name)

    def __repr__(self) -> str:
        kind = "RLock" if self._reentrant else "Lock"
        return f"<ForkSafeLock ({kind})>"


def _after_fork_in_child() -> None:
    # The child runs one thread: nothing else touches the set or the locks while this runs.
    for lock in list(_LOCKS):
        lock._renew()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_after_fork_in_child)

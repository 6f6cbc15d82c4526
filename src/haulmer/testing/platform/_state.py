"""In-memory state of the fake platform: orders, accounts, workspaces, setups, certifications."""

from __future__ import annotations

import threading
from typing import Any

from haulmer.testing._outbox import Outbox


class PlatformState:
    """Everything the fake platform remembers; ``reset()`` forgets it all."""

    def __init__(self, *, clock: Any, outbox: Outbox) -> None:
        self.clock = clock
        self.outbox = outbox
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget every order, account, workspace and setup."""
        with self.lock:
            self.outbox.clear()

    def catch_up(self) -> None:
        """Apply what the clock made due (bank validations, certification progress)."""

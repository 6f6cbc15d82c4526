"""The fake platform's state machine: every step of the customer journey, in order.

Each operation checks that the earlier steps happened (else a 409 ``step_out_of_order`` naming the
missing step), validates its input (400 ``validation_failed`` with per-field details), changes
state and sends the e-mails Haulmer sends. Time-driven steps are applied by ``catch_up()``, which
runs before every platform request (the routes call it), every read of the outbox and every
test control such as ``support_reply``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from haulmer.testing._clock import reached
from haulmer.testing.platform._myhaulmer import MyHaulmerSteps
from haulmer.testing.platform._point import PointSteps
from haulmer.testing.platform._resend import ResendSteps

__all__ = ["PlatformState"]


class PlatformState(ResendSteps, PointSteps, MyHaulmerSteps):
    """Everything the fake platform remembers; ``reset()`` forgets it all."""

    def catch_up(self) -> None:
        """Apply, in time order, every bank validation, certification step and support
        acknowledgement now due."""
        with self.lock:
            now = self.now()
            due: list[tuple[datetime, int, Callable[[], None]]] = []
            for order in self.orders.values():
                when = order.bank_validation_due
                if order.status == "awaiting_bank_validation" and when and reached(now, when):
                    due.append((when, len(due), self._bank_decides(order, when)))
            for setup in self.setups.values():
                for when, apply in self.certification_steps_due(setup, now):
                    due.append((when, len(due), apply))
            for when, apply in self._acknowledgements_due(now):
                due.append((when, len(due), apply))
            for _, _, apply in sorted(due, key=lambda item: (item[0].timestamp(), item[1])):
                apply()

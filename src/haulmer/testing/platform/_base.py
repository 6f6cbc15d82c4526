"""What every part of the fake platform's state shares: the stores, the clock, the outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from haulmer._forks import ForkSafeLock
from haulmer._shown import shown
from haulmer.testing._outbox import Link, Outbox
from haulmer.testing.platform._errors import not_found
from haulmer.testing.platform._idempotency import IdempotencyStore
from haulmer.testing.platform._models import Account, Order, Setup, Workspace
from haulmer.testing.platform._tokens import TokenBook


@dataclass
class Session:
    """A login: whose it is, until when it works, and whether a new password ended it."""

    account_id: str
    expires_at: datetime
    ended_by_new_password: bool = False


@dataclass
class FailedLogins:
    """An address's recent failed logins, and until when they locked its logins."""

    times: list[datetime] = field(default_factory=list)
    locked_until: datetime | None = None


class StateBase:
    """The in-memory stores; ``reset()`` empties them and the outbox."""

    orders: dict[str, Order]
    accounts: dict[str, Account]
    sessions: dict[str, Session]
    """Every login's session, by a digest of its access token (``session_key``), never the token."""
    failed_logins: dict[str, FailedLogins]
    """When each address's recent logins failed (by ``address_key``), to lock it after too many."""
    workspaces: dict[str, Workspace]
    setups: dict[str, Setup]
    idempotency: IdempotencyStore
    """The first answer of each ``Idempotency-Key`` sent with a POST."""
    next_order_number: int
    reject_next_payment: bool
    """Set True to make the fake bank reject the next payment submitted."""
    haulmer_folios: dict[int, int]
    """The last folio of each DTE type Haulmer issued for its own sales (boleta 39, factura 33)."""

    def __init__(
        self,
        *,
        clock: Any,
        outbox: Outbox,
        register_tenant: Callable[..., Any] | None = None,
        openfactura_holder: Callable[[str], str | None] | None = None,
    ) -> None:
        self.clock = clock
        self.outbox = outbox
        self.register_tenant = register_tenant
        self.openfactura_holder = openfactura_holder
        """The razón social of the company whose OpenFactura account has a RUT, if any."""
        self.certification_scripts: Any = None
        """Where step 3 takes a scripted certification length and stop (``fake.control``)."""
        self.lock = ForkSafeLock(reentrant=True)
        self.tokens = TokenBook()
        self.idempotency = IdempotencyStore()
        self.reset()

    def reset(self) -> None:
        """Forget every order, account, workspace, setup, token, idempotency key and e-mail."""
        with self.lock:
            self.orders = {}
            self.idempotency.clear()
            self.accounts = {}
            self.sessions = {}
            self.failed_logins = {}
            self.workspaces = {}
            self.setups = {}
            self.tokens.clear()
            self.next_order_number = 100_001
            self.reject_next_payment = False
            self.haulmer_folios = {}
            self.outbox.clear()

    def now(self) -> datetime:
        """The fake clock's current time."""
        moment: datetime = self.clock.now()
        return moment

    def order(self, order_id: str) -> Order:
        """An order by id (404 otherwise)."""
        order = self.orders.get(order_id)
        if order is None:
            raise not_found(f"order {shown(order_id)}")
        return order

    def catch_up(self) -> None:
        """Apply what the clock made due; the full state overrides it."""

    def _send(self, to: str, subject: str, body: str, links: list[Link], at: datetime) -> None:
        self.outbox.send(to, subject, body, links, sent_at=at)

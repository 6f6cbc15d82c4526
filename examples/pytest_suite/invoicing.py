"""Your application's code: turn a paid order into a tax document and keep its folio.

Nothing here knows about tests; it takes any ``haulmer.Haulmer``. The tests next to it pass one
served by the fake (the ``haulmer_client`` fixture of the pytest plugin that ships with haulmer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import haulmer
import haulmer.dte as dte

EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "actecos": [620200],
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


@dataclass
class Order:
    """A paid order of the shop: a company buyer gets a factura, anyone else a boleta."""

    id: str
    items: list[tuple[str, int, int]]  # (name, quantity, unit price in pesos)
    buyer: dict[str, str] | None = None  # rut, razon_social, giro, direccion, comuna
    folio: int | None = None
    token: str | None = None
    history: list[str] = field(default_factory=list)


def invoice(client: haulmer.Haulmer, order: Order, *, today: dt.date) -> Order:
    """Issue the order's document once, however many times this runs (a retry, a restart)."""
    lines = [{"nombre": name, "cantidad": qty, "precio": price} for name, qty, price in order.items]
    document = (
        dte.factura(emisor=EMISOR, receptor=order.buyer, lines=lines, fecha=today)
        if order.buyer
        else dte.boleta(emisor=EMISOR, lines=lines, fecha=today)
    )
    emitted = client.openfactura.documents.emit(document, idempotency_key=f"order-{order.id}")
    order.folio, order.token = emitted.require_folio(), emitted.token
    order.history.append("replayed" if emitted.already_issued else "issued")
    return order


def cancel(client: haulmer.Haulmer, order: Order, reason: str) -> int:
    """Annul the order's document with a nota de crédito (61); its folio."""
    if order.token is None:
        raise ValueError(f"order {order.id} has no document to cancel")
    note = client.openfactura.documents.credit_note(
        order.token, reason=reason, idempotency_key=f"cancel-{order.id}"
    )
    order.history.append("cancelled")
    return note.require_folio()

"""Sales for the scale tests: boletas of HAULMER SPA (the fake's preloaded sandbox company)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


def boleta_dict(number: int, fecha: dt.date) -> dict[str, Any]:
    """A boleta 39 in SII names, as a JSON line of a batch file carries it."""
    from haulmer import dte

    document = dte.boleta(
        emisor=EMISOR,
        lines=[{"nombre": "Marraqueta", "cantidad": 1 + number % 5, "precio": 150}],
        fecha=fecha,
    )
    return json.loads(json.dumps(document.to_sii_dict(), default=_json_number))


def _json_number(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def sales(count: int, fecha: dt.date, *, start: int = 0) -> list[dict[str, Any]]:
    """``count`` sales ``{"id": "sale-N", "document": {...}}``."""
    return [
        {"id": f"sale-{n:05d}", "document": boleta_dict(n, fecha)}
        for n in range(start, start + count)
    ]

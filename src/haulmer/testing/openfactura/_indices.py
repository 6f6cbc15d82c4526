"""The UF and UTM the fake OpenFactura applies (135 UF boletas, the 5 UTM artisan cap).

The real values are published daily (UF) and monthly (UTM) by the Banco Central and the SII; the
fake has no network, so it estimates them from a known value and about 4% a year, and a test that
depends on the exact figure sets it (``fake.openfactura_state.uf_value = 39_500``).
"""

from __future__ import annotations

import datetime as dt

__all__ = ["BOLETA_NOMINATIVE_UF", "IVA_EXCEPTIONAL_CAP_UTM", "estimated_uf", "estimated_utm"]

BOLETA_NOMINATIVE_UF = 135
"""Above this many UF a boleta needs ``MedioPago`` and ``RznSocRecep`` (since 10/02/2026)."""

IVA_EXCEPTIONAL_CAP_UTM = 5
"""The monthly cap, in UTM, of boletas issued with ``ivaExceptional: ["ARTESANO"]``."""

_UF_ON = (dt.date(2025, 1, 1), 38_419.17)
_UTM_ON = (dt.date(2025, 1, 1), 67_429)
_YEARLY_GROWTH = 1.04


def _grown(anchor: tuple[dt.date, float], day: dt.date) -> float:
    start, value = anchor
    years = (day - start).days / 365.25
    growth: float = _YEARLY_GROWTH**years
    return value * growth


def estimated_uf(day: dt.date) -> float:
    """An estimate of the UF in pesos on ``day`` (the real one moves daily with inflation)."""
    return round(_grown(_UF_ON, day), 2)


def estimated_utm(day: dt.date) -> int:
    """An estimate of the UTM in pesos for ``day``'s month (the SII publishes one a month)."""
    return round(_grown(_UTM_ON, day.replace(day=1)))

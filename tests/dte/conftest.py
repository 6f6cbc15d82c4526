"""Shared parties for the haulmer.dte tests: a SASCO-like issuer and the SII as receptor.

The same parties LibreDTE's YAML cases use, so their expected totals apply as they are.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def emisor() -> dict[str, Any]:
    return {
        "rut": "76192083-9",
        "razon_social": "SASCO SpA",
        "giro": "Tecnología, informática y telecomunicaciones",
        "actecos": [726000],
        "direccion": "Santa Cruz",
        "comuna": "Santa Cruz",
    }


@pytest.fixture
def receptor() -> dict[str, Any]:
    return {
        "RUTRecep": "60803000-K",
        "RznSocRecep": "Servicio de Impuestos Internos",
        "GiroRecep": "Gobierno",
        "DirRecep": "Santiago",
        "CmnaRecep": "Santiago",
    }

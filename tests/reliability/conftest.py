"""Shared pieces of the reliability suites: the quick/long switch, signed documents, oracles.

The suites run quickly by default (CI). ``HAULMER_LONG_TESTS=1`` runs the long variants: more
hypothesis examples and bigger hostile inputs. See docs/reliability.md.
"""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, settings

from haulmer.dte.document import Document
from haulmer.errors import HaulmerError
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from signers import EMISOR_RUT, SIGNED_AT, emisor_cafs, signer_certificate

LONG: Final = os.environ.get("HAULMER_LONG_TESTS", "") not in ("", "0")
"""Whether the long variants run (``HAULMER_LONG_TESTS=1``)."""

REAL_DTES: Final = sorted((Path(__file__).parent.parent / "sii" / "fixtures").glob("DTE--*.xml"))
TYPES: Final = (33, 34, 39, 41, 46, 52, 56, 61)

CPU_SECONDS_BOUND: Final = 20.0
"""A ceiling against runaway work (entity expansion, quadratic scans), not a speed target:
hostile inputs are refused in milliseconds; benchmarks measure speed."""
MEMORY_BOUND: Final = 512 * 1024 * 1024
"""A ceiling on how much the process's peak resident memory may grow for one hostile input."""


def examples(quick: int, long: int) -> Any:
    """Hypothesis settings with ``quick`` examples in CI and ``long`` with HAULMER_LONG_TESTS."""
    return settings(
        max_examples=long if LONG else quick,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=not LONG,
    )


@contextmanager
def bounded() -> Iterator[None]:
    """Fail when the block uses more than the CPU or memory bounds above."""
    start = time.process_time()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    yield
    spent = time.process_time() - start
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_before
    assert spent < CPU_SECONDS_BOUND, f"{spent:.1f} s of CPU for one hostile input"
    assert grown < MEMORY_BOUND, f"peak memory grew {grown >> 20} MiB for one hostile input"


def factura_dict(tipo: int = 33, *, folio: int = 1, lines: int = 2) -> dict[str, Any]:
    """A plausible document of ``tipo`` as the SII's dict."""
    boleta = tipo in (39, 41)
    id_doc: dict[str, Any] = {"TipoDTE": tipo, "Folio": folio, "FchEmis": "2026-11-27"}
    if boleta:
        id_doc["IndServicio"] = 3
    if tipo == 52:
        id_doc["IndTraslado"] = 1
    emisor: dict[str, Any] = {
        "RUTEmisor": EMISOR_RUT,
        "RznSoc": "Comercial Ñandú & Hijos Ltda.",
        "GiroEmis": "Ferretería",
        "DirOrigen": "Av. O'Higgins 1234",
        "CmnaOrigen": "Ñuñoa",
    }
    if not boleta:
        emisor["Acteco"] = [475201]
    receptor: dict[str, Any] = (
        {"RUTRecep": "66666666-6"}
        if boleta
        else {
            "RUTRecep": "96790240-3",
            "RznSocRecep": "Minera Los Pelambres",
            "GiroRecep": "Minería",
            "DirRecep": "Av. Apoquindo 4001",
            "CmnaRecep": "Las Condes",
        }
    )
    detalle = [
        {"NmbItem": f"Martillo {i + 1}", "QtyItem": i + 1, "PrcItem": 1190 + 10 * i}
        | ({"IndExe": 1} if tipo in (34, 41) else {})
        for i in range(lines)
    ]
    data: dict[str, Any] = {
        "Encabezado": {"IdDoc": id_doc, "Emisor": emisor, "Receptor": receptor},
        "Detalle": detalle,
    }
    if tipo in (56, 61):
        data["Referencia"] = [
            {
                "TpoDocRef": "33",
                "FolioRef": "12",
                "FchRef": "2026-11-20",
                "CodRef": 3,
                "RazonRef": "Corrige montos",
            }
        ]
    return data


@pytest.fixture(scope="session")
def certificate() -> Certificate:
    return signer_certificate()


@pytest.fixture(scope="session")
def cafs() -> dict[int, Caf]:
    return emisor_cafs(TYPES, folio_to=1000)


@pytest.fixture(scope="session")
def issued(certificate: Certificate, cafs: dict[int, Caf]) -> dict[int, bytes]:
    """One document per type, stamped and signed by the SDK."""
    from haulmer.sii import issue

    return {
        tipo: issue(
            Document.from_sii_dict(factura_dict(tipo)),
            caf=cafs[tipo],
            certificate=certificate,
            timestamp=SIGNED_AT,
        )
        for tipo in TYPES
    }


def attempt(
    function: Callable[..., Any], *args: Any, allowed: type[Exception] = HaulmerError
) -> tuple[Any, Exception | None]:
    """``(result, None)``, or ``(None, error)`` when ``function`` raised one of ``allowed``;
    anything else (an untyped exception, a panic) propagates and fails the test."""
    try:
        return function(*args), None
    except allowed as exc:
        return None, exc

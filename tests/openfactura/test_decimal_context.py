"""OpenFactura's emission bodies, keys and replay comparisons are the same whatever decimal
context the caller set: ``build_emission()`` of a Document or of its dict, the JSON sent, and
``identity_differences()`` (which says whether an OF-06 answered this document or another)."""

from __future__ import annotations

import datetime as dt
from decimal import Context, localcontext
from typing import Any

import pytest

from haulmer._models import encode_json
from haulmer.dte.document import Document
from haulmer.openfactura.emission import build_emission, identity_differences
from hostile_contexts import HOSTILE_CONTEXTS, outcome
from plausible_documents import PLAUSIBLE_TYPES, accepted_plausible_document

DOCUMENTS = [
    accepted_plausible_document(seed * 1000, tipo) for seed in range(3) for tipo in PLAUSIBLE_TYPES
]
"""Plausible documents of every type the builders accept, made in the default context."""

TODAY = dt.date(2026, 12, 31)


def _bodies(document: Document) -> tuple[Any, ...]:
    """The JSON and key ``build_emission`` makes of ``document`` and of its SII dict."""

    def sent(given: Any) -> tuple[bytes, str]:
        emission = build_emission(given, today=TODAY)
        return encode_json(emission.body), emission.idempotency_key

    return (
        outcome(lambda: sent(document.with_folio(0))),
        outcome(lambda: sent(document.with_folio(0).to_sii_dict())),
    )


@pytest.fixture(scope="module")
def expected() -> list[tuple[Any, ...]]:
    with localcontext(Context()):
        return [_bodies(document) for document in DOCUMENTS]


@pytest.mark.parametrize("name", HOSTILE_CONTEXTS)
def test_emission_bodies_and_keys_are_the_same_in_any_callers_decimal_context(
    name: str, expected: list[tuple[Any, ...]]
) -> None:
    differing = []
    for document, answer in zip(DOCUMENTS, expected, strict=True):
        with localcontext(HOSTILE_CONTEXTS[name]()):
            got = _bodies(document)
        if got != answer:
            differing.append((document.tipo_dte, answer, got))
    assert differing == []


_SENT = {
    "Encabezado": {"Totales": {"MntTotal": 1_234_567}},
    "Detalle": [{"NmbItem": "Horno", "QtyItem": "3", "PrcItem": "411522.3"}],
}
_OTHER = {
    "Encabezado": {"Totales": {"MntTotal": "1234999"}},
    "Detalle": [{"NmbItem": "Horno", "QtyItem": "3", "PrcItem": "411666"}],
}
_SAME_WRITTEN_OTHERWISE = {
    "Encabezado": {"Totales": {"MntTotal": "1234567.0"}},
    "Detalle": [{"NmbItem": "Horno", "QtyItem": "3.0", "PrcItem": "411522.30"}],
}


@pytest.mark.parametrize("name", HOSTILE_CONTEXTS)
def test_a_stored_document_is_told_apart_from_the_one_sent_in_any_callers_decimal_context(
    name: str,
) -> None:
    with localcontext(HOSTILE_CONTEXTS[name]()):
        other = identity_differences(_SENT, _OTHER)
        same = identity_differences(_SENT, _SAME_WRITTEN_OTHERWISE)
    assert other == [
        "total (MntTotal) 1234999 there, 1234567 in this call",
        "line 1 price (Detalle[1].PrcItem) 411666 there, 411522.3 in this call",
    ]
    assert same == []

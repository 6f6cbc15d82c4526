"""``haulmer.sii`` gives the same bytes and errors whatever decimal context its caller set:
``issue()``, ``envelope()``, ``verify()``, ``parse()`` and the printed PDF of every plausible
document type, under a low or high precision, another rounding, traps on Inexact, Rounded or
FloatOperation, and a small exponent limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Context, Decimal, localcontext
from typing import Any

import pytest

from haulmer import dte
from haulmer.dte.document import Document
from haulmer.pfx import Certificate
from haulmer.sii import Caf, Caratula, envelope, issue, parse, render_pdf, verify
from hostile_contexts import HOSTILE_CONTEXTS, outcome
from plausible_documents import PLAUSIBLE_TYPES, accepted_plausible_document
from signers import EMISOR_RUT, SIGNED_AT, signed_at_for

SEEDS = range(4)
CARATULA = Caratula(
    rut_emisor=EMISOR_RUT, fecha_resolucion=dt.date(2014, 8, 22), numero_resolucion=0
)


DOCUMENTS = [
    accepted_plausible_document(seed * 1000, tipo) for seed in SEEDS for tipo in PLAUSIBLE_TYPES
]
"""Plausible documents of every type the builders accept, made in the default context."""


def _issued(document: Document, certificate: Certificate, cafs: dict[int, Caf]) -> tuple[Any, ...]:
    """What the sii functions answer for ``document``, in the context current now."""
    xml = outcome(
        lambda: issue(
            document,
            caf=cafs[int(document.tipo_dte)],
            certificate=certificate,
            timestamp=signed_at_for(document),
        )
    )
    if xml[0] != "answer":
        return (xml,)
    signed: bytes = xml[1]
    return (
        xml,
        outcome(lambda: repr(verify(signed))),
        outcome(lambda: repr(parse(signed))),
        outcome(
            lambda: envelope(
                [signed], certificate=certificate, caratula=CARATULA, timestamp=SIGNED_AT
            )
        ),
    )


@pytest.fixture(scope="module")
def expected(certificate: Certificate, cafs: dict[int, Caf]) -> list[tuple[Any, ...]]:
    with localcontext(Context()):
        return [_issued(document, certificate, cafs) for document in DOCUMENTS]


@pytest.mark.parametrize("name", HOSTILE_CONTEXTS)
def test_issue_envelope_verify_and_parse_answer_alike_in_any_callers_decimal_context(
    name: str, certificate: Certificate, cafs: dict[int, Caf], expected: list[tuple[Any, ...]]
) -> None:
    differing = []
    for document, answer in zip(DOCUMENTS, expected, strict=True):
        with localcontext(HOSTILE_CONTEXTS[name]()):
            got = _issued(document, certificate, cafs)
        if got != answer:
            differing.append((document.tipo_dte, answer, got))
    assert differing == []


def _priced(quantity: str, price: str) -> Document:
    return dte.factura(
        emisor={
            "rut": EMISOR_RUT,
            "razon_social": "Ñandú",
            "giro": "Ventas",
            "actecos": [726000],
            "direccion": "Av. 1",
            "comuna": "Ñuñoa",
        },
        receptor={
            "rut": "96790240-3",
            "razon_social": "Minera",
            "giro": "Cobre",
            "direccion": "Av. 2",
            "comuna": "Las Condes",
        },
        lines=[{"nombre": "Cobre", "cantidad": Decimal(quantity), "precio": Decimal(price)}],
        folio=5,
        fecha=dt.date(2026, 11, 27),
    )


@pytest.mark.parametrize("name", HOSTILE_CONTEXTS)
@pytest.mark.parametrize(("quantity", "price"), [("1234.5", "1234567.25"), ("3", "1234567")])
def test_the_printed_pdf_is_the_same_in_any_callers_decimal_context(
    name: str,
    quantity: str,
    price: str,
    certificate: Certificate,
    cafs: dict[int, Caf],
) -> None:
    xml = issue(
        _priced(quantity, price), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT
    )
    printed: Callable[[], Any] = lambda: render_pdf(xml)  # noqa: E731
    answer = outcome(printed)
    assert answer[0] == "answer"
    with localcontext(HOSTILE_CONTEXTS[name]()):
        assert outcome(printed) == answer

"""Differential property of the DTE path: what the builders and ``check()`` accept, the SII's
XSD, ``verify()`` and ``parse()`` accept too; what they refuse is a ``DocumentError`` naming a
field, never another exception. Inputs from ``tests/plausible_documents.py``."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haulmer.dte.document import Document
from haulmer.errors import DocumentError
from haulmer.pfx import Certificate
from haulmer.sii import Caf, issue, parse, validate_schema, verify
from plausible_documents import PLAUSIBLE_SETTINGS, PLAUSIBLE_TYPES, plausible_document
from signers import signed_at_for


def _built(r: random.Random, tipo: int) -> Document | None:
    """The document the builder makes, or None after checking its refusal names fields."""
    refusal: DocumentError | None = None
    try:
        return plausible_document(r, tipo)
    except DocumentError as error:
        refusal = error
    assert refusal.details, str(refusal)
    assert all(detail.field and detail.issue for detail in refusal.details), str(refusal)
    return None


@pytest.mark.parametrize("tipo", PLAUSIBLE_TYPES)
@settings(PLAUSIBLE_SETTINGS, max_examples=30)
@given(r=st.randoms(use_true_random=False))
def test_property_a_document_check_accepts_is_issued_schema_valid_verified_and_read_back(
    certificate: Certificate, cafs: dict[int, Caf], tipo: int, r: random.Random
) -> None:
    document = _built(r, tipo)
    if document is None:
        return
    try:
        xml = issue(
            document, caf=cafs[tipo], certificate=certificate, timestamp=signed_at_for(document)
        )
    except DocumentError as error:  # text ISO-8859-1 cannot write is named as it is written
        said = str(error)
        assert "ISO-8859-1" in said or "control character" in said, said
        return
    validate_schema(xml)
    verification = verify(xml)
    assert verification.ok, str(verification)
    parsed, built = parse(xml), document.completed()
    assert parsed.encabezado.totales == built.encabezado.totales
    assert parsed.encabezado.emisor == built.encabezado.emisor
    assert parsed.encabezado.receptor == built.encabezado.receptor
    assert parsed.detalle == built.detalle
    assert parsed == built

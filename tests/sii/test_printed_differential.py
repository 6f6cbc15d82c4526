"""Differential property of the whole path, from builder to paper: a document the builders
accept is issued valid against the SII's XSD, verified, read back as built, and printed on
letter paper, on an 80 mm roll and as its cedible copy, whole: no text over text or over the
timbre, nothing off its page, a timbre that scans back to the TED, and the folio, type, emisor,
total and every line's name on it. Inputs from ``tests/plausible_documents.py``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haulmer import sii
from haulmer.errors import DocumentError
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from pdf_reading import overlapping_texts, ted_bytes_of, texts_over_images
from plausible_documents import PLAUSIBLE_SETTINGS, PLAUSIBLE_TYPES, accepted_plausible_document
from printed_claims import missing_claims, printed_text, timbres_read
from signers import signed_at_for

CEDIBLE_TYPES = (33, 34, 43, 46, 52)
"""The types with a cedible copy."""


@pytest.mark.parametrize("tipo", PLAUSIBLE_TYPES)
@settings(PLAUSIBLE_SETTINGS, max_examples=20)
@given(seed=st.integers(0, 2**32))
def test_property_a_document_the_builders_accept_is_read_back_and_printed_whole(
    certificate: Certificate, cafs: dict[int, Caf], tipo: int, seed: int
) -> None:
    document = accepted_plausible_document(seed, tipo)
    try:
        xml = sii.issue(
            document, caf=cafs[tipo], certificate=certificate, timestamp=signed_at_for(document)
        )
    except DocumentError as error:  # text ISO-8859-1 cannot write is named as it is written
        said = str(error)
        assert "ISO-8859-1" in said or "control character" in said, said
        return
    sii.validate_schema(xml)
    verification = sii.verify(xml)
    assert verification.ok, str(verification)
    assert sii.parse(xml) == document.completed()
    ted = ted_bytes_of(xml)
    copies = [("letter", False), ("80mm", False)]
    copies += [("letter", True)] if tipo in CEDIBLE_TYPES else []
    for paper, cedible in copies:
        pdf = sii.render_pdf(xml, paper=paper, cedible=cedible)
        where = f"{paper}{' cedible' if cedible else ''}"
        assert overlapping_texts(pdf) == [], where
        assert texts_over_images(pdf) == [], where
        assert timbres_read(pdf) == [ted], where
        assert missing_claims(document, printed_text(pdf)) == [], where

"""The fake OpenFactura's own PDF of a document says what the document says: for documents the
builders accept from random plausible inputs (``plausible_documents``), emitted through the
wire as the SDK sends them, the PDF shows the folio the fake gave, the type, the emisor, the
total and every line's name, and its timbre scans back to the TED of the XML it returns."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from collections.abc import Iterator

import httpx
import pytest
from fake_bodies import exporter_wire
from hypothesis import given, settings
from hypothesis import strategies as st

from haulmer._models import encode_json
from haulmer.errors import DocumentError
from haulmer.openfactura.emission import build_emission
from pdf_reading import ted_bytes_of
from plausible_documents import PLAUSIBLE_SETTINGS, PLAUSIBLE_TYPES, accepted_plausible_document
from printed_claims import missing_claims, printed_text, timbres_read

ISSUER_KEY = "p" * 32
ISSUER_RUT = "76086428-5"
AFTER_EVERY_FECHA = dt.datetime(2026, 12, 1, 10, 0, 0)
"""The fake's day: after the latest FchEmis the plausible documents carry (30 November)."""
_KEYS = itertools.count()


@pytest.fixture(scope="module")
def issuer() -> Iterator[httpx.Client]:
    """A raw wire client of a fake taxpayer that issues every plausible type."""
    with exporter_wire(ISSUER_KEY, ISSUER_RUT, PLAUSIBLE_TYPES, AFTER_EVERY_FECHA) as client:
        yield client


@pytest.mark.parametrize("tipo", PLAUSIBLE_TYPES)
@settings(PLAUSIBLE_SETTINGS, max_examples=20)
@given(seed=st.integers(0, 2**32))
def test_property_the_fakes_pdf_of_a_plausible_document_says_what_the_document_says(
    issuer: httpx.Client, tipo: int, seed: int
) -> None:
    document = accepted_plausible_document(seed, tipo, emisor_rut=ISSUER_RUT)
    try:
        body = build_emission(document).body
    except DocumentError as error:  # what OpenFactura asks beyond the SII: the agreement's
        refused = [detail.field for detail in error.details]
        assert all(field.startswith("Encabezado.Emisor.") for field in refused), refused
        return
    body["response"] = ["PDF", "XML", "FOLIO"]
    answer = issuer.post(
        "/v2/dte/document",
        content=encode_json(body),
        headers={"Idempotency-Key": f"printed-{next(_KEYS)}", "Content-Type": "application/json"},
    )
    if answer.status_code == 400 and tipo in (39, 41):
        fields = {detail["field"] for detail in answer.json()["error"]["details"]}
        assert fields == {"MedioPago", "RznSocRecep"}, answer.text
        return  # a boleta above 135 UF on the fake's day, which the SDK offline cannot tell
    assert answer.status_code == 200, answer.text
    issued = answer.json()
    pdf, xml = base64.b64decode(issued["PDF"]), base64.b64decode(issued["XML"])
    assert missing_claims(document, printed_text(pdf), folio=int(issued["FOLIO"])) == []
    assert timbres_read(pdf) == [ted_bytes_of(xml)]

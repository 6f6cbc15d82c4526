"""The fake OpenFactura's files are the real printed DTE: PDF in the format chosen at emission,
the cedible copy on request, and a TIMBRE that scans back to the document's TED."""

from __future__ import annotations

import base64
import io
from typing import Any

import httpx
import pytest
import zxingcpp
from fake_bodies import boleta, factura, guia, nota_credito
from PIL import Image

from haulmer.testing import FakeHaulmer
from haulmer.testing.openfactura import _render
from pdf_reading import barcodes_on_page, one_line, page_sizes_mm, page_texts, ted_bytes_of

Issue = Any


def _text(pdf: bytes) -> str:
    return one_line("\n".join(page_texts(pdf)))


def test_the_pdf_is_the_printed_dte_with_a_timbre_that_scans_back(issue: Issue) -> None:
    answer = issue(factura(response=["PDF", "XML", "FOLIO"]))
    pdf, xml = base64.b64decode(answer["PDF"]), base64.b64decode(answer["XML"])
    text = _text(pdf)
    for expected in (
        "HAULMER SPA",
        "FACTURA ELECTRÓNICA",
        "N° 1",
        "HOSTY SPA",
        "Total $ 2.380",
        "Timbre Electrónico SII",
        "Res. N° 0 de 2018",  # the tenant's resolution (RESOLUCION), not the default
        "S.I.I. - CURICO",
    ):
        assert expected in text, expected
    ((width, _),) = page_sizes_mm(pdf)
    assert round(width) == 216  # letter, the default format
    assert barcodes_on_page(pdf) == [ted_bytes_of(xml)]


def test_the_timbre_is_the_pdf417_of_the_ted(issue: Issue) -> None:
    answer = issue(factura(response=["TIMBRE", "XML"]))
    image = Image.open(io.BytesIO(base64.b64decode(answer["TIMBRE"])))
    (found,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417)
    assert bytes(found.bytes) == ted_bytes_of(base64.b64decode(answer["XML"]))


@pytest.mark.parametrize(("option", "logo_images"), [("80MM", 1), ("80MMNOLOGO", 0)])
def test_the_80mm_formats_print_on_a_roll_with_or_without_the_logo(
    issue: Issue, wire: httpx.Client, option: str, logo_images: int
) -> None:
    import pypdf

    body = boleta()
    body["response"] = ["PDF", "XML", option]
    answer = issue(body)
    for pdf in (
        base64.b64decode(answer["PDF"]),  # at emission
        base64.b64decode(wire.get(f"/v2/dte/document/{answer['TOKEN']}/pdf").json()["pdf"]),
    ):
        ((width, _),) = page_sizes_mm(pdf)
        assert round(width) == 80
        assert "BOLETA ELECTRÓNICA" in _text(pdf)
        images = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images
        assert len(images) == 1 + logo_images
        assert barcodes_on_page(pdf) == [ted_bytes_of(base64.b64decode(answer["XML"]))]


def test_letter_80mm_falls_back_to_the_roll_when_the_letter_page_overflows(
    issue: Issue,
) -> None:
    short = factura(response=["PDF", "LETTER_80MM"])
    assert round(page_sizes_mm(base64.b64decode(issue(short)["PDF"]))[0][0]) == 216
    long = factura(neto=100, response=["PDF", "LETTER_80MM"])
    lines = long["dte"]["Detalle"]
    long["dte"]["Detalle"] = [
        {**lines[0], "NroLinDet": n, "NmbItem": f"Servicio {n}"} for n in range(1, 51)
    ]
    totals = long["dte"]["Encabezado"]["Totales"]
    totals.update(MntNeto=5000, IVA=950, MntTotal=5950)
    sizes = page_sizes_mm(base64.b64decode(issue(long)["PDF"]))
    assert len(sizes) == 1
    assert round(sizes[0][0]) == 80


def test_the_cedible_copy_is_served_for_facturas_and_guias(
    issue: Issue, wire: httpx.Client
) -> None:
    issue(factura())
    issue(guia())
    factura_copy = wire.get("/v2/dte/document/76795561-8/33/1/cedible").json()["cedible"]
    text = _text(base64.b64decode(factura_copy))
    assert "CEDIBLE" in text
    assert "ACUSE DE RECIBO" in text
    guia_copy = wire.get("/v2/dte/document/76795561-8/52/1/cedible").json()["cedible"]
    assert "CEDIBLE CON SU FACTURA" in _text(base64.b64decode(guia_copy))
    plain = wire.get("/v2/dte/document/76795561-8/33/1/pdf").json()["pdf"]
    assert "CEDIBLE" not in _text(base64.b64decode(plain))


def test_without_the_pdf_extra_the_guias_cedible_copy_says_cedible_con_su_factura(
    issue: Issue, wire: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stand-in PDF's cedible copy of a guía said only "CEDIBLE", the legend of a factura's,
    where the SII requires "CEDIBLE CON SU FACTURA" on a guía's."""
    monkeypatch.setattr(_render, "has_pdf_extra", lambda: False)
    issue(factura())
    issue(guia())
    guia_copy = wire.get("/v2/dte/document/76795561-8/52/1/cedible").json()["cedible"]
    assert "CEDIBLE CON SU FACTURA" in _text(base64.b64decode(guia_copy))
    factura_copy = wire.get("/v2/dte/document/76795561-8/33/1/cedible").json()["cedible"]
    factura_text = _text(base64.b64decode(factura_copy))
    assert "CEDIBLE" in factura_text
    assert "CON SU FACTURA" not in factura_text


def test_a_nota_de_credito_has_no_cedible_copy(issue: Issue, wire: httpx.Client) -> None:
    issue(factura())
    issue(nota_credito(1))
    answer = wire.get("/v2/dte/document/76795561-8/61/1/cedible")
    assert answer.status_code == 400
    assert answer.json()["error"]["details"][0]["issue"] == "Documento sin cedible"


def test_the_receiver_gets_the_issuers_pdf(
    fake: FakeHaulmer, issue: Issue, hosty: httpx.Client
) -> None:
    issue(factura())
    pdf = hosty.get("/v2/dte/document/76795561-8/33/1/pdf").json()["pdf"]
    text = _text(base64.b64decode(pdf))
    assert "HAULMER SPA" in text
    assert "Res. N° 0 de 2018" in text


def test_custom_notes_are_printed(issue: Issue) -> None:
    body = factura(response=["PDF"])
    body["custom"] = {"informationNote": "Orden interna 4471", "paymentNote": "Pagar a 30 días"}
    text = _text(base64.b64decode(issue(body)["PDF"]))
    assert "Orden interna 4471" in text
    assert "Pagar a 30 días" in text


def test_without_the_pdf_extra_the_timbre_is_a_plain_bitmap(
    issue: Issue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_render, "has_pdf_extra", lambda: False)
    png = base64.b64decode(issue(factura(response=["TIMBRE"]))["TIMBRE"])
    image = Image.open(io.BytesIO(png))
    assert zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417) == []
    assert image.width == 96 * 2 + 8  # one module per bit of the TED, 96 a row


@pytest.mark.parametrize("pdf_extra", [True, False])
def test_the_pdf_downloaded_later_is_the_pdf_the_emission_returned(
    fake: FakeHaulmer,
    issue: Issue,
    wire: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
    pdf_extra: bool,
) -> None:
    """A printed DTE does not change once issued: the plain PDF (without the extra) printed the
    SII status of the moment it was asked for, so the emission's "Pendiente" copy and the one
    downloaded once the SII accepted it were different files."""
    monkeypatch.setattr(_render, "has_pdf_extra", lambda: pdf_extra)
    answer = issue(factura(response=["PDF", "FOLIO"]))
    issued_pdf = base64.b64decode(answer["PDF"])
    fake.clock.advance(minutes=10)  # the simulated SII has accepted it
    by_token = wire.get(f"/v2/dte/document/{answer['TOKEN']}/pdf").json()["pdf"]
    by_folio = wire.get(f"/v2/dte/document/76795561-8/33/{answer['FOLIO']}/pdf").json()["pdf"]
    assert base64.b64decode(by_token) == issued_pdf
    assert base64.b64decode(by_folio) == issued_pdf


def test_a_custom_note_holding_a_control_character_prints_without_it(issue: Issue) -> None:
    """A note sent with a NUL or an escape in its JSON is printed without them: the page's
    fonts have no sign for them, and the printed DTE refuses them in its notes."""
    body = factura(response=["PDF"])
    body["custom"] = {"informationNote": "Orden\x00 interna \x1b4471", "paymentNote": "Pagar\x7f"}
    text = _text(base64.b64decode(issue(body)["PDF"]))
    assert "Orden interna 4471" in text
    assert "Pagar" in text

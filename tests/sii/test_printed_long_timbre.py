"""Timbres too long for PDF417's security level 5: a receptor's razón social and first item's
name full of ``& < > " '``, which the TED carries as 4 to 6 bytes each. They print at the highest
lower level that fits and scan back whole; one that fits no symbol is refused saying why."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from haulmer import sii
from haulmer.cli import main
from haulmer.dte.document import Document
from haulmer.errors import XMLError
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from haulmer.sii.printed.barcode import SECURITY_LEVEL, symbol
from pdf_reading import barcode_boxes_mm, barcodes_on_page, ted_bytes_of

from .conftest import FIXTURES, SIGNED_AT, document_dict

REAL = FIXTURES / "DTE--76399752-9--33--25568.xml"
"""An SII-signed factura: its CAF's key is 512-bit, as every CAF of the SII's is."""


def _issued(caf: Caf, certificate: Certificate, razon_social: str, first_item: str) -> bytes:
    data = document_dict(33)
    data["Encabezado"]["Receptor"]["RznSocRecep"] = razon_social
    data["Detalle"][0]["NmbItem"] = first_item
    document = Document.from_sii_dict(data)
    return sii.issue(document, caf=caf, certificate=certificate, timestamp=SIGNED_AT)


def _correction_scanned(png: bytes) -> int:
    """The share of correction code words a reader finds in the symbol, in per cent."""
    (found,) = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.PDF417
    )
    return int(found.ec_level.rstrip("%"))


def _with_ted_values(xml: bytes, razon_social: bytes, first_item: bytes) -> bytes:
    """The SII-signed file with its TED's RSR and IT1 replaced (escaped bytes as the TED holds
    them): a timbre of the SII's 512-bit CAF as long as such names make it."""
    xml = re.sub(rb"<RSR>[^<]*</RSR>", b"<RSR>" + razon_social + b"</RSR>", xml, count=1)
    return re.sub(rb"<IT1>[^<]*</IT1>", b"<IT1>" + first_item + b"</IT1>", xml, count=1)


def _issued_past_level_5(
    caf: Caf, certificate: Certificate, in_razon_social: str, in_first_item: str
) -> bytes:
    """The document whose RSR and IT1 hold the fewest of these characters (from 15 each) that
    take its timbre past level 5: where that is depends on how zint packs the test CAF's random
    keys beside them, so the count is found, not fixed."""
    for count in range(15, 41):
        xml = _issued(caf, certificate, in_razon_social * count, in_first_item * count)
        if symbol(ted_bytes_of(xml)).level < SECURITY_LEVEL:
            return xml
    raise AssertionError("40 of each still fit level 5")


@pytest.mark.parametrize(
    ("in_razon_social", "in_first_item"),
    [("&", "<"), ("<", ">"), ('"', "'")],
    ids=["amp-lt", "lt-gt", "quot-apos"],
)
def test_a_timbre_too_long_for_level_5_prints_at_a_lower_level_and_scans_back_whole(
    cafs: dict[int, Caf], certificate: Certificate, in_razon_social: str, in_first_item: str
) -> None:
    xml = _issued_past_level_5(cafs[33], certificate, in_razon_social, in_first_item)
    ted = ted_bytes_of(xml)
    assert len(ted) > 1100  # past what level 5 holds with the test CAF's 1024-bit keys
    level = symbol(ted).level
    assert level < SECURITY_LEVEL
    at_level_5 = _correction_scanned(sii.timbre_png(REAL.read_bytes()))
    assert _correction_scanned(sii.timbre_png(xml)) < at_level_5
    for paper in ("letter", "80mm"):
        for cedible in (False, True):
            pdf = sii.render_pdf(xml, paper=paper, cedible=cedible)  # type: ignore[arg-type]
            # fewer correction words than level 5's: read from 300 dpi, as at 200 dpi the
            # scanner misreads some of them (a level-5 symbol of as many rows reads at 200)
            assert barcodes_on_page(pdf, dpi=300) == [ted]
            ((_, _, width, height),) = barcode_boxes_mm(pdf, dpi=300)
            assert width == pytest.approx(71.5, abs=0.5)
            assert 20 <= height <= 40  # the SII's 4 x 9 cm at most


def test_an_sii_caf_s_timbre_with_40_ampersands_in_rsr_and_it1_prints_at_level_5() -> None:
    """The SII's 512-bit CAFs make a timbre about 250 bytes shorter than the test CAFs'."""
    xml = _with_ted_values(REAL.read_bytes(), b"&amp;" * 40, b"&amp;" * 40)
    ted = ted_bytes_of(xml)
    assert symbol(ted).level == SECURITY_LEVEL
    assert barcodes_on_page(sii.render_pdf(xml)) == [ted]


@pytest.mark.parametrize("paper", ["letter", "80mm"])
def test_an_sii_caf_s_timbre_with_40_quotes_in_rsr_and_it1_prints_at_level_4(paper: str) -> None:
    xml = _with_ted_values(REAL.read_bytes(), b"&quot;" * 40, b"&apos;" * 40)
    ted = ted_bytes_of(xml)
    assert len(ted) == 1212
    assert symbol(ted).level == 4
    pdf = sii.render_pdf(xml, paper=paper, cedible=True)  # type: ignore[arg-type]
    assert barcodes_on_page(pdf, dpi=300) == [ted]
    ((_, _, width, height),) = barcode_boxes_mm(pdf, dpi=300)
    assert width == pytest.approx(71.5, abs=0.5)
    assert 20 <= height <= 40


@pytest.mark.parametrize("character", ["&", "<", '"'])
def test_a_timbre_no_pdf417_symbol_holds_is_refused_naming_its_long_values(
    cafs: dict[int, Caf], certificate: Certificate, character: str
) -> None:
    xml = _issued(cafs[33], certificate, character * 40, character * 40)
    escaped = {"&": 5, "<": 4, '"': 6}[character] * 40
    with pytest.raises(XMLError) as raised:
        sii.render_pdf(xml)
    message = str(raised.value)
    assert "not even at security level 0 (928 code words at most)" in message
    assert f"RSR (the receptor's razón social) takes {escaped} bytes for 40 characters" in message
    assert f"IT1 (the first item's name) takes {escaped} bytes for 40 characters" in message
    assert "the CAF's RS (the emisor's razón social) takes 33 bytes for 29 characters" in message
    assert "its CAF's key is 1024-bit, as test CAFs' are" in message
    assert "issue the document again, with a new folio, with fewer of them" in message
    with pytest.raises(XMLError, match="not even at security level 0"):
        sii.timbre_png(xml)


def test_render_pdfs_refuses_an_envelope_whose_timbre_fits_no_symbol_with_the_same_error(
    cafs: dict[int, Caf], certificate: Certificate
) -> None:
    xml = _issued(cafs[33], certificate, "&" * 40, "&" * 40)
    caratula = sii.Caratula(
        rut_emisor="76086428-5", fecha_resolucion=dt.date(2014, 8, 22), numero_resolucion=80
    )
    envelope = sii.envelope([xml], certificate=certificate, caratula=caratula)
    with pytest.raises(XMLError, match=r"RSR \(the receptor's razón social\) takes 200 bytes"):
        sii.render_pdfs(envelope)


def test_haulmer_pdf_prints_a_long_timbre_and_says_why_it_cannot_print_a_longer_one(
    cafs: dict[int, Caf],
    certificate: Certificate,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    long = tmp_path / "larga.xml"
    long.write_bytes(_issued(cafs[33], certificate, "<" * 40, "Martillo"))
    assert main(["pdf", str(long)]) == 0
    pdf = (tmp_path / "larga.pdf").read_bytes()
    assert barcodes_on_page(pdf, dpi=300) == [ted_bytes_of(long.read_bytes())]
    too_long = tmp_path / "imposible.xml"
    too_long.write_bytes(_issued(cafs[33], certificate, "&" * 40, "&" * 40))
    capsys.readouterr()
    assert main(["pdf", str(too_long)]) == 2
    error = capsys.readouterr().err
    assert "does not fit in one PDF417 symbol" in error
    assert "RSR (the receptor's razón social) takes 200 bytes" in error
    assert not (tmp_path / "imposible.pdf").exists()

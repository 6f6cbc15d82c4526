"""What render_pdf and timbre_png take besides the document, checked before anything is drawn:
the timbre PNG's scale, the SII resolution, the timbre given apart from a Document."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from haulmer import sii
from haulmer.dte.document import Document
from haulmer.errors import DocumentError, ValidationError, XMLError
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from haulmer.sii.printed import Resolucion, barcode
from pdf_reading import barcodes_on_page, one_line, page_texts, ted_bytes_of

from .conftest import REAL_DTES, SIGNED_AT, document_dict, make_document

RECEIVED = next(path for path in REAL_DTES if path.name == "DTE--76354771-K--33--170.xml")


@pytest.mark.parametrize("scale", [0, -1, 21, 10**6, 2.5, True, "3"])
def test_a_timbre_png_scale_outside_its_range_is_refused_before_anything_is_drawn(
    issued: dict[int, bytes], scale: object
) -> None:
    """Not PIL's bare ValueError ("height and width must be > 0") or TypeError, nor, for a
    scale of a million, an image of billions of pixels."""
    with pytest.raises(ValidationError, match=r"^scale must be a whole number .* 1 to 20"):
        sii.timbre_png(issued[33], scale=scale)  # type: ignore[arg-type]


@pytest.mark.parametrize("scale", [1, 3])
def test_a_timbre_png_is_scale_pixels_a_module(issued: dict[int, bytes], scale: int) -> None:
    image = Image.open(io.BytesIO(sii.timbre_png(issued[33], scale=scale)))
    symbol = barcode.symbol(ted_bytes_of(issued[33]))
    assert image.width == (symbol.width + 4) * scale


@pytest.mark.parametrize(
    "given",
    [
        (1_234_567, "2014-08-22"),
        Resolucion(1_234_567, dt.date(2014, 8, 22)),
        Resolucion(-80, dt.date(2014, 8, 22)),
        Resolucion(True, dt.date(2014, 8, 22)),
    ],
)
def test_a_resolution_number_the_sii_cannot_have_is_refused(
    issued: dict[int, bytes], given: object
) -> None:
    """The SII's resolution numbers (NroResol) have 6 digits at most, as an envelope's Caratula
    is read; a Resolucion was printed unchecked ("Res. N° -80 de 2014")."""
    with pytest.raises(ValidationError, match=r"number .* 0 to 999999"):
        sii.render_pdf(issued[33], resolucion=given)  # type: ignore[arg-type]


@pytest.mark.parametrize("numero", [80.5, "80.5", "ochenta", None, [80]])
def test_a_resolution_number_that_is_no_whole_number_is_refused(
    issued: dict[int, bytes], numero: object
) -> None:
    """``(80.5, ...)`` printed "Res. N° 80", the number cut short without a word."""
    with pytest.raises(ValidationError, match="resolucion"):
        sii.render_pdf(issued[33], resolucion=(numero, "2014-08-22"))  # type: ignore[arg-type]


@pytest.mark.parametrize("numero", [80, "80", 80.0])
def test_a_resolution_number_given_as_text_or_a_whole_float_prints(
    issued: dict[int, bytes], numero: object
) -> None:
    pdf = sii.render_pdf(issued[33], resolucion=(numero, "2014-08-22"))  # type: ignore[arg-type]
    assert "Res. N° 80 de 2014" in one_line(page_texts(pdf)[0])


def test_a_resolucion_whose_date_is_no_date_is_refused_as_malformed(
    issued: dict[int, bytes],
) -> None:
    """It failed while drawing, with an AttributeError ('str' object has no attribute 'year')."""
    given = Resolucion(80, "2014-08-22")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="resolucion must be"):
        sii.render_pdf(issued[33], resolucion=given)


def test_the_largest_resolution_number_prints(issued: dict[int, bytes]) -> None:
    pdf = sii.render_pdf(issued[33], resolucion=Resolucion(999_999, dt.date(2014, 8, 22)))
    assert "Res. N° 999999 de 2014" in one_line(page_texts(pdf)[0])


@pytest.fixture(scope="module")
def folio_7(certificate: Certificate, cafs: dict[int, Caf]) -> bytes:
    return sii.issue(
        make_document(33, folio=7), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT
    )


@pytest.mark.parametrize(
    ("tipo", "folio", "named"),
    [(33, 5, "folio 7"), (39, 7, "type 33"), (34, 7, "type 33")],
)
def test_a_document_given_another_document_s_timbre_is_refused_naming_both(
    folio_7: bytes, tipo: int, folio: int, named: str
) -> None:
    """A factura N° 5 printed with the timbre of N° 7 (or a boleta with a factura's) would be a
    printed DTE whose barcode says another document than its red box; it printed."""
    document = make_document(tipo, folio=folio)
    with pytest.raises(DocumentError, match=f"timbre of another document.*{named}") as raised:
        sii.render_pdf(document, ted=ted_bytes_of(folio_7))
    assert [detail.field for detail in raised.value.details] == ["ted"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"FchEmis": "2026-11-28"}, "date 2026-11-27"),
        ({"QtyItem": 5}, "total"),
    ],
)
def test_a_document_changed_after_it_was_stamped_is_refused_with_its_old_timbre(
    folio_7: bytes, change: dict[str, Any], named: str
) -> None:
    """The same folio with another date or other amounts (a Document edited after issue()):
    its page would show a total or a date that its timbre, which an inspector scans, does
    not; it printed."""
    data = document_dict(33, folio=7)
    if "FchEmis" in change:
        data["Encabezado"]["IdDoc"].update(change)
    else:
        data["Detalle"][0].update(change)
    document = Document.from_sii_dict(data)
    with pytest.raises(DocumentError, match=f"timbre of another document.*{named}"):
        sii.render_pdf(document, ted=ted_bytes_of(folio_7))


def test_a_document_given_its_own_timbre_prints_it(folio_7: bytes) -> None:
    pdf = sii.render_pdf(sii.parse(folio_7), ted=ted_bytes_of(folio_7))
    assert barcodes_on_page(pdf) == [ted_bytes_of(folio_7)]


@pytest.mark.parametrize("paper", ["letter", "80mm"])
def test_a_note_that_is_none_is_left_out_as_a_blank_one_is(
    issued: dict[int, bytes], paper: str
) -> None:
    """notes=[information_note, payment_note] with no payment note printed "None" under
    Observaciones."""
    pdf = sii.render_pdf(
        issued[33],
        paper=paper,  # type: ignore[arg-type]
        notes=["Pago por transferencia", None, "  "],  # type: ignore[list-item]
    )
    text = one_line(" ".join(page_texts(pdf)))
    assert "Observaciones Pago por transferencia" in text
    assert "None" not in text
    only_none = one_line(" ".join(page_texts(sii.render_pdf(issued[33], notes=[None]))))  # type: ignore[list-item]
    assert "Observaciones" not in only_none


def test_timbre_png_takes_a_file_as_render_pdf_does(tmp_path: Path) -> None:
    """A pathlib.Path was refused ("expected XML as bytes or str, got PosixPath") and a file's
    name given as text was "not well formed", where render_pdf reads the one and advises the
    other."""
    path = tmp_path / "DTE.xml"
    path.write_bytes(RECEIVED.read_bytes())
    assert sii.timbre_png(path) == sii.timbre_png(RECEIVED.read_bytes())
    with pytest.raises(XMLError, match=r"pass a pathlib\.Path"):
        sii.timbre_png(str(path))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_timbre_png_reads_a_dte_in_utf16_or_utf32_as_render_pdf_does(encoding: str) -> None:
    """A DTE saved in UTF-16 with its byte order mark printed with render_pdf, while
    timbre_png read its bytes as UTF-8 or ISO-8859-1 and said they were not well formed."""
    text = RECEIVED.read_bytes().decode("iso-8859-1")
    text = re.sub(r"^<\?xml[^>]*\?>", f'<?xml version="1.0" encoding="{encoding.upper()}"?>', text)
    bom = {"utf-16": b"", "utf-16-be": codecs.BOM_UTF16_BE, "utf-32": b""}[encoding]
    xml = bom + text.encode(encoding)
    assert sii.timbre_png(xml) == sii.timbre_png(RECEIVED.read_bytes())
    assert barcodes_on_page(sii.render_pdf(xml)) == [ted_bytes_of(RECEIVED.read_bytes())]


def test_render_pdfs_of_a_document_points_to_render_pdf_not_to_an_argument_it_lacks() -> None:
    """render_pdfs(document) advised passing ted=, which render_pdfs does not take (a
    TypeError for whoever followed it)."""
    with pytest.raises(
        XMLError, match=r"^render_pdfs prints signed XML .*render_pdf\(document, ted="
    ):
        sii.render_pdfs(make_document(33))  # type: ignore[arg-type]


def test_timbre_png_of_a_document_says_it_takes_the_stamped_xml() -> None:
    """A Document has no timbre; the advice to pass ted=, an argument timbre_png lacks, is
    render_pdf's."""
    with pytest.raises(
        XMLError, match=r"^timbre_png takes the stamped DTE's XML .* not a Document"
    ):
        sii.timbre_png(make_document(33))  # type: ignore[arg-type]


def test_render_pdfs_refuses_a_cedible_copy_naming_the_document_before_drawing_any(
    issued: dict[int, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the docs say of the whole input: the factura was drawn before the nota de crédito
    after it was refused, and the error did not say which document of the envelope it was."""
    import haulmer.sii.printed.drawing as drawing

    bodies = b"".join(re.sub(rb"^<\?xml[^>]*\?>\s*", b"", issued[t]) for t in (33, 61, 52))
    envelope = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<EnvioDTE xmlns="http://www.sii.cl/SiiDte" version="1.0"><SetDTE ID="S">'
        + bodies
        + b"</SetDTE></EnvioDTE>"
    )
    drawn: list[int] = []
    draw = drawing.draw
    monkeypatch.setattr(
        drawing, "draw", lambda doc, *args: drawn.append(doc.dte_type) or draw(doc, *args)
    )
    with pytest.raises(DocumentError, match=r"^document 2 of 3: a nota de crédito .* no cedible"):
        sii.render_pdfs(envelope, cedible=True)
    assert drawn == []
    assert len(sii.render_pdfs(envelope)) == 3
    assert drawn == [33, 61, 52]


@pytest.mark.parametrize("cedible", ["no", "false", 1, None])
@pytest.mark.parametrize("render", [sii.render_pdf, sii.render_pdfs])
def test_a_cedible_that_is_not_true_or_false_is_refused(
    issued: dict[int, bytes], cedible: object, render: Any
) -> None:
    """``cedible="no"`` from a configuration file printed the cedible copy (any non-empty text
    is true), a document that may be assigned to a factoring company."""
    with pytest.raises(ValidationError, match=r"^cedible must be True or False"):
        render(issued[33], cedible=cedible)


@pytest.mark.parametrize("sii_office", [5, b"CURICO", ["CURICO"]])
@pytest.mark.parametrize("render", [sii.render_pdf, sii.render_pdfs])
def test_an_sii_office_that_is_not_text_is_refused(
    issued: dict[int, bytes], sii_office: object, render: Any
) -> None:
    """It was printed as Python writes it under the red box: "S.I.I. - b'CURICO'"."""
    with pytest.raises(ValidationError, match=r"^sii_office must be the SII unit's name as text"):
        render(issued[33], sii_office=sii_office)


@pytest.mark.parametrize("notes", [b"Pago a 30 dias", [b"Pago"], 5])
def test_notes_that_are_not_texts_are_refused(issued: dict[int, bytes], notes: object) -> None:
    """Bytes were printed as their numbers, one note a byte ("80", "97"...)."""
    with pytest.raises(ValidationError, match=r"^notes must be a text or a sequence of texts"):
        sii.render_pdf(issued[33], notes=notes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("sii_office", "held"),
    [("CURI\x00CO", "U+0000, a control character"), ("SANTIAGO\nORIENTE", "U+000A, a line break")],
)
@pytest.mark.parametrize("render", [sii.render_pdf, sii.render_pdfs])
def test_an_sii_office_holding_a_control_character_is_refused(
    issued: dict[int, bytes], sii_office: str, held: str, render: Any
) -> None:
    """A NUL or an escape went into the PDF as it was, under the red box, and a line break
    inside the office's name lost what followed it; blanks around it are still trimmed."""
    refused = rf"^sii_office must be .* on one line .*{re.escape(held)}$"
    with pytest.raises(ValidationError, match=refused):
        render(issued[33], sii_office=sii_office)
    assert "S.I.I. - LA SERENA" in one_line(
        " ".join(page_texts(sii.render_pdf(issued[33], sii_office=" LA SERENA\n")))
    )


@pytest.mark.parametrize("note", ["Pago\x00", "\x1b[31mPago urgente", "Pago\x7f"])
@pytest.mark.parametrize("render", [sii.render_pdf, sii.render_pdfs])
def test_a_note_holding_a_control_character_is_refused_naming_it(
    issued: dict[int, bytes], note: str, render: Any
) -> None:
    """A NUL, an escape sequence or a DEL went into the PDF as they were, signs the page's fonts
    do not have; a note's line breaks and tabs still print as lines and spaces."""
    with pytest.raises(ValidationError, match=r"^notes must be printable text: note 2 holds U\+00"):
        render(issued[33], notes=["Gracias por su compra", note])
    pdf = sii.render_pdf(issued[33], notes=["Pago por\ttransferencia\r\na 30 días"])
    assert "Pago por transferencia\na 30 días" in page_texts(pdf)[0]

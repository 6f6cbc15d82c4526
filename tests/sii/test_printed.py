"""The printed representation: every issued type and the SII's real documents, on both papers,
read back as text and as a scanned PDF417 timbre."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from haulmer import sii
from haulmer.dte.catalogue import DTEType
from haulmer.dte.document import Document
from haulmer.errors import DocumentError, ValidationError, XMLError
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from pdf_reading import (
    barcode_boxes_mm,
    barcode_sizes_mm,
    barcodes_on_page,
    one_line,
    overlapping_texts,
    page_sizes_mm,
    page_texts,
    ted_bytes_of,
)

from .conftest import (
    REAL_DTES,
    SIGNED_AT,
    SUPPORTED_TYPES,
    document_dict,
    make_document,
)

PAPERS = ("letter", "80mm")


def _text(pdf: bytes) -> str:
    return one_line("\n".join(page_texts(pdf)))


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_every_issued_type_prints_its_key_texts_and_a_timbre_that_scans_back_to_its_ted(
    issued: dict[int, bytes], tipo: int, paper: str
) -> None:
    xml = issued[tipo]
    pdf = sii.render_pdf(xml, paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    for expected in (
        "R.U.T.: 76.086.428-5",
        DTEType(tipo).label.upper(),
        "N° 1",
        "S.I.I. - ÑUÑOA",
        'Comercial Ñandú & Hijos "El Ñato" Ltda.',
        "Martillo N°1 & 'clavos' \"Ñ\"",
        "Timbre Electrónico SII",
        "Res. N° 0 de 2026",
        "Verifique documento: www.sii.cl",
        "Total",
    ):
        assert expected in text, f"{expected!r} missing from the printed {tipo} ({paper})"
    assert "CEDIBLE" not in text
    assert barcodes_on_page(pdf) == [ted_bytes_of(xml)]


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_real_sii_documents_print_and_their_timbre_scans_back(path: Path, paper: str) -> None:
    xml = path.read_bytes()
    document = sii.parse(xml)
    pdf = sii.render_pdf(path, paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    assert f"N° {document.folio}" in text
    assert f"R.U.T.: {document.emisor.rut.format(dots=True)}" in text
    assert f"R.U.T.: {document.receptor.rut.format(dots=True)}" in text
    assert one_line(document.emisor.razon_social or "")[:30] in text
    assert f"{document.totals.mnt_total:,}".replace(",", ".") in text
    assert barcodes_on_page(pdf) == [ted_bytes_of(xml)]


@pytest.fixture(scope="module")
def sixty_lines(certificate: Certificate, cafs: dict[int, Caf]) -> bytes:
    return sii.issue(
        make_document(33, folio=7, lines=60),
        caf=cafs[33],
        certificate=certificate,
        timestamp=SIGNED_AT,
    )


def test_a_sixty_line_factura_runs_over_pages_with_the_timbre_on_the_last(
    sixty_lines: bytes,
) -> None:
    pdf = sii.render_pdf(sixty_lines)
    pages = [one_line(t) for t in page_texts(pdf)]
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"Página {number} de {len(pages)}" in text
        assert "R.U.T.: 76.086.428-5" in text
        assert "N° 7" in text
        assert ("Timbre Electrónico SII" in text) == (number == len(pages))
    everything = " ".join(pages)
    for index in range(1, 61):
        assert f"Martillo N°{index} &" in everything
    assert barcodes_on_page(pdf, -1) == [ted_bytes_of(sixty_lines)]
    assert barcodes_on_page(pdf, 0) == []


def test_a_sixty_line_factura_on_a_roll_is_one_strip_as_long_as_it_needs(
    sixty_lines: bytes,
) -> None:
    pdf = sii.render_pdf(sixty_lines, paper="80mm")
    ((width, height),) = page_sizes_mm(pdf)
    assert round(width) == 80
    assert 400 < height < 1000
    assert barcodes_on_page(pdf) == [ted_bytes_of(sixty_lines)]


def test_a_long_boleta_continues_on_further_strips_with_the_timbre_on_the_last(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    xml = sii.issue(
        make_document(39, lines=300), caf=cafs[39], certificate=certificate, timestamp=SIGNED_AT
    )
    pdf = sii.render_pdf(xml, paper="80mm")
    sizes = page_sizes_mm(pdf)
    texts = page_texts(pdf)
    assert len(sizes) > 1
    assert all(round(w) == 80 and h <= 1000.5 for w, h in sizes)
    assert ["Timbre Electrónico SII" in one_line(t) for t in texts] == [False] * (
        len(texts) - 1
    ) + [True]
    assert "Martillo N°300 &" in one_line(texts[-1]) or "Martillo N°300 &" in one_line(texts[-2])


def _rich_factura() -> dict[str, Any]:
    data = document_dict(33, folio=42, lines=3)
    detalle = data["Detalle"]
    detalle[0].update(DescuentoPct=10, UnmdItem="KG", DscItem="Acero forjado, mango de fresno")
    detalle[0]["CdgItem"] = [{"TpoCodigo": "INT1", "VlrCodigo": "MART-001"}]
    detalle[1].update(RecargoMonto=500)
    data["Encabezado"]["IdDoc"].update(FmaPago=2, FchVenc="2026-12-27")
    data["DscRcgGlobal"] = [
        {"TpoMov": "D", "GlosaDR": "Cliente frecuente", "TpoValor": "%", "ValorDR": 5},
        {"TpoMov": "R", "GlosaDR": "Flete a faena", "TpoValor": "$", "ValorDR": 3000},
    ]
    data["Referencia"] = [
        {
            "TpoDocRef": "801",
            "FolioRef": "OC-7781",
            "FchRef": "2026-11-20",
            "RazonRef": "Orden de compra",
        },
        {"TpoDocRef": "52", "FolioRef": "991", "FchRef": "2026-11-21"},
    ]
    return data


def test_every_line_discount_surcharge_reference_and_total_is_printed(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    document = Document.from_sii_dict(_rich_factura())
    xml = sii.issue(document, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    totals = sii.parse(xml).totals
    for paper in PAPERS:
        text = _text(sii.render_pdf(xml, paper=paper))  # type: ignore[arg-type]
        for expected in (
            "MART-001",
            "Acero forjado, mango de fresno",
            "1 KG",
            "(10 %)",
            "$ 500",
            "Descuento global Cliente frecuente: 5 %",
            "Recargo global Flete a faena: $ 3.000",
            "Orden de compra (801), folio OC-7781, del 20 de noviembre de 2026",
            "Guía de despacho electrónica (52), folio 991",
            "Forma de pago: Crédito",
            "Fecha de vencimiento: 27 de diciembre de 2026",
            'Señor(es): Minera Los Pelambres & Cía. "Ltda" con un nombre largo de más de 40',
            "R.U.T.: 96.790.240-3",
            f"Monto neto $ {totals.mnt_neto:,}".replace(",", "."),
            f"IVA (19 %) $ {totals.iva:,}".replace(",", "."),
            f"Total $ {totals.mnt_total:,}".replace(",", "."),
        ):
            assert expected in text, f"{expected!r} missing ({paper})"


def _with_wide_values(xml: bytes) -> bytes:
    """An issued factura of one line given the widest values a line and the totals carry: an
    EAN-13 code, a quantity with decimals and a unit, a discount with its rate, taxes with
    long names, amounts of many digits (printing checks no signature)."""
    text = xml.decode("iso-8859-1")
    text = text.replace(
        "<NroLinDet>1</NroLinDet>",
        "<NroLinDet>1</NroLinDet><CdgItem><TpoCodigo>EAN13</TpoCodigo>"
        "<VlrCodigo>7801234567890</VlrCodigo></CdgItem>",
    )
    text = re.sub(
        "<QtyItem>.*?</MontoItem>",
        "<QtyItem>1234.5678</QtyItem><UnmdItem>KG</UnmdItem><PrcItem>12345.75</PrcItem>"
        "<DescuentoPct>12.5</DescuentoPct><DescuentoMonto>1900000</DescuentoMonto>"
        "<MontoItem>123456789012</MontoItem>",
        text,
        count=1,
    )
    taxes = "".join(
        f"<ImptoReten><TipoImp>{code}</TipoImp><TasaImp>{rate}</TasaImp>"
        f"<MontoImp>{amount}</MontoImp></ImptoReten>"
        for code, rate, amount in (
            ("271", "18", "214"),
            ("28", "1.5", "300"),
            ("341", "11", "131"),
            ("50", "19", "132"),
            ("44", "15", "1234567"),
        )
    )
    text = re.sub("<MntTotal>\\d+</MntTotal>", taxes + "<MntTotal>123456789012</MntTotal>", text)
    return text.encode("iso-8859-1")


@pytest.mark.parametrize("paper", PAPERS)
def test_values_wider_than_their_place_are_printed_whole_and_overlap_nothing(
    issued: dict[int, bytes], paper: str
) -> None:
    pdf = sii.render_pdf(_with_wide_values(issued[33]), paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    assert "..." not in text
    for expected in (
        "1.234,5678",
        "KG",
        "$ 12.345,75",
        "$ 1.900.000",
        "(12,5 %)",
        "Impuesto bebidas azucaradas (18 %) $ 214",
        "Impuesto específico diésel (1,5 %) $ 300",
        "IVA retenido trigo (total) (11 %) $ 131",
        "IVA de margen de comercialización de instrumentos de prepago (19 %) $ 132",
        "Impuesto adicional (art. 37 e, h, i, l) (15 %) $ 1.234.567",
        "Total $ 123.456.789.012",
    ):
        assert expected in text, f"{expected!r} missing ({paper})"
    assert "7801234567890" in text.replace(" ", "")
    assert overlapping_texts(pdf) == []


def test_numbers_of_many_digits_widen_their_columns_and_are_never_broken_between_digits(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    """The widest numbers a line of an exenta carries together (a quantity with six decimals
    and its unit, a price with six, a discount and a surcharge of 11 digits, an amount of 18)
    each print on one line of the letter's table, the description column giving up room."""
    data = document_dict(34, folio=7, lines=1)
    data["Detalle"][0].update(
        NmbItem="Concesión minera",
        QtyItem="999999.123456",
        UnmdItem="UNID",
        PrcItem="999999999999.123456",
        DescuentoMonto=99_999_999_999,
        RecargoMonto=99_999_999_999,
        MontoItem=999_999_123_455_123_457,
    )
    for key in ("DescuentoPct", "RecargoPct"):
        data["Detalle"][0].pop(key, None)
    document = Document.from_sii_dict(data)
    xml = sii.issue(document, caf=cafs[34], certificate=certificate, timestamp=SIGNED_AT)
    pdf = sii.render_pdf(xml)
    lines = page_texts(pdf)[0].splitlines()
    for number in (
        "999.999,123456 UNID",
        "$ 999.999.999.999,123456",
        "-$ 99.999.999.999",
        "+$ 99.999.999.999",
        "$ 999.999.123.455.123.457",
    ):
        assert any(number in line for line in lines), f"{number!r} broken: {lines}"
    assert "Concesión minera" in _text(pdf)
    assert overlapping_texts(pdf) == []


def test_a_factura_of_18_digit_amounts_prints_each_whole_beside_its_price(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    """The price and amount of a factura for 700,000 units at the largest price the SII allows
    (12 digits): each on the line's own row, the $ beside its number."""
    data = document_dict(33, folio=8, lines=1)
    data["Detalle"][0].update(QtyItem=700_000, PrcItem=999_999_999_999)
    document = Document.from_sii_dict(data)
    xml = sii.issue(document, caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT)
    pdf = sii.render_pdf(xml)
    row = next(line for line in page_texts(pdf)[0].splitlines() if "700.000" in line)
    assert row.endswith("700.000 $ 999.999.999.999 $ 699.999.999.999.300.000"), row
    assert overlapping_texts(pdf) == []


def test_on_a_roll_a_unit_ending_in_x_keeps_it(issued: dict[int, bytes]) -> None:
    xml = re.sub(
        b"<QtyItem>1</QtyItem><PrcItem>1190</PrcItem>",
        b"<QtyItem>1</QtyItem><UnmdItem>box</UnmdItem>",
        issued[33],
        count=1,
    )
    assert "1 box $ 1.190" in _text(sii.render_pdf(xml, paper="80mm"))


@pytest.mark.parametrize("paper", PAPERS)
def test_a_line_longer_than_a_page_runs_over_pages_within_them(
    issued: dict[int, bytes], paper: str
) -> None:
    words = " ".join(f"palabra{index}" for index in range(6000))
    xml = issued[33].replace(b"</NmbItem>", f"</NmbItem><DscItem>{words}</DscItem>".encode(), 1)
    pdf = sii.render_pdf(xml, paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    assert "palabra0 " in text
    assert "palabra5999" in text
    sizes = page_sizes_mm(pdf)
    assert len(sizes) > 2
    assert max(height for _, height in sizes) <= 1000
    assert overlapping_texts(pdf) == []


@pytest.mark.parametrize("paper", PAPERS)
def test_the_cedible_copy_carries_the_acuse_de_recibo_and_its_legend(
    issued: dict[int, bytes], paper: str
) -> None:
    factura = _text(sii.render_pdf(issued[33], paper=paper, cedible=True))  # type: ignore[arg-type]
    assert "CEDIBLE" in factura
    assert "CEDIBLE CON SU FACTURA" not in factura
    assert "ACUSE DE RECIBO" in factura
    assert "Ley 19.983" in factura
    for label in ("Nombre:", "R.U.T.:", "Fecha:", "Recinto:", "Firma:"):
        assert label in factura
    guia = _text(sii.render_pdf(issued[52], paper=paper, cedible=True))  # type: ignore[arg-type]
    assert "CEDIBLE CON SU FACTURA" in guia


@pytest.mark.parametrize("tipo", [39, 41, 56, 61, 110, 111, 112])
def test_a_cedible_copy_of_a_type_that_has_none_is_refused(
    issued: dict[int, bytes], tipo: int
) -> None:
    with pytest.raises(DocumentError, match="has no cedible copy"):
        sii.render_pdf(issued[tipo], cedible=True)


def test_resolution_and_sii_office_are_printed_as_given(issued: dict[int, bytes]) -> None:
    text = _text(
        sii.render_pdf(issued[33], resolucion=(80, "2014-08-22"), sii_office="SANTIAGO ORIENTE")
    )
    assert "Res. N° 80 de 2014" in text
    assert "S.I.I. - SANTIAGO ORIENTE" in text
    from haulmer.sii.printed import Resolucion

    text = _text(sii.render_pdf(issued[33], resolucion=Resolucion(12, dt.date(2019, 3, 1))))
    assert "Res. N° 12 de 2019" in text


@pytest.mark.parametrize(
    ("given", "printed"),
    [
        ("S.I.I. - SANTIAGO ORIENTE", "S.I.I. - SANTIAGO ORIENTE"),
        ("SII: Temuco", "S.I.I. - Temuco"),
        ("  LA SERENA \n", "S.I.I. - LA SERENA"),
    ],
)
def test_an_sii_office_given_with_its_prefix_or_blanks_prints_the_prefix_once(
    issued: dict[int, bytes], given: str, printed: str
) -> None:
    """An office copied from an old invoice ("S.I.I. - SANTIAGO ORIENTE") printed its prefix
    twice, and blanks around it printed as they were."""
    text = _text(sii.render_pdf(issued[33], sii_office=given))
    assert printed in text
    assert text.count("S.I.I.") == 1


def test_a_blank_sii_office_prints_the_sii_alone_not_a_dangling_dash(
    issued: dict[int, bytes],
) -> None:
    text = _text(sii.render_pdf(issued[33], sii_office="   "))
    assert text.count("S.I.I.") == 1
    assert "S.I.I. -" not in text


@pytest.mark.parametrize("tipo", [33, 39])
def test_an_envelope_prints_the_resolution_its_caratula_declares(
    issued: dict[int, bytes], certificate: Certificate, tipo: int
) -> None:
    caratula = sii.Caratula(
        rut_emisor="76086428-5", fecha_resolucion=dt.date(2014, 8, 22), numero_resolucion=80
    )
    sent = sii.envelope([issued[tipo]], certificate=certificate, caratula=caratula)
    assert "Res. N° 80 de 2014" in _text(sii.render_pdf(sent))
    assert "Res. N° 80 de 2014" in _text(sii.render_pdfs(sent)[0])
    given = _text(sii.render_pdf(sent, resolucion=(12, "2019-03-01")))
    assert "Res. N° 12 de 2019" in given  # the caller's word comes first
    assert "Res. N° 0 de 2026" in _text(sii.render_pdf(issued[tipo]))  # a lone DTE has none


@pytest.mark.parametrize(
    ("numero", "fecha"), [("", "2014-08-22"), ("80", "22-08-2014"), ("-1", "2014-08-22")]
)
def test_an_envelope_whose_caratula_resolution_is_unreadable_prints_the_default(
    issued: dict[int, bytes], numero: str, fecha: str
) -> None:
    body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", issued[33])
    envelope = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<EnvioDTE xmlns="http://www.sii.cl/SiiDte" version="1.0"><SetDTE ID="S"><Caratula>'
        + f"<FchResol>{fecha}</FchResol><NroResol>{numero}</NroResol>".encode()
        + b"</Caratula>"
        + body
        + b"</SetDTE></EnvioDTE>"
    )
    assert "Res. N° 0 de 2026" in _text(sii.render_pdf(envelope))


@pytest.mark.parametrize(
    ("fecha", "printed"),
    [
        ("27-11-2026", "Res. N° 0 de 2026"),
        ("ayer", "Res. N° 0 "),
        ("20261127", "Res. N° 0 "),  # a date to Python 3.11's fromisoformat, not to 3.10's
        ("2026-11-27 rectificada", "Res. N° 0 de 2026"),
    ],
)
def test_a_document_whose_issue_date_is_unreadable_prints_no_invented_resolution_year(
    issued: dict[int, bytes], fecha: str, printed: str
) -> None:
    """A received DTE whose FchEmis is not an ISO date printed "Res. N° 0 de 2000", a year
    no document says: it now prints the year its date names, or none. The date itself prints
    as the document holds it, on every Python, not as the date its first ten characters make."""
    xml = re.sub(rb"<FchEmis>[^<]*</FchEmis>", f"<FchEmis>{fecha}</FchEmis>".encode(), issued[33])
    text = _text(sii.render_pdf(xml))
    assert "de 2000" not in text
    assert printed in text
    assert f"Fecha de emisión: {fecha}" in text


@pytest.mark.parametrize(
    "bad",
    [
        (80,),
        ("x", "2014-08-22"),
        (-1, "2014-08-22"),
        (80, "ayer"),
        80,
        # Read by Python 3.11's date.fromisoformat, not 3.10's: refused on every Python.
        (80, "20140822"),
        (80, "2014-W34-5"),
    ],
)
def test_a_malformed_resolution_is_refused_with_its_expected_shape(
    issued: dict[int, bytes], bad: Any
) -> None:
    with pytest.raises(ValidationError, match="resolucion must be"):
        sii.render_pdf(issued[33], resolucion=bad)


def test_an_unknown_paper_is_refused(issued: dict[int, bytes]) -> None:
    with pytest.raises(ValidationError, match="'letter' or '80mm'"):
        sii.render_pdf(issued[33], paper="A4")  # type: ignore[arg-type]


def test_free_notes_are_printed(issued: dict[int, bytes]) -> None:
    text = _text(sii.render_pdf(issued[33], notes=["Pago por transferencia", "Gracias ☺"]))
    assert "Observaciones" in text
    assert "Pago por transferencia" in text
    assert "Gracias" in text


def _png(size: tuple[int, int] = (120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 80, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("paper", PAPERS)
def test_a_logo_is_placed_and_the_timbre_still_scans(
    issued: dict[int, bytes], paper: str, tmp_path: Path
) -> None:
    import pypdf

    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    for given in (_png(), logo, Image.open(io.BytesIO(_png()))):
        pdf = sii.render_pdf(issued[33], paper=paper, logo=given)  # type: ignore[arg-type]
        images = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images
        assert len(images) == 2  # the logo and the timbre
    assert barcodes_on_page(pdf) == [ted_bytes_of(issued[33])]


def test_a_logo_that_is_not_an_image_is_refused(issued: dict[int, bytes]) -> None:
    with pytest.raises(ValidationError, match="logo= must be PNG or JPEG"):
        sii.render_pdf(issued[33], logo=b"not an image")


@pytest.mark.parametrize(
    ("logo", "reason"),
    [
        (b"not an image", "(12 bytes of no image format Pillow reads)"),
        (b"", "(no bytes)"),
        ("", "(an empty path)"),
        ("iVBORw0KGgo" * 400, "; a logo in base64 is given as its bytes, base64.b64decode(text))"),
    ],
)
def test_a_logo_that_cannot_be_read_says_why_in_a_few_words(
    issued: dict[int, bytes], logo: bytes | str, reason: str
) -> None:
    """Pillow's reason named the buffer it read by its memory address, a logo in base64 given as
    text was quoted whole as a file's name, and an empty path was said to be a folder."""
    with pytest.raises(ValidationError) as raised:
        sii.render_pdf(issued[33], logo=logo)
    message = str(raised.value)
    assert message.startswith("logo= must be PNG or JPEG bytes, a path to one or a PIL image (")
    assert message.endswith(reason)
    assert " at 0x" not in message
    assert "directory" not in message
    assert len(message) < 250


@pytest.mark.parametrize("side", [20_000, 9_000])
def test_a_logo_of_too_many_pixels_is_refused_before_it_is_decoded(
    issued: dict[int, bytes], side: int
) -> None:
    """A few kilobytes of PNG can say 400 million pixels: PIL raised its own
    DecompressionBombError past 179 million and only warned (then decoded) below."""
    import warnings

    stored = io.BytesIO()
    Image.new("1", (side, side)).save(stored, format="PNG")  # 1 bit a pixel: small to store
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no DecompressionBombWarning either
        with pytest.raises(ValidationError, match=r"^logo= has more pixels .* scale it down"):
            sii.render_pdf(issued[33], logo=stored.getvalue())


def test_a_document_prints_with_its_ted_given_apart(issued: dict[int, bytes]) -> None:
    xml = issued[33]
    document = sii.parse(xml)
    ted = ted_bytes_of(xml)
    pdf = sii.render_pdf(document, ted=ted)
    assert barcodes_on_page(pdf) == [ted]
    assert "FACTURA ELECTRÓNICA" in _text(pdf)
    with pytest.raises(DocumentError, match="pass the signed XML"):
        sii.render_pdf(document)
    with pytest.raises(XMLError, match="must be the document's <TED>"):
        sii.render_pdf(document, ted=b"<DD/>")


def test_the_xml_may_come_as_text_a_path_or_an_envelope_of_one(
    issued: dict[int, bytes], tmp_path: Path
) -> None:
    xml = issued[39]
    path = tmp_path / "boleta.xml"
    path.write_bytes(xml)
    body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
    envelope = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<EnvioBOLETA xmlns="http://www.sii.cl/SiiDte" version="1.0"><SetDTE ID="S">'
        + body
        + b"</SetDTE></EnvioBOLETA>"
    )
    for given in (xml.decode("iso-8859-1").split("?>", 1)[1], path, envelope):
        pdf = sii.render_pdf(given, paper="80mm")  # type: ignore[arg-type]
        assert barcodes_on_page(pdf) == [ted_bytes_of(xml)]
    two = envelope.replace(b"</SetDTE>", body + b"</SetDTE>")
    with pytest.raises(XMLError, match="holds 2 documents"):
        sii.render_pdf(two)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("factura.xml", "pass a pathlib.Path"),
        (b"<DTE xmlns='http://www.sii.cl/SiiDte'><Documento/></DTE>", "no timbre"),
        (b"<Foo/>", "expected a DTE"),
        (b'<!DOCTYPE d [<!ENTITY e "x">]><DTE/>', "DOCTYPE"),
        (b"<DTE><Documento>", "not well formed"),
        (12, "cannot print a int"),
    ],
)
def test_input_that_is_not_a_stamped_dte_is_refused_before_any_drawing(
    given: Any, message: str
) -> None:
    with pytest.raises(XMLError, match=message):
        sii.render_pdf(given)


def test_a_missing_file_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(XMLError, match="cannot read"):
        sii.render_pdf(tmp_path / "nowhere.xml")


def test_characters_outside_the_pdf_fonts_do_not_stop_the_printing(
    issued: dict[int, bytes],
) -> None:
    data = document_dict(33, folio=1)
    data["Detalle"][0]["DscItem"] = "Envío → Tokio 東京 ✓"
    document = Document.from_sii_dict(data)
    text = _text(sii.render_pdf(document, ted=ted_bytes_of(issued[33])))
    assert "Envío -> Tokio ?? ?" in text or "Envío ? Tokio ?? ?" in text


def test_the_same_document_prints_to_the_same_bytes(issued: dict[int, bytes]) -> None:
    assert sii.render_pdf(issued[61]) == sii.render_pdf(issued[61])


def test_the_timbre_png_is_the_pdf417_of_the_ted(issued: dict[int, bytes]) -> None:
    import zxingcpp

    for given in (issued[33], ted_bytes_of(issued[33])):
        image = Image.open(io.BytesIO(sii.timbre_png(given)))
        (found,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417)
        assert bytes(found.bytes) == ted_bytes_of(issued[33])


def test_importing_the_sii_layer_and_naming_render_pdf_loads_no_pdf_library() -> None:
    """Nor does asking whether the extra is installed."""
    import subprocess
    import sys

    code = (
        "import sys, haulmer, haulmer.sii; haulmer.sii.render_pdf; haulmer.sii.timbre_png; "
        "assert haulmer.sii.pdf_extra_installed(); "
        "print([m for m in ('zint', 'zxingcpp', 'PIL', 'pypdf') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("missing", ["zint", "PIL"])
def test_without_the_pdf_extra_the_error_names_the_extra_to_install(
    issued: dict[int, bytes], monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    import sys

    from haulmer.errors import ConfigurationError, MissingDependencyError

    monkeypatch.setitem(sys.modules, missing, None)  # what an import finds when it is absent
    for call in (lambda: sii.render_pdf(issued[33]), lambda: sii.timbre_png(issued[33])):
        with pytest.raises(MissingDependencyError, match=r"pip install 'haulmer\[pdf\]'") as caught:
            call()
        assert missing in str(caught.value)
        assert caught.value.extra == "pdf"
        assert isinstance(caught.value, ImportError)
        assert isinstance(caught.value, ConfigurationError)


@pytest.mark.parametrize("missing", ["zint", "PIL"])
def test_pdf_extra_installed_tells_whether_render_pdf_can_run(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    assert sii.pdf_extra_installed() is True
    monkeypatch.setitem(sys.modules, missing, None)
    assert sii.pdf_extra_installed() is False


@pytest.mark.parametrize(
    ("size", "width"), [((600, 60), 40.0), ((60, 120), 10.0), ((40, 20), 40.0)]
)
def test_a_logo_keeps_its_proportions_within_its_box(size: tuple[int, int], width: float) -> None:
    from haulmer.sii.printed.canvas import Canvas
    from haulmer.sii.printed.images import logo_image

    canvas = Canvas(title="t", created=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    canvas.add_page(215.9, 279.4)
    assert canvas.logo(logo_image(Image.new("RGB", size)), 0, 0, 40, 20) == pytest.approx(width)


def test_render_pdfs_prints_every_document_of_an_envelope_in_order(
    issued: dict[int, bytes],
) -> None:
    bodies = b"".join(re.sub(rb"^<\?xml[^>]*\?>\s*", b"", issued[t]) for t in (33, 61, 52))
    envelope = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<EnvioDTE xmlns="http://www.sii.cl/SiiDte" version="1.0"><SetDTE ID="S">'
        + bodies
        + b"</SetDTE></EnvioDTE>"
    )
    pdfs = sii.render_pdfs(envelope, paper="80mm")
    assert [barcodes_on_page(pdf) for pdf in pdfs] == [
        [ted_bytes_of(issued[t])] for t in (33, 61, 52)
    ]
    assert len(sii.render_pdfs(issued[39])) == 1
    with pytest.raises(DocumentError, match="has no cedible copy"):
        sii.render_pdfs(envelope, cedible=True)  # the nota de crédito has none
    with pytest.raises(XMLError, match="holds no <DTE>"):
        sii.render_pdfs(b"<EnvioDTE><SetDTE/></EnvioDTE>")


@pytest.mark.parametrize("paper", PAPERS)
def test_the_timbre_is_printed_at_least_as_large_as_the_sii_asks(
    issued: dict[int, bytes], paper: str
) -> None:
    ((width, height),) = barcode_sizes_mm(sii.render_pdf(issued[33], paper=paper))  # type: ignore[arg-type]
    assert width >= 45  # the SII: at least 4.5 cm wide
    assert height >= 20  # and 2 cm tall
    assert width <= 72  # within an 80 mm roll's printable width


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_the_timbre_fits_the_sii_s_two_by_five_to_four_by_nine_centimetres(
    issued: dict[int, bytes], tipo: int, paper: str
) -> None:
    """The SII takes the timbre from 2 x 5 cm up to 4 x 9 cm (height by width): an issued
    DTE's timbre, about 1 KB, prints about 3.5 cm tall."""
    ((_, _, width, height),) = barcode_boxes_mm(sii.render_pdf(issued[tipo], paper=paper))  # type: ignore[arg-type]
    assert 50 <= width <= 72
    assert 20 <= height <= 40


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("tipo", SUPPORTED_TYPES)
def test_a_1_kb_timbre_is_drawn_71_5_mm_wide_and_about_36_mm_tall(
    issued: dict[int, bytes], tipo: int, paper: str
) -> None:
    """docs/pdf.md: "drawn 71.5 mm wide ...: a 1 KB timbre is about 36 mm tall"."""
    assert 1000 <= len(ted_bytes_of(issued[tipo])) <= 1100
    ((_, _, width, height),) = barcode_boxes_mm(sii.render_pdf(issued[tipo], paper=paper))  # type: ignore[arg-type]
    assert width == pytest.approx(71.5, abs=0.5)
    assert 33 <= height <= 37


@pytest.mark.parametrize("path", REAL_DTES, ids=lambda p: p.name)
def test_a_real_sii_document_s_timbre_fits_the_sii_s_sizes(path: Path) -> None:
    ((_, _, width, height),) = barcode_boxes_mm(sii.render_pdf(path.read_bytes()))
    assert 50 <= width <= 90
    assert 20 <= height <= 40


@pytest.mark.parametrize("cedible", [False, True])
def test_on_letter_paper_the_timbre_sits_two_centimetres_or_more_from_the_left_edge(
    issued: dict[int, bytes], cedible: bool
) -> None:
    """The SII wants the timbre at the foot of the page, 2 cm or more from its left edge."""
    pdf = sii.render_pdf(issued[33], cedible=cedible)
    ((left, top, _, height),) = barcode_boxes_mm(pdf)
    assert left >= 19.8  # 2 cm, less a rendering pixel
    assert top + height > 279.4 / 2  # in the page's lower half


@pytest.mark.parametrize("paper", PAPERS)
def test_a_boleta_prints_its_period_total_and_medio_de_pago_but_not_the_generic_rut(
    issued: dict[int, bytes], paper: str
) -> None:
    xml = (
        issued[39]
        .replace(b"</IndServicio>", b"</IndServicio><MedioPago>3</MedioPago>")
        .replace(
            b"<RUTRecep>66666666-6</RUTRecep>",
            b"<RUTRecep>66666666-6</RUTRecep><RznSocRecep>Juan Perez</RznSocRecep>",
        )
        .replace(
            b"</MntTotal>", b"</MntTotal><MontoNF>500</MontoNF><TotalPeriodo>7720</TotalPeriodo>"
        )
    )
    text = _text(sii.render_pdf(xml, paper=paper))  # type: ignore[arg-type]
    assert "Total del período $ 7.720" in text
    assert "Transferencia electrónica" in text
    assert "Juan Perez" in text
    assert "66.666.666-6" not in text


_HOLLOW_DTE = (
    b'<DTE xmlns="http://www.sii.cl/SiiDte"><Documento><TED version="1.0"/></Documento></DTE>'
)


def test_a_dte_without_what_a_printed_dte_shows_is_refused_naming_what_it_lacks() -> None:
    """A timbre alone printed a PDF of blanks (no type, folio, emisor, date nor total)."""
    for render in (sii.render_pdf, sii.render_pdfs):
        with pytest.raises(DocumentError) as caught:
            render(_HOLLOW_DTE)
        message = str(caught.value)
        assert message.startswith("the document cannot be printed")
        for lacking in (
            "IdDoc/TipoDTE",
            "IdDoc/Folio",
            "IdDoc/FchEmis",
            "Emisor/RUTEmisor",
            "Emisor/RznSoc",
            "Totales/MntTotal",
        ):
            assert lacking in message
        assert [d.field for d in caught.value.details] == [
            "Encabezado.IdDoc.TipoDTE",
            "Encabezado.IdDoc.Folio",
            "Encabezado.IdDoc.FchEmis",
            "Encabezado.Emisor.RUTEmisor",
            "Encabezado.Emisor.RznSoc",
            "Encabezado.Totales.MntTotal",
        ]


@pytest.mark.parametrize(
    ("element", "named"),
    [
        (b"<Folio>1</Folio>", "IdDoc/Folio"),
        (b"<RUTEmisor>76086428-5</RUTEmisor>", "Emisor/RUTEmisor"),
        (b"<FchEmis>2026-11-27</FchEmis>", "IdDoc/FchEmis"),
    ],
)
def test_a_stamped_dte_missing_one_printed_fact_is_refused_naming_only_it(
    issued: dict[int, bytes], element: bytes, named: str
) -> None:
    xml = issued[33]
    assert element in xml
    with pytest.raises(DocumentError, match=f"lacks {named} \\(") as caught:
        sii.render_pdf(xml.replace(element, b"", 1))
    assert len(caught.value.details) == 1


def test_an_envelope_whose_dte_has_no_encabezado_is_refused_naming_the_document(
    issued: dict[int, bytes],
) -> None:
    """An EnvioBOLETA whose DTE had no Encabezado printed "DOCUMENTO TRIBUTARIO N° " and blanks."""
    body = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", issued[39])
    hollow = re.sub(rb"<Encabezado>.*</Encabezado>", b"", body, flags=re.S)
    envelope = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<EnvioBOLETA xmlns="http://www.sii.cl/SiiDte" version="1.0"><SetDTE ID="S">'
        + body
        + hollow
        + b"</SetDTE></EnvioBOLETA>"
    )
    with pytest.raises(DocumentError, match=r"^document 2 of 2 cannot be printed: it lacks "):
        sii.render_pdfs(envelope)
    with pytest.raises(DocumentError, match=r"^the document cannot be printed: it lacks "):
        sii.render_pdf(envelope.replace(body, b"", 1))


def test_a_boleta_without_its_optional_razon_social_still_prints(
    issued: dict[int, bytes],
) -> None:
    """EnvioBOLETA's schema makes RznSocEmisor optional, so a boleta may be issued without it."""
    xml, count = re.subn(rb"<RznSocEmisor>[^<]*</RznSocEmisor>", b"", issued[39])
    assert count == 1
    assert sii.render_pdf(xml, paper="80mm").startswith(b"%PDF-")
    with pytest.raises(DocumentError, match=r"lacks Emisor/RznSoc \("):
        sii.render_pdf(re.sub(rb"<RznSoc>[^<]*</RznSoc>", b"", issued[33]))


@pytest.mark.parametrize("paper", PAPERS)
def test_a_guia_prints_its_traslado_and_transport_with_every_rut_formatted(
    certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    """The transportista's RUT printed as the XML holds it (76086428-5), the chofer's formatted."""
    data = document_dict(52)
    data["Encabezado"]["IdDoc"].update(IndTraslado=5, TipoDespacho=2)
    data["Encabezado"]["Transporte"] = {
        "Patente": "ABCD12",
        "RUTTrans": "76086428-5",
        "Chofer": {"RUTChofer": "11111111-1", "NombreChofer": "Juan Pérez"},
        "DirDest": "Camino Lo Espejo 500",
        "CmnaDest": "Maipú",
    }
    xml = sii.issue(
        Document.from_sii_dict(data), caf=cafs[52], certificate=certificate, timestamp=SIGNED_AT
    )
    text = _text(sii.render_pdf(xml, paper=paper))  # type: ignore[arg-type]
    for expected in (
        "GUÍA DE DESPACHO ELECTRÓNICA" if paper == "letter" else "GUÍA DE DESPACHO",
        "Tipo de traslado: Traslados internos",
        "Tipo de despacho: Por el emisor a instalaciones del cliente",
        "Patente: ABCD12",
        "R.U.T. transportista: 76.086.428-5",
        "Chofer: Juan Pérez, 11.111.111-1",
        "Dirección de destino: Camino Lo Espejo 500",
        "Comuna de destino: Maipú",
    ):
        assert expected in text, f"{expected!r} missing ({paper})"
    assert "76086428-5" not in text


@pytest.mark.parametrize("paper", PAPERS)
def test_a_guia_prints_the_trailers_patente_beside_the_vehicles(
    certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    data = document_dict(52)
    data["Encabezado"]["IdDoc"].update(IndTraslado=1)
    data["Encabezado"]["Transporte"] = {"Patente": "ABCD12", "PatenteCarro": "JK1234"}
    xml = sii.issue(
        Document.from_sii_dict(data), caf=cafs[52], certificate=certificate, timestamp=SIGNED_AT
    )
    text = _text(sii.render_pdf(xml, paper=paper))  # type: ignore[arg-type]
    assert "Patente: ABCD12" in text
    assert "Patente del carro: JK1234" in text


@pytest.mark.parametrize("paper", PAPERS)
def test_a_reference_whose_reason_repeats_what_its_code_does_says_it_once(
    issued: dict[int, bytes], paper: str
) -> None:
    """CodRef 3 with RazonRef "Corrige montos" printed "Corrige montos, Corrige montos"."""
    text = _text(sii.render_pdf(issued[61], paper=paper))  # type: ignore[arg-type]
    assert (
        "Factura electrónica (33), folio 120, del 20 de noviembre de 2026, Corrige montos" in text
    )
    assert "Corrige montos, Corrige montos" not in text
    own_reason = issued[61].replace(
        b"<RazonRef>Corrige montos</RazonRef>", b"<RazonRef>Precio pactado 5% menor</RazonRef>"
    )
    text = _text(sii.render_pdf(own_reason, paper=paper))  # type: ignore[arg-type]
    assert "del 20 de noviembre de 2026, Corrige montos, Precio pactado 5% menor" in text


@pytest.mark.parametrize("paper", PAPERS)
def test_each_family_prints_its_own_amounts_by_name(
    issued: dict[int, bytes], certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    """A factura de compra its IVA retenido, a liquidación-factura its commissions, an export
    its currency and its amounts in pesos, an exenta its exento without neto nor IVA."""
    data = document_dict(46)
    for line in data["Detalle"]:
        line["CodImpAdic"] = [15]
    compra = sii.issue(
        Document.from_sii_dict(data).completed(),
        caf=cafs[46],
        certificate=certificate,
        timestamp=SIGNED_AT,
    )
    expected = {
        46: ["Monto neto $ 7.220", "IVA (19 %) $ 1.372", "IVA retenido total (19 %) $ 1.372"],
        43: [
            "Comisión 8% & 'flete' (8 %): neto $ 800, exento $ 0, IVA $ 152",
            "Comisiones neto $ 800",
            "Comisiones IVA $ 152",
            "Total $ 7.290",
        ],
        110: [
            "Moneda: DOLAR USA",
            "Total (DOLAR USA) 81,50",
            "Tipo de cambio: 950,25",
            "Monto exento: $ 77.445",
        ],
        34: ["Monto exento $ 7.220", "Total $ 7.220"],
    }
    for tipo, texts in expected.items():
        xml = compra if tipo == 46 else issued[tipo]
        text = _text(sii.render_pdf(xml, paper=paper))  # type: ignore[arg-type]
        for wanted in texts:
            assert wanted in text, f"{wanted!r} missing from the printed {tipo} ({paper})"
        if tipo == 34:
            assert "Monto neto" not in text
            assert "IVA" not in text


@pytest.mark.parametrize("paper", PAPERS)
def test_an_export_prints_the_aduana_codes_the_sdk_knows_by_name_and_code(
    issued: dict[int, bytes], paper: str
) -> None:
    """The modalidad, cláusula and vía were printed as bare numbers ("Cláusula de venta: 5");
    a code outside the SDK's tables is printed alone, as given."""
    pdf = sii.render_pdf(issued[110], paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    for expected in (
        "Modalidad de venta: A firme (1)",
        "Cláusula de venta: FOB (5)",
        "Vía de transporte: Marítima, fluvial y lacustre (1)",
        "Puerto de embarque: 906",
    ):
        assert expected in text, f"{expected!r} missing ({paper})"
    unknown = (
        issued[110]
        .replace(b"<CodModVenta>1</CodModVenta>", b"<CodModVenta>7</CodModVenta>")
        .replace(b"<CodClauVenta>5</CodClauVenta>", b"<CodClauVenta>10</CodClauVenta>")
        .replace(b"<CodViaTransp>1</CodViaTransp>", b"<CodViaTransp>3</CodViaTransp>")
    )
    for tag in (b"<CodModVenta>7<", b"<CodClauVenta>10<", b"<CodViaTransp>3<"):
        assert tag in unknown
    text = _text(sii.render_pdf(unknown, paper=paper))  # type: ignore[arg-type]
    for expected in (
        "Modalidad de venta: 7 ",
        "Cláusula de venta: 10 ",
        "Vía de transporte: 3 ",
    ):
        assert expected in text, f"{expected!r} missing ({paper})"


@pytest.mark.parametrize("paper", PAPERS)
def test_a_global_reference_prints_no_folio_but_that_it_is_global_and_its_reason(
    certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    """A nota de crédito correcting many boletas at once refers to them globally (IndGlobal 1,
    FolioRef 0): the SII names no folio there, so none is printed, and its RazonRef says which."""
    data = document_dict(61, folio=8)
    data["Referencia"] = [
        {
            "TpoDocRef": "39",
            "IndGlobal": 1,
            "FolioRef": "0",
            "FchRef": "2026-11-20",
            "CodRef": 3,
            "RazonRef": "Boletas de noviembre",
        }
    ]
    xml = sii.issue(
        Document.from_sii_dict(data), caf=cafs[61], certificate=certificate, timestamp=SIGNED_AT
    )
    text = _text(sii.render_pdf(xml, paper=paper))  # type: ignore[arg-type]
    assert (
        "Boleta electrónica (39), global, del 20 de noviembre de 2026, Corrige montos, "
        "Boletas de noviembre"
    ) in text
    assert "folio 0" not in text


@pytest.mark.parametrize("paper", PAPERS)
def test_the_payment_terms_the_document_holds_are_printed(
    certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    """A factura a crédito's schedule of payments (MntPagos), its term in days, the account to
    pay into, and what was paid and is owed (FchCancel, MntCancel, SaldoInsol): the buyer pays
    by them, and none of it was printed."""
    data = document_dict(33, folio=9, lines=1)
    data["Encabezado"]["IdDoc"].update(
        FmaPago=2,
        MntCancel=500,
        SaldoInsol=916,
        MntPagos=[
            {"FchPago": "2026-12-27", "MntPago": 700, "GlosaPagos": "Primera cuota"},
            {"FchPago": "2027-01-27", "MntPago": 716},
        ],
        TpoCtaPago="CORRIENTE",
        NumCtaPago="00-123-45678-9",
        BcoPago="Banco de Chile",
        TermPagoDias=60,
    )
    xml = sii.issue(
        Document.from_sii_dict(data), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT
    )
    text = _text(sii.render_pdf(xml, paper=paper))  # type: ignore[arg-type]
    for expected in (
        "Forma de pago: Crédito",
        "Pago: 27 de diciembre de 2026, $ 700, Primera cuota",
        "Pago: 27 de enero de 2027, $ 716",
        "Monto pagado: $ 500",
        "Saldo insoluto: $ 916",
        "Plazo de pago: 60 días",
        "Cuenta de pago: cuenta corriente 00-123-45678-9, Banco de Chile",
    ):
        assert expected in text, f"{expected!r} missing ({paper})"


@pytest.mark.parametrize("paper", PAPERS)
def test_the_thirty_payments_the_xsd_allows_print_whole_and_overlap_nothing(
    certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    """They are a section of their own, which runs over pages, not fields of the header."""
    data = document_dict(33, folio=10, lines=30)
    total = Document.from_sii_dict(data).completed().totals.mnt_total
    data["Encabezado"]["IdDoc"].update(
        FmaPago=2,
        MntPagos=[
            {
                "FchPago": (dt.date(2027, 1, 1) + dt.timedelta(days=30 * i)).isoformat(),
                "MntPago": total // 30 + (total % 30 if i == 29 else 0),
                "GlosaPagos": f"Cuota {i + 1} de 30 según el contrato marco"[:40],
            }
            for i in range(30)
        ],
    )
    xml = sii.issue(
        Document.from_sii_dict(data), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT
    )
    pdf = sii.render_pdf(xml, paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    for number in range(1, 31):
        assert f"Cuota {number} de 30" in text
    assert overlapping_texts(pdf) == []


@pytest.mark.parametrize("paper", PAPERS)
def test_an_export_prints_its_forma_de_pago_de_exportacion(
    issued: dict[int, bytes], paper: str
) -> None:
    """FmaPagExp, the Aduana's code of how the export is paid (32 in the test factura), was not
    printed; it prints as the code the document holds, as the other Aduana codes without a
    name in the SDK do."""
    pdf = sii.render_pdf(issued[110], paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    assert "Forma de pago exportación: 32" in text
    assert overlapping_texts(pdf) == []


@pytest.mark.parametrize("paper", PAPERS)
def test_a_received_dte_with_numbers_of_absurd_size_still_prints(
    issued: dict[int, bytes], paper: str
) -> None:
    """Printing checks no signature nor schema: a quantity of ``1E+30``, a price of
    ``-1E-999999`` and a total of 5,000 digits print instead of raising decimal's or int's
    bare errors."""
    xml = issued[33].decode("iso-8859-1")
    xml = re.sub("<QtyItem>[^<]*</QtyItem>", "<QtyItem>1E+30</QtyItem>", xml, count=1)
    xml = re.sub("<PrcItem>[^<]*</PrcItem>", "<PrcItem>-1E-999999</PrcItem>", xml, count=1)
    xml = re.sub("<MntTotal>[^<]*</MntTotal>", f"<MntTotal>{'9' * 5000}</MntTotal>", xml)
    text = _text(sii.render_pdf(xml.encode("iso-8859-1"), paper=paper))  # type: ignore[arg-type]
    assert "1.000.000.000.000.000.000.000.000.000" in text
    assert "-1E-999999" in text
    assert "999.999.999" in text


@pytest.mark.parametrize("paper", PAPERS)
def test_an_export_prints_its_shipping_company_booking_and_port_identifications(
    certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    """The shipping company (NomCiaTransp, RUTCiaTransp), the booking, the operator, the
    additional identifications of the transport and the ports, and the total of items were
    left off the printed export, whose buyer and forwarder look for them."""
    data = document_dict(110, folio=11)
    data["Encabezado"]["Transporte"]["Aduana"].update(
        RUTCiaTransp="96790240-3",
        NomCiaTransp="Naviera Austral SA",
        IdAdicTransp="Viaje 214W",
        Booking="BK-778812",
        Operador="Agencia Ñandú",
        IdAdicPtoEmb="Muelle 3",
        IdAdicPtoDesemb="Terminal 9",
        TotItems=3,
    )
    xml = sii.issue(
        Document.from_sii_dict(data), caf=cafs[110], certificate=certificate, timestamp=SIGNED_AT
    )
    pdf = sii.render_pdf(xml, paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    for expected in (
        "Nave o transporte: MSC Valparaíso",
        "Compañía transportista: Naviera Austral SA",
        "R.U.T. compañía transportista: 96.790.240-3",
        "Identificación adicional del transporte: Viaje 214W",
        "Booking: BK-778812",
        "Operador: Agencia Ñandú",
        "Puerto de embarque: 906, Muelle 3",
        "Puerto de desembarque: 343, Terminal 9",
        "Total de ítems: 3",
    ):
        assert expected in text, f"{expected!r} missing ({paper})"
    assert overlapping_texts(pdf) == []


@pytest.mark.parametrize("paper", PAPERS)
def test_a_boleta_with_net_line_amounts_says_its_prices_are_net(
    certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    """A boleta's prices include IVA unless IdDoc/IndMntNeto is 2: a customer read its net
    prices as what they pay for each item, as nothing said otherwise."""
    texts = []
    for folio, net in ((12, True), (13, False)):
        data = document_dict(39, folio=folio)
        if net:
            data["Encabezado"]["IdDoc"]["IndMntNeto"] = 2
        document = Document.from_sii_dict(data)
        xml = sii.issue(document, caf=cafs[39], certificate=certificate, timestamp=SIGNED_AT)
        texts.append(_text(sii.render_pdf(xml, paper=paper)))  # type: ignore[arg-type]
    net_text, gross_text = texts
    assert "Precios: netos, sin IVA" in net_text
    assert "Precios:" not in gross_text


@pytest.mark.parametrize("paper", PAPERS)
def test_a_line_prints_its_lots_dates_reference_price_and_additional_tax(
    certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    """Subcantidad (the serial numbers or lots a line is made of), FchElabor and FchVencim (a
    food's or a medicine's dates), the price per reference unit (QtyRef, UnmdRef, PrcRef) and
    the additional tax the line bears (CodImpAdic) were left off the page."""
    data = document_dict(33, folio=14, lines=1)
    data["Detalle"][0].update(
        QtyRef=1,
        UnmdRef="KG",
        PrcRef=2380,
        FchElabor="2026-10-01",
        FchVencim="2027-10-01",
        CodImpAdic=["271"],
    )
    xml = sii.issue(
        Document.from_sii_dict(data), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT
    )
    lots = b"<Subcantidad><SubQty>1</SubQty><SubCod>SN-0001</SubCod></Subcantidad>"
    xml = xml.replace(b"<FchElabor>", lots + b"<FchElabor>", 1)  # as a received DTE holds it
    pdf = sii.render_pdf(xml, paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    for expected in (
        "$ 2.380 por 1 KG",
        "1 de SN-0001",
        "elaborado el 1 de octubre de 2026",
        "vence el 1 de octubre de 2027",
        "afecto a Impuesto bebidas azucaradas",
    ):
        assert expected in text, f"{expected!r} missing ({paper})"
    assert overlapping_texts(pdf) == []


@pytest.mark.parametrize("paper", PAPERS)
def test_a_reference_price_without_its_unit_says_what_it_is(paper: str) -> None:
    """A real nota de crédito (Bata's 110616) carries PrcRef without QtyRef or UnmdRef: it
    printed as a bare "$ 48.190.822" among the line's texts, read as a second amount."""
    path = next(path for path in REAL_DTES if path.name == "DTE--96670340-7--61--110616.xml")
    text = _text(sii.render_pdf(path, paper=paper))  # type: ignore[arg-type]
    assert "precio de referencia $ 48.190.822" in text
    assert (
        text.count("$ 48.190.822") == 4
    )  # the reference price, the unit price, the amount, the neto


@pytest.mark.parametrize("paper", PAPERS)
def test_a_received_guia_prints_its_departure_arrival_and_supplier(
    issued: dict[int, bytes], paper: str
) -> None:
    """Fields of the SII's 2026 schema, which a received guía may carry (the SDK does not write
    them): its departure and arrival and the emisor's supplier."""
    xml = (
        issued[52]
        .replace(
            b"</CiudadOrigen>",
            b"</CiudadOrigen><RUTProveedor>96790240-3</RUTProveedor>"
            b"<RznSocProveedor>Aserradero del Sur Ltda.</RznSocProveedor>",
            1,
        )
        .replace(
            b"<Totales>",
            b"<Transporte><FchSalida>2026-11-27</FchSalida><HraSalida>08:30:00</HraSalida>"
            b"<FchLlegada>2026-11-28</FchLlegada></Transporte><Totales>",
            1,
        )
    )
    pdf = sii.render_pdf(xml, paper=paper)  # type: ignore[arg-type]
    text = _text(pdf)
    for expected in (
        "Proveedor: Aserradero del Sur Ltda., R.U.T. 96.790.240-3",
        "Salida: 27 de noviembre de 2026, 08:30:00",
        "Llegada: 28 de noviembre de 2026",
    ):
        assert expected in text, f"{expected!r} missing ({paper})"
    assert overlapping_texts(pdf) == []


@pytest.mark.parametrize("paper", PAPERS)
def test_an_export_prints_its_foreign_receptor_s_additional_identification(
    certificate: Certificate, cafs: dict[int, Caf], paper: str
) -> None:
    """Extranjero/IdAdicRecep (a tax id abroad, a customs code) was left off the page."""
    data = document_dict(110, folio=15)
    data["Encabezado"]["Receptor"]["Extranjero"]["IdAdicRecep"] = "EORI GB123456789000"
    xml = sii.issue(
        Document.from_sii_dict(data), caf=cafs[110], certificate=certificate, timestamp=SIGNED_AT
    )
    text = _text(sii.render_pdf(xml, paper=paper))  # type: ignore[arg-type]
    assert "Identificación adicional: EORI GB123456789000" in text

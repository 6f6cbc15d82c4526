"""The printed DTE at the XSD's limits: the most totals a document carries, the longest texts,
on both papers, judged by its text and by where each thing is drawn."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from haulmer import sii
from haulmer.dte.document import Document
from haulmer.pfx import Certificate
from haulmer.sii import Caf
from pdf_reading import (
    barcodes_on_page,
    one_line,
    overlapping_texts,
    page_texts,
    render_page,
    ted_bytes_of,
    texts_over_images,
)

from .conftest import SIGNED_AT, document_dict

PAPERS = ("letter", "80mm")
_TAX_CODES = ("50", "44", "481", "371", "271", "28", "35", "23", "24", "25")
_TAX_CODES += ("26", "27", "14", "15", "16", "17", "18", "19", "30", "999")
_MOST = "999999999999999999"
"""The largest amount the SII's 18 digits allow."""


def _longest(words: str, length: int) -> str:
    """``words`` repeated to exactly ``length`` characters."""
    return (words * length)[:length]


def _with_longest_emisor(text: str) -> str:
    """The emisor's razón social, giro and address as long as the XSD allows (100, 80 and 70
    characters), with two telephones, an e-mail and a sucursal."""
    emisor = (
        f"<RznSoc>{_longest('Comercializadora Ñandú y Compañía ', 100)}</RznSoc>"
        f"<GiroEmis>{_longest('Venta al por mayor de artículos de ferretería ', 80)}</GiroEmis>"
        "<Telefono>+56 2 2345 6789</Telefono><Telefono>+56 9 8765 4321</Telefono>"
        "<CorreoEmisor>facturacion.electronica@comercializadora-nandu.cl</CorreoEmisor>"
        "<Acteco>475201</Acteco><Sucursal>Casa Matriz Ñuñoa</Sucursal>"
        f"<DirOrigen>{_longest('Avenida Libertador Bernardo O Higgins 1234 ', 70)}</DirOrigen>"
    )
    return re.sub("<RznSoc>.*?</DirOrigen>", emisor, text, count=1, flags=re.DOTALL)


def _with_every_total(xml: bytes) -> bytes:
    """An issued factura given the longest emisor and the most totals Totales holds, each of 18
    digits: MntExe, the 20 ImptoReten the XSD allows (long names, which wrap beside such
    amounts) and what may follow MntTotal (printing checks no signature)."""
    text = _with_longest_emisor(xml.decode("iso-8859-1"))
    taxes = "".join(
        f"<ImptoReten><TipoImp>{code}</TipoImp><TasaImp>19</TasaImp>"
        f"<MontoImp>{_MOST}</MontoImp></ImptoReten>"
        for code in _TAX_CODES
    )
    after = "".join(
        f"<{tag}>{_MOST}</{tag}>"
        for tag in ("MontoNF", "MontoPeriodo", "SaldoAnterior", "VlrPagar")
    )
    text = re.sub("<MntTotal>\\d+</MntTotal>", f"{taxes}<MntTotal>{_MOST}</MntTotal>{after}", text)
    text = text.replace("<MntNeto>", f"<MntExe>{_MOST}</MntExe><MntNeto>", 1)
    return text.encode("iso-8859-1")


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 150), (200, 16, 46)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(("cedible", "logo"), [(False, True), (True, False)])
def test_totals_taller_than_a_page_run_over_pages_and_the_foot_stays_under_the_header(
    issued: dict[int, bytes], cedible: bool, logo: bool
) -> None:
    """Thirty totals of 18 digits (and the acuse de recibo of a cedible copy) are more than
    fits beside the timbre under a page's header (taller with a logo): the first of them go
    in a framed column before the foot, page after page, instead of the foot being drawn over
    the emisor and the red box."""
    xml = _with_every_total(issued[33])
    pdf = sii.render_pdf(xml, cedible=cedible, logo=_logo() if logo else None)
    assert overlapping_texts(pdf) == []
    assert texts_over_images(pdf) == []
    text = one_line(" ".join(page_texts(pdf)))
    assert text.count("$ 999.999.999.999.999.999") == 1 + len(_TAX_CODES) + 1 + 4
    for name in ("Impuesto código 999 (19 %)", "Monto exento", "Valor a pagar"):
        assert name in text
    last = one_line(page_texts(pdf)[-1])
    assert "Total $ 999.999.999.999.999.999" in last
    assert ("CEDIBLE" in last) == cedible
    assert barcodes_on_page(pdf) == [ted_bytes_of(xml)]


@pytest.mark.parametrize("paper", PAPERS)
def test_a_long_sii_office_wraps_under_the_red_box_within_the_page(
    issued: dict[int, bytes], paper: str
) -> None:
    """The SII's regional units have names of 50 characters, wider than the red box: the
    office under it wraps to the box's width instead of running off the page."""
    office = "DIRECCION REGIONAL METROPOLITANA SANTIAGO ORIENTE"
    pdf = sii.render_pdf(issued[33], paper=paper, sii_office=office)  # type: ignore[arg-type]
    assert overlapping_texts(pdf) == []
    assert f"S.I.I. - {office}" in one_line(page_texts(pdf)[0])
    assert barcodes_on_page(pdf) == [ted_bytes_of(issued[33])]


def _gray_png_16_bits(level: int, size: tuple[int, int] = (40, 20)) -> bytes:
    """A 16-bit grayscale PNG of one ``level`` (0 to 65535), as scanners and design tools
    write them; Pillow opens it in mode I;16."""
    image = Image.new("I;16", size, level)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("paper", PAPERS)
def test_a_16_bit_grayscale_logo_prints_in_its_own_gray(
    issued: dict[int, bytes], paper: str
) -> None:
    """Its levels go from 16 bits to 8 (a mid gray stays mid gray), instead of every level
    above 255 of 65535 printing white: a gray logo vanished from the page."""
    logo = _gray_png_16_bits(32768)
    assert Image.open(io.BytesIO(logo)).mode == "I;16"
    pdf = sii.render_pdf(issued[33], paper=paper, logo=logo)  # type: ignore[arg-type]
    # the logo's box: 40 x 20 mm at the letter's top left margin, 16 mm tall centred on a roll
    x_mm, y_mm = (32.0, 22.0) if paper == "letter" else (40.0, 12.0)
    page = render_page(pdf, 0, dpi=72)
    gray = page.getpixel((round(x_mm / 25.4 * 72), round(y_mm / 25.4 * 72)))
    assert 120 <= gray <= 136, gray


def _jpeg_turned_by_exif() -> bytes:
    """A 40 x 20 logo, black on its left half and white on its right, as a phone or a camera
    writes it: its pixels stored turned a quarter left, and EXIF Orientation 6 saying to turn
    them a quarter right to show it."""
    shown = Image.new("L", (40, 20), 255)
    shown.paste(0, (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to show
    out = io.BytesIO()
    shown.transpose(Image.Transpose.ROTATE_90).save(
        out, format="JPEG", quality=95, exif=exif.tobytes()
    )
    return out.getvalue()


@pytest.mark.parametrize("paper", PAPERS)
def test_a_logo_is_printed_the_way_up_its_exif_orientation_says(
    issued: dict[int, bytes], paper: str
) -> None:
    """As every viewer shows it, not on its side."""
    logo = _jpeg_turned_by_exif()
    pdf = sii.render_pdf(issued[33], paper=paper, logo=logo)  # type: ignore[arg-type]
    page = render_page(pdf, 0, dpi=144)
    # the logo's box: 40 x 20 mm at the letter's top left margin; 32 x 16 mm centred on a roll
    left, top, width, height = (12.0, 12.0, 40.0, 20.0) if paper == "letter" else (24, 4, 32, 16)

    def level(x: float, y: float) -> int:
        return int(page.getpixel((round(x / 25.4 * 144), round(y / 25.4 * 144))))

    for down in (0.25, 0.5, 0.75):
        y = top + down * height
        assert level(left + 0.25 * width, y) < 60, "the left half is black"
        assert level(left + 0.75 * width, y) > 200, "the right half is white"


def _beyond_the_xsd(xml: bytes, words: int) -> bytes:
    """A received factura whose emisor's razón social, receptor's razón social and payment
    terms are ``words`` words long, far past the XSD's 100 characters (printing checks no
    schema)."""
    text = xml.decode("iso-8859-1")
    long = "Palabra " * words
    text = text.replace("<RznSoc>", f"<RznSoc>{long}", 1)
    text = text.replace("<RznSocRecep>", f"<RznSocRecep>{long}", 1)
    text = text.replace("</FchEmis>", f"</FchEmis><TermPagoGlosa>{long}</TermPagoGlosa>", 1)
    return text.encode("iso-8859-1")


@pytest.mark.parametrize("paper", PAPERS)
def test_texts_far_beyond_the_xsd_are_cut_with_a_mark_within_the_page(
    issued: dict[int, bytes], paper: str
) -> None:
    """On letter paper, a header or a receptor's block of pages was drawn past the page's
    foot, over the lines, the totals and the timbre; a roll, as long as its document, prints
    them whole."""
    xml = _beyond_the_xsd(issued[33], 1500)
    pdf = sii.render_pdf(xml, paper=paper)  # type: ignore[arg-type]
    assert overlapping_texts(pdf) == []
    assert texts_over_images(pdf) == []
    text = one_line(" ".join(page_texts(pdf)))
    if paper == "letter":
        assert text.count("...") == 3  # the emisor's, the receptor's, the terms'
    else:
        assert text.count("Palabra") == 3 * 1500
    for expected in ("R.U.T.: 96.790.240-3", "Martillo N°3", "Total $ "):
        assert expected in text
    assert barcodes_on_page(pdf) == [ted_bytes_of(xml)]


def test_the_xsd_s_longest_texts_in_the_widest_letter_print_whole_beside_a_logo(
    issued: dict[int, bytes],
) -> None:
    """What the cut of texts beyond the XSD leaves whole: every emisor, receptor and payment
    text as long as the XSD allows, in capital Ws, beside a logo."""
    text = issued[33].decode("iso-8859-1")
    for tag, length in (
        ("RznSoc", 100),
        ("GiroEmis", 80),
        ("DirOrigen", 70),
        ("CmnaOrigen", 20),
        ("CiudadOrigen", 20),
        ("RznSocRecep", 100),
        ("DirRecep", 70),
    ):
        text = re.sub(f"<{tag}>.*?</{tag}>", f"<{tag}>{'W' * length}</{tag}>", text, count=1)
    emisor_extras = (
        f"<Telefono>{'W' * 20}</Telefono><Telefono>{'W' * 20}</Telefono>"
        f"<CorreoEmisor>{'w' * 75}@w.cl</CorreoEmisor><Acteco>"
    )
    text = text.replace("<Acteco>", emisor_extras, 1)
    text = text.replace("</DirOrigen>", f"</DirOrigen><Sucursal>{'W' * 20}</Sucursal>", 1)
    text = text.replace("</FchEmis>", f"</FchEmis><TermPagoGlosa>{'W' * 100}</TermPagoGlosa>", 1)
    xml = text.encode("iso-8859-1")
    pdf = sii.render_pdf(xml, logo=_logo())
    printed = " ".join(page_texts(pdf))
    assert "..." not in printed
    assert printed.count("W") >= 100 + 80 + 70 + 20 + 20 + 20 + 40 + 100 + 70 + 100
    assert overlapping_texts(pdf) == []
    assert texts_over_images(pdf) == []


def test_sections_running_over_pages_carry_no_table_header_and_repeat_their_title(
    certificate: Certificate, cafs: dict[int, Caf]
) -> None:
    """The 40 references the XSD allows run over a page: the next page showed the lines'
    column titles (Código, Descripción, Cantidad...) over reference texts, not its section's."""
    data = document_dict(33, folio=9, lines=3)
    reason = _longest("Razón de la referencia ñ ", 90)
    data["Referencia"] = [
        {"TpoDocRef": "801", "FolioRef": str(n), "FchRef": "2026-11-20", "RazonRef": reason}
        for n in range(1, 41)
    ]
    xml = sii.issue(
        Document.from_sii_dict(data), caf=cafs[33], certificate=certificate, timestamp=SIGNED_AT
    )
    pdf = sii.render_pdf(xml)
    pages = [one_line(text) for text in page_texts(pdf)]
    assert len(pages) > 1
    assert "Cantidad Precio unit." in pages[0]
    for page in pages[1:]:
        assert "Cantidad Precio unit." not in page
        assert "Referencias (continuación)" in page
    everything = " ".join(pages)
    for n in range(1, 41):
        assert f"Orden de compra (801), folio {n}, del 20 de noviembre de 2026" in everything
    assert overlapping_texts(pdf) == []


def test_a_timbre_holding_an_accented_element_name_prints(issued: dict[int, bytes]) -> None:
    """An element in another namespace named ``Añadido`` inside the TED: the namespace-free
    copy of the timbre that the barcode is made of holds the name (render_pdf raised lxml's
    XMLSyntaxError from inside that copy)."""
    altered = issued[33].replace(
        b"<TSTED>", '<Añadido xmlns="urn:erp">1</Añadido><TSTED>'.encode("iso-8859-1")
    )
    pdf = sii.render_pdf(altered)
    assert pdf.startswith(b"%PDF")
    assert len(barcodes_on_page(pdf)) == 1


@pytest.mark.parametrize("mode", ["La", "RGBa"])
def test_a_logo_with_premultiplied_transparency_prints_laid_on_white(
    issued: dict[int, bytes], mode: str
) -> None:
    """PIL's premultiplied modes (La, RGBa): La raised PIL's bare ValueError ("conversion from
    La to L not supported"), RGBa lost its transparency; both print as the other transparent
    logos do, on the white of the paper."""
    logo = Image.new("LA" if mode == "La" else "RGBA", (40, 20), 0).convert(mode)  # see-through
    page = render_page(sii.render_pdf(issued[33], logo=logo), 0, dpi=72)
    # the logo's box: 40 x 20 mm at the letter's top left margin
    for x_mm, y_mm in ((16.0, 14.0), (32.0, 22.0), (48.0, 30.0)):
        assert page.getpixel((round(x_mm / 25.4 * 72), round(y_mm / 25.4 * 72))) == 255

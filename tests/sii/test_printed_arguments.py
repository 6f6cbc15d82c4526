"""What render_pdf and timbre_png take besides the document, checked before anything is drawn:
the timbre PNG's scale, the SII resolution, the timbre given apart from a Document."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from haulmer import sii
from haulmer.errors import ValidationError
from haulmer.sii.printed import Resolucion, barcode
from pdf_reading import one_line, page_texts, ted_bytes_of


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

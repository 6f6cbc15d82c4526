"""The timbre's PDF417 symbol, encoded by zxing-cpp (its zint encoder) the way the SII reads it.

Security level 5 and 13 data columns, as LibreDTE and facturacion_electronica print it; rows are
three modules tall. The bytes go in as ISO-8859-1 text without an ECI designator, so any reader
returns exactly the TED's bytes. zint packs a TED into far fewer code words than pdf417gen's
greedy compaction, which overflows PDF417's 928 code words on some 1 KB timbres.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Final

from haulmer.errors import XMLError

__all__ = ["COLUMNS", "SECURITY_LEVEL", "Symbol", "symbol", "timbre_png"]

SECURITY_LEVEL: Final = 5
"""PDF417 error-correction level the SII requires for the timbre (64 correction code words)."""
COLUMNS: Final = 13
"""Data columns: a TED of about 1 KB gives some 60 rows, a symbol about 3:2 wide."""


@dataclass(frozen=True)
class Symbol:
    """A PDF417 symbol as a grayscale bitmap, one pixel per module across and per third of a
    row down (0 dark, 255 light), without a quiet zone."""

    pixels: bytes
    width: int
    height: int

    @property
    def aspect(self) -> float:
        """Height over width: the symbol printed ``w`` mm wide is ``w * aspect`` mm tall."""
        return self.height / self.width

    def image(self, *, scale: int = 1, quiet: int = 0) -> Any:
        """A black-on-white grayscale ``PIL.Image``: ``scale`` pixels per module and ``quiet``
        light modules around."""
        from PIL import Image

        image = Image.frombytes("L", (self.width, self.height), self.pixels)
        if scale != 1:
            size = (self.width * scale, self.height * scale)
            image = image.resize(size, Image.Resampling.NEAREST)
        if quiet:
            margin = quiet * scale
            framed = Image.new("L", (image.width + 2 * margin, image.height + 2 * margin), 255)
            framed.paste(image, (margin, margin))
            image = framed
        return image


def symbol(data: bytes) -> Symbol:
    """The PDF417 symbol of ``data`` (the TED's ISO-8859-1 bytes), at the SII's security level.

    Raises ``XMLError`` when ``data`` is too long for one PDF417 symbol at that level.
    """
    import zxingcpp

    text = bytes(data).decode("latin-1")
    try:
        barcode = zxingcpp.create_barcode(
            text, zxingcpp.BarcodeFormat.PDF417, ec_level=str(SECURITY_LEVEL), columns=str(COLUMNS)
        )
    except ValueError:
        try:  # past 90 rows of 13 columns: let the encoder widen the symbol
            barcode = zxingcpp.create_barcode(
                text, zxingcpp.BarcodeFormat.PDF417, ec_level=str(SECURITY_LEVEL)
            )
        except ValueError as exc:
            raise XMLError(
                f"the timbre ({len(data)} bytes) does not fit in one PDF417 symbol at "
                f"security level {SECURITY_LEVEL}: {exc}"
            ) from None
    image: Any = barcode.to_image(scale=1, add_quiet_zones=False)
    pixels = memoryview(image)
    height, width = pixels.shape or (0, 0)
    return Symbol(pixels.tobytes(), width, height)


def timbre_png(data: bytes, *, scale: int = 3, quiet: int = 2) -> bytes:
    """The timbre as a PNG: the PDF417 symbol of ``data`` (the flattened TED's bytes)."""
    buffer = io.BytesIO()
    symbol(data).image(scale=scale, quiet=quiet).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

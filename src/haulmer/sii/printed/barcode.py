"""The timbre's PDF417 symbol, encoded by zint (zint-bindings) the way the SII reads it.

Security level 5, as the SII requires, and 16 data columns, so a 1 KB TED, rows three modules
tall, fits the SII's 4 x 9 cm at 0.2 mm a module. The TED's bytes go in as they are, without an
ECI designator, so any reader returns exactly them. zint packs a TED into far fewer code words
than pdf417gen's greedy compaction, which overflows PDF417's 928 code words on some 1 KB timbres.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from haulmer.errors import XMLError

if TYPE_CHECKING:
    import zint

__all__ = ["COLUMNS", "ROW_HEIGHT", "SECURITY_LEVEL", "Symbol", "symbol", "timbre_png"]

SECURITY_LEVEL: Final = 5
"""PDF417 error-correction level the SII requires for the timbre (64 correction code words)."""
COLUMNS: Final = 16
"""Data columns: a TED of about 1 KB gives some 57 rows, a symbol about 2:1 wide, 71.5 mm by
36 mm printed. At 13 (LibreDTE's) it was 70 rows, 46 mm tall at 64 mm: over the SII's 4 cm."""
ROW_HEIGHT: Final = 3
"""Height of a PDF417 row, in modules."""

_ZINT_ROW_BYTES: Final = 144
"""zint keeps each row in 144 bytes (1,152 modules), the first module in the lowest bit."""
_REVERSED_BITS: Final = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))


@dataclass(frozen=True)
class Symbol:
    """A PDF417 symbol as one bit per module, without a quiet zone: ``rows`` rows of ``width``
    modules, each row packed in whole bytes, first module in the highest bit, 1 for dark."""

    bits: bytes
    width: int
    rows: int

    @property
    def aspect(self) -> float:
        """Height over width: the symbol printed ``w`` mm wide is ``w * aspect`` mm tall."""
        return self.rows * ROW_HEIGHT / self.width

    def image(self, *, scale: int = 1, quiet: int = 0) -> Any:
        """A black-on-white grayscale ``PIL.Image``: ``scale`` pixels per module (rows
        ``ROW_HEIGHT`` times that) and ``quiet`` light modules around."""
        from PIL import Image

        modules = Image.frombytes("1", (self.width, self.rows), self.bits, "raw", "1;I")
        size = (self.width * scale, self.rows * ROW_HEIGHT * scale)
        image = modules.convert("L").resize(size, Image.Resampling.NEAREST)
        if quiet:
            margin = quiet * scale
            framed = Image.new("L", (image.width + 2 * margin, image.height + 2 * margin), 255)
            framed.paste(image, (margin, margin))
            image = framed
        return image


def symbol(data: bytes) -> Symbol:
    """The PDF417 symbol of ``data`` (the TED's ISO-8859-1 bytes), at the SII's security level.

    zint's fast encodation comes first; when its symbol would not fit, the optimal one, which
    packs tighter. Raises ``XMLError`` when ``data`` is too long for one symbol at that level.
    """
    try:
        encoded = _encode(data, fast=True)
    except RuntimeError:
        try:
            encoded = _encode(data, fast=False)
        except RuntimeError as exc:
            raise XMLError(
                f"the timbre ({len(data)} bytes) does not fit in one PDF417 symbol at "
                f"security level {SECURITY_LEVEL}: {exc}"
            ) from None
    width, rows = encoded.width, encoded.rows
    row_bytes = (width + 7) // 8
    # each row's first bytes, the rest of zint's row skipped, in one call
    row = f"{row_bytes}s{_ZINT_ROW_BYTES - row_bytes}x"
    packed = b"".join(struct.unpack_from(row * rows, encoded.encoded_data))
    return Symbol(packed.translate(_REVERSED_BITS), width, rows)


def _encode(data: bytes, *, fast: bool) -> zint.Symbol:
    """zint's symbol of ``data`` taken as bytes (its data mode, no ECI), with its fast or its
    optimal encodation; raises ``RuntimeError`` when it does not fit."""
    import zint

    encoded = zint.Symbol()
    encoded.symbology = zint.Symbology.PDF417
    encoded.option_1 = SECURITY_LEVEL
    encoded.option_2 = COLUMNS
    encoded.input_mode = zint.InputMode.FAST if fast else zint.InputMode(0)
    encoded.encode(bytes(data))
    return encoded


def timbre_png(data: bytes, *, scale: int = 3, quiet: int = 2) -> bytes:
    """The timbre as a PNG: the PDF417 symbol of ``data`` (the flattened TED's bytes)."""
    buffer = io.BytesIO()
    symbol(data).image(scale=scale, quiet=quiet).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

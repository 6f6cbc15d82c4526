"""The timbre's PDF417 symbol, encoded by zint (zint-bindings) the way the SII reads it.

Security level 5, as the SII requires, and 16 data columns, so a 1 KB TED, rows three modules
tall, fits the SII's 4 x 9 cm at 0.2 mm a module. The TED's bytes go in as they are, without an
ECI designator, so any reader returns exactly them. zint packs a TED into far fewer code words
than pdf417gen's greedy compaction, which overflows PDF417's 928 code words on some 1 KB timbres.

A TED too long for level 5 (a receptor's razón social and first item's name full of ``& < > " '``,
which take 4 to 6 bytes each) is encoded at the highest lower level that fits, as TCPDF's PDF417
writer lowers the level it is asked for: a symbol that scans beats a document that cannot be
printed. More columns would not help: the 928 code words are the symbol's whole capacity, and
16 columns already reach it in 58 rows, 36.5 mm tall.
"""

from __future__ import annotations

import binascii
import functools
import io
import re
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from haulmer.errors import XMLError

if TYPE_CHECKING:
    import zint

__all__ = [
    "COLUMNS",
    "MAX_CODEWORDS",
    "ROW_HEIGHT",
    "SECURITY_LEVEL",
    "Symbol",
    "symbol",
    "timbre_png",
]

SECURITY_LEVEL: Final = 5
"""PDF417 error-correction level the SII requires for the timbre (64 correction code words)."""
MAX_CODEWORDS: Final = 928
"""A PDF417 symbol's capacity: data, length descriptor and the level's 2 ** (level + 1)
correction code words together."""
COLUMNS: Final = 16
"""Data columns: a TED of about 1 KB gives some 57 rows, a symbol about 2:1 wide, 71.5 mm by
36 mm printed. At 13 (LibreDTE's) it was 70 rows, 46 mm tall at 64 mm: over the SII's 4 cm."""
ROW_HEIGHT: Final = 3
"""Height of a PDF417 row, in modules."""

_ZINT_ROW_BYTES: Final = 144
"""zint keeps each row in 144 bytes (1,152 modules), the first module in the lowest bit."""
_REVERSED_BITS: Final = bytes(int(f"{byte:08b}"[::-1], 2) for byte in range(256))
_REFERENCE: Final = re.compile(rb"&#?\w+;")


@dataclass(frozen=True)
class Symbol:
    """A PDF417 symbol as one bit per module, without a quiet zone: ``rows`` rows of ``width``
    modules, each row packed in whole bytes, first module in the highest bit, 1 for dark."""

    bits: bytes
    width: int
    rows: int
    level: int = SECURITY_LEVEL
    """Its error-correction level: the SII's 5, or lower for a timbre too long for it."""

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
    """The PDF417 symbol of ``data`` (the TED's ISO-8859-1 bytes), at the SII's security level,
    or the highest lower one it fits in.

    At each level zint's fast encodation comes first; when its symbol would not fit, the optimal
    one, which packs tighter. Raises ``XMLError`` naming the timbre's long values when ``data``
    does not fit in one symbol even at level 0.
    """
    for level in range(SECURITY_LEVEL, -1, -1):
        encoded = _fitted(data, level)
        if encoded is not None:
            break
    else:
        raise XMLError(_too_long(data))
    width, rows = encoded.width, encoded.rows
    row_bytes = (width + 7) // 8
    # each row's first bytes, the rest of zint's row skipped, in one call
    row = f"{row_bytes}s{_ZINT_ROW_BYTES - row_bytes}x"
    packed = b"".join(struct.unpack_from(row * rows, encoded.encoded_data))
    return Symbol(packed.translate(_REVERSED_BITS), width, rows, level)


def _fitted(data: bytes, level: int) -> zint.Symbol | None:
    """zint's symbol of ``data`` at ``level``, fast encodation first, or None when neither fits."""
    for fast in (True, False):
        try:
            return _encode(data, level=level, fast=fast)
        except RuntimeError:
            continue
    return None


def _encode(data: bytes, *, level: int, fast: bool) -> zint.Symbol:
    """zint's symbol of ``data`` taken as bytes (its data mode, no ECI) at security ``level``,
    with its fast or its optimal encodation; raises ``RuntimeError`` when it does not fit."""
    import zint

    pdf417, fast_mode, data_mode = _zint_settings()
    encoded = zint.Symbol()
    encoded.symbology = pdf417
    encoded.option_1 = level
    encoded.option_2 = COLUMNS
    encoded.input_mode = fast_mode if fast else data_mode
    encoded.encode(bytes(data))
    return encoded


@functools.cache
def _zint_settings() -> tuple[Any, Any, Any]:
    """zint's PDF417 symbology and its fast and plain data input modes, looked up once: each
    look-up through the binding's enums costs what setting all of a symbol's options does."""
    import zint

    return zint.Symbology.PDF417, zint.InputMode.FAST, zint.InputMode(0)


def _too_long(data: bytes) -> str:
    """What a timbre too long for any PDF417 symbol is told: its length, the values that made it
    long (RSR, IT1, the CAF's RS) in bytes and characters, and what to do."""
    parts = [
        f"{name} ({what}) takes {len(value)} bytes for {_characters(value)} characters"
        for name, what, value in (
            ("RSR", "the receptor's razón social", _element_text(data, b"RSR")),
            ("IT1", "the first item's name", _element_text(data, b"IT1")),
            ("the CAF's RS", "the emisor's razón social", _element_text(data, b"RS")),
        )
        if value is not None
    ]
    named = f": its {', '.join(parts)}" if parts else ""
    modulus = _element_text(data, b"M")
    key_bits = len(binascii.a2b_base64(modulus)) * 8 if modulus else 0
    test_key = (
        f"; its CAF's key is {key_bits}-bit, as test CAFs' are: the SII's CAFs are 512-bit and "
        "their timbres about 250 bytes shorter"
        if key_bits > 512
        else ""
    )
    return (
        f"the timbre ({len(data)} bytes) does not fit in one PDF417 symbol, not even at "
        f"security level 0 ({MAX_CODEWORDS} code words at most){named}{test_key}. "
        "Each & < > \" ' takes 4 to 6 bytes in the timbre: issue the document again, with a "
        "new folio, with fewer of them in the receptor's razón social and the first item's name "
        "(for instance 'y' for '&'), and annul with a nota de crédito one already sent to the SII"
    )


def _element_text(data: bytes, tag: bytes) -> bytes | None:
    """The escaped text of the flat TED's first ``tag`` element, as its bytes hold it."""
    start = data.find(b"<" + tag + b">")
    if start < 0:
        return None
    start += len(tag) + 2
    end = data.find(b"</" + tag + b">", start)
    return data[start:end] if end >= 0 else None


def _characters(escaped: bytes) -> int:
    """How many characters the escaped ISO-8859-1 text holds, each reference counted as one."""
    return len(escaped) - sum(len(match) - 1 for match in _REFERENCE.findall(escaped))


def timbre_png(data: bytes, *, scale: int = 3, quiet: int = 2) -> bytes:
    """The timbre as a PNG: the PDF417 symbol of ``data`` (the flattened TED's bytes)."""
    buffer = io.BytesIO()
    symbol(data).image(scale=scale, quiet=quiet).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()

"""The two images a printed DTE may carry, as PDF image XObjects: the timbre and the logo.

The timbre goes in at one pixel per module and one per row (a few kilobytes at one bit a
pixel, uncompressed: its modules look random to zlib, which saves a tenth at a cost); the
page's image matrix stretches it to its printed size, and a PDF image is not interpolated
unless it asks to be, so every module keeps its sharp edges.
"""

from __future__ import annotations

import zlib
from typing import Any, Final

from haulmer.sii.printed.barcode import Symbol
from haulmer.sii.printed.pdf import PdfImage

__all__ = ["logo_image", "timbre_image"]

_LOGO_COMPRESSION: Final = 6


def timbre_image(symbol: Symbol) -> PdfImage:
    """The PDF417 symbol as a 1-bit gray image, a pixel per module across and per row down."""
    return PdfImage(
        width=symbol.width,
        height=symbol.rows,
        color_space=b"/DeviceGray",
        bits_per_component=1,
        data=symbol.bits,
        compressed=False,
        decode=b"/Decode [1 0]",
    )


def logo_image(image: Any) -> PdfImage:
    """A PIL image as an 8-bit gray or RGB image; transparency (premultiplied too) is laid on
    white, the paper's colour, and 16-bit levels (a 16-bit grayscale PNG, mode I;16) become
    8-bit ones."""
    from PIL import Image

    if image.mode.startswith("I;16") or (image.mode == "I" and image.getextrema()[1] > 255):
        # PIL's conversions clip such levels at 255, white; older Pillows open them in mode I
        image = image.convert("I").point(lambda level: level / 257).convert("L")
    if image.mode in ("La", "RGBa"):  # premultiplied: PIL converts La to nothing else
        image = image.convert("LA" if image.mode == "La" else "RGBA")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    gray = image.mode == "L"
    return PdfImage(
        width=image.width,
        height=image.height,
        color_space=b"/DeviceGray" if gray else b"/DeviceRGB",
        bits_per_component=8,
        data=zlib.compress(image.tobytes(), _LOGO_COMPRESSION),
        compressed=True,
    )

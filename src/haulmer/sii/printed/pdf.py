"""A small PDF 1.4 writer, enough for the printed DTE: pages of drawing operators, the Helvetica
core fonts in WinAnsiEncoding, and images.

A general PDF library spends most of a page's time on per-call bookkeeping this fixed layout does
not need; here a page is a list of operator lines its drawer appends, written out once. Page
content is drawn in hundredths of a point, as integers, with the origin at the page's top left
and y growing downwards as negative numbers, so a page's height may be chosen after it is drawn
(an 80 mm roll is as long as its document).
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from typing import Final

__all__ = ["ESCAPED", "FONTS", "Page", "PdfDocument", "PdfImage", "literal"]

FONTS: Final = {"": b"/F1", "B": b"/F2"}
"""Resource names of the two fonts a page may use, by style: Helvetica and Helvetica-Bold."""
_FONT_OBJECTS: Final = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
)
_CONTENT_COMPRESSION: Final = 3
"""zlib level of a long page's content: it shrinks to a third at level 3, as fast as level 1;
the higher levels cost half as much again for some 10 % less."""
_COMPRESSED_FROM: Final = 8 * 1024
"""Content shorter than this is written as it is: a 10-line factura's page (5 KB of operators)
saved 3.7 KB compressed, for a tenth of its rendering time."""
_LITERAL_ESCAPES: Final = ((b"\\", b"\\\\"), (b"(", b"\\("), (b")", b"\\)"), (b"\r", b"\\r"))
ESCAPED: Final = b"\\()\r"
"""The bytes a literal string escapes."""


@dataclass(frozen=True, eq=False)
class PdfImage:
    """An image XObject's pixels, ready to place on any page."""

    width: int
    height: int
    color_space: bytes
    """``/DeviceGray`` or ``/DeviceRGB``."""
    bits_per_component: int
    data: bytes
    compressed: bool
    """Whether ``data`` is Flate-compressed (else the raw samples)."""
    decode: bytes = b""
    """An optional ``/Decode`` entry: ``/Decode [1 0]`` makes 1 bits dark in a 1-bit image."""


@dataclass(eq=False)
class Page:
    """One page: its size in points, its operators (in hundredths of a point) and what they use.

    ``font``, ``fill``, ``stroke`` and ``line_width`` remember the graphics state the
    operators so far leave, so a drawer only writes an operator that changes it.
    """

    width: float
    height: float | None
    content: list[bytes] = field(default_factory=list)
    images: dict[bytes, PdfImage] = field(default_factory=dict)
    font: bytes = b""
    fill: bytes = b""
    stroke: bytes = b""
    line_width: bytes = b""


class PdfDocument:
    """Pages and the document's title, creator and creation date, written by :meth:`output`."""

    def __init__(self, *, title: str, creator: str, created: dt.datetime) -> None:
        self.title: str = title
        self.creator: str = creator
        self.created: dt.datetime = created
        self.pages: list[Page] = []
        self._images: dict[int, tuple[bytes, PdfImage]] = {}

    def add_page(self, width: float, height: float | None) -> Page:
        """A new last page ``width`` x ``height`` points (height None: set it before output)."""
        page = Page(width, height)
        self.pages.append(page)
        return page

    def image_name(self, image: PdfImage) -> bytes:
        """The resource name of ``image``, the same on every page that shows it."""
        known = self._images.get(id(image))
        if known is None:
            known = (b"/I%d" % (len(self._images) + 1), image)
            self._images[id(image)] = known
        return known[0]

    def output(self) -> bytes:
        """The whole file: catalog, page tree, fonts, info, images, then each page and its
        content, with the cross-reference table."""
        images = list(self._images.values())
        first_image = 6
        first_page = first_image + len(images)
        image_numbers = {name: first_image + index for index, (name, _) in enumerate(images)}
        page_numbers = [first_page + 2 * index for index in range(len(self.pages))]
        kids = b" ".join(b"%d 0 R" % number for number in page_numbers)
        bodies = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.pages)),
            *_FONT_OBJECTS,
            self._info(),
        ]
        bodies.extend(_image_object(image) for _, image in images)
        for number, page in zip(page_numbers, self.pages, strict=True):
            bodies.append(_page_object(page, number + 1, image_numbers))
            bodies.append(_content_object(page))
        return _file(bodies)

    def _info(self) -> bytes:
        at = self.created.astimezone(dt.timezone.utc)
        creator = _text_string(self.creator)
        return (
            b"<< /Title %s /Creator %s /Producer %s /CreationDate (D:%04d%02d%02d%02d%02d%02dZ) >>"
            % (
                _text_string(self.title),
                creator,
                creator,
                at.year,
                at.month,
                at.day,
                at.hour,
                at.minute,
                at.second,
            )
        )


def literal(data: bytes) -> bytes:
    """``data`` as a PDF literal string's inside: backslash, parentheses and CR escaped."""
    if len(data.translate(None, ESCAPED)) != len(data):  # one pass in C, unlike four ``in``
        for raw, escaped in _LITERAL_ESCAPES:
            data = data.replace(raw, escaped)
    return data


def _text_string(text: str) -> bytes:
    """A PDF text string (document information): ASCII as a literal, else UTF-16BE in hex."""
    if text.isascii():
        return b"(" + literal(text.encode("ascii")) + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _image_object(image: PdfImage) -> bytes:
    head = (
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace %s "
        b"/BitsPerComponent %d %s%s/Length %d >>"
        % (
            image.width,
            image.height,
            image.color_space,
            image.bits_per_component,
            image.decode + b" " if image.decode else b"",
            b"/Filter /FlateDecode " if image.compressed else b"",
            len(image.data),
        )
    )
    return head + b"\nstream\n" + image.data + b"\nendstream"


def _page_object(page: Page, content: int, image_numbers: dict[bytes, int]) -> bytes:
    if page.height is None:
        raise ValueError("a page's height must be set before the document is written")
    xobjects = b" ".join(b"%s %d 0 R" % (name, image_numbers[name]) for name in page.images)
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.2f %.2f] "
        b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> /XObject << %s >> >> "
        b"/Contents %d 0 R >>" % (page.width, page.height, xobjects, content)
    )


def _content_object(page: Page) -> bytes:
    origin = b"0.01 0 0 0.01 0 %.2f cm\n" % (
        page.height or 0
    )  # hundredths of a point, from the top
    data = origin + b"".join(page.content)
    if len(data) < _COMPRESSED_FROM:
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
    data = zlib.compress(data, _CONTENT_COMPRESSION)
    return b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _file(bodies: list[bytes]) -> bytes:
    chunks = [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"]
    offsets = []
    position = len(chunks[0])
    for number, body in enumerate(bodies, start=1):
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
        offsets.append(position)
        position += len(chunk)
        chunks.append(chunk)
    chunks.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    chunks.extend([b"%010d 00000 n \n" % offset for offset in offsets])
    chunks.append(
        b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(bodies) + 1, position)
    )
    return b"".join(chunks)

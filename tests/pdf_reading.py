"""Reading a printed DTE back, as a customer's tools would: its text and its PDF417 timbre."""

from __future__ import annotations

import io
import re

import pypdf
import pypdfium2
import zxingcpp
from PIL import Image

_TED = re.compile(rb"<TED\b.*?</TED>", re.DOTALL)
_BETWEEN_TAGS = re.compile(rb">\s+<")


def ted_bytes_of(xml: bytes) -> bytes:
    """The document's TED as the SII's barcode must carry it: the element's own bytes in the
    file, whitespace between tags removed (fixtures and issued files are ISO-8859-1)."""
    found = _TED.search(xml)
    assert found is not None, "the XML has no <TED>"
    return _BETWEEN_TAGS.sub(b"><", found.group(0))


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page, as pypdf extracts it."""
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) of every page in millimetres."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [
        (float(p.mediabox.width) * 25.4 / 72, float(p.mediabox.height) * 25.4 / 72)
        for p in reader.pages
    ]


def render_page(pdf: bytes, page: int = -1, *, dpi: int = 200) -> Image.Image:
    """``page`` rendered at ``dpi`` as a grayscale image, as a printer or a scanner sees it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image: Image.Image = (
            document[page % len(document)].render(scale=dpi / 72, grayscale=True).to_pil()
        )
    finally:
        document.close()
    return image.convert("L")


def barcodes_on_page(pdf: bytes, page: int = -1, *, dpi: int = 200) -> list[bytes]:
    """The PDF417 symbols read from a rendering of ``page`` at ``dpi``, as raw bytes."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page % len(document)].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        document.close()
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417)
    return [bytes(result.bytes) for result in found]


def one_line(text: str) -> str:
    """Text with its line breaks and runs of spaces folded into single spaces."""
    return " ".join(text.split())


def barcode_sizes_mm(pdf: bytes, page: int = -1, *, dpi: int = 200) -> list[tuple[float, float]]:
    """(width, height) in millimetres of each PDF417 symbol found on ``page``."""
    return [(width, height) for _, _, width, height in barcode_boxes_mm(pdf, page, dpi=dpi)]


def barcode_boxes_mm(
    pdf: bytes, page: int = -1, *, dpi: int = 200
) -> list[tuple[float, float, float, float]]:
    """(left, top, width, height) in millimetres from the page's top left corner of each PDF417
    symbol found on ``page``."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page % len(document)].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        document.close()
    boxes = []
    for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.PDF417):
        corners = found.position
        left = min(corners.top_left.x, corners.bottom_left.x)
        top = min(corners.top_left.y, corners.top_right.y)
        width = abs(corners.top_right.x - corners.top_left.x)
        height = abs(corners.bottom_left.y - corners.top_left.y)
        boxes.append(tuple(value / dpi * 25.4 for value in (left, top, width, height)))
    return boxes  # type: ignore[return-value]


def overlapping_texts(pdf: bytes) -> list[tuple[int, str, str]]:
    """(page, text, text) for every two runs of text whose boxes overlap, and (page, text, "")
    for a run that leaves its page, as pdfium lays them out."""
    found: list[tuple[int, str, str]] = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for number in range(len(document)):
            page = document[number]
            width, height = page.get_size()
            text_page = page.get_textpage()
            boxes = []
            for index in range(text_page.count_rects()):
                left, bottom, right, top = text_page.get_rect(index)
                text = text_page.get_text_bounded(left, bottom, right, top)
                boxes.append((left, bottom, right, top, text))
                if left < 0 or right > width or bottom < 0 or top > height:
                    found.append((number, text, ""))
            for index, a in enumerate(boxes):
                for b in boxes[index + 1 :]:
                    across = min(a[2], b[2]) - max(a[0], b[0])
                    down = min(a[3], b[3]) - max(a[1], b[1])
                    if across > 0.5 and down > 0.5:
                        found.append((number, a[4], b[4]))
    finally:
        document.close()
    return found


def texts_over_images(pdf: bytes) -> list[tuple[int, str]]:
    """(page, text) for every run of text whose box overlaps an image (the timbre, a logo), as
    pdfium lays them out."""
    found: list[tuple[int, str]] = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for number in range(len(document)):
            page = document[number]
            images = [
                image.get_bounds()
                for image in page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE])
            ]
            text_page = page.get_textpage()
            for index in range(text_page.count_rects()):
                left, bottom, right, top = text_page.get_rect(index)
                for image_left, image_bottom, image_right, image_top in images:
                    across = min(right, image_right) - max(left, image_left)
                    down = min(top, image_top) - max(bottom, image_bottom)
                    if across > 0.5 and down > 0.5:
                        text = text_page.get_text_bounded(left, bottom, right, top)
                        found.append((number, text))
    finally:
        document.close()
    return found

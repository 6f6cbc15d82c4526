"""The printed representation of a DTE: a PDF with the timbre as the SII's PDF417 barcode.

Needs the optional extra ``pdf`` (``pip install 'haulmer[pdf]'``: zint-bindings for the PDF417
symbol, Pillow for the logo and the timbre PNG); they load only when a PDF or a timbre image is
made, never at ``import haulmer.sii``. The PDF itself is written by ``printed.pdf``.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from haulmer._lazy import LazyModule
from haulmer._numbers import own_arithmetic
from haulmer._shown import shown
from haulmer.dte.document import Document
from haulmer.errors import (
    DocumentError,
    ErrorDetail,
    MissingDependencyError,
    ValidationError,
    XMLError,
)
from haulmer.sii.printed.canvas import Resolucion

if TYPE_CHECKING:
    from PIL import Image as PIL_Image

    from haulmer.sii.printed.content import PrintedDocument
    from haulmer.sii.printed.pdf import PdfImage
else:  # annotations resolve at run time (typing.get_type_hints), loading Pillow only then
    PIL_Image = LazyModule(
        "PIL.Image",
        extra="pdf",
        missing="a PIL image as logo= needs Pillow: pip install 'haulmer[pdf]'",
    )

__all__ = [
    "Paper",
    "Resolucion",
    "pdf_extra_installed",
    "render_pdf",
    "render_pdfs",
    "render_with_pages",
    "timbre_png",
]

Paper = Literal["letter", "80mm"]
_PAPERS: tuple[str, ...] = ("letter", "80mm")
_EXTRA_MODULES = ("zint", "PIL")


def pdf_extra_installed() -> bool:
    """Whether the ``pdf`` extra's libraries are installed, found without importing them.

    For a test suite that skips or falls back when the extra is absent, as the fake platform does.
    """
    import importlib.util

    for name in _EXTRA_MODULES:
        if name in sys.modules:
            if sys.modules[name] is None:  # blocked, as an absent module is
                return False
        elif importlib.util.find_spec(name) is None:
            return False
    return True


def _require_extra() -> None:
    """Raise ``MissingDependencyError`` naming the ``pdf`` extra when its libraries are absent.

    Importing them is the check: once imported, it costs a look-up in ``sys.modules`` per call.
    """
    if None not in map(sys.modules.get, _EXTRA_MODULES):
        return  # imported already: no import machinery (nor generator) on every call
    import importlib

    missing = []
    for name in _EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise MissingDependencyError(
            "printing a DTE needs the optional 'pdf' extra (missing: "
            f"{', '.join(missing)}); install it with: pip install 'haulmer[pdf]'",
            extra="pdf",
        )


@own_arithmetic
def render_pdf(
    xml_or_document: bytes | str | os.PathLike[str] | Document,
    *,
    paper: Paper = "letter",
    cedible: bool = False,
    logo: bytes | bytearray | str | os.PathLike[str] | PIL_Image.Image | None = None,
    resolucion: Resolucion | tuple[int, dt.date | str] | None = None,
    sii_office: str | None = None,
    notes: Sequence[str] = (),
    ted: bytes | str | None = None,
) -> bytes:
    """The printed representation of a stamped DTE as PDF bytes, on letter paper or an 80 mm roll.

    ``xml_or_document`` is the signed ``<DTE>`` (bytes, text or a ``pathlib.Path``; an envelope
    holding one DTE also works) or a ``haulmer.dte.Document`` with its ``<TED>`` as ``ted``.
    ``cedible`` prints the cedible copy (acuse de recibo, "CEDIBLE" or, for a guía, "CEDIBLE CON
    SU FACTURA"); ``logo`` is PNG/JPEG bytes, a path or a PIL image; ``notes`` are free lines
    printed under the lines (OpenFactura's ``informationNote``, ``paymentNote``).

    The DTE does not carry two things the SII wants printed, so they are parameters:
    ``resolucion``, the number and date of the SII resolution that authorizes the emisor
    (default: the one an envelope's Caratula declares, NroResol and FchResol; for a lone DTE,
    N° 0 and the issue date, what the SII's certification environment uses: pass yours, e.g.
    from OpenFactura's ``RESOLUCION``), and ``sii_office``, the SII unit under the red box
    (default: the emisor's comuna, CmnaOrigen, in capitals; given, it is printed after "S.I.I. -"
    without blanks around it or an "S.I.I. -" of its own, and blank prints "S.I.I." alone).

    Raises ``XMLError`` (unreadable XML, no timbre), ``DocumentError`` (a document without what
    a printed DTE shows: type, folio, date, emisor RUT and razón social, optional on a boleta,
    and total; a cedible copy of a type that has none, a Document without ``ted``),
    ``ValidationError`` (bad paper, logo or resolution; a cedible that is not True or False, an
    sii_office or notes that are not text or hold a control character) and
    ``MissingDependencyError`` without the ``pdf`` extra.
    """
    return render_with_pages(
        xml_or_document,
        paper=paper,
        cedible=cedible,
        logo=logo,
        resolucion=resolucion,
        sii_office=sii_office,
        notes=notes,
        ted=ted,
    )[0]


@own_arithmetic
def render_with_pages(
    xml_or_document: bytes | str | os.PathLike[str] | Document,
    *,
    paper: str = "letter",
    cedible: bool = False,
    logo: bytes | bytearray | str | os.PathLike[str] | PIL_Image.Image | None = None,
    resolucion: Resolucion | tuple[int, dt.date | str] | None = None,
    sii_office: str | None = None,
    notes: Sequence[str] = (),
    ted: bytes | str | None = None,
) -> tuple[bytes, int]:
    """:func:`render_pdf` that also says how many pages the PDF has."""
    _check_options(paper, cedible, sii_office)
    # imported on the first call, as modules: a from-import of a loaded module costs twice as
    # much on every call (the failed look-ups of a package's __path__ and the spec's state)
    import haulmer.sii.printed.drawing as drawing
    import haulmer.sii.printed.source as source

    doc, ted_bytes = source.read_source(xml_or_document, ted=ted, sii_office=sii_office)
    _check_printable(doc, "the document")
    options = drawing.Options(paper, cedible, _logo(logo), resolucion, _notes(notes))
    return drawing.draw(doc, ted_bytes, options)


@own_arithmetic
def render_pdfs(
    xml: bytes | str | os.PathLike[str],
    *,
    paper: Paper = "letter",
    cedible: bool = False,
    logo: bytes | bytearray | str | os.PathLike[str] | PIL_Image.Image | None = None,
    resolucion: Resolucion | tuple[int, dt.date | str] | None = None,
    sii_office: str | None = None,
    notes: Sequence[str] = (),
) -> list[bytes]:
    """One PDF per DTE of an envelope (EnvioDTE, EnvioBOLETA) or of a single DTE, in order.

    The options are :func:`render_pdf`'s and apply to every document; the input is checked
    whole before anything is drawn.
    """
    _check_options(paper, cedible, sii_office)
    import haulmer.sii.printed.drawing as drawing
    import haulmer.sii.printed.source as source

    sources = source.read_sources(xml, sii_office=sii_office)
    for number, (doc, _) in enumerate(sources, start=1):
        which = f"document {number} of {len(sources)}" if len(sources) > 1 else "the document"
        _check_printable(doc, which)
        if cedible and len(sources) > 1:  # a type without one, named before any is drawn
            _check_cedible(doc, which)
    options = drawing.Options(paper, cedible, _logo(logo), resolucion, _notes(notes))
    return [drawing.draw(doc, ted_bytes, options)[0] for doc, ted_bytes in sources]


def _check_printable(doc: PrintedDocument, which: str) -> None:
    """Refuse a document that lacks what every printed DTE shows (the SII's header box, the
    emisor, the date and the total), naming what it lacks: its PDF would print blanks there.

    A boleta may lack its razón social: EnvioBOLETA's schema makes RznSocEmisor optional."""
    if (  # most documents: all there, told without the table below
        doc.dte_type > 0
        and doc.folio
        and doc.issued
        and doc.emisor_rut
        and doc.emisor_name
        and doc.totals[doc.total_at].value
    ):
        return
    facts = (
        ("IdDoc", "TipoDTE", "the document type, as a number", doc.dte_type > 0),
        ("IdDoc", "Folio", "the folio", bool(doc.folio)),
        ("IdDoc", "FchEmis", "the issue date", bool(doc.issued)),
        ("Emisor", "RUTEmisor", "the emisor's RUT", bool(doc.emisor_rut)),
        ("Emisor", "RznSoc", "the emisor's razón social", doc.is_boleta or bool(doc.emisor_name)),
        ("Totales", "MntTotal", "the total", bool(doc.totals[doc.total_at].value)),
    )
    lacking = [(group, tag, what) for group, tag, what, present in facts if not present]
    if not lacking:
        return
    listed = ", ".join(f"{group}/{tag} ({what})" for group, tag, what in lacking)
    raise DocumentError(
        f"{which} cannot be printed: it lacks {listed} in its Encabezado, "
        "which a printed DTE must show; print the signed DTE as it was issued",
        [ErrorDetail(f"Encabezado.{group}.{tag}", "missing") for group, tag, _ in lacking],
    )


def _check_cedible(doc: PrintedDocument, which: str) -> None:
    """Refuse the cedible copy of a document whose type has none, saying which of an
    envelope's documents it is."""
    from haulmer.sii.printed.content import cedible_legend

    try:
        cedible_legend(doc.dte_type)
    except DocumentError as error:
        raise DocumentError(f"{which}: {error}", error.details) from None


def _check_options(paper: str, cedible: object, sii_office: object) -> None:
    """Refuse options that would print something else than asked: a text such as ``"no"`` is
    true, and would print the cedible copy; an office that is no text, Python's repr of it."""
    if paper not in _PAPERS:
        raise ValidationError(f"paper must be 'letter' or '80mm', not {shown(paper)}")
    if cedible is not False and cedible is not True:
        raise ValidationError(
            f"cedible must be True or False, not {shown(cedible)}: True prints the cedible "
            "copy (with its acuse de recibo), False the original"
        )
    if sii_office is not None and not isinstance(sii_office, str):
        raise ValidationError(
            "sii_office must be the SII unit's name as text (e.g. 'SANTIAGO ORIENTE') or None "
            f"for the emisor's comuna, not a {type(sii_office).__name__}"
        )
    if sii_office is not None:
        control = _OFFICE_CONTROL.search(sii_office.strip())
        if control is not None:
            raise ValidationError(
                "sii_office must be the SII unit's name on one line (e.g. 'SANTIAGO ORIENTE'), "
                f"not one holding {_code_point(control.group())}"
            )
    _require_extra()


_OFFICE_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
"""A control character or line break, which the one line under the red box cannot show."""
_NOTE_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
"""A control character that is no line break nor space (NUL, ESC, DEL): the page's fonts have
no sign for it, and the PDF would carry it as it is."""


def _code_point(char: str) -> str:
    """``U+0000`` for a character that cannot be shown as itself in a message, and what it is."""
    what = "a line break" if char in "\n\r\x0b\x0c\x85\u2028\u2029" else "a control character"
    return f"U+{ord(char):04X}, {what}"


def _notes(notes: Sequence[str]) -> list[str]:
    """The notes to print: a blank one, or None (an optional note not given), is left out."""
    if isinstance(notes, str):
        notes = [notes]
    elif notes is None or (isinstance(notes, Sequence) and not notes):  # most calls: none
        return []
    if not isinstance(notes, Iterable) or isinstance(notes, bytes | bytearray | memoryview):
        raise ValidationError(
            f"notes must be a text or a sequence of texts, not a {type(notes).__name__}"
        )
    items = list(notes)
    wrong = [n for n in items if n is not None and not isinstance(n, str)]
    if wrong:
        raise ValidationError(
            "notes must be a text or a sequence of texts (None for a note not given), not "
            f"a sequence holding a {type(wrong[0]).__name__}"
        )
    for number, note in enumerate(items, start=1):
        control = _NOTE_CONTROL.search(note) if note is not None else None
        if control is not None:
            raise ValidationError(
                f"notes must be printable text: note {number} holds {_code_point(control.group())}"
                f", at character {control.start() + 1}; remove it (line breaks are kept)"
            )
    return [note for note in items if note is not None and note.strip()]


_LOGO_PIXELS = 600
_LOGO_MAX_PIXELS = 50_000_000
"""The most pixels a logo may have (a 48-megapixel photo passes): its image is decoded whole
before it is scaled down to ``_LOGO_PIXELS`` across, 4 bytes a pixel."""


def _logo(logo: object) -> PdfImage | None:
    """The logo as a PDF image no larger than needed to print sharply, or None; made once for
    every document of a call."""
    if logo is None:
        return None
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():  # the size is judged below, before anything is decoded
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            if isinstance(logo, Image.Image):
                image = logo.copy()
            elif isinstance(logo, bytes | bytearray):
                image = Image.open(io.BytesIO(bytes(logo)))
            elif isinstance(logo, os.PathLike | str):
                image = Image.open(Path(logo))
            else:
                raise TypeError(type(logo).__name__)
        if image.width * image.height > _LOGO_MAX_PIXELS:
            raise _too_many_pixels(f"{image.width} x {image.height}")
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # a few KB of PNG can say 400 million pixels
        raise _too_many_pixels("more than 178 million") from None
    except (OSError, UnidentifiedImageError, TypeError, ValueError) as exc:
        raise ValidationError(
            f"logo= must be PNG or JPEG bytes, a path to one or a PIL image ({_unread(logo, exc)})"
        ) from None
    turned = _exif_orientation(image) != 1
    image.thumbnail((_LOGO_PIXELS, _LOGO_PIXELS))
    if turned:  # stored on its side, as phones and cameras write JPEGs: shown as viewers do
        from PIL import ImageOps

        image = ImageOps.exif_transpose(image)
    from haulmer.sii.printed.images import logo_image

    return logo_image(image)


def _unread(logo: object, exc: Exception) -> str:
    """Why ``logo`` could not be read, without Pillow's repr of a buffer (a memory address) or
    the whole of a text given as a path (a logo in base64, kilobytes long)."""
    from PIL import UnidentifiedImageError

    if isinstance(exc, UnidentifiedImageError):
        if isinstance(logo, bytes | bytearray):
            return f"{len(logo)} bytes of no image format Pillow reads" if logo else "no bytes"
        return f"the file {shown(str(logo))} is not an image Pillow reads"
    if isinstance(logo, str) and not logo.strip():
        return "an empty path"
    if isinstance(exc, OSError) and exc.filename is not None:
        unread = f"{exc.strerror or 'cannot be read'}: {shown(str(exc.filename))}"
        if isinstance(logo, str) and _BASE64.fullmatch(logo):
            unread += "; a logo in base64 is given as its bytes, base64.b64decode(text)"
        return unread
    return str(exc)


_BASE64 = re.compile(r"(?:data:image/[a-z+.-]+;base64,)?[A-Za-z0-9+/\s]{64,}={0,2}\s*")
"""A text that is a logo in base64 (as OpenFactura's API carries logos), not a file's name."""

_EXIF_ORIENTATION = 0x0112


def _exif_orientation(image: PIL_Image.Image) -> int:
    """The image's EXIF Orientation, 1 (as stored) when it has none or its EXIF is unreadable:
    a logo prints whatever its metadata holds."""
    try:
        orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception:  # metadata Pillow cannot read: the pixels are still the logo
        return 1
    return orientation if isinstance(orientation, int) else 1


def _too_many_pixels(size: str) -> ValidationError:
    return ValidationError(
        f"logo= has more pixels than a logo needs ({size} pixels, at most "
        f"{_LOGO_MAX_PIXELS // 1_000_000} million): scale it down, to {_LOGO_PIXELS} pixels "
        "across or so"
    )


_MAX_SCALE = 20
"""The most pixels a module a timbre PNG takes: a 1 KB timbre is then 6,000 pixels across."""


@own_arithmetic
def timbre_png(xml_or_ted: bytes | str | os.PathLike[str], *, scale: int = 3) -> bytes:
    """The timbre of a stamped DTE (or of a ``<TED>`` element) as a PDF417 PNG image; the DTE
    as :func:`render_pdf` takes it (bytes, text, a ``pathlib.Path``, an envelope of one).

    ``scale`` is pixels per module, 1 to 20; the SII asks for the printed timbre at 200 dpi
    or more. Raises ``ValidationError`` for another scale.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= _MAX_SCALE:
        raise ValidationError(
            f"scale must be a whole number of pixels a module from 1 to {_MAX_SCALE}, not "
            f"{shown(scale)} (the default, 3, is enough to print it at 200 dpi or more)"
        )
    _require_extra()
    from haulmer.sii._xml import local_name
    from haulmer.sii.printed.barcode import timbre_png as png
    from haulmer.sii.printed.source import parse_fragment, read_source, ted_barcode_bytes

    if isinstance(xml_or_ted, bytes | bytearray | memoryview) or (
        isinstance(xml_or_ted, str) and xml_or_ted.lstrip()[:1] == "<"
    ):  # XML, perhaps a <TED> alone
        root = parse_fragment(
            bytes(xml_or_ted) if isinstance(xml_or_ted, memoryview) else xml_or_ted
        )
        if local_name(root) == "TED":
            return png(ted_barcode_bytes(root), scale=scale)
    elif not isinstance(xml_or_ted, str | os.PathLike):  # a Document has no timbre to draw
        raise XMLError(
            "timbre_png takes the stamped DTE's XML (bytes, text or a pathlib.Path) or its "
            f"<TED>, not a {type(xml_or_ted).__name__}"
        )
    # a DTE, or a file: read as render_pdf reads it (a file's name as text is told to be one)
    return png(read_source(xml_or_ted, ted=None)[1], scale=scale)

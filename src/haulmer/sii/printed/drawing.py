"""What :func:`haulmer.sii.printed.render_pdf` does with a document once it has read it: its
printed facts, its timbre's symbol, its layout on the paper asked for, and the PDF.

Imported once, on the first PDF, with what it draws with: ``import haulmer.sii`` loads none of it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final, NamedTuple

from haulmer._chile import chile_date
from haulmer._shown import shown
from haulmer.errors import ValidationError
from haulmer.sii.printed.barcode import symbol
from haulmer.sii.printed.canvas import Canvas, Resolucion
from haulmer.sii.printed.content import PrintedDocument, cedible_legend
from haulmer.sii.printed.letter import render_letter
from haulmer.sii.printed.numbers import iso_date
from haulmer.sii.printed.pdf import PdfImage
from haulmer.sii.printed.roll import render_roll

__all__ = ["Options", "draw"]


class Options(NamedTuple):
    """What render_pdf was asked for besides the document: the same for every document of a
    call."""

    paper: str
    cedible: bool
    logo: PdfImage | None
    resolucion: Any
    notes: list[str]


def draw(doc: PrintedDocument, ted_bytes: bytes, options: Options) -> tuple[bytes, int]:
    """The PDF of one document, given its printed facts and its timbre's bytes, and its number
    of pages."""
    legend = cedible_legend(doc.dte_type) if options.cedible else None
    issued = _issue_date(doc.issued)
    chosen = _resolucion(options.resolucion, issued, doc.resolution, doc.issued)
    if issued is None:  # the PDF's own date: a document's that cannot be read says none
        issued = dt.date(2000, 1, 1)
    barcode = symbol(ted_bytes)
    created = dt.datetime.combine(issued, dt.time(), tzinfo=dt.timezone.utc)
    title = f"{doc.title} N° {doc.folio}"
    canvas = Canvas(title=title, created=created)
    render = render_letter if options.paper == "letter" else render_roll
    pages = render(
        doc,
        barcode,
        canvas=canvas,
        resolucion=chosen,
        cedible=legend,
        logo=options.logo,
        notes=options.notes,
    )
    return canvas.output(), pages


def _issue_date(fecha: str) -> dt.date | None:
    """The document's FchEmis as a date; None when it is not the SII's YYYY-MM-DD."""
    return iso_date(fecha)


_YEAR: Final = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
"""A year written in a date the SII's form does not read (``27-11-2026``)."""


class _YearOnly(Resolucion):
    """The default resolution of a document whose issue date is not YYYY-MM-DD: N° 0 of the
    year its date names, or of no year when it names none ("Res. N° 0")."""

    @property
    def legend(self) -> str:
        return f"Res. N° {self.numero}" if self.fecha == dt.date.min else super().legend


def _undated_default(fecha: str) -> Resolucion:
    """N° 0 of the year an unreadable FchEmis names, else of no year: never one it does not."""
    found = _YEAR.search(fecha)
    return _YearOnly(0, dt.date(int(found.group()), 1, 1) if found else dt.date.min)


def _resolucion(
    value: Any,
    issued: dt.date | None,
    declared: tuple[int, dt.date] | None = None,
    fecha: str = "",
) -> Resolucion:
    """The resolution printed: the caller's, else the one the envelope's Caratula declares, else
    N° 0 of the issue date (what the SII's certification environment uses); ``fecha`` is the
    FchEmis text, whose year prints when it is not a date ``issued`` could read."""
    if value is None:
        if declared is not None:
            return Resolucion(*declared)
        return Resolucion(0, issued) if issued is not None else _undated_default(fecha)
    if isinstance(value, Resolucion):
        if isinstance(value.fecha, dt.date):
            _check_numero(value.numero)
            return value
    elif isinstance(value, tuple) and len(value) == 2:
        numero, fecha = value
        try:
            day = fecha if isinstance(fecha, dt.date) else chile_date(str(fecha))  # YYYY-MM-DD
            whole = int(numero)  # text with a point ("80.5") raises here
            if isinstance(numero, bool) or whole < 0:
                raise ValueError(numero)
            if not isinstance(numero, str) and whole != numero:  # 80.5: not to be cut short
                raise ValueError(numero)
        except (TypeError, ValueError):
            pass
        else:
            _check_numero(int(numero))
            return Resolucion(int(numero), day)
    raise ValidationError(
        "resolucion must be Resolucion(numero, fecha) or (numero, 'YYYY-MM-DD'), e.g. "
        f"(80, '2014-08-22'); got {shown(value)}"
    )


MAX_NUMERO = 999_999
"""The largest resolution number: the SII's NroResol has 6 digits at most."""


def _check_numero(numero: object) -> None:
    """Refuse a resolution number the SII cannot have, which would print as given."""
    if isinstance(numero, bool) or not isinstance(numero, int) or not 0 <= numero <= MAX_NUMERO:
        raise ValidationError(
            f"resolucion's number must be a whole number from 0 to {MAX_NUMERO} (the SII's "
            f"NroResol has 6 digits at most), not {shown(numero)}: give the number of the "
            "resolution that authorizes the emisor, e.g. (80, '2014-08-22')"
        )

"""What the printed representation of a document must show, as its reader finds it: the folio,
the type's name, the emisor's RUT, the total and each line's name. Shared by the printed
differential properties of ``tests/sii`` (``render_pdf``) and ``tests/testing`` (the fake's PDF).
"""

from __future__ import annotations

from haulmer.dte import DTEType
from haulmer.dte.document import Document
from haulmer.rut import Rut
from haulmer.sii.printed import numbers
from pdf_reading import barcodes_on_page, one_line, page_texts

_EXPORTS = (110, 111, 112)
_WHOLE_WORD = 20
"""A word this long or shorter is never broken by the wrapper: it is found whole, whatever the
other columns print beside it."""
_MOST_BETWEEN = 300
"""What may stand between the pieces of a longer word broken over lines: the other columns'
values on its first line, or the page's header when the line runs over to the next page."""


def printed_text(pdf: bytes) -> str:
    """Every page's text as one line."""
    return one_line("\n".join(page_texts(pdf)))


def printed_total(document: Document) -> str:
    """How the printed document states its total: "Total $ 1.190", or an export's
    "Total (DOLAR USA) 81,50" in its currency."""
    totales = document.encabezado.totales
    moneda = getattr(totales, "tpo_moneda", None)
    moneda_name = str(getattr(moneda, "value", moneda) or "")
    total = str(totales.mnt_total)
    if int(document.encabezado.id_doc.tipo_dte) not in _EXPORTS or moneda_name == "PESO CL":
        return f"Total {numbers.amount(total)}"
    return f"Total ({moneda_name}) {numbers.amount(total, pesos=False)}"


def claims(document: Document, *, folio: int | None = None) -> list[str]:
    """The texts the printed ``document`` must hold: "N° <folio>" (``folio`` when the platform
    numbered it), its type's name in capitals, the emisor's edited RUT and its total."""
    id_doc = document.encabezado.id_doc
    return [
        f"N° {folio if folio is not None else id_doc.folio}",
        DTEType(int(id_doc.tipo_dte)).label.upper(),
        Rut.parse(str(document.encabezado.emisor.rut)).format(dots=True),
        printed_total(document),
    ]


def missing_claims(document: Document, text: str, *, folio: int | None = None) -> list[str]:
    """The claims and line names (``shows_line_name``) the printed ``text`` lacks."""
    missing = [claim for claim in claims(document, folio=folio) if claim not in text]
    missing += [
        f"line name {line.nombre!r}"
        for line in document.detalle
        if not shows_line_name(line.nombre, text)
    ]
    return missing


def shows_line_name(name: str, text: str) -> bool:
    """Whether ``text`` shows ``name`` as a wrapped column prints it: each short word whole,
    each longer one in order with at most ``_MOST_BETWEEN`` other characters among its pieces."""
    bare = "".join(text.split())
    return all(
        word in bare if len(word) <= _WHOLE_WORD else _in_order(word, bare) for word in name.split()
    )


def _in_order(word: str, bare: str) -> bool:
    start = bare.find(word[0])
    while start >= 0:
        wanted, at, between = 1, start + 1, 0
        while wanted < len(word) and at < len(bare) and between <= _MOST_BETWEEN:
            if bare[at] == word[wanted]:
                wanted += 1
            else:
                between += 1
            at += 1
        if wanted == len(word):
            return True
        start = bare.find(word[0], start + 1)
    return False


def timbres_read(pdf: bytes) -> list[bytes]:
    """The PDF417 symbols read from the last page at 200 dpi, else at 300 or 400 dpi: a 0.21 mm
    module is 1.65 pixels at 200 dpi (2.48 at 300), so now and then a symbol falls on that grid
    in a way the reader misses (one in some hundreds at 200 dpi, fewer at 300; the same symbol
    placed elsewhere on the page reads), and reads from a finer one."""
    for dpi in (200, 300, 400):
        found = barcodes_on_page(pdf, dpi=dpi)
        if found:
            return found
    return []

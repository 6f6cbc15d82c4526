"""The 80 mm roll printed DTE (point-of-sale receipts): one column, as long as the document.

The page is as tall as its content, so a receipt printer cuts where the document ends; a very
long document continues on further strips of at most ``MAX_HEIGHT``, the timbre on the last.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from haulmer.sii.printed.barcode import Symbol
from haulmer.sii.printed.canvas import BLACK, GRAY, Canvas, Resolucion
from haulmer.sii.printed.content import Line, PrintedDocument, labelled
from haulmer.sii.printed.pdf import PdfImage

__all__ = ["MAX_HEIGHT", "render_roll"]

WIDTH: Final = 80.0
MARGIN: Final = 4.0
INNER: Final = WIDTH - 2 * MARGIN
MAX_HEIGHT: Final = 1000.0
"""Longest strip (mm); longer documents continue on another."""
TIMBRE_WIDTH: Final = 71.5
LEADING: Final = 3.6


def render_roll(
    doc: PrintedDocument,
    symbol: Symbol,
    *,
    canvas: Canvas,
    resolucion: Resolucion,
    cedible: str | None,
    logo: PdfImage | None,
    notes: Sequence[str],
) -> int:
    """Draw ``doc`` on 80 mm strips of ``canvas``; returns the number of strips.

    Each strip's height is set once its content is drawn, so it ends where its content does.
    """
    return _Roll(doc, symbol, canvas, resolucion, cedible, logo, notes).draw()


class _Roll:
    def __init__(
        self,
        doc: PrintedDocument,
        symbol: Symbol,
        canvas: Canvas,
        resolucion: Resolucion,
        cedible: str | None,
        logo: PdfImage | None,
        notes: Sequence[str],
    ) -> None:
        self.doc, self.symbol, self.c = doc, symbol, canvas
        self.resolucion, self.cedible, self.logo, self.notes = resolucion, cedible, logo, notes
        self.y = MARGIN

    def draw(self) -> int:
        """Draw everything; returns the number of strips."""
        self.page()
        self.header()
        self.fields()
        for line in self.doc.lines:
            self.line(line)
        self.sections()
        self.totals()
        self.timbre()
        self.c.set_height(self.y + MARGIN)
        return self.c.page_count

    def page(self) -> None:
        """End the current strip where its content ends, and start another."""
        if self.c.page_count:
            self.c.set_height(self.y + MARGIN)
        self.c.add_page(WIDTH)
        self.y = MARGIN

    def room_for(self, height: float) -> None:
        if self.y + height > MAX_HEIGHT - MARGIN:
            self.page()

    def centred(
        self, texts: Sequence[str], *, size: float, style: str = "", leading: float = LEADING
    ) -> None:
        c = self.c
        c.font(size, style)
        for text in texts:
            for part in c.wrap(text, INNER):
                self.room_for(leading)
                c.text(MARGIN, self.y, part, align="C", width=INNER)
                self.y += leading

    def rule(self) -> None:
        self.room_for(2)
        self.c.rule(MARGIN, self.y + 0.8, WIDTH - MARGIN)
        self.y += 2

    def header(self) -> None:
        c = self.c
        if self.logo is not None:
            c.logo(self.logo, MARGIN, self.y, INNER, 16, align="C")
            self.y += 18
        self.centred([self.doc.emisor_name], size=9.5, style="B", leading=4.3)
        self.centred(self.doc.emisor_lines, size=7.5, leading=3.3)
        self.y += 1.5
        self.y = c.sii_box(
            MARGIN,
            self.y,
            INNER,
            rut=self.doc.emisor_rut,
            title=self.doc.title,
            folio=self.doc.folio,
            office=self.doc.sii_office,
        )

    def labelled(self, texts: Sequence[str], *, size: float = 7.5) -> None:
        c = self.c
        c.font(size)
        for text in texts:
            for part in c.wrap(text, INNER):
                self.room_for(LEADING)
                c.text(MARGIN, self.y, part)
                self.y += LEADING

    def fields(self) -> None:
        self.labelled(labelled(self.doc.document_fields))
        if self.doc.receptor:
            self.y += 1
            self.labelled(labelled(self.doc.receptor))
        self.rule()

    def line(self, line: Line) -> None:
        """A Detalle line: its code and name in bold, its description and indications in gray,
        quantity by price (wrapped to the room the amount beside it leaves), then its discount
        and surcharge."""
        c = self.c
        c.font(7)
        extra = c.wrap(line.description, INNER) if line.description else []
        extra += c.wrap(", ".join(line.notes), INNER) if line.notes else []
        c.font(8, "B")
        names = c.wrap(f"{line.code} {line.name}".strip(), INNER)
        adjustments = [
            text
            for text in (
                f"Descuento {line.discount}" if line.discount else "",
                f"Recargo {line.surcharge}" if line.surcharge else "",
            )
            if text
        ]
        c.font(7.5)
        quantity = f"{line.quantity} {line.unit}".strip()
        priced = " x ".join(text for text in (quantity, line.price) if text)
        room = INNER - 2 - c.width(line.amount) - 3  # beside the amount, never over it
        priced_lines = c.wrap(priced, max(room, INNER / 3)) if priced else [""]
        height = (
            len(names) * LEADING + (len(extra) + len(adjustments) + len(priced_lines)) * 3.3 + 1
        )
        if height > MAX_HEIGHT / 2:  # a text of metres (a received DTE's): over further strips
            for texts, size, style, leading in ((names, 8, "B", LEADING), (extra, 7, "", 3.3)):
                for text in texts:
                    self.room_for(leading)
                    c.font(size, style)
                    c.text_color(BLACK if style else GRAY)
                    c.text(MARGIN, self.y, text)
                    self.y += leading
            c.text_color(BLACK)
            self.room_for((len(adjustments) + len(priced_lines)) * 3.3 + 1)
        else:
            self.room_for(height)
            c.font(8, "B")
            self.y = c.lines(MARGIN, self.y, names, leading=LEADING)
            c.font(7)
            c.text_color(GRAY)
            self.y = c.lines(MARGIN, self.y, extra, leading=3.3)
            c.text_color(BLACK)
        c.font(7.5)
        c.lines(MARGIN + 2, self.y, priced_lines, leading=3.3)
        c.text(MARGIN, self.y, line.amount, align="R", width=INNER)
        self.y += 3.3 * len(priced_lines)
        self.y = c.lines(MARGIN + 2, self.y, adjustments, leading=3.3) + 1

    def sections(self) -> None:
        doc = self.doc
        self.rule()
        for title, texts in (
            ("Descuentos y recargos globales", labelled(doc.adjustments)),
            ("Pagos", labelled(doc.payments)),
            ("Referencias", [r.text() for r in doc.references]),
            ("Comisiones y otros cargos", labelled(doc.commissions)),
            ("Subtotales", labelled(doc.subtotals)),
            (doc.transport_title, labelled(doc.transport)),
            ("Otra moneda", labelled(doc.other_currency)),
            ("Observaciones", list(self.notes)),
        ):
            if not texts:
                continue
            self.room_for(4 + LEADING)
            self.c.font(7.5, "B")
            self.c.text(MARGIN, self.y, title)
            self.y += 3.8
            self.labelled(texts, size=7)
            self.y += 1

    def totals(self) -> None:
        """Each total with its label beside it, the label wrapped to the room its value leaves:
        no tax loses its name or rate."""
        c = self.c
        for index, field in enumerate(self.doc.totals):
            last = index == self.doc.total_at
            size = 9.5 if last else 8
            c.font(size, "B" if last else "")
            label = (
                f"{field.label} ({self.doc.currency})"
                if last and self.doc.currency
                else field.label
            )
            room = INNER - c.width(field.value) - 3
            labels = c.wrap(label, max(room, 20)) if label else [""]
            self.room_for(len(labels) * size * 0.5)
            c.lines(MARGIN, self.y, labels, leading=size * 0.5)
            c.text(MARGIN, self.y, field.value, align="R", width=INNER)
            self.y += len(labels) * size * 0.5
        self.y += 2

    def timbre(self) -> None:
        c = self.c
        acuse = c.acuse_height(INNER, columns=1) + 10 if self.cedible else 0
        width = c.timbre_width(self.symbol, TIMBRE_WIDTH)
        self.room_for(c.timbre_height(self.symbol, width) + acuse + 2)
        x = (WIDTH - width) / 2
        self.y = c.timbre(self.symbol, x, self.y, width, resolucion=self.resolucion)
        if self.cedible:
            self.y = c.acuse(MARGIN, self.y + 2, INNER, columns=1)
            self.y = c.legend(MARGIN, self.y + 2, INNER, self.cedible, align="C")

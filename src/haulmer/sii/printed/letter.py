"""The letter-size printed DTE: emisor and red box on every page, lines over as many pages as
they need, and the totals and the timbre at the foot of the last page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, NamedTuple

from haulmer.sii.printed.barcode import Symbol
from haulmer.sii.printed.canvas import BLACK, GRAY, LIGHT, Align, Canvas, Cell, Resolucion
from haulmer.sii.printed.content import Field, Line, PrintedDocument, labelled
from haulmer.sii.printed.pdf import PdfImage

__all__ = ["render_letter"]

WIDTH: Final = 215.9
HEIGHT: Final = 279.4
MARGIN: Final = 12.0
RIGHT: Final = WIDTH - MARGIN
BOTTOM: Final = HEIGHT - MARGIN - 5  # the page number sits under it
BOX_WIDTH: Final = 78.0
TIMBRE_WIDTH: Final = 71.5
TIMBRE_LEFT: Final = 20.0
"""The timbre's left edge (mm from the page's): the SII wants it 2 cm or more from it."""
QUIET: Final = 2.0
"""Blank space kept above the timbre (mm), past PDF417's quiet zone of two modules."""
TOTALS_WIDTH: Final = 80.0
LEADING: Final = 3.9
LOGO_WIDTH: Final = 40.0
LOGO_HEIGHT: Final = 20.0
HEADER_HEIGHT: Final = 130.0
"""The most the emisor's name and lines take under the page's top margin (mm). The XSD's
longest (a razón social of 100 characters, a giro of 80, an address of 70...), all capital
Ws, take 123 beside a logo; a received document's longer texts are cut there, marked
``...``, as on every page they would leave no room for its lines."""
NAME_LINES: Final = 8
"""The most lines of the emisor's razón social (12 pt); 100 characters take 7 at most."""
FIELD_LINES: Final = 6
"""The most lines of one receptor or document field; the XSD's longest take 3."""


def _at_most(c: Canvas, lines: list[str], most: int, width: float) -> list[str]:
    """``lines`` as they are, or their first ``most``, the last marked ``...`` (a received
    document's text far past the XSD's lengths)."""
    if len(lines) <= most:  # all but such documents
        return lines
    return [*lines[: most - 1], c.marked(lines[most - 1], width)]


class _Column(NamedTuple):
    title: str
    width: float
    align: Align


_NAME: Final = _Column("Descripción", 0, "L")
"""The column that takes the width the others leave: the line's name and, in gray, its
description and indications under it."""
_ADJUSTMENT: Final = _Column("Dcto./Recargo", 24, "R")
"""A line's discount and surcharge, one above the other when both are too wide for one."""
_COLUMNS: Final = (
    _Column("Código", 24, "L"),
    _NAME,
    _Column("Cantidad", 20, "R"),
    _Column("Precio unit.", 24, "R"),
    _ADJUSTMENT,
    _Column("Monto", 25, "R"),
)
"""The lines' table, left to right: code, name, quantity and unit, price, discount or
surcharge, amount."""


_NAME_AT: Final = _COLUMNS.index(_NAME)
_ADJUSTMENT_AT: Final = _COLUMNS.index(_ADJUSTMENT)
_CODE_AT: Final = 0
_NAME_LEAST: Final = 30.0
"""The narrowest the description column gets when numbers too wide for their columns widen
them."""
_NUMBERS: Final = tuple(at for at, column in enumerate(_COLUMNS) if column.align == "R")
"""The columns of numbers (quantity, price, discount or surcharge, amount): a number is never
broken between its digits while the description column has room to give."""


def _cells(widths: Sequence[float]) -> tuple[Cell, ...]:
    """Where each column's text goes, given every column's width but the description's: 1 mm
    inside its edges; the description column takes the width the others leave."""
    free = RIGHT - MARGIN - sum(widths)
    cells, x = [], MARGIN
    for at, (width, column) in enumerate(zip(widths, _COLUMNS, strict=True)):
        width = free if at == _NAME_AT else width
        cells.append((x + 1, width - 2, column.align))
        x += width
    return tuple(cells)


_WIDTHS: Final = tuple(column.width for column in _COLUMNS)
_CELLS: Final = _cells(_WIDTHS)


class _Table(NamedTuple):
    """The lines' table as drawn: its cells, each line's numbers as printed (quantity with its
    unit, price, discount or surcharge, amount) and the columns where a value may not fit its
    cell on one line, which each line looks at again."""

    cells: tuple[Cell, ...]
    numbers: list[tuple[str, str, str, str]]
    unsure: tuple[int, ...]


def _table(lines: Sequence[Line], c: Canvas) -> _Table:
    """The table for ``lines``: the usual cells, unless a number is wider than its column (an
    amount of 15 digits or more, a quantity with many decimals and its unit); then that column
    widens to the widest of its numbers and the description column gives up the width, down to
    ``_NAME_LEAST``. Most values are told to fit from their length alone."""
    c.font(8)
    # each line's quantity (with its unit), price, discount or surcharge and amount, as printed
    numbers = [
        (
            f"{line.quantity} {line.unit}".strip() if line.unit else line.quantity,
            line.price,
            _adjustment(line) if line.discount or line.surcharge else "",
            line.amount,
        )
        for line in lines
    ]
    columns = dict(zip(_NUMBERS, zip(*numbers, strict=True), strict=True)) if numbers else {}
    columns[_CODE_AT] = tuple([line.code for line in lines])
    adjustments = columns.get(_ADJUSTMENT_AT, ())
    adjusted = any(adjustments)
    if adjusted:
        columns[_ADJUSTMENT_AT] = tuple(p for text in adjustments for p in _parts(text))
    widths = list(_WIDTHS)
    widest: dict[int, float] = {}
    for at, texts in columns.items():
        widest[at] = c.widest(texts, _WIDTHS[at] - 2) if all(map(str.isprintable, texts)) else -1
        if at != _CODE_AT and widest[at] > _WIDTHS[at] - 2:
            widths[at] = widest[at] + 2.5
    cells = _CELLS
    if widths != list(_WIDTHS):
        room = RIGHT - MARGIN - _NAME_LEAST - sum(widths)
        if room < 0:  # give back, from the widest, what the description column cannot give up
            for at in sorted(_NUMBERS, key=lambda at: widths[at] - _WIDTHS[at], reverse=True):
                back = min(-room, widths[at] - _WIDTHS[at])
                widths[at] -= back
                room += back
        cells = _cells(widths)
    if (
        adjusted
        and widest.get(_ADJUSTMENT_AT, -1) >= 0
        and any(" +" in text for text in adjustments)
    ):
        # a discount and a surcharge side by side: the whole may not fit where each part does
        widest[_ADJUSTMENT_AT] = c.widest(adjustments, cells[_ADJUSTMENT_AT][1])
    unsure = tuple(sorted(at for at, w in widest.items() if w < 0 or w > cells[at][1]))
    return _Table(cells, numbers, unsure)


def _parts(adjustment: str) -> list[str]:
    """A line's discount and surcharge as the parts its cell breaks between first."""
    return adjustment.replace(" +", "\n+").split("\n")


_LABEL_INDENTS: dict[str, float] = {}
"""Where a field's text starts after its bold label (8 pt), by label: the labels are few."""


def _adjustment(line: Line) -> str:
    if line.discount and line.surcharge:
        return f"-{line.discount} +{line.surcharge}"
    if line.surcharge:
        return f"+{line.surcharge}"
    return f"-{line.discount}" if line.discount else ""


def render_letter(
    doc: PrintedDocument,
    symbol: Symbol,
    *,
    canvas: Canvas,
    resolucion: Resolucion,
    cedible: str | None,
    logo: PdfImage | None,
    notes: Sequence[str],
) -> int:
    """Draw ``doc`` on letter pages of ``canvas``; returns the number of pages."""
    return _Letter(doc, symbol, canvas, resolucion, cedible, logo, notes).draw()


class _Letter:
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
        self.pages = 0
        self.y = MARGIN
        self.under_header = MARGIN
        """Where a page's content starts, under its emisor and red box (the same on every page)."""
        self.table = _table(doc.lines, canvas)
        self.cells = self.table.cells
        self.name_x, self.name_width, _ = self.cells[_NAME_AT]

    def draw(self) -> int:
        self.page()
        self.parties()
        self.table_header()
        for line, numbers in zip(self.doc.lines, self.table.numbers, strict=True):
            self.line(line, numbers)
        self.sections()
        self.foot()
        self.page_numbers()
        return self.pages

    def page_numbers(self) -> None:
        """``Página n de N`` at the foot of every page, once N is known."""
        c, last = self.c, self.c.page_count
        c.font(7)
        for number in range(1, self.pages + 1):
            c.select_page(number)
            c.text(
                MARGIN,
                HEIGHT - MARGIN - 3,
                f"Página {number} de {self.pages}",
                align="R",
                width=RIGHT - MARGIN,
            )
        c.select_page(last)

    # -- pages ---------------------------------------------------------------------------------

    def page(self) -> None:
        """A new page with the emisor, the red box and the page number."""
        c = self.c
        c.add_page(WIDTH, HEIGHT)
        self.pages += 1
        box_x = RIGHT - BOX_WIDTH
        under_box = c.sii_box(
            box_x,
            MARGIN,
            BOX_WIDTH,
            rut=self.doc.emisor_rut,
            title=self.doc.title,
            folio=self.doc.folio,
            office=self.doc.sii_office,
        )
        x, room = MARGIN, box_x - MARGIN - 6
        if self.logo is not None:
            taken = c.logo(self.logo, MARGIN, MARGIN, LOGO_WIDTH, LOGO_HEIGHT) + 4
            x += taken
            room -= taken
        c.font(12, "B")
        names = c.wrap(self.doc.emisor_name, room)
        if len(names) > NAME_LINES:  # a received document's text of pages
            names = _at_most(c, names, NAME_LINES, room)
        y = c.lines(x, MARGIN, names, leading=5.2)
        c.font(8)
        wrapped = [part for text in self.doc.emisor_lines for part in c.wrap(text, room)]
        if y + 0.5 + len(wrapped) * LEADING > MARGIN + HEADER_HEIGHT:  # the same
            most = max(int((MARGIN + HEADER_HEIGHT - y - 0.5) / LEADING), 1)
            wrapped = _at_most(c, wrapped, most, room)
        y = c.lines(x, y + 0.5, wrapped, leading=LEADING)
        if self.logo is not None:
            y = max(y, MARGIN + LOGO_HEIGHT + 1)
        self.y = self.under_header = max(y, under_box) + 3

    def room_for(self, height: float) -> None:
        """Go on to a new page (with the table's header) unless ``height`` fits on this one."""
        if self.y + height > BOTTOM:
            self.page()
            self.table_header()

    # -- blocks --------------------------------------------------------------------------------

    def parties(self) -> None:
        """The receptor (left) and the document's own data (right), framed."""
        c, half = self.c, (RIGHT - MARGIN) / 2
        c.font(8)
        left = self.field_lines(self.doc.receptor, half - 4)
        right = self.field_lines(self.doc.document_fields, half - 4)
        height = max(len(left), len(right)) * LEADING + 3
        c.frame(MARGIN, self.y, RIGHT - MARGIN, height)
        self.write_fields(MARGIN + 2, self.y + 1.5, left)
        self.write_fields(MARGIN + half + 2, self.y + 1.5, right)
        self.y += height + 3

    def field_lines(self, fields: Sequence[Field], width: float) -> list[tuple[str, float, str]]:
        """(label, indent, text) lines of ``fields`` wrapped to ``width``: the label, in bold,
        on the first line only, and the text ``indent`` mm to its right."""
        c = self.c
        out: list[tuple[str, float, str]] = []
        c.font(8)
        for field in fields:
            label = f"{field.label}:"
            indent = _LABEL_INDENTS.get(label)
            if indent is None:  # measured in bold once per label, back to the regular font
                c.font(8, "B")
                indent = _LABEL_INDENTS[label] = c.width(label) + 1.5
                c.font(8)
            parts = c.wrap(field.value, width - indent)
            if len(parts) > FIELD_LINES:  # a received document's text of pages
                parts = _at_most(c, parts, FIELD_LINES, width - indent)
            for index, text in enumerate(parts):
                out.append((label if index == 0 else "", indent, text))
        return out

    def write_fields(self, x: float, top: float, lines: Sequence[tuple[str, float, str]]) -> None:
        self.c.font(8)
        self.c.fields(x, top, lines, leading=LEADING)

    def table_header(self) -> None:
        key = "letter table header"
        if self.cells is not _CELLS:
            key = f"{key} {[x for x, _, _ in self.cells]}"
        self.c.stamp(self.y, key, self._draw_table_header)
        self.y += 6

    def _draw_table_header(self, c: Canvas) -> None:
        """The columns' titles on a light band, at y = 0."""
        c.frame(MARGIN, 0, RIGHT - MARGIN, 5, fill=LIGHT, color=LIGHT)
        c.font(7.5, "B")
        for column, (x, width, align) in zip(_COLUMNS, self.cells, strict=True):
            c.text(x, 1.2, column.title, align=align, width=width)

    def line(self, line: Line, numbers: tuple[str, str, str, str]) -> None:
        """A Detalle line: its cells, its name in the description column and, in gray under
        the name, its description and indications (drawn last, as they are read). A value
        still wider than its column (a long code; a number only when the description column
        had no more room to give) continues on further lines of its column, never cut."""
        c = self.c
        c.font(7)
        extra = c.wrap(line.description, self.name_width) if line.description else []
        if line.notes:
            extra += c.wrap(", ".join(line.notes), self.name_width)
        c.font(8)
        names = c.wrap(line.name, self.name_width)
        values = [line.code, names[0], *numbers]
        further: list[tuple[int, list[str]]] = []  # the cells whose value takes more lines
        for at in self.table.unsure:
            text, width = values[at], self.cells[at][1]
            if text and not c.fits_at_a_glance(text, width):
                pieces = _parts(text) if at == _ADJUSTMENT_AT else [text]
                parts = [part for piece in pieces for part in c.wrap(piece, width)]
                if len(parts) > 1:
                    values[at] = parts[0]
                    further.append((at, parts[1:]))
        rows = 1 + max(len(parts) for _, parts in further) if further else 1
        height = max(len(names) * LEADING + len(extra) * 3.3, rows * LEADING) + 1.2
        if height > (BOTTOM - MARGIN) / 2:  # a text of pages (a received DTE's): run over them
            self.long_line(values, names, extra, further)
            return
        if self.y + height > BOTTOM:  # what room_for does, written out: a call a line fewer
            self.page()
            self.table_header()
        y = self.y
        if len(names) == 1:
            c.row(y, self.cells, values)
            under = y + LEADING
        else:  # the name's further lines between its first and the cells after it
            after = _NAME_AT + 1
            c.row(y, self.cells[:after], values[:after])
            under = c.lines(self.name_x, y + LEADING, names[1:], leading=LEADING)
            c.row(y, self.cells[after:], values[after:])
        for at, parts in further:
            x, width, align = self.cells[at]
            c.lines(x, y + LEADING, parts, leading=LEADING, align=align, width=width)
        if extra:
            c.font(7)
            if len(extra) == 1:  # most: in gray, the text colour left black
                c.text(self.name_x, under, extra[0], color=GRAY)
            else:
                c.text_color(GRAY)
                c.lines(self.name_x, under, extra, leading=3.3)
                c.text_color(BLACK)
        self.y = y + height
        c.rule(MARGIN, self.y - 0.6, RIGHT, color=LIGHT)

    def long_line(
        self,
        values: Sequence[str],
        names: Sequence[str],
        extra: Sequence[str],
        further: Sequence[tuple[int, list[str]]],
    ) -> None:
        """A line taller than half a page: its cells, then its name and description one line
        at a time, going on to the next page whenever this one is full."""
        c = self.c
        rows = 1 + max((len(parts) for _, parts in further), default=0)
        self.room_for(rows * LEADING + 1.2)
        c.font(8)
        c.row(self.y, self.cells, values)
        for at, parts in further:
            x, width, align = self.cells[at]
            c.lines(x, self.y + LEADING, parts, leading=LEADING, align=align, width=width)
        self.y += LEADING
        for texts, size, leading in ((names[1:], 8.0, LEADING), (extra, 7.0, 3.3)):
            for text in texts:
                self.room_for(leading)
                c.font(size)
                c.text_color(BLACK if size == 8.0 else GRAY)
                c.text(self.name_x, self.y, text)
                self.y += leading
        c.text_color(BLACK)
        self.y += 1.2
        c.rule(MARGIN, self.y - 0.6, RIGHT, color=LIGHT)

    def sections(self) -> None:
        """Global discounts and surcharges, payments, references, commissions, transport,
        notes."""
        doc = self.doc
        self.y += 2
        # most documents have none of them: an empty section costs a test, not a call
        if doc.adjustments:
            self.block("Descuentos y recargos globales", labelled(doc.adjustments))
        if doc.payments:
            self.block("Pagos", labelled(doc.payments))
        if doc.references:
            self.block("Referencias", [r.text() for r in doc.references])
        if doc.commissions:
            self.block("Comisiones y otros cargos", labelled(doc.commissions))
        if doc.subtotals:
            self.block("Subtotales", labelled(doc.subtotals))
        if doc.transport:
            self.block(doc.transport_title, labelled(doc.transport))
        if doc.other_currency:
            self.block("Otra moneda", labelled(doc.other_currency))
        if self.notes:
            self.block("Observaciones", list(self.notes))

    def block(self, title: str, texts: Sequence[str]) -> None:
        """A section under its bold title; one that runs over pages goes on under its title
        again ("Referencias (continuación)"), not under the lines' column titles."""
        if not texts:
            return
        c, width = self.c, RIGHT - MARGIN - 2
        c.font(8)
        wrapped = [part for text in texts for part in c.wrap(text, width)]
        if self.y + 5 + LEADING > BOTTOM:
            self.page()
        self.block_title(title)
        for text in wrapped:
            if self.y + LEADING > BOTTOM:
                self.page()
                self.block_title(f"{title} (continuación)")
            c.text(MARGIN + 2, self.y, text)
            self.y += LEADING
        self.y += 2

    def block_title(self, title: str) -> None:
        """A section's title in bold; the regular font selected after it."""
        c = self.c
        c.font(8, "B")
        c.text(MARGIN, self.y, title)
        self.y += 4.5
        c.font(8)

    def total_rows(self) -> list[tuple[bool, list[str], str]]:
        """The totals as (bold, label lines, value): each label beside its value, wrapped to
        the room the value leaves, so no tax loses its name or rate."""
        c, rows = self.c, []
        for index, field in enumerate(self.doc.totals):
            last = index == self.doc.total_at
            c.font(9 if last else 8, "B" if last else "")
            label = field.label
            if last and self.doc.currency:
                label = f"{label} ({self.doc.currency})"
            room = max(TOTALS_WIDTH - 4 - c.width(field.value) - 3, 20)
            labels = [label] if c.fits_at_a_glance(label, room) else c.wrap(label, room)
            rows.append((last, labels if label else [""], field.value))
        return rows

    def foot(self) -> None:
        """Timbre (left) and totals (right) at the foot of the last page; under the totals the
        acuse de recibo and the legend of a cedible copy. Totals too many to fit beside the
        timbre under a page's header begin before it, in a column of their own."""
        c = self.c
        rows = self.total_rows()
        heights = [4.6 + (len(label) - 1) * LEADING for _, label, _ in rows]
        acuse = c.acuse_height(TOTALS_WIDTH, columns=2) + 2 if self.cedible else 0
        under_totals = acuse + 9 if self.cedible else 0
        if sum(heights) + 3 + under_totals > BOTTOM - self.under_header - QUIET:
            kept = self.leading_totals(
                rows, heights, BOTTOM - self.under_header - QUIET - 3 - under_totals
            )
            rows, heights = rows[kept:], heights[kept:]
        totals_height = sum(heights) + 3
        right = totals_height + under_totals
        width = c.timbre_width(self.symbol, TIMBRE_WIDTH)
        height = max(right, c.timbre_height(self.symbol, width))
        if self.y + QUIET + height > BOTTOM:
            self.page()
        top = BOTTOM - height
        c.timbre(self.symbol, TIMBRE_LEFT, top, width, resolucion=self.resolucion)
        x = RIGHT - TOTALS_WIDTH
        c.frame(x, top, TOTALS_WIDTH, totals_height)
        y = top + 1.5
        for (last, label, value), row_height in zip(rows, heights, strict=True):
            self.total_row(x, y, last, label, value)
            y += row_height
        if self.cedible:
            y = c.acuse(x, top + totals_height + 2, TOTALS_WIDTH, columns=2)
            c.legend(x, y + 2, TOTALS_WIDTH, self.cedible)

    def total_row(self, x: float, y: float, last: bool, label: Sequence[str], value: str) -> None:
        """One total in the totals' box from ``x``: its label lines and, right-aligned, its
        value; the document's total in bold."""
        c = self.c
        c.font(9 if last else 8, "B" if last else "")
        c.lines(x + 2, y, label, leading=LEADING)
        c.text(x + 2, y, value, align="R", width=TOTALS_WIDTH - 4)

    def leading_totals(
        self,
        rows: Sequence[tuple[bool, list[str], str]],
        heights: Sequence[float],
        room: float,
    ) -> int:
        """Draw the first totals, those the foot has no ``room`` for, in a framed column on
        the right from here, going on to further pages as needed; returns how many it drew."""
        kept = 0
        while kept < len(rows) - 1 and sum(heights[kept:]) > room:
            kept += 1
        c, x = self.c, RIGHT - TOTALS_WIDTH
        top = self.y + QUIET
        y = top + 1.5
        for (last, label, value), height in zip(rows[:kept], heights[:kept], strict=True):
            if y + height + 1.5 > BOTTOM:
                if y > top + 1.5:
                    c.frame(x, top, TOTALS_WIDTH, y + 1.5 - top)
                self.page()
                top = self.y
                y = top + 1.5
            self.total_row(x, y, last, label, value)
            y += height
        if y > top + 1.5:
            c.frame(x, top, TOTALS_WIDTH, y + 1.5 - top)
        self.y = y + 1.5
        return kept

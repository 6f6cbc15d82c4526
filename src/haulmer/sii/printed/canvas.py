"""Drawing on an fpdf2 page in millimetres: text that fits, the SII's red box and the timbre.

Both paper layouts draw through this one class, so the box, the timbre and its legends look
the same on letter paper and on an 80 mm roll. Text is written with the PDF core fonts in
windows-1252 (accents, Ñ, ¿¡, €); a character outside it prints as its closest ASCII form.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from fpdf import FPDF

from haulmer.sii.printed.barcode import Symbol

__all__ = ["Canvas", "Resolucion", "printable"]

PT: Final = 25.4 / 72
"""One typographic point in millimetres."""
FONT: Final = "helvetica"
RED: Final = (200, 16, 46)
GRAY: Final = (90, 90, 90)
LIGHT: Final = (230, 230, 230)
TIMBRE_LEGEND: Final = "Timbre Electrónico SII"
VERIFY_LEGEND: Final = "Verifique documento: www.sii.cl"
ACUSE_LEGEND: Final = (
    "El acuse de recibo que se declara en este acto, de acuerdo a lo dispuesto en la letra b) "
    "del Art. 4°, y la letra c) del Art. 5° de la Ley 19.983, acredita que la entrega de "
    "mercaderías o servicio(s) prestado(s) ha(n) sido recibido(s)."
)
ACUSE_FIELDS: Final = ("Nombre", "R.U.T.", "Fecha", "Recinto", "Firma")
Align = Literal["L", "C", "R"]


@dataclass(frozen=True)
class Resolucion:
    """The SII resolution that authorizes the emisor to issue DTEs: its number and date.

    Printed under the timbre as ``Res. N° 80 de 2014``. The DTE does not carry it.
    """

    numero: int
    fecha: dt.date

    @property
    def legend(self) -> str:
        """``Res. N° <número> de <año>``, as the SII asks."""
        return f"Res. N° {self.numero} de {self.fecha.year}"


def printable(text: str) -> str:
    """``text`` in windows-1252: other characters become their ASCII base or ``?``."""
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for char in text:
        try:
            char.encode("cp1252")
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            base.encode("cp1252")
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


class Canvas:
    """An fpdf2 document in millimetres with the drawing steps the printed DTE needs."""

    def __init__(self, *, title: str, created: dt.datetime, drawing: bool = True) -> None:
        """``drawing=False`` makes a canvas that only measures: text, lines, frames and images
        are skipped while fonts, widths and pages work (a layout's trial run)."""
        pdf = FPDF(unit="mm", format="letter")
        pdf.core_fonts_encoding = "windows-1252"
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.set_title(printable(title))
        pdf.set_creator("haulmer")
        pdf.set_creation_date(created)
        pdf.alias_nb_pages("{nb}")
        self.pdf = pdf
        self.drawing = drawing
        self._font: tuple[str, float] = ("", 0.0)

    # -- text ----------------------------------------------------------------------------------

    def font(self, size: float, style: str = "") -> None:
        """Select Helvetica at ``size`` points (``style``: "", "B", "I", "BI")."""
        if self._font != (style, size):
            self.pdf.set_font(FONT, style=style, size=size)
            self._font = (style, size)
            font: Any = self.pdf.current_font
            self._widths: dict[str, float] = font.cw
            self._scale = size * PT / 1000

    def width(self, text: str) -> float:
        """Width in mm of ``text`` in the current font (from the core font's metrics)."""
        widths = self._widths
        return sum(widths.get(char, 500) for char in printable(text)) * self._scale

    def text(
        self, x: float, top: float, text: str, *, align: Align = "L", width: float = 0
    ) -> None:
        """One line whose top is at ``top``; aligned within ``width`` from ``x``."""
        shown = printable(text)
        if not shown or not self.drawing:
            return
        if align != "L":
            room = width - self.width(shown)
            x += room if align == "R" else room / 2
        self.pdf.text(x, top + self._font[1] * PT * 0.8, shown)

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width``."""
        if self.width(text) <= width:
            return text
        while text and self.width(text + "...") > width:
            text = text[:-1]
        return text + "..."

    def wrap(self, text: str, width: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` (long words are cut)."""
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            current = ""
            for word in paragraph.split():
                candidate = f"{current} {word}" if current else word
                if self.width(candidate) <= width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                while self.width(word) > width and len(word) > 1:
                    cut = len(word)
                    while cut > 1 and self.width(word[:cut]) > width:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                current = word
            lines.append(current)
        return [line for line in lines if line] or [""]

    def lines(
        self,
        x: float,
        top: float,
        texts: Sequence[str],
        *,
        leading: float,
        align: Align = "L",
        width: float = 0,
    ) -> float:
        """Write ``texts`` one under the other; returns the y under the last."""
        for line in texts:
            self.text(x, top, line, align=align, width=width)
            top += leading
        return top

    # -- shapes --------------------------------------------------------------------------------

    def rule(self, x1: float, y: float, x2: float, *, color: tuple[int, int, int] = GRAY) -> None:
        """A thin horizontal line."""
        if not self.drawing:
            return
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(0.2)
        self.pdf.line(x1, y, x2, y)

    def frame(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        color: tuple[int, int, int] = GRAY,
        line: float = 0.2,
        fill: tuple[int, int, int] | None = None,
    ) -> None:
        """A rectangle outline, optionally filled."""
        if not self.drawing:
            return
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(line)
        if fill is not None:
            self.pdf.set_fill_color(*fill)
        self.pdf.rect(x, y, w, h, style="DF" if fill is not None else "D")

    def image(self, image: Any, x: float, y: float, w: float, h: float) -> None:
        """Place an image (PIL image, PNG/JPEG bytes or a path) in the given box."""
        if self.drawing:
            self.pdf.image(image, x=x, y=y, w=w, h=h)

    def logo(
        self, image: Any, x: float, y: float, w: float, h: float, *, align: Align = "L"
    ) -> float:
        """Place a PIL image as large as fits in ``w`` x ``h`` mm, keeping its proportions;
        returns the width it took."""
        pixels_wide, pixels_high = float(image.width), float(image.height)
        scale = min(w / pixels_wide, h / pixels_high)
        width, height = pixels_wide * scale, pixels_high * scale
        if align != "L":
            x += (w - width) if align == "R" else (w - width) / 2
        self.image(image, x, y, width, height)
        return width

    # -- the SII's pieces ----------------------------------------------------------------------

    def sii_box(
        self, x: float, top: float, w: float, *, rut: str, title: str, folio: str, office: str
    ) -> float:
        """The red box (R.U.T., document name, N° folio) and the SII office under it.

        Returns the y under the office line.
        """
        self.font(11, "B")
        title_lines = self.wrap(title, w - 6)
        height = 3 + 6 + len(title_lines) * 5 + 1 + 5 + 3
        self.pdf.set_text_color(*RED)
        self.frame(x, top, w, height, color=RED, line=0.7)
        y = top + 3
        self.font(11.5, "B")
        self.text(x, y, f"R.U.T.: {rut}", align="C", width=w)
        y += 6
        self.font(11, "B")
        y = self.lines(x, y, title_lines, leading=5, align="C", width=w) + 1
        self.font(11.5, "B")
        self.text(x, y, f"N° {folio}", align="C", width=w)
        self.font(9, "B")
        y = top + height + 1.5
        self.text(x, y, f"S.I.I. - {office}" if office else "S.I.I.", align="C", width=w)
        self.pdf.set_text_color(0, 0, 0)
        return y + 4.5

    def timbre_height(self, symbol: Symbol, width: float) -> float:
        """Height of :meth:`timbre` drawn ``width`` mm wide (the symbol and three legends)."""
        return width * symbol.aspect + 12.5

    def timbre(
        self, symbol: Symbol, x: float, top: float, width: float, *, resolucion: Resolucion
    ) -> float:
        """The PDF417 timbre ``width`` mm wide with its three legends under it; returns the y
        under them."""
        height = width * symbol.aspect
        if self.drawing:
            self.image(symbol.image(), x, top, width, height)
        y = top + height + 1.5
        self.font(7.5, "B")
        self.text(x, y, TIMBRE_LEGEND, align="C", width=width)
        self.font(7)
        y = self.lines(
            x, y + 3.6, [resolucion.legend, VERIFY_LEGEND], leading=3.4, align="C", width=width
        )
        return y

    def acuse_height(self, width: float, *, columns: int) -> float:
        """Height of :meth:`acuse` at ``width`` mm with its fields in ``columns`` columns."""
        self.font(6.5)
        rows = -(-len(ACUSE_FIELDS) // columns)
        return 5 + rows * 6.5 + len(self.wrap(ACUSE_LEGEND, width - 4)) * 2.8 + 3

    def acuse(self, x: float, top: float, width: float, *, columns: int) -> float:
        """The acuse de recibo block of a cedible copy (Ley 19.983); returns the y under it."""
        height = self.acuse_height(width, columns=columns)
        self.frame(x, top, width, height)
        self.font(8, "B")
        self.text(x + 2, top + 1.5, "ACUSE DE RECIBO")
        column = (width - 4) / columns
        self.font(8)
        for index, label in enumerate(ACUSE_FIELDS):
            row, col = divmod(index, columns)
            left = x + 2 + col * column
            y = top + 5 + row * 6.5
            self.text(left, y + 1.5, f"{label}:")
            self.rule(left + self.width(f"{label}:") + 1, y + 4.8, left + column - 3)
        self.font(6.5)
        y = top + 5 + -(-len(ACUSE_FIELDS) // columns) * 6.5 + 0.5
        self.lines(x + 2, y, self.wrap(ACUSE_LEGEND, width - 4), leading=2.8)
        return top + height

    def legend(self, x: float, top: float, width: float, text: str, *, align: Align = "R") -> float:
        """The cedible copy's legend in large capitals; returns the y under it."""
        self.font(14, "B")
        self.text(x, top, text, align=align, width=width)
        return top + 7

    def output(self) -> bytes:
        """The finished PDF."""
        return bytes(self.pdf.output())

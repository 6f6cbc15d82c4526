"""Drawing on PDF pages in millimetres: text that fits, the SII's red box and the timbre.

Both paper layouts draw through this one class, so the box, the timbre and its legends look
the same on letter paper and on an 80 mm roll. Text is written with the PDF core fonts in
windows-1252 (accents, Ñ, ¿¡, €, accents written as combining marks, joined to their letters,
and C1 controls as the windows-1252 characters of their bytes); a character outside it prints
as its closest ASCII form, or ``?`` when it has none.
"""

from __future__ import annotations

import codecs
import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from encodings.cp1252 import encoding_table as _CP1252
from typing import Any, Final, Literal

from haulmer.sii.printed import fonts
from haulmer.sii.printed.barcode import Symbol
from haulmer.sii.printed.images import timbre_image
from haulmer.sii.printed.pdf import ESCAPED, FONTS, Page, PdfDocument, PdfImage, literal

__all__ = ["Canvas", "Cell", "Resolucion", "encoded", "printable"]

PT: Final = 25.4 / 72
"""One typographic point in millimetres."""
MM: Final = 72 / 25.4
"""One millimetre in points."""
UNIT: Final = MM * 100
"""One millimetre in hundredths of a point, the unit of page content (``pdf.Page``): written as
integers, which costs a fraction of formatting a float."""
RED: Final = (200, 16, 46)
GRAY: Final = (90, 90, 90)
LIGHT: Final = (230, 230, 230)
BLACK: Final = (0, 0, 0)
TIMBRE_LEGEND: Final = "Timbre Electrónico SII"
VERIFY_LEGEND: Final = "Verifique documento: www.sii.cl"
ACUSE_LEGEND: Final = (
    "El acuse de recibo que se declara en este acto, de acuerdo a lo dispuesto en la letra b) "
    "del Art. 4°, y la letra c) del Art. 5° de la Ley 19.983, acredita que la entrega de "
    "mercaderías o servicio(s) prestado(s) ha(n) sido recibido(s)."
)
ACUSE_FIELDS: Final = ("Nombre", "R.U.T.", "Fecha", "Recinto", "Firma")
TIMBRE_MAX_HEIGHT: Final = 39.5
"""The tallest the timbre's symbol is printed (mm): the SII takes it from 2 x 5 cm up to
4 x 9 cm (height by width). At 16 columns no TED reaches it; a guard, not a layout."""
TIMBRE_MIN_WIDTH: Final = 50.0
"""The narrowest the timbre's symbol is printed (mm), the SII's 5 cm; at 290 modules across,
0.17 mm a module, the SII's least X dimension."""
Align = Literal["L", "C", "R"]
Cell = tuple[float, float, Align]
"""A table cell: its left edge and width in mm, and how its text is aligned in it."""


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


_INVISIBLE: Final = frozenset({"Cf", "Mn", "Me"})
"""Format characters and marks that modify what precedes them (variation selectors): nothing
of their own to print."""
_PLAIN_SIGNS: Final = {
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen, as word processors write it
    "\u2012": "\u2013",  # figure dash
    "\u2015": "\u2014",  # horizontal bar
    "\u2043": "-",  # hyphen bullet
    "\u2212": "-",  # minus sign
    "\u2032": "'",  # prime: feet, minutes
    "\u2033": '"',  # double prime: inches, seconds
    "\u2035": "`",  # reversed prime
    "\u02b9": "'",  # modifier letter prime
    "\u02ba": '"',  # modifier letter double prime
    "\u02bc": "'",  # modifier letter apostrophe
    "\u201b": "'",  # single high-reversed-9 quotation mark
    "\u201f": '"',  # double high-reversed-9 quotation mark
    "\u2044": "/",  # fraction slash
    "\u2215": "/",  # division slash
    "\u2217": "*",  # asterisk operator
    "\u2219": "\u00b7",  # bullet operator
    "\u223c": "~",  # tilde operator
}
"""Signs with no decomposition to fall back on, as the windows-1252 sign they are drawn like
(``3/4″`` is ``3/4"``, not ``3/4?``)."""
_EMOJI_MODIFIERS: Final = ("\U0001f3fb", "\U0001f3ff")
"""The skin tones, which modify the emoji before them."""


def printable(text: str) -> str:
    """``text`` in windows-1252: combining accents joined to their letters (``e`` + U+0301 is
    ``é``), a C1 control the windows-1252 character of its byte (U+0092 is ``’``, as a file
    declared ISO-8859-1 by a Windows system means it), invisible format characters (U+200B,
    U+FEFF) and accents without a form there dropped, a typographic sign (U+2033, U+2212) its
    plain one, other characters their ASCII base or ``?``: one for an emoji, whatever modifies
    or joins it."""
    try:  # the codec's own table, without its look-up by name
        codecs.charmap_encode(text, "strict", _CP1252)
        return text
    except UnicodeEncodeError:
        pass
    out = []
    joined = False  # after a zero-width joiner: the rest of an emoji already shown as "?"
    for char in unicodedata.normalize("NFC", text):
        try:
            char.encode("cp1252")
            out.append(char)
            joined = False
            continue
        except UnicodeEncodeError:
            pass
        if char == "\u200d":
            joined = bool(out) and out[-1] == "?"
            continue
        if joined or _EMOJI_MODIFIERS[0] <= char <= _EMOJI_MODIFIERS[1]:
            joined = False
            continue
        if "\x80" <= char <= "\x9f":  # a windows-1252 byte read as ISO-8859-1: what it meant
            try:
                out.append(bytes([ord(char)]).decode("cp1252"))
                continue
            except UnicodeDecodeError:  # one of the five bytes windows-1252 leaves undefined
                out.append("?")
                continue
        if unicodedata.combining(char) or unicodedata.category(char) in _INVISIBLE:
            continue  # nothing to see of its own: its letter, or nothing, is printed
        if char in _PLAIN_SIGNS:
            out.append(_PLAIN_SIGNS[char])
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            base.encode("cp1252")
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


SOFT_HYPHEN: Final = "\u00ad"
"""Where a word may break: printed, as a hyphen, only where a line breaks."""
_NO_BREAK_SPACE: Final = "\u00a0"
_BREAKING_SPACES: Final = re.compile("[^\\S\u00a0]+")
"""The white space a line may break at: any but the no-break space."""


def _words(paragraph: str) -> list[str]:
    """``paragraph``'s words, between the spaces a line may break at: a no-break space joins
    the words on either side of it, as ``str.split`` (what a paragraph without one is split
    by) would not."""
    return [word for word in _BREAKING_SPACES.split(paragraph) if word]


def encoded(text: str) -> bytes:
    """``text`` as the windows-1252 bytes the page's fonts show (see :func:`printable`)."""
    if text.isascii():
        return text.encode("ascii")
    if text.isprintable():  # no C1 control (U+0080-U+009F), where windows-1252 differs
        try:  # from ISO-8859-1: the same bytes, by the quicker codec
            return text.encode("latin-1")
        except UnicodeEncodeError:
            pass
    try:  # the cp1252 codec's own table, without its look-up by name on every call
        data = codecs.charmap_encode(text, "strict", _CP1252)[0]
    except UnicodeEncodeError:
        data = printable(text).encode("cp1252")
    # a soft hyphen shows only where a line breaks, as the hyphen wrap() writes there
    return data.replace(b"\xad", b"") if SOFT_HYPHEN in text else data


def _shown(text: str) -> bytes:
    """``text`` as the inside of a PDF string the page's fonts show."""
    data = text.encode("ascii") if text.isascii() else encoded(text)
    return literal(data) if len(data.translate(None, ESCAPED)) != len(data) else data


def _one_byte_each(text: str) -> bool:
    """Whether every character of ``text`` is within ISO-8859-1, so that a printable text is
    one byte a character on the page: found without comparing character by character."""
    if text.isascii():
        return True
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


@functools.cache
def _color(rgb: tuple[int, int, int], operator: bytes) -> bytes:
    """The operator setting ``rgb`` as the fill (``rg``) or stroke (``RG``) colour."""
    red, green, blue = rgb
    return b"%.3f %.3f %.3f %s\n" % (red / 255, green / 255, blue / 255, operator)


@functools.cache
def _line_width(mm: float) -> bytes:
    """The operator setting the line width to ``mm``."""
    return b"%d w\n" % round(mm * UNIT)


_RULE_WIDTH: Final = _line_width(0.2)


@functools.cache
def _row_format(values: int) -> bytes:
    """The text object of a table row of ``values`` values: each one's step from the last and
    its text, in one formatting."""
    return b"BT 0 %d Td " + b" ".join([b"%d 0 Td (%s) Tj"] * values) + b" ET\n"


@functools.cache
def _font_state(style: str, size: float) -> tuple[bytes, bytes, bytes, float, float, float]:
    """What :meth:`Canvas.font` keeps for a font: its operator, its widths (``fonts.Widths``),
    mm per thousandth of its size, its widest glyph in mm and its baseline under a line's top."""
    widths = _WIDTHS[style]
    scale = size * PT / 1000
    return (
        b"%s %d Tf\n" % (FONTS[style], round(size * 100)),
        widths.quarters,
        widths.rests,
        scale,
        _WIDEST[style] * scale,
        size * PT * 0.8,
    )


_STAMPS: dict[str, bytes] = {}
"""Content of :meth:`Canvas.stamp` by key, drawn once per process (q/Q keep it self-contained:
the graphics state after it is the one before it)."""
_WIDTHS: Final = {"": fonts.Widths(fonts.REGULAR), "B": fonts.Widths(fonts.BOLD)}
_WIDEST: Final = {"": max(fonts.REGULAR), "B": max(fonts.BOLD)}


class Canvas:
    """A PDF document in millimetres, y downwards from the page's top, with the drawing steps
    the printed DTE needs."""

    def __init__(self, *, title: str, created: dt.datetime) -> None:
        self.document: PdfDocument = PdfDocument(
            title=printable(title), creator="haulmer", created=created
        )
        self._page = Page(0.0, 0.0)
        """A scratch page until the first :meth:`add_page`: measuring needs no page."""
        self._style, self._size = "", 0.0
        self._font_operator = b""
        self._baseline = 0.0
        self._quarters, self._rests = _WIDTHS[""].quarters, _WIDTHS[""].rests
        self._scale = 0.0
        self._widest = 0.0
        """The widest glyph's width in mm: a text of n characters is at most n times it."""
        self._text_fill = _color(BLACK, b"rg")

    # -- pages ---------------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        """How many pages the document has."""
        return len(self.document.pages)

    def add_page(self, width: float, height: float | None = None) -> None:
        """A new page ``width`` x ``height`` mm to draw on; without a height, give it with
        :meth:`set_height` once its content is drawn."""
        self._page = self.document.add_page(width * MM, None if height is None else height * MM)

    def set_height(self, height: float) -> None:
        """The current page's height in mm."""
        self._page.height = height * MM

    def select_page(self, number: int) -> None:
        """Draw on page ``number`` (from 1) again."""
        self._page = self.document.pages[number - 1]

    # -- text ----------------------------------------------------------------------------------

    def font(self, size: float, style: str = "") -> None:
        """Select Helvetica at ``size`` points (``style``: "" or "B" for bold)."""
        if size != self._size or style != self._style:  # no tuple made when it is the same
            self._style, self._size = style, size
            (
                self._font_operator,
                self._quarters,
                self._rests,
                self._scale,
                self._widest,
                self._baseline,
            ) = _font_state(style, size)

    def text_color(self, rgb: tuple[int, int, int]) -> None:
        """The colour of the text written from now on."""
        self._text_fill = _color(rgb, b"rg")

    def width(self, text: str) -> float:
        """Width in mm of ``text`` in the current font (from the core font's metrics)."""
        data = text.encode("ascii") if text.isascii() else encoded(text)
        return (4 * sum(data.translate(self._quarters)) + sum(data.translate(self._rests))) * (
            self._scale
        )

    def text(
        self,
        x: float,
        top: float,
        text: str,
        *,
        align: Align = "L",
        width: float = 0,
        color: tuple[int, int, int] | None = None,
    ) -> None:
        """One line whose top is at ``top``; aligned within ``width`` from ``x``; in ``color``
        instead of the text colour when given (the text colour stays as it was)."""
        data = text.encode("ascii") if text.isascii() else _latin1_first(text)
        if not data:
            return
        if align != "L":  # fonts.Widths.of, written out on this hot path
            used = 4 * sum(data.translate(self._quarters)) + sum(data.translate(self._rests))
            room = width - used * self._scale
            x += room if align == "R" else room / 2
        # what _show does, written out: the hot path of most texts
        if len(data.translate(None, ESCAPED)) != len(data):
            data = literal(data)
        page = self._page
        content = page.content
        fill = self._text_fill if color is None else _color(color, b"rg")
        if page.fill != fill:
            page.fill = fill
            content.append(fill)
        if page.font != self._font_operator:
            page.font = self._font_operator
            content.append(self._font_operator)
        content.append(
            b"BT %d %d Td (%s) Tj ET\n" % (x * UNIT, -(top + self._baseline) * UNIT, data)
        )

    def cell(self, x: float, top: float, text: str, width: float, *, align: Align = "L") -> None:
        """``text`` in a cell ``width`` mm wide from ``x``: aligned, and cut with an ellipsis
        when it is wider (what :meth:`fit` and :meth:`text` do, measuring once)."""
        data = text.encode("ascii") if text.isascii() else encoded(text)
        if not data:
            return
        used = 4 * sum(data.translate(self._quarters)) + sum(data.translate(self._rests))
        room = width - used * self._scale
        if room < 0:
            fitted = self.fit(text, width)
            data, room = encoded(fitted), width - self.width(fitted)
        if align != "L":
            x += room if align == "R" else room / 2
        self._show(x, top, data)

    def row(self, top: float, cells: Sequence[Cell], values: Sequence[str]) -> None:
        """A table row's ``values`` in their ``cells`` (what :meth:`cell` does to each), in one
        text object: a row costs one write to the page, not one per value."""
        quarters, rests, scale, widest = self._quarters, self._rests, self._scale, self._widest
        shown: list[Any] = []  # each value's step from the last (int) and its bytes, in turn
        at = 0
        for (x, width, align), text in zip(cells, values, strict=True):
            if not text:
                continue
            data = text.encode("ascii") if text.isascii() else _latin1_first(text)
            if align != "L" or len(data) * widest > width:  # a left text measured only if long
                room = width - (4 * sum(data.translate(quarters)) + sum(data.translate(rests))) * (
                    scale
                )
                if room < 0:
                    fitted = self.fit(text, width)
                    data, room = encoded(fitted), width - self.width(fitted)
                if align != "L":
                    x += room if align == "R" else room / 2
            left = int(x * UNIT)
            shown.append(left - at)
            shown.append(data)
            at = left
        if shown:
            texts = b"".join(shown[1::2])  # escapes looked for once a row, not once a value
            if len(texts.translate(None, ESCAPED)) != len(texts):
                shown[1::2] = [literal(data) for data in shown[1::2]]
            page = self._page  # what _text_state does, written out: a table draws many rows
            if page.fill != self._text_fill:
                page.fill = self._text_fill
                page.content.append(self._text_fill)
            if page.font != self._font_operator:
                page.font = self._font_operator
                page.content.append(self._font_operator)
            page.content.append(
                _row_format(len(shown) // 2) % (-(top + self._baseline) * UNIT, *shown)
            )

    def field(self, x: float, top: float, label: str, indent: float, text: str) -> None:
        """A bold ``label`` at ``x`` and ``text`` ``indent`` mm to its right, both in the
        current size, in one text object; the regular font stays selected."""
        size = self._size
        bold = _font_state("B", size)[0]
        self.font(size)
        label_data, data = _shown(label), _shown(text)
        y = int(-(top + self._baseline) * UNIT)
        left = int(x * UNIT)
        self._text_state()
        self._page.content.append(
            b"BT %s%d %d Td (%s) Tj %s%d 0 Td (%s) Tj ET\n"
            % (bold, left, y, label_data, self._font_operator, int(indent * UNIT), data)
        )

    def fields(
        self, x: float, top: float, lines: Sequence[tuple[str, float, str]], *, leading: float
    ) -> None:
        """``(label, indent, text)`` lines one under the other, in one text object: a label's
        line is what :meth:`field` writes, a line without one its text ``indent`` mm from ``x``
        (what :meth:`text` writes); the regular font stays selected."""
        size = self._size
        bold = _font_state("B", size)[0]
        self.font(size)
        regular, baseline = self._font_operator, self._baseline
        left = int(x * UNIT)
        shown: list[bytes] = []
        at_x = at_y = 0
        for label, indent, text in lines:
            y = int(-(top + baseline) * UNIT)
            top += leading
            if label:  # what _shown does to both, written out: a form has a dozen labels
                step = int(indent * UNIT)
                label_data = label.encode("ascii") if label.isascii() else encoded(label)
                data = text.encode("ascii") if text.isascii() else encoded(text)
                both = label_data + data
                if len(both.translate(None, ESCAPED)) != len(both):
                    label_data, data = literal(label_data), literal(data)
                shown.append(
                    b"%s%d %d Td (%s) Tj %s%d 0 Td (%s) Tj"
                    % (bold, left - at_x, y - at_y, label_data, regular, step, data)
                )
                at_x, at_y = left + step, y
            elif text:
                text_x = int((x + indent) * UNIT)
                shown.append(b"%d %d Td (%s) Tj" % (text_x - at_x, y - at_y, _shown(text)))
                at_x, at_y = text_x, y
        if shown:
            self._text_state()
            self._page.content.append(b"BT %s ET\n" % b" ".join(shown))

    def _text_state(self) -> None:
        """Set the page's fill colour and font to the text's, where they differ."""
        page = self._page
        if page.fill != self._text_fill:
            page.fill = self._text_fill
            page.content.append(self._text_fill)
        if page.font != self._font_operator:
            page.font = self._font_operator
            page.content.append(self._font_operator)

    def _show(self, x: float, top: float, data: bytes) -> None:
        """Write ``data`` (windows-1252) with its top at ``top``: the hot path of every text,
        so it writes a colour or a font only when they change and escapes only when needed."""
        if len(data.translate(None, ESCAPED)) != len(data):
            data = literal(data)
        page = self._page
        content = page.content
        if page.fill != self._text_fill:
            page.fill = self._text_fill
            content.append(self._text_fill)
        if page.font != self._font_operator:
            page.font = self._font_operator
            content.append(self._font_operator)
        content.append(
            b"BT %d %d Td (%s) Tj ET\n" % (x * UNIT, -(top + self._baseline) * UNIT, data)
        )

    def fit(self, text: str, width: float) -> str:
        """``text`` cut with an ellipsis to fit ``width``."""
        if self.width(text) <= width:
            return text
        return text[: self._fitting(text, width, after="...")] + "..."

    def marked(self, text: str, width: float) -> str:
        """``text`` followed by ``...``, cut to fit ``width``: the last line kept of a text cut
        short."""
        return text[: self._fitting(text, width, after="...")].rstrip() + "..."

    def _fitting(self, text: str, width: float, *, after: str = "") -> int:
        """How many leading characters of ``text`` (followed by ``after``) fit in ``width``: one
        pass adding each character's width, as :meth:`width` adds them (a text of megabytes
        from a received DTE is cut in linear time, not tried one length at a time)."""
        quarters, rests, scale = self._quarters, self._rests, self._scale
        data = encoded(after)
        units = 4 * sum(data.translate(quarters)) + sum(data.translate(rests))
        for index, char in enumerate(text):
            data = encoded(char)
            units += 4 * sum(data.translate(quarters)) + sum(data.translate(rests))
            if units * scale > width:
                return index
        return len(text)

    def fits_at_a_glance(self, text: str, width: float) -> bool:
        """Whether ``text`` (ASCII, one line) surely fits ``width`` in the current font, told from
        its length alone: the common case, where measuring or wrapping it would be wasted."""
        return len(text) * self._widest <= width and text.isascii() and text.isprintable()

    def widest(self, texts: Sequence[str], width: float) -> float:
        """The width in mm of the widest of ``texts`` in the current font, measuring only those
        long enough not to fit ``width`` surely; 0 when every one surely fits."""
        glance = width / self._widest
        if not texts or max(map(len, texts)) <= glance:
            return 0.0
        return max(self.width(text) for text in texts if len(text) > glance)

    def wrap(self, text: str, width: float) -> list[str]:
        """``text`` broken into lines no wider than ``width`` (long words are cut)."""
        if (  # most texts: one line, single spaces only, that fits (often at a glance)
            text.isprintable()  # no line break nor whitespace but the space
            and text[:1] != " "
            and text[-1:] != " "
            and "  " not in text
        ):
            if len(text) * self._widest <= width:  # _one_byte_each, written out: no call
                if text.isascii():
                    return [text]
                try:
                    text.encode("latin-1")
                    return [text]
                except UnicodeEncodeError:
                    pass
            if self.width(text) <= width:
                return [text]
        paragraphs = text.splitlines()
        if len(paragraphs) == 1:  # most texts: one paragraph that fits, often at a glance
            first = paragraphs[0]
            whole = " ".join(first.split() if _NO_BREAK_SPACE not in first else _words(first))
            if whole and (
                (len(whole) * self._widest <= width and _one_byte_each(whole))
                or self.width(whole) <= width
            ):
                return [whole]
        lines: list[str] = []
        for paragraph in paragraphs or [""]:
            words = paragraph.split() if _NO_BREAK_SPACE not in paragraph else _words(paragraph)
            whole = " ".join(words)
            if self.width(whole) <= width:
                lines.append(whole)
                continue
            current = ""
            for word in words:
                candidate = f"{current} {word}" if current else word
                if self.width(candidate) <= width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                while len(word) > 1:
                    cut = self._fitting(word, width)
                    if cut == len(word):  # the rest fits
                        break
                    hyphen = self._soft_hyphen_before(word, cut, width)
                    if hyphen:  # broken where the text says it may be, with its hyphen
                        lines.append(word[:hyphen] + "-")
                        word = word[hyphen + 1 :]
                        continue
                    cut = max(cut, 1)  # a character wider than the line goes on one alone
                    lines.append(word[:cut])
                    word = word[cut:]
                current = word
            lines.append(current)
        return [line for line in lines if line] or [""]

    def _soft_hyphen_before(self, word: str, cut: int, width: float) -> int:
        """Where the last soft hyphen among ``word``'s first ``cut`` + 1 characters is, if the
        text before it and a hyphen fit ``width``; 0 when none does."""
        if SOFT_HYPHEN not in word:  # most words: none
            return 0
        at = word.rfind(SOFT_HYPHEN, 1, cut + 1)
        while at > 0 and self.width(word[:at] + "-") > width:
            at = word.rfind(SOFT_HYPHEN, 1, at)
        return max(at, 0)

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
        """Write ``texts`` one under the other; returns the y under the last. Left-aligned
        lines are one text object."""
        if align != "L" or len(texts) < 2:
            for line in texts:
                self.text(x, top, line, align=align, width=width)
                top += leading
            return top
        left = int(x * UNIT)
        shown: list[bytes] = []
        at = 0
        for line in texts:
            if line:
                y = int(-(top + self._baseline) * UNIT)
                shown.append(b"%d Td (%s) Tj" % (y - at, _shown(line)))
                at = y
            top += leading
        if shown:
            self._text_state()
            self._page.content.append(b"BT %d 0 Td 0 %s ET\n" % (left, b" 0 ".join(shown)))
        return top

    def stamp(self, top: float, key: str, draw: Callable[[Canvas], None]) -> None:
        """What ``draw`` puts on a page at y = 0, moved down to ``top``: text and shapes that
        depend on nothing but their position (a table's header) are drawn once per process
        and then copied. ``key`` names the drawing; ``draw`` must not place images."""
        content = _STAMPS.get(key)
        if content is None:
            scratch = Canvas(title="", created=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
            scratch.add_page(0, 0)
            draw(scratch)
            content = _STAMPS[key] = b"".join(scratch._page.content)
        self._page.content.append(b"q 1 0 0 1 0 %d cm\n%sQ\n" % (-top * UNIT, content))

    # -- shapes --------------------------------------------------------------------------------

    def _stroke(self, color: tuple[int, int, int], line: float) -> None:
        page = self._page
        stroke, width = _color(color, b"RG"), _line_width(line)
        if page.stroke != stroke:
            page.stroke = stroke
            page.content.append(stroke)
        if page.line_width != width:
            page.line_width = width
            page.content.append(width)

    def rule(self, x1: float, y: float, x2: float, *, color: tuple[int, int, int] = GRAY) -> None:
        """A thin horizontal line (what ``_stroke(color, 0.2)`` sets, written out: a table
        draws one under each line)."""
        page = self._page
        stroke = _color(color, b"RG")
        if page.stroke != stroke:
            page.stroke = stroke
            page.content.append(stroke)
        if page.line_width != _RULE_WIDTH:
            page.line_width = _RULE_WIDTH
            page.content.append(_RULE_WIDTH)
        at = int(-y * UNIT)
        page.content.append(b"%d %d m %d %d l S\n" % (x1 * UNIT, at, x2 * UNIT, at))

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
        self._stroke(color, line)
        page = self._page
        if fill is not None:
            fill_operator = _color(fill, b"rg")
            if page.fill != fill_operator:
                page.fill = fill_operator
                page.content.append(fill_operator)
        page.content.append(
            b"%d %d %d %d re %s\n"
            % (x * UNIT, -(y + h) * UNIT, w * UNIT, h * UNIT, b"S" if fill is None else b"B")
        )

    def image(self, image: PdfImage, x: float, y: float, w: float, h: float) -> None:
        """Place ``image`` stretched to the ``w`` x ``h`` mm box whose top left is (x, y)."""
        page = self._page
        name = self.document.image_name(image)
        page.images[name] = image
        page.content.append(
            b"q %d 0 0 %d %d %d cm %s Do Q\n"
            % (w * UNIT, h * UNIT, x * UNIT, -(y + h) * UNIT, name)
        )

    def logo(
        self, image: PdfImage, x: float, y: float, w: float, h: float, *, align: Align = "L"
    ) -> float:
        """Place an image as large as fits in ``w`` x ``h`` mm, keeping its proportions;
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
        """The red box (R.U.T., document name, N° folio) and the SII office under it, wrapped
        to the box's width (a regional unit's name may be wider).

        Returns the y under the office's last line.
        """
        self.font(11, "B")
        title_lines = self.wrap(title, w - 6)
        height = 3 + 6 + len(title_lines) * 5 + 1 + 5 + 3
        self.text_color(RED)
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
        line = f"S.I.I. - {office}" if office else "S.I.I."
        if len(line) * self._widest <= w and _one_byte_each(line):  # most: a comuna's name
            self.text(x, y, line, align="C", width=w)
            y += 4
        else:
            y = self.lines(x, y, self.wrap(line, w), leading=4, align="C", width=w)
        self.text_color(BLACK)
        return y + 0.5

    def timbre_width(self, symbol: Symbol, width: float) -> float:
        """How wide the timbre is printed when ``width`` mm is what the layout gives it: as
        wide, unless the symbol would then be taller than the SII's 4 cm; never under its 5 cm."""
        return max(min(width, TIMBRE_MAX_HEIGHT / symbol.aspect), TIMBRE_MIN_WIDTH)

    def timbre_height(self, symbol: Symbol, width: float) -> float:
        """Height of :meth:`timbre` drawn ``width`` mm wide (the symbol and three legends)."""
        return width * symbol.aspect + 12.5

    def timbre(
        self, symbol: Symbol, x: float, top: float, width: float, *, resolucion: Resolucion
    ) -> float:
        """The PDF417 timbre ``width`` mm wide with its three legends under it; returns the y
        under them."""
        height = width * symbol.aspect
        self.image(timbre_image(symbol), x, top, width, height)
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
        return self.document.output()


def _latin1_first(text: str) -> bytes:
    """``encoded(text)`` of a text that is not ASCII, trying first what most accented text is:
    printable Latin-1, which needs no other change (the hot paths take ASCII text themselves)."""
    try:
        return text.encode("latin-1") if text.isprintable() else encoded(text)
    except UnicodeEncodeError:
        return encoded(text)

"""The printed DTE's own PDF writer, font metrics and images, read back by pypdf and pdfium."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from haulmer.errors import XMLError
from haulmer.sii.printed import barcode, fonts
from haulmer.sii.printed.canvas import Canvas, encoded
from haulmer.sii.printed.images import logo_image, timbre_image
from haulmer.sii.printed.pdf import PdfDocument, literal

CREATED = dt.datetime(2026, 11, 27, 10, 30, tzinfo=dt.timezone.utc)
CP1252_BYTES = [b for b in range(32, 256) if b not in (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D)]


def _reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf), strict=True)


@pytest.mark.parametrize(
    ("table", "name"), [(fonts.REGULAR, "Helvetica"), (fonts.BOLD, "Helvetica-Bold")]
)
def test_the_widths_are_adobes_core_font_metrics(table: tuple[int, ...], name: str) -> None:
    metrics: Any = pytest.importorskip("pypdf._codecs.core_font_metrics")
    widths = metrics.CORE_FONT_METRICS[name].character_widths
    same = {"\xa0": " ", "\xad": "-"}  # no-break space and soft hyphen: the AFM names them apart
    for byte in CP1252_BYTES:
        char = bytes([byte]).decode("cp1252")
        assert table[byte] == widths[same.get(char, char)], f"{name} {char!r}"


@given(st.binary(max_size=200))
def test_a_width_is_the_sum_of_its_glyphs(data: bytes) -> None:
    for table in (fonts.REGULAR, fonts.BOLD):
        assert fonts.Widths(table).of(data) == sum(table[byte] for byte in data)


@given(st.binary(max_size=60))
def test_a_literal_string_escapes_what_would_end_or_bend_it(data: bytes) -> None:
    escaped = literal(data)
    unescaped = (
        escaped.replace(b"\\\\", b"\x00\x01")
        .replace(b"\\(", b"(")
        .replace(b"\\)", b")")
        .replace(b"\\r", b"\r")
        .replace(b"\x00\x01", b"\\")
    )
    if b"\x00\x01" not in data:
        assert unescaped == data
    assert b"\r" not in escaped


def test_text_with_accents_enye_parentheses_and_backslashes_reads_back() -> None:
    canvas = Canvas(title="FACTURA ELECTRÓNICA N° 7", created=CREATED)
    canvas.add_page(80, 100)
    canvas.font(9, "B")
    canvas.text(5, 5, "Ñandú (sucursal) \\ «€ 5» — ¿qué?")
    canvas.font(8)
    canvas.text(5, 20, "Envío → Tokio")
    reader = _reader(canvas.output())
    text = reader.pages[0].extract_text()
    assert "Ñandú (sucursal) \\ «€ 5» — ¿qué?" in text
    assert "Envío ? Tokio" in text
    assert reader.metadata is not None
    assert reader.metadata.title == "FACTURA ELECTRÓNICA N° 7"
    assert reader.metadata.creator == "haulmer"
    assert reader.metadata.creation_date == CREATED


def test_characters_outside_windows_1252_become_their_closest_form() -> None:
    assert encoded("Ñandú €") == "Ñandú €".encode("cp1252")
    assert encoded("Ōsaka 東京") == b"Osaka ??"


def test_right_and_centred_text_end_where_the_metrics_say() -> None:
    canvas = Canvas(title="t", created=CREATED)
    canvas.add_page(100, 50)
    canvas.font(10)
    width = canvas.width("Total $ 1.234")
    assert width == pytest.approx(
        sum(fonts.REGULAR[b] for b in b"Total $ 1.234") * 10 / 1000 * 25.4 / 72
    )
    canvas.text(10, 10, "Total $ 1.234", align="R", width=50)
    canvas.cell(10, 20, "Total $ 1.234", 50, align="C")
    canvas.cell(10, 30, "un texto demasiado largo para su celda", 20)
    content = b"".join(canvas.document.pages[0].content)
    points = 72 / 25.4
    assert b"BT %d " % ((60 - width) * points * 100) in content
    assert b"BT %d " % ((35 - width / 2) * points * 100) in content
    fitted = canvas.fit("un texto demasiado largo para su celda", 20)
    assert fitted == "un texto d..."
    assert canvas.width(fitted) <= 20 < canvas.width("un texto de...")
    assert b"(un texto d...) Tj" in content


def _placed(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each string shown on the first page with where it starts, in points, as pypdf reads it."""
    found: list[tuple[str, float, float]] = []

    def visit(operator: bytes, operands: list[Any], cm: list[float], tm: list[float]) -> None:
        if operator == b"Tj":
            shown = operands[0]
            data = shown if isinstance(shown, bytes) else shown.get_original_bytes()
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((data.decode("cp1252"), round(x, 1), round(y, 1)))

    _reader(pdf).pages[0].extract_text(visitor_operand_before=visit)
    return found


def _canvas() -> Canvas:
    canvas = Canvas(title="t", created=CREATED)
    canvas.add_page(100, 50)
    canvas.font(8)
    return canvas


def test_a_row_puts_each_value_where_its_own_cell_would() -> None:
    cells = ((10.0, 30.0, "L"), (40.0, 20.0, "R"), (60.0, 20.0, "C"), (80.0, 12.0, "L"))
    values = ("Código (1) \\ Ñandú", "$ 1.234", "", "un texto demasiado largo")
    by_row, by_cell = _canvas(), _canvas()
    by_row.row(10, cells, values)
    for (x, width, align), value in zip(cells, values, strict=True):
        by_cell.cell(x, 10, value, width, align=align)
    placed = _placed(by_row.output())
    assert placed == _placed(by_cell.output())
    assert [text for text, _, _ in placed] == ["Código (1) \\ Ñandú", "$ 1.234", "un text..."]


def test_fields_are_placed_as_field_and_text_one_by_one_would() -> None:
    lines = [
        ("Señor(es):", 14.2, "Ñandú (sucursal)"),
        ("", 14.2, "segunda línea \\ del valor"),
        ("", 14.2, ""),
        ("Giro:", 7.7, "Extracción de cobre"),
        ("R.U.T.:", 9.9, ""),
    ]
    together, apart = _canvas(), _canvas()
    together.fields(5.3, 7.1, lines, leading=3.9)
    together.text(5, 40, "después")
    top = 7.1
    for label, indent, text in lines:
        if label:
            apart.field(5.3, top, label, indent, text)
        else:
            apart.text(5.3 + indent, top, text)
        top += 3.9
    apart.text(5, 40, "después")
    placed = _placed(together.output())
    assert placed == _placed(apart.output())
    assert [text for text, _, _ in placed] == [
        "Señor(es):",
        "Ñandú (sucursal)",
        "segunda línea \\ del valor",
        "Giro:",
        "Extracción de cobre",
        "R.U.T.:",
        "",
        "después",
    ]


def test_lines_and_a_field_are_placed_as_texts_one_by_one_would() -> None:
    together, apart = _canvas(), _canvas()
    together.lines(5, 5, ["uno", "", "tres (3)"], leading=4)
    together.field(5, 20, "Giro:", 12, "Extracción de cobre")
    for index, text in enumerate(["uno", "", "tres (3)"]):
        apart.text(5, 5 + index * 4, text)
    apart.font(8, "B")
    apart.text(5, 20, "Giro:")
    apart.font(8)
    apart.text(17, 20, "Extracción de cobre")
    placed = _placed(together.output())
    assert placed == _placed(apart.output())
    assert [text for text, _, _ in placed] == ["uno", "tres (3)", "Giro:", "Extracción de cobre"]


def test_a_page_may_get_its_height_after_its_drawing_and_pages_can_be_revisited() -> None:
    canvas = Canvas(title="t", created=CREATED)
    canvas.add_page(80)
    canvas.font(8)
    canvas.text(4, 4, "primera")
    canvas.set_height(120)
    canvas.add_page(215.9, 279.4)
    canvas.text(4, 4, "segunda")
    canvas.select_page(1)
    canvas.text(4, 50, "otra vez la primera")
    reader = _reader(canvas.output())
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    assert sizes == [
        pytest.approx((80 * 72 / 25.4, 120 * 72 / 25.4), abs=0.01),
        pytest.approx((612, 792), abs=0.1),
    ]
    first = reader.pages[0].extract_text()
    assert "primera" in first
    assert "otra vez la primera" in first
    assert "segunda" in reader.pages[1].extract_text()


def test_a_page_without_a_height_cannot_be_written() -> None:
    document = PdfDocument(title="t", creator="haulmer", created=CREATED)
    document.add_page(100, None)
    with pytest.raises(ValueError, match="height"):
        document.output()


def test_long_page_content_is_compressed_and_short_content_is_not() -> None:
    for lines, compressed in ((5, False), (400, True)):
        canvas = Canvas(title="t", created=CREATED)
        canvas.add_page(215.9, 279.4)
        canvas.font(8)
        for index in range(lines):
            canvas.text(10, 10 + index * 0.6, f"Línea número {index}")
        reader = _reader(canvas.output())
        contents: Any = reader.pages[0]["/Contents"].get_object()
        assert ("/Filter" in contents) == compressed
        assert f"Línea número {lines - 1}" in reader.pages[0].extract_text()


def test_the_timbre_image_is_one_bit_a_module_and_never_smoothed() -> None:
    symbol = barcode.symbol(b"<TED>" + b"x" * 600 + b"</TED>")
    canvas = Canvas(title="t", created=CREATED)
    canvas.add_page(100, 100)
    canvas.image(timbre_image(symbol), 10, 10, 64, 64 * symbol.aspect)
    (image,) = _reader(canvas.output()).pages[0]["/Resources"]["/XObject"].values()
    image = image.get_object()
    assert (image["/Width"], image["/Height"]) == (symbol.width, symbol.rows)
    assert image["/BitsPerComponent"] == 1
    assert not image.get("/Interpolate", False)
    assert len(image.get_data()) == symbol.rows * ((symbol.width + 7) // 8)


def test_a_logo_is_placed_once_however_many_pages_show_it_and_transparency_is_white() -> None:
    logo = logo_image(Image.new("RGBA", (4, 2), (255, 0, 0, 0)))
    assert (logo.width, logo.height, logo.color_space) == (4, 2, b"/DeviceRGB")
    canvas = Canvas(title="t", created=CREATED)
    for _ in range(2):
        canvas.add_page(100, 100)
        canvas.logo(logo, 10, 10, 40, 20)
    reader = _reader(canvas.output())
    first, second = (page["/Resources"]["/XObject"].raw_get("/I1") for page in reader.pages)
    assert first.idnum == second.idnum
    pixels = first.get_object().get_data()
    assert set(pixels) == {255}
    gray = logo_image(Image.new("L", (3, 3), 7))
    assert gray.color_space == b"/DeviceGray"


def test_the_symbol_falls_back_to_the_optimal_encodation_when_the_fast_one_does_not_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = barcode._encode
    modes: list[tuple[int, bool]] = []

    def encode(data: bytes, *, level: int, fast: bool) -> Any:
        modes.append((level, fast))
        if fast:
            raise RuntimeError("Error 464: Input too long, requires too many codewords")
        return real(data, level=level, fast=fast)

    monkeypatch.setattr(barcode, "_encode", encode)
    symbol = barcode.symbol(b"<TED>timbre</TED>")
    assert modes == [(5, True), (5, False)]
    assert symbol.rows > 0
    assert symbol.level == 5
    with pytest.raises(XMLError, match="does not fit in one PDF417 symbol"):
        barcode.symbol(bytes(range(256)) * 8)


def test_a_stamp_is_drawn_once_and_copied_wherever_it_is_asked_for() -> None:
    drawn: list[int] = []

    def draw(canvas: Canvas) -> None:
        drawn.append(1)
        canvas.font(9, "B")
        canvas.text_color((200, 16, 46))
        canvas.text(0, 0, "Código")

    for _ in range(2):
        canvas = Canvas(title="t", created=CREATED)
        canvas.add_page(100, 100)
        canvas.font(8)
        canvas.text(5, 5, "antes")
        canvas.stamp(20, "a stamp of the tests", draw)
        canvas.stamp(60, "a stamp of the tests", draw)
        canvas.text(5, 80, "después")
        reader = _reader(canvas.output())
        text = reader.pages[0].extract_text()
        assert text.count("Código") == 2
        assert "después" in text
        content = b"".join(canvas.document.pages[0].content)
        assert content.count(b"q 1 0 0 1 0 ") == 2
        assert content.endswith(b"(despu\xe9s) Tj ET\n")  # black 8 pt still: the stamp is q...Q
    assert drawn == [1]


def _fit_one_length_at_a_time(canvas: Canvas, text: str, width: float) -> str:
    """What ``fit`` means, tried one length at a time."""
    if canvas.width(text) <= width:
        return text
    while text and canvas.width(text + "...") > width:
        text = text[:-1]
    return text + "..."


def _longest_fitting_prefix(canvas: Canvas, word: str, width: float) -> int:
    """What cutting a long word means: the longest prefix that fits, at least one character."""
    cut = len(word)
    while cut > 1 and canvas.width(word[:cut]) > width:
        cut -= 1
    return cut


@given(
    text=st.text(alphabet="AaWMil .,ñÑé€ﬁ—\u4e2d0123456789", max_size=120),
    width=st.sampled_from([0.5, 2.0, 10.0, 30.0, 95.0]),
    size=st.sampled_from([6.0, 8.0, 10.0]),
    style=st.sampled_from(["", "B"]),
)
def test_fit_and_wrap_cut_where_trying_each_length_would(
    text: str, width: float, size: float, style: str
) -> None:
    canvas = Canvas(title="t", created=CREATED)
    canvas.font(size, style)
    assert canvas.fit(text, width) == _fit_one_length_at_a_time(canvas, text, width)
    word = text.replace(" ", "") or "A"
    lines = canvas.wrap(word, width)
    assert "".join(lines) == word
    rest = word
    for line in lines[:-1]:  # each cut is the longest that fits, as trying each length finds
        assert len(line) == _longest_fitting_prefix(canvas, rest, width)
        rest = rest[len(line) :]

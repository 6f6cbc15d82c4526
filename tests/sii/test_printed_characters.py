"""ISO-8859-1's two invisible characters on the printed DTE: the soft hyphen (U+00AD) marks
where a word may break and shows only there, as a hyphen; the no-break space (U+00A0) is a
space a line never breaks at."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer import sii
from haulmer.sii.printed.canvas import Canvas, printable
from pdf_reading import one_line, overlapping_texts, page_texts

SHY = "\u00ad"
NBSP = "\u00a0"
CREATED = dt.datetime(2026, 11, 27, 10, 30, tzinfo=dt.timezone.utc)


def _canvas(size: float = 8.0) -> Canvas:
    canvas = Canvas(title="t", created=CREATED)
    canvas.font(size)
    return canvas


def test_a_soft_hyphen_inside_a_line_is_not_printed_nor_measured() -> None:
    canvas = _canvas()
    assert canvas.width(f"extra{SHY}ordinario") == canvas.width("extraordinario")
    canvas.add_page(100, 100)
    canvas.text(10, 10, f"extra{SHY}ordinario")
    assert b"(extraordinario) Tj" in b"".join(canvas.document.pages[0].content)


def test_a_word_longer_than_its_line_breaks_at_its_soft_hyphens_with_a_hyphen() -> None:
    canvas = _canvas()
    chunk = "electroencefalografista"
    word = SHY.join([chunk] * 6)
    width = canvas.width(chunk * 2 + "-") + 0.1  # two chunks and a hyphen fit, not three
    assert canvas.wrap(word, width) == [f"{chunk}{SHY}{chunk}-"] * 2 + [f"{chunk}{SHY}{chunk}"]


def test_a_word_without_a_soft_hyphen_where_it_must_break_is_cut_as_before() -> None:
    canvas = _canvas()
    word = "a" * 10 + SHY + "b" * 200
    lines = canvas.wrap(word, canvas.width("b" * 40))
    assert lines[0] == "a" * 10 + "-"
    assert "".join(lines[1:]) == "b" * 200


def test_a_line_never_breaks_at_a_no_break_space() -> None:
    canvas = _canvas()
    text = f"Total a pagar: ${NBSP}1.234.567{NBSP}pesos"
    width = canvas.width("Total a pagar: $ 1.234.567") + 0.1
    assert canvas.wrap(text, width) == ["Total a pagar:", f"${NBSP}1.234.567{NBSP}pesos"]
    assert canvas.wrap(f"N°{NBSP}123", 100) == [f"N°{NBSP}123"]


@pytest.mark.parametrize("paper", ["letter", "80mm"])
def test_a_printed_dte_shows_soft_hyphens_only_where_a_word_breaks(
    issued: dict[int, bytes], paper: str
) -> None:
    chunk = "Electroencefalógrafo"
    long_word = SHY.join([chunk] * 12)
    xml = (
        issued[33]
        .decode("iso-8859-1")
        .replace(
            "<NmbItem>Martillo N°1",
            f"<NmbItem>Martillo extra{SHY}ordinario N°{NBSP}1",
            1,
        )
        .replace("</NmbItem>", f"</NmbItem><DscItem>{long_word}</DscItem>", 1)
        .encode("iso-8859-1")
    )
    pdf = sii.render_pdf(xml, paper=paper)  # type: ignore[arg-type]
    lines = page_texts(pdf)[0].splitlines()
    assert SHY not in "".join(lines)
    assert "Martillo extraordinario" in one_line(" ".join(lines))
    broken = [line.strip() for line in lines if chunk[:8] in line]
    assert len(broken) > 1
    for line in broken[:-1]:
        assert re.fullmatch(f"({chunk})+-", line), line
    assert re.fullmatch(f"({chunk})+", broken[-1]), broken[-1]
    assert overlapping_texts(pdf) == []


@given(
    text=st.text(alphabet=f"AaWMil .,ñÑé0123{SHY}{NBSP}", max_size=120),
    width=st.sampled_from([2.0, 10.0, 30.0, 95.0]),
)
def test_wrapped_lines_fit_and_keep_every_visible_character_in_order(
    text: str, width: float
) -> None:
    """Whatever the soft hyphens and no-break spaces: each line fits (but a lone character
    wider than the line), a hyphen is added only where a soft hyphen was, and the lines hold
    the text's visible characters in order."""
    canvas = _canvas()
    lines = canvas.wrap(text, width)
    for line in lines:
        assert canvas.width(line) <= width + 1e-9 or len(line.replace(SHY, "")) <= 2
    visible = "".join(line.removesuffix("-") for line in lines)
    expected = " ".join(text.replace(SHY, "").split(" ")).replace(" ", "")
    assert visible.replace(SHY, "").replace(" ", "") == expected


def test_text_written_with_combining_accents_prints_its_accented_letters() -> None:
    """A received DTE in UTF-8 may write José as J-o-s-e + U+0301 (as macOS writes names):
    the accent joins its letter, as windows-1252 has é, instead of printing ``Jose?``."""
    assert printable("Jose\u0301 Mun\u0303oz") == "José Muñoz"
    assert printable("Ñandu\u0301 ẞ") == "Ñandú ?"


def test_invisible_format_characters_print_as_nothing_not_as_a_question_mark() -> None:
    """A zero-width space or joiner, a byte order mark: nothing to see, so nothing printed."""
    assert printable("Martillo\u200b de\ufeff acero\u200d") == "Martillo de acero"
    assert printable("e\u0301\u0308") == "é"  # an accent with no windows-1252 form: dropped


@pytest.mark.parametrize("paper", ["letter", "80mm"])
def test_a_received_dte_in_utf8_with_combining_accents_prints_them_composed(
    issued: dict[int, bytes], paper: str
) -> None:
    xml = (
        issued[33]
        .decode("iso-8859-1")
        .replace("<NmbItem>Martillo N°1", "<NmbItem>Martillo Jose\u0301\u200b N°1", 1)
        .replace('encoding="ISO-8859-1"', 'encoding="UTF-8"')
        .encode("utf-8")
    )
    text = one_line("\n".join(page_texts(sii.render_pdf(xml, paper=paper))))  # type: ignore[arg-type]
    assert "Martillo José N°1" in text
    assert "?" not in text


def test_c1_controls_print_as_the_windows_1252_characters_their_bytes_are() -> None:
    """Systems on Windows write a curly quote or a dash as its windows-1252 byte in a file
    declared ISO-8859-1, where the byte reads as a C1 control (U+0092): printed as what was
    meant, as browsers read such a file, instead of ``?``; a byte windows-1252 leaves
    undefined (0x81) is still ``?``."""
    assert printable("O\x92Higgins \x93Ltda\x94 \x96 \x80 5") == "O’Higgins “Ltda” – € 5"
    assert printable("a\x81b") == "a?b"


@pytest.mark.parametrize("paper", ["letter", "80mm"])
def test_a_received_dte_with_windows_1252_bytes_prints_what_they_mean(
    issued: dict[int, bytes], paper: str
) -> None:
    xml = issued[33].replace(
        b"<NmbItem>Martillo N\xb01", b"<NmbItem>Martillo O\x92Higgins N\xb01", 1
    )
    text = one_line("\n".join(page_texts(sii.render_pdf(xml, paper=paper))))  # type: ignore[arg-type]
    assert "Martillo O’Higgins N°1" in text


def test_an_emoji_prints_as_one_question_mark_whatever_modifies_it() -> None:
    """A variation selector (U+FE0F), a skin tone or a joined family are parts of one emoji,
    which the font cannot draw: one ``?`` for it, not one for each part."""
    assert printable("Gracias \u2764\ufe0f") == "Gracias ?"
    assert printable("Ok \U0001f44d\U0001f3fd") == "Ok ?"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert printable(f"Familia {family}") == "Familia ?"


def test_typographic_signs_without_a_windows_1252_form_print_as_their_plain_sign() -> None:
    """Inches and feet (U+2033, U+2032), the minus sign, the hyphens a word processor writes
    (U+2010, U+2011), the fraction slash and the letter apostrophe (U+02BC) have no
    decomposition to fall back on: each printed as ``?``, so "3/4″" read "3/4?"."""
    assert printable("Tubo PVC 3/4\u2033 x 6\u2032") == "Tubo PVC 3/4\" x 6'"
    assert printable("Temperatura \u22125 \u00b0C") == "Temperatura -5 °C"
    assert printable("Cinta doble\u2010faz ancho\u2011fijo") == "Cinta doble-faz ancho-fijo"
    assert printable("1\u20442 kilo, O\u02bcHiggins") == "1/2 kilo, O'Higgins"


@pytest.mark.parametrize("paper", ["letter", "80mm"])
def test_a_received_dte_in_utf8_prints_inches_and_minus_signs_as_such(
    issued: dict[int, bytes], paper: str
) -> None:
    xml = (
        issued[33]
        .decode("iso-8859-1")
        .replace("<NmbItem>Martillo N°1", "<NmbItem>Tubo 3/4\u2033 \u22125 °C N°1", 1)
        .replace('encoding="ISO-8859-1"', 'encoding="UTF-8"')
        .encode("utf-8")
    )
    text = one_line("\n".join(page_texts(sii.render_pdf(xml, paper=paper))))  # type: ignore[arg-type]
    assert 'Tubo 3/4" -5 °C N°1' in text
    assert "?" not in text

"""decomposed_advice: the hint for an accent written apart from its letter."""

from __future__ import annotations

import pytest

from haulmer._decomposed import decomposed_advice


@pytest.mark.parametrize(
    ("text", "index", "composed"),
    [("Cafe\u0301", 4, "é"), ("pin\u0303a", 3, "ñ"), ("U\u0308ber", 1, "Ü"), ("c\u0327a", 1, "ç")],
)
def test_an_accent_that_composes_into_latin1_is_named_with_its_composed_letter(
    text: str, index: int, composed: str
) -> None:
    advice = decomposed_advice(text, index)
    assert f"as {composed!r} (U+{ord(composed):04X})" in advice
    assert "unicodedata.normalize('NFC', text)" in advice


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("\u0301abc", 0),  # an accent with no letter before it
        ("z\u0301", 1),  # ź is not in ISO-8859-1: composing would not help
        ("Taza \u2615", 5),  # not an accent at all
        ("a\u200b", 1),
    ],
)
def test_anything_else_gets_no_advice(text: str, index: int) -> None:
    assert decomposed_advice(text, index) == ""

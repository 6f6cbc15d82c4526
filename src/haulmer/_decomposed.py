"""Advice for text whose accent is written apart from its letter, which ISO-8859-1 cannot hold."""

from __future__ import annotations

import unicodedata

from haulmer._shown import shown

__all__ = ["decomposed_advice"]


def decomposed_advice(text: str, index: int) -> str:
    """When ``text[index]`` is a combining accent that composes with the letter before it into a
    character ISO-8859-1 has (``e`` + U+0301 is ``é``): a sentence saying so and how to compose
    the text; otherwise ``""``. Decomposed text comes from macOS file names and some keyboards."""
    if not unicodedata.combining(text[index]) or index == 0:
        return ""
    pair = text[index - 1 : index + 1]
    composed = unicodedata.normalize("NFC", pair)
    try:
        composed.encode("iso-8859-1")
    except UnicodeEncodeError:
        return ""
    return (
        f"; it is an accent written apart from its letter (decomposed text): compose the text "
        f"with unicodedata.normalize('NFC', text), which writes {shown(pair[0])} followed by "
        f"U+{ord(pair[1]):04X} as {shown(composed)} (U+{ord(composed):04X})"
    )

"""Which text a DTE can carry: ISO-8859-1 (the SII's encoding) without the control characters
XML refuses, and what to say of a text that has one it cannot."""

from __future__ import annotations

import re
from typing import Final

from haulmer._decomposed import decomposed_advice
from haulmer._shown import shown

__all__ = ["NOT_IN_A_DTE", "uncarried_text"]

NOT_IN_A_DTE: Final = re.compile("[^\t\n\r\x20-\x7e\xa0-\xff]")
"""What a DTE's text cannot hold: characters outside ISO-8859-1 (the SII's encoding; emoji,
curly quotes, long dashes, the euro sign), the control characters XML refuses, and DEL and
the C1 controls (U+007F to U+009F), which stand for no character: what text read from a
Windows-1252 file as ISO-8859-1 holds instead of its curly quotes, dashes and euro signs."""


def uncarried_text(value: str, element: str) -> str | None:
    """What is wrong with ``value`` as the text of a DTE's ``element``: the first character it
    cannot carry, and how to replace it; None when a DTE can carry all of it."""
    found = NOT_IN_A_DTE.search(value)
    if found is None:
        return None
    character = found.group()
    if character < " ":
        return (
            f"{shown(character)} (U+{ord(character):04X}) is a control character, which a "
            f"DTE's {element} cannot hold (XML has no way to write it): remove it"
        )
    if character <= "\x9f":
        said = (
            f"{shown(character)} (U+{ord(character):04X}) is a control character, which a "
            f"DTE's {element} cannot hold (it stands for no character: the SII's readers and "
            "printed copies would show nothing or garbage)"
        )
        try:
            meant = bytes([ord(character)]).decode("cp1252")
        except UnicodeDecodeError:  # DEL, and the five bytes Windows-1252 leaves undefined
            return said + ": remove it"
        return (
            f"{said}; it is the byte Windows-1252 writes {shown(meant)} with, so the text was "
            "likely read from a Windows-1252 file as ISO-8859-1: read it as cp1252, and "
            "replace what ISO-8859-1 lacks (plain quotes, '-' for dashes)"
        )
    return (
        f"{shown(character)} (U+{ord(character):04X}) cannot be written in a DTE's {element}: "
        "the SII's encoding is ISO-8859-1; replace it (plain quotes, '-' for dashes, letters "
        "such as ñ and á are fine)" + decomposed_advice(value, found.start())
    )

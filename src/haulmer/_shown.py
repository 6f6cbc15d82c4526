"""How an error message shows a value the caller gave: short, and never an exception itself."""

from __future__ import annotations

import re

__all__ = ["about_digits", "cut", "looks_like_credential", "shown", "shown_unless_credential"]

_LONGEST_INT_BITS = 1000
"""About 300 digits: past this an int is named by its size (Python writes no more than 4,300
digits as text, and no id, count or code comes near)."""


def about_digits(number: int) -> str:
    """``"about N digits"`` for an int, estimated from its bits: one too long for Python to write
    as text (more than 4,300 digits) can still be named by its size."""
    return f"about {int(number.bit_length() * 0.30103)} digits"


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters; an int too long to write named by its size;
    an object whose ``repr`` fails named by its type."""
    if type(value) is int and value.bit_length() > _LONGEST_INT_BITS:
        return f"an int of {about_digits(value)}"
    try:
        text = repr(value)
    except Exception:  # a caller's object whose repr raises: the message must still be made
        return f"a {type(value).__name__}"
    return cut(text, limit)


def cut(text: str, limit: int, mark: str = "...") -> str:
    """``text`` at most ``limit`` characters long, a cut one ending in ``mark``."""
    return text if len(text) <= limit else text[: limit - len(mark)] + mark


_CREDENTIAL_LIKE = re.compile(r"[A-Za-z0-9_-]{20,}")
"""Text that may be a credential given in the wrong place: an API key (32 hex digits), a token."""


def looks_like_credential(value: object) -> bool:
    """Whether ``value`` is text that may be a credential: 20 or more letters, digits, '-' and
    '_' (an API key given as a URL or a name)."""
    return isinstance(value, str) and _CREDENTIAL_LIKE.fullmatch(value) is not None


def shown_unless_credential(value: object, limit: int = 60) -> str:
    """``shown(value)``, unless ``looks_like_credential(value)``: then named by its length."""
    if isinstance(value, str) and looks_like_credential(value):
        return f"(a text of {len(value)} characters, not shown: it may be a credential)"
    return shown(value, limit)

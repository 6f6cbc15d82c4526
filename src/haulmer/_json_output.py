"""JSON for the command line's output streams: readable by a UTF-8 reader whatever the stream's
encoding, its Decimals written as numbers of their exact digits."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

__all__ = ["json_text"]

_MARK: Final = "\udc00"
"""What encloses a Decimal's exact text in what ``json.dumps`` writes, for ``json_text`` to turn
into a number: a lone surrogate, which no text read from a file or an answer holds."""
_NUMBER: Final = r"(-?[0-9]+(?:\.[0-9]+)?(?:E[-+]?[0-9]+)?)"
_MARKED: Final = (
    re.compile(f'"{_MARK}{_NUMBER}{_MARK}"'),  # as written with ensure_ascii=False
    re.compile(f'"\\\\udc00{_NUMBER}\\\\udc00"'),  # as written with ensure_ascii=True
)


def json_text(data: Any, stream: Any, **options: Any) -> str:
    """``data`` as JSON to write on ``stream``: text beyond ASCII as \\u escapes unless the
    stream writes UTF-8. A Windows pipe or file is cp1252 and PYTHONIOENCODING may say ascii:
    "Crédito" came out as a byte no JSON reader decodes, or as ``\\xe9``, an escape JSON refuses.

    A Decimal (a DTE's QtyItem, PrcItem, TasaIVA) is a JSON number of its digits, as the SDK
    sends it: as a string ("2"), a script's sum of prices joined them instead of adding them."""
    given: Callable[[Any], Any] | None = options.pop("default", None)
    marked = 0

    def default(value: Any) -> Any:
        nonlocal marked
        if isinstance(value, Decimal) and value.is_finite():
            if value == value.to_integral_value():
                return int(value)
            marked += 1
            return f"{_MARK}{value}{_MARK}"
        if given is None:
            raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
        return given(value)

    text = json.dumps(data, ensure_ascii=not _writes_utf8(stream), default=default, **options)
    if marked:
        for pattern in _MARKED:
            text = pattern.sub(r"\1", text)
    return text


def _writes_utf8(stream: Any) -> bool:
    """Whether ``stream`` encodes text as UTF-8 (one without an encoding holds text itself)."""
    encoding = getattr(stream, "encoding", None)
    if not isinstance(encoding, str):  # io.StringIO: str in, str out
        return True
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False

"""JSON for the command line's output streams: readable by a UTF-8 reader whatever the stream's
encoding."""

from __future__ import annotations

import codecs
import json
from typing import Any

__all__ = ["json_text"]


def json_text(data: Any, stream: Any, **options: Any) -> str:
    """``data`` as JSON to write on ``stream``: text beyond ASCII as \\u escapes unless the
    stream writes UTF-8. A Windows pipe or file is cp1252 and PYTHONIOENCODING may say ascii:
    "Crédito" came out as a byte no JSON reader decodes, or as ``\\xe9``, an escape JSON refuses."""
    return json.dumps(data, ensure_ascii=not _writes_utf8(stream), **options)


def _writes_utf8(stream: Any) -> bool:
    """Whether ``stream`` encodes text as UTF-8 (one without an encoding holds text itself)."""
    encoding = getattr(stream, "encoding", None)
    if not isinstance(encoding, str):  # io.StringIO: str in, str out
        return True
    try:
        return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False

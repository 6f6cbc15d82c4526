"""Render the SII's nested dict (``Document.to_sii_dict()``) as XML text in canonical form.

Keys become elements in the dict's order (the models keep the SII's element order), lists become
repeated elements and leaves become text. The output is already C14N 1.0 (no self-closing tags,
C14N escaping, no whitespace between tags), so the digest needs no parse and no canonicalizer:
the tests hold it byte for byte against lxml's C14N and against ``xmlsec1``. Text must fit
ISO-8859-1, the SII's encoding.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any, Final

from haulmer._decomposed import decomposed_advice
from haulmer._shown import shown
from haulmer.errors import DocumentError, ErrorDetail

__all__ = [
    "canonical_text",
    "clean_latin1",
    "dte_latin1",
    "element_name",
    "escape_text",
    "leaf_text",
    "quote_entities",
    "render_elements",
    "render_one",
    "sii_quotes",
]

_XML_UNSAFE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_BYTES: Final = bytes((*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
"""What ``_XML_UNSAFE`` finds in text that ISO-8859-1 can encode (U+FFFE/U+FFFF it cannot)."""
_DTE_CONTROL_BYTES: Final = _CONTROL_BYTES + bytes(range(0x7F, 0xA0))
"""Those, DEL and the C1 controls: XML carries them, but a DTE's text cannot (they stand for
no character; ``haulmer.dte``'s checker refuses them)."""
_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
_checked_names: set[str] = set()
_LEAF_TYPES: Final = frozenset({str, int, Decimal})


def escape_text(text: str) -> str:
    """Escape text content the way C14N 1.0 writes it."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#xD;")
    return text


def sii_quotes(canonical: str) -> str:
    """Canonical text with quotes in text nodes written ``&quot;``/``&apos;``, as the SII asks.

    A text run is what follows the first ``>`` after a ``<`` up to the next ``<``; attribute
    values are left as C14N wrote them. Only the quote characters are visited, so text without
    quotes costs a couple of scans in C.
    """
    next_double, next_single = canonical.find('"'), canonical.find("'")
    if next_double < 0 and next_single < 0:
        return canonical
    pieces: list[str] = []
    done = 0
    while next_double >= 0 or next_single >= 0:
        if next_single < 0 or 0 <= next_double < next_single:
            quote = next_double
        else:
            quote = next_single
        resume = quote + 1
        start = canonical.rfind("<", 0, quote) + 1
        run_start = canonical.find(">", start, quote) + 1
        if run_start > 0:  # the quote is in a text run, not inside a tag
            run_end = canonical.find("<", quote)
            if run_end < 0:
                break  # a run no tag closes is left as it is
            pieces.append(canonical[done:run_start])
            run = canonical[run_start:run_end]
            pieces.append(run.replace('"', "&quot;").replace("'", "&apos;"))
            done = resume = run_end
        if next_double < resume:
            next_double = canonical.find('"', resume)
        if next_single < resume:
            next_single = canonical.find("'", resume)
    if not pieces:
        return canonical
    pieces.append(canonical[done:])
    return "".join(pieces)


def quote_entities(text: str) -> str:
    """``sii_quotes`` of canonical text that has no attributes (elements and text only): every
    quote is in a text run, so each is replaced in one C pass."""
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "'" in text:
        text = text.replace("'", "&apos;")
    return text


def leaf_text(value: Any, path: str) -> str:
    """The XML text of one leaf value; ``path`` names it in errors."""
    if isinstance(value, str):
        return value
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        raise DocumentError(
            f"{path} is a boolean; the SII wants a code", [ErrorDetail(path, "is a boolean")]
        )
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def element_name(name: str) -> str:
    """``name``, once it is known to be an XML element name (remembered); a ``DocumentError``
    otherwise."""
    if name not in _checked_names:
        if not isinstance(name, str) or not _NAME.match(name):
            raise DocumentError(
                f"{shown(name)} is not an XML element name", [ErrorDetail(str(name), "not a name")]
            )
        _checked_names.add(name)
    return name


def _leaf(value: Any) -> str:
    kind = type(value)
    if kind is str:
        text: str = value
    elif kind is int:
        text = str(value)
    elif kind is Decimal:
        text = format(value, "f")
    else:
        text = leaf_text(value, "")
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        return escape_text(text)
    return text


def render_elements(data: Mapping[str, Any], out: list[str]) -> None:
    """Append the canonical XML of ``data``'s elements to ``out`` (in order, lists repeated)."""
    append = out.append
    for key, value in data.items():
        if value is None:
            continue
        name = key if key in _checked_names else element_name(key)
        kind = type(value)
        if kind is str:  # the usual leaves first, without a call per element
            text: str = value
        elif kind is int:
            text = str(value)
        elif kind is Decimal:
            text = format(value, "f")
        elif kind is dict:
            append(f"<{name}>")
            render_elements(value, out)
            append(f"</{name}>")
            continue
        elif kind is list or isinstance(value, tuple):
            for item in value:
                if type(item) is dict:  # Detalle, Referencia...: no call per item
                    append(f"<{name}>")
                    render_elements(item, out)
                    append(f"</{name}>")
                else:
                    render_one(name, item, out)
            continue
        else:
            render_one(name, value, out)
            continue
        if "&" in text or "<" in text or ">" in text or "\r" in text:
            text = escape_text(text)
        append(f"<{name}>{text}</{name}>")


def render_one(name: str, value: Any, out: list[str]) -> None:
    """Append the canonical XML of one element ``name`` holding ``value`` (a leaf or a mapping)
    to ``out``; nothing for None."""
    if value is None:
        return
    if type(value) is dict or (type(value) not in _LEAF_TYPES and isinstance(value, Mapping)):
        out.append(f"<{name}>")
        render_elements(value, out)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{_leaf(value)}</{name}>")


def canonical_text(data: Mapping[str, Any]) -> str:
    """The canonical XML of every element in ``data``; raises ``DocumentError`` naming the
    field whose value or text XML or ISO-8859-1 cannot carry."""
    out: list[str] = []
    try:
        render_elements(data, out)
    except DocumentError:
        _raise_for_bad_leaf(data, "")
        raise
    text = "".join(out)
    if not clean_latin1(text):
        _raise_for_bad_leaf(data, "")
    return text


def clean_latin1(text: str) -> bool:
    """Whether ``text`` fits ISO-8859-1 and holds no control character XML refuses."""
    try:
        encoded = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return False
    # deleting the control characters in C is much faster than a regex search
    return len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded)


def dte_latin1(text: str) -> bool:
    """Whether ``text`` is what a DTE's text may be: ISO-8859-1 without control characters
    (``clean_latin1``, and neither DEL nor the C1 controls)."""
    try:
        encoded = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return False
    return len(encoded.translate(None, _DTE_CONTROL_BYTES)) == len(encoded)


def _raise_for_bad_leaf(data: Any, path: str) -> None:
    """Find the leaf that broke the encoding and raise an error naming it."""
    if data is None:
        return
    if isinstance(data, Mapping):
        for key, value in data.items():
            child = f"{path}.{key}" if path else key
            if isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    _raise_for_bad_leaf(item, f"{child}[{index + 1}]")
            else:
                _raise_for_bad_leaf(value, child)
        return
    text = leaf_text(data, path)
    if _XML_UNSAFE.search(text):
        raise DocumentError(
            f"{path} holds a control character that XML cannot carry",
            [ErrorDetail(path, "holds a control character")],
        )
    try:
        text.encode("iso-8859-1")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        raise DocumentError(
            f"{path} holds {shown(bad)}, which ISO-8859-1 (the SII's encoding) cannot represent; "
            "replace it (e.g. use plain quotes and letters)" + decomposed_advice(text, exc.start),
            [ErrorDetail(path, f"character {shown(bad)} is not ISO-8859-1")],
        ) from None

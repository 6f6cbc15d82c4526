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
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from enum import Enum, IntEnum
from itertools import compress, repeat
from operator import is_not
from typing import Any, Final, NamedTuple

from pydantic import BaseModel

from haulmer.dte.sii_dict import normalize_decimal, render_plan, render_value
from haulmer.errors import DocumentError, ErrorDetail
from haulmer.rut import Rut

__all__ = [
    "canonical_sections",
    "canonical_text",
    "escape_text",
    "leaf_text",
    "quote_entities",
    "render_elements",
    "sii_quotes",
]

_XML_UNSAFE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_BYTES: Final = bytes((*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))
"""What ``_XML_UNSAFE`` finds in text that ISO-8859-1 can encode (U+FFFE/U+FFFF it cannot)."""
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


def _check_name(name: str) -> str:
    if name not in _checked_names:
        if not isinstance(name, str) or not _NAME.match(name):
            raise DocumentError(
                f"{name!r} is not an XML element name", [ErrorDetail(str(name), "not a name")]
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
        name = key if key in _checked_names else _check_name(key)
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
                    _render_one(name, item, out)
            continue
        else:
            _render_one(name, value, out)
            continue
        if "&" in text or "<" in text or ">" in text or "\r" in text:
            text = escape_text(text)
        append(f"<{name}>{text}</{name}>")


def _render_one(name: str, value: Any, out: list[str]) -> None:
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
    try:
        encoded = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        clean = False
    else:  # deleting the control characters in C is much faster than a regex search
        clean = len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded)
    if not clean:
        _raise_for_bad_leaf(data, "")
    return text


def canonical_sections(
    sections: Iterable[tuple[str, BaseModel, bool, Mapping[str, Any] | None]],
) -> str | None:
    """The canonical XML of ``(name, model, boleta, overrides)`` sections written straight from
    the models: the characters ``canonical_text`` writes for the dict ``render_section`` would
    make of them, without building that dict. None when some text is not clean XML in
    ISO-8859-1: ``canonical_text`` of the dict then names the field at fault.
    """
    out: list[str] = []
    append = out.append
    try:
        for name, model, boleta, overrides in sections:
            append(f"<{name}>")
            _write_section(model, boleta, overrides, out)
            append(f"</{name}>")
    except DocumentError:
        return None
    text = "".join(out)
    try:
        encoded = text.encode("iso-8859-1")
    except UnicodeEncodeError:
        return None
    if len(encoded.translate(None, _CONTROL_BYTES)) != len(encoded):
        return None
    return text


class _Tag(NamedTuple):
    """One element a section writes: its name, checked as an XML name once, and MedioPago or not."""

    name: str
    is_medio_pago: bool


_WRITE_PLANS: dict[
    tuple[type[BaseModel], bool],
    tuple[tuple[_Tag, ...], Callable[[Mapping[str, Any]], tuple[Any, ...]]],
] = {}


def _write_plan(
    model: type[BaseModel], boleta: bool
) -> tuple[tuple[_Tag, ...], Callable[[Mapping[str, Any]], tuple[Any, ...]]]:
    """``render_plan``'s elements as tags, their names checked once per model class."""
    elements, read = render_plan(model, boleta)
    tags = tuple(_Tag(_check_name(e.name), e.is_medio_pago) for e in elements)
    _WRITE_PLANS[model, boleta] = plan = (tags, read)
    return plan


def _date_text(value: dt.date) -> str:
    return value.isoformat()


def _int_enum_text(value: IntEnum) -> str:
    return str(int(value))


_LEAF_TEXTS: Final[dict[type, Callable[[Any], str]]] = {dt.date: _date_text, Rut: str}
"""The text of leaves that never need escaping, by exact type (IntEnum codes are added as met)."""


def _write_section(
    model: BaseModel, boleta: bool, overrides: Mapping[str, Any] | None, out: list[str]
) -> None:
    """``render_elements(render_section(model, ...))`` in one walk over the model."""
    plan = _WRITE_PLANS.get((type(model), boleta)) or _write_plan(type(model), boleta)
    tags, read = plan
    values = model.__dict__
    present = read({**values, **overrides} if overrides else values)
    append = out.append
    for (name, is_medio_pago), value in compress(
        zip(tags, present, strict=True), map(is_not, present, repeat(None))
    ):
        kind = type(value)
        if kind is str:
            if is_medio_pago and value.isdigit():
                text = str(int(value))
            elif "&" in value or "<" in value or ">" in value or "\r" in value:
                text = escape_text(value)
            else:
                text = value
        elif kind is int:
            text = str(value)
        elif kind is Decimal:
            text = str(value)  # a whole number with exponent 0 (most) is written as it is
            if not text.isdigit():
                text = format(normalize_decimal(value), "f")
        elif kind is list:
            for item in value:
                if isinstance(item, BaseModel):
                    append(f"<{name}>")
                    _write_section(item, boleta, None, out)
                    append(f"</{name}>")
                else:
                    _render_one(name, render_value(item, boleta), out)
            continue
        else:
            leaf_text = _LEAF_TEXTS.get(kind) or _leaf_text_for(kind)
            if leaf_text is not None:
                text = leaf_text(value)
            elif isinstance(value, BaseModel):
                append(f"<{name}>")
                _write_section(value, boleta, None, out)
                append(f"</{name}>")
                continue
            else:  # str enums, datetimes...: as render_section renders them, then as leaves
                rendered = render_value(value, boleta)
                if is_medio_pago and isinstance(rendered, str) and rendered.isdigit():
                    rendered = int(rendered)
                render_elements({name: rendered}, out)
                continue
        append(f"<{name}>{text}</{name}>")


def _leaf_text_for(kind: type) -> Callable[[Any], str] | None:
    """An IntEnum code's text (its number), remembered for its type; None for other types."""
    if issubclass(kind, IntEnum):
        _LEAF_TEXTS[kind] = _int_enum_text
        return _int_enum_text
    return None


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
            f"{path} holds {bad!r}, which ISO-8859-1 (the SII's encoding) cannot represent; "
            "replace it (e.g. use plain quotes and letters)",
            [ErrorDetail(path, f"character {bad!r} is not ISO-8859-1")],
        ) from None

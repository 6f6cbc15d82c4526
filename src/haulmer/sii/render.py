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
from typing import Any, Final, NamedTuple

from pydantic import BaseModel

from haulmer.dte.schema.checker import FieldCheck, SchemaRoot, field_checks, leaf_issue
from haulmer.dte.schema.elements import Element
from haulmer.dte.sii_dict import normalize_decimal, render_plan, render_value, values_getter
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
    root: SchemaRoot,
) -> str | None:
    """The canonical XML of ``(name, model, boleta, overrides)`` sections written straight from
    the models, each value checked against ``root``'s facets as it is written: the characters
    ``canonical_text`` writes for the dict ``render_section`` would make of them, in one walk
    that also judges every value as ``schema_problems`` does (``leaf_issue``).

    None when a value breaks a facet (``schema_problems`` then says which) or some text is not
    clean XML in ISO-8859-1 (``canonical_text`` of the dict then names the field at fault). The
    values written are judged, so a computed amount (a MontoItem left out) is judged too.
    """
    top = _TOP_CHECKS.get(root.name) or _top_checks(root)
    out: list[str] = []
    append = out.append
    try:
        for name, model, boleta, overrides in sections:
            check = top.get(name)
            if check is None or check.element is None or check.element.kind != "section":
                return None  # a section the root has not: the checker refuses it
            append(f"<{name}>")
            if not _write_section(model, boleta, overrides, check.element, (name,), root, out):
                return None
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


_TOP_CHECKS: dict[str, dict[str, FieldCheck]] = {}


def _top_checks(root: SchemaRoot) -> dict[str, FieldCheck]:
    """The checks of a Document's sections (Encabezado, Detalle...) on ``root``, by name."""
    from haulmer.dte.document import Document

    checks = {check.shown: check for check in field_checks(Document, root.element, (), root)}
    _TOP_CHECKS[root.name] = checks
    return checks


class _Written(NamedTuple):
    """One element a section writes: its name (checked as an XML name once), MedioPago or not,
    and the checker's view of its field on the section's root."""

    name: str
    is_medio_pago: bool
    check: FieldCheck


_SectionWriter = Callable[[Mapping[str, Any], list[str], bool, tuple[str, ...], SchemaRoot], bool]
"""Writes one section's values (a model's ``__dict__``, overrides applied) as canonical XML,
judging each; False at the first value the checker refuses."""
_Reader = Callable[[Mapping[str, Any]], tuple[Any, ...]]
_WritePlan = tuple[_SectionWriter, _Reader | None]
_WRITE_PLANS: dict[tuple[type[BaseModel], bool, int, str], _WritePlan] = {}


def _write_plan(
    model: type[BaseModel],
    boleta: bool,
    section: Element,
    names: tuple[str, ...],
    root: SchemaRoot,
) -> _WritePlan:
    """The writer of a section of ``model`` (``render_plan``'s elements, in order, each judged
    on ``section``), and a reader of the fields it leaves out, which the checker refuses when
    present. Built once per model class, kind of document and section."""
    elements, _ = render_plan(model, boleta)
    checks = {check.attribute: check for check in field_checks(model, section, names, root)}
    written = [
        (e.attribute, _Written(_check_name(e.name), e.is_medio_pago, checks[e.attribute]))
        for e in elements
    ]
    left_out = tuple(name for name in checks if name not in {e.attribute for e in elements})
    plan = (_compiled_writer(written, names), values_getter(left_out) if left_out else None)
    _WRITE_PLANS[model, boleta, id(section), root.name] = plan
    return plan


def _compiled_writer(written: list[tuple[str, _Written]], names: tuple[str, ...]) -> _SectionWriter:
    """A function that writes these elements in order, compiled once per kind of section.

    For each element it reads the value and, when the value is of the usual kind and inside
    the usual range its check allows (``plain_text``, ``int_range``, ``whole_range``,
    ``date_range``, ``int_choices``) or is a section of the schema, writes it inline with the
    element's name and bounds as constants: what ``_write_value`` would do, without its
    dispatch. Any other value goes to ``_write_value``, which judges it in full. The source is
    built from model attribute names (reprs), element names checked as XML names and integer
    bounds; nothing from a document's values. ``names`` is the section's path from the root.
    """
    namespace: dict[str, Any] = {
        "escape_text": escape_text,
        "normalize_decimal": normalize_decimal,
        "write_value": _write_value,
        "write_section": _write_section,
        "BaseModel": BaseModel,
        "Decimal": Decimal,
        "date": dt.date,
    }
    source = [
        "def write(values, out, boleta, names, root):",
        "    append = out.append",
    ]
    for index, (attribute, element) in enumerate(written):
        name, check = element.name, element.check
        namespace[f"element_{index}"] = element
        source += [
            f"    v = values[{attribute!r}]",
            "    if v is not None:",
            "        k = type(v)",
        ]
        branch = "if"
        plain = check.plain_text
        if plain is not None and not element.is_medio_pago:
            limit = f" and len(v) <= {plain}" if plain >= 0 else ""
            source += [
                f"        {branch} k is str{limit}:",
                '            if "&" in v or "<" in v or ">" in v or "\\r" in v:',
                "                v = escape_text(v)",
                f'            append(f"<{name}>{{v}}</{name}>")',
            ]
            branch = "elif"
        if check.int_range is not None:
            low, high = check.int_range
            source += [
                f"        {branch} k is int and {low} <= v < {high}:",
                f'            append(f"<{name}>{{v}}</{name}>")',
            ]
            branch = "elif"
        if check.whole_range is not None:
            namespace[f"whole_{index}"] = check.whole_range
            source += [
                f"        {branch} (",
                "            k is Decimal",
                "            and v == v.to_integral_value()",
                f"            and whole_{index}[0] <= v <= whole_{index}[1]",
                "        ):",
                "            text = str(v)",
                "            if not text.isdigit():",
                '                text = format(normalize_decimal(v), "f")',
                f'            append(f"<{name}>{{text}}</{name}>")',
            ]
            branch = "elif"
        if check.date_range is not None:
            namespace[f"dates_{index}"] = check.date_range
            source += [
                f"        {branch} k is date and dates_{index}[0] <= v <= dates_{index}[1]:",
                f'            append(f"<{name}>{{v.isoformat()}}</{name}>")',
            ]
            branch = "elif"
        if check.int_choices is not None:
            namespace[f"codes_{index}"] = check.int_choices
            source += [  # a code or an IntEnum member, written as its number
                f"        {branch} isinstance(v, int) and k is not bool and v in codes_{index}:",
                f'            append(f"<{name}>{{int(v)}}</{name}>")',
            ]
            branch = "elif"
        inner = check.element
        if check.refusal is None and inner is not None and inner.kind == "section":
            namespace[f"inner_{index}"] = inner
            namespace[f"path_{index}"] = (*names, check.shown)
            source += [
                f"        {branch} isinstance(v, BaseModel):",
                f'            append("<{name}>")',
                f"            inner, path = inner_{index}, path_{index}",
                "            if not write_section(v, boleta, None, inner, path, root, out):",
                "                return False",
                f'            append("</{name}>")',
            ]
            branch = "elif"
        source += [
            f"        {branch} k is list and not v:",
            "            pass",
            f"        elif not write_value(element_{index}, v, boleta, names, root, out):",
            "            return False",
        ]
    source.append("    return True")
    exec(compile("\n".join(source), "<haulmer section writer>", "exec"), namespace)
    writer: _SectionWriter = namespace["write"]
    return writer


def _int_enum_text(value: IntEnum) -> str:
    return str(int(value))


_LEAF_TEXTS: Final[dict[type, Callable[[Any], str] | None]] = {Rut: str}
"""The text of leaves that never need escaping by exact type (IntEnum codes are added as met),
None for the other types met (models, str enums...)."""


def _write_section(
    model: BaseModel,
    boleta: bool,
    overrides: Mapping[str, Any] | None,
    section: Element,
    names: tuple[str, ...],
    root: SchemaRoot,
    out: list[str],
) -> bool:
    """``render_elements(render_section(model, ...))`` in one walk over the model, each value
    judged against ``section`` of ``root`` on the way; False at the first one the checker
    refuses (a field the section leaves out is refused when present)."""
    plan = _WRITE_PLANS.get((type(model), boleta, id(section), root.name)) or _write_plan(
        type(model), boleta, section, names, root
    )
    writer, left_out = plan
    values = model.__dict__
    if left_out is not None:
        unwritten = left_out(values)
        if unwritten.count(None) + unwritten.count([]) != len(unwritten):
            return False
    return writer({**values, **overrides} if overrides else values, out, boleta, names, root)


def _write_value(
    element: _Written,
    value: Any,
    boleta: bool,
    names: tuple[str, ...],
    root: SchemaRoot,
    out: list[str],
) -> bool:
    """One present value of ``element`` written and judged as the checker judges it (the
    usual kinds inline, as its own fast paths do); False when the checker refuses it."""
    name, is_medio_pago, check = element
    kind = type(value)
    if kind is str:
        plain = check.plain_text
        if (plain is None or 0 <= plain < len(value)) and leaf_issue(value, check):
            return False
        if is_medio_pago and value.isdigit():
            text = str(int(value))
        elif "&" in value or "<" in value or ">" in value or "\r" in value:
            text = escape_text(value)
        else:
            text = value
    elif kind is int:
        bounds = check.int_range
        if (bounds is None or not bounds[0] <= value < bounds[1]) and leaf_issue(value, check):
            return False
        text = str(value)
    elif kind is Decimal:
        whole = check.whole_range
        if (
            whole is None or value != value.to_integral_value() or not whole[0] <= value <= whole[1]
        ) and leaf_issue(value, check):
            return False
        text = str(value)  # a whole number with exponent 0 (most) is written as it is
        if not text.isdigit():
            text = format(normalize_decimal(value), "f")
    elif kind is list:
        return not value or _write_list(name, value, check, boleta, names, root, out)
    elif kind is dt.date:
        span = check.date_range
        if (span is None or not span[0] <= value <= span[1]) and leaf_issue(value, check):
            return False
        text = value.isoformat()
    else:
        leaf_text = _LEAF_TEXTS.get(kind, _unknown_leaf)
        if leaf_text is _unknown_leaf:
            leaf_text = _leaf_text_for(kind)
        if leaf_text is not None:  # RUTs and IntEnum codes
            codes = check.int_choices
            if (codes is None or value not in codes) and leaf_issue(value, check):
                return False
            text = leaf_text(value)
        elif isinstance(value, BaseModel):
            inner = check.element
            if check.refusal is not None or inner is None or inner.kind != "section":
                return False
            out.append(f"<{name}>")
            if not _write_section(value, boleta, None, inner, (*names, check.shown), root, out):
                return False
            out.append(f"</{name}>")
            return True
        else:  # str enums, datetimes...: as render_section renders them, then as leaves
            if leaf_issue(value, check):
                return False
            rendered = render_value(value, boleta)
            if is_medio_pago and isinstance(rendered, str) and rendered.isdigit():
                rendered = int(rendered)
            render_elements({name: rendered}, out)
            return True
    out.append(f"<{name}>{text}</{name}>")
    return True


def _write_list(
    name: str,
    items: list[Any],
    check: FieldCheck,
    boleta: bool,
    names: tuple[str, ...],
    root: SchemaRoot,
    out: list[str],
) -> bool:
    """A repeated element (Detalle's CdgItem, Acteco...), judged item by item as the checker
    does; False at the first item it refuses."""
    if check.refusal is not None:
        return False
    inner = check.element
    if inner is not None and inner.kind == "section":
        path = (*names, check.shown)
        for item in items:
            if not isinstance(item, BaseModel):
                return False
            out.append(f"<{name}>")
            if not _write_section(item, boleta, None, inner, path, root, out):
                return False
            out.append(f"</{name}>")
        return True
    bounds = check.int_range
    for item in items:
        if type(item) is int and bounds is not None and bounds[0] <= item < bounds[1]:
            out.append(f"<{name}>{item}</{name}>")  # Acteco: the usual code, judged inline
            continue
        if isinstance(item, BaseModel) or leaf_issue(item, check):
            return False
        _render_one(name, render_value(item, boleta), out)
    return True


def _leaf_text_for(kind: type) -> Callable[[Any], str] | None:
    """The text function of an IntEnum code (its number), or None for any other type; either
    remembered for the type."""
    text = _int_enum_text if issubclass(kind, IntEnum) else None
    _LEAF_TEXTS[kind] = text
    return text


def _unknown_leaf(value: Any) -> str:  # pragma: no cover - a marker, never called
    """Marks a type not met yet in ``_LEAF_TEXTS``."""
    raise NotImplementedError


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

"""Write a document's sections as canonical XML straight from its models, judging each value
against its schema's facets on the way: what ``issue()`` signs, in one walk over the elements.

The characters are those ``render.canonical_text`` writes for the document's SII dict (the tests
hold them byte for byte); the judgement is the facet checker's (``schema_problems``), through
its own field checks. Each kind of section gets a writer function compiled once, with its
elements' names and usual bounds inlined; any value outside them takes the full judgement.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from enum import IntEnum
from typing import Any, Final, NamedTuple

from pydantic import BaseModel

from haulmer.dte.schema.checker import FieldCheck, SchemaRoot, field_checks, leaf_issue
from haulmer.dte.schema.elements import Element
from haulmer.dte.sii_dict import normalize_decimal, render_plan, render_value, values_getter
from haulmer.errors import DocumentError
from haulmer.rut import Rut
from haulmer.sii.render import (
    dte_latin1,
    element_name,
    escape_text,
    render_elements,
    render_one,
)

__all__ = ["canonical_sections"]


def canonical_sections(
    sections: Iterable[tuple[str, BaseModel, bool, Mapping[str, Any] | None]],
    root: SchemaRoot,
) -> str | None:
    """The canonical XML of ``(name, model, boleta, overrides)`` sections written straight from
    the models, each value checked against ``root``'s facets as it is written: the characters
    ``canonical_text`` writes for the dict ``render_section`` would make of them, in one walk
    that also judges every value as ``schema_problems`` does (``leaf_issue``).

    None when a value breaks a facet (``schema_problems`` then says which) or some text is not
    clean XML in ISO-8859-1, or holds DEL or a C1 control (the checker, or ``canonical_text``
    of the dict, then names the field at fault). The
    values written are judged, so a computed amount (a MontoItem left out) is judged too.
    """
    top = _TOP_CHECKS.get(root.name) or _top_checks(root)
    out: list[str] = []
    append = out.append
    kind: tuple[str, type[BaseModel], bool] | None = None
    try:
        for name, model, boleta, overrides in sections:
            if kind != (name, type(model), boleta):  # the lines that follow share the plan
                check = top.get(name)
                section = check.element if check is not None else None
                if section is None or section.kind != "section":
                    return None  # a section the root has not: the checker refuses it
                kind, path = (name, type(model), boleta), (name,)
                writer, left_out = _plan_of(type(model), boleta, section, path, root)
                opening, closing = f"<{name}>", f"</{name}>"
            values = model.__dict__
            if left_out is not None and not _all_absent(left_out(values)):
                return None
            append(opening)
            if not writer(
                {**values, **overrides} if overrides else values, out, boleta, path, root
            ):
                return None
            append(closing)
    except DocumentError:
        return None
    text = "".join(out)
    return text if dte_latin1(text) else None


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
        (e.attribute, _Written(element_name(e.name), e.is_medio_pago, checks[e.attribute]))
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
    ``date_range``, ``int_choices``), is a RUT or is a section of the schema, writes it inline
    with the element's name and bounds as constants: what ``_write_value`` would do, without
    its dispatch. Any other value goes to ``_write_value``, which judges it in full. The source is
    built from model attribute names (reprs), element names checked as XML names and integer
    bounds; nothing from a document's values. ``names`` is the section's path from the root.
    """
    namespace: dict[str, Any] = {
        "escape_text": escape_text,
        "write_value": _write_value,
        "write_section": _write_section,
        "BaseModel": BaseModel,
        "Decimal": Decimal,
        "Rut": Rut,
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
        whole = _whole_digits_test(check.whole_range)
        if whole is not None:
            source += [
                f"        {branch} k is Decimal and (text := str(v)).isdigit(){whole}:",
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
        if check.refusal is None and (check.facets is None or check.facets.choices is None):
            source += [  # a RUT: no facet of a text element judges one (leaf_issue)
                f"        {branch} k is Rut:",
                f'            append(f"<{name}>{{v}}</{name}>")',
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


def _whole_digits_test(bounds: tuple[Decimal, Decimal] | None) -> str | None:
    """The test, on the digits ``str()`` writes for a Decimal (only a whole number with
    exponent 0 and no sign is all digits), that the number lies in ``bounds``: a source
    fragment to follow ``isdigit()``. None when no such number can; the other Decimals (a
    whole number with another exponent, a fraction, one out of bounds) are judged in full."""
    if bounds is None:
        return None
    low, high = math.ceil(bounds[0]), math.floor(bounds[1])
    if high < max(low, 0):
        return None
    limit = str(high)
    if limit == "9" * len(limit):
        test = f" and len(text) <= {len(limit)}"
    else:
        test = f" and (len(text) < {len(limit)} or len(text) == {len(limit)} and text <= {limit!r})"
    if low == 1:
        test += ' and text != "0"'
    elif low > 1:
        test += f" and int(text) >= {low}"
    return test


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
    writer, left_out = _plan_of(type(model), boleta, section, names, root)
    values = model.__dict__
    if left_out is not None and not _all_absent(left_out(values)):
        return False
    return writer({**values, **overrides} if overrides else values, out, boleta, names, root)


def _plan_of(
    model: type[BaseModel],
    boleta: bool,
    section: Element,
    names: tuple[str, ...],
    root: SchemaRoot,
) -> _WritePlan:
    """The plan of a section of ``model`` on ``section``, built on first use."""
    plan = _WRITE_PLANS.get((model, boleta, id(section), root.name))
    return plan if plan is not None else _write_plan(model, boleta, section, names, root)


def _all_absent(values: tuple[Any, ...]) -> bool:
    """Whether each value is None or an empty list: what the checker does not look at."""
    return values.count(None) + values.count([]) == len(values)


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
        render_one(name, render_value(item, boleta), out)
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

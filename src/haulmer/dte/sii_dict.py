"""Rendering the models as the SII's nested dict: SII element names, SII element order.

The dict is what the XML renderer and the OpenFactura JSON both start from. Conventions:
keys are element names in schema order (dicts keep insertion order); a list value is a repeated
element (``Detalle``, ``Acteco``, ``CdgItem``...); leaves are ``int`` (amounts, codes),
``Decimal`` (quantities, prices, rates: no exponent, no trailing zeros, so ``str(v)`` is the
XML text), ``str`` (text, RUTs in canonical form, dates in ISO ``YYYY-MM-DD``). Absent values
and empty lists are left out.

Boletas (39/41) follow EnvioBOLETA_v11: the same models rendered with their own names
(RznSocEmisor, GiroEmisor, TotalPeriodo) and only the elements that schema has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import cache
from itertools import compress, repeat
from operator import is_not, itemgetter
from typing import Any, NamedTuple

from pydantic import BaseModel

from haulmer._numbers import ANY_SIZE
from haulmer.dte._base import sii_names
from haulmer.dte.models import (
    CdgItem,
    Detalle,
    DscRcgGlobal,
    Emisor,
    Encabezado,
    IdDoc,
    Receptor,
    Referencia,
    Totales,
)
from haulmer.dte.schema.checker import BOLETA_RENAMES
from haulmer.dte.schema.elements import Element
from haulmer.dte.schema.facts import BOLETA, DOCUMENTO, EXPORTACIONES, LIQUIDACION
from haulmer.rut import Rut

__all__ = [
    "BOLETA_ELEMENTS",
    "BOLETA_RENAMES",
    "DTE_ONLY_BOLETA_ELEMENTS",
    "SiiValue",
    "normalize_decimal",
    "render_plan",
    "render_section",
    "render_value",
    "sii_names",
    "values_getter",
]

SiiValue = Any
"""A rendered value: int, Decimal, str, a nested dict or a list of those."""

_SECTION_PATHS: Mapping[type[BaseModel], tuple[str, ...]] = {
    Encabezado: ("Encabezado",),
    IdDoc: ("Encabezado", "IdDoc"),
    Emisor: ("Encabezado", "Emisor"),
    Receptor: ("Encabezado", "Receptor"),
    Totales: ("Encabezado", "Totales"),
    Detalle: ("Detalle",),
    DscRcgGlobal: ("DscRcgGlobal",),
    Referencia: ("Referencia",),
    CdgItem: ("Detalle", "CdgItem"),
}
"""Where each section model a boleta has sits under Documento (element names)."""


def _section(root: Element, path: tuple[str, ...]) -> Element:
    """The section at ``path`` under ``root``; an empty one when the root has no such section."""
    section: Element | None = root
    for name in path:
        section = section.child(name) if section is not None else None
    return section if section is not None else Element(path[-1], 0, 0, "section")


def _aliases(model: type[BaseModel]) -> dict[str, str]:
    """The model's element names (aliases) by the name a boleta gives them."""
    return {
        BOLETA_RENAMES.get(alias, alias): alias
        for alias in (info.alias or name for name, info in model.model_fields.items())
    }


def _boleta_elements() -> dict[type[BaseModel], tuple[str, ...]]:
    found = {}
    for model, path in _SECTION_PATHS.items():
        aliases = _aliases(model)
        children = _section(BOLETA, path).children
        found[model] = tuple(aliases[c.name] for c in children if c.name in aliases)
    return found


def _boleta_only_elements() -> dict[type[BaseModel], frozenset[str]]:
    found = {}
    for model, path in _SECTION_PATHS.items():
        elsewhere = {
            child.name
            for root in (DOCUMENTO, EXPORTACIONES, LIQUIDACION)
            for child in _section(root, path).children
        }
        only = frozenset(
            alias
            for boleta_name, alias in _aliases(model).items()
            if _section(BOLETA, path).child(boleta_name) is not None and alias not in elsewhere
        )
        if only:
            found[model] = only
    return found


BOLETA_ELEMENTS: Mapping[type[BaseModel], tuple[str, ...]] = _boleta_elements()
"""The elements each section has on a boleta, in EnvioBOLETA_v11 order (model alias names),
read from the schema facts."""

DTE_ONLY_BOLETA_ELEMENTS: Mapping[type[BaseModel], frozenset[str]] = _boleta_only_elements()
"""Elements only boletas have: left out when rendering any other type."""

_ONE = Decimal(1)


def normalize_decimal(value: Decimal) -> Decimal:
    """``Decimal("2000.00") -> 2000``, ``Decimal("1.50") -> 1.5``: no exponent, no trailing 0s."""
    if value == value.to_integral_value():
        return value.quantize(_ONE, context=ANY_SIZE)
    return value.normalize(context=ANY_SIZE)


def _leaf(value: Any) -> SiiValue:
    if isinstance(value, Rut):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return normalize_decimal(value)
    return value


def _render(value: Any, boleta: bool) -> SiiValue:
    """One value as ``render_section`` writes it (a model as its dict, a Decimal normalized)."""
    kind = type(value)
    if kind is str or kind is int:
        return value
    renderer = _RENDERERS.get(kind)
    if renderer is None:
        renderer = _RENDERERS[kind] = _renderer_for(kind)
    return renderer(value, boleta)


def _render_model(value: BaseModel, boleta: bool) -> SiiValue:
    return render_section(value, boleta=boleta)


def _render_list(value: list[Any], boleta: bool) -> SiiValue:
    return [_render(item, boleta) for item in value]


def _render_text(value: Any, boleta: bool) -> SiiValue:
    return str(value)


def _render_enum(value: Enum, boleta: bool) -> SiiValue:
    return value.value


def _render_date(value: date, boleta: bool) -> SiiValue:
    return value.isoformat()


def _render_decimal(value: Decimal, boleta: bool) -> SiiValue:
    return normalize_decimal(value)


def _render_as_is(value: Any, boleta: bool) -> SiiValue:
    return value


def _renderer_for(kind: type) -> Callable[[Any, bool], SiiValue]:
    """How values of exactly this type render: what ``_render``'s and ``_leaf``'s isinstance
    checks pick, in their order."""
    if issubclass(kind, BaseModel):
        return _render_model
    if issubclass(kind, list):
        return _render_list
    for base, renderer in _LEAF_RENDERERS:
        if issubclass(kind, base):
            return renderer
    return _render_as_is


_LEAF_RENDERERS: tuple[tuple[type, Callable[[Any, bool], SiiValue]], ...] = (
    (Rut, _render_text),
    (Enum, _render_enum),
    (date, _render_date),
    (Decimal, _render_decimal),
)


_RENDERERS: dict[type, Callable[[Any, bool], SiiValue]] = {}
"""Renderer by exact value type, filled as types are met (a handful: models, Decimal, date...)."""


class _Element(NamedTuple):
    """One element a section renders: the model attribute, the element name, MedioPago or not."""

    attribute: str
    name: str
    is_medio_pago: bool


def values_getter(attributes: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A function reading these keys of a dict as a tuple, in one C call (``itemgetter``)."""
    if len(attributes) == 1:
        (only,) = attributes
        return lambda values: (values[only],)
    if not attributes:
        return lambda values: ()
    return itemgetter(*attributes)


@cache
def _render_plan(
    model: type[BaseModel], boleta: bool
) -> tuple[tuple[_Element, ...], Callable[[Mapping[str, Any]], tuple[Any, ...]]]:
    """The elements ``model`` renders, in order, and a reader of their values; built once per
    model class and kind of document."""
    by_alias = {info.alias or name: name for name, info in model.model_fields.items()}
    if boleta and model in BOLETA_ELEMENTS:
        aliases: tuple[str, ...] = BOLETA_ELEMENTS[model]
    else:
        excluded = frozenset() if boleta else DTE_ONLY_BOLETA_ELEMENTS.get(model, frozenset())
        aliases = tuple(alias for alias in by_alias if alias not in excluded)
    elements = tuple(
        _Element(
            by_alias[alias],
            BOLETA_RENAMES.get(alias, alias) if boleta else alias,
            boleta and alias == "MedioPago",
        )
        for alias in aliases
    )
    return elements, values_getter(tuple(element.attribute for element in elements))


render_plan = _render_plan
"""The elements a model class renders (boleta or not), in order, and a reader of their values."""
render_value = _render


def _ascii_digits(text: str) -> bool:
    """Whether ``text`` is a boleta's MedioPago code written in digits, 0-9 only: ``int()``
    would read other scripts' digits as a code nobody wrote, and refuse superscripts."""
    return text.isascii() and text.isdigit()


def render_section(
    model: BaseModel, *, boleta: bool, overrides: Mapping[str, Any] | None = None
) -> dict[str, SiiValue]:
    """One section as an ordered dict of SII names (boleta names and subset when ``boleta``).

    ``overrides`` (attribute name -> value) render in place of the model's own values, which
    spares a ``model_copy`` when only a few computed amounts differ.
    """
    elements, read = _render_plan(type(model), boleta)
    values = model.__dict__
    present = read({**values, **overrides} if overrides else values)
    out: dict[str, SiiValue] = {}
    # compress() skips the None values in C: most optional elements are absent.
    present_elements = zip(elements, present, strict=True)
    for element, value in compress(present_elements, map(is_not, present, repeat(None))):
        kind = type(value)
        if kind is str or kind is int:  # the common leaves, as they are
            rendered = value
        elif isinstance(value, list):
            if not value:
                continue
            rendered = [_render(item, boleta) for item in value]
        else:
            rendered = _render(value, boleta)
        if element.is_medio_pago and isinstance(rendered, str) and _ascii_digits(rendered):
            rendered = int(rendered)
        out[element.name] = rendered
    return out

"""Typed filters for the issued/received document lists, checked locally.

OpenFactura silently ignores filter names it does not know and rejects operators it does not
know, so a typo would list everything. Here both are caught before any I/O::

    documents.list_issued(tipo_dte=33, fch_emis=between(date(2025, 1, 1), date(2025, 4, 11)))
    documents.list_received(rut_emisor=gte("76000000-0") & lt("77000000-9"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from haulmer._chile import chile_date
from haulmer._shown import shown
from haulmer.dte.catalogue import DTEType
from haulmer.errors import InvalidRutError, ValidationError
from haulmer.openfactura._checks import whole_number
from haulmer.rut import MAX_RUT_NUMBER, Rut

__all__ = [
    "ISSUED_FILTERS",
    "OPERATORS",
    "RECEIVED_FILTERS",
    "Condition",
    "DTETypeFilter",
    "DateFilter",
    "FilterValue",
    "RutFilter",
    "between",
    "build_filters",
    "eq",
    "gt",
    "gte",
    "lt",
    "lte",
    "ne",
]

Operator = Literal["eq", "ne", "lt", "lte", "gt", "gte"]
OPERATORS: frozenset[str] = frozenset({"eq", "ne", "lt", "lte", "gt", "gte"})
"""The comparison operators OpenFactura understands (there is no ``in``)."""

_Kind = Literal["dte_type", "date", "rut"]

ISSUED_FILTERS: dict[str, tuple[str, _Kind]] = {
    "tipo_dte": ("TipoDTE", "dte_type"),
    "fch_emis": ("FchEmis", "date"),
    "rut_recep": ("RUTRecep", "rut"),
}
"""Filters of ``POST /v2/dte/document/issued``: Python name -> (wire name, value kind)."""

RECEIVED_FILTERS: dict[str, tuple[str, _Kind]] = {
    "tipo_dte": ("TipoDTE", "dte_type"),
    "fch_emis": ("FchEmis", "date"),
    "rut_emisor": ("RUTEmisor", "rut"),
    "fch_recep_of": ("FchRecepOF", "date"),
    "fch_recep_sii": ("FchRecepSII", "date"),
}
"""Filters of ``POST /v2/dte/document/received``: Python name -> (wire name, value kind)."""


@dataclass(frozen=True)
class Condition:
    """One or more comparisons on a field, combined with ``&`` (``gte(a) & lte(b)``)."""

    terms: tuple[tuple[Operator, Any], ...]

    def __and__(self, other: Condition) -> Condition:
        if not isinstance(other, Condition):
            return NotImplemented
        return Condition(self.terms + other.terms)


FilterValue = Any
"""A Condition, a dict of operator -> value, or a plain value meaning ``eq``."""

DTETypeFilter = Condition | Mapping[str, Any] | DTEType | int | str
"""A DTE type filter: ``33``, ``"33"``, ``DTEType.FACTURA``, a Condition (``ne(39)``) or a dict
of operator -> type; never a list (OpenFactura has no ``in``)."""

DateFilter = Condition | Mapping[str, Any] | dt.date | str
"""A date filter: a ``datetime.date``, ``"YYYY-MM-DD"``, a Condition (``between(a, b)``) or a
dict of operator -> date."""

RutFilter = Condition | Mapping[str, Any] | Rut | int | str
"""A RUT filter: a ``Rut``, its text, its number, a Condition or a dict of operator -> RUT."""


def eq(value: Any) -> Condition:
    """Equal to ``value``."""
    return Condition((("eq", value),))


def ne(value: Any) -> Condition:
    """Different from ``value``."""
    return Condition((("ne", value),))


def lt(value: Any) -> Condition:
    """Less than ``value``."""
    return Condition((("lt", value),))


def lte(value: Any) -> Condition:
    """Less than or equal to ``value``."""
    return Condition((("lte", value),))


def gt(value: Any) -> Condition:
    """Greater than ``value``."""
    return Condition((("gt", value),))


def gte(value: Any) -> Condition:
    """Greater than or equal to ``value``."""
    return Condition((("gte", value),))


def between(low: Any, high: Any) -> Condition:
    """From ``low`` to ``high``, both included."""
    return Condition((("gte", low), ("lte", high)))


def _dte_type(name: str, value: Any) -> int:
    # Text is its ASCII digits only, as documents.status() reads a type: int() would also take
    # "3_3", "+33" and other scripts' digits ("٣٣").
    number = whole_number(value)
    if number is None and (isinstance(value, bool) or not isinstance(value, int | str)):
        raise ValidationError(
            f"filter {name}: a DTE type must be an int such as 33, got {shown(value)}"
        )
    if number is None or not 1 <= number <= 999:
        raise ValidationError(f"filter {name}: {shown(value)} is not a DTE type code")
    return number


def _known_dte_type(name: str, operator: str, code: int) -> None:
    """An equality on a type no DTE has would list nothing (or everything) without a word."""
    if code in _DTE_CODES:
        return
    known = ", ".join(f"{member.value} ({member.label})" for member in DTEType)
    outcome = (
        "the list would come back empty"
        if operator == "eq"
        else "ne would exclude nothing and list every type"
    )
    raise ValidationError(
        f"filter {name}: {code} is not an electronic document type, so {outcome}; the types "
        f"are {known}"
    )


_DTE_CODES = frozenset(member.value for member in DTEType)


def _date(name: str, value: Any) -> str:
    """The day in Chile (the SII dates documents by Chile's calendar, not UTC's), as text."""
    if isinstance(value, dt.date | str):
        try:
            return chile_date(value).isoformat()
        except ValueError:
            pass
    raise ValidationError(
        f"filter {name}: {shown(value)} is not a date; pass a datetime.date or 'YYYY-MM-DD'"
    )


def _rut(name: str, value: Any) -> int:
    """The RUT number the filter sends; an ``InvalidRutError``, as every RUT argument raises,
    for a value that is none."""
    if isinstance(value, bool):
        raise InvalidRutError(f"filter {name}: {shown(value)} is not a RUT")
    if isinstance(value, int):
        if not 1 <= value <= MAX_RUT_NUMBER:
            raise InvalidRutError(
                f"filter {name}: {shown(value)} is not a RUT number; it must be between 1 and "
                "99.999.999"
            )
        return value
    try:
        return Rut(value).number
    except InvalidRutError as exc:
        raise InvalidRutError(f"filter {name}: {exc}") from None


_CONVERTERS = {"dte_type": _dte_type, "date": _date, "rut": _rut}


def _terms(name: str, value: FilterValue) -> tuple[tuple[str, Any], ...]:
    if isinstance(value, Condition):
        return value.terms
    if isinstance(value, Mapping):
        return tuple(value.items())
    if isinstance(value, list | tuple | set | frozenset):
        raise ValidationError(
            f"filter {name}: OpenFactura has no 'in' operator and rejects lists; "
            "filter on one value, or a range with between(low, high)"
        )
    return (("eq", value),)


def build_filters(
    allowed: Mapping[str, tuple[str, _Kind]], values: Mapping[str, FilterValue | None]
) -> dict[str, dict[str, Any]]:
    """Check filters given by Python or wire name and render them as the request body expects."""
    by_wire = {wire: (py, kind) for py, (wire, kind) in allowed.items()}
    body: dict[str, dict[str, Any]] = {}
    for name, value in values.items():
        if value is None:
            continue
        if name in allowed:
            wire, kind = allowed[name]
        elif name in by_wire:
            wire, kind = name, by_wire[name][1]
        else:
            known = ", ".join(sorted(allowed))
            raise ValidationError(
                f"unknown filter {shown(name)}: OpenFactura would silently ignore it and list "
                f"everything; the filters here are {known}"
            )
        terms = _terms(name, value)
        if not terms:
            raise ValidationError(f"filter {name}: give at least one comparison")
        rendered: dict[str, Any] = dict(body.get(wire, {}))
        for operator, operand in terms:
            if operator not in OPERATORS:
                raise ValidationError(
                    f"filter {name}: unknown operator {shown(operator)}; use one of "
                    f"{', '.join(sorted(OPERATORS))}"
                )
            if operator in rendered:
                raise ValidationError(f"filter {name}: operator {shown(operator)} given twice")
            rendered[operator] = _CONVERTERS[kind](name, operand)
            if kind == "dte_type" and operator in ("eq", "ne"):
                _known_dte_type(name, operator, rendered[operator])
        _check_not_empty(name, kind, rendered)
        if kind == "dte_type":
            _check_some_type_meets(name, rendered)
        body[wire] = rendered
    return body


def _check_not_empty(name: str, kind: _Kind, rendered: Mapping[str, Any]) -> None:
    """Comparisons no value meets (``between(high, low)``, dates swapped) would list nothing,
    which reads as "no documents": refused, saying which bounds cross."""
    lows: list[tuple[int, str]] = []
    highs: list[tuple[int, str]] = []
    for operator, value in rendered.items():
        point = _point(kind, value)
        if operator in ("eq", "gte", "gt"):
            lows.append((point + (operator == "gt"), operator))
        if operator in ("eq", "lte", "lt"):
            highs.append((point - (operator == "lt"), operator))
    if not (lows and highs):
        return
    low, low_operator = max(lows)
    high, high_operator = min(highs)
    what = {"date": "date", "rut": "RUT", "dte_type": "DTE type"}[kind]
    if low > high:
        raise ValidationError(
            f"filter {name}: no {what} is {low_operator} {rendered[low_operator]} and "
            f"{high_operator} {rendered[high_operator]}, so the list would come back empty; "
            "between(low, high) takes the lower bound first"
        )
    excluded = rendered.get("ne")
    if low == high and excluded is not None and _point(kind, excluded) == low:
        raise ValidationError(
            f"filter {name}: the only {what} that is {low_operator} "
            f"{rendered[low_operator]} and {high_operator} {rendered[high_operator]} is "
            f"ne {excluded}, so the list would come back empty"
        )


_COMPARES: dict[str, Callable[[int, int], bool]] = {
    "eq": lambda have, wanted: have == wanted,
    "ne": lambda have, wanted: have != wanted,
    "lt": lambda have, wanted: have < wanted,
    "lte": lambda have, wanted: have <= wanted,
    "gt": lambda have, wanted: have > wanted,
    "gte": lambda have, wanted: have >= wanted,
}


def _check_some_type_meets(name: str, rendered: Mapping[str, Any]) -> None:
    """A range of codes holding no DTE type (``lt(33)``, ``between(35, 38)``, ``gt(112)``)
    would list nothing, which reads as "no documents": refused, naming the types."""
    if any(
        all(_COMPARES[operator](code, value) for operator, value in rendered.items())
        for code in _DTE_CODES
    ):
        return
    asked = " and ".join(f"{operator} {value}" for operator, value in rendered.items())
    known = ", ".join(f"{member.value} ({member.label})" for member in DTEType)
    raise ValidationError(
        f"filter {name}: no electronic document type is {asked}, so the list would come back "
        f"empty; the types are {known}"
    )


def _point(kind: _Kind, value: Any) -> int:
    """A rendered filter value as a number that orders as the value does."""
    return dt.date.fromisoformat(value).toordinal() if kind == "date" else int(value)

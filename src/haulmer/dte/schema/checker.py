"""One facet checker: a document's models against one root of the SII schema, as data.

Walks the models with the ``Element`` tree of the document's root (``facts``) and words every
mistake one way: the SII path, the value, and what the schema allows. Elements the root lacks,
lengths, digits, decimals, bounds and enumerations are checked here; what needs more than one
field (required data, totals, references) is the rules' job (``haulmer.dte.rules``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from itertools import compress, repeat
from operator import is_not, itemgetter
from typing import Any, Final, NamedTuple

from pydantic import BaseModel

from haulmer._dte_text import NOT_IN_A_DTE, uncarried_text
from haulmer._shown import about_digits
from haulmer.dte.schema.elements import Element
from haulmer.dte.schema.facts import BOLETA, DOCUMENTO, EXPORTACIONES, LIQUIDACION
from haulmer.errors import ErrorDetail

__all__ = [
    "BOLETA_RENAMES",
    "BOLETA_ROOT",
    "COUNTED_BY_RULES",
    "DOCUMENTO_ROOT",
    "EXPORTACIONES_ROOT",
    "LIQUIDACION_ROOT",
    "ROOTS",
    "FieldCheck",
    "SchemaRoot",
    "decimal_issue",
    "field_checks",
    "leaf_issue",
    "schema_problems",
]

BOLETA_RENAMES: Mapping[str, str] = {
    "RznSoc": "RznSocEmisor",
    "GiroEmis": "GiroEmisor",
    "MontoPeriodo": "TotalPeriodo",
}
"""Model alias -> the boleta's element name (EnvioBOLETA_v11 names three elements its own way)."""


COUNTED_BY_RULES: Final = frozenset(
    {
        "Acteco",
        "CdgItem",
        "CodImpAdic",
        "Comisiones",
        "Detalle",
        "DscRcgGlobal",
        "LineasDeta",
        "Referencia",
        "SubDscto",
        "SubRecargo",
        "SubTotInfo",
        "Subcantidad",
        "Telefono",
    }
)
"""Repeated elements whose count the rules judge, in their own words (a boleta's 1000 lines,
keep two phone numbers...); the checker bounds every other one by the schema's maxOccurs."""


class SchemaRoot(NamedTuple):
    """One root of the SII schema: its element tree, its names, and how messages call it."""

    name: str
    element: Element
    renames: Mapping[str, str]
    what: str
    """The root in a message: ``a boleta (EnvioBOLETA_v11)``."""
    owners: str
    """Who has this root's elements, in a message: ``exports (110, 111, 112)``."""


DOCUMENTO_ROOT = SchemaRoot(
    "Documento",
    DOCUMENTO,
    {},
    "a Documento (33, 34, 46, 52, 56, 61)",
    "facturas, guías and notas (Documento)",
)
BOLETA_ROOT = SchemaRoot(
    "Boleta", BOLETA, BOLETA_RENAMES, "a boleta (EnvioBOLETA_v11)", "boletas (39, 41)"
)
EXPORTACIONES_ROOT = SchemaRoot(
    "Exportaciones", EXPORTACIONES, {}, "Exportaciones", "exports (110, 111, 112)"
)
LIQUIDACION_ROOT = SchemaRoot(
    "Liquidacion", LIQUIDACION, {}, "Liquidacion", "a liquidación-factura (43)"
)
ROOTS: tuple[SchemaRoot, ...] = (DOCUMENTO_ROOT, BOLETA_ROOT, EXPORTACIONES_ROOT, LIQUIDACION_ROOT)


_POWERS = tuple(Decimal(10**n) for n in range(40))
"""10**n as Decimals, of ints: no arithmetic at import, in the importer's decimal context."""


def decimal_issue(value: Decimal, integer_digits: int, fraction_digits: int) -> str | None:
    """What is wrong with a number against (integer digits, fraction digits), or None."""
    if not value.is_finite():
        return f"{value} is not a number"
    # Whole numbers (most prices and quantities) have no decimals to count; a value already
    # within the fraction digits stays within them when normalized.
    if value != value.to_integral_value():
        exponent = value.as_tuple().exponent
        if not (isinstance(exponent, int) and exponent >= -fraction_digits):
            exponent = value.normalize().as_tuple().exponent
            if isinstance(exponent, int) and -exponent > fraction_digits:
                if not fraction_digits:
                    return (
                        f"{value} is not a whole number of pesos (decimals are for the "
                        "currencies of exports); round it"
                    )
                return f"{value} has more than {fraction_digits} decimals; round it"
    if abs(value) >= _POWERS[integer_digits]:
        return (
            f"{value} has more than {integer_digits} integer digits; the SII allows at most "
            f"{integer_digits}: check the value"
        )
    return None


class _Facets(NamedTuple):
    """An element's facets in the form the checks use, prepared once."""

    kind: str
    max_length: int | None
    min_length: int | None
    digits: tuple[int, int] | None
    """(integer digits, fraction digits) of numbers."""
    minimum: Decimal | date | None
    maximum: Decimal | date | None
    choices: frozenset[str] | None
    shown_choices: str
    zero_allowed: bool
    """Folio 0 stands for "OpenFactura assigns it" until a folio is stamped."""


class FieldCheck(NamedTuple):
    """One model field against its element on one root: why the root refuses it, or its facets
    and the ranges of the usual values, which need no closer look."""

    attribute: str
    shown: str
    refusal: str | None
    element: Element | None
    facets: _Facets | None
    plain_text: int | None
    """For text without other facets: its maximum length (-1: any), checked inline."""
    int_range: tuple[int, int] | None
    """For integers without an enumeration: the values that need no closer look, [low, high)."""
    whole_range: tuple[Decimal, Decimal] | None
    """For numbers without an enumeration: the whole numbers that need no closer look,
    [low, high]."""
    int_choices: frozenset[int] | None
    """For integers with an enumeration: the enumerated values that break no facet (a code or
    an IntEnum member among them needs no closer look)."""
    date_range: tuple[date, date] | None
    """For dates: the dates that need no closer look, [low, high]."""


def _bound(text: str | None, kind: str) -> Decimal | date | None:
    if text is None:
        return None
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "datetime":  # a date and time of the SII's FechaHoraType, compared as such
        return datetime.fromisoformat(text)
    if kind in ("integer", "decimal"):
        return Decimal(text)
    return None


def _facets(element: Element) -> _Facets:
    digits = None
    if element.kind in ("integer", "decimal"):
        fraction = element.fraction_digits or 0
        total = element.total_digits if element.total_digits is not None else 18 + fraction
        digits = (total - fraction, fraction)
    choices = frozenset(element.enumeration) if element.enumeration is not None else None
    return _Facets(
        kind=element.kind,
        max_length=element.max_length,
        min_length=element.min_length,
        digits=digits,
        minimum=_bound(element.minimum, element.kind),
        maximum=_bound(element.maximum, element.kind),
        choices=choices,
        shown_choices=", ".join(sorted(choices)) if choices is not None else "",
        zero_allowed=element.name == "Folio",
    )


_PLANS: dict[
    tuple[type[BaseModel], int, str], tuple[tuple[FieldCheck, ...], Callable[..., Any]]
] = {}


def _owners(path: tuple[str, ...], name: str, root: SchemaRoot) -> list[SchemaRoot]:
    """The other roots that have element ``name`` under ``path`` (element names from the root)."""
    found = []
    for other in ROOTS:
        if other is root:
            continue
        section: Element | None = other.element
        for step in path:
            section = section.child(other.renames.get(step, step)) if section else None
        if section is not None and section.child(other.renames.get(name, name)) is not None:
            found.append(other)
    return found


def _refusal(path: tuple[str, ...], alias: str, shown: str, root: SchemaRoot) -> str:
    owners = _owners(path, alias, root)
    if not owners:
        return f"{root.what} has no such element; remove it"
    names = " and ".join(owner.owners for owner in owners)
    verb = "has" if len(owners) == 1 and owners[0] is LIQUIDACION_ROOT else "have"
    return f"{root.what} has no such element (only {names} {verb} {shown}); remove it"


def _plan(
    model: type[BaseModel], section: Element, path: tuple[str, ...], root: SchemaRoot
) -> tuple[tuple[FieldCheck, ...], Callable[..., Any]]:
    key = (model, id(section), root.name)
    found = _PLANS.get(key)
    if found is not None:
        return found
    fields = []
    for attribute, info in model.model_fields.items():
        alias = info.alias or attribute
        shown = root.renames.get(alias, alias)
        element = section.child(shown)
        refusal = _refusal(path, alias, shown, root) if element is None else None
        facets = _facets(element) if element is not None and element.kind != "section" else None
        plain_text = None
        if (
            facets is not None
            and facets.kind == "text"
            and facets.choices is None
            and (facets.min_length is None or facets.min_length <= 1)
        ):
            plain_text = facets.max_length if facets.max_length is not None else -1
        fields.append(
            FieldCheck(
                attribute,
                shown,
                refusal,
                element,
                facets,
                plain_text,
                _int_range(facets),
                _whole_range(facets),
                _int_choices(facets),
                _date_range(facets),
            )
        )
    _PLANS[key] = plan = (tuple(fields), _reader(tuple(field.attribute for field in fields)))
    return plan


def _int_range(facets: _Facets | None) -> tuple[int, int] | None:
    """Integers in [low, high) break none of these facets; None when an enumeration decides."""
    if facets is None or facets.digits is None or facets.choices is not None:
        return None
    bound = 10 ** sum(facets.digits)
    low, high = -bound + 1, bound
    if isinstance(facets.minimum, Decimal):
        low = max(low, math.ceil(facets.minimum))
        if facets.zero_allowed:
            low = min(low, 0)
    if isinstance(facets.maximum, Decimal):
        high = min(high, math.floor(facets.maximum) + 1)
    return low, high


def _int_choices(facets: _Facets | None) -> frozenset[int] | None:
    """The integers of an enumeration that break no other facet; None without one."""
    if facets is None or facets.kind != "integer" or facets.choices is None:
        return None
    return frozenset(
        int(choice)
        for choice in facets.choices
        if choice.isascii()
        and choice.isdigit()
        and str(int(choice)) == choice
        and _number_issue(int(choice), facets) is None
    )


def _date_range(facets: _Facets | None) -> tuple[date, date] | None:
    """The dates that break none of these facets, [low, high]; None for other kinds."""
    if facets is None or facets.kind != "date" or facets.choices is not None:
        return None
    low = facets.minimum if isinstance(facets.minimum, date) else date.min
    high = facets.maximum if isinstance(facets.maximum, date) else date.max
    return low, high


def _whole_range(facets: _Facets | None) -> tuple[Decimal, Decimal] | None:
    """Whole numbers in [low, high] break none of these facets; None when an enumeration
    decides."""
    if facets is None or facets.digits is None or facets.choices is not None:
        return None
    largest = Decimal(10 ** facets.digits[0] - 1)  # of an int: exact in any context
    low = facets.minimum if isinstance(facets.minimum, Decimal) else -largest
    high = facets.maximum if isinstance(facets.maximum, Decimal) else largest
    return max(low, -largest), min(high, largest)


def field_checks(
    model: type[BaseModel], section: Element, names: tuple[str, ...], root: SchemaRoot
) -> tuple[FieldCheck, ...]:
    """The checks of ``model``'s fields, in field order, against ``section``: the element of
    ``root`` at ``names`` (element names from the root), which the refusals name."""
    return _plan(model, section, names, root)[0]


def _reader(attributes: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """Reads these keys of a model's ``__dict__`` as a tuple, in one C call."""
    if len(attributes) == 1:
        (only,) = attributes
        return lambda values: (values[only],)
    return itemgetter(*attributes)


def schema_problems(
    model: BaseModel, root: SchemaRoot, *, path: str = "", section: Element | None = None
) -> list[ErrorDetail]:
    """Every facet ``model`` breaks on ``root`` (the whole document when ``section`` is None),
    and every text a DTE cannot carry (``NOT_IN_A_DTE``).

    The usual texts are judged for that together, in one pass over them all; only when one
    of them holds such a character is the model walked again, judging each text alone, to
    name its field."""
    problems: list[ErrorDetail] = []
    texts: list[str] = []
    _walk(model, section or root.element, (), path, root, problems, texts)
    if texts and not _carried(texts):
        problems = []
        _walk(model, section or root.element, (), path, root, problems, None)
    return problems


def _carried(texts: list[str]) -> bool:
    """Whether a DTE can carry every one of ``texts``: in Latin-1, without control characters
    (two C loops over their bytes, not a pattern over each text)."""
    try:
        data = "".join(texts).encode("latin-1")
    except UnicodeEncodeError:
        return False
    return len(data.translate(None, _XML_CONTROLS)) == len(data)


def _walk(
    model: BaseModel,
    section: Element,
    names: tuple[str, ...],
    path: str,
    root: SchemaRoot,
    problems: list[ErrorDetail],
    texts: list[str] | None,
) -> None:
    """Each value of ``model`` judged against its element; the usual texts go to ``texts``,
    judged together afterwards, or one by one when ``texts`` is None."""
    fields, read = _plan(type(model), section, names, root)
    values = read(model.__dict__)
    # compress() skips the None values in C: most optional elements are absent.
    present = map(is_not, values, repeat(None))
    for field, value in compress(zip(fields, values, strict=True), present):
        kind = type(value)
        if kind is str:
            plain = field.plain_text
            if plain is not None and (plain < 0 or len(value) <= plain):
                if texts is not None:
                    texts.append(value)
                    continue  # the usual text, checked inline (its characters afterwards)
                if _UNCARRIED(value) is None:
                    continue
        elif kind is int:
            bounds = field.int_range
            if bounds is not None and bounds[0] <= value < bounds[1]:
                continue  # the usual number, checked inline
        elif kind is Decimal:
            whole = field.whole_range
            if (
                whole is not None
                and value == value.to_integral_value()
                and whole[0] <= value <= whole[1]
            ):
                continue  # the usual quantity or price, checked inline
        elif kind is list:
            if not value:
                continue
            where = f"{path}.{field.shown}" if path else field.shown
            if field.refusal is not None:
                problems.append(ErrorDetail(where, field.refusal))
                continue
            element = field.element
            most = element.max_occurs if element is not None else None
            if most is not None and len(value) > most and field.shown not in COUNTED_BY_RULES:
                problems.append(
                    ErrorDetail(where, f"{len(value)} given; the SII allows at most {most}")
                )
            if element is not None and element.kind == "section":  # lines, references...
                inner = (*names, field.shown)
                for index, item in enumerate(value):
                    _walk(item, element, inner, f"{where}[{index + 1}]", root, problems, texts)
                continue
            for index, item in enumerate(value):
                _value(item, field, names, f"{where}[{index + 1}]", root, problems, texts)
            continue
        where = f"{path}.{field.shown}" if path else field.shown
        if field.refusal is not None:
            problems.append(ErrorDetail(where, field.refusal))
            continue
        _value(value, field, names, where, root, problems, texts)


def _value(
    value: Any,
    field: FieldCheck,
    names: tuple[str, ...],
    where: str,
    root: SchemaRoot,
    problems: list[ErrorDetail],
    texts: list[str] | None,
) -> None:
    if isinstance(value, BaseModel):
        if field.element is not None and field.element.kind == "section":
            _walk(value, field.element, (*names, field.shown), where, root, problems, texts)
        return
    issue = leaf_issue(value, field)
    if issue is not None:
        problems.append(ErrorDetail(where, issue))


def leaf_issue(value: Any, field: FieldCheck) -> str | None:
    """What the schema refuses about one present value of ``field`` that is no section (the
    element itself, or a facet), or None: the checker's judgement of a single value."""
    if field.refusal is not None:
        return field.refusal
    facets = field.facets
    if facets is None:
        return None
    return _issue(value.value if isinstance(value, Enum) else value, field, facets)


def _issue(value: Any, field: FieldCheck, facets: _Facets) -> str | None:
    """What is wrong with one value against its element's facets, or None."""
    if facets.choices is not None:
        text = shown_int(value) if type(value) is int else str(value)
        if text not in facets.choices:
            shown = text if type(value) is int else repr(value)
            return f"{shown} is not one of {facets.shown_choices}"
    if isinstance(value, str):
        return _text_issue(value, field, facets)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return _number_issue(value, facets)
    if isinstance(value, date):
        low, high = facets.minimum, facets.maximum
        if not (isinstance(low, date) and isinstance(high, date)):
            return None
        if isinstance(value, datetime) != isinstance(low, datetime):  # no order between them
            return None
        if not low <= value <= high:
            return f"must be between {low.isoformat()} and {high.isoformat()}"
    return None


_UNCARRIED: Final = NOT_IN_A_DTE.search
"""A character of a text a DTE cannot carry, if any (a text judged alone)."""
_XML_CONTROLS: Final = bytes(
    byte for byte in (*range(0x20), *range(0x7F, 0xA0)) if byte not in b"\t\n\r"
)
"""The control characters a DTE cannot carry, as Latin-1 bytes (those XML refuses, DEL and
the C1 controls): what ``NOT_IN_A_DTE`` finds in text that Latin-1 can write."""

_IDENTIFIERS = frozenset(
    {
        "AsntoUbicEvento", "AvisoEjecucionFaena", "Booking", "CdgEvento", "CdgIntRecep",
        "CdgVendedor", "CodAdicSucur", "CodCaja", "CodPlanConaf", "CodVndor", "CorreoEmisor",
        "CorreoRecep", "EmisorSello", "FilaUbicEvento", "FolioRef", "IdContainer", "Moneda",
        "NumCtaPago", "NumId", "Patente", "PatenteCarro", "Sello", "SubCod", "Telefono",
        "TelefonoRecep", "TermPagoCdg", "TipCodSubQty", "TpoCodigo", "TpoDocRef", "UnmdItem",
        "UnmdRef", "VlrCodigo",
    }
)  # fmt: skip
"""Text elements that name or identify something (a code, a currency, a folio, a plate, a
seat, an address): cut, they would name something else, so a long one is not told to be cut."""


def _text_issue(value: str, field: FieldCheck, facets: _Facets) -> str | None:
    uncarried = uncarried_text(value, field.shown)
    if uncarried is not None:
        return uncarried
    length = len(value)
    limit = facets.max_length
    if limit is not None and length > limit:
        if field.element is not None and field.element.name in _IDENTIFIERS:
            return (
                f"is {length} characters long; the SII allows at most {limit}: it is a code or "
                f"an identifier, which cutting would change, so use one of at most {limit} "
                "characters"
            )
        return (
            f"is {length} characters long; the SII allows at most {limit}: "
            f"cut it to {limit} characters (e.g. {field.attribute}[:{limit}])"
        )
    if facets.min_length is not None and 0 < length < facets.min_length:
        return f"is {length} characters long; the SII needs at least {facets.min_length}"
    return None


def _number_issue(value: int | Decimal, facets: _Facets) -> str | None:
    if facets.digits is None:
        return None
    integer_digits, fraction_digits = facets.digits
    if isinstance(value, int):
        total = integer_digits + fraction_digits
        if abs(value) >= 10**total:  # no str(): a huge int has no decimal text in Python
            shown = shown_int(value)
            return f"{shown} has more than {total} digits; the SII allows at most {total}"
        number = Decimal(value)
    else:
        issue = decimal_issue(value, integer_digits, fraction_digits)
        if issue is not None:
            return issue
        number = value
    low, high = facets.minimum, facets.maximum
    if isinstance(low, Decimal) and number < low and not (number == 0 and facets.zero_allowed):
        return f"{value} is below the SII's minimum of {low}"
    if isinstance(high, Decimal) and number > high:
        return f"{value} is above the SII's maximum of {high}"
    return None


def shown_int(value: int | Decimal) -> str:
    """A number as a message shows it; an integer too long for Python's int-to-text limit is
    named by its size instead."""
    if type(value) is not int:
        return str(value)
    if value.bit_length() > 4000:  # about 1,200 digits: far past any SII element
        return f"a number of {about_digits(value)}"
    return str(value)

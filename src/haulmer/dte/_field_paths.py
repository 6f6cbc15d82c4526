"""pydantic error locations as SII paths: ``("Detalle", 0, "precio")`` -> ``Detalle[1].PrcItem``.

Users may spell a field by its Python name or its SII name; the error names it the SII's way
either way, without pydantic's prefixes, and an unknown key gets the closest field names.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from decimal import Decimal
from functools import cache
from typing import Any, Final, NamedTuple, Union

import pydantic
from pydantic import AliasChoices, BaseModel

from haulmer._shown import about_digits, shown
from haulmer.dte.models import (
    NUMBER_LIMIT,
    WHOLE_LIMIT,
    Comision,
    Detalle,
    DscRcgGlobal,
    Encabezado,
    Referencia,
)
from haulmer.dte.schema.facts import BOLETA, DOCUMENTO, EXPORTACIONES, LIQUIDACION
from haulmer.errors import ErrorDetail

ROOT_ELEMENTS: Final = (DOCUMENTO, BOLETA, EXPORTACIONES, LIQUIDACION)

__all__ = ["validation_details"]

_PREFIXES = ("Value error, ", "Assertion failed, ")
_UNKNOWN: Any = object()
"""The type under a key no model declares (or of a model not known here)."""


class _Field(NamedTuple):
    name: str
    sii: str
    inner: Any
    """The field's type without Optional: a model class, ``list[...]`` or a plain type."""


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


@cache
def _fields(model: type[BaseModel]) -> dict[str, _Field]:
    """Every key ``model`` accepts (Python name, SII name, other spellings) -> its field."""
    keys: dict[str, _Field] = {}
    for name, info in model.model_fields.items():
        field = _Field(name, info.alias or name, _strip_optional(info.annotation))
        spellings = {name, field.sii}
        if isinstance(info.validation_alias, AliasChoices):
            spellings.update(c for c in info.validation_alias.choices if isinstance(c, str))
        elif isinstance(info.validation_alias, str):
            spellings.add(info.validation_alias)
        for key in spellings:
            keys[key] = field
    return keys


@cache
def _models_by_name() -> dict[str, type[BaseModel]]:
    """Every section model a document holds, by class name (the document itself comes as
    ``validation_details``'s ``root``)."""
    found: dict[str, type[BaseModel]] = {}
    pending: list[type[BaseModel]] = [Encabezado, Detalle, DscRcgGlobal, Referencia, Comision]
    while pending:
        model = pending.pop()
        if model.__name__ in found:
            continue
        found[model.__name__] = model
        for field in _fields(model).values():
            inner = field.inner
            if typing.get_origin(inner) is list:
                inner = typing.get_args(inner)[0]
            if _is_model(inner):
                pending.append(inner)
    return found


class _Located(NamedTuple):
    path: str
    parent: type[BaseModel] | None
    """The model whose key is unknown, for an ``extra_forbidden`` error."""
    key: str | None
    field: _Field | None
    """The last field resolved (the required one, for ``missing``)."""


def _locate(loc: tuple[int | str, ...], model: type[BaseModel] | None, prefix: str) -> _Located:
    path = prefix
    current: Any = model if model is not None else _UNKNOWN
    parent: type[BaseModel] | None = None
    field: _Field | None = None
    key: str | None = None
    for part in loc:
        if isinstance(part, int):
            path += f"[{part + 1}]"
            if typing.get_origin(current) is list:
                current = typing.get_args(current)[0]
            continue
        if current is _UNKNOWN:  # no model to translate by: the location as pydantic gives it
            path = f"{path}.{part}" if path else part
            continue
        if not _is_model(current):
            continue  # a union member's tag (``str``, ``int-enum[CodRef]``): not a field
        parent, key = current, part
        field = _fields(current).get(part)
        name = field.sii if field is not None else part
        path = f"{path}.{name}" if path else name
        current = field.inner if field is not None else _UNKNOWN
    return _Located(path, parent, key, field)


def _suggestion(model: type[BaseModel], key: str) -> tuple[str, _Field | None]:
    """``did you mean ...`` for an unknown ``key`` of ``model``, and the field it points to."""
    fields = _fields(model)
    twin = fields.get(key)
    if twin is not None:  # a field's name and its SII name both given: pydantic takes one
        other = twin.sii if key != twin.sii else twin.name
        return f"given twice, as {shown(key)} and as {shown(other)}; give it once", twin
    matches = difflib.get_close_matches(key, list(fields), n=3, cutoff=0.6)
    if not matches:
        return (
            f"unknown field {shown(key)}: {model.__name__} has no such field "
            f"(see haulmer.dte.{model.__name__})",
            None,
        )
    suggested: list[str] = []
    seen: set[str] = set()
    for match in matches:
        field = fields[match]
        if field.name in seen:
            continue
        seen.add(field.name)
        other = field.sii if match != field.sii else field.name
        suggested.append(f"{match!r} ({other})" if other != match else repr(match))
    return (
        f"unknown field {shown(key)}; did you mean {' or '.join(suggested)}?",
        fields[matches[0]],
    )


@cache
def _schema_paths() -> frozenset[str]:
    """Every element path of the SII's schemas (``Encabezado.Emisor.CodAdicSucur``), of any
    root (Documento, the boleta's, Exportaciones, Liquidacion), without list indices."""
    paths: set[str] = set()
    pending = [("", child) for root in ROOT_ELEMENTS for child in root.children]
    while pending:
        parent, element = pending.pop()
        path = f"{parent}.{element.name}" if parent else element.name
        paths.add(path)
        pending.extend((path, child) for child in element.children)
    return frozenset(paths)


def _element_issue(path: str, key: str, suggestion: str) -> str:
    """The issue of an unknown key of a document read from XML or an SII dict at ``path``."""
    if re.sub(r"\[\d+\]", "", path) in _schema_paths():
        return (
            f"{shown(key)} is an element of the SII's schema that haulmer does not read; the "
            "document is refused rather than read without it"
        )
    hint = suggestion.partition("; ")[2]
    return (
        f"{shown(key)} is no element of the SII's schema here: the document does not follow "
        f"the SII's schema (DTE_v10.xsd, EnvioBOLETA_v11.xsd)" + (f"; {hint}" if hint else "")
    )


def _past_any_sii_number(error: Any) -> bool:
    """Whether pydantic refused a number for the models' bound on size (``WHOLE_LIMIT``,
    ``NUMBER_LIMIT``), past anything the SII takes."""
    if error["type"] not in ("less_than", "greater_than"):
        return False
    context = error.get("ctx") or {}
    bound = context.get("lt", context.get("gt"))
    return isinstance(bound, int | Decimal) and abs(bound) in (WHOLE_LIMIT, NUMBER_LIMIT)


def _shown_size(value: Any) -> str:
    """A number as a message can show it: by its size when it is long (an int of more than
    4,300 digits cannot even be written as text)."""
    if type(value) is int and value.bit_length() > 100:
        return f"a number of {about_digits(value)}"
    text = str(value).strip()
    return repr(text) if len(text) <= 24 else f"a number written in {len(text)} characters"


_REQUIRED_HINTS: Final = {
    "RUTRecep": (
        " (a boleta's buyer without a RUT is the SII's generic receptor 66666666-6; an "
        "export's foreign buyer is 55555555-5)"
    ),
}
"""What a missing field's message adds where the SII names a value for the case."""


def _issue(message: str) -> str:
    for prefix in _PREFIXES:
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def validation_details(
    exc: pydantic.ValidationError,
    *,
    prefix: str = "",
    root: type[BaseModel] | None = None,
    reading: bool = False,
) -> list[ErrorDetail]:
    """One ErrorDetail per distinct bad field of ``exc``, each named by its SII path.

    ``root`` is the model validated when it is not a section model (the ``Document``);
    ``reading`` when it was read (XML, an SII dict): an unknown key is an element out of the
    SII's schema, or one the models do not carry, and is worded so.

    A required field reported missing next to an unknown key that looks like it (``nombr``
    for ``nombre``) is left out: the suggestion for the key says it all.
    """
    if not isinstance(exc, pydantic.ValidationError):
        raise TypeError(f"expected a pydantic.ValidationError, got {type(exc).__name__}")
    model = root if root is not None and exc.title == root.__name__ else None
    model = model or _models_by_name().get(exc.title)
    found: list[tuple[ErrorDetail, tuple[str, str] | None]] = []
    explained: set[tuple[str, str]] = set()
    for error in exc.errors():
        located = _locate(tuple(error["loc"]), model, prefix)
        parent_path = located.path.rpartition(".")[0]
        meant_for: tuple[str, str] | None = None
        if error["type"] == "extra_forbidden" and located.parent is not None and located.key:
            issue, meant = _suggestion(located.parent, located.key)
            if meant is not None:
                explained.add((parent_path, meant.name))
            if reading:
                issue = _element_issue(located.path, located.key, issue)
        elif error["type"] == "missing" and located.field is not None:
            issue = "required" + _REQUIRED_HINTS.get(located.field.sii, "")
            meant_for = (parent_path, located.field.name)
        elif _past_any_sii_number(error):
            shown = _shown_size(error["input"])
            issue = f"{shown} is larger than any SII number (they have 18 digits at most)"
        else:
            issue = _issue(error["msg"])
        found.append((ErrorDetail(located.path, issue), meant_for))
    details: list[ErrorDetail] = []
    seen: set[str] = set()
    for detail, meant_for in found:
        if meant_for in explained or detail.field in seen:
            continue  # explained by a misspelt key, or another union member on the same value
        seen.add(detail.field)
        details.append(detail)
    return details

"""The pydantic base of every DTE section: SII names as aliases, strict by default, lenient on ask.

Built by hand (``Emisor(rut=..., razon_social=...)``) a model forbids unknown names, so typos
fail loudly. Text is trimmed of leading and trailing blanks and a blank optional text is no
value, however the model is made, as the XML reading and the timbre see it. Read from XML or
OpenFactura JSON (``context={"lenient": True}``) it accepts a single item where the SII allows
many and reads RUTs without checking their check digit, because real documents carry both.
OpenFactura's JSON may carry keys of its own (``custom``), which are left out; read from SII XML
(``XML_CONTEXT``), or from a dict to be sent (``NAMED_CONTEXT``), only the timbre and the
signature are left out (no content), and any other element the model does not carry is refused,
as built models refuse it, rather than dropped.
"""

from __future__ import annotations

import types
import typing
from functools import cache, lru_cache
from typing import Any, ClassVar, Union

from pydantic import AliasChoices, BaseModel, ConfigDict, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from haulmer.rut import Rut

__all__ = [
    "CLEAN_CONTEXT",
    "NAMED_CONTEXT",
    "NO_CONTENT",
    "XML_CONTEXT",
    "SiiModel",
    "lenient_context",
    "reads_xml",
    "sii_names",
]

_LENIENT = "lenient"


def lenient_context() -> dict[str, bool]:
    """The validation context that turns on lenient reading (parser, OpenFactura responses)."""
    return {_LENIENT: True}


NO_CONTENT: frozenset[str] = frozenset({"TED", "TmstFirma", "Signature"})
"""Elements a document read leniently may hold that are no content (the timbre, the signature):
left out, never refused."""

_CLEAN = "clean"
CLEAN_CONTEXT: dict[str, bool] = {_CLEAN: True}
"""The validation context of input a reader already made clean (text trimmed, no blank text):
the models take it as it is, without looking for blank text again."""


_REFUSE_UNKNOWN = "refuse_unknown"

XML_CONTEXT: dict[str, bool] = {_LENIENT: True, "xml": True, _REFUSE_UNKNOWN: True}
"""The lenient context of a dict read from SII XML (``haulmer.sii.parse``'s general reading)."""

NAMED_CONTEXT: dict[str, bool] = {_LENIENT: True, _REFUSE_UNKNOWN: True}
"""The lenient context of a dict written to be sent (an emission's ``dte``): a key that is no
element of its section (``RznSocc``) is refused by name, never dropped from the document."""


def reads_xml(context: Any) -> bool:
    """Whether a validation ``context`` is the XML reader's (its dict, or its clean input): its
    numbers are text as the SII's schema writes them, not JSON's or Python's."""
    return context is CLEAN_CONTEXT or context is XML_CONTEXT


class _FieldShape(typing.NamedTuple):
    name: str
    is_list: bool
    is_rut: bool
    is_required: bool
    is_text: bool


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


@cache
def _shapes(model: type[BaseModel]) -> dict[str, _FieldShape]:
    """Every accepted input key of ``model`` (name, alias, alias choices) -> its field shape."""
    shapes: dict[str, _FieldShape] = {}
    for name, info in model.model_fields.items():
        annotation = _strip_optional(info.annotation)
        shape = _FieldShape(
            name=name,
            is_list=typing.get_origin(annotation) is list,
            is_rut=annotation is Rut,
            is_required=info.is_required(),
            is_text=annotation is str,
        )
        keys = {name}
        if info.alias:
            keys.add(info.alias)
        if isinstance(info.validation_alias, str):
            keys.add(info.validation_alias)
        elif isinstance(info.validation_alias, AliasChoices):
            keys.update(c for c in info.validation_alias.choices if isinstance(c, str))
        for key in keys:
            shapes[key] = shape
    return shapes


def _lenient_rut(text: str) -> Rut:
    """``Rut.parse(text, validate_dv=False)``, remembered: a sender's documents carry the same
    few RUTs (a ``Rut`` is immutable, and a text that is no RUT raises every time). Texts longer
    than any RUT are parsed without being kept."""
    if len(text) > _REMEMBERED_RUT_LENGTH:
        return Rut.parse(text, validate_dv=False)
    return _remembered_rut(text)


@lru_cache(maxsize=1024)
def _remembered_rut(text: str) -> Rut:
    return Rut.parse(text, validate_dv=False)


_REMEMBERED_RUT_LENGTH = 24


class SiiModel(BaseModel):
    """Base of the document sections: SII element names are the aliases."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        populate_by_name=True,
        extra="forbid",
        coerce_numbers_to_str=True,
        str_strip_whitespace=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _read_leniently(cls, data: Any, info: ValidationInfo) -> Any:
        """Blank optional text is no value; read from XML or JSON, the lenient cleaning too."""
        context = info.context
        if context is CLEAN_CONTEXT or not isinstance(data, dict):
            return data  # (clean input first: a reader's, many models a document)
        if not (isinstance(context, dict) and context.get(_LENIENT)):
            return _without_blank_text(cls, data)
        shapes = _shapes(cls)
        refuse_unknown = context.get(_REFUSE_UNKNOWN, False)
        if refuse_unknown:
            _refuse_python_names(cls, data)
        cleaned: dict[str, Any] = {}
        for key, value in data.items():
            shape = shapes.get(key) if isinstance(key, str) else None
            if shape is None:
                if refuse_unknown and key not in NO_CONTENT:
                    cleaned[key] = value  # refused by name (extra="forbid"), never dropped
                continue
            if value is None:
                continue
            if isinstance(value, str):
                if not value.strip():
                    if shape.is_required:
                        cleaned[key] = value
                elif shape.is_list:
                    cleaned[key] = [value]
                elif shape.is_rut:
                    cleaned[key] = _lenient_rut(value.strip())
                else:
                    cleaned[key] = value
            elif shape.is_list and not isinstance(value, (list, tuple)):
                cleaned[key] = [value]
            else:
                cleaned[key] = value
        return cleaned


def _refuse_python_names(model: type[BaseModel], data: dict[Any, Any]) -> None:
    """A dict in SII names (one to be sent) holding a field's Python name (``razon_social``):
    read by that name, it would still travel under it, which no SII reader knows."""
    names = sii_names(model)
    fields = model.model_fields
    for key in data:
        if isinstance(key, str) and key in fields and key not in names:
            sii = fields[key].alias or key
            raise PydanticCustomError(
                "python_name",
                "'{key}' is the SDK's name of {sii}; a dict in SII names writes '{sii}'",
                {"key": key, "sii": sii},
            )


@cache
def sii_names(model: type[BaseModel]) -> frozenset[str]:
    """The keys ``model`` reads that are SII element names (its aliases, boletas' included),
    never a field's Python name, which some fields also list among the names they read."""
    names: set[str] = set()
    for name, info in model.model_fields.items():
        alias = info.alias or name
        names.add(alias)
        read = info.validation_alias
        choices = read.choices if isinstance(read, AliasChoices) else [read]
        names.update(c for c in choices if isinstance(c, str) and (c != name or c == alias))
    return frozenset(names)


def _without_blank_text(model: type[BaseModel], data: dict[Any, Any]) -> dict[Any, Any]:
    """``data`` without the optional text fields that are blank: a blank text is no value (the
    XML writes no element for it and reading gives None), as in lenient reading."""
    if not any(isinstance(value, str) and not value.strip() for value in data.values()):
        return data
    shapes = _shapes(model)
    kept: dict[Any, Any] = {}
    for key, value in data.items():
        if isinstance(value, str) and not value.strip():
            shape = shapes.get(key) if isinstance(key, str) else None
            if shape is not None and shape.is_text and not shape.is_required:
                continue
        kept[key] = value
    return kept

"""Model bases for the OpenFactura wire: lenient on what Haulmer answers, strict on what we send."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, TypeVar

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict, GetCoreSchemaHandler, model_validator
from pydantic_core import CoreSchema, core_schema

from haulmer._core.request import APIRequest
from haulmer._models import AnsweredModel
from haulmer.errors import InvalidRutError, ValidationError
from haulmer.rut import Rut

__all__ = [
    "Base64Bytes",
    "LenientRut",
    "RequestModel",
    "ResponseModel",
    "blanks_as_missing",
    "build_request",
    "get",
    "repair_mojibake",
]

_T = TypeVar("_T", bound=BaseModel)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Latin-1 (``CuricÃ³`` -> ``Curicó``); any other text is left as is."""
    if "Ã" not in text and "Â" not in text:
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _lenient_rut(value: Any) -> Rut:
    """A RUT read in one step, as the field's only validator: text is parsed without judging its
    check digit; a blank (read as missing) or anything else is refused as ``Rut`` refuses it."""
    if isinstance(value, Rut):
        return value
    if isinstance(value, str) and value.strip():
        return Rut(value, validate_dv=False)
    kind = "NoneType" if isinstance(value, str) else type(value).__name__
    raise InvalidRutError(f"a RUT must be given as text, got {kind}")


_DATA_URI = re.compile(r"data:[^,;]*(?:;[^,;]*)*;base64,", re.IGNORECASE)
"""The head of a data URI (``data:image/png;base64,``), which may come before a file's base64."""


def _decode_base64(value: Any) -> Any:
    """A file's base64 text as bytes: line breaks and blanks are skipped, as is a data URI's
    head, but any other character outside base64's alphabet is refused, never dropped (dropping
    it would hand back other bytes than the file's)."""
    value = _blank_to_none(value)
    if isinstance(value, str):
        text = "".join(value.split())
        head = _DATA_URI.match(text)
        if head:
            text = text[head.end() :]
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"not valid base64: {exc}") from None
    return value


class _ReadLeniently:
    """Marks ``Rut`` to be validated by ``_lenient_rut`` alone, keeping the serialization and JSON
    schema of ``Rut``'s own schema: one Python call per RUT instead of a before validator plus
    ``Rut``'s own."""

    def __get_pydantic_core_schema__(
        self, source_type: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        own = handler(source_type)
        return core_schema.no_info_plain_validator_function(
            _lenient_rut, serialization=own.get("serialization"), metadata=own.get("metadata")
        )


LenientRut = Annotated[Rut, _ReadLeniently()]
"""A RUT as Haulmer answers it: parsed, but a wrong check digit does not reject the response."""

Base64Bytes = Annotated[bytes, BeforeValidator(_decode_base64)]
"""Bytes that travel as base64 text (PDF, XML, PNG)."""


class ResponseModel(AnsweredModel):
    """A model of something Haulmer answers: unknown keys kept, blank strings read as missing."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow",
        populate_by_name=True,
        frozen=True,
        coerce_numbers_to_str=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _blanks_are_missing(cls, data: Any) -> Any:
        return blanks_as_missing(data)


def blanks_as_missing(data: Any) -> Any:
    """``data`` with its blank text values read as None; a dict without any is returned as is.

    It runs for every answered model (each nested one too), and most answers have no blank.
    """
    if isinstance(data, dict):
        for value in data.values():
            if isinstance(value, str) and not value.strip():
                return {key: _blank_to_none(value) for key, value in data.items()}
    return data


class RequestModel(BaseModel):
    """A model of something we send: unknown keys rejected, validated before any I/O."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=True,
    )

    def to_wire(self) -> dict[str, Any]:
        """The JSON body in the API's own field names, without unset optional fields."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def build_request(model: type[_T], value: Any, *, what: str) -> _T:
    """Validate ``value`` (a model or a dict) as ``model``, raising our ValidationError if wrong."""
    if isinstance(value, model):
        return value
    if not isinstance(value, dict):
        raise ValidationError(
            f"{what} must be a {model.__name__} or a dict, got {type(value).__name__}"
        )
    try:
        return model.model_validate(value)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(_field_names(model, err['loc'])) or what}: "
            + err["msg"].removeprefix("Value error, ")
            for err in exc.errors()
        )
        raise ValidationError(f"{what} is invalid: {problems}") from None


def _field_names(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """An error's location in the names the caller writes (``hyperlink_url``): pydantic names a
    missing field by its wire alias (``hyperlinkURL``), which the documentation never shows."""
    names: list[str] = []
    current: type[BaseModel] | None = model
    for part in loc:
        field = None
        if current is not None and isinstance(part, str):
            field = next(
                (
                    (name, info)
                    for name, info in current.model_fields.items()
                    if part in (name, info.alias)
                ),
                None,
            )
        if field is None:
            names.append(str(part))
            current = None
            continue
        name, info = field
        names.append(name)
        current = next(
            (
                kind
                for kind in (info.annotation, *getattr(info.annotation, "__args__", ()))
                if isinstance(kind, type) and issubclass(kind, BaseModel)
            ),
            None,
        )
    return names


R = TypeVar("R")


def get(
    path: str,
    cast_to: type[R],
    options: Mapping[str, Any],
    params: Mapping[str, Any] | None = None,
) -> APIRequest[R]:
    """A GET to OpenFactura, with the call's options (``call_options``)."""
    return APIRequest(
        method="GET", path=path, product="openfactura", cast_to=cast_to, params=params, **options
    )

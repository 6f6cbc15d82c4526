"""The base of every response and request model (pydantic v2), and how values become wire JSON."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, ClassVar, Final

import pydantic_core
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    SerializationInfo,
    model_serializer,
)

from haulmer._shown import cut
from haulmer.errors import ValidationError
from haulmer.rut import Rut

__all__ = [
    "AnsweredModel",
    "HaulmerModel",
    "SecretText",
    "encode_json",
    "holds_non_finite_number",
    "non_finite_numbers",
    "to_jsonable",
]

_REQUEST_ID = "_request_id"


_NUMBER_MARK: Final = "\udc00"
"""What encloses a Decimal's exact text in the JSON ``json.dumps`` writes, for ``encode_json`` to
turn into a number: a lone surrogate, which no text that can be sent holds."""
_MARKED_NUMBER: Final = re.compile(
    f'"{_NUMBER_MARK}(-?[0-9]+(?:\\.[0-9]+)?(?:E-[0-9]+)?){_NUMBER_MARK}"'
)
"""A Decimal's exact text as ``_json_default`` marks it, in its quotes."""


def _json_default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():  # NaN or Infinity: JSON has neither (and int() fails on them)
            raise ValueError(f"{value} is not a JSON number")
        if value == value.to_integral_value():
            return int(value)
        # As a float it would lose every digit after the 17th (QtyItem and PrcItem take 18):
        # its exact text, marked, becomes a JSON number in encode_json.
        return f"{_NUMBER_MARK}{value}{_NUMBER_MARK}"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Rut):
        return str(value)
    try:  # what pydantic knows how to write (UUID, URLs, bytes...)
        return pydantic_core.to_jsonable_python(value)
    except (pydantic_core.PydanticSerializationError, ValueError):  # bytes that are no UTF-8
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable") from None


def encode_json(data: Any, *, sort_keys: bool = False) -> bytes:
    """UTF-8 compact JSON: models by wire name (no None fields), Decimals as numbers of their
    exact digits, ISO dates, RUTs; ``sort_keys`` for a canonical form (a hash's input)."""
    marked = 0

    def default(value: Any) -> Any:
        nonlocal marked
        written = _json_default(value)
        if isinstance(value, decimal.Decimal) and type(written) is str:
            marked += 1
        return written

    # Each refusal is raised after its except block: the encoder's error, which may hold the
    # whole body (a UnicodeEncodeError's object), passwords and all, is not its context.
    refused: ValidationError | None = None
    try:
        text = json.dumps(
            data,
            default=default,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
            sort_keys=sort_keys,
        )
    except ValueError as exc:  # an int of thousands of digits, a circular reference, NaN
        refused = _unwritable(data, exc)
    if refused is not None:
        raise refused
    if marked:
        text = _numbers_unmarked(text, marked)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: what decoding with the wrong codec left
        character = text[exc.start]
        refused = ValidationError(
            f"the request holds text with a lone surrogate (U+{ord(character):04X}), which no "
            "text encoding can carry: the text was decoded with the wrong encoding; decode the "
            "bytes with their real one"
        )
    raise refused


def _unwritable(data: Any, exc: ValueError) -> ValidationError:
    """The refusal of a request ``json.dumps`` could not write (``exc``): NaN or Infinity in a
    field, named by its path, or what the encoder said."""
    for path, value in non_finite_numbers(data):
        where = f"its field {cut(path, 200)}" if path else "it"
        return ValidationError(
            f"the request cannot be written as JSON: {where} holds {value}, and {value} is "
            "not a JSON number (JSON has no NaN or Infinity); give the field a finite "
            "number, or leave it out"
        )
    return ValidationError(f"the request cannot be written as JSON: {exc}")


def _numbers_unmarked(text: str, marked: int) -> str:
    """``text`` with its ``marked`` Decimals written as JSON numbers of their digits. A text of
    the caller's that looks marked holds lone surrogates: ``text`` then stays as it is, for the
    UTF-8 encoding to refuse as it refuses any lone surrogate."""
    unmarked, found = _MARKED_NUMBER.subn(r"\1", text)
    return unmarked if found == marked else text


def holds_non_finite_number(data: Any) -> bool:
    """Whether ``data`` may hold a NaN or an Infinity: a quick look at plain JSON values (dicts,
    lists, str, int, float, Decimal) that answers True at anything else, for
    ``non_finite_numbers`` to judge with paths. Most requests hold none, and a walk that writes
    every path costs as much as the rest of an emission's checks."""
    stack = [data]
    seen = 0
    while stack:
        node = stack.pop()
        kind = node.__class__
        if kind is dict:
            stack.extend(node.values())
        elif kind is list or kind is tuple:
            stack.extend(node)
        elif kind is float:
            if not math.isfinite(node):
                return True
        elif kind is decimal.Decimal:
            if not node.is_finite():
                return True
        elif kind is not str and kind is not int and kind is not bool and node is not None:
            return True  # a model, a mapping or anything else: the full walk judges it
        seen += 1
        if seen > _QUICK_LOOK_LIMIT:
            return True  # so large, or circular: the full walk, which sees each node once
    return False


_QUICK_LOOK_LIMIT: Final = 100_000
"""Values a quick look takes before leaving the question to the full walk."""


def non_finite_numbers(data: Any, *, first_index: int = 0) -> Iterator[tuple[str, Any]]:
    """Each NaN or Infinity (a float or a Decimal) in ``data`` with its path (``items[0].price``;
    lists counted from ``first_index``, 1 for a DTE's ``Detalle[1]``), in order: JSON has no such
    number, so the error can name the field instead of the whole request."""
    stack: list[tuple[str, Any]] = [("", data)]
    walked: dict[int, Any] = {}  # by id, each kept alive: a circular reference is walked once
    while stack:
        path, node = stack.pop()
        if isinstance(node, float | decimal.Decimal):
            if not (math.isfinite(node) if isinstance(node, float) else node.is_finite()):
                yield path, node
            continue
        if isinstance(node, BaseModel):
            node = node.model_dump(by_alias=True, exclude_none=True)
        if isinstance(node, Mapping):
            children = [
                (f"{path}.{key}" if path else str(key), value) for key, value in node.items()
            ]
        elif isinstance(node, list | tuple | set | frozenset):
            children = [(f"{path}[{index}]", item) for index, item in enumerate(node, first_index)]
        else:
            continue
        if id(node) in walked:
            continue
        walked[id(node)] = node
        stack.extend(reversed(children))


def to_jsonable(data: Any) -> Any:
    """``data`` as plain JSON values (dicts, lists, str, numbers), by the rules of encode_json,
    that encode_json writes back as they were written: a number with decimals is a float when a
    float writes it so (``33.0``, ``0.1``), else a Decimal of its digits."""
    return json.loads(encode_json(data), parse_float=_number_as_written)


def _number_as_written(text: str) -> float | decimal.Decimal:
    """A JSON number with decimals as the value that writes it back as ``text``."""
    number = float(text)
    return number if repr(number) == text else decimal.Decimal(text)


_SECRET_FIELD_WORDS = (
    "password",
    "passwd",
    "secret",
    "apikey",
    "api_key",
    "token",
    "pfx",
    "private_key",
    "authorization",
    "cookie",
)
"""Words in the name of a field an answer carries beyond the model's own (or of a key inside
one) that say its value is a secret (an access token, an e-mail link's token, a password): such
a field is kept, to use, but repr, str and dumps show it masked."""

_JSON_MASK: Final = "**********"
"""What a secret is in a JSON dump, as pydantic writes a ``SecretStr``."""


def _secret_name(name: object) -> bool:
    lowered = str(name).lower()
    return any(word in lowered for word in _SECRET_FIELD_WORDS)


def _masked(value: Any, mask: Callable[[str], Any], *, secret: bool = False) -> Any:
    """``value`` with each text under a secret name (the field's own, or a key's at any depth of
    its dicts and lists) replaced by ``mask(text)``; other values as they are."""
    if isinstance(value, str):
        return mask(value) if secret else value
    if isinstance(value, dict):
        return {
            key: _masked(item, mask, secret=secret or _secret_name(key))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_masked(item, mask, secret=secret) for item in value]
    return value


def _shown_masked(_text: str) -> str:
    return "[redacted]"


def _revealed(value: Any) -> Any:
    """A ``SecretStr`` given for a secret field (a ``model_dump()`` read back) as its text."""
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _dumped_masked(value: str, info: SerializationInfo) -> Any:
    """A secret field as ``model_dump()`` gives it: a ``SecretStr`` (its repr and str masked),
    or ``"**********"`` in JSON, as pydantic dumps a ``SecretStr`` field."""
    return _JSON_MASK if info.mode_is_json() else SecretStr(value)


def _json_masked(_text: str) -> str:
    return _JSON_MASK


SecretText = Annotated[
    str,
    BeforeValidator(_revealed),
    PlainSerializer(_dumped_masked, return_type=Any),
    Field(repr=False),
]
"""A secret a model holds as plain text to use (an access token, an API key), never shown: left
out of repr, and masked in ``model_dump()`` and ``model_dump_json()`` as a ``SecretStr`` is. A
``SecretStr`` would turn ``f"Bearer {session.access_token}"`` into a masked header silently."""


class AnsweredModel(BaseModel):
    """A model the API can return: it remembers the request id of the answer it came in.

    The id is kept in pydantic's per-instance private storage, written only when a model is
    stamped: a declared ``PrivateAttr`` would have pydantic initialise it, in Python, for every
    instance validated (each nested model of every answer included).

    pydantic's validation errors do not quote the input (an answer may carry an access token or
    an API key). An unknown field whose name says it is a secret (``refresh_token``,
    ``password``; or a key inside an unknown field's value, at any depth) shows a marker in
    repr and str, and is dumped as a declared secret is: a ``SecretStr`` in ``model_dump()``,
    ``"**********"`` in ``model_dump_json()``. Its value stays readable to use, as the attribute
    (``model.refresh_token``) and in ``model_extra``.
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(hide_input_in_errors=True)

    def __repr_args__(self) -> Any:
        extra = self.__pydantic_extra__
        for name, value in super().__repr_args__():
            if extra and name in extra:
                yield name, _masked(value, _shown_masked, secret=_secret_name(name))
            else:
                yield name, value

    # Unannotated: with a return type, pydantic would describe every model's dump by it (Any)
    # in its JSON schema instead of by the model's fields.
    @model_serializer(mode="wrap")
    def _secret_extras_masked(self, handler, info):  # type: ignore[no-untyped-def]
        """The dump with its secret-named extras masked (see the class's docstring)."""
        dumped = handler(self)
        extra = self.__pydantic_extra__
        if not extra or not isinstance(dumped, dict):
            return dumped
        mask: Callable[[str], Any] = _json_masked if info.mode_is_json() else SecretStr
        for name in extra:
            if name in dumped:
                dumped[name] = _masked(dumped[name], mask, secret=_secret_name(name))
        return dumped

    @property
    def request_id(self) -> str | None:
        """Haulmer's id of the request that returned this model (its ``X-Request-Id``), to
        store beside a folio and quote in a support ticket; None for a model built locally."""
        private = self.__pydantic_private__
        return None if private is None else private.get(_REQUEST_ID)

    def _set_request_id(self, request_id: str | None) -> None:
        private = self.__pydantic_private__
        if private is not None:
            private[_REQUEST_ID] = request_id
        elif request_id is not None:
            object.__setattr__(self, "__pydantic_private__", {_REQUEST_ID: request_id})


class HaulmerModel(AnsweredModel):
    """Wire names as aliases, Python names accepted too; unknown response fields are kept."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow",
        populate_by_name=True,
        arbitrary_types_allowed=False,
        protected_namespaces=(),
    )

    def to_wire(self) -> dict[str, Any]:
        """The model as the JSON the API expects: wire names, no None fields, numbers as numbers."""
        wire: dict[str, Any] = to_jsonable(self)
        return wire

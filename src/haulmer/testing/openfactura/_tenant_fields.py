"""A tenant's fields checked when a test adds it, so that a wrong one fails there, by name.

Taken as they came, an int key or one with edge blanks made a taxpayer no client could reach,
a type OpenFactura does not issue or an acteco the SII has not became part of every document,
and a ``None`` failed deep inside the fake with an ``AttributeError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from haulmer._shown import shown

__all__ = [
    "checked_acteco",
    "checked_api_key",
    "checked_dte_types",
    "checked_rut",
    "checked_text",
]

LAST_ACTECO = 999_999
"""The SII's activity codes have at most 6 digits (``Acteco`` in its schema)."""


def checked_api_key(api_key: Any) -> str:
    """``api_key`` once an ``apikey`` header can carry it as it is (never echoed: a secret)."""
    if not isinstance(api_key, str):
        raise TypeError(
            f"api_key must be a str (the apikey header's value), got {type(api_key).__name__}"
        )
    if not api_key:
        raise ValueError("api_key must not be empty")
    if api_key != api_key.strip() or not all(" " <= c <= "~" for c in api_key):
        raise ValueError(
            "api_key must be printable ASCII without blanks at its ends (an apikey header "
            "cannot carry others as they are, so no client would reach the tenant), such as "
            "secrets.token_hex(16)"
        )
    return api_key


def checked_rut(rut: Any) -> str:
    """The taxpayer's RUT in canonical form, from its text or a ``Rut``; a TypeError naming
    ``rut`` for anything else: an int read as text would take its last digit for the check
    digit, and make the tenant another company (76000018 is 7600001-8)."""
    from haulmer.rut import Rut

    if not isinstance(rut, str | Rut):
        raise TypeError(
            f"rut must be a RUT as text ('76086428-5') or a haulmer.Rut, got "
            f"{type(rut).__name__} {shown(rut)}"
        )
    return str(Rut(rut))


def checked_text(name: str, value: Any) -> str:
    """A text field of the taxpayer (giro, direccion, comuna), or a TypeError naming it."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__} {shown(value)}")
    return value


def checked_acteco(acteco: Any) -> int:
    """The SII activity code as an int (digits taken), or an error naming ``acteco``; a list
    gives its first code, as OpenFactura's ``Acteco`` array does."""
    if isinstance(acteco, (list, tuple)) and acteco:
        acteco = acteco[0]
    if isinstance(acteco, str) and acteco.strip().isascii() and acteco.strip().isdigit():
        acteco = int(acteco)
    elif isinstance(acteco, str):
        raise ValueError(f"acteco must be the SII's activity code in digits, got {shown(acteco)}")
    if isinstance(acteco, bool) or not isinstance(acteco, int):
        raise TypeError(
            f"acteco must be an int such as 620200 (the SII's activity code), got "
            f"{type(acteco).__name__} {shown(acteco)}"
        )
    if not 1 <= acteco <= LAST_ACTECO:
        raise ValueError(
            f"acteco must be the SII's activity code, 1 to {LAST_ACTECO}, got {acteco}"
        )
    return acteco


def checked_dte_types(dte_types: Any) -> tuple[int, ...]:
    """The DTE types the taxpayer issues, sorted, once each is one OpenFactura issues (an int
    or its digits); an error naming ``dte_types`` and the type that is wrong."""
    from haulmer.openfactura.emission import EMITTABLE_TYPES

    issued = ", ".join(map(str, sorted(EMITTABLE_TYPES)))
    if isinstance(dte_types, (str, bytes)) or not isinstance(dte_types, Iterable):
        raise TypeError(
            f"dte_types must be a list of DTE types such as [33, 39], got "
            f"{type(dte_types).__name__} {shown(dte_types)}"
        )
    types: set[int] = set()
    for given in dte_types:
        dte_type = given
        if isinstance(given, str):
            if not (given.isascii() and given.isdigit()):
                raise ValueError(f"dte_types holds {shown(given)}, which is no DTE type ({issued})")
            dte_type = int(given)
        if isinstance(dte_type, bool) or not isinstance(dte_type, int):
            raise TypeError(
                f"dte_types holds {type(given).__name__} {shown(given)}: each type is an int "
                f"({issued})"
            )
        if dte_type not in EMITTABLE_TYPES:
            raise ValueError(
                f"dte_types holds {dte_type}, which OpenFactura does not issue; it issues {issued}"
            )
        types.add(dte_type)
    return tuple(sorted(types))

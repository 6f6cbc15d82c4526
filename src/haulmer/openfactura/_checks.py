"""Local checks of call arguments (RUTs, DTE types, folios, dates, tokens) before any I/O."""

from __future__ import annotations

import datetime as dt
from typing import Any

from haulmer._chile import chile_date
from haulmer._shown import shown
from haulmer._token import TOKEN
from haulmer.dte.catalogue import DTEType
from haulmer.errors import InvalidRutError, ValidationError
from haulmer.rut import Rut

__all__ = [
    "check_date",
    "check_dte_type",
    "check_flag",
    "check_folio",
    "check_rut",
    "check_token",
    "whole_number",
]


def check_flag(value: Any, what: str, meaning: str) -> bool:
    """A yes-or-no argument, True or False; a ValidationError naming ``what`` and what True
    does (``meaning``) otherwise: ``"false"`` or ``"no"`` are true to Python."""
    if not isinstance(value, bool):
        raise ValidationError(f"{what} must be True or False ({meaning}), got {shown(value)}")
    return value


def check_rut(value: Any, what: str = "rut") -> Rut:
    """A valid RUT from text or a Rut; InvalidRutError (a ValidationError) naming ``what``."""
    if isinstance(value, Rut) and value.is_dv_valid:
        return value
    if not isinstance(value, str | Rut):  # a Rut read without judging its digit is judged now
        raise InvalidRutError(f"{what} must be a RUT such as '76795561-8', got {shown(value)}")
    try:
        return Rut(value)
    except InvalidRutError as exc:
        raise InvalidRutError(f"{what}: {exc}") from None


def whole_number(value: Any) -> int | None:
    """An int, or the ASCII digits of one (blanks around them allowed); None for anything
    else: a bool, a float, ``"1_000"`` or other digits that ``int()`` would also read."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        # Digits past any folio's are no number here (and int() refuses thousands of them).
        if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS:
            return int(text)
    return None


_MAX_DIGITS = 30
"""The most digits read from text: three times a folio's, and far from int()'s own limit."""


def check_dte_type(value: Any, what: str = "dte_type") -> int:
    """A DTE type code (33, 39, 52...) as an int: one of the electronic document types."""
    number = whole_number(value)
    if number is None and isinstance(value, float) and value.is_integer():
        number = int(value)
    if number is None:
        raise ValidationError(f"{what} must be a DTE type code such as 33, got {shown(value)}")
    if number not in _DTE_CODES:
        known = ", ".join(f"{member.value} ({member.label})" for member in DTEType)
        raise ValidationError(
            f"{what} {shown(value)} is not an electronic document type; the types are {known}"
        )
    return number


_DTE_CODES = frozenset(member.value for member in DTEType)

MAX_FOLIO = 9_999_999_999
"""The largest folio the SII's schema allows (Folio: at most 10 digits)."""


def check_folio(value: Any, what: str = "folio", maximum: int | None = MAX_FOLIO) -> int:
    """A folio (or page number): a positive integer, given as an int or its ASCII digits, at
    most ``maximum``."""
    number = whole_number(value)
    if number is None or number < 1:
        raise ValidationError(f"{what} must be a positive integer, got {shown(value)}")
    if maximum is not None and number > maximum:
        raise ValidationError(
            f"{what} {shown(value)} has more digits than any folio: the SII's folios have at "
            f"most {len(str(maximum))}"
        )
    return number


def check_date(value: Any, what: str) -> dt.date:
    """A date from ``datetime.date`` or ``'YYYY-MM-DD'`` text (a datetime: its day in Chile)."""
    try:
        return chile_date(value)
    except ValueError as exc:
        raise ValidationError(
            f"{what} must be a date (datetime.date or 'YYYY-MM-DD'): {exc}"
            if isinstance(value, str)
            else f"{what} must be a date (datetime.date or 'YYYY-MM-DD'), got {shown(value)}"
        ) from None


def check_token(value: Any) -> str:
    """An emission token: the opaque id OpenFactura returned (letters and digits, no slashes)."""
    if not isinstance(value, str) or not TOKEN.fullmatch(value.strip()):
        raise ValidationError(
            f"token must be the TOKEN OpenFactura returned at emission, got {shown(value)}"
        )
    return value.strip()

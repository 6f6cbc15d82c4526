"""Local checks of call arguments (RUTs, DTE types, folios, dates, tokens) before any I/O."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from haulmer._shown import shown
from haulmer.errors import InvalidRutError, ValidationError
from haulmer.rut import Rut

__all__ = ["check_date", "check_dte_type", "check_folio", "check_rut", "check_token"]

_TOKEN = re.compile(r"[A-Za-z0-9_\-]{1,256}")


def check_rut(value: Any, what: str = "rut") -> Rut:
    """A valid RUT from text or a Rut; InvalidRutError (a ValidationError) naming ``what``."""
    if isinstance(value, Rut):
        return value
    if not isinstance(value, str):
        raise InvalidRutError(f"{what} must be a RUT such as '76795561-8', got {shown(value)}")
    try:
        return Rut(value)
    except InvalidRutError as exc:
        raise InvalidRutError(f"{what}: {exc}") from None


def check_dte_type(value: Any, what: str = "dte_type") -> int:
    """A DTE type code (33, 39, 52...) as an int."""
    if isinstance(value, bool):
        raise ValidationError(f"{what} must be a DTE type code such as 33, got {shown(value)}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"{what} must be a DTE type code such as 33, got {shown(value)}"
        ) from None
    if not 1 <= number <= 999 or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError(f"{what} must be a DTE type code such as 33, got {shown(value)}")
    return number


def check_folio(value: Any, what: str = "folio") -> int:
    """A folio: a positive integer."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(f"{what} must be a positive integer, got {shown(value)}")
    try:
        number = int(value)
    except ValueError:
        raise ValidationError(f"{what} must be a positive integer, got {shown(value)}") from None
    if number < 1:
        raise ValidationError(f"{what} must be a positive integer, got {shown(value)}")
    return number


def check_date(value: Any, what: str) -> dt.date:
    """A date from ``datetime.date`` or ``'YYYY-MM-DD'`` text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(
        f"{what} must be a date (datetime.date or 'YYYY-MM-DD'), got {shown(value)}"
    )


def check_token(value: Any) -> str:
    """An emission token: the opaque id OpenFactura returned (letters and digits, no slashes)."""
    if not isinstance(value, str) or not _TOKEN.fullmatch(value.strip()):
        raise ValidationError(
            f"token must be the TOKEN OpenFactura returned at emission, got {shown(value)}"
        )
    return value.strip()

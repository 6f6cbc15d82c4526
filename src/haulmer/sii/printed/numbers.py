"""Numbers, dates and RUTs written the Chilean way on a printed DTE: ``$ 1.234.567``, ``2,5``.

Everything here takes the SII XML's text (or a model's value) and never fails: a value that is
not a number is printed as it came, so a received document with a quirk still prints.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from haulmer._numbers import ANY_SIZE
from haulmer.errors import ValidationError
from haulmer.rut import MAX_RUT_NUMBER, Rut

__all__ = ["amount", "date", "iso_date", "number", "percent", "rut"]

_MONTHS = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


_MOST_DIGITS = 100
"""The most digits a number written in few characters is written out with, either side of its
point (the SII's have 18 and 6): a received ``1E-999999`` prints as its text, not as a million
zeros."""


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    most = max(_MOST_DIGITS, len(text))
    if value and not -most < value.adjusted() < most:
        return None
    exponent = value.as_tuple().exponent  # an int: the value is finite
    return None if isinstance(exponent, int) and -exponent > most else value


def _dotted(integer: str) -> str:
    """ASCII digits without leading zeros with dots between thousands, by slicing: no int, which
    Python refuses to make of more than 4,300 digits."""
    head = len(integer) % 3 or 3
    return ".".join([integer[:head], *(integer[i : i + 3] for i in range(head, len(integer), 3))])


def _grouped_digits(digits: str) -> str:
    """ASCII ``digits`` (most values: ``1234567``) with dots between thousands (``1.234.567``)."""
    size = len(digits)
    if digits[0] != "0" and size <= 9:  # grouped by slicing: no int to make and format
        if size <= 3:
            return digits
        if size <= 6:
            return f"{digits[:-3]}.{digits[-3:]}"
        return f"{digits[:-6]}.{digits[-6:-3]}.{digits[-3:]}"
    return _dotted(digits.lstrip("0") or "0")


def number(text: str) -> str:
    """``1234567.50`` as ``1.234.567,5``: dots between thousands, a comma before decimals."""
    if text.isdigit() and text.isascii():  # plain digits: no Decimal
        if text[0] != "0" and len(text) <= 6:  # most: grouped here, a call fewer
            return text if len(text) <= 3 else f"{text[:-3]}.{text[-3:]}"
        return _grouped_digits(text)
    value = _decimal(text)
    if value is None:
        return text
    integral = value == value.to_integral_value(context=ANY_SIZE)
    return _grouped(
        value.quantize(Decimal(1), context=ANY_SIZE) if integral else value.normalize(ANY_SIZE)
    )


def _grouped(value: Decimal) -> str:
    integer, _, fraction = format(value.copy_abs(), "f").partition(".")
    grouped = _dotted(integer.lstrip("0") or "0")
    return ("-" if value < 0 else "") + grouped + ("," + fraction if fraction else "")


def amount(text: str, *, pesos: bool = True) -> str:
    """A money amount: ``$ 1.234`` in pesos, ``1.234,56`` in another currency."""
    if text.isdigit() and text.isascii():  # plain digits: no Decimal
        if text[0] != "0" and len(text) <= 6:  # most: grouped here, a call fewer
            grouped = text if len(text) <= 3 else f"{text[:-3]}.{text[-3:]}"
        else:
            grouped = _grouped_digits(text)
        return f"$ {grouped}" if pesos else grouped
    value = _decimal(text)
    if value is None:
        return text
    if pesos:
        return f"$ {number(text)}"
    if value != value.to_integral_value(context=ANY_SIZE) and value == value.quantize(
        Decimal("0.1"), context=ANY_SIZE
    ):
        return _grouped(value.quantize(Decimal("0.01"), context=ANY_SIZE))  # 12.5 dollars: 12,50
    return number(text)


def percent(text: str) -> str:
    """``19.00`` as ``19 %``."""
    return text if _decimal(text) is None else f"{number(text)} %"


_XS_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?")
"""An xs:date as the SII's schema writes it: YYYY-MM-DD, with a time zone or without."""


def iso_date(text: str) -> dt.date | None:
    """The day an xs:date names; None for other text, on every Python (3.11's
    ``date.fromisoformat`` also reads ``20261127`` and ``2026-W48-5``, 3.10's does not)."""
    found = _XS_DATE.fullmatch(text.strip())
    if found is None:
        return None
    try:
        return dt.date.fromisoformat(found.group(1))
    except ValueError:  # 2026-02-30
        return None


def date(text: str) -> str:
    """``2026-11-27`` as ``27 de noviembre de 2026``; other text as it came."""
    day = iso_date(text)
    if day is None:
        return text
    return f"{day.day} de {_MONTHS[day.month - 1]} de {day.year}"


_DV = frozenset("0123456789Kk")


def rut(text: str) -> str:
    """``76086428-5`` as ``76.086.428-5`` (the check digit is not judged here)."""
    body, hyphen, dv = text.strip().partition("-")
    if hyphen and len(dv) == 1 and dv in _DV and body.isdigit() and body.isascii():
        number = int(body)  # a plain RUT, as the XML holds it: formatted as Rut formats it
        if 1 <= number <= MAX_RUT_NUMBER:
            return f"{number:,}-{dv.upper()}".replace(",", ".")
    try:
        return Rut(text.strip(), validate_dv=False).format(dots=True)
    except ValidationError:
        return text

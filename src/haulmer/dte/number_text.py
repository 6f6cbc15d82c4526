"""Numbers written as text, judged as the SII's XSDs write them before pydantic reads them.

pydantic reads ``"8592.0"`` as the int 8592, and ``"8.592e3"``, ``"1_000"`` or Arabic-Indic
digits as a Decimal; the SII's schema refuses all of them (``xs:integer`` is digits with an
optional sign, ``xs:decimal`` digits with an optional sign and point). Only what is read from
XML is judged: JSON writes numbers its own way (``1e-06``), and a value built in Python is a
number whatever text it came from.
Read from XML, a number also has at most the digits its element's ``totalDigits`` and
``fractionDigits`` allow (Folio 10, TasaIVA 5 with 2 decimals), counted as the schema counts them:
on the value, so leading zeros and trailing decimal zeros do not count.
Most texts are plain digits short enough to fit, so one ``str`` test and one ``len()`` let them
through; only the others are looked at closely.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, Final

from pydantic import ValidationInfo

from haulmer._shown import shown
from haulmer.dte._base import reads_xml

__all__ = ["decimal_text", "decimal_text_within", "text_digits", "whole_text", "whole_text_within"]

_XML_BLANKS: Final = " \t\n\r"
"""What the XSD's whiteSpace ``collapse`` of a number trims: other blanks are refused."""
_INTEGER: Final = re.compile(r"[+-]?[0-9]+")
_DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


TextCheck = Callable[[Any, ValidationInfo], Any]
"""A number field's text check: pydantic's before-validator of a number read from XML."""

_DIGITS: dict[TextCheck, tuple[int | None, int | None]] = {}
"""The digits each text check allows: (totalDigits, fractionDigits), None where unbounded."""


def text_digits(check: TextCheck) -> tuple[int | None, int | None]:
    """The (totalDigits, fractionDigits) a text check allows; (None, None) when it counts none."""
    return _DIGITS.get(check, (None, None))


def _schema_form(value: str, form: re.Pattern[str], what: str, written: str) -> str:
    """``value`` trimmed of XML blanks when it matches ``form``; a ``ValueError`` saying it is
    not ``what`` as the SII's schema writes one, which is ``written``, otherwise."""
    text = value.strip(_XML_BLANKS)
    if form.fullmatch(text) is None:
        raise ValueError(f"{shown(value)} is not {what} as the SII's schema writes one: {written}")
    return text


def _whole_form(value: str) -> str:
    """``value`` trimmed of XML blanks, as ``xs:integer`` writes it; ``ValueError`` otherwise."""
    return _schema_form(
        value,
        _INTEGER,
        "a whole number",
        "ASCII digits with an optional sign, without a decimal point, exponent or separators",
    )


def _decimal_form(value: str) -> str:
    """``value`` trimmed of XML blanks, as ``xs:decimal`` writes it; ``ValueError`` otherwise."""
    return _schema_form(
        value,
        _DECIMAL,
        "a number",
        "ASCII digits with an optional sign and decimal point, without an exponent or separators",
    )


def _digits_issue(value: str, text: str, digits: int | None, fraction: int | None) -> None:
    """Raise ``ValueError`` when ``text`` (a number's form, already checked) has more digits
    than ``digits`` or more decimals than ``fraction``, counted on its value as the XSD does."""
    whole, _, decimals = text.lstrip("+-").partition(".")
    decimals = decimals.rstrip("0")
    count = len(whole.lstrip("0")) + len(decimals)
    if fraction is not None and len(decimals) > fraction:
        allowed = f"at most {fraction} decimals" if fraction else "no decimals"
        raise ValueError(
            f"{shown(value)} has {len(decimals)} decimals; the SII's schema allows {allowed} here"
        )
    if digits is not None and count > digits:
        raise ValueError(
            f"{shown(value)} has {count} digits; the SII's schema allows at most {digits} here"
        )


def _no_bool(value: Any) -> Any:
    """``value`` unless it is a bool, which pydantic would read as the int 1 or 0 (an IndExe of
    ``True``, a discount of 1 peso) where a Decimal field refuses it; ``ValueError`` then."""
    if value.__class__ is bool:
        raise ValueError(f"a whole number, not {value}")
    return value


def whole_text(value: Any, info: ValidationInfo) -> Any:
    """An integer field's input, read from XML: text only as ``xs:integer`` writes it (trimmed
    of XML blanks), anything else as given but a bool. Raises ``ValueError`` saying what the
    schema allows."""
    if value.__class__ is not str:
        return _no_bool(value)
    if value.isascii() and value.isdigit():
        return value
    if not reads_xml(info.context):
        return value
    return _whole_form(value)


def decimal_text(value: Any, info: ValidationInfo) -> Any:
    """A decimal field's input, read from XML: text only as ``xs:decimal`` writes it (trimmed
    of XML blanks), anything else as given. Raises ``ValueError`` saying what the schema allows."""
    if value.__class__ is not str or (value.isascii() and value.replace(".", "", 1).isdigit()):
        return value
    if not reads_xml(info.context):
        return value
    return _decimal_form(value)


@cache
def whole_text_within(digits: int) -> TextCheck:
    """:func:`whole_text` for an element of at most ``digits`` digits (its ``totalDigits``,
    below the 18 every SII integer fits in, which the models' bound keeps)."""

    def within(value: Any, info: ValidationInfo) -> Any:
        if value.__class__ is not str:
            return _no_bool(value)
        if value.isascii() and value.isdigit() and len(value) <= digits:
            return value
        if not reads_xml(info.context):
            return value
        text = _whole_form(value)
        _digits_issue(value, text, digits, None)
        return text

    _DIGITS[within] = (digits, None)
    return within


@cache
def decimal_text_within(digits: int, fraction: int) -> TextCheck:
    """:func:`decimal_text` for an element of at most ``digits`` digits, ``fraction`` of them
    decimals (its ``totalDigits`` and ``fractionDigits``)."""

    def within(value: Any, info: ValidationInfo) -> Any:
        if value.__class__ is not str:
            return value
        if value.isascii() and len(value) <= digits and value.replace(".", "", 1).isdigit():
            point = value.find(".")
            if point < 0 or len(value) - point <= fraction + 1:
                return value  # the usual number: no more characters than digits allowed
        if not reads_xml(info.context):
            return value
        text = _decimal_form(value)
        _digits_issue(value, text, digits, fraction)
        return text

    _DIGITS[within] = (digits, fraction)
    return within

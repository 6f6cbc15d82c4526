"""Numbers written as text, judged as the SII's XSDs write them before pydantic reads them.

pydantic reads ``"8592.0"`` as the int 8592, and ``"8.592e3"``, ``"1_000"`` or Arabic-Indic
digits as a Decimal; the SII's schema refuses all of them (``xs:integer`` is digits with an
optional sign, ``xs:decimal`` digits with an optional sign and point). Only what is read from
XML is judged: JSON writes numbers its own way (``1e-06``), and a value built in Python is a
number whatever text it came from.
Most texts are plain digits, so one ``str`` test lets them through; only the others are looked
at closely.
"""

from __future__ import annotations

import re
from typing import Any, Final

from pydantic import ValidationInfo

from haulmer._shown import shown
from haulmer.dte._base import reads_xml

__all__ = ["decimal_text", "whole_text"]

_XML_BLANKS: Final = " \t\n\r"
"""What the XSD's whiteSpace ``collapse`` of a number trims: other blanks are refused."""
_INTEGER: Final = re.compile(r"[+-]?[0-9]+")
_DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def whole_text(value: Any, info: ValidationInfo) -> Any:
    """An integer field's input, read from XML: text only as ``xs:integer`` writes it (trimmed
    of XML blanks), anything else as given. Raises ``ValueError`` saying what the schema allows."""
    if value.__class__ is not str or (value.isascii() and value.isdigit()):
        return value
    if not reads_xml(info.context):
        return value
    text = value.strip(_XML_BLANKS)
    if _INTEGER.fullmatch(text) is None:
        raise ValueError(
            f"{shown(value)} is not a whole number as the SII's schema writes one: ASCII digits "
            "with an optional sign, without a decimal point, exponent or separators"
        )
    return text


def decimal_text(value: Any, info: ValidationInfo) -> Any:
    """A decimal field's input, read from XML: text only as ``xs:decimal`` writes it (trimmed
    of XML blanks), anything else as given. Raises ``ValueError`` saying what the schema allows."""
    if value.__class__ is not str or (value.isascii() and value.replace(".", "", 1).isdigit()):
        return value
    if not reads_xml(info.context):
        return value
    text = value.strip(_XML_BLANKS)
    if _DECIMAL.fullmatch(text) is None:
        raise ValueError(
            f"{shown(value)} is not a number as the SII's schema writes one: ASCII digits with "
            "an optional sign and decimal point, without an exponent or separators"
        )
    return text

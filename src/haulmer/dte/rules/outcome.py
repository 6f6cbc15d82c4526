"""What checking a document yields, shared by every family's rules: problems and arithmetic."""

from __future__ import annotations

from typing import Any, NamedTuple

from haulmer.dte.models import Totales
from haulmer.dte.totals import LineAmounts
from haulmer.errors import ErrorDetail

__all__ = ["DocumentCheck", "blank"]


class DocumentCheck(NamedTuple):
    """What checking a document found, with the arithmetic it did on the way.

    ``line_amounts`` and ``totals`` are None when the calculator refused the lines (the
    reason is among the problems); the renderer reuses them instead of computing them again.
    """

    problems: list[ErrorDetail]
    line_amounts: list[LineAmounts] | None
    totals: Totales | None


def blank(value: Any) -> bool:
    """Missing for the SII: None, an empty list, or text that is only spaces."""
    return value is None or value == [] or (isinstance(value, str) and not value.strip())

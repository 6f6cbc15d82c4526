"""Decimal arithmetic that never runs out of digits: rounding and normalizing a value of any
size, so that an absurd amount reaches the check that names its field instead of raising
``decimal.InvalidOperation`` (the default context holds 28 digits) on the way."""

from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context
from typing import Final

__all__ = ["ANY_SIZE", "ANY_SIZE_HALF_UP"]

ANY_SIZE: Final = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Pass as ``context=`` to ``quantize`` and ``normalize``: exact at any size."""

ANY_SIZE_HALF_UP: Final = Context(
    prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_UP
)
"""``ANY_SIZE`` rounding half up: ``ANY_SIZE_HALF_UP.quantize(x, q)`` is
``x.quantize(q, rounding=ROUND_HALF_UP, context=ANY_SIZE)`` without the keywords to parse."""

"""The SDK's own decimal arithmetic, whatever decimal context the caller set.

``decimal`` works in a thread's context (``getcontext()``): a caller's ``prec = 6``,
``ROUND_FLOOR`` or trapped ``Inexact``/``FloatOperation`` would change totals, XML and errors.
Public entry points run in :data:`ARITHMETIC` through :func:`own_arithmetic`; rounding and
normalizing a value of any size use :data:`ANY_SIZE`, so that an absurd amount reaches the
check that names its field instead of raising ``decimal.InvalidOperation`` on the way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from decimal import (
    MAX_EMAX,
    MAX_PREC,
    MIN_EMIN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    getcontext,
    setcontext,
)
from typing import Final, ParamSpec, TypeVar

__all__ = ["ANY_SIZE", "ANY_SIZE_HALF_UP", "ARITHMETIC", "own_arithmetic"]

_TRAPS: Final = [InvalidOperation, DivisionByZero, Overflow]
"""Python's default traps, named: a ``Context()`` copies ``decimal.DefaultContext``, which a
caller may have changed before importing the SDK."""

ARITHMETIC: Final = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=_TRAPS,
)
"""The context the SDK computes in: Python's default, every field written out. Never entered
itself: :func:`own_arithmetic` enters a copy, which a call may change without touching others."""

ANY_SIZE: Final = Context(
    prec=MAX_PREC, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=_TRAPS
)
"""Pass as ``context=`` to ``quantize`` and ``normalize``: exact at any size (a division such
as 1/3 in it would take all memory: it is no context to compute in)."""

ANY_SIZE_HALF_UP: Final = Context(
    prec=MAX_PREC, rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=_TRAPS
)
"""``ANY_SIZE`` rounding half up: ``ANY_SIZE_HALF_UP.quantize(x, q)`` is
``x.quantize(q, rounding=ROUND_HALF_UP, context=ANY_SIZE)`` without the keywords to parse."""

_ENTERED: ContextVar[Context | None] = ContextVar("haulmer_arithmetic", default=None)
"""The copy of :data:`ARITHMETIC` an outer :func:`own_arithmetic` call entered: a call it
makes finds it current and enters nothing more."""

_P = ParamSpec("_P")
_R = TypeVar("_R")


def own_arithmetic(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """``function`` run in a copy of :data:`ARITHMETIC` and the caller's context restored after:
    one context entry per public call, none when an outer call already entered it."""

    @functools.wraps(function)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        callers = getcontext()
        if callers is _ENTERED.get():
            return function(*args, **kwargs)
        own = ARITHMETIC.copy()
        entered = _ENTERED.set(own)
        setcontext(own)
        try:
            return function(*args, **kwargs)
        finally:
            setcontext(callers)
            _ENTERED.reset(entered)

    return run

"""Decimal contexts a finance application sets, for differential tests: the SDK must give in
each of them the results and errors it gives in Python's default context.

``HOSTILE_CONTEXTS`` names them; ``outcome(work)`` is what ``work()`` answered or raised, to
compare; ``in_context(module, context)`` is ``module`` with its functions called in ``context``,
so that a test's own input generators keep the default context and only the SDK's calls run in
the caller's.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    Context,
    FloatOperation,
    Inexact,
    Rounded,
    localcontext,
)
from types import SimpleNamespace
from typing import Any


def _trapping(*signals: type[ArithmeticError]) -> Context:
    context = Context()
    for signal in signals:
        context.traps[signal] = True
    return context


HOSTILE_CONTEXTS: dict[str, Callable[[], Context]] = {
    "prec 3": lambda: Context(prec=3),
    "prec 6": lambda: Context(prec=6),
    "prec 50": lambda: Context(prec=50),
    "ROUND_FLOOR": lambda: Context(rounding=ROUND_FLOOR),
    "ROUND_CEILING": lambda: Context(rounding=ROUND_CEILING),
    "traps Inexact": lambda: _trapping(Inexact),
    "traps Rounded": lambda: _trapping(Rounded),
    "traps FloatOperation": lambda: _trapping(FloatOperation),
    "Emax 5": lambda: Context(Emax=5, Emin=-5),
    "all at once": lambda: _all_at_once(),
}
"""Each a fresh context: precision too low or high, rounding down or up, traps on what exact
arithmetic never signals, an exponent limit a peso total passes."""


def _all_at_once() -> Context:
    context = _trapping(Inexact, Rounded, FloatOperation)
    context.prec, context.rounding, context.Emax = 4, ROUND_FLOOR, 6
    return context


def outcome(work: Callable[[], Any]) -> tuple[str, Any]:
    """``("answer", what work() returned)`` or ``("error", its type and message)``."""
    try:
        return ("answer", work())
    except Exception as exc:  # every error is compared, typed or not
        return ("error", (type(exc), str(exc)))


def in_context(module: Any, context: Callable[[], Context]) -> SimpleNamespace:
    """``module`` with each public function called in a fresh ``context()``."""

    def called_in(function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            with localcontext(context()):
                return function(*args, **kwargs)

        return call

    names = {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}
    return SimpleNamespace(
        **{
            name: called_in(value) if callable(value) and not isinstance(value, type) else value
            for name, value in names.items()
        }
    )

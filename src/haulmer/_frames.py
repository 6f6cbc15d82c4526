"""An error's chain, and tracebacks that show no secret: the locals of the frames a refusal
passed through, dropped."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from types import TracebackType
from typing import TypeVar

__all__ = ["LocalsForgottenOnRefusal", "caused_by", "chain", "forget_locals"]

_E = TypeVar("_E", bound=BaseException)


def chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, then its ``__cause__`` (else its ``__context__``), and so on, each once: a
    chain that loops back on itself ends where it would repeat."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def caused_by(error: BaseException, kind: type[_E]) -> _E | None:
    """The first ``kind`` error in ``error``'s chain, if any: a library's own error often says
    less than the one it was raised from (a certificate refused, a name no DNS knows)."""
    return next((link for link in chain(error) if isinstance(link, kind)), None)


def forget_locals(error: BaseException) -> None:
    """Drop the locals of the finished frames ``error`` (and what it chains) passed through: a
    request's builder, ``load_pfx`` or the password policy held the password, the .pfx or the
    e-mail token they refused, which error trackers recording locals show. A frame still
    running keeps its own locals; the face method drops its secrets itself."""
    for link in chain(error):
        traceback.clear_frames(link.__traceback__)


class LocalsForgottenOnRefusal:
    """``with LocalsForgottenOnRefusal():`` around the local checks of a call that takes a
    secret: an error raised in it leaves no local in the frames it passed through
    (``forget_locals``); the method still drops its own secrets, in a ``finally``."""

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if isinstance(error, Exception):
            forget_locals(error)

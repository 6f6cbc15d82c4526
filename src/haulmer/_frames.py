"""Tracebacks that show no secret: the locals of the frames a refusal passed through, dropped."""

from __future__ import annotations

import traceback
from types import TracebackType

__all__ = ["LocalsForgottenOnRefusal", "forget_locals"]


def forget_locals(error: BaseException) -> None:
    """Drop the locals of the finished frames ``error`` (and what it chains) passed through: a
    request's builder, ``load_pfx`` or the password policy held the password, the .pfx or the
    e-mail token they refused, which error trackers recording locals show. A frame still
    running keeps its own locals; the face method drops its secrets itself."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__


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

"""Tracebacks that show no secret: the locals of the frames a refusal passed through, dropped."""

from __future__ import annotations

import traceback

__all__ = ["forget_locals"]


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

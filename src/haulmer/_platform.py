"""Pure helpers the platform resources share: id paths, caller input as models, polling waits.

Used by checkout, accounts, workspace and OpenFactura setup and certification, whose sync and
async faces then stay a signature plus one line; the resource bases run a ``Poll``'s sleep loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Any, Generic, TypeVar

import pydantic

from haulmer.errors import InvalidRutError, ValidationError

__all__ = ["EMAIL_ADDRESS", "PHONE_NUMBER", "Poll", "as_enum", "as_model", "id_path"]

EMAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
"""What the platform accepts as an e-mail address (checked by the SDK and by the fake alike)."""

PHONE_NUMBER = re.compile(r"\+?[0-9 ()-]{8,20}")
"""What the platform accepts as a phone number: digits, spaces, ``()-`` and a leading ``+``."""

E = TypeVar("E", bound=Enum)
M = TypeVar("M", bound=pydantic.BaseModel)
S = TypeVar("S")


def id_path(collection: str, value: Any, *, name: str, kind: str, suffix: str = "") -> str:
    """``collection/value`` plus ``suffix``, once ``value`` is one id (text, not empty, no '/')."""
    if not isinstance(value, str) or not value or "/" in value:
        raise ValidationError(f"{name} must be {kind}, got {value!r}")
    return f"{collection}/{value}{suffix}"


def as_enum(enum: type[E], value: Any, what: str) -> E:
    """``value`` as a member of ``enum``; a ValidationError listing the accepted values if not."""
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(str(member.value) for member in enum)
        raise ValidationError(f"unknown {what} {value!r}; use one of {known}") from None


def as_model(model: type[M], value: Any, what: str) -> M:
    """Validate caller input into ``model``: InvalidRutError for a bad RUT, else ValidationError."""
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except pydantic.ValidationError as error:
        problems = []
        for item in error.errors():
            cause = (item.get("ctx") or {}).get("error")
            if isinstance(cause, InvalidRutError):
                raise cause from None
            where = ".".join(str(part) for part in item["loc"]) or what
            problems.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
        raise ValidationError(f"{what} is not valid: " + "; ".join(problems)) from None


class Poll(Generic[S]):
    """The decisions of a ``wait...()`` loop on the client's clock (the resource's ``_poll`` fetches
    and sleeps): when to stop, how long to sleep, and the error raised at the deadline.
    """

    def __init__(
        self,
        *,
        timeout: float,
        poll_interval: float,
        clock: Callable[[], float],
        done: Callable[[S], bool],
        timed_out: Callable[[S, float], Exception],
    ) -> None:
        if timeout < 0:
            raise ValidationError(f"timeout must be zero or more seconds, got {timeout}")
        if poll_interval <= 0:
            raise ValidationError(
                f"poll_interval must be more than zero seconds, got {poll_interval}"
            )
        self._timeout = timeout
        self._poll_interval = poll_interval
        self._clock = clock
        self._done = done
        self._timed_out = timed_out
        self._start = clock()
        self._last: S | None = None

    def next_sleep(self, answer: S) -> float | None:
        """None when ``answer`` is what was awaited, else how long to sleep before polling again."""
        self._last = answer
        if self._done(answer):
            return None
        waited = self._clock() - self._start
        if waited >= self._timeout:
            raise self._timed_out(answer, waited)
        return min(self._poll_interval, self._timeout - waited)

    @property
    def last(self) -> S:
        """The last answer polled (the awaited one once ``next_sleep`` returned None)."""
        if self._last is None:
            raise RuntimeError("Poll.last is read before any answer was polled")
        return self._last

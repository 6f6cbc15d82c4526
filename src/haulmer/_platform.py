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

from haulmer._retry import Failure, should_retry
from haulmer.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    InvalidRutError,
    ValidationError,
    WaitTimeoutError,
)

__all__ = [
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "Poll",
    "as_enum",
    "as_model",
    "describe_failure",
    "id_path",
    "is_transient",
]

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
    and sleeps): when to stop, how long to sleep, which failed polls to ride out, and the error
    raised at the deadline.
    """

    def __init__(
        self,
        *,
        timeout: float,
        poll_interval: float,
        clock: Callable[[], float],
        done: Callable[[S], bool],
        timed_out: Callable[[S | None, float], str],
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
        self._last_error: APIError | None = None

    def next_sleep(self, answer: S) -> float | None:
        """None when ``answer`` is what was awaited, else how long to sleep before polling again."""
        self._last = answer
        self._last_error = None
        if self._done(answer):
            return None
        waited = self._clock() - self._start
        if waited >= self._timeout:
            raise self._deadline(waited)
        return min(self._poll_interval, self._timeout - waited)

    def sleep_after_error(self, error: APIError) -> float | None:
        """How long to sleep after a poll failed with a transient ``error`` (a dropped connection,
        5xx, 429...: what the retry policy retries), or None when it will not go away (4xx, bad
        body) and the caller re-raises it. WaitTimeoutError at the deadline, or at once when the
        server asks to come back only after it.
        """
        if not is_transient(error):
            return None
        self._last_error = error
        waited = self._clock() - self._start
        remaining = self._timeout - waited
        if remaining <= 0:
            raise self._deadline(waited)
        server = error.retry_after if isinstance(error, APIStatusError) else None
        if server is not None and server > remaining:
            raise self._deadline(waited, f"; the server asked to retry in {server:.0f} s")
        return min(max(self._poll_interval, server or 0.0), remaining)

    def _deadline(self, waited: float, extra: str = "") -> WaitTimeoutError:
        message = self._timed_out(self._last, waited)
        if self._last_error is not None:
            message += f" The last poll failed: {describe_failure(self._last_error)}{extra}."
        error = WaitTimeoutError(message, last=self._last, waited=waited)
        error.__cause__ = self._last_error
        return error

    @property
    def last(self) -> S:
        """The last answer polled (the awaited one once ``next_sleep`` returned None)."""
        if self._last is None:
            raise RuntimeError("Poll.last is read before any answer was polled")
        return self._last


def is_transient(error: APIError) -> bool:
    """Whether a failed poll may succeed later, by the retry policy's rules for a safe call."""
    if isinstance(error, APIConnectionError):
        failure = (
            Failure.TIMEOUT
            if isinstance(error, APITimeoutError)
            else Failure.NETWORK
            if error.request_sent
            else Failure.CONNECT
        )
        return should_retry(failure=failure, retry_safe=True)
    if isinstance(error, APIStatusError):
        return should_retry(status_code=error.status_code, code=error.code, retry_safe=True)
    return False


def describe_failure(error: APIError) -> str:
    """A short account of a failed poll for a timeout message: its status and code, or its kind
    (the error's own text may be long; it stays reachable as the timeout's ``__cause__``)."""
    if isinstance(error, APIStatusError):
        return f"HTTP {error.status_code}" + (f" {error.code}" if error.code else "")
    if isinstance(error, APITimeoutError):
        return "the request timed out"
    if isinstance(error, APIConnectionError):
        return "the connection failed"
    return type(error).__name__

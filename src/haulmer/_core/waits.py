"""The decisions of a ``wait...()`` call, pure: when to stop polling, how long to sleep, which
failed polls to ride out, and the error raised at the deadline. ``plans.poll`` runs them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from haulmer._core.retry import MAX_SERVER_WAIT, is_transient
from haulmer._core.types import LONGEST_TIMEOUT
from haulmer._shown import shown
from haulmer.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    ValidationError,
    WaitTimeoutError,
)

__all__ = ["Poll", "describe_failure"]

S = TypeVar("S")


class Poll(Generic[S]):
    """The decisions of a ``wait...()`` loop on the client's clock (``plans.poll`` fetches and
    sleeps): when to stop, how long to sleep, which failed polls to ride out, and the error
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
        if not _is_seconds(timeout) or timeout < 0:
            raise ValidationError(
                f"timeout must be zero or more seconds (math.inf: no deadline), got "
                f"{shown(timeout)}"
            )
        if not _is_seconds(poll_interval) or not 0 < poll_interval <= LONGEST_TIMEOUT:
            raise ValidationError(
                f"poll_interval must be more than zero seconds (at most {LONGEST_TIMEOUT:,.0f}), "
                f"got {shown(poll_interval)}"
            )
        timeout = float(timeout) if timeout <= LONGEST_TIMEOUT else math.inf
        self._timeout = timeout
        self._poll_interval = poll_interval
        self._clock = clock
        self._done = done
        self._timed_out = timed_out
        self._start = clock()
        self._last: S | None = None
        self._last_error: APIError | None = None

    @property
    def deadline(self) -> float:
        """The clock's reading at which the wait ends (``math.inf``: none)."""
        return self._start + self._timeout

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
        if server is not None and math.isinf(remaining):
            # Without a deadline nothing of the caller's bounds the server's word: a year asked
            # for is slept as the retry loop sleeps it (at most MAX_SERVER_WAIT), then polled.
            server = min(server, MAX_SERVER_WAIT)
        return min(max(self._poll_interval, server or 0.0), remaining, LONGEST_TIMEOUT)

    def _deadline(self, waited: float, extra: str = "") -> WaitTimeoutError:
        message = self._timed_out(self._last, waited)
        if self._last_error is not None:
            message += f" The last poll failed: {describe_failure(self._last_error)}{extra}."
        # What the SDK's waits poll, which WaitTimeoutError.last names for the caller (a test
        # keeps the two in step): the core sits below the products and names none of them.
        last: Any = self._last
        error = WaitTimeoutError(message, last=last, waited=waited)
        error.__cause__ = self._last_error
        return error

    @property
    def last(self) -> S:
        """The last answer polled (the awaited one once ``next_sleep`` returned None)."""
        if self._last is None:
            raise RuntimeError("Poll.last is read before any answer was polled")
        return self._last


def _is_seconds(value: object) -> bool:
    """Whether ``value`` is a number of seconds: an int or a float, not NaN (nor a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


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

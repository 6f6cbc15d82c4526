"""The retry policy, pure: which failures are retried, how long to wait before the next try, and
what the one retry loop (the runners') must remember: whether an attempt may have been carried out.
"""

from __future__ import annotations

import datetime
import email.utils
import enum
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from haulmer._core.log import logger
from haulmer.errors import (
    AlreadyIssuedError,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    RateLimiterUnavailableError,
)

__all__ = [
    "CARRIED_OUT_UNREADABLY",
    "MAX_BACKOFF",
    "MAX_SERVER_WAIT",
    "CallAttempts",
    "Failure",
    "backoff",
    "failure_of",
    "is_retried",
    "is_transient",
    "may_have_acted",
    "parse_retry_after",
    "server_wait",
    "should_retry",
    "wait_before_retry",
]

MAX_SERVER_WAIT: Final = 60.0
"""The longest the retry loop sleeps on a server's word (seconds); longer waits are cut to it."""

CARRIED_OUT_UNREADABLY: Final = (
    "The call was carried out (the server answered 2xx) although its answer could not be read: "
    "check what it changed (retrieve it) before repeating it, or it may be done twice."
)
"""What the error of a call that changes something, carries no idempotency key and was answered
2xx unreadably adds to its message."""

INITIAL_BACKOFF: Final = 0.5
MAX_BACKOFF: Final = 8.0
_DOUBLINGS_TO_MAX: Final = math.ceil(math.log2(MAX_BACKOFF / INITIAL_BACKOFF))
"""Retries after which the backoff is ``MAX_BACKOFF``, however many more max_retries asks."""

_ALWAYS_RETRIED_STATUSES: Final = frozenset({408, 429})
_ALWAYS_RETRIED_CODES: Final = frozenset({"OF-21"})
_NEVER_RETRIED_CODES: Final = frozenset({"OF-429", "too_many_attempts"})
"""429s that no retry gets through: OF-429 is ``registry.sync_rcv()``'s window per taxpayer and
registro, minutes long, where every attempt is refused again; ``too_many_attempts`` is a login's
lock after failed logins, as long."""
_TRY_AGAIN = re.compile(r"try again in\s+(\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s)\b", re.IGNORECASE)


class Failure(enum.Enum):
    """How a request failed without an HTTP answer."""

    CONNECT = "connect"
    """Nothing reached the server (connect error, connect or pool timeout)."""
    TIMEOUT = "timeout"
    """The request was sent, the answer did not come in time."""
    NETWORK = "network"
    """The connection broke after the request was (perhaps) sent."""


def should_retry(
    *,
    failure: Failure | None = None,
    status_code: int | None = None,
    code: str | None = None,
    retry_safe: bool,
) -> bool:
    """Whether a failed attempt may be retried: refused connections, 408, 429 (but OF-429) and
    OF-21 always (nothing was done); timeouts, broken connections, 5xx only if ``retry_safe``;
    other 4xx never.
    """
    if failure is Failure.CONNECT:
        return True
    if failure is not None:
        return retry_safe
    if status_code is None or code in _NEVER_RETRIED_CODES:
        return False
    if status_code in _ALWAYS_RETRIED_STATUSES or code in _ALWAYS_RETRIED_CODES:
        return True
    if status_code >= 500:
        return retry_safe
    return False


_HEADER_VALUES = re.compile(r"[A-Za-z]+,[^,]*|[^,]+")
"""The values of a header sent more than once, which httpx joins with ", ": an HTTP date keeps
the comma after its weekday ("Sun, 06 Nov 1994 08:49:37 GMT")."""


def parse_retry_after(value: str, *, now: float) -> float | None:
    """Seconds to wait from a Retry-After value: a number of seconds or an HTTP date; None for
    a negative number, which is no wait a server means (a date already past is 0). A header
    sent twice (a proxy's and the server's, joined by httpx) is the longer of its waits."""
    waits = [_one_retry_after(part, now=now) for part in _HEADER_VALUES.findall(value)]
    return max((wait for wait in waits if wait is not None), default=None)


def _one_retry_after(value: str, *, now: float) -> float | None:
    """``parse_retry_after`` of one value."""
    text = value.strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return _seconds_until(text, now=now)
    return _as_seconds(number)


def _seconds_until(http_date: str, *, now: float) -> float | None:
    """Seconds from ``now`` to an HTTP date, read as GMT also when it names no zone (the asctime
    form, or "-0000"), never in the machine's zone; 0 once past, None if it is no date (one
    whose year or offset no calendar holds included)."""
    moment = _http_date_timestamp(http_date)
    if moment is None:
        return None
    seconds = moment - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


def _http_date_timestamp(http_date: str) -> float | None:
    """The POSIX time of an HTTP date, read as GMT also when it names no zone (the asctime form,
    or "-0000"); None if it is no date, or one whose year or offset no calendar holds."""
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.timestamp()


def _as_seconds(value: object) -> float | None:
    """A wait of the server's in seconds (a number, or its text), or None: not a number, not
    finite, or negative."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:  # an int past any float: no wait to keep
            return None
    elif isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        return None
    return seconds


def server_wait(
    headers: Mapping[str, str],
    *,
    message: str | None = None,
    retry_after_field: object = None,
    now: float,
) -> float | None:
    """The wait the server asked for (lowercase ``retry-after-ms``/``retry-after`` headers, body
    ``retry_after``, then "Try again in X seconds"), else None. Not capped: it is what an error's
    ``retry_after`` reports; ``wait_before_retry`` caps what the retry loop sleeps.
    """
    seconds: float | None = None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        each = (_as_seconds(part) for part in millis.split(","))
        ms = max((value for value in each if value is not None), default=None)
        seconds = None if ms is None else ms / 1000.0
    if seconds is None and "retry-after" in headers:
        seconds = parse_retry_after(headers["retry-after"], now=_server_now(headers, now))
    if seconds is None and retry_after_field is not None:
        seconds = _as_seconds(retry_after_field)
    if seconds is None and message:
        match = _TRY_AGAIN.search(message)
        if match:
            seconds = float(match.group(1))
    return seconds


def _server_now(headers: Mapping[str, str], now: float) -> float:
    """The moment of the answer on the server's clock (its ``Date`` header), else ``now``: a
    Retry-After date is the server's, so a machine clock ahead of it would read it as past."""
    moment = _http_date_timestamp(headers.get("date", ""))
    return now if moment is None or math.isnan(moment) or math.isinf(moment) else moment


def backoff(attempt: int, *, jitter: float) -> float:
    """Exponential backoff for retry number ``attempt`` (1 = first retry), less up to 25% jitter.

    ``jitter`` is a number in [0, 1) (``random.random()``), passed in so the result is testable.
    """
    doublings = min(max(attempt - 1, 0), _DOUBLINGS_TO_MAX)  # 2.0 ** 1024 is past any float
    base: float = min(INITIAL_BACKOFF * 2.0**doublings, MAX_BACKOFF)
    return base * (1.0 - 0.25 * jitter)


def wait_before_retry(attempt: int, *, server: float | None, jitter: float) -> float:
    """Seconds to wait before retry ``attempt``: the server's word (at most MAX_SERVER_WAIT) if
    any, else backoff.
    """
    if server is not None:
        return min(server, MAX_SERVER_WAIT)
    return backoff(attempt, jitter=jitter)


def failure_of(error: APIConnectionError) -> Failure:
    """How a request failed without an answer: nothing sent, no answer in time, or a break."""
    if not error.request_sent:
        return Failure.CONNECT
    return Failure.TIMEOUT if isinstance(error, APITimeoutError) else Failure.NETWORK


def is_retried(error: APIError, *, retry_safe: bool) -> bool:
    """Whether a call that failed with ``error`` is tried again, by ``should_retry``'s rules."""
    if isinstance(error, APIStatusError):
        return should_retry(status_code=error.status_code, code=error.code, retry_safe=retry_safe)
    if isinstance(error, APIConnectionError):
        return should_retry(failure=failure_of(error), retry_safe=retry_safe)
    return False


def is_transient(error: APIError) -> bool:
    """Whether a failure may go away by itself: what the policy retries for a safe call."""
    return is_retried(error, retry_safe=True)


def may_have_acted(error: APIError) -> bool:
    """Whether the server may have done the work of an attempt that failed with ``error``.

    Not when nothing was sent, nor for 408, 429 and OF-21 (the server says it did nothing);
    yes for a timeout or a broken connection after sending, for a 5xx, and for a 2xx answer
    that could not be read (one too large); not for a redirect, which was not followed.
    """
    if isinstance(error, APIStatusError):
        return error.status_code >= 500 and error.code != "OF-21"
    if isinstance(error, APIConnectionError):
        return error.request_sent
    if isinstance(error, APIResponseValidationError):
        return error.status_code < 300 or error.status_code >= 500
    return False


@dataclass
class CallAttempts:
    """What the retry loop knows of one call: the attempt under way, and whether any attempt so
    far may have been carried out by the server although its answer was lost.

    ``idempotency_key`` is the key the call sends (None: it has none); ``creates`` names what it
    makes, for the error that says it may exist ("": a key of the SDK's own on a call that makes
    nothing new, which no error names).
    """

    max_retries: int
    retry_safe: bool
    idempotency_key: str | None = None
    creates: str = "what this call creates"
    call: object = "the call"
    """How the call is named in the log: its ``str()`` ("POST https://...", credentials
    redacted), taken only when a retry is logged."""
    number: int = 1
    acted: bool = field(default=False)
    wait: float = 0.0
    """The wait before the next attempt, once ``retries`` said there is one."""
    deadline: float | None = None
    """The ``clock`` reading by which a retry's wait must end (a ``wait...()``'s timeout), or
    None: no retry is refused for its wait."""
    clock: Callable[[], float] | None = None

    def retries(self, error: BaseException) -> bool:
        """Whether the call is tried again after ``error`` (tenacity's ``retry`` predicate);
        logs the retry and keeps its wait for ``next_wait``."""
        if not isinstance(error, APIError):
            if isinstance(error, (ClientClosedError, RateLimiterUnavailableError)):
                self._note_lost_answer(error)  # nothing sent this time, but maybe before
            return False
        wait = self.after_failure(error, jitter=random.random())
        if wait is None:
            return False
        self.wait = wait
        logger.info(
            "Retrying %s in %.2f s (retry %d of %d) after %s",
            self.call,
            wait,
            self.number - 1,
            self.max_retries,
            type(error).__name__,
        )
        return True

    def next_wait(self, _state: object = None) -> float:
        """The wait ``retries`` chose (tenacity's ``wait``)."""
        return self.wait

    def after_failure(self, error: APIError, *, jitter: float) -> float | None:
        """Seconds to wait before the next attempt, or None: ``error`` ends the call.

        Before it ends the call, ``error`` learns whether an attempt may have been carried out:
        with a key, it then says so and names the key to repeat with (see ``APIError``).
        """
        self.acted = self.acted or may_have_acted(error)
        if self.number <= self.max_retries and is_retried(error, retry_safe=self.retry_safe):
            server = error.retry_after if isinstance(error, APIStatusError) else None
            wait = wait_before_retry(self.number, server=server, jitter=jitter)
            if not self._ends_past_deadline(max(wait, server or 0.0)):  # the server's full word
                self.number += 1
                return wait
        if self._note_lost_answer(error) and isinstance(error, APIConnectionError):
            error.request_sent = True  # this attempt reached nothing; an earlier one did
        elif self.acted and not self.retry_safe:
            error.note_unknown_outcome()  # its message says to check before repeating it
        return None

    def _ends_past_deadline(self, wait: float) -> bool:
        """Whether a retry after ``wait`` seconds would go out past ``deadline``."""
        if self.deadline is None or self.clock is None:
            return False
        return self.clock() + wait > self.deadline

    def _note_lost_answer(
        self, error: APIError | ClientClosedError | RateLimiterUnavailableError
    ) -> bool:
        """Have ``error``, which ends the call, say that an earlier attempt may have been
        carried out and name the key, if one may have been; whether it was told."""
        if not (self.acted and self.idempotency_key and self.creates):
            return False
        token = error.token if isinstance(error, AlreadyIssuedError) else None
        error.note_lost_answer(
            idempotency_key=self.idempotency_key, creates=self.creates, token=token
        )
        return True

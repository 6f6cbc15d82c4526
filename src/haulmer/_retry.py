"""The retry policy, pure: which failures are retried and how long to wait before the next try.

tenacity runs the loop (in ``_http.py``); every decision it needs is made here, without I/O.
"""

from __future__ import annotations

import email.utils
import enum
import math
import re
from collections.abc import Mapping
from typing import Final

__all__ = [
    "MAX_SERVER_WAIT",
    "Failure",
    "backoff",
    "parse_retry_after",
    "server_wait",
    "should_retry",
    "wait_before_retry",
]

MAX_SERVER_WAIT: Final = 60.0
"""The longest the retry loop sleeps on a server's word (seconds); longer waits are cut to it."""

INITIAL_BACKOFF: Final = 0.5
MAX_BACKOFF: Final = 8.0

_ALWAYS_RETRIED_STATUSES: Final = frozenset({408, 429})
_ALWAYS_RETRIED_CODES: Final = frozenset({"OF-21"})
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
    """Whether a failed attempt may be retried: refused connections, 408, 429 and OF-21 always
    (nothing was done); timeouts, broken connections, 5xx only if ``retry_safe``; other 4xx never.
    """
    if failure is Failure.CONNECT:
        return True
    if failure is not None:
        return retry_safe
    if status_code is None:
        return False
    if status_code in _ALWAYS_RETRIED_STATUSES or code in _ALWAYS_RETRIED_CODES:
        return True
    if status_code >= 500:
        return retry_safe
    return False


def parse_retry_after(value: str, *, now: float) -> float | None:
    """Seconds to wait from a Retry-After value: a number of seconds or an HTTP date."""
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - now
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


def _as_seconds(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(seconds, 0.0)


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
        ms = _as_seconds(millis)
        seconds = None if ms is None else ms / 1000.0
    if seconds is None and "retry-after" in headers:
        seconds = parse_retry_after(headers["retry-after"], now=now)
    if seconds is None and retry_after_field is not None:
        seconds = _as_seconds(retry_after_field)
    if seconds is None and message:
        match = _TRY_AGAIN.search(message)
        if match:
            seconds = float(match.group(1))
    return seconds


def backoff(attempt: int, *, jitter: float) -> float:
    """Exponential backoff for retry number ``attempt`` (1 = first retry), less up to 25% jitter.

    ``jitter`` is a number in [0, 1) (``random.random()``), passed in so the result is testable.
    """
    base: float = min(INITIAL_BACKOFF * 2.0 ** max(attempt - 1, 0), MAX_BACKOFF)
    return base * (1.0 - 0.25 * jitter)


def wait_before_retry(attempt: int, *, server: float | None, jitter: float) -> float:
    """Seconds to wait before retry ``attempt``: the server's word (at most MAX_SERVER_WAIT) if
    any, else backoff.
    """
    if server is not None:
        return min(server, MAX_SERVER_WAIT)
    return backoff(attempt, jitter=jitter)

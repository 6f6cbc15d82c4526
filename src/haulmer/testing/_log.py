"""The request log: every request the fake received, what it answered and what went wrong."""

from __future__ import annotations

import datetime as dt
import json as jsonlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, overload

from haulmer._forks import ForkSafeLock
from haulmer._shown import shown
from haulmer.testing._router import Router, designates
from haulmer.testing._wire import Headers

__all__ = ["DEFAULT_LOG_SIZE", "LoggedRequest", "RequestLog", "without_secrets"]

SECRET_FIELDS = ("password", "password_confirmation", "pfx_base64")
"""The body fields the log never keeps as sent: an account's password (and its confirmation) at
``/v1/accounts/password`` and login, and a signature's .pfx file and its password at its upload."""

MASK = "***"
"""What the log keeps in place of a secret."""


def without_secrets(content: bytes) -> bytes:
    """A JSON object body with its passwords and .pfx replaced by ``***``, their names spelt
    with JSON escapes (``"pass\\u0077ord"``) too; a body naming one that is no JSON object
    (a trailing comma, Latin-1, a list) all ``***``; any other body as it came."""
    named = b'"password' in content or b'"pfx_base64' in content
    if not named and b"\\u" not in content:
        return content  # most bodies, a DTE's among them, are never parsed here
    try:
        body = jsonlib.loads(content.decode("utf-8", "surrogatepass"))
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return MASK.encode("ascii") if named else content  # where its secret is, is unknown
    if not any(name in body for name in SECRET_FIELDS):
        return content
    masked = {name: MASK if name in SECRET_FIELDS else value for name, value in body.items()}
    return jsonlib.dumps(masked, ensure_ascii=False).encode("utf-8", "surrogatepass")


Outcome = Literal["answered", "failed", "dropped_before", "dropped_after", "timed_out"]


@dataclass
class LoggedRequest:
    """One request as received, with the answer (``status`` None when the connection dropped).

    ``content`` is the body as sent, but for its passwords and .pfx, kept as ``***``
    (``without_secrets``).
    """

    method: str
    path: str
    query: dict[str, str]
    headers: Headers
    content: bytes
    route: str | None
    at: dt.datetime
    status: int | None = None
    response: Any = None
    outcome: Outcome = "answered"
    request_id: str | None = None
    """The ``X-Request-Id`` the fake answered with, as a client reads it from its answer."""

    def json(self) -> Any:
        """The request body parsed as JSON."""
        return jsonlib.loads(self.content.decode("utf-8"))

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status} {self.outcome} route={self.route!r}>"


DEFAULT_LOG_SIZE = 1000
"""How many requests the log keeps by default; older ones are forgotten (``maxlen`` changes it)."""


class RequestLog(Sequence[LoggedRequest]):
    """The most recent requests in arrival order (a ring buffer), with small query helpers.

    It keeps the last ``maxlen`` requests (1,000 by default; ``None`` keeps every one) so that a
    long suite or a soak test does not hold every body and answer forever; ``total`` counts every
    request ever logged. Reads and writes are safe from several threads.
    """

    def __init__(
        self, maxlen: int | None = DEFAULT_LOG_SIZE, *, router: Router | None = None
    ) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=_check_size(maxlen))
        self._router = router
        """The fake's routes: :meth:`for_route` reads templates with them and refuses a typo."""
        self._lock = ForkSafeLock()
        self.total: int = 0
        """Requests logged since the fake started or was reset, forgotten ones included."""

    @property
    def maxlen(self) -> int | None:
        """How many requests the log keeps (``None``: all of them)."""
        return self._entries.maxlen

    @maxlen.setter
    def maxlen(self, size: int | None) -> None:
        with self._lock:
            self._entries = deque(self._entries, maxlen=_check_size(size))

    def append(self, entry: LoggedRequest) -> None:
        """Log one request (the oldest is forgotten when the log is full)."""
        with self._lock:
            self._entries.append(entry)
            self.total += 1

    def clear(self) -> None:
        """Forget every request (and reset ``total``)."""
        with self._lock:
            self._entries.clear()
            self.total = 0

    def _snapshot(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    @overload
    def __getitem__(self, index: int) -> LoggedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[LoggedRequest]: ...

    def __getitem__(self, index: int | slice) -> LoggedRequest | list[LoggedRequest]:
        if isinstance(index, slice):
            return self._snapshot()[index]
        with self._lock:
            return self._entries[index]

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(self._snapshot())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RequestLog):
            return self._snapshot() == other._snapshot()
        if isinstance(other, (list, tuple)):
            return self._snapshot() == list(other)
        return NotImplemented

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def for_route(self, selector: str) -> list[LoggedRequest]:
        """The requests ``selector`` designates, as the control reads it: a route name, a path
        template, "METHOD template", a literal path or "METHOD path".

        A selector that designates no request and nothing the fake serves (a typo such as
        ``"openfactura.document.emit"``) is a ValueError naming the close matches, so that an
        assertion that nothing was asked cannot pass by misspelling.
        """
        if not isinstance(selector, str):
            raise TypeError(f"a route selector is text, got {type(selector).__name__}")
        found = [r for r in self if self._designates(selector, r)]
        if not found and self._router is not None:
            self._router.check_selector(selector)
        return found

    def _designates(self, selector: str, entry: LoggedRequest) -> bool:
        if selector == entry.route:
            return True
        route = None
        if self._router is not None and entry.route is not None and "{" in selector:
            match = self._router.match(entry.method, entry.path)
            route = None if match is None else match[0]
        return designates(selector, route, entry.method, entry.path)

    @property
    def last(self) -> LoggedRequest:
        """The most recent request (IndexError, saying so, when the log is empty)."""
        with self._lock:
            if not self._entries:
                raise IndexError(
                    "fake.requests.last: the fake has received no request since it was made or "
                    "reset (was the client built on another fake?)"
                )
            return self._entries[-1]

    def __repr__(self) -> str:
        return f"RequestLog({len(self)} of {self.total} requests, maxlen={self.maxlen})"


def _check_size(size: int | None) -> int | None:
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"the request log's size must be an int >= 1 or None, got {shown(size)}")
    return size

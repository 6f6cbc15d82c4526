"""The request log: every request the fake received, what it answered and what went wrong."""

from __future__ import annotations

import datetime as dt
import json as jsonlib
from dataclasses import dataclass
from typing import Any, Literal

from haulmer.testing._wire import Headers

__all__ = ["LoggedRequest", "RequestLog"]

Outcome = Literal["answered", "failed", "dropped_before", "dropped_after", "timed_out"]


@dataclass
class LoggedRequest:
    """One request as received, with the answer (``status`` None when the connection dropped)."""

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

    def json(self) -> Any:
        """The request body parsed as JSON."""
        return jsonlib.loads(self.content.decode("utf-8"))

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status} {self.outcome} route={self.route!r}>"


class RequestLog(list[LoggedRequest]):
    """A list of :class:`LoggedRequest` in arrival order, with small query helpers."""

    def for_route(self, selector: str) -> list[LoggedRequest]:
        """Requests whose route name, or literal path, or "METHOD path" equals ``selector``."""
        return [r for r in self if selector in (r.route, r.path, f"{r.method} {r.path}")]

    @property
    def last(self) -> LoggedRequest:
        """The most recent request (IndexError when the log is empty)."""
        return self[-1]

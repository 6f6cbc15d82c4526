"""The fake's own request/response objects: what a route handler receives and returns.

Independent of httpx so that the in-process transport and the loopback HTTP server share handlers.
"""

from __future__ import annotations

import datetime as dt
import json as jsonlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from haulmer._core.log import is_secret_header

__all__ = ["MAX_BODY", "FakeRequest", "FakeResponse", "Headers", "body_too_large"]

MAX_BODY = 32 * 1024 * 1024
"""The largest request body the fake reads (bytes), over HTTP and in-process alike; a larger
one is answered 413 (:func:`body_too_large`) before any route sees it."""


class Headers(Mapping[str, str]):
    """A read-only, case-insensitive header mapping (the last value wins for repeated names)."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._data: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            self._data[name.lower()] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._data[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._data

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._data.values())

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        shown = {k: ("***" if is_secret_header(k) else v) for k, v in self.items()}
        return f"Headers({shown!r})"


@dataclass
class FakeRequest:
    """One request as a fake route handler sees it (host ignored, routing by path)."""

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: Headers = field(default_factory=Headers)
    content: bytes = b""
    path_params: dict[str, str] = field(default_factory=dict)
    route_name: str | None = None
    arrived_at: dt.datetime | None = None
    """When the request arrived, on the fake's clock: what the gateway's rate limit counts and
    the request log records. ``None``: when it is served."""

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` when it is not JSON)."""
        return parse_json(self.content)

    def __repr__(self) -> str:
        return f"FakeRequest({self.method} {self.path}, route={self.route_name!r})"


def parse_json(content: bytes, *, exact_numbers: bool = False) -> Any:
    """``content`` parsed as JSON; ``ValueError`` for anything a server would answer 400 to:
    bytes that are not UTF-8, text that is not JSON (``NaN`` and ``Infinity`` included, which
    Python's parser takes and JSON has not), and JSON nested deeper than the parser goes
    (``[[[[...`` a hundred thousand deep), which Python's parser reports otherwise.

    ``exact_numbers`` reads numbers with decimals as Decimals, every digit kept (a DTE's
    QtyItem and PrcItem have up to 18, a float keeps 17)."""
    parse_float = Decimal if exact_numbers else None
    try:
        return jsonlib.loads(
            content.decode("utf-8"), parse_float=parse_float, parse_constant=_no_constant
        )
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def _no_constant(name: str) -> Any:
    """Refuse ``NaN``, ``Infinity`` and ``-Infinity``: no JSON (RFC 8259), though Python's
    ``json.dumps`` writes them for a float that is no number."""
    raise ValueError(f"{name} is not JSON: a JSON number is finite")


_ENCODER = jsonlib.JSONEncoder(ensure_ascii=False)
"""What ``json.dumps(value, ensure_ascii=False)`` makes for every answer, made once (a call of
``dumps`` with any option builds a new encoder)."""

_ASCII_ENCODER = jsonlib.JSONEncoder()
"""For an answer quoting text UTF-8 cannot carry (half of an emoji, ``"\\ud83d"``, which a
JSON body may send): every such character escaped, as JSON writes it, instead of no answer."""


@dataclass
class FakeResponse:
    """A handler's answer: ``json`` (serialised for you) or raw ``content``, status, headers."""

    status: int = 200
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    by_gateway: bool = field(default=False, repr=False, compare=False)
    """The gateway answered (its rate limit) before any service saw the request: a fault that
    acts after the service (``drop_connection(when="after")``, ``slow``) is not spent on it."""

    @property
    def body(self) -> bytes:
        """The bytes sent on the wire."""
        if self.content is not None:
            return self.content
        if self.json is None:
            return b""
        try:
            return _ENCODER.encode(self.json).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate, quoted back from a request's JSON
            return _ASCII_ENCODER.encode(self.json).encode("ascii")

    def all_headers(self) -> dict[str, str]:
        """Headers as sent, with ``Content-Type`` for JSON bodies and ``Content-Length``."""
        return self.encoded()[0]

    def encoded(self) -> tuple[dict[str, str], bytes]:
        """:meth:`all_headers` and :attr:`body` together, the JSON serialised once; a 204 (or
        1xx) has neither body nor Content-Length, which HTTP forbids it (RFC 9110, 8.6)."""
        out = dict(self.headers)
        if self.status == 204 or 100 <= self.status < 200:
            return out, b""
        body = self.body
        json_body = self.json is not None and self.content is None
        if json_body and not any(name.lower() == "content-type" for name in out):
            out["Content-Type"] = "application/json; charset=utf-8"
        out["Content-Length"] = str(len(body))
        return out, body

    def parsed(self) -> Any:
        """The body as JSON when it is JSON (for tests and the request log), else None."""
        if self.json is not None:
            return self.json
        if not self.content:
            return None
        try:
            return jsonlib.loads(self.content)
        except ValueError:
            return None


def body_too_large() -> FakeResponse:
    """The gateway's 413 for a body over :data:`MAX_BODY`: what ``serve()`` answers before
    reading it, and the in-process transport alike, so a request gets one answer either way."""
    return FakeResponse(
        413,
        json={
            "statusCode": 413,
            "message": f"the body is larger than this server accepts ({MAX_BODY} bytes)",
        },
    )

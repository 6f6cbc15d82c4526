"""An HTTP answer as the SDK keeps it, fully read: a plain value with no dependency, so that the
errors, which carry it, and the call engine, which makes it, both take it from below."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["REQUEST_ID_HEADERS", "RawResponse", "RequestInfo", "ResponseHeaders", "request_id_from"]

REQUEST_ID_HEADERS = ("x-request-id", "request-id", "apim-request-id", "x-ms-request-id")


class ResponseHeaders(dict[str, str]):
    """An answer's headers, read whatever the case of a name (``headers["X-Request-Id"]``), as
    HTTP names are; kept with their names in lowercase, as httpx gives them. A dict, as they
    were before: ``json.dumps`` and ``dict(...)`` take it as one."""

    def __init__(self, headers: Mapping[str, str] | None = None) -> None:
        super().__init__((str(name).lower(), value) for name, value in (headers or {}).items())

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower() if isinstance(name, str) else name)

    def __setitem__(self, name: str, value: str) -> None:
        super().__setitem__(name.lower() if isinstance(name, str) else name, value)

    def __contains__(self, name: object) -> bool:
        return super().__contains__(name.lower() if isinstance(name, str) else name)

    def get(self, name: str, default: Any = None) -> Any:
        """The value of header ``name`` (any case), or ``default``."""
        return super().get(name.lower() if isinstance(name, str) else name, default)

    def __repr__(self) -> str:
        # The names only: an answer may set a cookie (dict(headers) shows the values).
        return f"<{type(self).__name__} {', '.join(self) or '(none)'}>"


@dataclass(frozen=True)
class RawResponse:
    """An HTTP answer, fully read: status, headers (read whatever the case of a name), body."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes
    method: str
    url: str
    elapsed: float = 0.0

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        method: str,
        url: str,
        elapsed: float = 0.0,
    ) -> None:
        # Written out, as APIRequest's is: the generated __init__ of a frozen dataclass sets each
        # field through object.__setattr__, and every answer read makes one.
        self.__dict__.update(
            status_code=status_code,
            headers=headers if isinstance(headers, ResponseHeaders) else ResponseHeaders(headers),
            content=content,
            method=method,
            url=url,
            elapsed=elapsed,
        )

    @property
    def request_id(self) -> str | None:
        return request_id_from(self.headers)

    def __repr__(self) -> str:
        # Never the body or the header values: a login's answer carries its access token, an
        # API key's its key, and any answer may set a cookie.
        return (
            f"<RawResponse {self.method} {self.url.split('?')[0]} status_code={self.status_code} "
            f"request_id={self.request_id!r} content=<{len(self.content)} bytes>>"
        )


@dataclass(frozen=True)
class RequestInfo:
    """The call an API error ends: its method and URL, the values of secret-like query
    parameters hidden. Never its headers (the API key) or body (a password, a .pfx)."""

    method: str
    url: str


def request_id_from(headers: Mapping[str, str]) -> str | None:
    """The server's request id, from whichever header carries it (``headers`` lowercased)."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None

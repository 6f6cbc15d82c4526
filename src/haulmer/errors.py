"""Every error the SDK raises, in one hierarchy (see DESIGN.md section 5).

Light on purpose: the domain layer (``haulmer.rut``, ``haulmer.dte``...) imports it, so it must not
import httpx, pydantic or anything heavy. No message built here ever contains a secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AlreadyIssuedError",
    "AuthenticationError",
    "BadRequestError",
    "CertificateError",
    "ConfigurationError",
    "ConflictError",
    "DocumentError",
    "DocumentRejectedError",
    "ErrorDetail",
    "FolioError",
    "HaulmerError",
    "InvalidRutError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ValidationError",
    "WeakPasswordError",
    "XMLError",
]


class HaulmerError(Exception):
    """Base class of every error raised by the SDK."""


class ConfigurationError(HaulmerError):
    """The client is misconfigured: no API key, unknown environment, no base URL for a product."""


class ValidationError(HaulmerError, ValueError):
    """Local validation failed before any I/O; nothing was sent anywhere."""


class InvalidRutError(ValidationError):
    """A RUT is malformed, out of range or has the wrong check digit."""


class WeakPasswordError(ValidationError):
    """A password breaks the Haulmer Accounts policy; ``violations`` lists every broken rule."""

    def __init__(self, message: str, violations: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.violations = list(violations)


class CertificateError(ValidationError):
    """A .pfx/.p12 signature cannot be used; ``reason`` is a stable code saying why."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class ErrorDetail:
    """One problem: ``field`` (a wire or model name, "" when global) and its ``issue``."""

    field: str
    issue: str

    def __str__(self) -> str:
        return f"{self.field}: {self.issue}" if self.field else self.issue


class DocumentError(ValidationError):
    """A tax document is wrong locally: totals, missing fields, wrong type for the operation."""

    def __init__(self, message: str, details: Sequence[ErrorDetail] = ()) -> None:
        super().__init__(message)
        self.details = list(details)


class XMLError(ValidationError):
    """XML is malformed, hostile (DTD, entities, too large) or does not match the SII schema."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class APIError(HaulmerError):
    """Something went wrong talking to a Haulmer service."""

    def __init__(self, message: str, *, request: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The service could not be reached, or the connection dropped before an answer."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIStatusError(APIError):
    """The service answered with an error status; ``code`` is Haulmer's (``OF-10``...) if any."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        details: Sequence[ErrorDetail] = (),
        request_id: str | None = None,
        body: Any = None,
        request: Any = None,
        response: Any = None,
    ) -> None:
        super().__init__(message, request=request)
        self.status_code = status_code
        self.code = code
        self.details = list(details)
        self.request_id = request_id
        self.body = body
        self.response = response

    def __str__(self) -> str:
        head = f"HTTP {self.status_code}"
        if self.code:
            head += f" {self.code}"
        text = f"{head}: {self.message}"
        if self.details:
            text += " (" + "; ".join(str(d) for d in self.details) + ")"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text


class BadRequestError(APIStatusError):
    """HTTP 400: the service refused the request as invalid."""


class DocumentRejectedError(BadRequestError):
    """OpenFactura refused a document (OF-01, OF-02, OF-08, OF-10, OF-20); ``details`` says why."""


class AlreadyIssuedError(BadRequestError):
    """OF-06: a document with this Idempotency-Key was already issued; ``token`` identifies it."""

    def __init__(self, message: str, *, token: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.token = token


class FolioError(BadRequestError):
    """OF-07: no folios available for this document type (or a folio problem)."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the API key is missing or invalid."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the key is valid but may not do this."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such route or resource."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the resource's state (a step out of order, say)."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests; ``retry_after`` is the wait in seconds the server asked for."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIStatusError):
    """HTTP 5xx: the service failed; retried automatically when that is safe."""

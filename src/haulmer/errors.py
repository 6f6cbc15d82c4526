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
    "APIResponseValidationError",
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
    "InvalidTokenError",
    "MandatoryDTETypeError",
    "NotFoundError",
    "PasswordMismatchError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "StepOutOfOrderError",
    "TokenAlreadyUsedError",
    "TokenExpiredError",
    "ValidationError",
    "WaitTimeoutError",
    "WeakPasswordError",
    "XMLError",
    "error_class_for",
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
    """The service could not be reached, or the connection dropped before an answer.

    ``request_sent`` is False when nothing reached the server (connect failed): safe to retry.
    """

    def __init__(self, message: str, *, request: Any = None, request_sent: bool = True) -> None:
        super().__init__(message, request=request)
        self.request_sent = request_sent


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
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.status_code = status_code
        self.code = code
        self.details = list(details)
        self.request_id = request_id
        self.body = body
        self.response = response
        self.retry_after = retry_after

    def __str__(self) -> str:
        head = f"HTTP {self.status_code}"
        if self.code:
            head += f" {self.code}"
        text = f"{head}: {self.message}"
        if self.details:
            text += " (" + "; ".join(str(d) for d in self.details) + ")"
        if self.hint:
            text += (" " if text.endswith(".") else ". ") + self.hint
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return text

    hint: str = ""
    """What to do about it, appended to ``str(error)``."""


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
    """HTTP 401: the API key or access token is missing or invalid."""

    hint = "Check the API key (HAULMER_API_KEY) or access token, and the environment it belongs to"


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the key is valid but may not do this."""

    hint = "Use the API key or login of the organization or account that owns this resource"


class NotFoundError(APIStatusError):
    """HTTP 404: no such route or resource."""

    hint = "Check the id or token, and that the client points at the environment it comes from"


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the resource's state (a step out of order, say)."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests; ``retry_after`` is the wait in seconds the server asked for."""

    hint = "Haulmer allows 3 requests/s and 100/min per key; Haulmer(rate_limit=True) keeps to it"


class ServerError(APIStatusError):
    """HTTP 5xx: the service failed; retried automatically when that is safe."""

    hint = "Haulmer failed on its side (safe calls were already retried); try again later"


class StepOutOfOrderError(ConflictError):
    """Platform 409 ``step_out_of_order``: a setup step was called before the one it needs."""


class InvalidTokenError(BadRequestError):
    """Platform 400 ``token_invalid``: an e-mail link token is unknown or malformed."""


class TokenExpiredError(InvalidTokenError):
    """Platform 400 ``token_expired``: the e-mail link is too old; ask for a new one."""


class TokenAlreadyUsedError(InvalidTokenError):
    """Platform 400 ``token_used``: the e-mail link was already used once."""


class APIResponseValidationError(APIError):
    """The service answered 2xx with a body that is not what the API promises (not JSON, say)."""

    def __init__(
        self, message: str, *, status_code: int, request_id: str | None = None, body: Any = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.request_id = request_id
        self.body = body


class WaitTimeoutError(HaulmerError, TimeoutError):
    """A ``wait...()`` helper reached its deadline before the awaited state.

    ``last`` is the last object polled (None if none arrived), ``waited`` the seconds waited.
    """

    def __init__(self, message: str, *, last: Any = None, waited: float = 0.0) -> None:
        super().__init__(message)
        self.last = last
        self.waited = waited


class PasswordMismatchError(ValidationError):
    """The password and its confirmation differ."""


class MandatoryDTETypeError(ValidationError):
    """A DTE type that every issuer must keep was deselected."""


_DOCUMENT_REJECTED_CODES = ("OF-01", "OF-02", "OF-08", "OF-10", "OF-20")

# One table: (HTTP status, Haulmer or platform code) -> class. The code wins when both match.
_BY_STATUS_AND_CODE: dict[tuple[int, str], type[APIStatusError]] = {
    **{(400, code): DocumentRejectedError for code in _DOCUMENT_REJECTED_CODES},
    (400, "OF-06"): AlreadyIssuedError,
    (400, "OF-07"): FolioError,
    (400, "token_invalid"): InvalidTokenError,
    (400, "token_expired"): TokenExpiredError,
    (400, "token_used"): TokenAlreadyUsedError,
    (409, "step_out_of_order"): StepOutOfOrderError,
}
_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: BadRequestError,
    429: RateLimitError,
}


def error_class_for(status_code: int, code: str | None = None) -> type[APIStatusError]:
    """The error class for an HTTP status and an optional service code (``OF-06``...)."""
    if code is not None:
        by_code = _BY_STATUS_AND_CODE.get((status_code, code))
        if by_code is not None:
            return by_code
    by_status = _BY_STATUS.get(status_code)
    if by_status is not None:
        return by_status
    if status_code >= 500:
        return ServerError
    return APIStatusError

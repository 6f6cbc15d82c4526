"""Every error the SDK raises, in one hierarchy (see DESIGN.md section 5).

Light on purpose: the domain layer (``haulmer.rut``, ``haulmer.dte``...) imports it, so it must not
import httpx, pydantic or anything heavy. No message built here ever contains a secret.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from haulmer._deferred import DeferredModule
from haulmer._raw_response import RawResponse, RequestInfo

if TYPE_CHECKING:  # the modules defining the types errors carry, below the products' faces
    from haulmer import passwords as _passwords
    from haulmer.checkout import business as _checkout
    from haulmer.openfactura.certification import business as _certification
else:  # ``_certification.Name`` in an annotation loads it only when resolved
    _checkout = DeferredModule("haulmer.checkout.business")
    _passwords = DeferredModule("haulmer.passwords")
    _certification = DeferredModule("haulmer.openfactura.certification.business")

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AlreadyIssuedError",
    "AuthenticationError",
    "BadRequestError",
    "BatchStoppedError",
    "CertificateError",
    "CertificationActionRequiredError",
    "CertificationFailedError",
    "CertificationStoppedError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DocumentError",
    "DocumentRejectedError",
    "ErrorDetail",
    "FolioError",
    "HaulmerError",
    "IdempotencyKeyReusedError",
    "InvalidRutError",
    "InvalidTokenError",
    "MandatoryDTETypeError",
    "MissingDependencyError",
    "NotFoundError",
    "PasswordMismatchError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiterUnavailableError",
    "ReopenWindowClosedError",
    "RequestInfo",
    "ServerError",
    "SkuTakenError",
    "StepOutOfOrderError",
    "TicketClosedError",
    "TokenAlreadyUsedError",
    "TokenExpiredError",
    "ValidationError",
    "WaitTimeoutError",
    "WeakPasswordError",
    "XMLError",
    "error_class_for",
    "hint_for",
    "platform_rate_limit_hint",
    "server_error_hint",
]


class HaulmerError(Exception):
    """Base class of every error raised by the SDK."""

    def __init__(self, *args: object) -> None:
        # Spelled out so that inspect.signature (help(), IDEs, dependency injection) can read
        # the signature of every error class: Exception's own has none to read.
        super().__init__(*args)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by state, not by ``__init__``'s arguments (which most subclasses require by
        keyword), so an error crosses a process pool or a Celery pickle serializer. The request
        and response an error may hold stay behind: a request's body can carry a password or a
        .pfx."""
        state = {
            name: None if name in _LEFT_BEHIND else value for name, value in vars(self).items()
        }
        return (_unpickled, (type(self), self.args, state))

    def __copy__(self) -> Any:
        """A copy in this process keeps everything, the request and response too: only a pickle
        leaves them behind (``copy.copy`` would otherwise go through ``__reduce__``)."""
        return _unpickled(type(self), self.args, dict(vars(self)))

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        """As ``__copy__``, with what the error holds copied too."""
        twin = _unpickled(type(self), (), {})
        memo[id(self)] = twin
        twin.args = copy.deepcopy(self.args, memo)
        twin.__dict__.update(copy.deepcopy(vars(self), memo))
        return twin


_LEFT_BEHIND: Final = frozenset({"request", "response"})


def _unpickled(cls: type[HaulmerError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """An error rebuilt from what ``HaulmerError.__reduce__`` kept."""
    error = cls.__new__(cls, *args)
    error.args = args  # OSError's __new__ (TimeoutError) leaves them to __init__
    error.__dict__.update(state)
    return error


class _EndsACall:
    """What an error ending a call says when an earlier attempt of it may have been carried out
    (its answer lost): ``may_have_been_carried_out``, and ``idempotency_key`` to repeat it with.
    """

    may_have_been_carried_out: bool = False
    idempotency_key: str | None = None
    _lost_answer: str = ""

    def note_unknown_outcome(self, *, say: str = "") -> None:
        """Say that an attempt of this call, which changes something and carries no idempotency
        key, may have been carried out; ``say``: what to add to a message that does not say so.
        """
        self.may_have_been_carried_out = True
        if say and not self._lost_answer:
            self._lost_answer = say

    def note_lost_answer(self, *, idempotency_key: str, creates: str, token: str | None) -> None:
        """Say that an attempt of this call may have been carried out, and how to repeat it.

        ``creates`` names what the call makes ("the document"); ``token`` is its id when known.
        """
        self.may_have_been_carried_out = True
        self.idempotency_key = idempotency_key
        known = f" (token {token})" if token else ""
        self._lost_answer = (
            "An attempt of this call may have been carried out without a readable answer, so "
            f"{creates}{known} may exist: to repeat the call without doing it twice, pass "
            f"idempotency_key={idempotency_key!r} (the key it sent), never a new key."
        )


class ConfigurationError(HaulmerError):
    """The client is misconfigured: no API key, unknown environment, no base URL for a product."""


class MissingDependencyError(ConfigurationError, ImportError):
    """A feature needs an optional extra that is not installed (``pip install 'haulmer[pdf]'``)."""

    def __init__(self, message: str, *, extra: str) -> None:
        super().__init__(message)
        self.extra: str = extra


class RateLimiterUnavailableError(_EndsACall, HaulmerError):
    """The shared rate limiter's store (Redis) could not be reached; this attempt was not sent
    (after an earlier attempt that may have been carried out, the message says so)."""

    def __str__(self) -> str:
        return _with_note(super().__str__(), self._lost_answer)


class ValidationError(HaulmerError, ValueError):
    """Local validation failed before any I/O; nothing was sent anywhere."""


class InvalidRutError(ValidationError):
    """A RUT is malformed, out of range or has the wrong check digit."""


class WeakPasswordError(ValidationError):
    """A password cannot be used: ``violations`` lists every broken rule, a mismatched
    confirmation included (``haulmer.passwords.Violation``).
    """

    def __init__(self, message: str, violations: Sequence[_passwords.Violation] = ()) -> None:
        super().__init__(message)
        self.violations: list[_passwords.Violation] = list(violations)


class PasswordMismatchError(WeakPasswordError):
    """The password is fine but its confirmation differs: the only violation is the mismatch."""


class CertificateError(ValidationError):
    """A .pfx/.p12 signature cannot be used; ``reason`` is a stable code saying why."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason: str = reason


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
        self.details: list[ErrorDetail] = list(details)


class XMLError(ValidationError):
    """XML is malformed, hostile (DTD, entities, too large) or does not match the SII schema."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line: int | None = line


class APIError(_EndsACall, HaulmerError):
    """Something went wrong talking to a Haulmer service.

    ``may_have_been_carried_out`` is True when an attempt of this call may have done its work
    although its answer was lost (a timeout or a broken connection after sending, a 5xx, a 2xx
    that could not be read); the message then says so and, for a call that carries a key, names
    ``idempotency_key``, the key to repeat the call with (None: check before repeating it). A
    read (a call retried as safe) is never marked.
    """

    def __init__(self, message: str, *, request: RequestInfo | None = None) -> None:
        super().__init__(message)
        self.message: str = message
        self.request: RequestInfo | None = request
        self.may_have_been_carried_out: bool = False
        self.idempotency_key: str | None = None
        self._lost_answer = ""

    def __str__(self) -> str:
        return _with_note(self.message, self._lost_answer)


def _with_note(text: str, note: str) -> str:
    if not note:
        return text
    return text + (" " if text.endswith(".") else ". ") + note


class APIConnectionError(APIError):
    """The service could not be reached, or the connection dropped before an answer.

    ``request_sent`` is False when nothing reached the server (connect failed): safe to retry.
    """

    def __init__(
        self, message: str, *, request: RequestInfo | None = None, request_sent: bool = True
    ) -> None:
        super().__init__(message, request=request)
        self.request_sent: bool = request_sent


class APITimeoutError(APIConnectionError):
    """The request timed out."""


_DETAILS_SHOWN = 20
"""How many details ``str()`` of an error lists; ``error.details`` holds them all."""


class APIStatusError(APIError):
    """The service answered with an error status; ``code`` is Haulmer's (``OF-10``...) if any.

    ``hint`` says what to do; by default it is chosen by (status, code) in the table below.
    ``body`` is the answer's decoded JSON (None when it is not JSON), typed ``object`` as JSON
    may be any value: narrow it before reading it (``if isinstance(error.body, dict):
    error.body.get("error")``). ``response`` is the answer as read (status, headers, bytes).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        details: Sequence[ErrorDetail] = (),
        request_id: str | None = None,
        body: object = None,
        request: RequestInfo | None = None,
        response: RawResponse | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self._hint = hint
        self.status_code: int = status_code
        self.code: str | None = code
        self.details: list[ErrorDetail] = list(details)
        self.request_id: str | None = request_id
        self.body: object = body
        self.response: RawResponse | None = response
        self.retry_after: float | None = retry_after

    def __str__(self) -> str:
        head = f"HTTP {self.status_code}"
        if self.code:
            head += f" {self.code}"
        text = f"{head}: {self.message}"
        if self.details:
            listed = "; ".join(str(d) for d in self.details[:_DETAILS_SHOWN])
            more = len(self.details) - _DETAILS_SHOWN
            text += f" ({listed}; and {more} more)" if more > 0 else f" ({listed})"
        if self.hint:
            text += (" " if text.endswith(".") else ". ") + self.hint
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return _with_note(text, self._lost_answer)

    @property
    def hint(self) -> str:
        """What to do about it, appended to ``str(error)`` ("" when the message says it all)."""
        if self._hint is not None:
            return self._hint
        return hint_for(self.status_code, self.code, retry_after=self.retry_after)


class BadRequestError(APIStatusError):
    """HTTP 400: the service refused the request as invalid."""


class DocumentRejectedError(BadRequestError):
    """OpenFactura refused a document: missing data (OF-01, OF-02), schema or field checks
    (OF-08, OF-10, OF-20), its references to other documents (OF-09), a type the issuer may not
    issue (OF-05), an emisor that is not the key's company (OF-03) or data it could not write
    as XML (OF-12); ``details`` says why, ``hint`` what to do."""


class AlreadyIssuedError(BadRequestError):
    """OF-06: a document with this Idempotency-Key was already issued; ``token`` identifies it."""

    def __init__(
        self,
        message: str,
        *,
        token: str | None = None,
        status_code: int,
        code: str | None = None,
        details: Sequence[ErrorDetail] = (),
        request_id: str | None = None,
        body: object = None,
        request: RequestInfo | None = None,
        response: RawResponse | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(
            message,
            status_code=status_code,
            code=code,
            details=details,
            request_id=request_id,
            body=body,
            request=request,
            response=response,
            retry_after=retry_after,
            hint=hint,
        )
        self.token: str | None = token


class FolioError(BadRequestError):
    """OF-07: no folios available for this document type (or a folio problem)."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the API key, the access token or the e-mail and password were refused."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the key or login may not do this; OpenFactura's gateway also answers 403
    "Invalid authentication credentials" to an API key it does not know (``hint`` says so)."""


class NotFoundError(APIStatusError):
    """HTTP 404: no such route or resource."""


class ConflictError(APIStatusError):
    """HTTP 409: the request conflicts with the resource's state (a step out of order, say)."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests; ``retry_after`` is the wait in seconds the server asked for."""


class ServerError(APIStatusError):
    """HTTP 5xx: the service failed; retried automatically when that is safe."""


class IdempotencyKeyReusedError(BadRequestError):
    """Platform 422 ``idempotency_key_reused``: the key was used in the last 24 hours for another
    request (another path or body); nothing was done.
    """


class StepOutOfOrderError(ConflictError):
    """Platform 409 ``step_out_of_order``: a setup step was called before the one it needs."""


class TicketClosedError(ConflictError):
    """Platform 409 ``ticket_closed``: a closed support ticket takes no reply; reopen it first."""


class ReopenWindowClosedError(ConflictError):
    """Platform 409 ``reopen_window_closed``: the ticket was closed more than 7 days ago."""


class SkuTakenError(ConflictError):
    """Platform 409 ``sku_taken``: another product of the catalogue already has this SKU."""


class InvalidTokenError(BadRequestError):
    """Platform 400 ``token_invalid``: an e-mail link token is unknown or malformed."""


class TokenExpiredError(InvalidTokenError):
    """Platform 400 ``token_expired``: the e-mail link is too old; ask for a new one."""


class TokenAlreadyUsedError(InvalidTokenError):
    """Platform 400 ``token_used``: the e-mail link was already used once."""


class APIResponseValidationError(APIError):
    """The service answered 2xx with a body that is not what the API promises (not JSON, say)."""

    def __init__(
        self, message: str, *, status_code: int, request_id: str | None = None, body: object = None
    ) -> None:
        super().__init__(message)
        self.status_code: int = status_code
        self.request_id: str | None = request_id
        self.body: object = body
        """The decoded JSON that did not fit (None when the body is not JSON): narrow it."""


class WaitTimeoutError(HaulmerError, TimeoutError):
    """A ``wait...()`` helper reached its deadline before the awaited state.

    ``last`` is the last answer polled (None if none arrived): the ``Order`` of
    ``checkout.wait_for_payment()`` or the ``CertificationStatus`` of ``certification.wait()``,
    narrowed with ``isinstance`` before reading it; ``waited`` is the seconds waited.
    """

    def __init__(
        self,
        message: str,
        *,
        last: _checkout.Order | _certification.CertificationStatus | None = None,
        waited: float = 0.0,
    ) -> None:
        super().__init__(message)
        self.last: _checkout.Order | _certification.CertificationStatus | None = last
        self.waited: float = waited


class CertificationStoppedError(HaulmerError):
    """The SII certification of a setup stopped before the company was certified.

    ``reason`` says why (``"certificate_expired"``...), ``stage`` the stage it could not pass,
    ``status`` is the last ``CertificationStatus`` polled; the message says what to do.
    """

    def __init__(
        self,
        message: str,
        *,
        setup_id: str,
        reason: str | None = None,
        stage: str | None = None,
        status: _certification.CertificationStatus | None = None,
    ) -> None:
        super().__init__(message)
        self.setup_id: str = setup_id
        self.reason: str | None = reason
        self.stage: str | None = stage
        self.status: _certification.CertificationStatus | None = status


class CertificationActionRequiredError(CertificationStoppedError):
    """The certification waits for the company to act (a new .pfx, say); it resumes once done."""


class CertificationFailedError(CertificationStoppedError):
    """The SII refused the certification: it ended without authorizing the company."""


class BatchStoppedError(HaulmerError):
    """OpenFactura refused a batch's sale for the whole account (a key refused, an account that
    may not issue): every following sale would meet the same refusal, so none was sent.

    ``error`` is the refusal (an ``APIStatusError``), ``sale_index`` and ``sale_id`` the sale it
    answered; the message says what to fix before running the batch again.
    """

    def __init__(
        self, message: str, *, error: APIStatusError, sale_index: int, sale_id: str
    ) -> None:
        super().__init__(message)
        self.error: APIStatusError = error
        self.sale_index: int = sale_index
        self.sale_id: str = sale_id


class ClientClosedError(_EndsACall, ConfigurationError):
    """The client was closed (``close()``, ``aclose()`` or the end of its ``with`` block); closed
    while a call was retrying, after an attempt that may have been carried out, it says so."""

    def __str__(self) -> str:
        return _with_note(super().__str__(), self._lost_answer)


class MandatoryDTETypeError(ValidationError):
    """A DTE type that every issuer must keep was deselected."""


_DOCUMENT_REJECTED_CODES = ("OF-01", "OF-02", "OF-08", "OF-09", "OF-10", "OF-20")


class _Outcome:
    """What an error answer becomes: its class, and what to tell the caller to do.

    ``hint`` may hold ``{retry}``, replaced by "retry in N seconds" (or "retry later"). A plain
    class, not a dataclass: one is built from source text at import, a sixth of ``import haulmer``.
    """

    __slots__ = ("error", "hint")

    def __init__(self, error: type[APIStatusError], hint: str = "") -> None:
        self.error = error
        self.hint = hint


_FORGOT = "client.accounts.forgot_password(email) sends a new create-password link"

# One table: (HTTP status, Haulmer or platform code) -> class and hint. The code wins when both
# match. Every hint must be true for every answer it is attached to.
_BY_STATUS_AND_CODE: dict[tuple[int, str], _Outcome] = {
    **{(400, code): _Outcome(DocumentRejectedError) for code in _DOCUMENT_REJECTED_CODES},
    (400, "OF-03"): _Outcome(
        DocumentRejectedError,
        "RUTEmisor must be the RUT of the company that owns this API key "
        "(client.openfactura.organization.retrieve().rut)",
    ),
    (400, "OF-04"): _Outcome(
        BadRequestError,
        "OpenFactura could not sign with the company's electronic signature, the .pfx uploaded "
        "in its setup (expired or revoked, say): upload a valid one to the certified setup, "
        "client.openfactura.setup.upload_certificate(setup_id, pfx, password=...), then send "
        "again",
    ),
    (400, "OF-11"): _Outcome(
        BadRequestError,
        "OpenFactura could not make the PDF asked for (its LETTER format holds one page): ask "
        "for another format in response= (LETTER_80MM falls back to 80 mm, 80MM is a roll), or "
        "leave PDF out of response=; an emission sent again keeps its idempotency_key",
    ),
    (400, "OF-12"): _Outcome(
        DocumentRejectedError,
        "OpenFactura could not write the document's XML from what was sent: the message and "
        "details say what it could not write; correct the document, or, if document.check() "
        "finds nothing, send the request id to Haulmer's support",
    ),
    (400, "OF-13"): _Outcome(
        BadRequestError,
        "OpenFactura failed on its side (a database error): try again later",
    ),
    (400, "OF-05"): _Outcome(
        DocumentRejectedError,
        "OpenFactura does not take this DTE type from this issuer: issue a type the company has "
        "enabled (client.openfactura.organization.folios() lists the types it has folios for)",
    ),
    (400, "OF-06"): _Outcome(AlreadyIssuedError),
    (400, "OF-07"): _Outcome(
        FolioError,
        "No folios are left for this DTE type; client.openfactura.organization.folios() shows "
        "the folios available for each type",
    ),
    (400, "OF-21"): _Outcome(
        BadRequestError,
        "OpenFactura could not serve this request (its database was unavailable) and did "
        "nothing with it: send it again in a moment (the SDK retries OF-21 by itself up to "
        "max_retries times)",
    ),
    (400, "OF-22"): _Outcome(
        BadRequestError,
        "No document with that token or folio exists for this API key: check the token (or the "
        "type and folio) and that the document was issued with this key",
    ),
    (400, "OF-23"): _Outcome(
        BadRequestError,
        "OpenFactura does not take this DTE type now (boletas and the RVD are sometimes blocked "
        "for a while): check the type, and for a boleta try again later",
    ),
    (429, "OF-429"): _Outcome(
        RateLimitError,
        "sync_rcv refreshes each registry of a taxpayer once per window, which "
        "Haulmer(rate_limit=True) cannot avoid: {retry}",
    ),
    (400, "token_invalid"): _Outcome(
        InvalidTokenError,
        "Use the token or link of the latest e-mail for this step (a newer e-mail replaces the "
        "links of older ones)",
    ),
    (400, "token_expired"): _Outcome(
        TokenExpiredError,
        "E-mail links work for 72 hours: client.accounts.resend_link(email, purpose) sends any "
        "link again with a new token (purpose: create_password, choose_tax_document, "
        f"activate_workspace or start_openfactura_setup), {_FORGOT}, and "
        "client.openfactura.setup.start(workspace_id=...) starts a setup without its e-mail",
    ),
    (400, "token_used"): _Outcome(
        TokenAlreadyUsedError,
        "Each e-mail link works once and this one's step is done; to set a password again, "
        + _FORGOT,
    ),
    (400, "mandatory_dte_type"): _Outcome(
        BadRequestError,
        "With a point of sale the DTE types are preset to the setup's mandatory_dte_types: "
        "call choose_dte_types(setup_id) without dte_types",
    ),
    (401, "unauthenticated"): _Outcome(
        AuthenticationError,
        "Log in with client.accounts.login(email, password), then use "
        "client.with_options(access_token=session.access_token)",
    ),
    (429, "too_many_attempts"): _Outcome(
        RateLimitError,
        "Failed logins locked this address's logins for a while: {retry} with the right "
        f"password, or set a new one now: {_FORGOT}, and a new password ends the lock",
    ),
    (401, "invalid_credentials"): _Outcome(
        AuthenticationError, f"Check the e-mail and the password; {_FORGOT}"
    ),
    (409, "step_out_of_order"): _Outcome(
        StepOutOfOrderError, "Do the missing step the message names first, then repeat this call"
    ),
    (422, "idempotency_key_reused"): _Outcome(
        IdempotencyKeyReusedError,
        "Each idempotency_key= answers only the request first sent with it (for 24 hours): use a "
        "new key for a new operation, such as your own id for it",
    ),
    (409, "already_done"): _Outcome(
        ConflictError,
        "This step was done before and cannot be repeated; retrieve the resource to see where it "
        "stands",
    ),
    (409, "ticket_closed"): _Outcome(
        TicketClosedError,
        "Reopen it with client.myhaulmer.reopen_ticket(ticket_id) (within 7 days of closing), "
        "then reply; or open a new ticket",
    ),
    (409, "reopen_window_closed"): _Outcome(
        ReopenWindowClosedError,
        "Open a new ticket with client.myhaulmer.open_ticket(...) and mention the old number",
    ),
    (409, "sku_taken"): _Outcome(
        SkuTakenError,
        "Each SKU names one product of the catalogue: update that product "
        "(client.catalogue.update_product) or choose another SKU",
    ),
    (409, "document_refused"): _Outcome(
        ConflictError,
        "Nothing was sold: the message says why OpenFactura refused the document (with no folio "
        "left, client.openfactura.organization.folios() with the company's API key shows them); "
        "correct it, then sell again",
    ),
    (409, "rut_already_registered"): _Outcome(
        ConflictError,
        "OpenFactura keeps one account per RUT: set up an organization with a RUT of its own, or "
        "keep using the account this RUT already has",
    ),
}
_BY_STATUS: dict[int, _Outcome] = {
    400: _Outcome(BadRequestError),
    401: _Outcome(
        AuthenticationError,
        "Check the API key (HAULMER_API_KEY) or access token, and the environment it belongs to",
    ),
    403: _Outcome(
        PermissionDeniedError,
        "Use the API key or login of the organization or account that owns this resource",
    ),
    404: _Outcome(
        NotFoundError,
        "Check the id or token, and that the client points at the environment it comes from",
    ),
    409: _Outcome(ConflictError),
    422: _Outcome(BadRequestError),
    429: _Outcome(
        RateLimitError,
        "Haulmer allows 3 requests/s and 100/min per API key: {retry}, and "
        "Haulmer(rate_limit=True) keeps a client under that limit",
    ),
}
_SERVER_FAILED = "Haulmer failed on its side; try again later"
_SERVER_ERROR = _Outcome(ServerError, _SERVER_FAILED)
_OTHER = _Outcome(APIStatusError)


def _outcome(status_code: int, code: str | None) -> _Outcome:
    if code is not None:
        by_code = _BY_STATUS_AND_CODE.get((status_code, code))
        if by_code is not None:
            return by_code
    by_status = _BY_STATUS.get(status_code)
    if by_status is not None:
        return by_status
    return _SERVER_ERROR if status_code >= 500 else _OTHER


def error_class_for(status_code: int, code: str | None = None) -> type[APIStatusError]:
    """The error class for an HTTP status and an optional service code (``OF-06``...)."""
    return _outcome(status_code, code).error


def _retry_in(seconds: float | None) -> str:
    if seconds is None or not 0 <= seconds < math.inf:
        return "retry later"
    whole = math.ceil(seconds)
    return f"retry in {whole} second{'' if whole == 1 else 's'}"


def hint_for(status_code: int, code: str | None = None, *, retry_after: float | None = None) -> str:
    """What to do about an error answer, chosen by (status, code) like its class ("" if none)."""
    hint = _outcome(status_code, code).hint
    return hint.replace("{retry}", _retry_in(retry_after)) if "{retry}" in hint else hint


_PLATFORM_TOO_MANY = (
    "Haulmer's platform refuses calls this fast for a while: {retry}, and send fewer at once "
    "(the client's rate_limit= keeps to OpenFactura's limits only)"
)


def platform_rate_limit_hint(
    status_code: int, code: str | None, *, retry_after: float | None
) -> str | None:
    """The hint of a 429 from Haulmer's platform whose code has no advice of its own, instead of
    OpenFactura's (its limit per API key, which the client's limiter keeps); None otherwise."""
    if status_code != 429 or (code is not None and (429, code) in _BY_STATUS_AND_CODE):
        return None
    return _PLATFORM_TOO_MANY.replace("{retry}", _retry_in(retry_after))


def server_error_hint(*, attempts: int, retry_safe: bool) -> str:
    """The hint of a 5xx answer, saying how many times the call was sent, or why only once."""
    if attempts > 1:
        return f"{_SERVER_FAILED} (the call was sent {attempts} times, each answered with an error)"
    if not retry_safe:
        return (
            f"{_SERVER_FAILED} (sent once: it changes something and carries no idempotency key, "
            "so repeating it might do it twice)"
        )
    return _SERVER_FAILED

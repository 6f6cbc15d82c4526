"""haulmer: the Python SDK for Haulmer (OpenFactura, Workspace, Accounts) and the Chilean DTE.

Importing this package is cheap: the clients, lxml and cryptography load only when used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from haulmer import errors
from haulmer._lazy import LazyNames
from haulmer._version import __version__
from haulmer.errors import (
    AlreadyIssuedError,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BatchStoppedError,
    CertificateError,
    CertificationActionRequiredError,
    CertificationFailedError,
    CertificationStoppedError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    DocumentError,
    DocumentRejectedError,
    ErrorDetail,
    FolioError,
    HaulmerError,
    IdempotencyKeyReusedError,
    InvalidRutError,
    InvalidTokenError,
    MandatoryDTETypeError,
    MissingDependencyError,
    NotFoundError,
    PasswordMismatchError,
    PermissionDeniedError,
    RateLimitError,
    RateLimiterUnavailableError,
    ReopenWindowClosedError,
    ServerError,
    SkuTakenError,
    StepOutOfOrderError,
    TicketClosedError,
    TokenAlreadyUsedError,
    TokenExpiredError,
    ValidationError,
    WaitTimeoutError,
    WeakPasswordError,
    XMLError,
)

if TYPE_CHECKING:
    # the submodules served lazily (haulmer.sii without import haulmer.sii), for a type checker
    from haulmer import dte as dte
    from haulmer import journal as journal
    from haulmer import openfactura as openfactura
    from haulmer import passwords as passwords
    from haulmer import pfx as pfx
    from haulmer import ratelimit as ratelimit
    from haulmer import rut as rut
    from haulmer import sii as sii
    from haulmer import testing as testing
    from haulmer._async.client import AsyncHaulmer
    from haulmer._core.raw import APIResponse
    from haulmer._core.types import Timeout
    from haulmer._sync.client import Haulmer
    from haulmer.dte.catalogue import DTEType
    from haulmer.openfactura.sandbox import SANDBOX_API_KEY
    from haulmer.passwords import PasswordPolicy, check_password, validate_password
    from haulmer.pfx import Certificate, load_pfx
    from haulmer.rut import Rut

__all__ = [
    "SANDBOX_API_KEY",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AlreadyIssuedError",
    "AsyncHaulmer",
    "AuthenticationError",
    "BadRequestError",
    "BatchStoppedError",
    "Certificate",
    "CertificateError",
    "CertificationActionRequiredError",
    "CertificationFailedError",
    "CertificationStoppedError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DTEType",
    "DocumentError",
    "DocumentRejectedError",
    "ErrorDetail",
    "FolioError",
    "Haulmer",
    "HaulmerError",
    "IdempotencyKeyReusedError",
    "InvalidRutError",
    "InvalidTokenError",
    "MandatoryDTETypeError",
    "MissingDependencyError",
    "NotFoundError",
    "PasswordMismatchError",
    "PasswordPolicy",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiterUnavailableError",
    "ReopenWindowClosedError",
    "Rut",
    "ServerError",
    "SkuTakenError",
    "StepOutOfOrderError",
    "TicketClosedError",
    "Timeout",
    "TokenAlreadyUsedError",
    "TokenExpiredError",
    "ValidationError",
    "WaitTimeoutError",
    "WeakPasswordError",
    "XMLError",
    "__version__",
    "check_password",
    "errors",
    "load_pfx",
    "validate_password",
]

# Public names served lazily (PEP 562) so that `import haulmer` stays cheap.
_LAZY: dict[str, str] = {
    "AsyncHaulmer": "haulmer._async.client",
    "Haulmer": "haulmer._sync.client",
    "Timeout": "haulmer._core.types",
    "APIResponse": "haulmer._core.raw",
    "Rut": "haulmer.rut",
    "SANDBOX_API_KEY": "haulmer.openfactura.sandbox",
    "DTEType": "haulmer.dte.catalogue",
    "Certificate": "haulmer.pfx",
    "load_pfx": "haulmer.pfx",
    "PasswordPolicy": "haulmer.passwords",
    "check_password": "haulmer.passwords",
    "validate_password": "haulmer.passwords",
}


_SUBMODULES = (
    "dte",
    "openfactura",
    "sii",
    "testing",
    "rut",
    "passwords",
    "pfx",
    "errors",
    "ratelimit",
    "journal",
)

_LAZY_NAMES = LazyNames(__name__, _LAZY, globals(), submodules=_SUBMODULES)
if not TYPE_CHECKING:  # a type checker reads the names above, and refuses others
    __getattr__: Callable[[str], Any] = _LAZY_NAMES.getattr
__dir__: Callable[[], list[str]] = _LAZY_NAMES.dir

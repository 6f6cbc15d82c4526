"""The fake platform's refusals, rendered as the contract's single error envelope."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class PlatformError(Exception):
    """A refusal: HTTP status, stable code, a message saying what to do, per-field details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Sequence[tuple[str, str]] = (),
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details)
        self.headers = dict(headers or {})
        """Headers the answer carries beside the envelope (``Retry-After``)."""

    def envelope(self) -> dict[str, Any]:
        """``{"error": {"code", "message", "details": [{"field", "issue"}]}}``."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "details": [{"field": field, "issue": issue} for field, issue in self.details],
            }
        }


def invalid(message: str, details: Sequence[tuple[str, str]] = ()) -> PlatformError:
    """400 ``validation_failed``: the body is wrong; ``details`` names each field."""
    return PlatformError(400, "validation_failed", message, details)


def out_of_order(message: str) -> PlatformError:
    """409 ``step_out_of_order``: an earlier step is missing; the message names it."""
    return PlatformError(409, "step_out_of_order", message)


def already_done(message: str) -> PlatformError:
    """409 ``already_done``: this step was completed before and cannot be repeated."""
    return PlatformError(409, "already_done", message)


def rut_already_registered(message: str, field: str) -> PlatformError:
    """409 ``rut_already_registered``: OpenFactura already has an account for this RUT."""
    return PlatformError(
        409, "rut_already_registered", message, [(field, "RUT already registered")]
    )


def not_found(what: str) -> PlatformError:
    """404 ``not_found``."""
    return PlatformError(404, "not_found", f"{what} does not exist")


def unauthenticated(message: str) -> PlatformError:
    """401 ``unauthenticated``: no valid access token."""
    return PlatformError(401, "unauthenticated", message)


def forbidden(message: str) -> PlatformError:
    """403 ``forbidden``: authenticated, but not allowed to touch this resource."""
    return PlatformError(403, "forbidden", message)

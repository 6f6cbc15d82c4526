"""OpenFactura's answers in its own shapes: the three error bodies, 204, base64 helpers."""

from __future__ import annotations

import base64
from typing import Any

from haulmer.testing._wire import FakeResponse

__all__ = [
    "b64",
    "business_error",
    "empty",
    "flat_error",
    "incorrect",
    "invalid_key",
    "missing_key",
    "ok",
    "whole_number",
]

SHOWN_VALUE_CHARS = 40
"""How much of a wrong value an error quotes: enough to see it, never a whole hostile body."""


def incorrect(value: Any, suffix: str = "", *, limit: int = SHOWN_VALUE_CHARS) -> str:
    """OpenFactura's ``"<value> es Incorrecto"``, the value cut to ``limit`` characters (40)."""
    return f"{str(value)[:limit]} es Incorrecto{suffix}"


MISSING_KEY_MESSAGE = (
    "Access denied due to missing subscription key. Make sure to include subscription key when "
    "making requests to an API."
)
INVALID_KEY_MESSAGE = (
    "Access denied due to invalid subscription key. Make sure to provide a valid key for an "
    "active subscription."
)

MESSAGES = {
    "OF-01": "Faltan datos obligatorios",
    "OF-02": "Faltan campos obligatorios del DTE",
    "OF-03": "Permisos insuficientes",
    "OF-04": "Problemas con la firma electrónica",
    "OF-05": "Tipo de DTE no soportado",
    "OF-06": "Este DTE ya fue emitido (Idempotency-Key)",
    "OF-07": "Problemas con folios",
    "OF-08": "Error de esquema",
    "OF-09": "Error en relaciones",
    "OF-10": "Validación de Campos",
    "OF-11": "Error en validación de PDF",
    "OF-12": "Error en generación de XML",
    "OF-13": "Error de base de datos",
    "OF-20": "Datos de entrada incorrectos",
    "OF-21": "Base de datos no disponible, intente más tarde",
    "OF-22": "Problemas al procesar los datos",
    "OF-23": "DTE no soportado temporalmente",
}
"""The service's Spanish message for each code, as its answers carry them."""


def whole_number(value: Any) -> int | None:
    """A type or folio as the service reads one: an int, or its ASCII digits (in a path, or the
    docs' examples' ``"34972"``); None for anything else, ``33.9``, ``true``, ``" 33"`` and
    ``"3_3"``, ``"+33"`` or ``"-0"`` (which Python's ``int()`` would take) included."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 30:
        return int(value)
    return None


def ok(body: Any, status: int = 200) -> FakeResponse:
    """A JSON success."""
    return FakeResponse(status, json=body)


def empty() -> FakeResponse:
    """The 204 OpenFactura sends for an empty list."""
    return FakeResponse(204)


def business_error(
    code: str,
    details: list[tuple[str, str]] | None = None,
    *,
    message: str | None = None,
    status: int = 400,
    **extra: Any,
) -> FakeResponse:
    """Shape A: ``{"error": {"message", "code", "details": [{"field", "issue"}]}}``."""
    error: dict[str, Any] = {"message": message or MESSAGES.get(code, "Error"), "code": code}
    if details is not None:
        error["details"] = [{"field": f, "issue": i} for f, i in details]
    error.update(extra)
    return FakeResponse(status, json={"error": error})


def flat_error(
    code: str, details: dict[str, str], *, message: str = "Validación de Campos.", status: int = 400
) -> FakeResponse:
    """Shape B (registry, list filters): unwrapped, ``details`` is an object."""
    return FakeResponse(status, json={"message": message, "code": code, "details": details})


def missing_key() -> FakeResponse:
    """Shape C: the gateway's 401 when the ``apikey`` header is absent."""
    return FakeResponse(401, json={"statusCode": 401, "message": MISSING_KEY_MESSAGE})


def invalid_key() -> FakeResponse:
    """Shape C: the gateway's 401 for an unknown key."""
    return FakeResponse(401, json={"statusCode": 401, "message": INVALID_KEY_MESSAGE})


def b64(data: bytes) -> str:
    """Base64 text, as OpenFactura sends files."""
    return base64.b64encode(data).decode("ascii")

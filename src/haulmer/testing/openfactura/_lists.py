"""The issued/received list endpoints: filter operators, pages of 30, 204 when empty."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from haulmer.testing._wire import FakeRequest, FakeResponse
from haulmer.testing.openfactura._wire import empty, flat_error, ok

__all__ = ["PAGE_SIZE", "FilterError", "list_page"]

PAGE_SIZE = 30
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "gte": lambda a, b: a >= b,
}


class FilterError(Exception):
    """A filter OpenFactura refuses (answered with the unwrapped OF-10 shape)."""

    def __init__(self, field: str, issue: str) -> None:
        super().__init__(issue)
        self.field = field
        self.issue = issue


def _normalise(kind: str, value: Any, field: str) -> Any:
    try:
        if kind == "int":
            return int(str(value).split("-")[0].replace(".", ""))
        return str(value)
    except ValueError:
        raise FilterError(field, f"{value} es Incorrecto") from None


def _matches(row_value: Any, kind: str, condition: Any, field: str) -> bool:
    if not isinstance(condition, dict) or not condition:
        raise FilterError("Error", "Operador no encontrado")
    for op, raw in condition.items():
        compare = OPERATORS.get(op)
        if compare is None:
            raise FilterError("Error", "Operador no encontrado")
        wanted = _normalise(kind, raw, field)
        have = row_value
        if kind == "str":
            # Dates compare on the filter's precision ("2025-01-01" against a datetime).
            have = str(row_value)[: len(wanted)]
        if not compare(have, wanted):
            return False
    return True


def list_page(
    request: FakeRequest,
    rows: Sequence[dict[str, Any]],
    filters: dict[str, str],
) -> FakeResponse:
    """Filter ``rows`` with the body's operators (unknown keys ignored) and answer one page."""
    try:
        body = json.loads(request.content.decode("utf-8")) if request.content.strip() else {}
    except ValueError:
        return flat_error("OF-10", {"Error": "Cuerpo de la solicitud no es JSON válido"})
    if not isinstance(body, dict):
        return flat_error("OF-10", {"Error": "Cuerpo de la solicitud no es JSON válido"})
    try:
        page = int(body.get("Page", 1))
    except (TypeError, ValueError):
        return flat_error("OF-10", {"Page": f"{body.get('Page')} es Incorrecto"})
    if page < 1:
        return flat_error("OF-10", {"Page": f"{page} es Incorrecto"})
    selected = list(rows)
    try:
        for name, kind in filters.items():
            if name in body:
                selected = [r for r in selected if _matches(r[name], kind, body[name], name)]
    except FilterError as error:
        return flat_error("OF-10", {error.field: error.issue})
    total = len(selected)
    last_page = max(1, -(-total // PAGE_SIZE))
    if total == 0 or page > last_page:
        return empty()
    start = (page - 1) * PAGE_SIZE
    return ok(
        {
            "current_page": page,
            "last_page": last_page,
            "total": total,
            "data": selected[start : start + PAGE_SIZE],
        }
    )

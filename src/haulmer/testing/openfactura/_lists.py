"""The issued/received list endpoints: filter operators, pages of 30, 204 when empty.

A page costs what its 30 rows cost: rows are built only for the page asked, from the state's
per-tenant index; a filtered selection is computed once and reused for the following pages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from haulmer.testing._wire import FakeRequest, FakeResponse
from haulmer.testing.openfactura._wire import empty, flat_error, incorrect, ok

__all__ = ["PAGE_SIZE", "FilterError", "ListField", "Selections", "list_page"]

PAGE_SIZE = 30
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "gte": lambda a, b: a >= b,
}

T = TypeVar("T")


class FilterError(Exception):
    """A filter OpenFactura refuses (answered with the unwrapped OF-10 shape)."""

    def __init__(self, field: str, issue: str) -> None:
        super().__init__(issue)
        self.field = field
        self.issue = issue


class ListField(Generic[T]):
    """A filterable key of a list: its kind ("int", "rut": a RUT's number, or "str": a date, a
    day or a moment as text) and how to read it from an item."""

    __slots__ = ("kind", "read", "timed")

    def __init__(self, kind: str, read: Callable[[T], Any], *, timed: bool = False) -> None:
        self.kind = kind
        self.read = read
        self.timed = timed
        """Whether the value depends on the clock (a filter on it is not reused across time)."""


_GROUPED_RUT = re.compile(r"\d{1,3}(?:\.\d{3})+")
"""A RUT's number written with dots between its thousands (``76.430.498``)."""


def _whole(value: Any) -> int | None:
    """A number as a filter compares it: an int, a JSON float with nothing after the point
    (``33.0``, as some writers send 33), or ASCII digits; None for anything else (``3.3``,
    ``"3_3"``, ``"+33"`` and other scripts' digits, which ``int()`` would read otherwise)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 30:
        return int(value)
    return None


_DAY_OR_MOMENT = re.compile(r"(\d{4}-\d{2}-\d{2})(?: \d{2}:\d{2}:\d{2})?")
"""A date filter's value: a day, or a moment as the lists print one (``YYYY-MM-DD HH:MM:SS``)."""


def _is_day_or_moment(value: Any) -> bool:
    """Whether ``value`` is a real day (``2026-02-30`` is none), or a moment of one."""
    found = _DAY_OR_MOMENT.fullmatch(value) if isinstance(value, str) else None
    if found is None or not value.isascii():
        return False
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _normalise(kind: str, value: Any, field: str) -> Any:
    if kind == "str":
        # Compared as text, "27/11/2026" listed nothing and "2026-11" the whole month.
        if not _is_day_or_moment(value):
            raise FilterError(field, incorrect(value))
        return value
    if kind == "rut" and isinstance(value, str):
        # A RUT as written: its check digit and the dots between its thousands are no number.
        text = value.strip().split("-")[0]
        value = text.replace(".", "") if _GROUPED_RUT.fullmatch(text) else text
    number = _whole(value)
    if number is None:
        raise FilterError(field, incorrect(value))
    return number


def _predicate(kind: str, condition: Any, field: str) -> Callable[[Any], bool]:
    """A test of one value against ``{"op": operand, ...}`` (FilterError when unusable)."""
    if not isinstance(condition, dict) or not condition:
        raise FilterError("Error", "Operador no encontrado")
    checks: list[tuple[Callable[[Any, Any], bool], Any]] = []
    for op, raw in condition.items():
        compare = OPERATORS.get(op)
        if compare is None:
            raise FilterError("Error", "Operador no encontrado")
        checks.append((compare, _normalise(kind, raw, field)))
    if kind == "str":
        # Dates compare on the coarser of the two precisions: a day filter against a moment
        # ("2025-01-01" and a FchRecepOF), a moment against a day (FchEmis), which compared as
        # text would sort the day before every moment of it. A blank date (FchRecepSII before
        # the SII has the document) is no date: it meets no comparison, as a NULL in SQL,
        # instead of sorting before every date.
        def test(have: Any) -> bool:
            text = str(have)
            if not text:
                return False
            for compare, wanted in checks:
                size = min(len(text), len(wanted))
                if not compare(text[:size], wanted[:size]):
                    return False
            return True

        return test
    return lambda have: all(compare(have, wanted) for compare, wanted in checks)


class Selections:
    """Filtered selections kept for the pages that follow (a few, newest kept)."""

    def __init__(self, size: int = 16) -> None:
        self._kept: OrderedDict[Hashable, Sequence[Any]] = OrderedDict()
        self._size = size

    def get(self, key: Hashable) -> Sequence[Any] | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def put(self, key: Hashable, selection: Sequence[Any]) -> None:
        self._kept[key] = selection
        while len(self._kept) > self._size:
            self._kept.popitem(last=False)

    def clear(self) -> None:
        self._kept.clear()


def list_page(
    request: FakeRequest,
    items: Sequence[T],
    fields: dict[str, ListField[T]],
    row: Callable[[T], dict[str, Any]],
    *,
    selections: Selections | None = None,
    scope: Hashable = None,
    now: Hashable = None,
) -> FakeResponse:
    """Filter ``items`` (oldest first) with the body's operators (unknown keys ignored) and
    answer one page, newest first, building rows for that page only.

    ``selections`` keeps a filtered selection for the next pages, keyed by ``scope``, the
    filters and how many items there were (items are only ever added), plus ``now`` when a
    filtered field depends on the clock.
    """
    try:
        body = request.json() if request.content.strip() else {}
    except ValueError:
        return flat_error("OF-10", {"Error": "Cuerpo de la solicitud no es JSON válido"})
    if not isinstance(body, dict):
        return flat_error("OF-10", {"Error": "Cuerpo de la solicitud no es JSON válido"})
    raw_page = body.get("Page", 1)
    # A whole number, or its digits ("2", as the docs' examples send it): int() would also take
    # 2.9, true and "1_0", serving a page nobody asked for.
    if isinstance(raw_page, int) and not isinstance(raw_page, bool):
        page = raw_page
    elif (
        isinstance(raw_page, str)
        and raw_page.isascii()
        and raw_page.isdigit()
        and len(raw_page) <= 30
    ):
        page = int(raw_page)
    else:
        return flat_error("OF-10", {"Page": incorrect(raw_page)})
    if page < 1:
        return flat_error("OF-10", {"Page": incorrect(page)})
    asked = {name: body[name] for name in fields if name in body}
    selected: Sequence[T] = items
    if asked:
        try:
            tests = [
                (fields[name].read, _predicate(fields[name].kind, cond, name))
                for name, cond in asked.items()
            ]
        except FilterError as error:
            return flat_error("OF-10", {error.field: error.issue})
        timed = any(fields[name].timed for name in asked)
        key: tuple[Hashable, ...] = (scope, json.dumps(asked, sort_keys=True), len(items))
        if timed:
            key += (now,)
        kept = selections.get(key) if selections is not None else None
        if kept is None:
            kept = [item for item in items if all(test(read(item)) for read, test in tests)]
            if selections is not None:
                selections.put(key, kept)
        selected = kept
    total = len(selected)
    last_page = max(1, -(-total // PAGE_SIZE))
    if total == 0 or page > last_page:
        return empty()
    # Newest first: page 1 holds the last PAGE_SIZE items, reversed.
    stop = total - (page - 1) * PAGE_SIZE
    start = max(0, stop - PAGE_SIZE)
    return ok(
        {
            "current_page": page,
            "last_page": last_page,
            "total": total,
            "data": [row(item) for item in reversed(selected[start:stop])],
        }
    )

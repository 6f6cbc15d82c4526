"""The models, request builders and plans of ``haulmer.openfactura.registry``, which its
faces import."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

from haulmer._chile import chile_date
from haulmer._core.plans import Plan, send
from haulmer._core.request import APIRequest
from haulmer._shown import shown
from haulmer.errors import APIStatusError, RateLimitError, ValidationError
from haulmer.openfactura._base import RequestModel, get
from haulmer.openfactura._checks import whole_number
from haulmer.openfactura.enums import PurchaseStatus, RegistryKind
from haulmer.openfactura.models import PurchaseRegistry, SalesRegistry, SyncRcvResult

__all__ = ["RcvPeriod", "rcv_period", "registry_path"]

RcvPeriod: TypeAlias = int | str | tuple[int, int] | dt.date
"""A month of the RCV: 202605, "202605" or "2026-05", (2026, 5), or any date in it."""


class _SyncRcvRequest(RequestModel):
    """Body of ``POST /v2/dte/registry/sync-rcv``."""

    registro: RegistryKind
    periodo: int
    """The period as the int YYYYMM."""


def _int(value: Any, what: str) -> int:
    """An int, or its ASCII digits (blanks around them allowed): ``int()`` would also read
    ``"20_26"``, ``"+8"`` and other scripts' digits, asking for a period nobody wrote."""
    number = whole_number(value)
    if number is None:
        raise ValidationError(f"{what} must be an integer, got {shown(value)}")
    return number


def registry_path(kind: str, year: Any, month: Any, day: Any = None) -> str:
    """``/v2/dte/registry/{kind}/{yyyy}/{MM}[/{dd}]`` with the zero padding the API requires."""
    y, m, d = _checked_period(year, month, day)
    path = f"/v2/dte/registry/{kind}/{y:04d}/{m:02d}"
    return path if d is None else f"{path}/{d:02d}"


def _checked_period(year: Any, month: Any, day: Any) -> tuple[int, int, int | None]:
    """The year, month and day (or None) of a registry period, as integers naming a date;
    ValidationError saying which is wrong."""
    y, m = _int(year, "year"), _int(month, "month")
    if not 2000 <= y <= 2100:
        raise ValidationError(
            f"year must be a four-digit year from 2000 to 2100, got {shown(year)}"
        )
    if not 1 <= m <= 12:
        raise ValidationError(f"month must be 1..12, got {shown(month)}")
    if day is None:
        return y, m, None
    d = _int(day, "day")
    try:
        dt.date(y, m, d)
    except ValueError:
        raise ValidationError(f"{y:04d}-{m:02d}-{d} is not a date") from None
    return y, m, d


def rcv_period(periodo: RcvPeriod) -> int:
    """The period as OpenFactura wants it (int YYYYMM) from 202605, "2026-05", (2026, 5) or a
    date (an aware datetime: its month in Chile); anything else, or a year outside 2000..2100,
    is a ValidationError (checked at run time too)."""
    value: Any = periodo  # callers without a type checker may pass anything
    if isinstance(value, dt.date):
        try:
            day = chile_date(value)
        except ValueError as exc:  # a moment still before year 1 in Chile
            raise ValidationError(f"periodo: {exc}") from None
        year, month = day.year, day.month
    elif isinstance(value, tuple) and len(value) == 2:
        year, month = (_int(part, "periodo") for part in value)
    else:
        text = str(value).strip() if isinstance(value, int | str) else ""
        if len(text) == 7 and text[4] == "-":  # "YYYY-MM": the hyphen there, and only there
            text = text[:4] + text[5:]
        if isinstance(value, bool) or len(text) != 6 or not (text.isascii() and text.isdigit()):
            raise ValidationError(
                f"periodo must be YYYYMM (202605), 'YYYY-MM', (year, month) or a date; "
                f"got {shown(value)}"
            )
        year, month = int(text[:4]), int(text[4:])
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise ValidationError(f"periodo {shown(value)} is not a valid year and month")
    return year * 100 + month


def _statuses(status: Iterable[PurchaseStatus | str] | PurchaseStatus | str | None) -> str | None:
    """The ``status`` query: the states asked for, each once, in the order given; None for
    every state. A value that is no state nor a list of them, or a list of none (which would
    ask for every state), is a ValidationError."""
    value: Any = status  # callers without a type checker may pass anything
    if value is None:
        return None
    if isinstance(value, str | PurchaseStatus):
        items: list[Any] = [value]
    elif isinstance(value, bytes | bytearray | Mapping) or not isinstance(value, Iterable):
        raise ValidationError(
            f"status must be a purchase status or a list of them, got {shown(value)}; use "
            f"{', '.join(s.value for s in PurchaseStatus)}, or leave it out for every state"
        )
    else:
        items = list(value)
    if not items:
        raise ValidationError(
            "status asks for no state, and OpenFactura would answer every state: name the "
            "states wanted, or leave status out (None) for every state"
        )
    chosen: list[str] = []
    for item in items:
        try:
            value = PurchaseStatus(item.lower() if isinstance(item, str) else item).value
        except ValueError:
            known = ", ".join(s.value for s in PurchaseStatus)
            raise ValidationError(f"unknown purchase status {shown(item)}; use {known}") from None
        if value not in chosen:
            chosen.append(value)
    return ",".join(chosen) or None


_SALES_OR_NOTHING: Any = SalesRegistry | None
"""A sales summary, or None for an HTTP 204 (OpenFactura's answer when there is nothing)."""
_PURCHASES_OR_NOTHING: Any = list[PurchaseRegistry] | None
"""The purchase blocks, or None for an HTTP 204."""


def _period_bounds(year: Any, month: Any, day: Any) -> tuple[dt.date, dt.date]:
    """The first and last day of a registry period (a month, or one day of it)."""
    y, m, d = _checked_period(year, month, day)
    if d is not None:
        return dt.date(y, m, d), dt.date(y, m, d)
    return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


def sales_plan(
    year: int, month: int, day: int | None, options: Mapping[str, Any]
) -> Plan[SalesRegistry]:
    """The plan fetching a month's (or day's) sales summary; an HTTP 204 reads as the period
    without rows."""
    path = registry_path("sales", year, month, day)
    answer: SalesRegistry | None = yield from send(get(path, _SALES_OR_NOTHING, options))
    if answer is None:
        first, last = _period_bounds(year, month, day)
        return SalesRegistry(fecha_inicio=first, fecha_final=last)
    return answer


def purchases_plan(
    year: int,
    month: int,
    day: int | None,
    status: Iterable[PurchaseStatus | str] | PurchaseStatus | str | None,
    options: Mapping[str, Any],
) -> Plan[list[PurchaseRegistry]]:
    """The plan fetching a month's (or day's) purchase summary, by status."""
    path = registry_path("purchase", year, month, day)
    wanted = _statuses(status)
    params = {"status": wanted} if wanted else None
    answer: Any = yield from send(get(path, _PURCHASES_OR_NOTHING, options, params))
    return list(answer or [])  # an HTTP 204: no blocks


def _window_seconds(error: APIStatusError) -> float | None:
    body = error.body
    if not isinstance(body, Mapping):
        return None
    for holder in (body, body.get("error")):
        if isinstance(holder, Mapping) and holder.get("retry_after") is not None:
            try:
                seconds = float(holder["retry_after"])
            except (TypeError, ValueError, OverflowError):  # OverflowError: an int past floats
                return None
            return max(seconds, 0.0) if math.isfinite(seconds) else None
    return None


SYNC_RCV_MONTHS_AHEAD = 2
"""How far past the current period OpenFactura syncs an RCV (its ``periodo`` at most the current
one plus two, reference section 6.3); a later one is refused with OF-10."""


def _latest_rcv_period(today: dt.date) -> int:
    """The latest period ``sync-rcv`` takes on ``today`` (Chile's date), as YYYYMM."""
    months = today.year * 12 + today.month - 1 + SYNC_RCV_MONTHS_AHEAD
    return (months // 12) * 100 + months % 12 + 1


def sync_rcv_plan(
    registro: RegistryKind | str,
    periodo: RcvPeriod,
    options: dict[str, Any],
    today: dt.date | None = None,
) -> Plan[SyncRcvResult]:
    """The plan queueing a registry's refresh from the SII (OF-429 surfaced at once); with
    ``today`` (Chile's date), a period past the latest OpenFactura syncs is refused first."""
    try:
        kind = RegistryKind(registro.lower() if isinstance(registro, str) else registro)
    except ValueError:
        raise ValidationError(
            f"registro must be 'sales' or 'purchase' (RegistryKind), got {shown(registro)}"
        ) from None
    period = rcv_period(periodo)
    if today is not None and period > _latest_rcv_period(today):
        raise ValidationError(
            f"periodo {period} is too far ahead: OpenFactura syncs the RCV up to the current "
            f"period plus {SYNC_RCV_MONTHS_AHEAD} ({_latest_rcv_period(today)} on "
            f"{today.isoformat()}); ask for that month once it is at most that far ahead"
        )
    body = _SyncRcvRequest(registro=kind, periodo=period)
    try:  # OF-429 is never retried (its window outlasts any sensible wait): surfaced at once
        answer: SyncRcvResult = yield APIRequest(
            method="POST",
            path="/v2/dte/registry/sync-rcv",
            product="openfactura",
            cast_to=SyncRcvResult,
            json=body.to_wire(),
            **options,
        )
    except RateLimitError as exc:
        window = _window_seconds(exc)
        if window is not None:
            exc.retry_after = window
        raise
    return answer

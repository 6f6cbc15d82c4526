"""SII certification of an OpenFactura company: status, estimated completion and ``wait()``.

Certification takes up to ``CERTIFICATION_BUSINESS_DAYS`` business days; weekends and Chilean
public holidays (from the ``holidays`` package) do not count. The calendar functions are pure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from pydantic import Field

from haulmer._chile import chile_today
from haulmer._core.plans import Plan, poll
from haulmer._core.request import (
    APIRequest,
    idempotency_key_or_new,
)
from haulmer._enums import StrEnum
from haulmer._lazy import LazyNames
from haulmer._models import HaulmerModel
from haulmer._shown import shown
from haulmer.errors import ValidationError
from haulmer.openfactura.setup import setup_path
from haulmer.rut import Rut

__all__ = [
    "CERTIFICATION_BUSINESS_DAYS",
    "CERTIFICATION_STAGES",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_WAIT_TIMEOUT",
    "ApiKey",
    "CertificationStage",
    "CertificationStatus",
    "StageReached",
    "add_business_days",
    "business_days_between",
    "estimated_completion",
    "is_business_day",
]

CERTIFICATION_BUSINESS_DAYS = 7
"""Business days the SII certification takes at most."""


class CertificationStage(StrEnum):
    """The steps of the SII certification, in order."""

    POSTULACION = "postulacion"
    SET_DE_PRUEBAS = "set_de_pruebas"
    SIMULACION = "simulacion"
    INTERCAMBIO = "intercambio"
    MUESTRAS_IMPRESION = "muestras_impresion"
    CERTIFIED = "certified"

    @property
    def label(self) -> str:
        """The stage's Spanish name, as the progress e-mails say it."""
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    CertificationStage.POSTULACION: "Postulación recibida",
    CertificationStage.SET_DE_PRUEBAS: "Set de pruebas aprobado",
    CertificationStage.SIMULACION: "Simulación aprobada",
    CertificationStage.INTERCAMBIO: "Intercambio de información aprobado",
    CertificationStage.MUESTRAS_IMPRESION: "Muestras de impresión aprobadas",
    CertificationStage.CERTIFIED: "Empresa certificada",
}

CERTIFICATION_STAGES: tuple[tuple[int, CertificationStage], ...] = (
    (0, CertificationStage.POSTULACION),
    (2, CertificationStage.SET_DE_PRUEBAS),
    (4, CertificationStage.SIMULACION),
    (5, CertificationStage.INTERCAMBIO),
    (6, CertificationStage.MUESTRAS_IMPRESION),
    (CERTIFICATION_BUSINESS_DAYS, CertificationStage.CERTIFIED),
)
"""Each stage with the business day (after the start) on which it is reached."""


@cache
def _chilean_holidays(year: int) -> Any:
    import holidays

    return holidays.country_holidays("CL", years=year)


def _chile_day(day: date, what: str) -> date:
    """The Chilean calendar day of ``day``: a date as it is, an aware datetime at its moment in
    Chile (02:30 UTC on a Saturday is still Friday there), a naive one as Chilean local time."""
    if isinstance(day, datetime):
        return chile_today(day) if day.tzinfo is not None else day.date()
    if not isinstance(day, date):
        raise ValidationError(f"{what} must be a datetime.date, got {shown(day)}")
    return day


def _day_count(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValidationError(f"days must be a whole number of business days, got {shown(days)}")
    if days < 0:
        raise ValidationError(f"days must be zero or more, got {days}")
    return days


def is_business_day(day: date) -> bool:
    """Monday to Friday and not a Chilean public holiday (an aware datetime: its day in Chile)."""
    day = _chile_day(day, "day")
    return day.weekday() < 5 and day not in _chilean_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The ``days``-th business day after ``start`` (``start`` itself never counts).

    An aware datetime counts from its day in Chile; a count that is no whole number, or that
    would pass the year 9999, raises ValidationError.
    """
    current = _chile_day(start, "start")
    remaining = _day_count(days)
    beyond = f"{days:,} business days after {current} pass the year 9999, the calendar's end"
    if remaining > (date.max - current).days:
        raise ValidationError(beyond)
    try:
        while remaining:
            current += timedelta(days=1)
            if is_business_day(current):
                remaining -= 1
    except OverflowError:
        raise ValidationError(beyond) from None
    return current


def business_days_between(start: date, end: date) -> int:
    """How many business days lie after ``start`` up to and including ``end`` (aware datetimes:
    their days in Chile)."""
    current, end = _chile_day(start, "start"), _chile_day(end, "end")
    count = 0
    while current < end:
        current += timedelta(days=1)
        if is_business_day(current):
            count += 1
    return count


def estimated_completion(
    started_on: date, business_days: int = CERTIFICATION_BUSINESS_DAYS
) -> date:
    """The date certification finishes at the latest, counting business days from the start
    (an aware datetime: from its day in Chile)."""
    return add_business_days(started_on, business_days)


DEFAULT_WAIT_TIMEOUT = 15 * 24 * 3600.0
"""``wait()`` gives up after 15 days: 7 business days plus weekends and holidays, with margin."""

DEFAULT_POLL_INTERVAL = 3600.0
"""``wait()`` asks once an hour by default: certification moves in days, not seconds."""


class StageReached(HaulmerModel):
    """A certification stage and when it was reached."""

    stage: CertificationStage
    at: datetime


class CertificationStatus(HaulmerModel):
    """Where the SII certification stands and when it will end at the latest."""

    setup_id: str
    status: str
    stage: CertificationStage
    started_at: datetime
    estimated_completion: date
    business_days_required: int = CERTIFICATION_BUSINESS_DAYS
    business_days_elapsed: int = 0
    """Business days since the start, each counted from the hour its stage is reached (09:00
    on the fake): ``business_days_required`` exactly once certified."""
    certified_at: datetime | None = None
    history: list[StageReached] = Field(default_factory=list)

    @property
    def is_certified(self) -> bool:
        """Whether the company may now create its OpenFactura API key."""
        return self.status == "certified"


class ApiKey(HaulmerModel):
    """The organization's OpenFactura API key (shown once; hidden from repr)."""

    api_key: str = Field(repr=False)
    organization_id: str
    organization_rut: Rut
    created_at: datetime


def retrieve_request(setup_id: str, **options: Any) -> APIRequest[CertificationStatus]:
    """The request for a setup's certification status."""
    path = setup_path(setup_id, "/certification")
    return APIRequest("GET", path, "platform", CertificationStatus, auth="bearer", **options)


def api_key_request(
    setup_id: str, idempotency_key: str | None, **options: Any
) -> APIRequest[ApiKey]:
    """The request that creates the certified organization's API key, keyed."""
    return APIRequest(
        "POST",
        setup_path(setup_id, "/api-keys"),
        "platform",
        ApiKey,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        creates="the API key",
        **options,
    )


def _timed_out(setup_id: str, status: CertificationStatus | None, waited: float) -> str:
    if status is None:
        return (
            f"no answer about the certification of setup {setup_id} after waiting "
            f"{waited:.0f} s. Call wait() again later."
        )
    return (
        f"certification of setup {status.setup_id} is still at stage '{status.stage.value}' "
        f"after waiting {waited:.0f} s; it should end by {status.estimated_completion}. "
        "Call wait() again with a longer timeout."
    )


def certified_wait(
    setup_id: str, timeout: float, poll_interval: float, options: Mapping[str, Any]
) -> Plan[CertificationStatus]:
    """Poll the certification until it is certified, riding out transient failures."""
    return poll(
        retrieve_request(setup_id, **options),
        timeout=timeout,
        poll_interval=poll_interval,
        done=lambda status: status.is_certified,
        timed_out=lambda status, waited: _timed_out(setup_id, status, waited),
    )


# The resources, served lazily from haulmer._async (written by hand) and haulmer._sync
# (generated), which import this module; client.<product> is their typed access.
_FACES = LazyNames(
    __name__,
    {
        "Certification": "haulmer._sync.openfactura.certification",
        "AsyncCertification": "haulmer._async.openfactura.certification",
    },
    globals(),
)
__getattr__: Callable[[str], Any] = _FACES.getattr
__dir__: Callable[[], list[str]] = _FACES.dir

"""SII certification of an OpenFactura company: status, estimated completion and ``wait()``.

Certification takes up to ``CERTIFICATION_BUSINESS_DAYS`` business days; weekends and Chilean
public holidays (from the ``holidays`` package) do not count. The calendar functions are pure.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from functools import cache
from typing import Any

__all__ = [
    "CERTIFICATION_BUSINESS_DAYS",
    "CERTIFICATION_STAGES",
    "CertificationStage",
    "add_business_days",
    "business_days_between",
    "estimated_completion",
    "is_business_day",
]

CERTIFICATION_BUSINESS_DAYS = 7
"""Business days the SII certification takes at most."""


class CertificationStage(str, Enum):
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


def is_business_day(day: date) -> bool:
    """Monday to Friday and not a Chilean public holiday."""
    return day.weekday() < 5 and day not in _chilean_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The ``days``-th business day after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise ValueError(f"days must be zero or more, got {days}")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def business_days_between(start: date, end: date) -> int:
    """How many business days lie after ``start`` up to and including ``end``."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_business_day(current):
            count += 1
    return count


def estimated_completion(
    started_on: date, business_days: int = CERTIFICATION_BUSINESS_DAYS
) -> date:
    """The date certification finishes at the latest, counting business days from the start."""
    return add_business_days(started_on, business_days)

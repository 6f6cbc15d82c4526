"""The models, request builders and plans of ``haulmer.openfactura.certification``, which its
faces import."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from pydantic import Field

from haulmer._chile import chile_date
from haulmer._core.plans import Plan, poll
from haulmer._core.request import (
    APIRequest,
    idempotency_key_or_new,
)
from haulmer._enums import StrEnum
from haulmer._models import HaulmerModel, SecretText
from haulmer._shown import shown
from haulmer.errors import (
    CertificationActionRequiredError,
    CertificationFailedError,
    CertificationStoppedError,
    ValidationError,
)
from haulmer.openfactura.setup.business import setup_path
from haulmer.rut import Rut

__all__ = [
    "CERTIFICATION_BUSINESS_DAYS",
    "CERTIFICATION_STAGES",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_WAIT_TIMEOUT",
    "ApiKey",
    "CertificationProblem",
    "CertificationProblemReason",
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


def _chile_day(day: date | str, what: str) -> date:
    """The Chilean calendar day of ``day``: a date as it is, an aware datetime at its moment in
    Chile (02:30 UTC on a Saturday is still Friday there), a naive one as Chilean local time,
    text as ``'YYYY-MM-DD'``, as the SDK's other date arguments take it."""
    if not isinstance(day, date | str):
        raise ValidationError(
            f"{what} must be a datetime.date or its text YYYY-MM-DD, got {shown(day)}"
        )
    try:
        return chile_date(day)
    except ValueError as exc:  # a moment still before year 1 in Chile, text that is no day
        raise ValidationError(f"{what}: {exc}") from None


def _day_count(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValidationError(f"days must be a whole number of business days, got {shown(days)}")
    if days < 0:
        raise ValidationError(f"days must be zero or more, got {days}")
    return days


def is_business_day(day: date | str) -> bool:
    """Monday to Friday and not a Chilean national public holiday (an aware datetime: its day
    in Chile; text: ``'YYYY-MM-DD'``). Regional holidays (7 June in Arica, 20 August in
    Chillán) and the banks' 31 December are business days: the SII certifies from Santiago."""
    chilean_day = _chile_day(day, "day")
    return chilean_day.weekday() < 5 and chilean_day not in _chilean_holidays(chilean_day.year)


def add_business_days(start: date | str, days: int) -> date:
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


def business_days_between(start: date | str, end: date | str) -> int:
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
    started_on: date | str, business_days: int = CERTIFICATION_BUSINESS_DAYS
) -> date:
    """The date certification finishes at the latest, counting business days from the start
    (an aware datetime: from its day in Chile)."""
    return add_business_days(started_on, business_days)


DEFAULT_WAIT_TIMEOUT = 15 * 24 * 3600.0
"""``wait()`` gives up after 15 days: 7 business days plus weekends and holidays, with margin."""

DEFAULT_POLL_INTERVAL = 3600.0
"""``wait()`` asks once an hour by default: certification moves in days, not seconds."""


class CertificationProblemReason(StrEnum):
    """Why a certification stopped, as the platform says it (``problem.reason``)."""

    REPRESENTATIVE_NOT_AUTHORIZED = "representative_not_authorized"
    """The holder of the uploaded signature is not authorized before the SII for the company."""
    CERTIFICATE_EXPIRED = "certificate_expired"
    """The legal representative's .pfx expired before the certification ended."""
    REJECTED_BY_SII = "rejected_by_sii"
    """The SII refused a stage's documents (the set de pruebas, say): the certification ended."""

    @property
    def needs_action(self) -> bool:
        """Whether the company can fix it and the certification then resumes (else it failed)."""
        return self is not CertificationProblemReason.REJECTED_BY_SII

    @property
    def advice(self) -> str:
        """What the company does about it, in a sentence or two."""
        return _PROBLEM_ADVICE[self]


_UPLOAD_AGAIN = (
    "client.openfactura.setup.upload_certificate(setup_id, pfx, password=...) while the "
    "certification waits; it then resumes from the stage it stopped at"
)
_PROBLEM_ADVICE = {
    CertificationProblemReason.REPRESENTATIVE_NOT_AUTHORIZED: (
        "The SII does not recognise the signature's holder as authorized for the company (not "
        "its legal representative on record, or the certificate is not registered at sii.cl): "
        "register the certificate and the representative at the SII, or use the .pfx of a "
        f"representative the SII knows, and upload it with {_UPLOAD_AGAIN}."
    ),
    CertificationProblemReason.CERTIFICATE_EXPIRED: (
        "The legal representative's electronic signature expired, so nothing more can be signed "
        f"before the SII: renew it and upload the new .pfx with {_UPLOAD_AGAIN}."
    ),
    CertificationProblemReason.REJECTED_BY_SII: (
        "The SII refused the documents of this stage and the certification ended without "
        "authorizing the company: open a support ticket (client.myhaulmer.open_ticket(...)) so "
        "Haulmer starts it again."
    ),
}


class CertificationProblem(HaulmerModel):
    """Why a certification stopped: the reason, the stage it could not pass, since when."""

    reason: CertificationProblemReason | str = Field(union_mode="left_to_right")
    """A ``CertificationProblemReason``, or the platform's word for a reason this SDK predates."""
    stage: CertificationStage | str = Field(union_mode="left_to_right")
    """A ``CertificationStage``, or the platform's word for a stage this SDK predates."""
    since: datetime
    message: str = ""
    """The platform's own account of it, in Spanish, as its e-mail says it."""


class StageReached(HaulmerModel):
    """A certification stage (a ``CertificationStage``, or the platform's word for a stage this
    SDK predates) and when it was reached."""

    stage: CertificationStage | str = Field(union_mode="left_to_right")
    at: datetime


class CertificationStatus(HaulmerModel):
    """Where the SII certification stands and when it will end at the latest."""

    setup_id: str
    status: str
    stage: CertificationStage | str = Field(union_mode="left_to_right")
    """A ``CertificationStage``, or the platform's word for a stage this SDK predates."""
    started_at: datetime
    estimated_completion: date | None
    """The day it should end; None while it is stopped ("action_required": it has no date
    until the company acts, and resuming it sets a new one) or once it has failed."""
    business_days_required: int = CERTIFICATION_BUSINESS_DAYS
    business_days_elapsed: int = 0
    """Business days since the start, each counted from the hour its stage is reached (09:00
    on the fake): ``business_days_required`` exactly once certified; it stops while stopped."""
    certified_at: datetime | None = None
    history: list[StageReached] = Field(default_factory=list)
    problem: CertificationProblem | None = None
    """Why it stopped, when ``status`` is "action_required" or "failed" (else None)."""

    @property
    def stage_label(self) -> str:
        """The stage's Spanish name, as the progress e-mails say it ("Set de pruebas
        aprobado"), or the platform's word for a stage this SDK predates."""
        stage = self.stage
        return stage.label if isinstance(stage, CertificationStage) else stage

    @property
    def is_certified(self) -> bool:
        """Whether the company may now create its OpenFactura API key."""
        return self.status == "certified"

    @property
    def needs_action(self) -> bool:
        """Whether the certification waits for the company to act (``problem`` says on what)."""
        return self.status == "action_required"

    @property
    def has_failed(self) -> bool:
        """Whether the SII refused the certification, which ended without certifying."""
        return self.status == "failed"

    @property
    def has_stopped(self) -> bool:
        """Whether it stopped before certifying: "action_required", "failed", or a status this
        SDK predates that comes with a ``problem`` (the platform gives one only with a stop)."""
        if self.needs_action or self.has_failed:
            return True
        return self.status not in _KNOWN_STATUSES and self.problem is not None


_KNOWN_STATUSES = frozenset({"in_progress", "certified", "action_required", "failed"})
"""The certification's statuses docs/platform-api.md section 8 names."""


class ApiKey(HaulmerModel):
    """The organization's OpenFactura API key (shown once).

    ``api_key`` is plain text to use (``Haulmer(api_key=...)``, a secrets store), hidden from
    repr, and dumped as pydantic's ``SecretStr`` is: masked in ``model_dump()`` and its JSON.
    """

    api_key: SecretText
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
        error_hints=_API_KEY_HINTS,
        **options,
    )


_API_KEY_HINTS = {
    "step_out_of_order": "The API key comes once the SII certifies the company: "
    "client.openfactura.certification.wait(setup_id) waits for it (and raises at once, saying "
    "what to do, if the certification stopped), then create the key",
}
"""The way on from an API key asked for while the SII certification is still running."""


def _timed_out(setup_id: str, status: CertificationStatus | None, waited: float) -> str:
    if status is None:
        return (
            f"no answer about the certification of setup {setup_id} after waiting "
            f"{waited:.0f} s. Call wait() again later."
        )
    end = status.estimated_completion
    unknown = status.status not in _KNOWN_STATUSES
    state = f"is '{status.status}' (a status this SDK predates)" if unknown else "is still"
    return (
        f"certification of setup {status.setup_id} {state} at stage '{status.stage}' "
        f"after waiting {waited:.0f} s" + (f"; it should end by {end}" if end else "") + ". "
        "Call wait() again with a longer timeout."
    )


def _stopped_error(status: CertificationStatus) -> CertificationStoppedError:
    """The error that says why a certification stopped ("action_required" or "failed") and what
    the company does about it."""
    problem = status.problem
    reason = stage = None
    cause = advice = ""
    if problem is not None:
        reason, stage = str(problem.reason), str(problem.stage)
        told = f": {problem.message}" if problem.message else ""
        cause = f" at stage '{stage}' ({reason}{told})"
        if isinstance(problem.reason, CertificationProblemReason):
            advice = problem.reason.advice
    cls: type[CertificationStoppedError]
    known = problem.reason if problem is not None else None
    if status.has_failed or (
        not status.needs_action
        and isinstance(known, CertificationProblemReason)
        and not known.needs_action
    ):
        cls, happened = CertificationFailedError, "failed"
        advice = advice or "Open a support ticket so Haulmer starts it again."
    elif status.needs_action or isinstance(known, CertificationProblemReason):
        cls, happened = CertificationActionRequiredError, "waits for the company"
        advice = advice or (
            "Read the e-mail the platform sent the workspace's administrator, do what it asks, "
            "then call wait() again."
        )
    else:
        cls, happened = CertificationStoppedError, "stopped"
        advice = (
            "Read the e-mail the platform sent the workspace's administrator and do what it "
            "asks; open a support ticket (client.myhaulmer.open_ticket(...)) if it asks nothing."
        )
    if status.status not in _KNOWN_STATUSES:
        happened += f" (status '{status.status}', which this SDK predates)"
    return cls(
        f"The SII certification of setup {status.setup_id} {happened}{cause}. {advice}",
        setup_id=status.setup_id,
        reason=reason,
        stage=stage,
        status=status,
    )


def certified_wait(
    setup_id: str, timeout: float, poll_interval: float, options: Mapping[str, Any]
) -> Plan[CertificationStatus]:
    """Poll the certification until it is certified, riding out transient failures; a
    certification that stops (action required, failed) raises at once, saying why."""
    status = yield from poll(
        retrieve_request(setup_id, **options),
        timeout=timeout,
        poll_interval=poll_interval,
        done=lambda status: status.is_certified or status.has_stopped,
        timed_out=lambda status, waited: _timed_out(setup_id, status, waited),
    )
    if not status.is_certified:
        raise _stopped_error(status)
    return status

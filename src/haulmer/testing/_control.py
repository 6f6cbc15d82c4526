"""Fault injection and scripting: make the fake misbehave on purpose, one request at a time."""

from __future__ import annotations

import datetime as dt
import math
import random as _random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeGuard, get_args

from haulmer._shown import shown
from haulmer.testing._router import Route, Router, designates
from haulmer.testing._wire import FakeResponse

__all__ = [
    "CertificationSchedule",
    "CertificationStop",
    "ConnectionDropped",
    "Control",
    "Fault",
    "ScriptedStatus",
]

DEFAULT_RATE_LIMIT = (3, 100)
"""OpenFactura's documented global limit: 3 requests per second, 100 per minute (per key)."""

FaultKind = Literal["status", "drop_before", "drop_after", "slow"]
ErrorShape = Literal["envelope", "unwrapped", "gateway"]
"""OpenFactura's three error bodies: ``{"error": {...}}`` (emission, document queries),
unwrapped with ``details`` as an object (registry, list filters), the gateway's
``{"statusCode", "message"}``."""
DetailsArg = Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[Mapping[str, str]]
"""``details=``: ``{field: issue}``, ``(field, issue)`` pairs or ``{"field", "issue"}`` items."""
_NO_BODY = object()


class ConnectionDropped(Exception):
    """Raised by the fake when a scripted fault drops the connection (the transport maps it)."""

    def __init__(self, *, after: bool) -> None:
        where = "after the server acted" if after else "before the server saw the request"
        super().__init__(f"connection dropped by the fake {where}")
        self.after = after


@dataclass
class Fault:
    """One scripted misbehaviour for the next ``times`` requests a selector designates."""

    kind: FaultKind
    route: str
    times: int
    status: int = 500
    code: str | None = None
    message: str | None = None
    retry_after: float | None = None
    delay: float = 0.0
    probability: float = 1.0
    """The chance that a matching request meets this fault (drawn from ``Control.random``)."""
    details: list[tuple[str, str]] | None = None
    shape: ErrorShape | None = None
    body: Any = field(default=_NO_BODY, repr=False)

    def applies_to(self, route: Route | None, method: str, path: str) -> bool:
        """Whether this fault fires for a request (``route`` None means an unknown path)."""
        return self.times > 0 and designates(self.route, route, method, path)

    def response(self) -> FakeResponse:
        """The error answer for a ``status`` fault, in the body shape Haulmer uses for it."""
        headers: dict[str, str] = {}
        if self.retry_after is not None and self.status != 429:
            headers["Retry-After"] = _seconds(self.retry_after)
        if self.body is not _NO_BODY:
            return FakeResponse(self.status, json=self.body, headers=headers)
        if self.code is not None:
            return FakeResponse(self.status, json=self._coded_body(), headers=headers)
        if self.status == 429:
            if self.message is not None and not _TRY_AGAIN.search(self.message):
                # The emission docs' variant ("API rate limit exceeded"): no statusCode.
                return FakeResponse(429, json={"message": self.message})
            wait = 1 if self.retry_after is None else self.retry_after
            text = self.message or f"Rate limit is exceeded. Try again in {_seconds(wait)} seconds."
            return FakeResponse(429, json={"statusCode": 429, "message": text})
        message = self.message or _DEFAULT_MESSAGES.get(self.status, "Error")
        if self.status == 403:
            # The documented 403 variant is ``{"message": ...}`` alone.
            return FakeResponse(403, json={"message": message}, headers=headers)
        return FakeResponse(
            self.status, json={"statusCode": self.status, "message": message}, headers=headers
        )

    def _coded_body(self) -> dict[str, Any]:
        """An answer carrying ``code``: the service's message for it unless one was given."""
        from haulmer.testing.openfactura import ERROR_MESSAGES

        message = (
            self.message
            or ERROR_MESSAGES.get(self.code or "")
            or _DEFAULT_MESSAGES.get(self.status, "Error")
        )
        if self.shape == "unwrapped":
            details = dict(self.details or [])
            return {"message": message, "code": self.code, "details": details}
        error: dict[str, Any] = {"message": message, "code": self.code}
        if self.details is not None:
            error["details"] = [{"field": f, "issue": i} for f, i in self.details]
        return {"error": error}


_TRY_AGAIN = re.compile(r"try again in", re.IGNORECASE)


def _details_pairs(details: Any) -> list[tuple[str, str]]:
    """``details=`` as (field, issue) pairs, or a ValueError saying which forms are taken."""
    usage = (
        "details must be {field: issue}, (field, issue) pairs or {'field': ..., 'issue': ...} "
        "items, such as {'MntNeto': 'Monto erróneo : 1000'}"
    )
    if isinstance(details, Mapping):
        items: list[Any] = [(key, value) for key, value in details.items()]
    elif isinstance(details, (str, bytes)) or not isinstance(details, Iterable):
        raise ValueError(f"{usage}; got {type(details).__name__}")
    else:
        items = list(details)
    pairs: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, Mapping) and set(item) <= {"field", "issue"}:
            item = (item.get("field", ""), item.get("issue", ""))
        if (
            not isinstance(item, tuple)
            or len(item) != 2
            or not all(isinstance(part, str) for part in item)
        ):
            raise ValueError(f"{usage}; got {item!r:.60}")
        pairs.append(item)
    return pairs


def _checked_seconds(name: str, value: Any) -> float:
    """``value`` as a wait in seconds, or a ValueError: a NaN, an infinite or a negative wait, a
    text or a bool would only fail later, inside a request the fake is serving."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name} must be a finite number of seconds >= 0, got {shown(value)}")
    return float(value) if isinstance(value, float) else value


def _is_whole(value: object, low: int, high: float = math.inf) -> TypeGuard[int]:
    """Whether ``value`` is an int (not a bool) from ``low`` to ``high``: what every count,
    status and day the control takes must be; each caller says what it wanted."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _checked_times(times: Any) -> int:
    """``times=`` as a count of requests or documents, or a ValueError naming what was given."""
    if not _is_whole(times, 1):
        raise ValueError(f"times must be an int >= 1, got {shown(times)}")
    return times


_OPENFACTURA_CODE = re.compile(r"of-?\s*(\d+)", re.IGNORECASE)
_DOCUMENTED_CODES = (
    *(f"OF-{n:02d}" for n in (*range(1, 14), 20, 21, 22, 23)),
    "OF-429",
)
"""The OpenFactura error codes Haulmer documents (OF-01 to OF-13, OF-20 to OF-23, OF-429)."""


def _checked_code(code: Any, message: str | None) -> str:
    """``code=`` as OpenFactura writes it, or a ValueError: the SDK tells errors apart by the
    exact code, so ``"of-10"`` or a code nobody documents would fail the test for the wrong
    reason. A platform code (``"token_invalid"``) passes as it is; so does an undocumented OF
    code given with its ``message``."""
    if not isinstance(code, str) or not code:
        raise ValueError(f"code must be a non-empty str such as 'OF-10', got {shown(code)}")
    match = _OPENFACTURA_CODE.fullmatch(code.strip())
    if match is None:
        return code
    written = f"OF-{int(match.group(1)):02d}"
    if code != written:
        raise ValueError(
            f"code {shown(code)} is not how OpenFactura writes it: use {written!r} (the SDK "
            "tells errors apart by the exact code)"
        )
    if written not in _DOCUMENTED_CODES and message is None:
        raise ValueError(
            f"code {written!r} is not one OpenFactura documents ({', '.join(_DOCUMENTED_CODES)}); "
            "to send it anyway, give its message= too"
        )
    return written


def _take(scripts: list[CertificationSchedule] | list[CertificationStop], setup_id: str) -> Any:
    """Consume the script for this setup: its own first, else the next setups' first."""
    mine = [s for s in scripts if s.times > 0 and s.setup_id == setup_id]
    anyone = [s for s in scripts if s.times > 0 and s.setup_id is None]
    for script in mine or anyone:
        script.times -= 1
        return script
    return None


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_DEFAULT_MESSAGES = {
    400: "Bad Request",
    401: "Access denied due to invalid subscription key.",
    403: "Invalid authentication credentials",
    404: "Resource not found",
    408: "Request Timeout",
    409: "Conflict",
    500: "Internal server error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class ScriptedStatus:
    """The final SII status the next issued document(s) reach, and when."""

    estado: str
    times: int
    after: dt.timedelta | None = None


@dataclass
class CertificationSchedule:
    """The business day each stage of the next setups' (or one setup's) certification lands on."""

    stage_days: dict[Any, int]
    times: int
    setup_id: str | None = None


@dataclass
class CertificationStop:
    """The stage the next setups' (or one setup's) certification will not pass, and why."""

    stage: Any
    reason: str
    times: int
    setup_id: str | None = None


_STAGE_USAGE = (
    "postulacion, set_de_pruebas, simulacion, intercambio, muestras_impresion or certified "
    "(haulmer.openfactura.certification.CertificationStage)"
)


def _checked_stage(name: str, value: Any) -> Any:
    """A certification stage given by its value or its ``CertificationStage``, or an error."""
    from haulmer.openfactura.certification import CertificationStage

    if not isinstance(value, str):
        raise TypeError(f"{name} must be a stage name, one of {_STAGE_USAGE}; got {shown(value)}")
    try:
        return CertificationStage(value)
    except ValueError:
        raise ValueError(
            f"{name} {shown(value)} is no certification stage: use one of {_STAGE_USAGE}"
        ) from None


def _checked_setup_times(setup_id: Any, times: Any) -> int:
    """``times`` for the next setups (1 by default), or none when one setup is named."""
    if setup_id is not None:
        if not isinstance(setup_id, str) or not setup_id:
            raise TypeError(f"setup_id must be a setup's id (a str), got {shown(setup_id)}")
        if times is not None:
            raise ValueError(
                "give setup_id= or times=, not both: setup_id= scripts that one setup, times= "
                "the next setups to reach step 3"
            )
        return 1
    return 1 if times is None else _checked_times(times)


@dataclass
class Control:
    """What a test uses to script the fake: failures, drops, slowness and status outcomes."""

    faults: list[Fault] = field(default_factory=list)
    scripted_statuses: list[ScriptedStatus] = field(default_factory=list)
    openfactura_rate_limit: tuple[int, int] | None = DEFAULT_RATE_LIMIT
    """OpenFactura's global limit per API key (per second, per minute), or None when off."""
    router: Router | None = field(default=None, repr=False)
    """The fake's routes: a fault's route is checked against them when it is scripted."""
    random: _random.Random = field(default_factory=_random.Random, repr=False)
    """What faults with a ``probability`` below 1 draw from: ``random.seed(n)`` replays a run."""
    _status_setter: Callable[[str, str], None] | None = field(default=None, repr=False)
    certification_schedules: list[CertificationSchedule] = field(default_factory=list)
    certification_stops: list[CertificationStop] = field(default_factory=list)
    _platform: Any = field(default=None, repr=False)
    """The fake platform's state (its setups), for the certification controls."""

    def fail_next(
        self,
        route: str = "*",
        *,
        status: int | None = None,
        times: int = 1,
        retry_after: float | None = None,
        code: str | None = None,
        message: str | None = None,
        probability: float = 1.0,
        details: DetailsArg | None = None,
        shape: ErrorShape | None = None,
        body: Any = _NO_BODY,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` (400-599) without acting.

        ``route`` is a route name, the SDK method's dotted name (``"openfactura.documents.emit"``),
        a path template, "METHOD template", a path the fake serves, or "*"; anything else is a
        ValueError naming the close matches. ``status`` defaults to 400 with a ``code``, else 500.
        ``code`` (``"OF-10"``) gives OpenFactura's envelope with the service's Spanish message
        (or ``message``) and ``details``; ``shape="unwrapped"`` gives the registry's body instead.
        ``body`` sends any JSON as it is. 429 uses the gateway's "Try again in X seconds" text;
        other statuses send ``Retry-After``.
        With ``probability`` below 1 each matching request meets the fault only by that chance
        (drawn from ``random``, which a test seeds to replay a run), until ``times`` requests
        have met it.
        """
        if code is not None:
            code = _checked_code(code, message)
        if status is None:
            status = (429 if code == "OF-429" else 400) if code is not None else 500
        if not _is_whole(status, 400, 599):
            raise ValueError(
                f"status must be an HTTP error status (400-599), got {shown(status)}; a fault that "
                "answers success would not be a failure"
            )
        if retry_after is not None:
            retry_after = _checked_seconds("retry_after", retry_after)
        if shape is not None and shape not in get_args(ErrorShape):
            raise ValueError(
                f"shape must be 'envelope', 'unwrapped' or 'gateway', got {shown(shape)}"
            )
        if body is not _NO_BODY and (code, message, details, shape) != (None, None, None, None):
            raise ValueError(
                "body= is sent as it is: give it alone, or describe the answer with code=, "
                "message=, details= and shape="
            )
        if code is None and (details is not None or shape in ("envelope", "unwrapped")):
            raise ValueError(
                "details= and shape='envelope'/'unwrapped' need code= (an OpenFactura code such "
                "as 'OF-10'): the gateway's body carries neither"
            )
        if code is not None and shape == "gateway":
            raise ValueError(
                "shape='gateway' answers {'statusCode', 'message'}, which carries no code: "
                "drop code= or choose shape='envelope' or 'unwrapped'"
            )
        return self._add(
            Fault(
                "status",
                route,
                times,
                status=status,
                code=code,
                message=message,
                retry_after=retry_after,
                probability=probability,
                details=None if details is None else _details_pairs(details),
                shape=shape,
                body=body,
            )
        )

    def drop_connection(
        self,
        route: str = "*",
        *,
        when: Literal["before", "after"] = "before",
        times: int = 1,
        probability: float = 1.0,
    ) -> Fault:
        """Drop the connection before the server sees the request, or after it acted."""
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        kind: FaultKind = "drop_before" if when == "before" else "drop_after"
        return self._add(Fault(kind, route, times, probability=probability))

    def slow(
        self, route: str = "*", *, seconds: float, times: int = 1, probability: float = 1.0
    ) -> Fault:
        """Make the next answers take ``seconds`` of fake time; past the client's read timeout the
        client sees a timeout (the server still acted)."""
        delay = _checked_seconds("seconds", seconds)
        return self._add(Fault("slow", route, times, delay=delay, probability=probability))

    def script_status(
        self,
        estado: str,
        *,
        times: int = 1,
        after: dt.timedelta | None = None,
    ) -> None:
        """The next ``times`` issued documents end in ``estado`` (e.g. "Rechazado") instead of
        "Aceptado", ``after`` that long on the fake clock (default: the usual acceptance delay).

        ``estado`` is one of the issued states OpenFactura answers ("Aceptado", "Rechazado",
        "Aceptado con Reparo", "Sin estado", or "Pendiente" for one that is never decided): a
        state it never answers (a typo) is a ValueError, not a status no real document has.
        """
        from haulmer.testing.openfactura import ISSUED_STATES

        if estado not in ISSUED_STATES:
            raise ValueError(
                f"estado must be one of the issued states OpenFactura answers "
                f"({', '.join(ISSUED_STATES)}); got {shown(estado)}"
            )
        times = _checked_times(times)
        if after is not None and (not isinstance(after, dt.timedelta) or after < dt.timedelta(0)):
            raise ValueError(
                f"after must be a datetime.timedelta >= 0, got {shown(after)}: how long the "
                "document stays Pendiente, such as datetime.timedelta(minutes=10)"
            )
        self.scripted_statuses.append(ScriptedStatus(estado, times, after))

    def set_status(self, token: str, estado: str) -> None:
        """Set an issued document's status now (by its emission token: ``doc.token``)."""
        if not isinstance(token, str):
            hint = " (its .token)" if isinstance(getattr(token, "token", None), str) else ""
            raise TypeError(
                f"set_status() takes the document's emission token, a str such as doc.token; got "
                f"{type(token).__name__}{hint}"
            )
        if self._status_setter is None:
            raise RuntimeError("the fake OpenFactura is not installed on this fake")
        self._status_setter(token, estado)

    def rate_limit(self, per_second: int | None = 3, per_minute: int = 100) -> None:
        """Set OpenFactura's global limit per API key, counted on the fake clock.

        On by default at Haulmer's 3 requests/s and 100/min; ``rate_limit(None)`` turns it off
        (``reset()`` turns it on again), and another ``per_minute`` given with it is a
        ValueError rather than dropped. Over the limit: the gateway's 429
        "Try again in N seconds". The fake's clients sleep on the fake clock, so their retries
        ride it out.
        """
        if per_second is None:
            if per_minute != DEFAULT_RATE_LIMIT[1]:
                raise ValueError(
                    "rate_limit(None) turns the whole limit off, so "
                    f"per_minute={shown(per_minute)} would be ignored: to limit only per minute, "
                    "give a per_second at least as large, such as "
                    "rate_limit(per_second=per_minute, per_minute=per_minute)"
                )
            self.openfactura_rate_limit = None
            return
        for name, value in (("per_second", per_second), ("per_minute", per_minute)):
            if not _is_whole(value, 1):
                raise ValueError(
                    f"{name} must be an int >= 1 (or per_second=None), got {shown(value)}"
                )
        self.openfactura_rate_limit = (per_second, per_minute)

    def schedule_certification(
        self,
        business_days: int,
        *,
        stages: Mapping[str, int] | None = None,
        setup_id: str | None = None,
        times: int | None = None,
    ) -> None:
        """The next ``times`` setups to choose their DTE types (or the setup ``setup_id``) are
        certified ``business_days`` business days later (1 to 7, as Haulmer promises), instead of 7.

        ``stages`` puts stages on other business days (``{"set_de_pruebas": 1}``); a stage
        left out lands on its usual day, but no later than ``business_days`` nor before the
        stage ahead of it. ``estimated_completion`` is the day the certification lands.
        """
        from haulmer.openfactura.certification import (
            CERTIFICATION_BUSINESS_DAYS,
            CERTIFICATION_STAGES,
            CertificationStage,
        )

        if not _is_whole(business_days, 1, CERTIFICATION_BUSINESS_DAYS):
            raise ValueError(
                f"business_days must be an int from 1 to {CERTIFICATION_BUSINESS_DAYS} (Haulmer "
                f"promises certification within {CERTIFICATION_BUSINESS_DAYS} business days; "
                f"fake.control.certify_now(setup_id) certifies at once), got {shown(business_days)}"
            )
        times = _checked_setup_times(setup_id, times)
        given: dict[Any, int] = {}
        if stages is not None:
            if not isinstance(stages, Mapping):
                raise TypeError(
                    "stages must map stage names to business days, such as "
                    f"{{'set_de_pruebas': 1}}; got {shown(stages)}"
                )
            for name, day in stages.items():
                stage = _checked_stage("stages key", name)
                if stage in (CertificationStage.POSTULACION, CertificationStage.CERTIFIED):
                    raise ValueError(
                        f"stages cannot move '{stage.value}': postulacion lands at once and "
                        "certified on business_days"
                    )
                if not _is_whole(day, 0, business_days):
                    raise ValueError(
                        f"stages['{stage.value}'] must be an int from 0 to business_days "
                        f"({business_days}), got {shown(day)}"
                    )
                given[stage] = day
        stage_days: dict[Any, int] = {}
        previous = 0
        for usual, stage in CERTIFICATION_STAGES:
            if stage is CertificationStage.CERTIFIED:
                day = business_days
            elif stage in given:
                day = given[stage]
                if day < previous:
                    raise ValueError(
                        f"stages['{stage.value}'] is day {day}, before day {previous} of the "
                        "stage ahead of it: the SII's stages come in order"
                    )
            else:
                day = max(previous, min(usual, business_days))
            stage_days[stage] = previous = day
        if setup_id is not None:
            self._platform_state().refuse_started(setup_id, "schedule_certification")
        self.certification_schedules.append(CertificationSchedule(stage_days, times, setup_id))

    def stop_certification(
        self,
        reason: str,
        *,
        at: str | None = None,
        setup_id: str | None = None,
        times: int | None = None,
    ) -> None:
        """The certification of the next ``times`` setups (or of ``setup_id``, also one already
        under way) stops when stage ``at`` is due, for ``reason``:

        - ``"representative_not_authorized"`` (at postulacion by default): the signature's
          holder is not authorized before the SII for the company; status "action_required";
        - ``"certificate_expired"`` (at set_de_pruebas by default): the .pfx expired;
          status "action_required";
        - ``"rejected_by_sii"`` (at set_de_pruebas by default): the SII refused the stage;
          status "failed".

        A new upload of the signature (setup step 2) resumes an "action_required" one.
        """
        from haulmer.openfactura.certification import CertificationProblemReason

        if not isinstance(reason, str):
            raise TypeError(f"reason must be a str, got {shown(reason)}")
        reasons = [r.value for r in CertificationProblemReason]
        if reason not in reasons:
            raise ValueError(f"reason must be one of {', '.join(reasons)}; got {shown(reason)}")
        if at is None:
            at = "postulacion" if reason == "representative_not_authorized" else "set_de_pruebas"
        stage = _checked_stage("at", at)
        times = _checked_setup_times(setup_id, times)
        if setup_id is not None and self._platform_state().stop_certification_of(
            setup_id, stage, reason
        ):
            return
        self.certification_stops.append(CertificationStop(stage, reason, times, setup_id))

    def certify_now(self, setup_id: str) -> None:
        """Certify the setup ``setup_id`` now, whatever its stage (a shortcut for tests that do
        not care about the wait); the clock and every other setup stay where they are."""
        self._platform_state().certify_now(setup_id)

    def take_schedule(self, setup_id: str) -> dict[Any, int] | None:
        """The stage days scripted for this setup's certification, consumed (used at step 3)."""
        found = _take(self.certification_schedules, setup_id)
        return None if found is None else found.stage_days

    def take_stop(self, setup_id: str) -> tuple[Any, str] | None:
        """The stop scripted for this setup's certification, consumed (used at step 3)."""
        found = _take(self.certification_stops, setup_id)
        return None if found is None else (found.stage, found.reason)

    def _platform_state(self) -> Any:
        if self._platform is None:
            raise RuntimeError("the fake platform is not installed on this fake")
        return self._platform

    def take_scripted_status(self) -> ScriptedStatus | None:
        """Consume one scripted status (used by the fake OpenFactura at emission)."""
        for scripted in self.scripted_statuses:
            if scripted.times > 0:
                scripted.times -= 1
                return scripted
        return None

    def take_fault(self, route: Route | None, method: str, path: str) -> Fault | None:
        """Consume one use of the first fault that applies to this request (a fault with a
        ``probability`` below 1 applies only when its draw says so)."""
        for fault in self.faults:
            if fault.applies_to(route, method, path) and (
                fault.probability >= 1.0 or self.random.random() < fault.probability
            ):
                fault.times -= 1
                return fault
        return None

    def clear(self) -> None:
        """Forget every scripted fault and status; the rate limit is back to Haulmer's."""
        self.faults.clear()
        self.scripted_statuses.clear()
        self.certification_schedules.clear()
        self.certification_stops.clear()
        self.openfactura_rate_limit = DEFAULT_RATE_LIMIT

    def _add(self, fault: Fault) -> Fault:
        _checked_times(fault.times)
        chance = fault.probability
        if isinstance(chance, bool) or not isinstance(chance, int | float) or not 0 < chance <= 1:
            raise ValueError(f"probability must be a number in (0, 1], got {shown(chance)}")
        self._check_route(fault.route)
        self.faults.append(fault)
        return fault

    def _check_route(self, selector: str) -> None:
        """Refuse a route selector that designates nothing the fake serves (a typo)."""
        if self.router is None or selector == "*":
            return
        if not isinstance(selector, str):
            raise ValueError(f"route must be a route name, a path or '*', got {shown(selector)}")
        self.router.check_selector(selector)

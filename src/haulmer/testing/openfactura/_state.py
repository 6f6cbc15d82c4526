"""State of the fake OpenFactura: tenants (taxpayers by API key), issued documents, idempotency."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyModule
from haulmer._shown import shown
from haulmer.testing._clock import SANTIAGO, FakeClock, later, reached
from haulmer.testing._control import Control
from haulmer.testing.openfactura._indices import estimated_uf, estimated_utm

if TYPE_CHECKING:
    from haulmer.testing.openfactura import _self_service
else:  # ``_self_service.SelfServiceLink`` in an annotation loads it when resolved
    _self_service = LazyModule("haulmer.testing.openfactura._self_service")

__all__ = [
    "AUTO_REGISTER_AFTER",
    "IDEMPOTENCY_WINDOW",
    "ISSUED_STATES",
    "RECEIVED_STATES",
    "SANDBOX_TENANTS",
    "CafGrant",
    "IssuedDocument",
    "OpenFacturaState",
    "Tenant",
]

IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)
"""How long OpenFactura remembers an Idempotency-Key (OF-06 on replay inside it)."""

ACCEPTANCE_DELAY = dt.timedelta(minutes=3)
"""How long an issued document stays "Pendiente" before the (simulated) SII decides."""

AUTO_REGISTER_AFTER = dt.timedelta(days=8)
"""The calendar days after the day the SII received a document in which its receptor may accept
or claim it (Ley 19.983, until the midnight that ends the last one, in Chile); then a pending
document becomes "Registrado" (the SII's tacit acceptance) and every acuse comes too late."""

ISSUED_STATES = ("Pendiente", "Aceptado", "Rechazado", "Aceptado con Reparo", "Sin estado")
RECEIVED_STATES = ("Pendiente", "Registrado", "No_incluir", "Reclamado")

DEFAULT_DTE_TYPES = (33, 34, 39, 41, 43, 46, 52, 56, 61)
DEFAULT_FOLIOS = 1000


EXPIRING_TYPES = frozenset({33, 43, 46, 56, 61})
"""Types whose CAF folios expire six months after the CAF's date (FA), as ``haulmer.sii`` rules."""

CAF_VALIDITY_MONTHS = 6

LAST_FOLIO = 9_999_999_999
"""The largest folio the SII's FolioType (10 digits) takes: no CAF's range goes past it."""


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CafGrant:
    """One CAF the fake "requested" for a tenant: its folio range and authorization date (FA)."""

    dte_type: int
    folio_from: int
    folio_to: int
    issued_on: dt.date

    @property
    def expires_on(self) -> dt.date | None:
        """Last day its folios may be used; None for types whose folios do not expire."""
        if self.dte_type not in EXPIRING_TYPES:
            return None
        return _add_months(self.issued_on, CAF_VALIDITY_MONTHS)

    def usable(self, folio: int, today: dt.date) -> bool:
        """Whether ``folio`` may be stamped with this CAF on ``today``."""
        expiry = self.expires_on
        in_time = self.issued_on <= today and (expiry is None or today <= expiry)
        return in_time and self.folio_from <= folio <= self.folio_to


def _rut_key(rut: str | int) -> str:
    """A RUT's number without dots or DV, for comparisons ("76795561-8" -> "76795561")."""
    text = str(rut).replace(".", "").strip().upper()
    return text.split("-")[0]


@dataclass
class Tenant:
    """A taxpayer reachable with an API key: its organization data, CAFs and folio counters."""

    api_key: str = field(repr=False)
    rut: str
    razon_social: str
    giro: str = ""
    acteco: int = 620200
    direccion: str = ""
    comuna: str = ""
    ciudad: str = ""
    cdg_sii_sucur: str = ""
    email: str = ""
    telefono: str = ""
    nombre_fantasia: str = ""
    web: str = ""
    organization_name: str = ""
    """The razón social ``/organization`` and ``/taxpayer`` answer when it differs from the one
    documents carry (the sandbox's HAULMER SPA answers "HAULMER CHILE SPA")."""
    resolucion_fecha: str = "2018-03-26"
    resolucion_numero: int = 0
    dte_types: tuple[int, ...] = DEFAULT_DTE_TYPES
    folios_per_type: int = DEFAULT_FOLIOS
    preloaded: bool = False
    created_at: dt.datetime | None = None
    next_folio: dict[int, int] = field(default_factory=dict)
    folio_limits: dict[int, int] = field(default_factory=dict)
    cafs: dict[int, CafGrant] = field(default_factory=dict)
    """The current CAF per type; OpenFactura requests CAFs itself, so the fake does too."""
    signature_expires: dt.datetime | None = None
    """When the electronic signature uploaded in the company's OpenFactura setup stops being
    valid: OpenFactura signs each document with it, so none is issued after (OF-04). None for a
    tenant added by hand, whose documents the fake's own certificate signs."""

    @property
    def rut_number(self) -> str:
        """The RUT without DV (as OpenFactura's list filters take it); worked out again only
        when ``rut`` is another object (a request asks for it several times)."""
        rut = self.rut
        known = self.__dict__.get("_rut_number")
        if known is None or known[0] is not rut:
            known = self.__dict__["_rut_number"] = (rut, _rut_key(rut))
        return known[1]

    def _last_allowed(self, dte_type: int) -> int | None:
        return self.folio_limits.get(dte_type)

    def _grant_for(self, dte_type: int, today: dt.date) -> CafGrant | None:
        """The CAF the next folio would come from: the current one, else a new one (not kept)."""
        folio = self.next_folio.get(dte_type, 1)
        limit = self._last_allowed(dte_type)
        if (limit is not None and folio > limit) or folio > LAST_FOLIO:
            return None
        current = self.cafs.get(dte_type)
        if current is not None and current.usable(folio, today):
            return current
        last = min(folio + self.folios_per_type - 1, LAST_FOLIO)
        return CafGrant(dte_type, folio, last if limit is None else min(last, limit), today)

    def folios_available(self, dte_type: int, today: dt.date) -> int:
        """Folios left for ``dte_type`` in the CAF the next document would use (0: OF-07)."""
        grant = self._grant_for(dte_type, today)
        if grant is None:
            return 0
        return grant.folio_to - self.next_folio.get(dte_type, 1) + 1

    def folio_expiry(self, dte_type: int, today: dt.date) -> dt.date | None:
        """When the folios of that CAF expire (None: they do not, or none are left)."""
        grant = self._grant_for(dte_type, today)
        return grant.expires_on if grant is not None else None

    def take_folio(self, dte_type: int, today: dt.date) -> tuple[int, CafGrant]:
        """The next folio and its CAF, requesting a new CAF when the old one expired or ran out.

        The folio is consumed only by :meth:`commit_folio`, once the document is issued.
        """
        grant = self._grant_for(dte_type, today)
        if grant is None:
            raise LookupError(f"no folios left for DTE {dte_type}")
        self.cafs[dte_type] = grant
        return self.next_folio.get(dte_type, 1), grant

    def commit_folio(self, dte_type: int, folio: int) -> None:
        """Mark ``folio`` as used: the next document of this type gets the following one."""
        self.next_folio[dte_type] = folio + 1

    def set_folio_limit(self, dte_type: int, last_folio: int) -> None:
        """Make folios of ``dte_type`` run out after ``last_folio`` (OF-07 afterwards; 0: none
        at all). A type the taxpayer does not issue, or a value that is no int, is refused here
        rather than ignored or failing the next request."""
        if isinstance(dte_type, bool) or not isinstance(dte_type, int):
            raise TypeError(f"dte_type must be an int such as 33, got {shown(dte_type)}")
        if dte_type not in self.dte_types:
            issued = ", ".join(str(t) for t in self.dte_types)
            raise ValueError(
                f"{self.razon_social} does not issue DTE type {dte_type} (it issues {issued}), so "
                "a folio limit on it would never apply"
            )
        if isinstance(last_folio, bool) or not isinstance(last_folio, int):
            raise TypeError(
                f"last_folio must be an int (the last folio that may be issued), got "
                f"{shown(last_folio)}"
            )
        if last_folio < 0:
            raise ValueError(f"last_folio must be >= 0 (0: no folio left), got {shown(last_folio)}")
        self.folio_limits[int(dte_type)] = last_folio

    def organization(self) -> dict[str, Any]:
        """The body of ``GET /v2/dte/organization`` for this tenant."""
        return {
            "rut": self.rut,
            "razonSocial": self.organization_name or self.razon_social,
            "email": self.email,
            "telefono": self.telefono,
            "direccion": self.direccion,
            "comuna": self.comuna,
            "ciudad": self.ciudad or self.comuna,
            "cdgSIISucur": self.cdg_sii_sucur,
            "glosaDescriptiva": self.giro,
            "direccionRegional": self.comuna,
            "resolucion": {"fecha": self.resolucion_fecha, "numero": str(self.resolucion_numero)},
            "nombreFantasia": self.nombre_fantasia or self.razon_social,
            "web": self.web,
            "sucursales": [],
            "actividades": [self.activity()],
        }

    def activity(self) -> dict[str, Any]:
        """The main economic activity, as OpenFactura lists it."""
        return {
            "giro": self.giro,
            "actividadEconomica": self.giro,
            "codigoActividadEconomica": str(self.acteco),
            "actividadPrincipal": True,
        }

    def taxpayer(self) -> dict[str, Any]:
        """The body of ``GET /v2/dte/taxpayer/{rut}`` for this taxpayer."""
        return {
            "rut": self.rut,
            "razonSocial": self.organization_name or self.razon_social,
            "email": self.email,
            "telefono": self.telefono,
            "direccion": self.direccion,
            "comuna": self.comuna,
            "actividades": [self.activity()],
            "sucursales": [
                {
                    "cdgSIISucur": self.cdg_sii_sucur,
                    "comuna": self.comuna,
                    "direccion": self.direccion,
                    "ciudad": self.ciudad or self.comuna,
                    "telefono": self.telefono,
                }
            ],
        }

    def __repr__(self) -> str:
        return f"Tenant(rut={self.rut!r}, razon_social={self.razon_social!r})"


SANDBOX_TENANTS: tuple[dict[str, Any], ...] = (
    {
        "api_key": "928e15a2d14d4a6292345f04960f4bd3",
        "rut": "76795561-8",
        "razon_social": "HAULMER SPA",
        "giro": ("VENTA AL POR MENOR EN EMPRESAS DE VENTA A DISTANCIA VÍA INTERNET; COMERCIO ELEC"),
        "acteco": 479100,
        "direccion": "ARTURO PRAT 527   CURICO",
        "comuna": "Curicó",
        "ciudad": "Curicó",
        "cdg_sii_sucur": "81303347",
        "organization_name": "HAULMER CHILE SPA",
        "email": "contacto@haulmer.com",
        "web": "https://www.haulmer.com",
    },
    {
        "api_key": "41eb78998d444dbaa4922c410ef14057",
        "rut": "76430498-5",
        "razon_social": "HOSTY SPA",
        "giro": "EMPRESAS DE SERVICIOS INTEGRALES DE INFORMÁTICA",
        "acteco": 620200,
        "direccion": "ARTURO PRAT 527 3 pis OF 1",
        "comuna": "Curicó",
        "ciudad": "Curicó",
        "cdg_sii_sucur": "79457965",
    },
)
"""The two demo companies whose API keys OpenFactura publishes for its sandbox."""


@dataclass
class Acuse:
    """One acknowledgement event recorded on a received document."""

    cod_evento: str
    fecha_evento: dt.datetime

    def wire(self) -> dict[str, Any]:
        """As listed in ``Acuses`` of the received list."""
        return {
            "codEvento": self.cod_evento,
            "fechaEvento": self.fecha_evento.strftime("%Y-%m-%d %H:%M:%S"),
            "estado": "Aceptado",
        }


@dataclass
class IssuedDocument:
    """A DTE issued through the fake: wire JSON as sent (folio filled in), signed XML, status."""

    token: str
    issuer_rut: str
    dte_type: int
    folio: int
    fch_emis: str
    receptor_rut: str
    receptor_razon_social: str
    totals: dict[str, int]
    fma_pago: int
    tpo_tran_compra: int
    dte: dict[str, Any]
    xml: bytes
    ted: bytes
    pdf_format: str
    issued_at: dt.datetime
    decided_at: dt.datetime
    final_status: str = "Aceptado"
    status_override: str | None = None
    anulado: bool = False
    custom: dict[str, Any] = field(default_factory=dict)
    send_email: dict[str, Any] | None = None
    email_sent: bool = False
    acuses: list[Acuse] = field(default_factory=list)
    iva_exceptional: bool = False
    """Issued with ``ivaExceptional: ["ARTESANO"]`` (counts toward the 5 UTM monthly cap)."""
    issuer_key: str = field(init=False, repr=False, compare=False)
    """The issuer's RUT number without DV, computed once (lists and lookups compare it)."""
    receptor_key: str = field(init=False, repr=False, compare=False)
    """The receptor's RUT number without DV, computed once."""
    received_text: str = field(init=False, repr=False, compare=False)
    """``issued_at`` as the lists print it (``YYYY-MM-DD HH:MM:SS``), formatted once."""

    def __post_init__(self) -> None:
        self.issuer_key = _rut_key(self.issuer_rut)
        self.receptor_key = _rut_key(self.receptor_rut)
        self.received_text = self.issued_at.strftime("%Y-%m-%d %H:%M:%S")

    def status(self, now: dt.datetime) -> str:
        """The issued-side SII status at ``now`` ("Pendiente" until the simulated SII decides)."""
        if self.status_override is not None:
            return self.status_override
        return self.final_status if reached(now, self.decided_at) else "Pendiente"

    def sii_received_at(self, now: dt.datetime) -> dt.datetime | None:
        """When the SII received it (None while still pending)."""
        return self.decided_at if reached(now, self.decided_at) else None

    def claim_window_over(self, now: dt.datetime) -> bool:
        """Whether the days to accept or claim it are over at ``now``: the 8 calendar days after
        the day the SII received it, in Chile, whatever the hour it came or the clocks' changes
        (never while the SII has not received it)."""
        received = self.sii_received_at(now)
        if received is None:
            return False
        last_day = received.astimezone(SANTIAGO).date() + AUTO_REGISTER_AFTER
        return now.astimezone(SANTIAGO).date() > last_day

    def received_status(self, now: dt.datetime) -> str:
        """The receiver-side RCV status ("Pendiente", "Registrado", "Reclamado")."""
        codes = {a.cod_evento for a in self.acuses}
        if codes & {"RCD", "RFP", "RFT"}:
            return "Reclamado"
        if codes & {"ACD", "ERM"}:
            return "Registrado"
        if self.claim_window_over(now):
            return "Registrado"
        return "Pendiente"


def _pesos(name: str, value: Any, kinds: tuple[type, ...], example: str) -> Any:
    """A UF or UTM a test sets: None, or a finite amount of pesos above 0 of ``kinds``; a
    TypeError or ValueError naming it otherwise, before any document meets it."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | Decimal)
        or not isinstance(value, kinds)
    ):
        kind = " or ".join(kind.__name__ for kind in kinds)
        raise TypeError(
            f"{name} must be an amount in pesos (an {kind} such as {example}) or None for the "
            f"fake's estimate, got {type(value).__name__} {shown(value)}"
        )
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a finite amount of pesos above 0, got {shown(value)}")
    return value


class OpenFacturaState:
    """Everything the fake OpenFactura remembers; :meth:`reset` returns to the sandbox tenants.

    Documents are indexed by issuer, receptor, day, token and (issuer, type, folio), so a lookup
    or a page of a list costs the same at 100,000 documents as at 10. Add documents with
    :meth:`add_document`, which keeps the indexes; ``documents`` lists them all, oldest first.
    """

    def __init__(self, clock: FakeClock, control: Control, environment: str = "sandbox") -> None:
        self.clock = clock
        self.control = control
        self.environment = environment
        """"sandbox" or "production": where the two differ, which one the fake answers like."""
        self._uf_value: float | Decimal | None = None
        self._utm_value: int | None = None
        self.acceptance_delay: dt.timedelta = ACCEPTANCE_DELAY
        self.tenants: dict[str, Tenant] = {}
        self.documents: list[IssuedDocument] = []
        self.idempotency: dict[tuple[str, str], tuple[str, dt.datetime]] = {}
        self.sync_rcv_windows: dict[tuple[str, str], dt.datetime] = {}
        self._counter = 0
        self._resets = -1
        """How many times :meth:`reset` ran after the first (a part of every token's seed)."""
        self._tenants_by_rut: dict[str, Tenant] = {}
        self._issued: dict[str, list[IssuedDocument]] = {}
        self._received: dict[str, list[IssuedDocument]] = {}
        self._issued_on: dict[tuple[str, str], list[IssuedDocument]] = {}
        self._tokens: dict[str, IssuedDocument] = {}
        self._folios: dict[tuple[str, int, int], IssuedDocument] = {}
        self.awaiting_email: list[IssuedDocument] = []
        """Documents with ``sendEmail`` whose copies have not been sent yet."""
        self.self_service_links: dict[str, _self_service.SelfServiceLink] = {}
        """The self-service links handed out, by token."""
        self.reset()

    def reset(self) -> None:
        """Forget documents, keys and added tenants; keep the two sandbox demo companies."""
        self.tenants.clear()
        self.documents.clear()
        self.idempotency.clear()
        self.sync_rcv_windows.clear()
        for index in (self._tenants_by_rut, self._issued, self._received, self._issued_on):
            index.clear()
        self._tokens.clear()
        self._folios.clear()
        self.awaiting_email.clear()
        self.self_service_links.clear()
        self.uf_value = None
        self.utm_value = None
        self.acceptance_delay = ACCEPTANCE_DELAY
        self._counter = 0
        self._resets += 1
        for preset in SANDBOX_TENANTS:
            self.add_tenant(preloaded=True, **preset)

    @property
    def uf_value(self) -> float | Decimal | None:
        """The UF in pesos the fake applies (None: an estimate for the document's date)."""
        return self._uf_value

    @uf_value.setter
    def uf_value(self, value: float | Decimal | None) -> None:
        self._uf_value = _pesos("uf_value", value, (int, float, Decimal), "39_500.12")

    @property
    def utm_value(self) -> int | None:
        """The UTM in whole pesos the fake applies (None: an estimate for the document's
        month)."""
        return self._utm_value

    @utm_value.setter
    def utm_value(self, value: int | None) -> None:
        self._utm_value = _pesos("utm_value", value, (int,), "68_000")

    def uf(self, day: dt.date) -> float:
        """The UF on ``day``: ``uf_value`` when a test set it, else the fake's estimate."""
        return float(self._uf_value) if self._uf_value is not None else estimated_uf(day)

    def utm(self, day: dt.date) -> int:
        """The UTM of ``day``'s month: ``utm_value`` when a test set it, else an estimate."""
        return self.utm_value if self.utm_value is not None else estimated_utm(day)

    def add_document(self, doc: IssuedDocument) -> None:
        """Keep an issued document and index it (by issuer, receptor, day, token and folio)."""
        self.documents.append(doc)
        self._issued.setdefault(doc.issuer_key, []).append(doc)
        if doc.receptor_key != doc.issuer_key:
            self._received.setdefault(doc.receptor_key, []).append(doc)
        self._issued_on.setdefault((doc.issuer_key, doc.fch_emis), []).append(doc)
        self._tokens[doc.token] = doc
        self._folios[(doc.issuer_key, doc.dte_type, doc.folio)] = doc
        if doc.send_email:
            self.awaiting_email.append(doc)

    def add_self_service_link(self, link: _self_service.SelfServiceLink) -> None:
        """Keep a self-service link the fake handed out."""
        self.self_service_links[link.token] = link

    def self_service_link(self, url_or_token: str) -> _self_service.SelfServiceLink | None:
        """A self-service link by its URL or its token, if the fake handed it out."""
        token = str(url_or_token).rstrip("/").rsplit("/", 1)[-1]
        return self.self_service_links.get(token)

    def add_tenant(
        self,
        api_key: str,
        *,
        rut: str,
        razon_social: str,
        giro: str = "",
        acteco: int | str = 620200,
        direccion: str = "",
        comuna: str = "",
        dte_types: Iterable[int | str] = DEFAULT_DTE_TYPES,
        **extra: Any,
    ) -> Tenant:
        """Register the taxpayer that ``api_key`` authenticates.

        Like OpenFactura, one account per RUT and one company per key: a RUT another key serves,
        or a key already in use, is refused with ``ValueError`` (tenants do not share folios), as
        is a razón social its documents and CAFs cannot carry (blank, or not ISO-8859-1).
        """
        from haulmer._platform import razon_social_text
        from haulmer.testing.openfactura._tenant_fields import (
            checked_acteco,
            checked_api_key,
            checked_dte_types,
            checked_rut,
            checked_text,
        )

        api_key = checked_api_key(api_key)
        razon_social = razon_social_text(checked_text("razon_social", razon_social))
        canonical = checked_rut(rut)
        self._refuse_taken(api_key, canonical, razon_social)
        _check_folios_per_type(extra.get("folios_per_type", DEFAULT_FOLIOS))
        tenant = Tenant(
            api_key=api_key,
            rut=canonical,
            razon_social=razon_social,
            giro=checked_text("giro", giro),
            acteco=checked_acteco(acteco),
            direccion=checked_text("direccion", direccion),
            comuna=checked_text("comuna", comuna),
            dte_types=checked_dte_types(dte_types),
            created_at=self.clock.now(),
            **extra,
        )
        self.tenants[api_key] = tenant
        self._tenants_by_rut[tenant.rut_number] = tenant
        return tenant

    def _refuse_taken(self, api_key: str, rut: str, razon_social: str) -> None:
        """Refuse a key already in use or a RUT that already has an account (say whose)."""
        by_key = self.tenants.get(api_key)
        if by_key is not None:
            if by_key.rut_number == _rut_key(rut):
                raise ValueError(
                    f"this API key is already the key of {by_key.razon_social} ({by_key.rut}): "
                    "change that tenant through fake.openfactura_state.tenant_for_key(key) "
                    "instead of adding it again"
                )
            raise ValueError(
                f"this API key already authenticates {by_key.razon_social} ({by_key.rut}); each "
                f"key belongs to one company: give {razon_social} a key of its own "
                "(e.g. secrets.token_hex(16))"
            )
        by_rut = self.tenant_for_rut(rut)
        if by_rut is not None:
            sandbox = ", a preloaded sandbox company," if by_rut.preloaded else ""
            raise ValueError(
                f"RUT {rut} already has an OpenFactura account on this fake: "
                f"{by_rut.razon_social}{sandbox} has it under another API key. OpenFactura keeps "
                f"one account (one folio range) per RUT: give {razon_social} a RUT of its own, "
                f"or use that company through fake.openfactura_state.tenant_for_rut({shown(rut)})"
            )

    def tenant_for_key(self, api_key: str) -> Tenant | None:
        """The tenant an API key authenticates, if any."""
        return self.tenants.get(api_key)

    def tenant_for_rut(self, rut: str | int) -> Tenant | None:
        """The tenant with this RUT (at most one: :meth:`add_tenant` refuses a second), if any."""
        return self._tenants_by_rut.get(_rut_key(rut))

    def new_token(self, issuer_rut: str, dte_type: int, folio: int) -> str:
        """A 64-hex emission token, unique within this fake, resets included: a token kept from
        before a reset names no document after it. Two fakes in the same state give the same
        tokens (reproducible runs, the faces compared on twin fakes)."""
        self._counter += 1
        seed = (
            f"{issuer_rut}|{dte_type}|{folio}|{self._counter}|{self.clock.now().isoformat()}"
            f"|{self._resets}"
        )
        return hashlib.sha256(seed.encode()).hexdigest()

    def issued_by(self, tenant: Tenant) -> list[IssuedDocument]:
        """Documents this tenant issued, oldest first (a copy; :meth:`issued_view` is not)."""
        return list(self.issued_view(tenant))

    def issued_view(self, tenant: Tenant) -> Sequence[IssuedDocument]:
        """The index of documents this tenant issued, oldest first (read it, do not change it)."""
        return self._issued.get(tenant.rut_number, ())

    def received_by(self, tenant: Tenant) -> list[IssuedDocument]:
        """Documents other tenants issued to this tenant's RUT, oldest first."""
        return list(self.received_view(tenant))

    def received_view(self, tenant: Tenant) -> Sequence[IssuedDocument]:
        """The index of documents issued to this tenant by others, oldest first (read only)."""
        return self._received.get(tenant.rut_number, ())

    def issued_between(self, tenant: Tenant, start: dt.date, end: dt.date) -> list[IssuedDocument]:
        """Documents this tenant issued with ``FchEmis`` from ``start`` to ``end``, by day."""
        days = (end - start).days + 1
        if days > len(self._issued.get(tenant.rut_number, ())):
            low, high = start.isoformat(), end.isoformat()
            return [d for d in self.issued_view(tenant) if low <= d.fch_emis <= high]
        out: list[IssuedDocument] = []
        for offset in range(days):
            day = (start + dt.timedelta(days=offset)).isoformat()
            out += self._issued_on.get((tenant.rut_number, day), ())
        return out

    def by_token(self, tenant: Tenant, token: str) -> IssuedDocument | None:
        """An issued document of this tenant by its emission token."""
        doc = self._tokens.get(token)
        if doc is None or doc.issuer_key != tenant.rut_number:
            return None
        return doc

    def by_folio(
        self, tenant: Tenant, issuer_rut: str, dte_type: int, folio: int
    ) -> IssuedDocument | None:
        """A document issued or received by this tenant, by issuer RUT, type and folio; a RUT
        whose check digit is wrong or missing is nobody's (its number alone names no issuer)."""
        from haulmer.rut import Rut

        if not Rut.is_valid(issuer_rut):
            return None
        # As the RUT reads (767955618, 076795561-8 are 76795561-8), not as written.
        doc = self._folios.get((_rut_key(str(Rut(issuer_rut))), dte_type, folio))
        if doc is None or tenant.rut_number not in (doc.issuer_key, doc.receptor_key):
            return None
        return doc

    def set_status(self, token: str, estado: str) -> None:
        """Force a document's issued status (``fake.control.set_status``)."""
        if estado not in ISSUED_STATES:
            raise ValueError(
                f"estado must be one of {', '.join(ISSUED_STATES)}; got {shown(estado)}"
            )
        doc = self._tokens.get(token)
        if doc is None:
            raise LookupError("no document was issued with that token on this fake")
        doc.status_override = estado

    def remember_key(self, tenant: Tenant, key: str, token: str) -> None:
        """Keep an Idempotency-Key for 24 h of fake time."""
        expires = later(self.clock.now(), IDEMPOTENCY_WINDOW)
        self.idempotency[(tenant.rut_number, key)] = (token, expires)

    def replayed_token(self, tenant: Tenant, key: str) -> str | None:
        """The token already issued under this key, if it is still inside its 24 h window."""
        found = self.idempotency.get((tenant.rut_number, key))
        if found is None:
            return None
        token, expires = found
        if reached(self.clock.now(), expires):
            del self.idempotency[(tenant.rut_number, key)]
            return None
        return token


def _check_folios_per_type(count: object) -> None:
    """Refuse a CAF size the fake could not grant: text would fail the next emission from inside
    the fake, and 0 or less would answer ``disponibles`` below zero."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(
            f"folios_per_type must be an int (the folios of each CAF the fake requests), got "
            f"{shown(count)}"
        )
    if count < 1:
        raise ValueError(
            f"folios_per_type must be >= 1, got {shown(count)}: to leave a type without folios, "
            "use tenant.set_folio_limit(dte_type, 0)"
        )

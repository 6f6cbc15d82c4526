"""Self-service links on the fake OpenFactura: what a request asks for is checked and kept, and
a test plays the customer who opens the link (:class:`SelfServicePage`).

The customer takes the boleta (issued then if the shop did not issue it) or, when the link
allows it, turns the sale into a factura with their company's data: a 33 (a 34 for a boleta
exenta 41), dated by OpenFactura's rules, and an issued boleta voided by a nota de crédito 61.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyModule
from haulmer._platform import EMAIL_ADDRESS
from haulmer._shown import shown
from haulmer.testing.openfactura._references import annuls
from haulmer.testing.openfactura._state import IssuedDocument, Tenant

if TYPE_CHECKING:
    from haulmer.dte import models as _dte_models
    from haulmer.testing.openfactura import _emission
else:  # ``_emission.Emission`` in an annotation loads it when resolved (it imports this module)
    _emission = LazyModule("haulmer.testing.openfactura._emission")
    _dte_models = LazyModule("haulmer.dte.models")  # pydantic, loaded once a hint is resolved

__all__ = [
    "CONVERSION_GRACE_DAYS",
    "SelfServiceLink",
    "SelfServicePage",
    "factura_date",
    "self_service_problems",
    "unissuable_factura_problems",
]

CONVERSION_GRACE_DAYS = 10
"""A factura asked for in the first 10 days of the month after an issued boleta keeps the
boleta's date (reference 3.5); later, it is dated the day it is asked for."""

CREDIT_NOTE_REASON = "Anula boleta: el cliente pidió factura"
"""The RazonRef of the nota de crédito that voids a boleta turned into a factura."""

FACTURA_OF_BOLETA = {39: 33, 41: 34}
"""The factura a boleta becomes: an afecta 33, or an exenta 34 for a boleta exenta 41."""

_GIRO_EMIS_LENGTH = 80
"""The longest GiroEmis the SII's schema takes (DTE_v10.xsd)."""

_URL = re.compile(r"https?://\S+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text_problem(holder: Mapping[str, Any], name: str, problems: list[tuple[str, str]]) -> None:
    value = holder.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        problems.append((name, "Campo obligatorio"))
    elif not isinstance(value, str):
        problems.append((name, "Valor Incorrecto"))


def self_service_problems(body: Mapping[str, Any], dte_type: int) -> list[tuple[str, str]]:
    """What OpenFactura would refuse (OF-10) in a self-service request's own fields:
    ``selfService`` flags and ``documentReference``, ``customer``, ``customizePage``, the type."""
    problems: list[tuple[str, str]] = []
    if dte_type not in FACTURA_OF_BOLETA:
        problems.append(("TipoDTE", f"El autoservicio emite boletas (39, 41), no DTE {dte_type}"))
    service = body["selfService"]
    for flag in ("issueBoleta", "allowFactura"):
        if flag in service and not isinstance(service[flag], bool):
            problems.append((flag, "Valor Incorrecto"))
    references = service.get("documentReference")
    if isinstance(references, dict):
        references = [references]  # the documentation's form; the plugins send a list
    if references is not None:
        if not isinstance(references, list) or not references:
            problems.append(("documentReference", "Valor Incorrecto"))
        else:
            for reference in references:
                if not isinstance(reference, dict):
                    problems.append(("documentReference", "Valor Incorrecto"))
                    continue
                if reference.get("ID", reference.get("id")) in (None, ""):
                    problems.append(("ID", "Campo obligatorio"))
                if reference.get("type") in (None, ""):
                    problems.append(("type", "Campo obligatorio"))
                if not _DATE.fullmatch(str(reference.get("date", ""))):
                    problems.append(("date", "Valor Incorrecto"))
    customer = body.get("customer")
    if customer is not None:
        if not isinstance(customer, dict):
            problems.append(("customer", "Debe ser un objeto"))
        else:
            email = customer.get("email")
            if email is not None and not (
                isinstance(email, str) and EMAIL_ADDRESS.fullmatch(email.strip())
            ):
                problems.append(("email", "Valor Incorrecto"))
            name = customer.get("fullName")
            if name is not None and not isinstance(name, str):
                problems.append(("fullName", "Valor Incorrecto"))
    page = body.get("customizePage")
    if page is not None:
        if not isinstance(page, dict):
            problems.append(("customizePage", "Debe ser un objeto"))
        else:
            logo = page.get("urlLogo")
            if logo is not None and not (isinstance(logo, str) and _URL.fullmatch(logo)):
                problems.append(("urlLogo", "Valor Incorrecto"))
            external = page.get("externalReference")
            if external is not None:
                if not isinstance(external, dict):
                    problems.append(("externalReference", "Debe ser un objeto"))
                else:
                    _text_problem(external, "hyperlinkText", problems)
                    _text_problem(external, "hyperlinkURL", problems)
                    url = external.get("hyperlinkURL")
                    if isinstance(url, str) and url.strip() and not _URL.fullmatch(url):
                        problems.append(("hyperlinkURL", "Valor Incorrecto"))
    return problems


def unissuable_factura_problems(
    service: Mapping[str, Any], dte_type: int, issuable: Iterable[int]
) -> list[tuple[str, str]]:
    """What OpenFactura would refuse (OF-05) in a link whose ``allowFactura`` the company cannot
    keep: the factura (33, or 34 for a 41) it does not issue, or, with the boleta issued now, the
    nota de crédito 61 that voids it on conversion."""
    if service.get("allowFactura") is not True or dte_type not in FACTURA_OF_BOLETA:
        return []
    types = set(issuable)
    needed = [FACTURA_OF_BOLETA[dte_type]]
    if service.get("issueBoleta") is True:
        needed.append(61)
    return [
        (
            "allowFactura",
            f"El emisor no emite DTE {code}, "
            + (
                "la factura que pediría el cliente"
                if code != 61
                else "la nota de crédito que anularía la boleta al pedir factura"
            ),
        )
        for code in needed
        if code not in types
    ]


def factura_date(fch_emis: dt.date, today: dt.date, *, boleta_issued: bool) -> dt.date:
    """The FchEmis of the factura a customer asks for (reference 3.5).

    Without an issued boleta: always the sale's FchEmis. With one: the boleta's FchEmis when
    asked for in the first ``CONVERSION_GRACE_DAYS`` days of the following month, else today.
    """
    if not boleta_issued:
        return fch_emis
    following = (fch_emis.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    in_grace = today.day <= CONVERSION_GRACE_DAYS
    if (today.year, today.month) == (following.year, following.month) and in_grace:
        return fch_emis
    return today


@dataclass
class SelfServiceLink:
    """A self-service link the fake handed out: the request's checked sale and what became of it."""

    token: str
    url: str
    issuer_rut: str
    dte: dict[str, Any] = field(repr=False)
    """The sale's ``dte`` as validated (TipoDTE filled in, Folio 0)."""
    dte_type: int
    issue_boleta: bool
    allow_factura: bool
    created_at: dt.datetime
    customer: dict[str, Any] | None = None
    customize_page: dict[str, Any] | None = None
    references: list[dict[str, Any]] = field(default_factory=list)
    boleta: IssuedDocument | None = None
    factura: IssuedDocument | None = None
    credit_note: IssuedDocument | None = None


class SelfServicePage:
    """The customer's side of a self-service link: what a test does as the shop's customer.

    Obtained with ``fake.self_service_page(url)``. ``take_boleta()`` gives the boleta (issued
    now if the shop did not issue it); ``convert_to_factura(receptor)`` asks for a factura.
    """

    def __init__(self, link: SelfServiceLink, emission: _emission.Emission, lock: Any) -> None:
        self._link = link
        self._emission = emission
        self._lock = lock

    @property
    def link(self) -> SelfServiceLink:
        """What the fake keeps of the link (its sale, flags and documents)."""
        return self._link

    @property
    def boleta(self) -> IssuedDocument | None:
        """The boleta, once issued (at the request with ``issueBoleta``, or taken)."""
        return self._link.boleta

    @property
    def factura(self) -> IssuedDocument | None:
        """The factura the customer asked for, if any."""
        return self._link.factura

    @property
    def credit_note(self) -> IssuedDocument | None:
        """The nota de crédito 61 that voided the boleta when it became a factura, if any."""
        return self._link.credit_note

    def _tenant(self) -> Tenant:
        tenant = self._emission.state.tenant_for_rut(self._link.issuer_rut)
        if tenant is None:  # pragma: no cover - tenants are never removed but by reset
            raise LookupError("the company that created this link is no longer on the fake")
        return tenant

    def take_boleta(self) -> IssuedDocument:
        """The customer takes the boleta: the one issued, else issued now with the sale's date.

        Raises ``ValueError`` once the sale became a factura (its boleta, if any, is voided).
        """
        with self._lock:
            link = self._link
            if link.factura is not None:
                raise ValueError(
                    "this sale was already turned into a factura "
                    f"(folio {link.factura.folio}); there is no boleta to take"
                )
            if link.boleta is None:
                dte = copy.deepcopy(link.dte)
                dte["Encabezado"].setdefault("Receptor", {"RUTRecep": "66666666-6"})
                link.boleta = self._emission.issue_as(self._tenant(), {"dte": dte})
            return link.boleta

    def convert_to_factura(
        self, receptor: Mapping[str, Any] | _dte_models.Receptor
    ) -> IssuedDocument:
        """The customer asks for a factura with their company's data and gets it issued.

        ``receptor``: ``haulmer.dte`` receptor fields (``rut``, ``razon_social``, ``giro``,
        ``direccion``, ``comuna``), their SII names (``RUTRecep``...) or a ``Receptor``. The
        factura is a 33 (34 for a boleta exenta) with the sale's lines, dated by
        :func:`factura_date`; an issued boleta is then voided by a nota de crédito 61 (CodRef 1)
        dated today. Raises ``ValueError`` when the link does not allow a factura, the sale is
        already one, its boleta was voided (a nota de crédito with CodRef 1), the receptor is
        not valid (``DocumentError``, naming the field), or the factura or the nota de crédito
        would be refused (``DocumentRefused`` says OpenFactura's code: OF-07 when no folio is
        left); then nothing is issued.
        """
        with self._lock:
            link = self._link
            if not link.allow_factura:
                raise ValueError(
                    "this link does not let the customer ask for a factura (allowFactura was "
                    "false): only the boleta can be taken"
                )
            if link.factura is not None:
                raise ValueError(
                    f"this sale is already a factura (folio {link.factura.folio}); a link gives "
                    "one factura"
                )
            tenant = self._tenant()
            if link.boleta is not None:
                voiding = _voiding_note(self._emission.state.issued_view(tenant), link.boleta)
                if voiding is not None:
                    raise ValueError(
                        f"the boleta (folio {link.boleta.folio}) was voided by nota de crédito "
                        f"{voiding.folio}: the sale was refunded, so there is no sale left to "
                        "turn into a factura (and voiding the boleta again would credit it twice)"
                    )
            today = self._emission.state.clock.today()
            original = dt.date.fromisoformat(str(link.dte["Encabezado"]["IdDoc"]["FchEmis"]))
            fecha = factura_date(original, today, boleta_issued=link.boleta is not None)
            factura = _factura_dte(link, tenant, receptor, fecha)
            note = None
            if link.boleta is not None:
                note = _credit_note_dte(link.boleta, tenant, today)
                # A factura issued while its nota de crédito is refused would leave the sale
                # documented twice, the boleta still valid: the note is checked first.
                self._emission.check_as(tenant, {"dte": note})
            link.factura = self._emission.issue_as(tenant, {"dte": factura})
            if note is not None:
                link.credit_note = self._emission.issue_as(tenant, {"dte": note})
            return link.factura

    def __repr__(self) -> str:
        return (
            f"SelfServicePage(url={self._link.url!r}, issue_boleta={self._link.issue_boleta}, "
            f"allow_factura={self._link.allow_factura})"
        )


def _voiding_note(
    issued: Iterable[IssuedDocument], boleta: IssuedDocument
) -> IssuedDocument | None:
    """The nota de crédito that voids ``boleta`` (CodRef 1 to its type and folio, read as a
    number), if any."""
    for doc in issued:
        if annuls(doc, boleta.dte_type, boleta.folio):
            return doc
    return None


def _receptor_sii(receptor: Mapping[str, Any] | _dte_models.Receptor) -> dict[str, Any]:
    """The customer's company as the factura's Receptor in SII names; a ``DocumentError``
    naming each field that is wrong (a RUT's check digit, say)."""
    import pydantic

    from haulmer.dte import validation_details
    from haulmer.dte.models import Receptor
    from haulmer.errors import DocumentError

    if isinstance(receptor, Receptor):
        model = receptor
    elif not isinstance(receptor, Mapping):
        raise TypeError(
            "receptor must be a mapping of the customer's company data or a haulmer.dte "
            f"Receptor, got {shown(receptor)}"
        )
    else:
        # Raised after the except block, so that pydantic's error is not its context.
        failure: DocumentError | None = None
        try:
            model = Receptor.model_validate(dict(receptor))
        except pydantic.ValidationError as exc:
            details = validation_details(exc, prefix="Encabezado.Receptor")
            failure = DocumentError(
                "the customer's company is not a valid receptor: " + "; ".join(map(str, details)),
                details,
            )
        if failure is not None:
            raise failure
    data: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


def _factura_dte(
    link: SelfServiceLink,
    tenant: Tenant,
    receptor: Mapping[str, Any] | _dte_models.Receptor,
    fecha: dt.date,
) -> dict[str, Any]:
    """The factura's ``dte``: the sale's emisor (the company's giro when it has none) and
    lines, the customer's receptor, its totals computed (line prices with IVA, as a boleta's,
    marked MntBruto 1)."""
    from haulmer.dte import Document
    from haulmer.openfactura.emission import to_openfactura_dte

    sale = copy.deepcopy(link.dte)
    enc = sale["Encabezado"]
    emisor = {
        {"RznSocEmisor": "RznSoc", "GiroEmisor": "GiroEmis"}.get(key, key): value
        for key, value in enc["Emisor"].items()
    }
    emisor.setdefault("Acteco", tenant.acteco)
    if not emisor.get("GiroEmis") and tenant.giro:
        # A boleta may leave out the issuer's giro, a factura may not: the company's is used.
        emisor["GiroEmis"] = tenant.giro[:_GIRO_EMIS_LENGTH]
    tipo = FACTURA_OF_BOLETA[link.dte_type]
    id_doc: dict[str, Any] = {"TipoDTE": tipo, "Folio": 0, "FchEmis": fecha.isoformat()}
    id_doc["FmaPago"] = 1  # the shop's sale is paid
    gross = str(enc["IdDoc"].get("IndMntNeto", "")) != "2"
    if tipo == 33 and gross:
        id_doc["MntBruto"] = 1
    candidate: dict[str, Any] = {
        "Encabezado": {
            "IdDoc": id_doc,
            "Emisor": emisor,
            "Receptor": _receptor_sii(receptor),
            "Totales": {"MntTotal": 0},
        },
        "Detalle": sale["Detalle"],
    }
    if sale.get("DscRcgGlobal"):
        candidate["DscRcgGlobal"] = sale["DscRcgGlobal"]
    document = Document.from_sii_dict(candidate)
    totals = document.totals
    document = document.model_copy(
        update={"encabezado": document.encabezado.model_copy(update={"totales": totals})}
    )
    document.check()
    return to_openfactura_dte(document)


def _credit_note_dte(boleta: IssuedDocument, tenant: Tenant, today: dt.date) -> dict[str, Any]:
    """The nota de crédito 61 voiding ``boleta`` (CodRef 1), dated ``today``; the company's
    giro when the boleta left the issuer's out."""
    from haulmer.openfactura.emission import to_openfactura_dte
    from haulmer.openfactura.notes import build_credit_note

    original = copy.deepcopy(boleta.dte)
    original["Encabezado"].setdefault("Receptor", {"RUTRecep": "66666666-6"})
    giro = original["Encabezado"]["Emisor"].get("GiroEmisor")
    note = build_credit_note(
        original,
        reason=CREDIT_NOTE_REASON,
        folio=boleta.folio,
        fecha=today,
        emisor=None if giro or not tenant.giro else {"giro": tenant.giro[:_GIRO_EMIS_LENGTH]},
        acteco=tenant.acteco,
    )
    return to_openfactura_dte(note)

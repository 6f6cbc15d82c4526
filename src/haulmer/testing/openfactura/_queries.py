"""Reading endpoints: one document, lists, acknowledgements, guía voiding, registries, org data."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from haulmer.testing._clock import elapsed, later, reached
from haulmer.testing._wire import FakeRequest, FakeResponse
from haulmer.testing.openfactura._lists import ListField, Selections, list_page
from haulmer.testing.openfactura._references import annuls, references, refers_to
from haulmer.testing.openfactura._state import (
    Acuse,
    IssuedDocument,
    OpenFacturaState,
    Tenant,
    _rut_key,
)
from haulmer.testing.openfactura._wire import (
    b64,
    business_error,
    flat_error,
    incorrect,
    ok,
    whole_number,
)

__all__ = ["Queries"]

DOCUMENT_VALUES = ("status", "json", "xml", "pdf", "cedible")
CEDIBLE_TYPES = frozenset({33, 34, 43, 46, 52})
"""Types with a cedible copy (facturas and the guía); OF-10 "Documento sin cedible" for others."""
ACUSES = {"ACD", "RCD", "ERM", "RFP", "RFT"}
PURCHASE_STATES = {
    "pending": "Pendiente",
    "registered": "Registrado",
    "exclude": "No_incluir",
    "reclaimed": "Reclamado",
}
ISSUED_FILTERS: dict[str, ListField[IssuedDocument]] = {
    "TipoDTE": ListField("int", lambda d: d.dte_type),
    "FchEmis": ListField("str", lambda d: d.fch_emis),
    "RUTRecep": ListField("rut", lambda d: int(d.receptor_key)),
}
"""The documented filters of the issued list; any other key is silently ignored."""
MISSING = "Faltan datos obligatorios"

REFERENCE_TYPES = (801, 802)
"""Reference types the real sales registry always lists, with zero amounts."""


def _zero_row(dte_type: int) -> dict[str, Any]:
    return {
        "tipoDocumento": dte_type,
        "cantDocumentos": 0,
        "totalMntExe": 0,
        "totalMntNeto": 0,
        "totalMntIVA": 0,
        "totalOtrosImp": 0,
        "totalMntTotal": 0,
    }


SYNC_RCV_WINDOW = dt.timedelta(minutes=10)
"""How often one taxpayer may ask for an RCV sync of one registro (OF-429 inside the window)."""


NOT_IN_RCV = frozenset({52})
"""Types the SII's Registro de Compras y Ventas does not hold: a guía de despacho moves goods
and is kept in the SII's book of guías (its LibroCV takes no type 52), voided or not."""


def _in_rcv(doc: IssuedDocument, now: dt.datetime) -> bool:
    """Whether a document counts in the registries, the issuer's and the receptor's alike: not
    a guía, nor one the SII rejected."""
    return doc.dte_type not in NOT_IN_RCV and doc.status(now) != "Rechazado"


def _stringify(value: Any) -> Any:
    """Numbers as strings, the way OpenFactura's ``json`` value returns a DTE."""
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return value


def _stored_json(dte: dict[str, Any]) -> Any:
    """A DTE as the ``json`` value returns it: numbers as strings, ``Acteco`` as an array."""
    out = _stringify(dte)
    emisor = out.get("Encabezado", {}).get("Emisor") if isinstance(out, dict) else None
    if isinstance(emisor, dict) and "Acteco" in emisor:
        raw = emisor["Acteco"]
        codes = raw if isinstance(raw, list) else [raw]
        emisor["Acteco"] = [int(c) if _is_acteco(str(c).strip()) else c for c in codes]
    return out


_INVOICES = frozenset({33, 34})
"""The documents that invoice the company's own guía de despacho (by a Referencia to its 52);
a factura de compra 46 references the seller's guía, not one of the company's."""


def _standing_invoice(
    issued: Sequence[IssuedDocument], guia_folio: int, now: dt.datetime
) -> IssuedDocument | None:
    """The factura invoicing guía ``guia_folio`` that no nota de crédito annulled (CodRef 1):
    a guía facturada is voided only once its factura is annulled (the fake's stricter reading).
    A factura or a nota the SII rejected (by ``now``) neither invoices nor annuls anything."""
    standing = [doc for doc in issued if doc.status(now) != "Rechazado"]
    invoices = [
        doc
        for doc in standing
        if doc.dte_type in _INVOICES
        and any(refers_to(ref, 52, guia_folio) for ref in references(doc))
    ]
    for invoice in invoices:
        annulled = any(annuls(doc, invoice.dte_type, invoice.folio) for doc in standing)
        if not annulled:
            return invoice
    return None


def _whole(value: Any) -> int:
    """A type or folio as the service reads one (``whole_number``); ValueError for anything
    else."""
    number = whole_number(value)
    if number is None:
        raise ValueError(f"{value!r} is not a whole number")
    return number


def _body(request: FakeRequest) -> dict[str, Any] | None:
    try:
        body = request.json() if request.content.strip() else {}
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _period(year: str, month: str, day: str | None) -> tuple[dt.date, dt.date] | None:
    """A registry path's period, its parts in ASCII digits only: ``\\d`` also matches other
    scripts' digits (``２０２６``, ``٢٠٢٦``), which name no period here, as no folio either."""
    if not re.fullmatch(r"[0-9]{4}", year) or not re.fullmatch(r"[0-9]{2}", month):
        return None
    if day is not None and not re.fullmatch(r"[0-9]{2}", day):
        return None
    try:
        if day is not None:
            start = dt.date(int(year), int(month), int(day))
            return start, start
        start = dt.date(int(year), int(month), 1)
    except ValueError:
        return None
    last = calendar.monthrange(start.year, start.month)[1]
    return start, start.replace(day=last)


def _is_day(text: str) -> bool:
    """Whether ``text`` is a real day written YYYY-MM-DD in ASCII digits (``\\d`` also takes
    other scripts' digits, and ``2026-13-45`` has the form of a day but names none)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class Queries:
    """Handlers for every OpenFactura endpoint that does not issue a document."""

    def __init__(self, state: OpenFacturaState, render: Any) -> None:
        self.state = state
        self.render = render
        self.selections = Selections()
        """Filtered list selections kept for their next pages (cleared on reset)."""
        self.received_filters: dict[str, ListField[IssuedDocument]] = {
            "RUTEmisor": ListField("rut", lambda d: int(d.issuer_key)),
            "FchEmis": ListField("str", lambda d: d.fch_emis),
            "TipoDTE": ListField("int", lambda d: d.dte_type),
            "FchRecepOF": ListField("str", lambda d: d.received_text),
            "FchRecepSII": ListField("str", self._fch_recep_sii, timed=True),
        }
        """The documented filters of the received list; any other key is silently ignored."""

    @property
    def _token_key(self) -> str:
        """Issued rows say ``Token`` in the sandbox, ``token`` (the docs' word) in production."""
        return "Token" if self.state.environment == "sandbox" else "token"

    def _fch_recep_sii(self, doc: IssuedDocument) -> str:
        sii_at = doc.sii_received_at(self.now)
        return sii_at.strftime("%Y-%m-%d %H:%M:%S") if sii_at else ""

    @property
    def now(self) -> dt.datetime:
        return self.state.clock.now()

    # -- one document -------------------------------------------------------------------------

    def get_by_token(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        value = request.path_params["value"]
        if value not in DOCUMENT_VALUES:
            return business_error("OF-10", [("Error", incorrect(value))])
        doc = self.state.by_token(tenant, request.path_params["token"])
        if doc is None:
            return business_error("OF-22", [("token", "Documento no encontrado")])
        return self._document_value(doc, tenant, value, {"token": doc.token})

    def get_by_folio(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        params = request.path_params
        value = params["value"]
        if value not in DOCUMENT_VALUES:
            return business_error("OF-10", [("Error", incorrect(value))])
        try:
            dte_type, folio = _whole(params["type"]), _whole(params["folio"])
        except ValueError:
            return business_error("OF-10", [("Error", "Tipo de documento o folio Incorrecto")])
        doc = self.state.by_folio(tenant, params["rut"], dte_type, folio)
        if doc is None:
            return business_error("OF-22", [("folio", f"Folio {folio} no encontrado")])
        return self._document_value(doc, tenant, value, {"folio": str(doc.folio)})

    def _document_value(
        self, doc: IssuedDocument, tenant: Tenant, value: str, ident: dict[str, Any]
    ) -> FakeResponse:
        received = _rut_key(doc.issuer_rut) != tenant.rut_number
        if value == "status":
            estado = doc.received_status(self.now) if received else doc.status(self.now)
            return ok({"estado": estado, **ident})
        if value == "json":
            sii_at = doc.sii_received_at(self.now)
            return ok(
                {
                    "json": _stored_json(doc.dte),
                    **ident,
                    "FchRecepSII": sii_at.strftime("%Y-%m-%d %H:%M:%S") if sii_at else "",
                    "FchRecepOF": doc.issued_at.strftime("%Y-%m-%d %H:%M:%S"),
                }
            )
        if value == "xml":
            return ok({"xml": b64(doc.xml), **ident})
        if value == "cedible" and doc.dte_type not in CEDIBLE_TYPES:
            return business_error("OF-10", [("Error", "Documento sin cedible")])
        issuer = tenant if not received else self.state.tenant_for_rut(doc.issuer_rut)
        pdf = self.render.pdf(doc, cedible=value == "cedible", issuer=issuer)
        key_ident = {k: (int(v) if k == "folio" else v) for k, v in ident.items()}
        return ok({value: b64(pdf), **key_ident})

    # -- lists ----------------------------------------------------------------------------------

    def list_issued(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        docs = self.state.issued_view(tenant)
        return list_page(
            request,
            docs,
            ISSUED_FILTERS,
            self._issued_row,
            selections=self.selections,
            scope=("issued", tenant.rut_number),
        )

    def _issued_row(self, doc: IssuedDocument) -> dict[str, Any]:
        number, _, dv = doc.receptor_rut.partition("-")
        return {
            "RUTRecep": int(number),
            "DV": dv,
            "RznSocRecep": doc.receptor_razon_social,
            "TipoDTE": doc.dte_type,
            "Folio": doc.folio,
            "FchEmis": doc.fch_emis,
            "FechaRecibido": doc.received_text,
            "MntExe": doc.totals["MntExe"],
            "MntNeto": doc.totals["MntNeto"],
            "IVA": doc.totals["IVA"],
            "MntTotal": doc.totals["MntTotal"],
            "FmaPago": doc.fma_pago,
            self._token_key: doc.token,
        }

    def list_received(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        return list_page(
            request,
            self.state.received_view(tenant),
            self.received_filters,
            self._received_row,
            selections=self.selections,
            scope=("received", tenant.rut_number),
            now=self.now,
        )

    def _received_row(self, doc: IssuedDocument) -> dict[str, Any]:
        number, _, dv = doc.issuer_rut.partition("-")
        sii_at = doc.sii_received_at(self.now)
        return {
            "RUTEmisor": int(number),
            "DV": dv,
            "RznSoc": self._issuer_name(doc),
            "TipoDTE": doc.dte_type,
            "Folio": doc.folio,
            "FchEmis": doc.fch_emis,
            "FchRecepSII": sii_at.strftime("%Y-%m-%d %H:%M:%S") if sii_at else "",
            "FchRecepOF": doc.received_text,
            "MntExe": doc.totals["MntExe"],
            "MntNeto": doc.totals["MntNeto"],
            "IVA": doc.totals["IVA"],
            "MntTotal": doc.totals["MntTotal"],
            "Acuses": [a.wire() for a in doc.acuses] or None,
            "FmaPago": doc.fma_pago,
            "TpoTranCompra": doc.tpo_tran_compra,
        }

    def _issuer_name(self, doc: IssuedDocument) -> str:
        """The issuer's razón social as the document writes it (``RznSoc``, a boleta's
        ``RznSocEmisor``), as the issued list names the receptor; the issuer's account name only
        when the document names none."""
        encabezado = doc.dte.get("Encabezado")
        emisor = encabezado.get("Emisor") if isinstance(encabezado, dict) else None
        if isinstance(emisor, dict):
            for key in ("RznSoc", "RznSocEmisor"):
                name = emisor.get(key)
                if isinstance(name, str) and name.strip():
                    return name
        issuer = self.state.tenant_for_rut(doc.issuer_rut)
        return issuer.razon_social if issuer else ""

    # -- acknowledgements and voiding -----------------------------------------------------------

    def accuse(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        body = _body(request)
        if body is None:
            return business_error("OF-08", [("body", "El cuerpo debe ser un objeto JSON")])
        missing = [k for k in ("rut", "dte", "folio", "acuse") if body.get(k) in (None, "")]
        if missing:
            return business_error("OF-01", [(k, "Campo obligatorio") for k in missing])
        acuse = str(body["acuse"])
        if acuse not in ACUSES:
            return business_error("OF-10", [("acuse", incorrect(acuse))])
        try:
            dte_type, folio = _whole(body["dte"]), _whole(body["folio"])
        except ValueError:
            return business_error("OF-10", [("folio", "dte y folio deben ser numéricos")])
        if dte_type in BOLETAS:  # not in the SII's registro de aceptación o reclamo
            return business_error("OF-10", [("dte", incorrect(str(dte_type)))])
        doc = self.state.by_folio(tenant, str(body["rut"]), dte_type, folio)
        if doc is None or _rut_key(doc.receptor_rut) != tenant.rut_number:
            return business_error("OF-22", [("folio", f"Documento recibido {folio} no encontrado")])
        refused = _acuse_refusal(acuse, doc, self.now)
        if refused is None:
            doc.acuses.append(Acuse(acuse, self.now))
        cod, desc = refused or (0, "Acción Completada OK")
        return ok(
            {
                "data": [{"dte": dte_type, "folio": folio, "acuse": acuse}],
                "code": cod,
                "result": "OK" if cod == 0 else "ERROR",
                "msg": [{"codResp": cod, "descResp": desc}],
            }
        )

    def void_guia(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        body = _body(request)
        if body is None:
            return business_error("OF-08", [("body", "El cuerpo debe ser un objeto JSON")])
        lowered = {k.lower(): v for k, v in body.items()}
        missing = [k for k in ("dte", "folio", "fecha") if lowered.get(k) in (None, "")]
        if missing:
            return business_error("OF-01", [(k.capitalize(), "Campo obligatorio") for k in missing])
        try:
            dte_type, folio = _whole(lowered["dte"]), _whole(lowered["folio"])
        except ValueError:
            return business_error("OF-10", [("Folio", "Dte y Folio deben ser numéricos")])
        if dte_type != 52:
            return business_error(
                "OF-10", [("Dte", "Solo se pueden anular guías de despacho (52)")]
            )
        fecha = str(lowered["fecha"])
        if not _is_day(fecha):
            return business_error("OF-10", [("Fecha", incorrect(fecha, limit=20))])
        doc = self.state.by_folio(tenant, tenant.rut, 52, folio)
        if doc is None or _rut_key(doc.issuer_rut) != tenant.rut_number:
            return business_error("OF-22", [("Folio", f"Folio {folio} no encontrado")])
        if doc.fch_emis != fecha:
            # Fecha names the guía's emission date: another date designates no guía.
            return business_error("OF-22", [("Fecha", f"Folio {folio} no fue emitido el {fecha}")])
        if doc.anulado:
            return business_error(
                "OF-10", [("Folio", f"El documento Folio: {folio} ya fue anulado")]
            )
        invoice = _standing_invoice(self.state.issued_view(tenant), folio, self.now)
        if invoice is not None:
            return business_error(
                "OF-09",
                [
                    (
                        "Folio",
                        f"La guía Folio: {folio} está facturada en el DTE {invoice.dte_type} "
                        f"Folio: {invoice.folio}; anule primero esa factura con una nota de "
                        "crédito",
                    )
                ],
            )
        doc.anulado = True
        return ok({"success": f"Se ha anulado el documento Folio: {folio}"})

    # -- registries -----------------------------------------------------------------------------

    @staticmethod
    def _registros(docs: list[IssuedDocument]) -> list[dict[str, Any]]:
        by_type: dict[int, dict[str, Any]] = {}
        for doc in docs:
            row = by_type.setdefault(doc.dte_type, _zero_row(doc.dte_type))
            row["cantDocumentos"] += 1
            row["totalMntExe"] += doc.totals["MntExe"]
            row["totalMntNeto"] += doc.totals["MntNeto"]
            row["totalMntIVA"] += doc.totals["IVA"]
            row["totalOtrosImp"] += doc.totals.get("OtrosImp", 0)
            row["totalMntTotal"] += doc.totals["MntTotal"]
        return [by_type[t] for t in sorted(by_type)]

    def sales(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        p = request.path_params
        period = _period(p["year"], p["month"], p.get("day"))
        if period is None:
            return flat_error("OF-10", {"Error": "Fecha Incorrecta"})
        start, end = period
        now = self.now
        docs = [d for d in self.state.issued_between(tenant, start, end) if _in_rcv(d, now)]
        registros = self._registros(docs)
        for reference_type in REFERENCE_TYPES:
            registros.append(_zero_row(reference_type))
        return ok(
            {
                "fechaInicio": start.isoformat(),
                "fechaFinal": end.isoformat(),
                "registros": registros,
            }
        )

    def purchase(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        p = request.path_params
        period = _period(p["year"], p["month"], p.get("day"))
        if period is None:
            return flat_error("OF-10", {"Error": "Fecha Incorrecta"})
        wanted = list(PURCHASE_STATES.values())
        raw_status = request.query.get("status")
        if raw_status:
            names = [s.strip() for s in raw_status.split(",") if s.strip()]
            unknown = [s for s in names if s not in PURCHASE_STATES]
            if unknown or not names:
                # A status of commas only names no state: the refusal shows it as sent.
                shown = ",".join(unknown) if unknown else raw_status
                return flat_error("OF-10", {"status": incorrect(shown)})
            wanted = [PURCHASE_STATES[s] for s in names]
        start, end = period
        low, high = start.isoformat(), end.isoformat()
        now = self.now
        docs = [
            d
            for d in self.state.received_view(tenant)
            if low <= d.fch_emis <= high and d.dte_type not in BOLETAS and _in_rcv(d, now)
        ]
        blocks = []
        sandbox = self.state.environment == "sandbox"
        for estado in wanted:
            in_state = [d for d in docs if d.received_status(now) == estado]
            blocks.append(
                {
                    # The sandbox spells the registered state "Registro".
                    "estado": "Registro" if sandbox and estado == "Registrado" else estado,
                    "fechaInicio": start.isoformat(),
                    "fechaFinal": end.isoformat(),
                    "registros": self._registros(in_state),
                }
            )
        return ok(blocks)

    def sync_rcv(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        body = _body(request)
        if body is None:
            return flat_error("OF-10", {"Error": "El cuerpo debe ser un objeto JSON"})
        registro = body.get("registro")
        if registro in (None, ""):
            return flat_error("OF-01", {"registro": "Campo obligatorio"}, message=MISSING)
        if registro not in ("sales", "purchase"):
            return flat_error("OF-10", {"registro": incorrect(registro)})
        periodo = body.get("periodo")
        if periodo in (None, ""):
            return flat_error("OF-01", {"periodo": "Campo obligatorio"}, message=MISSING)
        today = self.state.clock.today()
        months_now = today.year * 12 + today.month - 1
        if isinstance(periodo, bool) or not isinstance(periodo, int):
            return flat_error("OF-10", {"periodo": incorrect(periodo)})
        year, month = divmod(periodo, 100)
        if not 1 <= month <= 12 or year < 2000 or year * 12 + month - 1 > months_now + 2:
            return flat_error("OF-10", {"periodo": incorrect(periodo)})
        window_key = (tenant.rut_number, registro)
        ends_at = self.state.sync_rcv_windows.get(window_key)
        if ends_at is not None and not reached(self.now, ends_at):
            # Rounded up, as the gateway's "Try again in N seconds": waiting it is enough.
            wait = max(1, math.ceil(elapsed(self.now, ends_at).total_seconds()))
            return FakeResponse(
                429,
                json={
                    "message": "Demasiadas solicitudes de sincronización para este registro",
                    "code": "OF-429",
                    "retry_after": wait,
                    "ends_at": ends_at.isoformat(),
                    "rate_limit": 1,
                },
            )
        self.state.sync_rcv_windows[window_key] = later(self.now, SYNC_RCV_WINDOW)
        return ok({"message": f"Sincronización de {registro} {periodo} encolada", "code": 200})

    # -- organization and taxpayer --------------------------------------------------------------

    def organization(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        body = tenant.organization()
        extra = request.query.get("extra_fields", "")
        if "logo" in [f.strip() for f in extra.split(",")]:
            body["logo"] = b64(self.render.logo(tenant))
        return ok(body)

    def organization_documents(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        today = self.now.date()
        rows = []
        for dte_type in tenant.dte_types:
            expiry = tenant.folio_expiry(dte_type, today)
            rows.append(
                {
                    "dte": dte_type,
                    "disponibles": tenant.folios_available(dte_type, today),
                    "vencimiento": expiry.isoformat() if expiry else None,
                }
            )
        return ok({"rut": tenant.rut, "documentos": rows})

    def taxpayer(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        from haulmer.rut import Rut

        raw = request.path_params["rut"]
        found = self.state.tenant_for_rut(str(Rut(raw))) if Rut.is_valid(raw) else None
        if found is not None:
            return ok(found.taxpayer())
        return ok(
            {
                "rut": None,
                "razonSocial": None,
                "email": None,
                "telefono": None,
                "direccion": None,
                "comuna": None,
                "actividades": [],
                "sucursales": [],
            }
        )


BOLETAS = frozenset({39, 41})
"""The types no acuse applies to: boletas are not in the registro de aceptación o reclamo, nor
in the Registro de Compras (a boleta bought gives no crédito fiscal)."""
CLAIMS = frozenset({"RCD", "RFP", "RFT"})
"""The acuses that claim (reclamos); ACD and ERM accept."""
TOO_LATE = "Pasados 8 días después de la recepción no es posible registrar reclamos o eventos"
NO_RECEIPT_AFTER_CLAIM = "No se puede acusar recibo de mercadería de DTE previamente reclamado por"


def _acuse_refusal(acuse: str, doc: IssuedDocument, now: dt.datetime) -> tuple[int, str] | None:
    """The SII's ``codResp`` and ``descResp`` refusing this event, or None when it is taken.

    The codes of the SII's registro de aceptación o reclamo: 7 repeated, 8 past the 8 calendar
    days after the day the SII received it (the document is then tacitly accepted), 5, 6 and 12
    after a claim, 11 and 13 a claim after an acceptance or a receipt of the goods.
    """
    done = [a.cod_evento for a in doc.acuses]
    if acuse in done:
        return 7, "Evento registrado previamente"
    if doc.claim_window_over(now):
        return 8, TOO_LATE
    claim = next((code for code in done if code in CLAIMS), None)
    if claim is not None:
        if acuse in CLAIMS:
            return 5, f"DTE ya está reclamado por {claim}"
        if acuse == "ERM":
            return 6, f"{NO_RECEIPT_AFTER_CLAIM} {claim}"
        return 12, f"No se puede dar por aceptado DTE previamente rechazado por {claim}"
    if acuse in CLAIMS and "ACD" in done:
        return 11, "No se puede reclamar DTE previamente aceptado"
    if acuse in CLAIMS and "ERM" in done:
        return 13, "No se puede reclamar DTE previamente registrado como acuso recibo mercadería"
    return None


def _is_acteco(text: str) -> bool:
    """Whether ``text`` is an economic activity code in digits (ASCII, at most 6 of them)."""
    return text.isascii() and text.isdigit() and len(text) <= 6

"""A small stateful OpenFactura on respx routes, so scenarios can run without the fake platform.

The documented behaviour only (reference sections 3, 5, 6 and 7), in as few lines as the scenarios
need: the two sandbox companies as tenants by API key (401 in the gateway's words otherwise),
issued documents with folios per issuer and type, Idempotency-Key (OF-06 with the token), one
document by token or by rut/type/folio (status, json, xml, pdf, cedible; OF-10 and OF-22), lists
of 30 a page (204 when empty), received documents and their acuses, guía voiding, the sales and
purchase registries, the RCV sync window (OF-429), organization, folios and taxpayers. It can also
lose the answer to the next emission after acting on it.
"""

from __future__ import annotations

import base64
import calendar
import copy
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import respx

from haulmer.openfactura.sandbox import HAULMER_DEMO, HOSTY_DEMO, SandboxCompany

from .conftest import API_KEY

PAGE_SIZE = 30
NOW = dt.datetime(2026, 2, 10, 12, 0, 0)
"""The emulator's clock: documents are received at this time."""
FOLIOS_PER_TYPE = 1000
"""Folios each tenant's simulated CAF holds per type."""
SYNC_WINDOW_SECONDS = 600
DOCUMENT_VALUES = ("status", "json", "xml", "pdf", "cedible")
ACUSES = ("ACD", "RCD", "ERM", "RFP", "RFT")
PURCHASE_STATES = {
    "pending": "Pendiente",
    "registered": "Registrado",
    "exclude": "No_incluir",
    "reclaimed": "Reclamado",
}
ISSUED_FILTERS = {"TipoDTE": int, "FchEmis": str, "RUTRecep": int}
RECEIVED_FILTERS = {
    "RUTEmisor": int,
    "FchEmis": str,
    "TipoDTE": int,
    "FchRecepOF": str,
    "FchRecepSII": str,
}
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}
_DTE_TYPES = (33, 34, 39, 41, 52, 56, 61)
_PDF = b"%PDF-1.4 emulated"
_MESSAGES = {
    "OF-01": "Faltan datos obligatorios",
    "OF-10": "Validación de Campos",
    "OF-22": "Problemas al procesar los datos",
}


def _zero_row(tipo: int) -> dict[str, int]:
    """A sales or purchase registry row of ``tipo`` with nothing in it."""
    return {
        "tipoDocumento": tipo,
        "cantDocumentos": 0,
        "totalMntExe": 0,
        "totalMntNeto": 0,
        "totalMntIVA": 0,
        "totalOtrosImp": 0,
        "totalMntTotal": 0,
    }


# -- the three error shapes (reference 7.1) ------------------------------------------------------


def _business_error(code: str, field_name: str, issue: str) -> httpx.Response:
    """Shape A: ``{"error": {"message", "code", "details": [{"field", "issue"}]}}``."""
    details = [{"field": field_name, "issue": issue}]
    return httpx.Response(
        400, json={"error": {"message": _MESSAGES[code], "code": code, "details": details}}
    )


def _flat_error(details: dict[str, str]) -> httpx.Response:
    """Shape B (registries, list filters): unwrapped, ``details`` an object."""
    return httpx.Response(
        400, json={"message": "Validación de Campos.", "code": "OF-10", "details": details}
    )


def _gateway_401(what: str) -> httpx.Response:
    """Shape C: the gateway's words for a missing or unknown ``apikey``."""
    return httpx.Response(
        401, json={"statusCode": 401, "message": f"Access denied due to {what} subscription key."}
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _stringify(value: Any) -> Any:
    """Numbers as strings, as the ``json`` value returns a DTE."""
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _rut_number(rut: str) -> int:
    return int(rut.replace(".", "").split("-")[0])


# -- state ---------------------------------------------------------------------------------------


@dataclass
class _Document:
    token: str
    dte: dict[str, Any]
    voided: bool = False
    acuses: list[dict[str, str]] = field(default_factory=list)

    @property
    def header(self) -> dict[str, Any]:
        header: dict[str, Any] = self.dte["Encabezado"]
        return header

    @property
    def tipo(self) -> int:
        return int(self.header["IdDoc"]["TipoDTE"])

    @property
    def folio(self) -> int:
        return int(self.header["IdDoc"]["Folio"])

    @property
    def fch_emis(self) -> str:
        return str(self.header["IdDoc"]["FchEmis"])

    @property
    def issuer(self) -> str:
        return str(self.header["Emisor"]["RUTEmisor"]).replace(".", "").upper()

    @property
    def receptor_rut(self) -> str:
        return str(self.header["Receptor"]["RUTRecep"]).replace(".", "").upper()

    def total(self, name: str) -> int:
        return int(self.header["Totales"].get(name) or 0)

    @property
    def received_status(self) -> str:
        codes = {acuse["codEvento"] for acuse in self.acuses}
        if codes & {"RCD", "RFP", "RFT"}:
            return "Reclamado"
        if codes & {"ACD", "ERM"}:
            return "Registrado"
        return "Pendiente"

    def xml(self) -> bytes:
        emisor = self.header["Emisor"]
        razon = emisor.get("RznSoc") or emisor.get("RznSocEmisor") or ""
        return (
            '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
            f'<DTE version="1.0"><Documento ID="F{self.folio}T{self.tipo}"><Encabezado><IdDoc>'
            f"<TipoDTE>{self.tipo}</TipoDTE><Folio>{self.folio}</Folio></IdDoc><Emisor>"
            f"<RUTEmisor>{self.issuer}</RUTEmisor><RznSoc>{razon}</RznSoc></Emisor>"
            "</Encabezado></Documento></DTE>"
        ).encode("iso-8859-1")


@dataclass
class RespxOpenFactura:
    """Documents (issued by either tenant) and the routes that serve them."""

    tenants: dict[str, SandboxCompany] = field(
        default_factory=lambda: {API_KEY: HAULMER_DEMO, HOSTY_DEMO.api_key: HOSTY_DEMO}
    )
    documents: list[_Document] = field(default_factory=list)
    keys: dict[tuple[str, str], str] = field(default_factory=dict)
    sync_windows: set[tuple[str, str]] = field(default_factory=set)
    lose_next_answer: bool = False

    def install(self, router: respx.MockRouter) -> None:
        routes: list[tuple[str, str, Callable[..., httpx.Response]]] = [
            ("POST", r"/v2/dte/document", self._emit),
            ("POST", r"/v2/dte/document/issued", self._list_issued),
            ("POST", r"/v2/dte/document/received", self._list_received),
            ("POST", r"/v2/dte/document/received/accuse", self._accuse),
            ("POST", r"/v2/dte/anularDTE52", self._void),
            (
                "GET",
                r"/v2/dte/document/(?P<rut>[\dkK.-]+)/(?P<tipo>\d+)/(?P<folio>\d+)/(?P<value>\w+)",
                self._by_folio,
            ),
            ("GET", r"/v2/dte/document/(?P<token>\w+)/(?P<value>\w+)", self._by_token),
            (
                "GET",
                r"/v2/dte/registry/sales/(?P<year>\d+)/(?P<month>\d+)(?:/(?P<day>\d+))?",
                self._sales,
            ),
            (
                "GET",
                r"/v2/dte/registry/purchase/(?P<year>\d+)/(?P<month>\d+)(?:/(?P<day>\d+))?",
                self._purchase,
            ),
            ("POST", r"/v2/dte/registry/sync-rcv", self._sync_rcv),
            ("GET", r"/v2/dte/organization", self._organization),
            ("GET", r"/v2/dte/organization/document", self._folios),
            ("GET", r"/v2/dte/taxpayer/(?P<rut>[^/]+)", self._taxpayer),
        ]
        for method, path, handler in routes:
            router.route(method=method, path__regex=f"^{path}$").mock(
                side_effect=self._authed(handler)
            )

    def issue_as(self, company: SandboxCompany, dte: dict[str, Any]) -> _Document:
        """Issue ``dte`` (SII names) as ``company``: a supplier sending a DTE to a tenant."""
        dte = copy.deepcopy(dte)
        tipo = int(dte["Encabezado"]["IdDoc"]["TipoDTE"])
        rut = str(company.rut)
        folio = 1 + sum(1 for d in self.documents if (d.issuer, d.tipo) == (rut, tipo))
        dte["Encabezado"]["IdDoc"]["Folio"] = folio
        token = hashlib.sha256(f"{rut}-{tipo}-{folio}".encode()).hexdigest()
        document = _Document(token, dte)
        self.documents.append(document)
        return document

    # -- plumbing --------------------------------------------------------------------------------

    def _authed(self, handler: Callable[..., httpx.Response]) -> Callable[..., httpx.Response]:
        def serve(request: httpx.Request, **params: Any) -> httpx.Response:
            key = request.headers.get("apikey")
            if not key:
                return _gateway_401("missing")
            company = self.tenants.get(key)
            if company is None:
                return _gateway_401("invalid")
            return handler(request, company, **params)

        return serve

    def _issued(self, company: SandboxCompany) -> list[_Document]:
        return [d for d in self.documents if d.issuer == str(company.rut)]

    def _received(self, company: SandboxCompany) -> list[_Document]:
        return [d for d in self.documents if d.receptor_rut == str(company.rut)]

    # -- emission --------------------------------------------------------------------------------

    def _emit(self, request: httpx.Request, company: SandboxCompany) -> httpx.Response:
        key = request.headers.get("idempotency-key")
        if key and (str(company.rut), key) in self.keys:
            token = self.keys[(str(company.rut), key)]
            error = {"message": "Este DTE ya fue emitido", "code": "OF-06", "token": token}
            return httpx.Response(400, json={"error": error})
        body = json.loads(request.content)
        document = self.issue_as(company, body["dte"])
        if key:
            self.keys[(str(company.rut), key)] = document.token
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise httpx.ReadError("connection reset after the document was issued")
        wanted = body.get("response", [])
        answer: dict[str, Any] = {"TOKEN": document.token}
        if "FOLIO" in wanted:
            answer["FOLIO"] = document.folio
        if "PDF" in wanted:
            answer["PDF"] = _b64(_PDF)
        if "XML" in wanted:
            answer["XML"] = _b64(document.xml())
        return httpx.Response(200, json=answer)

    # -- one document ----------------------------------------------------------------------------

    def _value(
        self, company: SandboxCompany, doc: _Document, value: str, ident: dict[str, Any]
    ) -> httpx.Response:
        if value == "status":
            received = doc.issuer != str(company.rut)
            estado = doc.received_status if received else "Pendiente"
            return httpx.Response(200, json={"estado": estado, **ident})
        if value == "json":
            body = {
                "json": _stringify(doc.dte),
                **ident,
                "FchRecepSII": "",
                "FchRecepOF": NOW.strftime("%Y-%m-%d %H:%M:%S"),
            }
            return httpx.Response(200, json=body)
        if value == "xml":
            return httpx.Response(200, json={"xml": _b64(doc.xml()), **ident})
        if value == "cedible" and doc.tipo in (39, 41):
            return _business_error("OF-10", "Error", "Documento sin cedible")
        return httpx.Response(200, json={value: _b64(_PDF), **ident})

    def _by_token(
        self, request: httpx.Request, company: SandboxCompany, token: str, value: str
    ) -> httpx.Response:
        if value not in DOCUMENT_VALUES:
            return _business_error("OF-10", "Error", f"{value} es Incorrecto")
        doc = next((d for d in self._issued(company) if d.token == token), None)
        if doc is None:
            return _business_error("OF-22", "token", "Documento no encontrado")
        return self._value(company, doc, value, {"token": token})

    def _by_folio(
        self,
        request: httpx.Request,
        company: SandboxCompany,
        rut: str,
        tipo: str,
        folio: str,
        value: str,
    ) -> httpx.Response:
        if value not in DOCUMENT_VALUES:
            return _business_error("OF-10", "Error", f"{value} es Incorrecto")
        issuer = rut.replace(".", "").upper()
        mine = str(company.rut)
        doc = next(
            (
                d
                for d in self.documents
                if (d.issuer, d.tipo, d.folio) == (issuer, int(tipo), int(folio))
                and mine in (d.issuer, d.receptor_rut)
            ),
            None,
        )
        if doc is None:
            return _business_error("OF-22", "folio", f"Folio {folio} no encontrado")
        return self._value(company, doc, value, {"folio": folio})

    # -- lists -----------------------------------------------------------------------------------

    @staticmethod
    def _page(
        request: httpx.Request, rows: list[dict[str, Any]], filters: dict[str, type]
    ) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        page = int(body.get("Page", 1))
        for name, kind in filters.items():
            condition = body.get(name)
            if condition is None:
                continue
            if not isinstance(condition, dict) or not set(condition) <= set(_OPERATORS):
                return _flat_error({name: "Operador no encontrado"})
            for operator, wanted in condition.items():
                test = _OPERATORS[operator]
                rows = [r for r in rows if r.get(name) and test(kind(r[name]), kind(wanted))]
        chunk = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        if not chunk:
            return httpx.Response(204)
        last = (len(rows) + PAGE_SIZE - 1) // PAGE_SIZE
        return httpx.Response(
            200, json={"current_page": page, "last_page": last, "total": len(rows), "data": chunk}
        )

    def _totals(self, doc: _Document) -> dict[str, int]:
        return {name: doc.total(name) for name in ("MntExe", "MntNeto", "IVA", "MntTotal")}

    def _list_issued(self, request: httpx.Request, company: SandboxCompany) -> httpx.Response:
        rows = [
            {
                "RUTRecep": _rut_number(d.receptor_rut),
                "DV": d.receptor_rut.split("-")[1],
                "RznSocRecep": d.header["Receptor"].get("RznSocRecep"),
                "TipoDTE": d.tipo,
                "Folio": d.folio,
                "FchEmis": d.fch_emis,
                "FechaRecibido": NOW.strftime("%Y-%m-%d %H:%M:%S"),
                **self._totals(d),
                "FmaPago": int(d.header["IdDoc"].get("FmaPago") or 0),
                "Token": d.token,
            }
            for d in self._issued(company)
        ]
        return self._page(request, rows, ISSUED_FILTERS)

    def _list_received(self, request: httpx.Request, company: SandboxCompany) -> httpx.Response:
        rows = [
            {
                "RUTEmisor": _rut_number(d.issuer),
                "DV": d.issuer.split("-")[1],
                "RznSoc": d.header["Emisor"].get("RznSoc")
                or d.header["Emisor"].get("RznSocEmisor"),
                "TipoDTE": d.tipo,
                "Folio": d.folio,
                "FchEmis": d.fch_emis,
                "FchRecepSII": "",
                "FchRecepOF": NOW.strftime("%Y-%m-%d %H:%M:%S"),
                **self._totals(d),
                "Acuses": list(d.acuses) or None,
                "FmaPago": int(d.header["IdDoc"].get("FmaPago") or 0),
                "TpoTranCompra": 1,
            }
            for d in self._received(company)
        ]
        return self._page(request, rows, RECEIVED_FILTERS)

    # -- acuse and voiding -----------------------------------------------------------------------

    def _accuse(self, request: httpx.Request, company: SandboxCompany) -> httpx.Response:
        body = json.loads(request.content)
        missing = [k for k in ("rut", "dte", "folio", "acuse") if body.get(k) in (None, "")]
        if missing:
            return _business_error("OF-01", missing[0], "Campo obligatorio")
        if body["acuse"] not in ACUSES:
            return _business_error("OF-10", "acuse", f"{body['acuse']} es Incorrecto")
        issuer, tipo, folio = str(body["rut"]).upper(), int(body["dte"]), int(body["folio"])
        doc = next(
            (
                d
                for d in self._received(company)
                if (d.issuer, d.tipo, d.folio) == (issuer, tipo, folio)
            ),
            None,
        )
        if doc is None:
            return _business_error("OF-22", "folio", f"Documento recibido {folio} no encontrado")
        event = {
            "codEvento": body["acuse"],
            "fechaEvento": NOW.strftime("%Y-%m-%d %H:%M:%S"),
            "estado": "Aceptado",
        }
        doc.acuses.append(event)
        return httpx.Response(
            200,
            json={
                "data": [{"dte": tipo, "folio": folio, "acuse": body["acuse"]}],
                "code": 0,
                "result": "OK",
                "msg": [{"codResp": 0, "descResp": "Acción Completada OK"}],
            },
        )

    def _void(self, request: httpx.Request, company: SandboxCompany) -> httpx.Response:
        body = {k.lower(): v for k, v in json.loads(request.content).items()}
        if int(body["dte"]) != 52:
            return _business_error("OF-10", "Dte", "Solo se pueden anular guías de despacho (52)")
        folio = int(body["folio"])
        doc = next(
            (d for d in self._issued(company) if (d.tipo, d.folio) == (52, folio)),
            None,
        )
        if doc is None:
            return _business_error("OF-22", "Folio", f"Folio {folio} no encontrado")
        if doc.voided:
            return _business_error("OF-10", "Folio", f"El documento Folio: {folio} ya fue anulado")
        doc.voided = True
        return httpx.Response(200, json={"success": f"Se ha anulado el documento Folio: {folio}"})

    # -- registries ------------------------------------------------------------------------------

    @staticmethod
    def _period(year: str, month: str, day: str | None) -> tuple[str, str] | None:
        if len(year) != 4 or len(month) != 2 or (day is not None and len(day) != 2):
            return None
        try:
            start = dt.date(int(year), int(month), int(day or 1))
        except ValueError:
            return None
        end = start if day else start.replace(day=calendar.monthrange(start.year, start.month)[1])
        return start.isoformat(), end.isoformat()

    def _registros(self, docs: list[_Document]) -> list[dict[str, int]]:
        rows: dict[int, dict[str, int]] = {}
        for doc in docs:
            row = rows.setdefault(doc.tipo, _zero_row(doc.tipo))
            row["cantDocumentos"] += 1
            row["totalMntExe"] += doc.total("MntExe")
            row["totalMntNeto"] += doc.total("MntNeto")
            row["totalMntIVA"] += doc.total("IVA")
            row["totalMntTotal"] += doc.total("MntTotal")
        return [rows[tipo] for tipo in sorted(rows)]

    def _sales(
        self,
        request: httpx.Request,
        company: SandboxCompany,
        year: str,
        month: str,
        day: str | None = None,
    ) -> httpx.Response:
        period = self._period(year, month, day)
        if period is None:
            return _flat_error({"Error": "Fecha Incorrecta"})
        start, end = period
        docs = [d for d in self._issued(company) if start <= d.fch_emis <= end and not d.voided]
        registros = self._registros(docs)
        # The reference types 801 and 802 are always listed, with zero amounts.
        registros += [_zero_row(tipo) for tipo in (801, 802)]
        return httpx.Response(
            200,
            json={"fechaInicio": start, "fechaFinal": end, "registros": registros},
        )

    def _purchase(
        self,
        request: httpx.Request,
        company: SandboxCompany,
        year: str,
        month: str,
        day: str | None = None,
    ) -> httpx.Response:
        period = self._period(year, month, day)
        if period is None:
            return _flat_error({"Error": "Fecha Incorrecta"})
        start, end = period
        names = [s for s in request.url.params.get("status", "").split(",") if s]
        unknown = [s for s in names if s not in PURCHASE_STATES]
        if unknown:
            return _flat_error({"status": f"{','.join(unknown)} es Incorrecto"})
        states = [PURCHASE_STATES[s] for s in names] or list(PURCHASE_STATES.values())
        docs = [d for d in self._received(company) if start <= d.fch_emis <= end]
        blocks = [
            {
                "estado": estado,
                "fechaInicio": start,
                "fechaFinal": end,
                "registros": self._registros([d for d in docs if d.received_status == estado]),
            }
            for estado in states
        ]
        return httpx.Response(200, json=blocks)

    def _sync_rcv(self, request: httpx.Request, company: SandboxCompany) -> httpx.Response:
        body = json.loads(request.content)
        registro, periodo = body.get("registro"), body.get("periodo")
        if registro not in ("sales", "purchase"):
            return _flat_error({"registro": f"{registro} es Incorrecto"})
        if not isinstance(periodo, int) or not re.fullmatch(
            r"20\d{2}(0[1-9]|1[0-2])", str(periodo)
        ):
            return _flat_error({"periodo": f"{periodo} es Incorrecto"})
        window = (str(company.rut), registro)
        if window in self.sync_windows:
            return httpx.Response(
                429,
                json={
                    "message": "Demasiadas solicitudes de sincronización para este registro",
                    "code": "OF-429",
                    "retry_after": SYNC_WINDOW_SECONDS,
                    "ends_at": (NOW + dt.timedelta(seconds=SYNC_WINDOW_SECONDS)).isoformat(),
                    "rate_limit": 1,
                },
            )
        self.sync_windows.add(window)
        return httpx.Response(
            200, json={"message": f"Sincronización de {registro} {periodo} encolada", "code": 200}
        )

    # -- organization and taxpayers --------------------------------------------------------------

    @staticmethod
    def _taxpayer_body(company: SandboxCompany) -> dict[str, Any]:
        return {
            "rut": str(company.rut),
            "razonSocial": company.razon_social,
            "email": None,
            "telefono": None,
            "direccion": company.direccion,
            "comuna": company.comuna,
            "actividades": [
                {
                    "giro": company.giro,
                    "actividadEconomica": company.giro,
                    "codigoActividadEconomica": str(company.acteco),
                    "actividadPrincipal": True,
                }
            ],
            "sucursales": [],
        }

    def _organization(self, request: httpx.Request, company: SandboxCompany) -> httpx.Response:
        body = {
            **self._taxpayer_body(company),
            "ciudad": "Curicó",
            "cdgSIISucur": company.cdg_sii_sucur,
            "glosaDescriptiva": company.giro,
            "resolucion": {"fecha": "2018-03-26", "numero": "0"},
        }
        if company is HAULMER_DEMO:
            body["razonSocial"] = "HAULMER CHILE SPA"  # what the sandbox answers (reference 1)
        if request.url.params.get("extra_fields") == "logo":
            body["logo"] = _b64(b"\x89PNG\r\n\x1a\n emulated")
        return httpx.Response(200, json=body)

    def _folios(self, request: httpx.Request, company: SandboxCompany) -> httpx.Response:
        used = {t: sum(1 for d in self._issued(company) if d.tipo == t) for t in _DTE_TYPES}
        documentos = [
            {"dte": t, "disponibles": FOLIOS_PER_TYPE - used[t], "vencimiento": None}
            for t in _DTE_TYPES
        ]
        return httpx.Response(200, json={"rut": str(company.rut), "documentos": documentos})

    def _taxpayer(
        self, request: httpx.Request, company: SandboxCompany, rut: str
    ) -> httpx.Response:
        wanted = rut.replace(".", "").upper()
        for known in self.tenants.values():
            if str(known.rut) == wanted:
                return httpx.Response(200, json=self._taxpayer_body(known))
        nulls = dict.fromkeys(("rut", "razonSocial", "email", "telefono", "direccion", "comuna"))
        return httpx.Response(200, json={**nulls, "actividades": [], "sucursales": []})

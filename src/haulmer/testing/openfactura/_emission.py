"""``POST /v2/dte/document``: validate like OpenFactura, then issue a real DTE with ``haulmer.sii``.

Folios come from a generated test CAF per (taxpayer, type); the TED is stamped with the CAF's key
and the XML signed with a generated test certificate, so the XML verifies (but not before the SII).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from haulmer._forks import ForkSafeLock
from haulmer._models import encode_json
from haulmer._platform import EMAIL_ADDRESS
from haulmer.testing._clock import later
from haulmer.testing._wire import FakeRequest, FakeResponse, parse_json
from haulmer.testing.openfactura._indices import BOLETA_NOMINATIVE_UF, IVA_EXCEPTIONAL_CAP_UTM
from haulmer.testing.openfactura._render import Renderer, money
from haulmer.testing.openfactura._self_service import (
    SelfServiceLink,
    self_service_problems,
    unissuable_factura_problems,
)
from haulmer.testing.openfactura._state import (
    CafGrant,
    IssuedDocument,
    OpenFacturaState,
    Tenant,
    _rut_key,
)
from haulmer.testing.openfactura._wire import b64, business_error, incorrect, ok, whole_number

if TYPE_CHECKING:
    from haulmer.dte import CheckedDocument
    from haulmer.pfx import Certificate
    from haulmer.sii import Caf

__all__ = ["RESPONSE_OPTIONS", "Emission"]

SUPPORTED_TYPES = frozenset({33, 34, 39, 41, 43, 46, 52, 56, 61, 110, 111, 112})
RESPONSE_OPTIONS = frozenset(
    {
        "TOKEN",
        "FOLIO",
        "PDF",
        "XML",
        "TIMBRE",
        "LOGO",
        "RESOLUCION",
        "LETTER",
        "80MM",
        "80MMNOLOGO",
        "LETTER_80MM",
        "SELF_SERVICE",
    }
)
PDF_FORMATS = ("LETTER", "80MM", "80MMNOLOGO", "LETTER_80MM")
SELF_SERVICE_BASE = "http://haulmer.fake/autoservicio/"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TED_START = re.compile(rb"<TED\b")


_CERTIFICATE: list[Certificate] = []
"""The fake's signing certificate, once made (see ``_test_certificate``)."""
_CERTIFICATE_LOCK = ForkSafeLock()


def _test_certificate() -> Certificate:
    """The fake's signing certificate, generated once per process: fakes signing their first
    documents at once in two threads both sign with the first one made."""
    if _CERTIFICATE:
        return _CERTIFICATE[0]
    from haulmer.testing.certificates import make_test_certificate

    # Valid for a century so that any time a test sets on the fake clock can sign.
    made = make_test_certificate(
        common_name="HAULMER FAKE OPENFACTURA SIGNER",
        not_before=dt.datetime(2000, 1, 1),
        not_after=dt.datetime(2099, 12, 31),
    )
    with _CERTIFICATE_LOCK:
        if not _CERTIFICATE:
            _CERTIFICATE.append(made)
        return _CERTIFICATE[0]


@cache
def _test_caf(rut: str, razon_social: str, grant: CafGrant) -> Caf:
    """The generated test CAF of a tenant's CAF grant, generated once per process."""
    return _test_caf_of(
        rut, razon_social, grant.dte_type, grant.folio_from, grant.folio_to, grant.issued_on
    )


@lru_cache(maxsize=256)
def _test_caf_of(
    rut: str, razon_social: str, dte_type: int, folio_from: int, folio_to: int, issued_on: dt.date
) -> Caf:
    """:func:`_test_caf` by the grant's identity: the file is the same each time it is asked
    for, and a ``Caf`` is immutable, so each emission need not build and read it again."""
    from haulmer.testing.caf import make_test_caf

    return make_test_caf(
        rut=rut,
        razon_social=razon_social,
        dte_type=dte_type,
        folio_from=folio_from,
        folio_to=folio_to,
        issued_on=issued_on,
    )


def _ted_of(xml: bytes) -> bytes:
    """The ``<TED>`` element of a signed DTE (the whole XML if it has none)."""
    start = _ted_start(xml)
    end = xml.find(b"</TED>", start) if start >= 0 else -1
    return xml[start : end + len(b"</TED>")] if end >= 0 else xml


def _ted_start(xml: bytes) -> int:
    """Where the first ``<TED`` tag starts (-1: none): ``bytes.find`` for the candidates, the
    pattern only to confirm one (``<TEDx`` is another element)."""
    start = xml.find(b"<TED")
    while start >= 0 and not _TED_START.match(xml, start):
        start = xml.find(b"<TED", start + 1)
    return start


_WHOLE_DIGITS = 30
"""More digits than any amount or code a DTE holds (18): a number past them is read as none,
never expanded (``1E+999999999`` would take the machine's memory)."""


def _int(value: Any) -> int | None:
    """A whole number as the document reads it: an int, or a number or text of one written
    with a decimal point or an exponent (``2000.0``, as ``json.dumps`` writes a float, ``2E3``);
    None for anything else (``2000.5``, text that is no number)."""
    if value is None:  # an absent amount: no exception to raise and catch
        return None
    if type(value) is int:
        return value
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    if not number.is_finite() or number.adjusted() >= _WHOLE_DIGITS:
        return None
    if number != number.to_integral_value():
        return None
    return int(number)


def _rut_as_stamped(raw: Any) -> str:
    """A RUT as the stamped XML names it (``76430498-5`` for ``764304985``, ``076430498-5`` or
    ``76.430.498-5``), which the lists, the receptor's index and the owner's check read."""
    from haulmer.rut import Rut

    text = str(raw)
    return str(Rut(text)) if Rut.is_valid(text) else text.replace(".", "").strip().upper()


def _amount(value: Any) -> int:
    number = _int(value)
    return number if number is not None else 0


_EXPORT_TYPES = frozenset({110, 111, 112})
_PESO_CL = "PESO CL"


def _pesos(value: Any) -> int:
    """An amount in pesos, rounded half up to the peso (0 when it is not a number)."""
    try:
        exact = Decimal(str(value).strip())
    except ArithmeticError:
        return 0
    if not exact.is_finite():
        return 0
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _export_totals_in_pesos(encabezado: dict[str, Any]) -> dict[str, int]:
    """An export's amounts as the lists and the sales registry give them: in pesos, as the
    SII's sales register keeps every document. Those of a sale in PESO CL, else its OtraMoneda
    in PESO CL; 0 when the document gives no amount in pesos."""
    totales = encabezado.get("Totales") or {}
    otra = encabezado.get("OtraMoneda") or {}
    if str(totales.get("TpoMoneda", "")).strip() == _PESO_CL:
        exento, total = totales.get("MntExe"), totales.get("MntTotal")
    elif isinstance(otra, dict) and str(otra.get("TpoMoneda", "")).strip() == _PESO_CL:
        total = otra.get("MntTotOtrMnda")
        exento = otra.get("MntExeOtrMnda", total)
    else:
        exento = total = 0
    return {"MntExe": _pesos(exento), "MntNeto": 0, "IVA": 0, "MntTotal": _pesos(total)}


def _emailed_total(doc: IssuedDocument) -> str:
    """The total an e-mailed copy states: in pesos, or an export's in its currency
    (``300,7725 DOLAR USA``, as its PDF writes it), which its amount in pesos may not give."""
    totales = doc.dte.get("Encabezado", {}).get("Totales") or {}
    moneda = str(totales.get("TpoMoneda") or "").strip()
    if doc.dte_type in _EXPORT_TYPES and moneda and moneda != _PESO_CL:
        return f"{money(totales.get('MntTotal'), moneda)} {moneda}"
    return f"{doc.totals['MntTotal']} pesos"


_WRONG_AMOUNT = re.compile(r"^is (\S+), expected ")


_PATH_PART = re.compile(r"([^.\[\]]+)(?:\[(\d+)\])?")
_MISSING = ("required", "missing")


def _value_at(dte: Any, path: str) -> Any:
    """The value at an SDK detail's path (``Detalle[1].QtyItem``) in the wire DTE, if any."""
    node = dte
    for name, index in _PATH_PART.findall(path):
        if not isinstance(node, dict) or name not in node:
            return None
        node = node[name]
        if index:
            if not isinstance(node, list) or not 1 <= int(index) <= len(node):
                return None
            node = node[int(index) - 1]
    return node


def _spanish(issue: str, value: Any) -> str:
    """An SDK problem in OpenFactura's words, which are Spanish: the documented forms first."""
    wrong = _WRONG_AMOUNT.match(issue)
    if wrong:
        return f"Monto erróneo : {wrong.group(1)}"
    if value is None and any(word in issue.lower() for word in _MISSING):
        return "Campo obligatorio"
    if value is None or isinstance(value, (dict, list)):
        return "Valor Incorrecto"
    return incorrect(value)


def _of_details(details: Any, fallback: str, dte: Any = None) -> list[tuple[str, str]]:
    """SDK problem details in OpenFactura's words: last field segment, Spanish issue."""
    out: list[tuple[str, str]] = []
    for detail in details:
        path = str(detail.field)
        field = path.rsplit(".", 1)[-1] or fallback
        out.append((field, _spanish(str(detail.issue), _value_at(dte, path))))
    return out or [(fallback, "Validación de campos")]


TRUNCATED_FIELDS = (("Receptor", "GiroRecep", 40), ("Detalle", "NmbItem", 80))
"""Texts OpenFactura cuts instead of refusing (section, field, length)."""


def _truncate(dte: dict[str, Any]) -> list[str]:
    """Cut GiroRecep to 40 and NmbItem to 80 characters, as the server does; say what was cut."""
    warnings: list[str] = []
    enc = dte.get("Encabezado")
    receptor = enc.get("Receptor") if isinstance(enc, dict) else None
    lines = dte.get("Detalle") if isinstance(dte.get("Detalle"), list) else []
    for section, name, length in TRUNCATED_FIELDS:
        holders: list[Any] = [receptor] if section == "Receptor" else list(lines or [])
        for holder in holders:
            if not isinstance(holder, dict):
                continue
            value = holder.get(name)
            if isinstance(value, str) and len(value) > length:
                holder[name] = value[:length]
                warnings.append(f"Campo {name} truncado a {length} caracteres")
    return list(dict.fromkeys(warnings))


ARTESANO_ACTECO = 477396
"""The one economic activity ``ivaExceptional: ["ARTESANO"]`` is for."""

RES_154_SINCE = dt.date(2026, 5, 28)
"""From this date a guía 52 without its transport data gets a WARNING (Res. 154/2025)."""

RES_154_FIELDS = ("Patente", "RUTTrans", "Chofer")
"""The Transporte data the fake asks for on a guía (which fields exactly is not documented)."""


_ARTESANO_AMOUNTS = frozenset({"IVA", "MntTotal", "TotalPeriodo", "MontoPeriodo", "VlrPagar"})
"""The Totales an ARTESANO boleta states otherwise than its lines' IVA split would."""


def _without_iva(document: Any, totales: dict[str, Any]) -> dict[str, Any]:
    """The SII dict of an ARTESANO boleta: its lines' amounts with IVA 0 (the service's rule).

    ``haulmer.dte`` computes a boleta's IVA from its lines; an artisan's boleta carries none, so
    the totals are the request's once they add up (MntTotal = MntNeto + MntExe, TotalPeriodo =
    MntTotal + MontoNF, VlrPagar = TotalPeriodo + SaldoAnterior).
    """
    neto, exento = _amount(totales.get("MntNeto")), _amount(totales.get("MntExe"))
    total = _amount(totales.get("MntTotal"))
    if total != neto + exento:
        raise _reject("OF-10", [("MntTotal", f"Monto erróneo : {totales.get('MntTotal')}")])
    periodo = total + _amount(totales.get("MontoNF"))
    for name in ("TotalPeriodo", "MontoPeriodo"):
        if totales.get(name) is not None and _amount(totales[name]) != periodo:
            raise _reject("OF-10", [(name, f"Monto erróneo : {totales[name]}")])
    pagar = periodo + _amount(totales.get("SaldoAnterior"))
    if totales.get("VlrPagar") is not None and _amount(totales["VlrPagar"]) != pagar:
        raise _reject("OF-10", [("VlrPagar", f"Monto erróneo : {totales['VlrPagar']}")])
    encabezado = document.encabezado
    fixed = encabezado.totales.model_copy(update={"iva": 0, "mnt_total": total})
    # Rendered from the model, so that IVA and MntTotal stay where the SII's schema puts them.
    without = document.model_copy(
        update={"encabezado": encabezado.model_copy(update={"totales": fixed})}
    )
    sii: dict[str, Any] = without.to_sii_dict()
    return sii


def _self_service_type(totales: dict[str, Any]) -> int:
    """The boleta a self-service request without TipoDTE is: a 41 when its totals are only
    exempt (the plugins' boleta exenta sends MntExe and MntTotal alone), else a 39."""
    exempt_only = totales.get("MntExe") is not None and not any(
        _amount(totales.get(name)) for name in ("MntNeto", "IVA")
    )
    return 41 if exempt_only else 39


def _self_service_defaults(dte: dict[str, Any], dte_type: int) -> None:
    """What the service fills in for a self-service boleta the way the plugins send it."""
    id_doc = dte["Encabezado"]["IdDoc"]
    id_doc.setdefault("TipoDTE", dte_type)
    id_doc.setdefault("Folio", 0)
    if dte_type in (39, 41):
        id_doc.setdefault("IndServicio", 3)


def _transport_warnings(dte: dict[str, Any], dte_type: int) -> list[str]:
    """The Res. 154/2025 WARNING of a guía 52 issued without its transport data."""
    if dte_type != 52:
        return []
    enc = dte["Encabezado"]
    try:
        day = dt.date.fromisoformat(str(enc["IdDoc"]["FchEmis"]))
    except ValueError:
        return []
    if day < RES_154_SINCE:
        return []
    transporte = enc.get("Transporte") if isinstance(enc.get("Transporte"), dict) else {}
    missing = [name for name in RES_154_FIELDS if transporte.get(name) in (None, "", {})]
    if not missing:
        return []
    return [
        f"Res. 154/2025: faltan datos de transporte ({', '.join(missing)}); "
        "informarlos en la guía de despacho"
    ]


def _send_email_problems(send_email: Any) -> list[tuple[str, str]]:
    """What OpenFactura refuses (OF-10) in ``sendEmail``: not an object, no ``to``, or a
    ``to``/``CC``/``BCC`` that is not text of e-mail addresses separated by commas."""
    if not isinstance(send_email, dict):
        return [("sendEmail", "Debe ser un objeto")]
    problems: list[tuple[str, str]] = []
    for name in ("to", "CC", "BCC"):
        value = send_email.get(name)
        if value is None and name != "to":
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append((f"sendEmail.{name}", "Campo obligatorio"))
        elif not isinstance(value, str) or not all(
            EMAIL_ADDRESS.fullmatch(address.strip()) for address in value.split(",")
        ):
            problems.append((f"sendEmail.{name}", incorrect(value)))
    return problems


def _custom_problems(custom: Any) -> list[tuple[str, str]]:
    """What OpenFactura refuses (OF-10) in ``custom``: not an object, or a note printed on the
    PDF (``informationNote``, ``paymentNote``) that is not text. Other keys (the WooCommerce
    plugin's ``origin``) are kept as sent."""
    if not isinstance(custom, dict):
        return [("custom", "Debe ser un objeto")]
    return [
        (f"custom.{name}", "Valor Incorrecto")
        for name in ("informationNote", "paymentNote")
        if custom.get(name) is not None and not isinstance(custom[name], str)
    ]


class DocumentRefused(ValueError):
    """What ``Emission.issue_as`` raises when the fake OpenFactura refuses a document: ``code``
    is OpenFactura's (``OF-07`` when no folio is left), ``fields`` the fields it names."""

    def __init__(self, answer: Any) -> None:
        super().__init__(f"the fake OpenFactura refused the document: {answer}")
        error = answer.get("error") if isinstance(answer, dict) else None
        self.code: str | None = error.get("code") if isinstance(error, dict) else None
        details = error.get("details") if isinstance(error, dict) else None
        self.fields: list[str] = [
            str(detail.get("field"))
            for detail in (details if isinstance(details, list) else [])
            if isinstance(detail, dict)
        ]
        """The fields OpenFactura's answer names (``RznSocRecep``...)."""


class _Rejected(Exception):
    def __init__(self, response: FakeResponse) -> None:
        super().__init__(response.status)
        self.response = response


def _reject(code: str, details: list[tuple[str, str]], **extra: Any) -> _Rejected:
    return _Rejected(business_error(code, details, **extra))


class Emission:
    """The emission endpoint and what it needs: state, renderer, the outbox for ``sendEmail``."""

    def __init__(self, state: OpenFacturaState, renderer: Renderer, fake: Any) -> None:
        self.state = state
        self.renderer = renderer
        self.fake = fake

    def handle(self, request: FakeRequest, tenant: Tenant) -> FakeResponse:
        """Issue a document, or answer the error OpenFactura would."""
        try:
            return self._issue(request, tenant)
        except _Rejected as rejected:
            return rejected.response

    def _issue(
        self, request: FakeRequest, tenant: Tenant, *, dry_run: bool = False
    ) -> FakeResponse:
        if not request.content.strip():
            # No body, or one the server did not read as JSON (no JSON Content-Type).
            raise _reject("OF-01", [("dte", "Campo obligatorio")])
        try:  # a QtyItem or PrcItem of 18 digits, read as sent
            body = parse_json(request.content, exact_numbers=True)
        except (UnicodeDecodeError, ValueError):
            raise _reject("OF-08", [("body", "El cuerpo no es JSON válido")]) from None
        if not isinstance(body, dict):
            raise _reject("OF-08", [("body", "El cuerpo debe ser un objeto JSON")])
        key = request.headers.get("Idempotency-Key")
        if key:
            token = self.state.replayed_token(tenant, key)
            if token is not None:
                return business_error("OF-06", None, token=token)
        options = self._options(body.get("response"))
        dte = body.get("dte")
        if not isinstance(dte, dict):
            raise _reject("OF-01", [("dte", "Campo obligatorio")])
        self_service = body.get("selfService")
        if self_service is not None and not isinstance(self_service, dict):
            raise _reject("OF-10", [("selfService", "Debe ser un objeto")])
        warnings = _truncate(dte)  # ``dte`` was parsed from this request: ours to change
        dte_type = self._check_structure(dte, tenant, self_service is not None)
        if self_service is not None:
            problems = self_service_problems(body, dte_type)
            if problems:
                raise _reject("OF-10", problems)
            unissuable = unissuable_factura_problems(self_service, dte_type, tenant.dte_types)
            if unissuable:
                raise _reject("OF-05", unissuable)
            _self_service_defaults(dte, dte_type)
        self._check_receptor_rut(dte)
        self._check_date(dte)
        self._check_extras(body, dte, dte_type, tenant)
        artesano = dte_type in (39, 41) and body.get("ivaExceptional") == ["ARTESANO"]
        checked = self._check_document(dte, dte_type, artesano_boleta=artesano)
        # After the amounts: a total beyond any boleta's is wrong, not one needing a receptor.
        self._check_boleta_over_135_uf(dte, dte_type)
        warnings += _transport_warnings(dte, dte_type)
        if self_service is not None and not self_service.get("issueBoleta", False):
            # The DTE is validated even when the boleta is not issued now.
            return self._self_service_link(tenant, body, dte_type, key, options, warnings)
        self._check_signature(tenant)
        if tenant.folios_available(dte_type, self.state.clock.today()) < 1:
            raise _reject("OF-07", [("Folio", f"No quedan folios disponibles para DTE {dte_type}")])
        if dry_run:
            return ok({})
        sale = copy.deepcopy(dte) if self_service is not None else None
        doc = self._sign(tenant, dte, dte_type, checked, body, options)
        if key:
            self.state.remember_key(tenant, key, doc.token)
        if sale is not None:
            self._keep_link(tenant, body, sale, dte_type, doc.token, doc)
        answer = self._answer(doc, tenant, options, self_service is not None)
        if warnings:
            answer["WARNING"] = "; ".join(warnings)
        return ok(answer)

    def _check_signature(self, tenant: Tenant) -> None:
        """OF-04 once the company's uploaded signature has expired: nothing can be signed."""
        expires = tenant.signature_expires
        if expires is not None and self.state.clock.now() > expires:
            raise _reject(
                "OF-04",
                [("Firma", f"La firma electrónica del emisor venció el {expires.date()}")],
            )

    def issue_as(self, tenant: Tenant, body: dict[str, Any]) -> IssuedDocument:
        """Issue ``body`` (an emission body) as ``tenant`` without HTTP; ValueError if refused."""
        content = encode_json(body)
        response = self.handle(FakeRequest("POST", "/v2/dte/document", content=content), tenant)
        if response.status != 200:
            raise DocumentRefused(response.parsed())
        return self.state.documents[-1]

    def check_as(self, tenant: Tenant, body: dict[str, Any]) -> None:
        """Raise what :meth:`issue_as` would (``DocumentRefused``) without issuing anything: a
        flow issuing several documents checks the later ones before issuing the first."""
        content = encode_json(body)
        request = FakeRequest("POST", "/v2/dte/document", content=content)
        try:
            self._issue(request, tenant, dry_run=True)
        except _Rejected as rejected:
            raise DocumentRefused(rejected.response.parsed()) from None

    # -- validation -----------------------------------------------------------------------------

    @staticmethod
    def _options(raw: Any) -> list[str]:
        if raw is None:
            return ["TOKEN"]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise _reject("OF-10", [("response", "Debe ser un arreglo de textos")])
        for value in raw:
            if value not in RESPONSE_OPTIONS:
                raise _reject("OF-10", [("response", incorrect(value))])
        return list(raw)

    @staticmethod
    def _check_structure(dte: dict[str, Any], tenant: Tenant, self_service: bool) -> int:
        missing: list[tuple[str, str]] = []
        enc = dte.get("Encabezado")
        if not isinstance(enc, dict):
            raise _reject("OF-02", [("Encabezado", "Campo obligatorio")])
        id_doc = enc.get("IdDoc") if isinstance(enc.get("IdDoc"), dict) else None
        emisor = enc.get("Emisor") if isinstance(enc.get("Emisor"), dict) else None
        totales = enc.get("Totales") if isinstance(enc.get("Totales"), dict) else None
        receptor = enc.get("Receptor") if isinstance(enc.get("Receptor"), dict) else None
        for name, part in (("IdDoc", id_doc), ("Emisor", emisor), ("Totales", totales)):
            if part is None:
                missing.append((name, "Campo obligatorio"))
        if receptor is None and not self_service:
            missing.append(("Receptor", "Campo obligatorio"))
        detalle = dte.get("Detalle")
        if not isinstance(detalle, list) or not detalle:
            missing.append(("Detalle", "Campo obligatorio"))
        if missing or id_doc is None or emisor is None or totales is None:
            raise _reject("OF-02", missing)
        raw_type = id_doc.get("TipoDTE", _self_service_type(totales) if self_service else None)
        if raw_type is None:
            raise _reject("OF-02", [("TipoDTE", "Campo obligatorio")])
        dte_type = whole_number(raw_type)
        if dte_type is None:
            raise _reject("OF-10", [("TipoDTE", incorrect(raw_type))])
        if dte_type not in SUPPORTED_TYPES or dte_type not in tenant.dte_types:
            raise _reject("OF-05", [("TipoDTE", f"DTE {dte_type} no soportado para este emisor")])
        folio = id_doc.get("Folio", 0)
        if whole_number(folio) != 0:
            raise _reject("OF-10", [("Folio", "El folio debe ser 0: OpenFactura lo asigna")])
        boleta = dte_type in (39, 41)
        required = [("IdDoc", id_doc, "FchEmis"), ("Emisor", emisor, "RUTEmisor")]
        required.append(("Emisor", emisor, "RznSocEmisor" if boleta else "RznSoc"))
        required += [("Emisor", emisor, "DirOrigen"), ("Emisor", emisor, "CmnaOrigen")]
        required.append(("Totales", totales, "MntTotal"))
        if receptor is not None:
            required.append(("Receptor", receptor, "RUTRecep"))
            if not boleta:
                required.append(("Receptor", receptor, "RznSocRecep"))
        for _section, part, name in required:
            if part.get(name) in (None, ""):
                missing.append((name, "Campo obligatorio"))
        if dte_type in (56, 61, 111, 112) and not dte.get("Referencia"):
            missing.append(("Referencia", "Campo obligatorio en notas de crédito y débito"))
        if missing:
            raise _reject("OF-02", missing)
        if _rut_key(_rut_as_stamped(emisor["RUTEmisor"])) != tenant.rut_number:
            raise _reject(
                "OF-03", [("RUTEmisor", "El RUT emisor no corresponde al dueño de la API key")]
            )
        if not _DATE.fullmatch(str(id_doc["FchEmis"])):
            raise _reject("OF-10", [("FchEmis", incorrect(id_doc["FchEmis"]))])
        return dte_type

    @staticmethod
    def _check_document(
        dte: dict[str, Any], dte_type: int, *, artesano_boleta: bool = False
    ) -> CheckedDocument | dict[str, Any]:
        """Parse with ``haulmer.dte`` and check it: OF-08 when unreadable, OF-10 on totals.

        Returns what :meth:`_sign` stamps (Folio 0): the checked document, its rules and totals
        run once per emission, or for an ARTESANO boleta the SII dict with its IVA at 0.
        """
        from haulmer.dte import Document
        from haulmer.errors import DocumentError

        enc = dte["Encabezado"]
        id_doc = {**enc["IdDoc"], "Folio": 0}
        id_doc.setdefault("TipoDTE", dte_type)
        candidate_enc = {**enc, "IdDoc": id_doc}
        if dte_type in (39, 41):
            candidate_enc.setdefault("Receptor", {"RUTRecep": "66666666-6"})
            # Haulmer's plugins send these on boletas and the service takes them; the SII's
            # boleta schema has no such elements, so the stamped XML leaves them out.
            emisor = {k: v for k, v in enc["Emisor"].items() if k != "Acteco"}
            totales = {k: v for k, v in enc["Totales"].items() if k != "TasaIVA"}
            candidate_enc.update(Emisor=emisor, Totales=totales)
        candidate = {**dte, "Encabezado": candidate_enc}
        try:  # a key that is no element of its section is refused, as the SDK refuses it
            document = Document.from_sii_dict(candidate, refuse_unknown=True)
        except DocumentError as error:
            details = [
                (d.field, _spanish(str(d.issue), _value_at(dte, str(d.field))))
                for d in error.details
            ] or [("dte", "Estructura del DTE Incorrecta")]
            raise _reject("OF-08", details) from None
        except ValueError:
            raise _reject("OF-08", [("dte", "Estructura del DTE Incorrecta")]) from None
        try:
            return document.checked()
        except DocumentError as error:
            if artesano_boleta and all(
                str(d.field).rsplit(".", 1)[-1] in _ARTESANO_AMOUNTS for d in error.details
            ):
                return _without_iva(document, enc["Totales"])
            # Say why in OpenFactura's terms below: wrong amounts first, then the other rules.
        try:
            document.check_totals()
        except DocumentError as error:
            raise _reject("OF-10", _of_details(error.details, "Totales", dte)) from None
        try:
            document.check()
        except DocumentError as error:
            details = _of_details(error.details, "dte", dte)
            missing = all(issue == "Campo obligatorio" for _, issue in details)
            raise _reject("OF-02" if missing else "OF-10", details) from None
        raise _reject("OF-10", [("dte", "Validación de campos")])  # pragma: no cover

    @staticmethod
    def _check_receptor_rut(dte: dict[str, Any]) -> None:
        """A receptor RUT whose check digit is wrong is refused (the SII would reject it)."""
        from haulmer.rut import Rut

        receptor = dte["Encabezado"].get("Receptor")
        if not isinstance(receptor, dict) or receptor.get("RUTRecep") in (None, ""):
            return
        raw = str(receptor["RUTRecep"])
        if not Rut.is_valid(raw):
            raise _reject("OF-10", [("RUTRecep", incorrect(raw, limit=20))])

    def _check_date(self, dte: dict[str, Any]) -> None:
        """``FchEmis`` must be a real date, not after today in Chile (the SII rejects those)."""
        raw = str(dte["Encabezado"]["IdDoc"]["FchEmis"])
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise _reject("OF-10", [("FchEmis", incorrect(raw, limit=20))]) from None
        if day > self.state.clock.today():
            raise _reject("OF-10", [("FchEmis", incorrect(raw, ": la fecha de emisión es futura"))])

    def _check_extras(
        self, body: dict[str, Any], dte: dict[str, Any], dte_type: int, tenant: Tenant
    ) -> None:
        if body.get("ivaExceptional") is not None:
            self._check_iva_exceptional(body["ivaExceptional"], dte, dte_type, tenant)
        send_email = body.get("sendEmail")
        problems = [] if send_email is None else _send_email_problems(send_email)
        custom = body.get("custom")
        if custom is not None:
            problems += _custom_problems(custom)
        if problems:
            raise _reject("OF-10", problems)

    def _check_iva_exceptional(
        self, exceptional: Any, dte: dict[str, Any], dte_type: int, tenant: Tenant
    ) -> None:
        """``["ARTESANO"]`` only, for Acteco 477396, boleta IVA 0, at most 5 UTM a month."""
        if exceptional != ["ARTESANO"]:
            raise _reject("OF-10", [("ivaExceptional", 'Solo se admite ["ARTESANO"]')])
        if dte_type not in (39, 41):
            raise _reject(
                "OF-10",
                [
                    (
                        "ivaExceptional",
                        f"ARTESANO aplica solo a boletas (39, 41), no a DTE {dte_type}",
                    )
                ],
            )
        enc = dte["Encabezado"]
        actecos = enc["Emisor"].get("Acteco", tenant.acteco)
        listed = actecos if isinstance(actecos, list) else [actecos]
        if ARTESANO_ACTECO not in {_int(a) for a in listed}:
            raise _reject(
                "OF-10",
                [("Acteco", f"ivaExceptional ARTESANO exige Acteco {ARTESANO_ACTECO}")],
            )
        totales = enc["Totales"]
        if dte_type in (39, 41) and _amount(totales.get("IVA")) != 0:
            raise _reject(
                "OF-10", [("IVA", f"Monto erróneo : {totales.get('IVA')}; con ARTESANO es 0")]
            )
        day = dt.date.fromisoformat(str(enc["IdDoc"]["FchEmis"]))
        month = day.isoformat()[:7]
        used = sum(
            d.totals["MntTotal"]
            for d in self.state.issued_view(tenant)
            if d.iva_exceptional and d.fch_emis.startswith(month)
        )
        cap = IVA_EXCEPTIONAL_CAP_UTM * self.state.utm(day)
        if used + _amount(totales.get("MntTotal")) > cap:
            raise _reject(
                "OF-10",
                [
                    (
                        "ivaExceptional",
                        f"Se supera el tope mensual de {IVA_EXCEPTIONAL_CAP_UTM} UTM "
                        f"(${cap}): emitido ${used} en {month}",
                    )
                ],
            )

    def _check_boleta_over_135_uf(self, dte: dict[str, Any], dte_type: int) -> None:
        """A boleta above 135 UF needs ``MedioPago`` and the receptor's ``RznSocRecep``."""
        if dte_type not in (39, 41):
            return
        enc = dte["Encabezado"]
        day = dt.date.fromisoformat(str(enc["IdDoc"]["FchEmis"]))
        limit = BOLETA_NOMINATIVE_UF * self.state.uf(day)
        if _amount(enc["Totales"].get("MntTotal")) <= limit:
            return
        receptor = enc.get("Receptor") if isinstance(enc.get("Receptor"), dict) else {}
        missing = []
        if enc["IdDoc"].get("MedioPago") in (None, ""):
            missing.append(
                ("MedioPago", f"Campo obligatorio en boletas sobre {BOLETA_NOMINATIVE_UF} UF")
            )
        if receptor.get("RznSocRecep") in (None, ""):
            missing.append(
                ("RznSocRecep", f"Campo obligatorio en boletas sobre {BOLETA_NOMINATIVE_UF} UF")
            )
        if missing:
            raise _reject("OF-02", missing)

    # -- issuing --------------------------------------------------------------------------------

    def _sign(
        self,
        tenant: Tenant,
        dte: dict[str, Any],
        dte_type: int,
        checked: CheckedDocument | dict[str, Any],
        body: dict[str, Any],
        options: list[str],
    ) -> IssuedDocument:
        """Stamp and sign the checked document with the next folio; keep the document.

        A checked document is stamped as ``haulmer.sii.issue`` stamps one (from its typed fields,
        not checked again); an ARTESANO boleta's SII dict with ``stamp_and_sign``.
        """
        from haulmer.errors import CertificateError, DocumentError
        from haulmer.sii import issuing

        now = self.state.clock.now()
        try:
            folio, grant = tenant.take_folio(dte_type, now.date())
        except LookupError:
            raise _reject(
                "OF-07", [("Folio", f"No quedan folios disponibles para DTE {dte_type}")]
            ) from None
        caf = _test_caf(tenant.rut, tenant.razon_social, grant)
        certificate = _test_certificate()
        try:
            if isinstance(checked, dict):
                enc = checked["Encabezado"]
                id_doc = {**enc["IdDoc"], "Folio": folio}
                numbered = {**checked, "Encabezado": {**enc, "IdDoc": id_doc}}
                xml = issuing.stamp_and_sign(
                    numbered, caf=caf, certificate=certificate, timestamp=now
                )
            else:
                xml = issuing.issue(
                    checked, caf=caf, certificate=certificate, timestamp=now, folio=folio
                )
        except CertificateError as error:
            raise _reject("OF-04", [("Firma", str(error))]) from None
        except DocumentError as error:
            raise _reject("OF-10", _of_details(error.details, "dte", dte)) from None
        tenant.commit_folio(dte_type, folio)
        wire = dte  # parsed from this request: ours to keep
        wire["Encabezado"]["IdDoc"]["Folio"] = folio
        wire["Encabezado"]["IdDoc"]["TipoDTE"] = dte_type
        enc = wire["Encabezado"]
        id_doc, totales = enc["IdDoc"], enc["Totales"]
        receptor = enc.get("Receptor") or {"RUTRecep": "66666666-6"}
        impuestos = totales.get("ImptoReten") or []
        if isinstance(impuestos, dict):
            impuestos = [impuestos]
        scripted = self.state.control.take_scripted_status()
        delay = self.state.acceptance_delay
        final = "Aceptado"
        if scripted is not None:
            final = scripted.estado
            delay = scripted.after if scripted.after is not None else delay
        raw_custom = body.get("custom")
        custom: dict[str, Any] = raw_custom if isinstance(raw_custom, dict) else {}
        formats = [o for o in options if o in PDF_FORMATS]
        doc = IssuedDocument(
            token=self.state.new_token(tenant.rut, dte_type, folio),
            issuer_rut=tenant.rut,
            dte_type=dte_type,
            folio=folio,
            fch_emis=str(id_doc["FchEmis"]),
            receptor_rut=_rut_as_stamped(receptor.get("RUTRecep", "66666666-6")),
            receptor_razon_social=str(receptor.get("RznSocRecep", "")),
            totals=_export_totals_in_pesos(enc)
            if dte_type in _EXPORT_TYPES
            else {
                "MntExe": _amount(totales.get("MntExe")),
                "MntNeto": _amount(totales.get("MntNeto")),
                "IVA": _amount(totales.get("IVA")),
                "MntTotal": _amount(totales.get("MntTotal")),
                "OtrosImp": sum(
                    _amount(i.get("MontoImp")) for i in impuestos if isinstance(i, dict)
                ),
            },
            fma_pago=_amount(id_doc.get("FmaPago")),
            tpo_tran_compra=_amount(id_doc.get("TpoTranCompra")) or 1,
            dte=wire,
            xml=xml,
            ted=_ted_of(xml),
            pdf_format=formats[-1] if formats else "LETTER",
            issued_at=now,
            decided_at=later(now, delay),
            final_status=final,
            custom=custom,
            send_email=body.get("sendEmail"),
            iva_exceptional=body.get("ivaExceptional") == ["ARTESANO"],
        )
        self.state.add_document(doc)
        return doc

    def _answer(
        self, doc: IssuedDocument, tenant: Tenant, options: list[str], self_service: bool
    ) -> dict[str, Any]:
        out: dict[str, Any] = {"TOKEN": doc.token}
        if "FOLIO" in options:
            out["FOLIO"] = doc.folio
        out.update(self._company_parts(tenant, options))
        if "TIMBRE" in options:
            out["TIMBRE"] = b64(self.renderer.timbre(doc.ted))
        if "XML" in options:
            out["XML"] = b64(doc.xml)
        if "PDF" in options:
            out["PDF"] = b64(self.renderer.pdf(doc, issuer=tenant))
        if self_service and "SELF_SERVICE" in options:
            out["SELF_SERVICE"] = {"url": SELF_SERVICE_BASE + doc.token}
        return out

    def _company_parts(self, tenant: Tenant, options: list[str]) -> dict[str, Any]:
        """The RESOLUCION and LOGO asked for: the company's, whether a document was issued now
        or not (a self-service link whose boleta waits for the customer)."""
        out: dict[str, Any] = {}
        if "RESOLUCION" in options:
            out["RESOLUCION"] = {
                "fecha": tenant.resolucion_fecha,
                "numero": tenant.resolucion_numero,
            }
        if "LOGO" in options:
            out["LOGO"] = b64(self.renderer.logo(tenant))
        return out

    def _self_service_link(
        self,
        tenant: Tenant,
        body: dict[str, Any],
        dte_type: int,
        key: str | None,
        options: list[str],
        warnings: list[str],
    ) -> FakeResponse:
        """A self-service link for a validated DTE, the boleta not issued now: kept for the
        customer (``fake.self_service_page``), its Idempotency-Key remembered."""
        token = self.state.new_token(tenant.rut, 0, 0)
        self._keep_link(tenant, body, copy.deepcopy(body["dte"]), dte_type, token, None)
        if key:
            self.state.remember_key(tenant, key, token)
        answer: dict[str, Any] = {"TOKEN": token, **self._company_parts(tenant, options)}
        if "SELF_SERVICE" in options:
            answer["SELF_SERVICE"] = {"url": SELF_SERVICE_BASE + token}
        if warnings:
            answer["WARNING"] = "; ".join(warnings)
        return ok(answer)

    def _keep_link(
        self,
        tenant: Tenant,
        body: dict[str, Any],
        sale: dict[str, Any],
        dte_type: int,
        token: str,
        boleta: IssuedDocument | None,
    ) -> None:
        """Remember a self-service link: its sale (Folio 0), flags, customer and boleta."""
        service = body["selfService"]
        references = service.get("documentReference") or []
        customer, page = body.get("customer"), body.get("customizePage")
        sale["Encabezado"]["IdDoc"]["Folio"] = 0
        self.state.add_self_service_link(
            SelfServiceLink(
                token=token,
                url=SELF_SERVICE_BASE + token,
                issuer_rut=tenant.rut,
                dte=sale,
                dte_type=dte_type,
                issue_boleta=bool(service.get("issueBoleta", False)),
                allow_factura=bool(service.get("allowFactura", False)),
                created_at=self.state.clock.now(),
                customer=customer if isinstance(customer, dict) else None,
                customize_page=page if isinstance(page, dict) else None,
                references=[references] if isinstance(references, dict) else list(references),
                boleta=boleta,
            )
        )

    # -- e-mail after acceptance ----------------------------------------------------------------

    def deliver_emails(self) -> None:
        """Send the ``sendEmail`` copies of documents the simulated SII has accepted by now."""
        from haulmer.dte.catalogue import DTEType

        now = self.state.clock.now()
        waiting = self.state.awaiting_email
        ready = [d for d in waiting if d.status(now) in ("Aceptado", "Aceptado con Reparo")]
        if not ready:
            return
        sent = {id(d) for d in ready}
        waiting[:] = [d for d in waiting if id(d) not in sent]
        for doc in ready:
            if doc.email_sent or not doc.send_email:
                continue
            doc.email_sent = True
            issuer = self.state.tenant_for_rut(doc.issuer_rut)
            name = issuer.razon_social if issuer else doc.issuer_rut
            try:
                label = DTEType(doc.dte_type).label
            except ValueError:
                label = f"DTE {doc.dte_type}"
            recipients: list[str] = []
            for key in ("to", "CC", "BCC"):  # each one address or several, with commas
                recipients += str(doc.send_email.get(key) or "").split(",")
            for address in (r.strip() for r in recipients):
                if not address:
                    continue
                self.fake.outbox.send(
                    address,
                    f"{label} N° {doc.folio} de {name}",
                    f"{name} ({doc.issuer_rut}) le ha enviado {label} N° {doc.folio} "
                    f"del {doc.fch_emis} por {_emailed_total(doc)}.",
                    sent_at=max(doc.decided_at, doc.issued_at),
                )

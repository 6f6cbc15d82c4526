"""The models, request builders and plans of ``haulmer.openfactura.documents``, which its
faces import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Literal, TypeVar

from pydantic import AliasChoices, Field

from haulmer._core.pagination import NumberedPages
from haulmer._core.plans import Plan, send
from haulmer._core.request import APIRequest
from haulmer._shown import shown
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.dte.document import Document
from haulmer.errors import (
    AlreadyIssuedError,
    APIError,
    APIStatusError,
    BadRequestError,
    ClientClosedError,
    DocumentError,
    ErrorDetail,
    RateLimiterUnavailableError,
    ValidationError,
)
from haulmer.openfactura._base import Base64Bytes, RequestModel, ResponseModel, get
from haulmer.openfactura._checks import (
    check_date,
    check_dte_type,
    check_folio,
    check_rut,
    check_token,
)
from haulmer.openfactura.emission import (
    Custom,
    Emission,
    SendEmail,
    build_emission,
    identity_differences,
)
from haulmer.openfactura.enums import AcuseCode, IvaExceptional, ResponseOption
from haulmer.openfactura.filters import (
    ISSUED_FILTERS,
    RECEIVED_FILTERS,
    FilterValue,
    build_filters,
)
from haulmer.openfactura.models import (
    AccuseResult,
    DocumentJson,
    EmittedDocument,
    IssuedDocumentSummary,
    Organization,
    ReceivedDocumentSummary,
    SelfServiceLink,
    VoidResult,
)
from haulmer.openfactura.notes import (
    Original,
    PartyInput,
    build_credit_note,
    check_note_arguments,
    check_original,
    missing_acteco,
    original_document,
)
from haulmer.openfactura.self_service import (
    CustomizePage,
    OrderReference,
    SelfServiceCustomer,
    SelfServiceEmission,
    build_self_service,
)
from haulmer.rut import Rut

__all__ = [
    "AccuseRequest",
    "CreditNoteOriginal",
    "DocumentInput",
    "VoidGuiaRequest",
    "document_path",
]

T = TypeVar("T")

DocumentValue = Literal["status", "json", "xml", "pdf", "cedible"]
PAGE_SIZE = 30
"""OpenFactura lists 30 documents per page; there is no page-size parameter."""


def _issued_identity(row: Any) -> Hashable:
    """An issued document is named by its type and folio."""
    return (row.tipo_dte, row.folio)


def _received_identity(row: Any) -> Hashable:
    """A received document is named by its issuer, type and folio."""
    return (row.rut_emisor_number, row.tipo_dte, row.folio)


_ISSUED_PAGES = NumberedPages(field="Page", location="json", key=_issued_identity)
_RECEIVED_PAGES = NumberedPages(field="Page", location="json", key=_received_identity)

DocumentInput = Document | Mapping[str, Any]
"""What ``emit`` issues: a ``haulmer.dte.Document`` or a dict in SII names (``Encabezado``...)."""

CreditNoteOriginal = EmittedDocument | DocumentJson | str | Document | Mapping[str, Any]
"""What ``credit_note`` amends: what ``emit`` returned, its token, its ``DocumentJson``, or the
document itself (with ``folio=``)."""


# -- request bodies and small answer models ---------------------------------------------------


class AccuseRequest(RequestModel):
    """Body of ``POST /v2/dte/document/received/accuse``."""

    rut: str
    """RUT of the emisor of the received document."""
    dte: int
    folio: int
    acuse: AcuseCode


class VoidGuiaRequest(RequestModel):
    """Body of ``POST /v2/dte/anularDTE52`` (capitalised as in the docs' example)."""

    dte: int = Field(alias="Dte")
    folio: int = Field(alias="Folio")
    fecha: dt.date = Field(alias="Fecha")


class _Xml(ResponseModel):
    content: Base64Bytes = Field(validation_alias=AliasChoices("xml", "XML"))


class _Pdf(ResponseModel):
    content: Base64Bytes = Field(validation_alias=AliasChoices("pdf", "PDF"))


class _Cedible(ResponseModel):
    content: Base64Bytes = Field(validation_alias=AliasChoices("cedible", "pdf", "CEDIBLE", "PDF"))


_BYTES_MODELS: dict[str, type[_Xml | _Pdf | _Cedible]] = {
    "xml": _Xml,
    "pdf": _Pdf,
    "cedible": _Cedible,
}


_ACCUSE_HINTS = {
    "OF-22": (
        "This company received no document with that emisor RUT, type and folio: rut is the "
        "RUT of the document's emisor (the supplier), not this company's; "
        "documents.list_received() rows carry all three (row.rut_emisor, row.tipo_dte, "
        "row.folio)"
    ),
}
"""accuse's own advice: its document is one received, named by its emisor, type and folio."""

_BY_FOLIO_HINTS = {
    "OF-22": (
        "This company issued or received no document with that RUT, type and folio: rut is the "
        "RUT of the document's emisor, this company's for a document it issued and the "
        "supplier's for one it received (documents.list_received() rows carry it as "
        "row.rut_emisor, with row.tipo_dte and row.folio)"
    ),
}
"""A fetch by folio's own advice: its document is named by its emisor, type and folio, and may
be one received, which no key of this company issued."""

_VOID_GUIA_HINTS = {
    "OF-22": (
        "Check that this company issued a guía de despacho (52) with this folio, "
        "with this API key, and that it is not voided already"
    ),
    "OF-10": (
        "If OpenFactura says the guía 'ya fue anulado', it is voided already (perhaps by an "
        "earlier call whose answer was lost): nothing is left to do"
    ),
    "OF-09": (
        "A factura invoices this guía (its Referencia names the 52): annul that factura first "
        "with documents.credit_note(factura, reason=..., code=CodRef.ANULA), then void the guía"
    ),
}
"""void_guia's own advice: it names a guía by folio and fecha, never by token."""


# -- pure request builders -------------------------------------------------------------------


def document_path(
    value: DocumentValue,
    token: str | None = None,
    *,
    rut: Rut | str | None = None,
    dte_type: int | None = None,
    folio: int | None = None,
) -> str:
    """``/v2/dte/document/{token}/{value}`` or ``/v2/dte/document/{rut}/{type}/{folio}/{value}``."""
    by_folio = (rut, dte_type, folio)
    if token is not None:
        if any(part is not None for part in by_folio):
            raise ValidationError("give either a token or rut + dte_type + folio, not both")
        return f"/v2/dte/document/{check_token(token)}/{value}"
    if any(part is None for part in by_folio):
        raise ValidationError(
            "say which document: a token (from emit), or the issuer's rut, dte_type and folio"
        )
    kind = check_dte_type(dte_type)
    if value == "cedible" and not DTEType(kind).is_cedible:
        # Only what can be assigned (facturas 33, 34, 43, 46) and the guía 52 have one.
        what = "a boleta" if DTEType(kind).is_boleta else f"a {DTEType(kind).label}"
        raise ValidationError(
            f"{what} ({kind}) has no cedible copy, only facturas (33, 34, 43, 46) and "
            "guías de despacho (52) do (OpenFactura answers OF-10 'Documento sin cedible'): "
            "fetch its PDF with documents.pdf(...)"
        )
    return f"/v2/dte/document/{check_rut(rut, 'rut')}/{kind}/{check_folio(folio)}/{value}"


def _document_post(
    emission: Emission | SelfServiceEmission,
    cast_to: type[T],
    creates: str,
    options: Mapping[str, Any],
) -> APIRequest[T]:
    """``POST /v2/dte/document`` of a checked emission (a document's or a self-service link's)
    under its Idempotency-Key, which lets the runner retry it."""
    return APIRequest(
        method="POST",
        path="/v2/dte/document",
        product="openfactura",
        cast_to=cast_to,
        json=emission.body,
        idempotency_key=emission.idempotency_key,
        creates=creates,
        **options,
    )


def _list_request(
    path: str,
    cast_to: type[Any],
    allowed: Mapping[str, Any],
    filters: Mapping[str, FilterValue | None],
    page: int,
    options: Mapping[str, Any],
    pages: NumberedPages,
) -> APIRequest[Any]:
    page = check_folio(page, "page", maximum=None)
    body: dict[str, Any] = {"Page": page, **build_filters(allowed, filters)}
    return APIRequest(
        method="POST",
        path=path,
        product="openfactura",
        cast_to=cast_to,
        json=body,
        safe=True,
        pagination=pages,
        **options,
    )


def merge_filters(
    named: Mapping[str, FilterValue | None], extra: Mapping[str, FilterValue] | None
) -> dict[str, FilterValue | None]:
    """The list filters given by keyword and by wire name, as one mapping; a filter given by
    keyword and again under its Python name in ``filters`` is refused, since one would replace
    the other (a None there would drop the keyword's and list every document)."""
    merged: dict[str, FilterValue | None] = dict(named)
    if extra is not None and not isinstance(extra, Mapping):
        raise ValidationError(
            f"filters must be a mapping of wire names to values, got {type(extra).__name__}"
        )
    for name, value in (extra or {}).items():
        if not isinstance(name, str):
            raise ValidationError(f"filter names are text, got {shown(name)}")
        if merged.get(name) is not None:
            raise ValidationError(
                f"filter {name} is given twice, as {name}= and in filters=; give it once, "
                "combining its comparisons with & (eq(33) & ne(39), gte(a) & lte(b))"
            )
        merged[name] = value
    return merged


def issued_request(
    filters: Mapping[str, FilterValue | None], page: int, options: Mapping[str, Any]
) -> APIRequest[IssuedDocumentSummary]:
    """The request for one page of issued documents, filters checked."""
    return _list_request(
        "/v2/dte/document/issued",
        IssuedDocumentSummary,
        ISSUED_FILTERS,
        filters,
        page,
        options,
        _ISSUED_PAGES,
    )


def received_request(
    filters: Mapping[str, FilterValue | None], page: int, options: Mapping[str, Any]
) -> APIRequest[ReceivedDocumentSummary]:
    """The request for one page of received documents, filters checked."""
    return _list_request(
        "/v2/dte/document/received",
        ReceivedDocumentSummary,
        RECEIVED_FILTERS,
        filters,
        page,
        options,
        _RECEIVED_PAGES,
    )


def _accuse_request(
    rut: Rut | str, dte_type: int, folio: int, acuse: AcuseCode | str, options: Mapping[str, Any]
) -> APIRequest[AccuseResult]:
    try:
        code = AcuseCode(acuse.upper() if isinstance(acuse, str) else acuse)
    except ValueError:
        known = ", ".join(f"{c.value} ({c.name})" for c in AcuseCode)
        raise ValidationError(f"unknown acuse {shown(acuse)}; use one of {known}") from None
    kind = check_dte_type(dte_type)
    if DTEType(kind).is_boleta:
        raise DocumentError(
            f"a boleta ({kind}) takes no acuse: the SII's registro de aceptación o reclamo "
            "holds the facturas a company receives (33, 34, 43...), not boletas; a boleta "
            "bought is neither accepted nor claimed"
        )
    body = AccuseRequest(
        rut=str(check_rut(rut, "rut")),
        dte=kind,
        folio=check_folio(folio),
        acuse=code,
    )
    return APIRequest(
        method="POST",
        path="/v2/dte/document/received/accuse",
        product="openfactura",
        cast_to=AccuseResult,
        json=body.to_wire(),
        error_hints=_ACCUSE_HINTS,
        **options,
    )


def _void_guia_request(
    folio: int,
    fecha: dt.date | str,
    dte_type: int,
    options: Mapping[str, Any],
    today: dt.date | None = None,
) -> APIRequest[VoidResult]:
    kind = check_dte_type(dte_type)
    if kind != DTEType.GUIA_DESPACHO:
        raise DocumentError(
            f"only a guía de despacho (52) can be voided with anularDTE52, not a {kind}; "
            "to cancel any other document issue a nota de crédito with "
            "documents.credit_note(..., code=CodRef.ANULA)",
            [ErrorDetail("dte_type", f"{kind} is not 52")],
        )
    day = check_date(fecha, "fecha")
    if today is not None and day > today:
        raise DocumentError(
            f"fecha {day.isoformat()} is after today in Chile ({today.isoformat()}): fecha is the "
            "guía's FchEmis, and no guía is dated after the day it is issued; give the date "
            "written on the guía",
            [ErrorDetail("fecha", f"{day.isoformat()} is after today in Chile")],
        )
    body = VoidGuiaRequest(dte=kind, folio=check_folio(folio), fecha=day)
    return APIRequest(
        method="POST",
        path="/v2/dte/anularDTE52",
        product="openfactura",
        cast_to=VoidResult,
        json=body.to_wire(),
        error_hints=_VOID_GUIA_HINTS,
        **options,
    )


# -- plans (validation happens in them too: before the first request) ------------------------


def document_plan(
    value: Literal["status", "json"],
    cast_to: type[T],
    token: str | None,
    rut: Rut | str | None,
    dte_type: int | None,
    folio: int | None,
    options: Mapping[str, Any],
) -> Plan[T]:
    """The plan fetching a document's status or JSON, by token or by rut, type and folio."""
    path = document_path(value, token, rut=rut, dte_type=dte_type, folio=folio)
    return (yield from send(_document_get(path, cast_to, options, by_folio=token is None)))


def document_bytes_plan(
    value: Literal["xml", "pdf", "cedible"],
    token: str | None,
    rut: Rut | str | None,
    dte_type: int | None,
    folio: int | None,
    options: Mapping[str, Any],
) -> Plan[bytes]:
    """The plan fetching a document's XML, PDF or cedible copy as bytes."""
    path = document_path(value, token, rut=rut, dte_type=dte_type, folio=folio)
    request = _document_get(path, _BYTES_MODELS[value], options, by_folio=token is None)
    answer = yield from send(request)
    return answer.content


def _document_get(
    path: str, cast_to: type[T], options: Mapping[str, Any], *, by_folio: bool
) -> APIRequest[T]:
    """The GET of one document's value; by folio, an OF-22 says that ``rut`` names the
    document's emisor (a received document's supplier)."""
    request = get(path, cast_to, options)
    return request.replace(error_hints=_BY_FOLIO_HINTS) if by_folio else request


def _replay_token(error: APIStatusError) -> str | None:
    token = getattr(error, "token", None)
    if token:
        return str(token)
    body = error.body
    if isinstance(body, Mapping):
        inner = body.get("error")
        holder: Mapping[str, Any] = inner if isinstance(inner, Mapping) else body
        found = holder.get("token") or holder.get("Token")
        if found:
            return str(found)
    return None


_FETCH_FAILURES = (APIError, RateLimiterUnavailableError, ClientClosedError)
"""What ends a fetch of a document known to exist (OF-06 named its token), leaving the field it
would fill None: raised, it would read as the emission's own failure, nothing issued."""


def _already_issued_plan(
    error: BadRequestError,
    token: str,
    emission: Emission,
    options: Mapping[str, Any],
) -> Plan[EmittedDocument]:
    """Fetch what can be fetched of a document issued earlier under the same key (OF-06).

    The stored document must be the one this emission describes (type, total, receptor, date,
    lines): a key reused for another sale raises AlreadyIssuedError. The token is what matters: a
    fetch that fails (an error answer, a timeout, a broken connection, an unreadable body, a
    shared limiter that cannot be reached, the client closed meanwhile) leaves its field None
    rather than hide that the document exists: a batch records it issued. The timbre image
    cannot be fetched again.
    """
    response = emission.response
    found: dict[str, Any] = {"token": token, "already_issued": True}
    try:
        stored = yield from send(get(document_path("json", token), DocumentJson, options))
    except _FETCH_FAILURES:
        stored = None
    if stored is not None:
        differences = identity_differences(emission.body["dte"], stored.dte)
        if differences:
            raise _key_reused(error, token, emission.idempotency_key, differences) from error
        found["folio"] = stored.document_folio
    wanted: tuple[tuple[ResponseOption, Literal["pdf", "xml"]], ...] = (
        (ResponseOption.PDF, "pdf"),
        (ResponseOption.XML, "xml"),
    )
    for option, value in wanted:
        if option.value in response:
            try:
                answer = yield from send(
                    get(document_path(value, token), _BYTES_MODELS[value], options)
                )
                found[value] = answer.content
            except _FETCH_FAILURES:
                pass
    wants_logo = ResponseOption.LOGO.value in response
    wants_resolucion = ResponseOption.RESOLUCION.value in response
    if wants_logo or wants_resolucion:
        params = {"extra_fields": "logo"} if wants_logo else None
        try:
            organization = yield from send(
                get("/v2/dte/organization", Organization, options, params)
            )
            if wants_logo:
                found["logo"] = organization.logo
            if wants_resolucion:
                found["resolucion"] = organization.resolucion
        except _FETCH_FAILURES:
            pass
    document = EmittedDocument.model_validate(found)
    document._set_request_id(error.request_id)  # the emission's own answer: the OF-06
    return document


def _already_issued_error(error: APIStatusError, message: str, token: str) -> AlreadyIssuedError:
    return AlreadyIssuedError(
        message,
        token=token,
        status_code=error.status_code,
        code=error.code or "OF-06",
        request_id=error.request_id,
        body=error.body,
        request=error.request,
        response=error.response,
    )


def _key_reused(
    error: APIStatusError, token: str, key: str, differences: Sequence[str]
) -> AlreadyIssuedError:
    """The error for an OF-06 whose stored document is not the one this call describes."""
    message = (
        f"the Idempotency-Key {shown(key, 300)} already belongs to another document "
        f"(token {token}): "
        f"{'; '.join(differences)}. Nothing new was issued. Use a new idempotency_key= for this "
        "document (each sale or invoice its own); the document already issued under this key "
        "is fetched with documents.json(token)"
    )
    return _already_issued_error(error, message, token)


def _replayed_on_first_attempt(error: APIStatusError, token: str) -> AlreadyIssuedError:
    """The error for an OF-06 met at once by a content-derived key: it may be a new sale."""
    message = (
        "OpenFactura already issued a document with this exact content in the last 24 h "
        f"(same Idempotency-Key, derived from the content), token {token}; nothing new was issued. "
        "If this call repeats an earlier emission (a restarted process, say), that document is "
        "the one: fetch it with documents.status(token) or documents.xml(token). If this is a new "
        "sale that happens to be identical, emit it again with your own idempotency_key= (the "
        "sale's or invoice's id)"
    )
    return _already_issued_error(error, message, token)


def emission_plan(emission: Emission, options: Mapping[str, Any]) -> Plan[EmittedDocument]:
    """Send the emission; an OF-06 means this same emission only after a lost answer or when the
    caller chose the key.

    When an earlier attempt of this call may have issued the document (timeout, broken
    connection, 5xx: the runner's retry loop marks the error ``may_have_been_carried_out``), the
    OF-06 its retry meets names that document: it is fetched and returned. A key the caller
    chose says "the same emission" too, once the stored document is checked to be this one.
    Otherwise a derived key meeting OF-06 may be a second identical sale: AlreadyIssuedError.
    """
    try:
        return (yield from send(_document_post(emission, EmittedDocument, "the document", options)))
    except BadRequestError as failure:
        error = failure  # raised from here, outside the handler, with its own cause and trace
    token = _replay_token(error)
    if token is None or not _is_replay(error):
        raise error
    if emission.key_is_derived and not error.may_have_been_carried_out:
        raise _replayed_on_first_attempt(error, token) from error
    return (yield from _already_issued_plan(error, token, emission, options))


def _is_replay(error: BadRequestError) -> bool:
    """Whether OpenFactura said "already issued under this Idempotency-Key" (OF-06)."""
    return isinstance(error, AlreadyIssuedError) or error.code == "OF-06"


def emit_plan(
    document: DocumentInput,
    response: Sequence[ResponseOption | str] | None,
    idempotency_key: str | None,
    send_email: SendEmail | Mapping[str, Any] | str | Sequence[str] | None,
    custom: Custom | Mapping[str, Any] | None,
    options: Mapping[str, Any],
    iva_exceptional: IvaExceptional | str | None = None,
    today: dt.date | None = None,
) -> Plan[EmittedDocument]:
    """The plan issuing a document: checked and keyed locally (a FchEmis after ``today``, the
    client's day in Chile, refused), then sent (``emission_plan``)."""
    emission = build_emission(
        document,
        response=response,
        idempotency_key=idempotency_key,
        send_email=send_email,
        custom=custom,
        iva_exceptional=iva_exceptional,
        today=today,
    )
    return (yield from emission_plan(emission, options))


def _link_already_created(
    error: APIStatusError, token: str, emission: SelfServiceEmission
) -> AlreadyIssuedError:
    """The error for an OF-06 met by a self-service request: the link exists, and no endpoint
    gives its URL again."""
    if error.may_have_been_carried_out:
        what = "an earlier attempt of this same call, whose answer was lost, created it"
    elif emission.key_is_derived:
        what = (
            "a request with this same order and boleta created it (the key is derived from "
            "them); if this is another sale, pass its own idempotency_key="
        )
    else:
        what = "a request with this idempotency_key created it"
    issued = (
        "; if it issued the boleta (issue_boleta=True), documents.status(token) follows it"
        if emission.issue_boleta
        else ""
    )
    message = (
        "OpenFactura already created a self-service link under this Idempotency-Key in the last "
        f"24 h (token {token}): {what}. Nothing new was created{issued}. The API does not give "
        "a link's URL again: find it in Haulmer's Workspace (espacio.haulmer.com, Documentos "
        "Electrónicos, Links de autoservicio)"
    )
    return _already_issued_error(error, message, token)


def self_service_plan(
    document: DocumentInput,
    order: OrderReference | Mapping[str, Any],
    flags: tuple[bool, bool],
    customer: SelfServiceCustomer | Mapping[str, Any] | None,
    customize_page: CustomizePage | Mapping[str, Any] | None,
    emission_args: Mapping[str, Any],
    options: Mapping[str, Any],
    today: dt.date | None = None,
) -> Plan[SelfServiceLink]:
    """The plan asking for a self-service link: checked and keyed locally, then sent once per
    key (retried with it); an OF-06 raises AlreadyIssuedError, the URL being unrecoverable."""
    issue_boleta, allow_factura = flags
    emission = build_self_service(
        document,
        order=order,
        issue_boleta=issue_boleta,
        allow_factura=allow_factura,
        customer=customer,
        customize_page=customize_page,
        **emission_args,
        today=today,
    )
    request = _document_post(emission, SelfServiceLink, "the self-service link", options)
    try:
        return (yield from send(request))
    except BadRequestError as failure:
        error = failure  # raised from here, outside the handler, with its own cause and trace
    token = _replay_token(error)
    if token is None or not _is_replay(error):
        raise error
    raise _link_already_created(error, token, emission) from error


def _organization_acteco(emisor_rut: Rut, options: Mapping[str, Any]) -> Plan[int | None]:
    """The main Acteco of the organization behind the API key, when it is the note's emisor."""
    organization = yield from send(get("/v2/dte/organization", Organization, options))
    activity = organization.main_activity
    if organization.rut != emisor_rut or activity is None:
        return None
    return activity.codigo_actividad_economica


def credit_note_plan(
    original: CreditNoteOriginal,
    reason: str,
    code: CodRef | int,
    folio: int | None,
    lines: Sequence[Mapping[str, Any]] | None,
    fecha: dt.date | str | None,
    parties: tuple[PartyInput | None, PartyInput | None],
    emit_args: Mapping[str, Any],
    options: Mapping[str, Any],
    today: dt.date | None = None,
) -> Plan[EmittedDocument]:
    """The plan issuing a nota de crédito for an issued document (fetched if given by token);
    a ``fecha`` after ``today`` (the client's day in Chile) is refused before it is sent."""
    emisor, receptor = parties
    cod_ref, _folio = check_note_arguments(reason, code, folio)  # before the original is fetched
    source: Original | str | DocumentJson
    if isinstance(original, EmittedDocument):
        folio = folio if folio is not None else original.folio
        source = original.token
    else:
        source = original
    if isinstance(source, str):
        source = yield from send(get(document_path("json", source), DocumentJson, options))
    if isinstance(source, DocumentJson):
        folio = folio if folio is not None else source.document_folio
        source = source.dte
    document = original_document(source)
    check_original(document, cod_ref)  # before the organization is asked for its Acteco
    acteco = None
    if missing_acteco(document, emisor):
        acteco = yield from _organization_acteco(document.emisor.rut, options)
    note = build_credit_note(
        document,
        folio=folio,
        code=code,
        reason=reason,
        lines=lines,
        fecha=fecha,
        emisor=emisor,
        receptor=receptor,
        acteco=acteco,
    )
    return (yield from emit_plan(note, **emit_args, options=options, today=today))


def emission_options(
    response: Sequence[ResponseOption | str] | None,
    idempotency_key: str | None,
    send_email: SendEmail | Mapping[str, Any] | str | Sequence[str] | None,
    custom: Custom | Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The emission arguments ``credit_note`` passes on to ``emit_plan``."""
    return {
        "response": response,
        "idempotency_key": idempotency_key,
        "send_email": send_email,
        "custom": custom,
    }


def accuse_plan(
    rut: Rut | str,
    dte_type: int,
    folio: int,
    acuse: AcuseCode | str,
    options: Mapping[str, Any],
) -> Plan[AccuseResult]:
    """The plan accepting or claiming a received document."""
    return (yield from send(_accuse_request(rut, dte_type, folio, acuse, options)))


def void_guia_plan(
    folio: int,
    fecha: dt.date | str,
    dte_type: int,
    options: Mapping[str, Any],
    today: dt.date | None = None,
) -> Plan[VoidResult]:
    """The plan voiding a guía de despacho; a ``fecha`` after ``today`` (the client's day in
    Chile) names no guía and is refused before it is sent."""
    return (yield from send(_void_guia_request(folio, fecha, dte_type, options, today)))


# -- the two faces ---------------------------------------------------------------------------

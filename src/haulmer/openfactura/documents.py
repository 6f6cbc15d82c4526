"""``client.openfactura.documents``: issue, fetch, list, accuse and void DTEs.

Each public method is a signature plus one line; what it does is a plan (see ``_flow``) written
once below and shared by the sync and async faces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, Union

from pydantic import AliasChoices, Field

from haulmer._pagination import AsyncPaginator, NumberedPages
from haulmer._resource import APIRequest, AsyncAPIResource, SyncAPIResource, call_options
from haulmer._types import NOT_GIVEN, Headers, TimeoutArg
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.errors import (
    AlreadyIssuedError,
    APIError,
    APIStatusError,
    BadRequestError,
    DocumentError,
    ErrorDetail,
    ValidationError,
)
from haulmer.openfactura._base import Base64Bytes, RequestModel, ResponseModel
from haulmer.openfactura._checks import (
    check_date,
    check_dte_type,
    check_folio,
    check_rut,
    check_token,
)
from haulmer.openfactura._flow import (
    CallFailed,
    Plan,
    effective_retries,
    get,
    run_async,
    run_sync,
    send,
    send_noting_retry,
)
from haulmer.openfactura.emission import (
    Custom,
    Emission,
    SendEmail,
    build_emission,
    identity_differences,
)
from haulmer.openfactura.enums import AcuseCode, ResponseOption
from haulmer.openfactura.filters import (
    ISSUED_FILTERS,
    RECEIVED_FILTERS,
    FilterValue,
    build_filters,
)
from haulmer.openfactura.models import (
    AccuseResult,
    DocumentJson,
    DocumentStatus,
    EmittedDocument,
    IssuedDocumentSummary,
    Organization,
    ReceivedDocumentSummary,
    VoidResult,
)
from haulmer.openfactura.notes import (
    Original,
    PartyInput,
    build_credit_note,
    missing_acteco,
    original_document,
)
from haulmer.rut import Rut

if TYPE_CHECKING:
    from haulmer._pagination import SyncPage
    from haulmer.dte.document import Document

__all__ = [
    "AccuseRequest",
    "AsyncDocuments",
    "CreditNoteOriginal",
    "DocumentInput",
    "Documents",
    "VoidGuiaRequest",
    "document_path",
]

T = TypeVar("T")

DocumentValue = Literal["status", "json", "xml", "pdf", "cedible"]
PAGE_SIZE = 30
"""OpenFactura lists 30 documents per page; there is no page-size parameter."""

_PAGES = NumberedPages(field="Page", location="json")

DocumentInput = Union["Document", Mapping[str, Any]]
"""What ``emit`` issues: a ``haulmer.dte.Document`` or a dict in SII names (``Encabezado``...)."""

CreditNoteOriginal = Union[EmittedDocument, DocumentJson, str, "Document", Mapping[str, Any]]
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


# -- pure request builders -------------------------------------------------------------------


def _chile_today(now: dt.datetime) -> dt.date:
    """The date in Chile at the client's ``now`` (the fake's clients live on the fake clock)."""
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo("America/Santiago")).date()


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
    return (
        f"/v2/dte/document/{check_rut(rut, 'rut')}/{check_dte_type(dte_type)}/"
        f"{check_folio(folio)}/{value}"
    )


def _emit_request(emission: Emission, options: Mapping[str, Any]) -> APIRequest[EmittedDocument]:
    return APIRequest(
        method="POST",
        path="/v2/dte/document",
        product="openfactura",
        cast_to=EmittedDocument,
        json=emission.body,
        idempotency_key=emission.idempotency_key,
        **options,
    )


def _list_request(
    path: str,
    cast_to: type[Any],
    allowed: Mapping[str, Any],
    filters: Mapping[str, FilterValue | None],
    page: int,
    options: Mapping[str, Any],
) -> APIRequest[Any]:
    page = check_folio(page, "page")
    body: dict[str, Any] = {"Page": page, **build_filters(allowed, filters)}
    return APIRequest(
        method="POST",
        path=path,
        product="openfactura",
        cast_to=cast_to,
        json=body,
        safe=True,
        pagination=_PAGES,
        **options,
    )


def _merge_filters(
    named: Mapping[str, FilterValue | None], extra: Mapping[str, FilterValue] | None
) -> dict[str, FilterValue | None]:
    merged: dict[str, FilterValue | None] = dict(named)
    for name, value in (extra or {}).items():
        if not isinstance(name, str):
            raise ValidationError(f"filter names are text, got {name!r}")
        merged[name] = value
    return merged


def _issued_request(
    filters: Mapping[str, FilterValue | None], page: int, options: Mapping[str, Any]
) -> APIRequest[IssuedDocumentSummary]:
    return _list_request(
        "/v2/dte/document/issued", IssuedDocumentSummary, ISSUED_FILTERS, filters, page, options
    )


def _received_request(
    filters: Mapping[str, FilterValue | None], page: int, options: Mapping[str, Any]
) -> APIRequest[ReceivedDocumentSummary]:
    return _list_request(
        "/v2/dte/document/received",
        ReceivedDocumentSummary,
        RECEIVED_FILTERS,
        filters,
        page,
        options,
    )


def _accuse_request(
    rut: Rut | str, dte_type: int, folio: int, acuse: AcuseCode | str, options: Mapping[str, Any]
) -> APIRequest[AccuseResult]:
    try:
        code = AcuseCode(acuse.upper() if isinstance(acuse, str) else acuse)
    except ValueError:
        known = ", ".join(f"{c.value} ({c.name})" for c in AcuseCode)
        raise ValidationError(f"unknown acuse {acuse!r}; use one of {known}") from None
    body = AccuseRequest(
        rut=str(check_rut(rut, "rut")),
        dte=check_dte_type(dte_type),
        folio=check_folio(folio),
        acuse=code,
    )
    return APIRequest(
        method="POST",
        path="/v2/dte/document/received/accuse",
        product="openfactura",
        cast_to=AccuseResult,
        json=body.to_wire(),
        **options,
    )


def _void_guia_request(
    folio: int, fecha: dt.date | str, dte_type: int, options: Mapping[str, Any]
) -> APIRequest[VoidResult]:
    kind = check_dte_type(dte_type)
    if kind != DTEType.GUIA_DESPACHO:
        raise DocumentError(
            f"only a guía de despacho (52) can be voided with anularDTE52, not a {kind}; "
            "to cancel any other document issue a nota de crédito with "
            "documents.credit_note(..., code=CodRef.ANULA)",
            [ErrorDetail("dte_type", f"{kind} is not 52")],
        )
    body = VoidGuiaRequest(dte=kind, folio=check_folio(folio), fecha=check_date(fecha, "fecha"))
    return APIRequest(
        method="POST",
        path="/v2/dte/anularDTE52",
        product="openfactura",
        cast_to=VoidResult,
        json=body.to_wire(),
        **options,
    )


# -- plans (validation happens in them too: before the first request) ------------------------


def _document_plan(
    value: Literal["status", "json"],
    cast_to: type[T],
    token: str | None,
    rut: Rut | str | None,
    dte_type: int | None,
    folio: int | None,
    options: Mapping[str, Any],
) -> Plan[T]:
    path = document_path(value, token, rut=rut, dte_type=dte_type, folio=folio)
    return (yield from send(get(path, cast_to, options)))


def _document_bytes_plan(
    value: Literal["xml", "pdf", "cedible"],
    token: str | None,
    rut: Rut | str | None,
    dte_type: int | None,
    folio: int | None,
    options: Mapping[str, Any],
) -> Plan[bytes]:
    path = document_path(value, token, rut=rut, dte_type=dte_type, folio=folio)
    answer = yield from send(get(path, _BYTES_MODELS[value], options))
    return answer.content


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


def _already_issued_plan(
    error: BadRequestError,
    token: str,
    emission: Emission,
    options: Mapping[str, Any],
) -> Plan[EmittedDocument]:
    """Fetch what can be fetched of a document issued earlier under the same key (OF-06).

    The stored document must be the one this emission describes (type, total, receptor, date,
    lines): a key reused for another sale raises AlreadyIssuedError. The token is what matters: a
    fetch that fails (an error answer, a timeout, a broken connection, an unreadable body) leaves
    its field None rather than hide that the document exists. The timbre image cannot be fetched
    again.
    """
    response = emission.response
    found: dict[str, Any] = {"token": token, "already_issued": True}
    try:
        stored = yield from send(get(document_path("json", token), DocumentJson, options))
    except APIError:
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
            except APIError:
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
        except APIError:
            pass
    return EmittedDocument.model_validate(found)


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
        f"the Idempotency-Key {key!r} already belongs to another document (token {token}): "
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


def _emission_plan(
    emission: Emission, options: Mapping[str, Any], retries: int
) -> Plan[EmittedDocument]:
    """Send the emission; an OF-06 means this same emission only after a lost answer or when the
    caller chose the key.

    When an earlier attempt of this call may have issued the document (timeout, broken
    connection, 5xx), the OF-06 its retry meets names that document: it is fetched and returned.
    A key the caller chose says "the same emission" too, once the stored document is checked to
    be this one. Otherwise a derived key meeting OF-06 may be a second identical sale:
    AlreadyIssuedError.
    """
    try:
        return (yield from send_noting_retry(_emit_request(emission, options), retries))
    except CallFailed as failed:
        failure = failed
    error = failure.error  # raised from here, outside the handler, with its own cause and trace
    token = _replay_token(error) if isinstance(error, BadRequestError) else None
    if not isinstance(error, BadRequestError) or token is None or not _is_replay(error):
        raise error
    if emission.key_is_derived and not failure.after_lost_answer:
        raise _replayed_on_first_attempt(error, token) from error
    return (yield from _already_issued_plan(error, token, emission, options))


def _is_replay(error: BadRequestError) -> bool:
    """Whether OpenFactura said "already issued under this Idempotency-Key" (OF-06)."""
    return isinstance(error, AlreadyIssuedError) or error.code == "OF-06"


def _emit_plan(
    document: DocumentInput,
    response: Sequence[ResponseOption | str] | None,
    idempotency_key: str | None,
    send_email: SendEmail | Mapping[str, Any] | str | None,
    custom: Custom | Mapping[str, Any] | None,
    options: Mapping[str, Any],
    retries: int,
) -> Plan[EmittedDocument]:
    emission = build_emission(
        document,
        response=response,
        idempotency_key=idempotency_key,
        send_email=send_email,
        custom=custom,
    )
    return (yield from _emission_plan(emission, options, retries))


def _organization_acteco(emisor_rut: Rut, options: Mapping[str, Any]) -> Plan[int | None]:
    """The main Acteco of the organization behind the API key, when it is the note's emisor."""
    organization = yield from send(get("/v2/dte/organization", Organization, options))
    activity = organization.main_activity
    if organization.rut != emisor_rut or activity is None:
        return None
    return activity.codigo_actividad_economica


def _credit_note_plan(
    original: CreditNoteOriginal,
    reason: str,
    code: CodRef | int,
    folio: int | None,
    lines: Sequence[Mapping[str, Any]] | None,
    fecha: dt.date | str | None,
    parties: tuple[PartyInput | None, PartyInput | None],
    emit_args: Mapping[str, Any],
    options: Mapping[str, Any],
    retries: int,
) -> Plan[EmittedDocument]:
    emisor, receptor = parties
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
    return (yield from _emit_plan(note, **emit_args, options=options, retries=retries))


def _emit_args(
    response: Sequence[ResponseOption | str] | None,
    idempotency_key: str | None,
    send_email: SendEmail | Mapping[str, Any] | str | None,
    custom: Custom | Mapping[str, Any] | None,
) -> dict[str, Any]:
    return {
        "response": response,
        "idempotency_key": idempotency_key,
        "send_email": send_email,
        "custom": custom,
    }


def _accuse_plan(
    rut: Rut | str,
    dte_type: int,
    folio: int,
    acuse: AcuseCode | str,
    options: Mapping[str, Any],
) -> Plan[AccuseResult]:
    return (yield from send(_accuse_request(rut, dte_type, folio, acuse, options)))


def _void_guia_plan(
    folio: int, fecha: dt.date | str, dte_type: int, options: Mapping[str, Any]
) -> Plan[VoidResult]:
    return (yield from send(_void_guia_request(folio, fecha, dte_type, options)))


# -- the two faces ---------------------------------------------------------------------------


class Documents(SyncAPIResource):
    """Issue and query DTEs through OpenFactura."""

    def emit(
        self,
        document: DocumentInput,
        *,
        response: Sequence[ResponseOption | str] | None = None,
        idempotency_key: str | None = None,
        send_email: SendEmail | Mapping[str, Any] | str | None = None,
        custom: Custom | Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> EmittedDocument:
        """Issue a DTE (a ``haulmer.dte`` document or a dict in SII names), checked locally first.

        The Idempotency-Key is yours, else derived from the content, so nothing is issued twice.
        When OpenFactura answers OF-06 (already issued) to this call's own retry after a lost
        answer, or under your own key, the document issued then is returned with
        ``already_issued=True``. A derived key meeting OF-06 at once raises AlreadyIssuedError
        (``.token``): an earlier run issued it, or this is a second identical sale, which needs
        your own key (the sale's id).
        """
        return run_sync(
            self,
            _emit_plan(
                document,
                response,
                idempotency_key,
                send_email,
                custom,
                call_options(extra_headers, timeout, max_retries),
                effective_retries(max_retries, self._client.max_retries),
            ),
        )

    def credit_note(
        self,
        original: CreditNoteOriginal,
        *,
        reason: str,
        code: CodRef | int = CodRef.ANULA,
        folio: int | None = None,
        lines: Sequence[Mapping[str, Any]] | None = None,
        fecha: dt.date | str | None = None,
        emisor: PartyInput | None = None,
        receptor: PartyInput | None = None,
        response: Sequence[ResponseOption | str] | None = None,
        idempotency_key: str | None = None,
        send_email: SendEmail | Mapping[str, Any] | str | None = None,
        custom: Custom | Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> EmittedDocument:
        """Issue a nota de crédito (61) for an issued document: CodRef 1 anula, 2 corrige texto,
        3 corrige montos (with ``lines``). ``original``: its ``EmittedDocument`` or token, a
        ``DocumentJson``, or the document itself (``haulmer.dte`` or SII dict) with ``folio=``.
        ``emisor`` / ``receptor`` change the original's blocks (a mapping of fields, or a whole
        block). On a boleta the Acteco comes from the organization and the generic receptor
        66666666-6 gets the razón social "Cliente". Idempotency and OF-06 as in ``emit``.
        """
        return run_sync(
            self,
            _credit_note_plan(
                original,
                reason,
                code,
                folio,
                lines,
                fecha if fecha is not None else _chile_today(self._client._now()),
                (emisor, receptor),
                _emit_args(response, idempotency_key, send_email, custom),
                call_options(extra_headers, timeout, max_retries),
                effective_retries(max_retries, self._client.max_retries),
            ),
        )

    def status(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> DocumentStatus:
        """SII state (``estado``) of a document, by token or by (issuer rut, dte_type, folio)."""
        return run_sync(
            self,
            _document_plan(
                "status",
                DocumentStatus,
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    def json(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> DocumentJson:
        """The document as OpenFactura stores it (SII names), by token or by rut/type/folio."""
        return run_sync(
            self,
            _document_plan(
                "json",
                DocumentJson,
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    def xml(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> bytes:
        """The signed XML (ISO-8859-1 bytes), by token or by rut/type/folio."""
        return run_sync(
            self,
            _document_bytes_plan(
                "xml",
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    def pdf(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> bytes:
        """The PDF, by token or by rut/type/folio."""
        return run_sync(
            self,
            _document_bytes_plan(
                "pdf",
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    def cedible(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> bytes:
        """The cedible copy (PDF) of a factura or guía; boletas have none (OF-10)."""
        return run_sync(
            self,
            _document_bytes_plan(
                "cedible",
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    def list_issued(
        self,
        *,
        tipo_dte: FilterValue | None = None,
        fch_emis: FilterValue | None = None,
        rut_recep: FilterValue | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        page: int = 1,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> SyncPage[IssuedDocumentSummary]:
        """Issued documents, 30 a page, fetched lazily as you iterate; filters checked here.

        ``tipo_dte``, ``fch_emis``, ``rut_recep``: a value (equal) or ``eq/ne/lt/lte/gt/gte``,
        ``between(a, b)``; ``filters`` takes the same by wire name (``{"TipoDTE": {"eq": 33}}``).
        """
        return self._get_page(
            _issued_request(
                _merge_filters(
                    {"tipo_dte": tipo_dte, "fch_emis": fch_emis, "rut_recep": rut_recep}, filters
                ),
                page,
                call_options(extra_headers, timeout, max_retries),
            )
        )

    def list_received(
        self,
        *,
        tipo_dte: FilterValue | None = None,
        fch_emis: FilterValue | None = None,
        rut_emisor: FilterValue | None = None,
        fch_recep_of: FilterValue | None = None,
        fch_recep_sii: FilterValue | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        page: int = 1,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> SyncPage[ReceivedDocumentSummary]:
        """Received documents, 30 a page, fetched lazily as you iterate; filters checked here."""
        return self._get_page(
            _received_request(
                _merge_filters(
                    {
                        "tipo_dte": tipo_dte,
                        "fch_emis": fch_emis,
                        "rut_emisor": rut_emisor,
                        "fch_recep_of": fch_recep_of,
                        "fch_recep_sii": fch_recep_sii,
                    },
                    filters,
                ),
                page,
                call_options(extra_headers, timeout, max_retries),
            )
        )

    def accuse(
        self,
        rut: Rut | str,
        dte_type: int,
        folio: int,
        acuse: AcuseCode | str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AccuseResult:
        """Accept or claim a received document (``rut`` is its emisor's) with an AcuseCode."""
        return run_sync(
            self,
            _accuse_plan(
                rut, dte_type, folio, acuse, call_options(extra_headers, timeout, max_retries)
            ),
        )

    def void_guia(
        self,
        folio: int,
        fecha: dt.date | str,
        *,
        dte_type: int = DTEType.GUIA_DESPACHO,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> VoidResult:
        """Void (anular) a guía de despacho 52; any other type needs ``credit_note(...)``."""
        return run_sync(
            self,
            _void_guia_plan(
                folio, fecha, dte_type, call_options(extra_headers, timeout, max_retries)
            ),
        )


class AsyncDocuments(AsyncAPIResource):
    """Issue and query DTEs through OpenFactura (async)."""

    async def emit(
        self,
        document: DocumentInput,
        *,
        response: Sequence[ResponseOption | str] | None = None,
        idempotency_key: str | None = None,
        send_email: SendEmail | Mapping[str, Any] | str | None = None,
        custom: Custom | Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> EmittedDocument:
        """Issue a DTE (a ``haulmer.dte`` document or a dict in SII names), checked locally first.

        The Idempotency-Key is yours, else derived from the content, so nothing is issued twice.
        When OpenFactura answers OF-06 (already issued) to this call's own retry after a lost
        answer, or under your own key, the document issued then is returned with
        ``already_issued=True``. A derived key meeting OF-06 at once raises AlreadyIssuedError
        (``.token``): an earlier run issued it, or this is a second identical sale, which needs
        your own key (the sale's id).
        """
        return await run_async(
            self,
            _emit_plan(
                document,
                response,
                idempotency_key,
                send_email,
                custom,
                call_options(extra_headers, timeout, max_retries),
                effective_retries(max_retries, self._client.max_retries),
            ),
        )

    async def credit_note(
        self,
        original: CreditNoteOriginal,
        *,
        reason: str,
        code: CodRef | int = CodRef.ANULA,
        folio: int | None = None,
        lines: Sequence[Mapping[str, Any]] | None = None,
        fecha: dt.date | str | None = None,
        emisor: PartyInput | None = None,
        receptor: PartyInput | None = None,
        response: Sequence[ResponseOption | str] | None = None,
        idempotency_key: str | None = None,
        send_email: SendEmail | Mapping[str, Any] | str | None = None,
        custom: Custom | Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> EmittedDocument:
        """Issue a nota de crédito (61) for an issued document: CodRef 1 anula, 2 corrige texto,
        3 corrige montos (with ``lines``). ``original``: its ``EmittedDocument`` or token, a
        ``DocumentJson``, or the document itself (``haulmer.dte`` or SII dict) with ``folio=``.
        ``emisor`` / ``receptor`` change the original's blocks (a mapping of fields, or a whole
        block). On a boleta the Acteco comes from the organization and the generic receptor
        66666666-6 gets the razón social "Cliente". Idempotency and OF-06 as in ``emit``.
        """
        return await run_async(
            self,
            _credit_note_plan(
                original,
                reason,
                code,
                folio,
                lines,
                fecha if fecha is not None else _chile_today(self._client._now()),
                (emisor, receptor),
                _emit_args(response, idempotency_key, send_email, custom),
                call_options(extra_headers, timeout, max_retries),
                effective_retries(max_retries, self._client.max_retries),
            ),
        )

    async def status(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> DocumentStatus:
        """SII state (``estado``) of a document, by token or by (issuer rut, dte_type, folio)."""
        return await run_async(
            self,
            _document_plan(
                "status",
                DocumentStatus,
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    async def json(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> DocumentJson:
        """The document as OpenFactura stores it (SII names), by token or by rut/type/folio."""
        return await run_async(
            self,
            _document_plan(
                "json",
                DocumentJson,
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    async def xml(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> bytes:
        """The signed XML (ISO-8859-1 bytes), by token or by rut/type/folio."""
        return await run_async(
            self,
            _document_bytes_plan(
                "xml",
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    async def pdf(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> bytes:
        """The PDF, by token or by rut/type/folio."""
        return await run_async(
            self,
            _document_bytes_plan(
                "pdf",
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    async def cedible(
        self,
        token: str | None = None,
        *,
        rut: Rut | str | None = None,
        dte_type: int | None = None,
        folio: int | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> bytes:
        """The cedible copy (PDF) of a factura or guía; boletas have none (OF-10)."""
        return await run_async(
            self,
            _document_bytes_plan(
                "cedible",
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries),
            ),
        )

    def list_issued(
        self,
        *,
        tipo_dte: FilterValue | None = None,
        fch_emis: FilterValue | None = None,
        rut_recep: FilterValue | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        page: int = 1,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AsyncPaginator[IssuedDocumentSummary]:
        """Issued documents, 30 a page: ``async for`` it for every item (pages fetched lazily), or
        ``await`` it for the first page; filters are checked here, at the call.

        ``tipo_dte``, ``fch_emis``, ``rut_recep``: a value (equal) or ``eq/ne/lt/lte/gt/gte``,
        ``between(a, b)``; ``filters`` takes the same by wire name (``{"TipoDTE": {"eq": 33}}``).
        """
        request = _issued_request(
            _merge_filters(
                {"tipo_dte": tipo_dte, "fch_emis": fch_emis, "rut_recep": rut_recep}, filters
            ),
            page,
            call_options(extra_headers, timeout, max_retries),
        )
        return AsyncPaginator(lambda: self._get_page(request))

    def list_received(
        self,
        *,
        tipo_dte: FilterValue | None = None,
        fch_emis: FilterValue | None = None,
        rut_emisor: FilterValue | None = None,
        fch_recep_of: FilterValue | None = None,
        fch_recep_sii: FilterValue | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        page: int = 1,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AsyncPaginator[ReceivedDocumentSummary]:
        """Received documents, 30 a page: ``async for`` it for every item, or ``await`` it for the
        first page; filters are checked here, at the call."""
        request = _received_request(
            _merge_filters(
                {
                    "tipo_dte": tipo_dte,
                    "fch_emis": fch_emis,
                    "rut_emisor": rut_emisor,
                    "fch_recep_of": fch_recep_of,
                    "fch_recep_sii": fch_recep_sii,
                },
                filters,
            ),
            page,
            call_options(extra_headers, timeout, max_retries),
        )
        return AsyncPaginator(lambda: self._get_page(request))

    async def accuse(
        self,
        rut: Rut | str,
        dte_type: int,
        folio: int,
        acuse: AcuseCode | str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AccuseResult:
        """Accept or claim a received document (``rut`` is its emisor's) with an AcuseCode."""
        return await run_async(
            self,
            _accuse_plan(
                rut, dte_type, folio, acuse, call_options(extra_headers, timeout, max_retries)
            ),
        )

    async def void_guia(
        self,
        folio: int,
        fecha: dt.date | str,
        *,
        dte_type: int = DTEType.GUIA_DESPACHO,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> VoidResult:
        """Void (anular) a guía de despacho 52; any other type needs ``credit_note(...)``."""
        return await run_async(
            self,
            _void_guia_plan(
                folio, fecha, dte_type, call_options(extra_headers, timeout, max_retries)
            ),
        )

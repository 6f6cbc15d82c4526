"""The resources of ``haulmer.openfactura.documents`` (its business is
in ``haulmer.openfactura.documents.business``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from haulmer._chile import chile_today, from_chile
from haulmer._core import AsyncAPIResource
from haulmer._core._async.runner import AsyncRawResponses
from haulmer._core.concurrency import AsyncBatchResults, AsyncOrderedRunner
from haulmer._core.pagination import AsyncPaginator
from haulmer._core.raw import no_raw_response
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer.dte.catalogue import CodRef, DTEType
from haulmer.openfactura.artesano import normalize_iva_exceptional
from haulmer.openfactura.batch import (
    BatchProgress,
    EmissionBatch,
    JournalArg,
    SaleDocument,
    SaleKey,
    SaleResult,
    fingerprint_or_none,
)
from haulmer.openfactura.documents.business import (
    CreditNoteOriginal,
    DocumentInput,
    accuse_plan,
    credit_note_plan,
    document_bytes_plan,
    document_plan,
    emission_options,
    emit_plan,
    issued_request,
    merge_filters,
    received_request,
    self_service_plan,
    void_guia_plan,
)
from haulmer.openfactura.emission import Custom, SendEmail, normalize_response
from haulmer.openfactura.enums import AcuseCode, IvaExceptional, ResponseOption
from haulmer.openfactura.filters import (
    DateFilter,
    DTETypeFilter,
    FilterValue,
    RutFilter,
)
from haulmer.openfactura.models import (
    AccuseResult,
    DocumentJson,
    DocumentStatus,
    EmittedDocument,
    IssuedDocumentSummary,
    ReceivedDocumentSummary,
    SelfServiceLink,
    VoidResult,
)
from haulmer.openfactura.notes import (
    PartyInput,
)
from haulmer.openfactura.self_service import (
    CustomizePage,
    OrderReference,
    SelfServiceCustomer,
)
from haulmer.rut import Rut

__all__ = ["AsyncDocuments", "AsyncDocumentsWithRawResponse"]


class AsyncDocuments(AsyncAPIResource):
    """Issue and query DTEs through OpenFactura."""

    @property
    def with_raw_response(self) -> AsyncDocumentsWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return AsyncDocumentsWithRawResponse(self)

    async def emit(
        self,
        document: DocumentInput,
        *,
        response: Sequence[ResponseOption | str] | None = None,
        idempotency_key: str | None = None,
        send_email: SendEmail | Mapping[str, Any] | str | Sequence[str] | None = None,
        custom: Custom | Mapping[str, Any] | None = None,
        iva_exceptional: IvaExceptional | str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> EmittedDocument:
        """Issue a DTE (a ``haulmer.dte`` document or a dict in SII names), checked locally first.

        The Idempotency-Key is yours, else derived from the content, so nothing is issued twice.
        When OpenFactura answers OF-06 (already issued) to this call's own retry after a lost
        answer, or under your own key, the document issued then is returned with
        ``already_issued=True``. A derived key meeting OF-06 at once raises AlreadyIssuedError
        (``.token``): an earlier run issued it, or this is a second identical sale, which needs
        your own key (the sale's id). ``iva_exceptional="ARTESANO"``: an artisan's boleta
        (Acteco 477396) without IVA, its lines' amounts being the neto (up to 5 UTM a month).
        """
        return await self._run(
            emit_plan(
                document,
                response,
                idempotency_key,
                send_email,
                custom,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                iva_exceptional,
                today=self._today(),
            ),
        )

    async def self_service_link(
        self,
        boleta: DocumentInput,
        *,
        order: OrderReference | Mapping[str, Any],
        issue_boleta: bool,
        allow_factura: bool,
        customer: SelfServiceCustomer | Mapping[str, Any] | None = None,
        customize_page: CustomizePage | Mapping[str, Any] | None = None,
        response: Sequence[ResponseOption | str] | None = None,
        idempotency_key: str | None = None,
        custom: Custom | Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> SelfServiceLink:
        """A self-service link for a sale: the customer takes the boleta there, or (with
        ``allow_factura``) turns it into a factura with their company's data, OpenFactura then
        voiding an issued boleta with a nota de crédito.

        ``boleta``: a 39 or 41 (``haulmer.dte`` or SII dict; TipoDTE, Folio, IndServicio and
        Receptor may be left out), checked locally as ``emit`` checks; ``issue_boleta``: issue
        it now (its folio comes back) or only if the customer takes it. ``order``: the shop's
        order, an ``OrderReference`` or ``{"id": ..., "date": ...}`` (type 801). ``customer``:
        ``{"full_name", "email"}``; ``customize_page``: ``{"url_logo", "external_reference":
        {"hyperlink_text", "hyperlink_url"}}``, https URLs. The Idempotency-Key is yours, else
        derived from the order and boleta; an OF-06 raises AlreadyIssuedError (``.token``): the
        API never gives a link's URL again.
        """
        return await self._run(
            self_service_plan(
                boleta,
                order,
                (issue_boleta, allow_factura),
                customer,
                customize_page,
                {"response": response, "idempotency_key": idempotency_key, "custom": custom},
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                today=self._today(),
            ),
        )

    @no_raw_response(
        "it sends a request per sale as its results are read, so it has no one response; "
        "each result's document carries its own request_id, and an error its response"
    )
    def emit_many(
        self,
        sales: Iterable[Any],
        *,
        key: SaleKey = "id",
        document: SaleDocument = "document",
        concurrency: int = 4,
        journal: JournalArg = None,
        on_progress: Callable[[BatchProgress], None] | None = None,
        response: Sequence[ResponseOption | str] | None = None,
        iva_exceptional: IvaExceptional | str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AsyncBatchResults[SaleResult]:
        """Issue many sales, ``concurrency`` at a time, yielding a ``SaleResult`` per sale in
        their order (the asyncio client's is an async iterator); a failed sale does not stop it.

        To stop early, iterate it inside a with block (an async-with block on the asyncio
        client) or close it: the sales in flight are stopped at once, not when it is
        garbage-collected, each journal write under way ending first, so a rerun with the
        journal issues each sale once.

        Each sale's id (``key``: a field name or a function of the sale) is its idempotency key;
        ``document`` says where its document is (None: the sale is the document). With a
        ``journal`` (a SQLite file path, or any ``haulmer.journal.Journal``) every attempt is
        recorded before it is sent and every result after, so a rerun after a crash issues each
        sale once and returns the documents already issued; the journal is opened by the call
        (by the asyncio client when the first result is asked for, in a worker thread, as its
        reads and writes are). A sale sent 23 h or more ago whose outcome the journal never
        learnt fails, nothing sent: OpenFactura remembers a key 24 h, and sent again it could be
        issued twice. ``on_progress`` gets a ``BatchProgress`` after each sale.
        Arguments are checked before anything is sent.
        ``iva_exceptional`` as in ``emit``, for every sale. A refusal of the whole account (a
        wrong key: 401, 403, OF-04) sends no further sale and raises ``BatchStoppedError`` after
        the results of the sales in flight; the journal is tied to no key that issued nothing.
        """
        batch = EmissionBatch(
            sales,
            key=key,
            document=document,
            concurrency=concurrency,
            journal=journal,
            on_progress=on_progress,
            key_fingerprint=fingerprint_or_none(self._client._config.api_key),
            base_url=self._client._config.base_urls.get("openfactura"),
            emission={
                "response": normalize_response(response),  # checked at the call, as the rest
                "send_email": None,
                "iva_exceptional": normalize_iva_exceptional(iva_exceptional),
            },
            options=call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            today=self._today,
            now=self._now,
        )
        runner = AsyncOrderedRunner(
            self._run,
            batch.concurrency,
            start=batch.open_journal,
            finish=batch.finish,
            close=batch.close,
        )
        return runner.results(batch.plans())

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
        send_email: SendEmail | Mapping[str, Any] | str | Sequence[str] | None = None,
        custom: Custom | Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
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
        return await self._run(
            credit_note_plan(
                original,
                reason,
                code,
                folio,
                lines,
                fecha if fecha is not None else chile_today(self._client._now()),
                (emisor, receptor),
                emission_options(response, idempotency_key, send_email, custom),
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                today=self._today(),
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
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> DocumentStatus:
        """SII state (``estado``) of a document, by token or by (issuer rut, dte_type, folio)."""
        return await self._run(
            document_plan(
                "status",
                DocumentStatus,
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
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
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> DocumentJson:
        """The document as OpenFactura stores it (SII names), by token or by rut/type/folio."""
        return await self._run(
            document_plan(
                "json",
                DocumentJson,
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
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
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> bytes:
        """The signed XML (ISO-8859-1 bytes), by token or by rut/type/folio."""
        return await self._run(
            document_bytes_plan(
                "xml",
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
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
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> bytes:
        """The PDF, by token or by rut/type/folio."""
        return await self._run(
            document_bytes_plan(
                "pdf",
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
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
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> bytes:
        """The cedible copy (PDF) of a factura or guía; boletas, notas and exports have none."""
        return await self._run(
            document_bytes_plan(
                "cedible",
                token,
                rut,
                dte_type,
                folio,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            ),
        )

    def list_issued(
        self,
        *,
        tipo_dte: DTETypeFilter | None = None,
        fch_emis: DateFilter | None = None,
        rut_recep: RutFilter | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        page: int = 1,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AsyncPaginator[IssuedDocumentSummary]:
        """Issued documents, 30 a page, fetched as you iterate (the asyncio client's list is
        iterated in an async-for loop, or awaited for its first page); filters are checked here.

        ``tipo_dte``, ``fch_emis``, ``rut_recep``: a value (equal) or ``eq/ne/lt/lte/gt/gte``,
        ``between(a, b)``; ``filters`` takes the same by wire name (``{"TipoDTE": {"eq": 33}}``).
        """
        request = issued_request(
            merge_filters(
                {"tipo_dte": tipo_dte, "fch_emis": fch_emis, "rut_recep": rut_recep}, filters
            ),
            page,
            call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
        )
        return self._paginate(request)

    def list_received(
        self,
        *,
        tipo_dte: DTETypeFilter | None = None,
        fch_emis: DateFilter | None = None,
        rut_emisor: RutFilter | None = None,
        fch_recep_of: DateFilter | None = None,
        fch_recep_sii: DateFilter | None = None,
        filters: Mapping[str, FilterValue] | None = None,
        page: int = 1,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AsyncPaginator[ReceivedDocumentSummary]:
        """Received documents, 30 a page, fetched as you iterate (the asyncio client's list is
        iterated in an async-for loop, or awaited for its first page); filters are checked here."""
        request = received_request(
            merge_filters(
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
            call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
        )
        return self._paginate(request)

    async def accuse(
        self,
        rut: Rut | str,
        dte_type: int,
        folio: int,
        acuse: AcuseCode | str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AccuseResult:
        """Accept or claim a received document (``rut`` is its emisor's) with an AcuseCode.

        The SII may refuse the event in a normal answer: check ``result.registered`` (and
        ``result.refusal``, its reason)."""
        return await self._run(
            accuse_plan(
                rut,
                dte_type,
                folio,
                acuse,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            ),
        )

    async def void_guia(
        self,
        folio: int,
        fecha: dt.date | str,
        *,
        dte_type: int = DTEType.GUIA_DESPACHO,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> VoidResult:
        """Void (anular) a guía de despacho 52; any other type needs ``credit_note(...)``."""
        return await self._run(
            void_guia_plan(
                folio,
                fecha,
                dte_type,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                today=self._today(),
            ),
        )

    def _now(self) -> float:
        """Now by the client's wall clock (``now=``), as POSIX seconds; a naive time is
        Chilean local time, as everywhere the client reads its clock, not the machine's."""
        now: dt.datetime = self._client._now()
        return from_chile(now).timestamp()

    def _today(self) -> dt.date:
        """Today in Chile by the client's wall clock (``now=``), which the fake's clients share."""
        return chile_today(self._client._now())


class AsyncDocumentsWithRawResponse(AsyncRawResponses):
    """``AsyncDocuments.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: AsyncDocuments) -> None:
        super().__init__(resource)
        self.emit = self._raw(resource.emit)
        self.self_service_link = self._raw(resource.self_service_link)
        self.credit_note = self._raw(resource.credit_note)
        self.status = self._raw(resource.status)
        self.json = self._raw(resource.json)
        self.xml = self._raw(resource.xml)
        self.pdf = self._raw(resource.pdf)
        self.cedible = self._raw(resource.cedible)
        self.list_issued = self._raw(resource.list_issued)
        self.list_received = self._raw(resource.list_received)
        self.accuse = self._raw(resource.accuse)
        self.void_guia = self._raw(resource.void_guia)

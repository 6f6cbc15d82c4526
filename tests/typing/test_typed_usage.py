"""The common paths, written as an ERP would, typed without asserts or casts.

mypy --strict checks this file (``[tool.mypy] files``); ``assert_type`` pins what each call
gives to a type checker, and pytest runs the same code against the fake.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import PIL.Image
from typing_extensions import assert_type

import haulmer.dte as dte
from haulmer import (
    APIError,
    APIResponse,
    APIStatusError,
    AsyncHaulmer,
    DocumentRejectedError,
    Haulmer,
    sii,
)
from haulmer.catalogue import Product, sale_document
from haulmer.checkout import OrderStatus
from haulmer.errors import CertificationStoppedError, RequestInfo
from haulmer.openfactura import IssuedStatus, between
from haulmer.openfactura.certification import CertificationStatus
from haulmer.openfactura.models import (
    DocumentStatus,
    EmittedDocument,
    IssuedDocumentSummary,
    Organization,
)
from haulmer.openfactura.sandbox import HAULMER_DEMO, HOSTY_DEMO
from haulmer.pagination import AsyncPage, SyncPage
from haulmer.resources import AsyncDocuments, Documents
from haulmer.testing import AsyncClientOptions, ClientOptions, FakeHaulmer, IssuedDocument


def _factura() -> dte.Document:
    return dte.factura(
        emisor={
            "rut": str(HAULMER_DEMO.rut),
            "razon_social": HAULMER_DEMO.razon_social,
            "giro": HAULMER_DEMO.giro,
            "actecos": [HAULMER_DEMO.acteco],
            "direccion": HAULMER_DEMO.direccion,
            "comuna": HAULMER_DEMO.comuna,
        },
        receptor={
            "rut": str(HOSTY_DEMO.rut),
            "razon_social": HOSTY_DEMO.razon_social,
            "giro": HOSTY_DEMO.giro[:40],
            "direccion": HOSTY_DEMO.direccion,
            "comuna": HOSTY_DEMO.comuna,
        },
        lines=[{"nombre": "item", "cantidad": 1, "precio": 2000}],
        fecha=dt.date(2026, 2, 10),
    )


def _store(folio: int, pdf: bytes, xml: bytes, request_id: str | None) -> tuple[int, int]:
    """What an ERP does with an issued document: keep the folio, files and request id."""
    return folio, len(pdf) + len(xml) + len(request_id or "")


def test_a_built_document_gives_its_totals_without_optional() -> None:
    factura = _factura()
    assert_type(factura.totales, dte.Totales)
    assert_type(factura.mnt_total, int)
    neto: int | None = factura.totales.mnt_neto
    assert (neto, factura.mnt_total) == (2000, 2380)


def test_emit_and_keep_what_an_erp_keeps() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        assert_type(client, Haulmer)
        issued = client.openfactura.documents.emit(_factura(), response=["FOLIO", "PDF", "XML"])
        assert_type(issued, EmittedDocument)
        folio = issued.require_folio()
        pdf = issued.require_pdf()
        xml = issued.require_xml()
        assert_type(folio, int)
        assert_type(pdf, bytes)
        assert_type(xml, bytes)
        assert_type(issued.request_id, str | None)
        kept = _store(folio, pdf, xml, issued.request_id)

        status = client.openfactura.documents.status(issued.token)
        assert_type(status, DocumentStatus)
        assert_type(status.estado, IssuedStatus | str)
        accepted: bool = status.estado == IssuedStatus.ACEPTADO or status.is_accepted

    assert kept[0] == folio
    assert pdf.startswith(b"%PDF")
    assert accepted in (True, False)


def test_walk_the_pages_without_optional_juggling() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        client.openfactura.documents.emit(_factura())
        page = client.openfactura.documents.list_issued()
        totals: list[int] = []
        while True:
            for row in page.items:
                assert_type(row, IssuedDocumentSummary)
                totals.append(row.mnt_total or 0)
            if not page.has_next_page():
                break
            page = page.get_next_page()
    assert totals == [2380]


def _first_folio(documents: Documents) -> int:
    page: SyncPage[IssuedDocumentSummary] = documents.list_issued()
    return page.items[0].folio


async def _first_folio_async(documents: AsyncDocuments) -> int:
    page: AsyncPage[IssuedDocumentSummary] = await documents.list_issued()
    return page.items[0].folio


async def test_functions_take_resources_and_pages_by_their_public_names() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        folio = client.openfactura.documents.emit(_factura()).require_folio()
        assert _first_folio(client.openfactura.documents) == folio
    async with fake.async_client() as async_client:
        assert await _first_folio_async(async_client.openfactura.documents) == folio


def test_the_raw_response_and_the_call_options_are_typed() -> None:
    fake = FakeHaulmer()
    with fake.client(timeout=httpx.Timeout(20.0, connect=3.0)) as client:
        raw = client.openfactura.organization.with_raw_response.retrieve(
            extra_query={"trace": "1"}, extra_headers={"X-Trace": "1"}, timeout=httpx.Timeout(5.0)
        )
        assert_type(raw, APIResponse[Organization])
        status_code: int = raw.status_code
        request_id: str | None = raw.request_id
        organization = client.openfactura.organization.retrieve()
        assert_type(organization, Organization)
    assert status_code == 200
    assert request_id == fake.requests[-2].request_id


async def test_the_async_face_is_typed_alike() -> None:
    fake = FakeHaulmer()
    async with fake.async_client() as client:
        assert_type(client, AsyncHaulmer)
        issued = await client.openfactura.documents.emit(_factura())
        assert_type(issued.require_folio(), int)
        page = await client.openfactura.documents.list_issued()
        rows = list(page.items)
        if page.has_next_page():
            page = await page.get_next_page()
    assert len(rows) == 1


def test_enums_and_errors_print_their_words() -> None:
    shown: str = f"{OrderStatus.PAID}"
    try:
        raise DocumentRejectedError("Validación de Campos", status_code=400, code="OF-10")
    except DocumentRejectedError as error:
        code: str | None = error.code
    assert (shown, code) == ("paid", "OF-10")


def test_a_raw_response_parses_to_what_its_method_returns() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        issued = client.openfactura.documents.with_raw_response.emit(_factura(), response=["FOLIO"])
        assert_type(issued, APIResponse[EmittedDocument])
        folio = issued.parse().require_folio()
        listed = client.openfactura.with_raw_response.documents.list_issued(page=1)
        assert_type(listed.parse(), SyncPage[IssuedDocumentSummary])
        rows = listed.parse().items
    assert [row.folio for row in rows] == [folio]


async def test_the_async_raw_response_parses_alike() -> None:
    fake = FakeHaulmer()
    async with fake.async_client() as client:
        issued = await client.openfactura.documents.with_raw_response.emit(_factura())
        assert_type(issued, APIResponse[EmittedDocument])
        listed = await client.openfactura.documents.with_raw_response.list_issued()
        assert_type(listed.parse(), AsyncPage[IssuedDocumentSummary])
        organization = await client.openfactura.with_raw_response.organization.retrieve()
        assert_type(organization.parse(), Organization)
    assert listed.parse().items[0].folio == issued.parse().require_folio()


def test_a_list_iterated_gives_its_models_and_its_pages_typed() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        folio = client.openfactura.documents.emit(_factura()).require_folio()
        listed = client.openfactura.documents.list_issued()
        folios = [row.folio for row in listed]
        pages = list(listed.iter_pages())
        assert_type(pages, list[SyncPage[IssuedDocumentSummary]])
        following = listed.next_page()
        assert_type(following, SyncPage[IssuedDocumentSummary] | None)
    assert (folios, len(pages), following) == ([folio], 1, None)


async def test_an_async_list_iterated_gives_its_models_and_its_pages_typed() -> None:
    fake = FakeHaulmer()
    async with fake.async_client() as client:
        folio = (await client.openfactura.documents.emit(_factura())).require_folio()
        listed = client.openfactura.documents.list_issued()
        folios = [row.folio async for row in listed]
        first = await listed
        pages = [page async for page in first.iter_pages()]
        assert_type(pages, list[AsyncPage[IssuedDocumentSummary]])
        rows = [row async for row in first]
        assert_type(rows, list[IssuedDocumentSummary])
        following = await first.next_page()
        assert_type(following, AsyncPage[IssuedDocumentSummary] | None)
    assert (folios, [row.folio for row in rows]) == ([folio], [folio])
    assert (len(pages), following) == (1, None)


def _a_raw_call_checks_its_arguments(documents: Documents) -> None:
    """Never run: mypy must refuse the argument (else the ignore is unused, an error)."""
    documents.with_raw_response.status(33)  # type: ignore[arg-type]


def _a_fake_client_checks_its_options(fake: FakeHaulmer) -> None:
    """Never run: mypy must refuse each option (else the ignore is unused, an error)."""
    fake.client(max_retry=2)  # type: ignore[call-arg]
    fake.client(max_retries="2")  # type: ignore[arg-type]
    fake.async_client(rate_limits=False)  # type: ignore[call-arg]
    fake.async_client(http_client=httpx.Client())  # type: ignore[arg-type]


def test_a_fake_client_takes_the_clients_options_by_name() -> None:
    fake = FakeHaulmer()
    options: ClientOptions = {"max_retries": 0, "default_headers": {"X-Erp": "1"}}
    with fake.client(**options) as client:
        client.openfactura.organization.retrieve()
    assert fake.requests[-1].headers["x-erp"] == "1"


async def test_an_async_fake_client_takes_the_clients_options_by_name() -> None:
    fake = FakeHaulmer()
    options: AsyncClientOptions = {"sleep": fake.clock.asleep, "default_headers": {"X-Erp": "2"}}
    async with fake.async_client(**options) as client:
        await client.openfactura.organization.retrieve()
    assert fake.requests[-1].headers["x-erp"] == "2"


def test_an_error_answer_is_read_by_narrowing_its_body_and_response() -> None:
    fake = FakeHaulmer()
    fake.control.fail_next("openfactura.organization.retrieve", status=400, code="OF-10")
    with fake.client(max_retries=0) as client:
        try:
            client.openfactura.organization.retrieve()
        except APIStatusError as error:
            body = error.body
            envelope = body.get("error") if isinstance(body, dict) else None
            status_code = error.response.status_code if error.response is not None else None
    assert isinstance(envelope, dict)
    assert (envelope["code"], status_code) == ("OF-10", 400)


def test_an_error_names_its_request_typed_without_any() -> None:
    fake = FakeHaulmer()
    fake.control.drop_connection("openfactura.organization.retrieve", when="before")
    with fake.client(max_retries=0) as client:
        try:
            client.openfactura.organization.retrieve()
        except APIError as error:
            assert_type(error.request, RequestInfo | None)
            named = (error.request.method, error.request.url) if error.request else None
    assert named == ("GET", "http://haulmer.fake/v2/dte/organization")


def _an_error_body_is_narrowed_before_reading(error: APIStatusError) -> tuple[object, int]:
    """Never run: mypy must refuse reading them unnarrowed (else the ignore is unused)."""
    envelope = error.body["error"]  # type: ignore[index]
    return envelope, error.response.status_code  # type: ignore[union-attr]


def _a_logo_is_bytes_a_path_or_a_pil_image(signed: bytes, image: PIL.Image.Image) -> None:
    """Never run: mypy takes the logos render_pdf prints and refuses the rest."""
    sii.render_pdf(signed, logo=b"\x89PNG...")
    sii.render_pdf(signed, logo=Path("logo.png"))
    sii.render_pdfs(signed, logo="logo.png")
    sii.render_pdf(signed, logo=image)
    sii.render_pdf(signed, logo=123)  # type: ignore[arg-type]


def test_a_supplier_document_issued_on_the_fake_is_typed() -> None:
    fake = FakeHaulmer()
    issued = fake.issue_from_supplier(_factura(), razon_social="Proveedor SpA")
    assert_type(issued, IssuedDocument)
    folio: int = issued.folio
    assert folio > 0


def _a_sale_takes_the_parties_a_document_takes(product: Product) -> None:
    """Never run: mypy takes an emisor and receptor as the builders do, and refuses the rest."""
    emisor = dte.Emisor.model_validate({"rut": "76795561-8", "razon_social": "HAULMER SPA"})
    sale_document(39, emisor=emisor, items=[(product, 1)])
    sale_document(33, emisor={"rut": "76795561-8"}, receptor={"rut": "1-9"}, items=[(product, 1)])
    sale_document(39, emisor=76795561, items=[(product, 1)])  # type: ignore[arg-type]
    sale_document(39, emisor=emisor, receptor="HOSTY", items=[])  # type: ignore[arg-type]


def _a_fake_tenant_checks_its_options(fake: FakeHaulmer) -> None:
    """Never run: mypy takes the options add_openfactura_tenant documents and refuses the rest."""
    fake.add_openfactura_tenant("k", rut="1-9", razon_social="X", dte_types=[33, "61"], web="x")
    fake.add_openfactura_tenant("k", rut="1-9", razon_social="X", dte_type=[33])  # type: ignore[call-arg]
    fake.add_openfactura_tenant("k", rut="1-9", razon_social="X", dte_types=33)  # type: ignore[arg-type]
    fake.add_openfactura_tenant("k", rut="1-9", razon_social="X", folios_per_type="9")  # type: ignore[arg-type]


def _a_list_filter_is_one_value_or_a_condition(
    documents: Documents, async_documents: AsyncDocuments
) -> None:
    """Never run: mypy takes what a filter reads and refuses a list (OpenFactura has no 'in')."""
    day = dt.date(2026, 2, 10)
    documents.list_issued(tipo_dte=33, fch_emis=between(day, day), rut_recep="76430498-5")
    documents.list_issued(tipo_dte="39", fch_emis="2026-02-10", rut_recep=76430498)
    documents.list_received(tipo_dte=dte.DTEType.FACTURA, fch_recep_sii={"gte": day})
    documents.list_issued(tipo_dte=[33, 39])  # type: ignore[arg-type]
    documents.list_received(fch_emis=20260210.0)  # type: ignore[arg-type]
    async_documents.list_issued(rut_recep=[76430498])  # type: ignore[arg-type]


def _a_misspelt_name_is_refused_not_any() -> None:
    """Never run: a lazily served module refuses a name it does not serve, as Python does at
    run time, instead of typing it Any (else the ignore is unused, an error)."""
    import haulmer.accounts
    import haulmer.openfactura.documents
    import haulmer.resources
    import haulmer.testing

    haulmer.DocumentRejectError  # type: ignore[attr-defined]  # noqa: B018
    haulmer.testing.FakeHaulmr  # type: ignore[attr-defined]  # noqa: B018
    haulmer.openfactura.Organisation  # type: ignore[attr-defined]  # noqa: B018
    haulmer.openfactura.documents.Documentz  # type: ignore[attr-defined]  # noqa: B018
    haulmer.resources.Document  # type: ignore[attr-defined]  # noqa: B018
    haulmer.accounts.Account_  # type: ignore[attr-defined]  # noqa: B018
    sii.parse_xml  # type: ignore[attr-defined]  # noqa: B018


def _a_face_is_typed_from_its_product_module() -> None:
    """Never run: the resource classes a product module serves are the classes, not Any."""
    from haulmer.accounts import Accounts, AsyncAccounts
    from haulmer.catalogue import AsyncCatalogue, Catalogue
    from haulmer.checkout import AsyncCheckout, Checkout
    from haulmer.myhaulmer import AsyncMyHaulmer, MyHaulmer
    from haulmer.openfactura.certification import AsyncCertification, Certification
    from haulmer.openfactura.documents import AsyncDocuments as Async
    from haulmer.openfactura.documents import Documents as Sync
    from haulmer.openfactura.organization import AsyncTaxpayerResource, TaxpayerResource
    from haulmer.openfactura.registry import AsyncRegistry, Registry
    from haulmer.openfactura.setup import AsyncSetup, Setup
    from haulmer.point import AsyncPoint, Point
    from haulmer.workspace import AsyncWorkspace, Workspace

    client = Haulmer()
    async_client = AsyncHaulmer()
    assert_type(client.accounts, Accounts)
    assert_type(async_client.accounts, AsyncAccounts)
    assert_type(client.catalogue, Catalogue)
    assert_type(async_client.catalogue, AsyncCatalogue)
    assert_type(client.checkout, Checkout)
    assert_type(async_client.checkout, AsyncCheckout)
    assert_type(client.myhaulmer, MyHaulmer)
    assert_type(async_client.myhaulmer, AsyncMyHaulmer)
    assert_type(client.openfactura.certification, Certification)
    assert_type(async_client.openfactura.certification, AsyncCertification)
    assert_type(client.openfactura.documents, Sync)
    assert_type(async_client.openfactura.documents, Async)
    assert_type(client.openfactura.taxpayer, TaxpayerResource)
    assert_type(async_client.openfactura.taxpayer, AsyncTaxpayerResource)
    assert_type(client.openfactura.registry, Registry)
    assert_type(async_client.openfactura.registry, AsyncRegistry)
    assert_type(client.openfactura.setup, Setup)
    assert_type(async_client.openfactura.setup, AsyncSetup)
    assert_type(client.point, Point)
    assert_type(async_client.point, AsyncPoint)
    assert_type(client.workspace, Workspace)
    assert_type(async_client.workspace, AsyncWorkspace)


def _a_stopped_certification_carries_its_typed_status(
    error: CertificationStoppedError,
) -> str | None:
    """Never run: ``error.status`` is the last CertificationStatus polled, not Any."""
    assert_type(error.status, CertificationStatus | None)
    return error.status.stage if error.status is not None else None

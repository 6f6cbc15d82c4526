"""``client.openfactura``: the namespace of every OpenFactura resource, each made on first use."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from haulmer._lazy import LazyModule

if TYPE_CHECKING:
    from haulmer._async.openfactura import certification as _certification
    from haulmer._async.openfactura import documents as _documents
    from haulmer._async.openfactura import organization as _organization
    from haulmer._async.openfactura import registry as _registry
    from haulmer._async.openfactura import setup as _setup
else:  # annotations resolve at run time (typing.get_type_hints), loading each module only then
    _documents = LazyModule("haulmer._async.openfactura.documents")
    _registry = LazyModule("haulmer._async.openfactura.registry")
    _organization = LazyModule("haulmer._async.openfactura.organization")
    _setup = LazyModule("haulmer._async.openfactura.setup")
    _certification = LazyModule("haulmer._async.openfactura.certification")

__all__ = ["AsyncOpenFactura", "AsyncOpenFacturaRawResponses"]


class AsyncOpenFactura:
    """``client.openfactura`` of ``AsyncHaulmer``: every resource, created on first use."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @cached_property
    def with_raw_response(self) -> AsyncOpenFacturaRawResponses:
        """Every resource's ``with_raw_response``: ``openfactura.with_raw_response.documents``."""
        return AsyncOpenFacturaRawResponses(self)

    @cached_property
    def documents(self) -> _documents.AsyncDocuments:
        """Issue, fetch, list, accuse and void DTEs."""
        from haulmer._async.openfactura.documents import AsyncDocuments

        return AsyncDocuments(self._client)

    @cached_property
    def registry(self) -> _registry.AsyncRegistry:
        """Sales and purchase registries, RCV sync."""
        from haulmer._async.openfactura.registry import AsyncRegistry

        return AsyncRegistry(self._client)

    @cached_property
    def organization(self) -> _organization.AsyncOrganizationResource:
        """The taxpayer that owns the API key, and its folios."""
        from haulmer._async.openfactura.organization import AsyncOrganizationResource

        return AsyncOrganizationResource(self._client)

    @cached_property
    def taxpayer(self) -> _organization.AsyncTaxpayerResource:
        """SII data of any taxpayer by RUT."""
        from haulmer._async.openfactura.organization import AsyncTaxpayerResource

        return AsyncTaxpayerResource(self._client)

    @cached_property
    def setup(self) -> _setup.AsyncSetup:
        """Getting a company ready to issue (platform API)."""
        from haulmer._async.openfactura.setup import AsyncSetup

        return AsyncSetup(self._client)

    @cached_property
    def certification(self) -> _certification.AsyncCertification:
        """The SII certification of a company (platform API)."""
        from haulmer._async.openfactura.certification import AsyncCertification

        return AsyncCertification(self._client)

    def __repr__(self) -> str:
        return "<AsyncOpenFactura>"


class AsyncOpenFacturaRawResponses:
    """``client.openfactura.with_raw_response``: each resource's methods answering
    ``APIResponse``."""

    def __init__(self, openfactura: AsyncOpenFactura) -> None:
        self._openfactura = openfactura

    @property
    def documents(self) -> _documents.AsyncDocumentsWithRawResponse:
        return self._openfactura.documents.with_raw_response

    @property
    def registry(self) -> _registry.AsyncRegistryWithRawResponse:
        return self._openfactura.registry.with_raw_response

    @property
    def organization(self) -> _organization.AsyncOrganizationResourceWithRawResponse:
        return self._openfactura.organization.with_raw_response

    @property
    def taxpayer(self) -> _organization.AsyncTaxpayerResourceWithRawResponse:
        return self._openfactura.taxpayer.with_raw_response

    @property
    def setup(self) -> _setup.AsyncSetupWithRawResponse:
        return self._openfactura.setup.with_raw_response

    @property
    def certification(self) -> _certification.AsyncCertificationWithRawResponse:
        return self._openfactura.certification.with_raw_response

"""``client.openfactura``: the namespace of every OpenFactura resource, each made on first use."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from haulmer._core import AsyncAPIResource

if TYPE_CHECKING:
    from haulmer._async.openfactura.certification import AsyncCertification
    from haulmer._async.openfactura.documents import AsyncDocuments
    from haulmer._async.openfactura.organization import (
        AsyncOrganizationResource,
        AsyncTaxpayerResource,
    )
    from haulmer._async.openfactura.registry import AsyncRegistry
    from haulmer._async.openfactura.setup import AsyncSetup

__all__ = ["AsyncOpenFactura"]


class AsyncOpenFactura(AsyncAPIResource):
    """``client.openfactura`` of ``AsyncHaulmer``: every resource, created on first use."""

    def __init__(self, client: Any) -> None:
        super().__init__(client)

    @cached_property
    def documents(self) -> AsyncDocuments:
        """Issue, fetch, list, accuse and void DTEs."""
        from haulmer._async.openfactura.documents import AsyncDocuments

        return AsyncDocuments(self._client)

    @cached_property
    def registry(self) -> AsyncRegistry:
        """Sales and purchase registries, RCV sync."""
        from haulmer._async.openfactura.registry import AsyncRegistry

        return AsyncRegistry(self._client)

    @cached_property
    def organization(self) -> AsyncOrganizationResource:
        """The taxpayer that owns the API key, and its folios."""
        from haulmer._async.openfactura.organization import AsyncOrganizationResource

        return AsyncOrganizationResource(self._client)

    @cached_property
    def taxpayer(self) -> AsyncTaxpayerResource:
        """SII data of any taxpayer by RUT."""
        from haulmer._async.openfactura.organization import AsyncTaxpayerResource

        return AsyncTaxpayerResource(self._client)

    @cached_property
    def setup(self) -> AsyncSetup:
        """Getting a company ready to issue (platform API)."""
        from haulmer._async.openfactura.setup import AsyncSetup

        return AsyncSetup(self._client)

    @cached_property
    def certification(self) -> AsyncCertification:
        """The SII certification of a company (platform API)."""
        from haulmer._async.openfactura.certification import AsyncCertification

        return AsyncCertification(self._client)

    def __repr__(self) -> str:
        return "<AsyncOpenFactura>"

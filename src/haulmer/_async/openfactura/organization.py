"""The resources of ``haulmer.openfactura.organization`` (its business is
in ``haulmer.openfactura.organization.business``)."""

from __future__ import annotations

from haulmer._core import AsyncAPIResource
from haulmer._core._async.runner import AsyncRawResponses
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer.openfactura.models import Organization, OrganizationFolios, Taxpayer
from haulmer.openfactura.organization.business import (
    folios_plan,
    organization_plan,
    taxpayer_plan,
)
from haulmer.rut import Rut

__all__ = [
    "AsyncOrganizationResource",
    "AsyncOrganizationResourceWithRawResponse",
    "AsyncTaxpayerResource",
    "AsyncTaxpayerResourceWithRawResponse",
]


class AsyncOrganizationResource(AsyncAPIResource):
    """The taxpayer that owns the API key."""

    @property
    def with_raw_response(self) -> AsyncOrganizationResourceWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return AsyncOrganizationResourceWithRawResponse(self)

    async def retrieve(
        self,
        *,
        include_logo: bool = False,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Organization:
        """Its data (razón social, giro, actividades, sucursales, resolución; logo if asked)."""
        return await self._run(
            organization_plan(
                include_logo,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            ),
        )

    async def folios(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> OrganizationFolios:
        """The DTE types it may issue, with folios available and their expiry."""
        return await self._run(
            folios_plan(call_options(extra_headers, timeout, max_retries, extra_query, extra_body))
        )


class AsyncTaxpayerResource(AsyncAPIResource):
    """Public SII data of any taxpayer."""

    @property
    def with_raw_response(self) -> AsyncTaxpayerResourceWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return AsyncTaxpayerResourceWithRawResponse(self)

    async def retrieve(
        self,
        rut: Rut | str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Taxpayer | None:
        """The taxpayer with this RUT, or None when the SII does not know it."""
        return await self._run(
            taxpayer_plan(
                rut, call_options(extra_headers, timeout, max_retries, extra_query, extra_body)
            )
        )


class AsyncOrganizationResourceWithRawResponse(AsyncRawResponses):
    """``AsyncOrganizationResource.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: AsyncOrganizationResource) -> None:
        super().__init__(resource)
        self.retrieve = self._raw(resource.retrieve)
        self.folios = self._raw(resource.folios)


class AsyncTaxpayerResourceWithRawResponse(AsyncRawResponses):
    """``AsyncTaxpayerResource.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: AsyncTaxpayerResource) -> None:
        super().__init__(resource)
        self.retrieve = self._raw(resource.retrieve)

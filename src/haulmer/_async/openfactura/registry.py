"""The resources of ``haulmer.openfactura.registry`` (its business is
in ``haulmer.openfactura.registry.business``)."""

from __future__ import annotations

from collections.abc import Iterable

from haulmer._chile import chile_today
from haulmer._core import AsyncAPIResource
from haulmer._core._async.runner import AsyncRawResponses
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer.openfactura.enums import PurchaseStatus, RegistryKind
from haulmer.openfactura.models import PurchaseRegistry, SalesRegistry, SyncRcvResult
from haulmer.openfactura.registry.business import (
    RcvPeriod,
    purchases_plan,
    sales_plan,
    sync_rcv_plan,
)

__all__ = ["AsyncRegistry", "AsyncRegistryWithRawResponse"]


class AsyncRegistry(AsyncAPIResource):
    """Registro de compras y ventas as OpenFactura summarizes it."""

    @property
    def with_raw_response(self) -> AsyncRegistryWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return AsyncRegistryWithRawResponse(self)

    async def sales(
        self,
        year: int,
        month: int,
        day: int | None = None,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> SalesRegistry:
        """Sales summary per DTE type for a month (or one day)."""
        return await self._run(
            sales_plan(
                year,
                month,
                day,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def purchases(
        self,
        year: int,
        month: int,
        day: int | None = None,
        *,
        status: Iterable[PurchaseStatus | str] | PurchaseStatus | str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> list[PurchaseRegistry]:
        """Purchase summary for a month (or one day), one block per state; ``status`` filters."""
        return await self._run(
            purchases_plan(
                year,
                month,
                day,
                status,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            ),
        )

    async def sync_rcv(
        self,
        registro: RegistryKind | str,
        periodo: RcvPeriod,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> SyncRcvResult:
        """Queue a refresh of a registry ("sales" or "purchase") from the SII for one month.

        ``periodo``: 202605, "2026-05", (2026, 5) or a date in the month. OF-429 (once per
        window) -> RateLimitError with ``retry_after``.
        """
        return await self._run(
            sync_rcv_plan(
                registro,
                periodo,
                call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                today=chile_today(self._client._now()),
            ),
        )


class AsyncRegistryWithRawResponse(AsyncRawResponses):
    """``AsyncRegistry.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: AsyncRegistry) -> None:
        super().__init__(resource)
        self.sales = self._raw(resource.sales)
        self.purchases = self._raw(resource.purchases)
        self.sync_rcv = self._raw(resource.sync_rcv)

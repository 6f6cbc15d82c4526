"""The resources of ``haulmer.catalogue`` (its business is in ``haulmer.catalogue.business``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from haulmer._core import AsyncAPIResource
from haulmer._core._async.runner import AsyncRawResponses
from haulmer._core.pagination import AsyncPaginator
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer.catalogue.business import (
    CatalogueDetails,
    Product,
    ProductInput,
    ProductUpdate,
    TaxTreatment,
    create_product_request,
    deactivate_product_request,
    list_catalogues_request,
    list_products_request,
    retrieve_product_request,
    update_product_request,
)

__all__ = ["AsyncCatalogue", "AsyncCatalogueWithRawResponse"]


class AsyncCatalogue(AsyncAPIResource):
    """Products of an organization's catalogue: create, update, list, search, deactivate."""

    @property
    def with_raw_response(self) -> AsyncCatalogueWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return AsyncCatalogueWithRawResponse(self)

    async def list_catalogues(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> list[CatalogueDetails]:
        """The catalogues of the organizations of the account's workspaces (one each)."""
        return (
            await self._request(
                list_catalogues_request(
                    **call_options(extra_headers, timeout, max_retries, extra_query, extra_body)
                )
            )
        ).data

    async def create_product(
        self,
        catalogue_id: str,
        product: ProductInput | Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Product:
        """Add a product (checked locally first); its SKU must be new in the catalogue."""
        return await self._request(
            create_product_request(
                catalogue_id,
                product,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def retrieve_product(
        self,
        catalogue_id: str,
        product_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Product:
        """One product."""
        return await self._request(
            retrieve_product_request(
                catalogue_id,
                product_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def update_product(
        self,
        catalogue_id: str,
        product_id: str,
        changes: ProductUpdate | Mapping[str, Any],
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Product:
        """Change some fields of a product (``{"price": 1290}``); the others stay."""
        return await self._request(
            update_product_request(
                catalogue_id,
                product_id,
                changes,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def deactivate_product(
        self,
        catalogue_id: str,
        product_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Product:
        """Take a product off sale (kept for past sales; ``update_product`` activates it again)."""
        return await self._request(
            deactivate_product_request(
                catalogue_id,
                product_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def list_products(
        self,
        catalogue_id: str,
        *,
        search: str | None = None,
        active: bool | None = None,
        tax: TaxTreatment | str | None = None,
        per_page: int = 50,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> AsyncPaginator[Product]:
        """Products by name; ``search`` in name, SKU and description. Fetched as you iterate (the
        asyncio client's list is iterated in an async-for loop, or awaited for its first page);
        filters are checked here, at the call.
        """
        request = list_products_request(
            catalogue_id,
            search,
            active,
            tax,
            per_page,
            **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
        )
        return self._paginate(request)


class AsyncCatalogueWithRawResponse(AsyncRawResponses):
    """``AsyncCatalogue.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: AsyncCatalogue) -> None:
        super().__init__(resource)
        self.list_catalogues = self._raw(resource.list_catalogues)
        self.create_product = self._raw(resource.create_product)
        self.retrieve_product = self._raw(resource.retrieve_product)
        self.update_product = self._raw(resource.update_product)
        self.deactivate_product = self._raw(resource.deactivate_product)
        self.list_products = self._raw(resource.list_products)

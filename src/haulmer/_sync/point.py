# Generated from src/haulmer/_async/point.py by scripts/unasync.py: do not edit.
"""The resources of ``haulmer.point`` (its business is in ``haulmer.point.business``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from haulmer._core import SyncAPIResource
from haulmer._core._sync.runner import SyncRawResponses
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg
from haulmer.point.business import (
    Paper,
    PointDocument,
    PointOfSale,
    Sale,
    SaleItemArg,
    SalePaymentMethod,
    SaleReceptor,
    SaleReceptorDetails,
    configure_point_request,
    list_points_request,
    retrieve_point_request,
    retrieve_sale_request,
    sale_request,
)

__all__ = ["Point", "PointWithRawResponse"]


class Point(SyncAPIResource):
    """Points of sale: list, configure, sell (the sale's boleta or factura comes back issued)."""

    @property
    def with_raw_response(self) -> PointWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return PointWithRawResponse(self)

    def list(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> list[PointOfSale]:
        """The points of sale of the account's workspaces (one per device bought)."""
        return (
            self._request(
                list_points_request(
                    **call_options(extra_headers, timeout, max_retries, extra_query, extra_body)
                )
            )
        ).data

    def retrieve(
        self,
        point_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> PointOfSale:
        """One point of sale."""
        return self._request(
            retrieve_point_request(
                point_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def configure(
        self,
        point_id: str,
        *,
        name: str | NotGiven = NOT_GIVEN,
        sucursal: str | NotGiven | None = NOT_GIVEN,
        default_document: PointDocument | str | NotGiven = NOT_GIVEN,
        paper: Paper | str | NotGiven = NOT_GIVEN,
        catalogue_id: str | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> PointOfSale:
        """Change the settings given (the others stay): name, sucursal, document, paper,
        catalogue (``catalogue_id=None`` detaches it: the point sells nothing until it has one
        again; ``sucursal=None`` clears the branch)."""
        settings = {
            "name": name,
            "sucursal": sucursal,
            "default_document": default_document,
            "paper": paper,
            "catalogue_id": catalogue_id,
        }
        return self._request(
            configure_point_request(
                point_id,
                settings,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def sell(
        self,
        point_id: str,
        items: Iterable[SaleItemArg],
        *,
        payment: SalePaymentMethod | str,
        amount: int | None = None,
        document: PointDocument | str | None = None,
        receptor: SaleReceptor | SaleReceptorDetails | Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Sale:
        """Sell ``(product, quantity)`` items; returns the sale with its issued document (folio).

        ``document`` defaults to the point's (boleta); ``amount`` is the cash received (change is
        computed), or for a card or transfer exactly the total (the default). When every item is
        a Product, an amount that cannot pay the total its prices make is refused before
        sending; with product ids the platform checks it. ``receptor`` may be a past sale's
        (``sale.receptor``), to sell to the same buyer again. The ``Idempotency-Key`` (yours, else a
        fresh one kept across retries) stops a retry from selling, and issuing, twice.
        """
        return self._request(
            sale_request(
                point_id,
                items,
                payment,
                amount,
                document,
                receptor,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def retrieve_sale(
        self,
        point_id: str,
        sale_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Sale:
        """One sale and its document."""
        return self._request(
            retrieve_sale_request(
                point_id,
                sale_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )


class PointWithRawResponse(SyncRawResponses):
    """``Point.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: Point) -> None:
        super().__init__(resource)
        self.list = self._raw(resource.list)
        self.retrieve = self._raw(resource.retrieve)
        self.configure = self._raw(resource.configure)
        self.sell = self._raw(resource.sell)
        self.retrieve_sale = self._raw(resource.retrieve_sale)

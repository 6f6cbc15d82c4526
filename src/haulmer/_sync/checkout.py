# Generated from src/haulmer/_async/checkout.py by scripts/unasync.py: do not edit.
"""The resources of ``haulmer.checkout`` (its business is in ``haulmer.checkout.business``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from haulmer._core import SyncAPIResource
from haulmer._core._sync.runner import SyncRawResponses
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer.accounts.business import LinkLike
from haulmer.checkout.business import (
    Buyer,
    Catalog,
    Order,
    PaymentMedium,
    PaymentMethod,
    PlansArg,
    ProductsArg,
    ReceiverArg,
    TaxDocumentType,
    catalog_request,
    create_order_request,
    payment_medium_request,
    payment_method_request,
    payment_wait,
    retrieve_order_request,
    tax_document_request,
)

__all__ = ["Checkout", "CheckoutWithRawResponse"]


class Checkout(SyncAPIResource):
    """Orders: create, pay (method then medium), follow, and choose the tax document."""

    @property
    def with_raw_response(self) -> CheckoutWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return CheckoutWithRawResponse(self)

    def catalog(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Catalog:
        """The products, plans (1, 6 or 12 months) and payment methods on sale."""
        return self._request(
            catalog_request(
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body)
            )
        )

    def create_order(
        self,
        *,
        buyer: Buyer | Mapping[str, Any],
        products: ProductsArg = (),
        plans: PlansArg = (),
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Order:
        """Start a purchase; ``products`` maps a product code to a quantity (or lists lines).

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) stops a double order.
        """
        return self._request(
            create_order_request(
                buyer,
                products,
                plans,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def retrieve_order(
        self,
        order_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Order:
        """An order with its status and status history."""
        return self._request(
            retrieve_order_request(
                order_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def choose_payment_method(
        self,
        order_id: str,
        method: PaymentMethod | str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Order:
        """Step one of paying: the payment method."""
        return self._request(
            payment_method_request(
                order_id,
                method,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def choose_payment_medium(
        self,
        order_id: str,
        medium: PaymentMedium | str,
        *,
        method: PaymentMethod | str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Order:
        """Step two: the medium; then the bank validates (``method=`` checks the pair locally)."""
        return self._request(
            payment_medium_request(
                order_id,
                medium,
                method,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def wait_for_payment(
        self,
        order_id: str,
        *,
        timeout: float = 3600.0,
        poll_interval: float = 10.0,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        max_retries: int | None = None,
    ) -> Order:
        """Poll until the bank settles the payment (``paid`` or ``payment_rejected``).

        ``timeout`` is the whole wait; ``extra_headers`` and ``max_retries`` apply to each poll.
        """
        return self._run(
            payment_wait(
                order_id,
                timeout,
                poll_interval,
                call_options(extra_headers, NOT_GIVEN, max_retries, extra_query, extra_body),
            )
        )

    def choose_tax_document(
        self,
        link: LinkLike,
        *,
        document: TaxDocumentType | str,
        receiver: ReceiverArg | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Order:
        """Boleta or factura for the purchase, from the "¿Boleta o factura?" e-mail's link."""
        try:
            with LocalsForgottenOnRefusal():
                request = tax_document_request(
                    link,
                    document,
                    receiver,
                    **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                )
        finally:
            del link  # its token is not in this frame's locals (error trackers record them)
        return self._request(request)


class CheckoutWithRawResponse(SyncRawResponses):
    """``Checkout.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: Checkout) -> None:
        super().__init__(resource)
        self.catalog = self._raw(resource.catalog)
        self.create_order = self._raw(resource.create_order)
        self.retrieve_order = self._raw(resource.retrieve_order)
        self.choose_payment_method = self._raw(resource.choose_payment_method)
        self.choose_payment_medium = self._raw(resource.choose_payment_medium)
        self.wait_for_payment = self._raw(resource.wait_for_payment)
        self.choose_tax_document = self._raw(resource.choose_tax_document)

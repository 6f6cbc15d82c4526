# Generated from src/haulmer/_async/myhaulmer.py by scripts/unasync.py: do not edit.
"""The resources of ``haulmer.myhaulmer`` (its business is in ``haulmer.myhaulmer.business``)."""

from __future__ import annotations

from datetime import date

from haulmer._core import SyncAPIResource
from haulmer._core._sync.runner import SyncRawResponses
from haulmer._core.pagination import SyncPage
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer.checkout.business import Order, OrderStatus
from haulmer.myhaulmer.business import (
    AttachmentInput,
    Ticket,
    TicketCategory,
    TicketStatus,
    list_orders_request,
    list_tickets_request,
    open_ticket_request,
    reply_ticket_request,
    retrieve_order_request,
    retrieve_ticket_request,
    ticket_action_request,
)

__all__ = ["MyHaulmer", "MyHaulmerWithRawResponse"]


class MyHaulmer(SyncAPIResource):
    """The customer area: the account's orders and support tickets (needs a login)."""

    @property
    def with_raw_response(self) -> MyHaulmerWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return MyHaulmerWithRawResponse(self)

    def list_orders(
        self,
        *,
        status: OrderStatus | str | None = None,
        created_from: date | str | None = None,
        created_to: date | str | None = None,
        per_page: int = 20,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> SyncPage[Order]:
        """The account's orders, newest first, fetched as you iterate (the asyncio client's list
        is iterated in an async-for loop, or awaited for its first page); filters are checked
        here, at the call: ``created_from``/``created_to`` a ``datetime.date`` or 'YYYY-MM-DD'
        (a datetime is its day in Chile), both days included."""
        request = list_orders_request(
            status,
            created_from,
            created_to,
            per_page,
            **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
        )
        return self._paginate(request)

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
        """One of the account's orders: status history, lines, payment, tax document."""
        return self._request(
            retrieve_order_request(
                order_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def open_ticket(
        self,
        *,
        subject: str,
        category: TicketCategory | str,
        message: str,
        attachment: AttachmentInput | None = None,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Ticket:
        """Open a support ticket; ``attachment`` is a path or ``(filename, bytes)`` (5 MiB)."""
        return self._request(
            open_ticket_request(
                subject,
                category,
                message,
                attachment,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def list_tickets(
        self,
        *,
        status: TicketStatus | str | None = None,
        per_page: int = 20,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> SyncPage[Ticket]:
        """The account's tickets, newest first, fetched as you iterate (the asyncio client's list
        is iterated in an async-for loop, or awaited for its first page)."""
        request = list_tickets_request(
            status,
            per_page,
            **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
        )
        return self._paginate(request)

    def retrieve_ticket(
        self,
        ticket_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Ticket:
        """A ticket and its whole thread."""
        return self._request(
            retrieve_ticket_request(
                ticket_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def reply_ticket(
        self,
        ticket_id: str,
        message: str,
        *,
        attachment: AttachmentInput | None = None,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Ticket:
        """Add your reply to the thread (a closed ticket needs ``reopen_ticket`` first)."""
        return self._request(
            reply_ticket_request(
                ticket_id,
                message,
                attachment,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def close_ticket(
        self,
        ticket_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Ticket:
        """Close a ticket; it can be reopened for 7 days (``reopen_until``)."""
        return self._request(
            ticket_action_request(
                ticket_id,
                "close",
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    def reopen_ticket(
        self,
        ticket_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Ticket:
        """Reopen a ticket closed less than 7 days ago (``ReopenWindowClosedError`` after)."""
        return self._request(
            ticket_action_request(
                ticket_id,
                "reopen",
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )


class MyHaulmerWithRawResponse(SyncRawResponses):
    """``MyHaulmer.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: MyHaulmer) -> None:
        super().__init__(resource)
        self.list_orders = self._raw(resource.list_orders)
        self.retrieve_order = self._raw(resource.retrieve_order)
        self.open_ticket = self._raw(resource.open_ticket)
        self.list_tickets = self._raw(resource.list_tickets)
        self.retrieve_ticket = self._raw(resource.retrieve_ticket)
        self.reply_ticket = self._raw(resource.reply_ticket)
        self.close_ticket = self._raw(resource.close_ticket)
        self.reopen_ticket = self._raw(resource.reopen_ticket)

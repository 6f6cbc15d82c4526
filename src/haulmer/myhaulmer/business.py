"""The models, request builders and plans of ``haulmer.myhaulmer``, which its faces import."""

from __future__ import annotations

import base64
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import Field

from haulmer._chile import chile_date
from haulmer._core.pagination import NumberedPages, by_id
from haulmer._core.request import (
    APIRequest,
    idempotency_key_or_new,
)
from haulmer._enums import StrEnum
from haulmer._files import read_limited
from haulmer._models import HaulmerModel
from haulmer._platform import (
    as_enum,
    attachment_name_problem,
    id_path,
    media_type_problem,
    name_text,
)
from haulmer._shown import shown
from haulmer.checkout.business import Order, OrderStatus
from haulmer.errors import ValidationError

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "Attachment",
    "Ticket",
    "TicketAuthor",
    "TicketCategory",
    "TicketMessage",
    "TicketStatus",
]

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
"""The largest file a ticket message takes (5 MiB)."""

MAX_PER_PAGE = 100


class TicketCategory(StrEnum):
    """What a support ticket is about."""

    BILLING = "billing"
    TECHNICAL = "technical"
    OPENFACTURA = "openfactura"
    POINT = "point"
    CATALOGUE = "catalogue"
    ACCOUNT = "account"
    OTHER = "other"


class TicketStatus(StrEnum):
    """``open`` waits for support, ``answered`` for you, ``closed`` is done (reopenable 7 days)."""

    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class TicketAuthor(StrEnum):
    """Who wrote a message of the thread."""

    CUSTOMER = "customer"
    SUPPORT = "support"


class Attachment(HaulmerModel):
    """A file attached to a ticket message (the platform keeps its name, type and size)."""

    filename: str
    content_type: str
    size: int


class TicketMessage(HaulmerModel):
    """One message of a ticket's thread."""

    id: str
    author: TicketAuthor | str = Field(union_mode="left_to_right")
    author_name: str = ""
    body: str
    attachment: Attachment | None = None
    at: datetime


class Ticket(HaulmerModel):
    """A support ticket and its thread, oldest message first. ``category`` and ``status`` (and
    each message's ``author``) are the SDK's enums, or the platform's text for a value the SDK
    does not know yet."""

    id: str
    number: int
    subject: str
    category: TicketCategory | str = Field(union_mode="left_to_right")
    status: TicketStatus | str = Field(union_mode="left_to_right")
    messages: list[TicketMessage] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime | None = None
    closed_at: datetime | None = None
    reopen_until: datetime | None = None

    @property
    def is_closed(self) -> bool:
        """Whether the ticket is closed (replying needs ``reopen_ticket`` first)."""
        return self.status is TicketStatus.CLOSED


AttachmentInput = str | os.PathLike[str] | tuple[str, bytes] | tuple[str, bytes, str]
"""A file to attach: its path, or ``(filename, bytes)`` or ``(filename, bytes, content_type)``."""

_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".csv": "text/csv",
    ".zip": "application/zip",
}


def _attachment(value: AttachmentInput | None) -> dict[str, str] | None:
    """The attachment as the wire's ``{filename, content_type, content_base64}``, checked."""
    if value is None:
        return None
    if isinstance(value, tuple):
        if (
            len(value) not in (2, 3)
            or not isinstance(value[0], str)
            or not isinstance(value[1], bytes)
        ):
            raise ValidationError(
                "an attachment is a path, (filename, bytes) or (filename, bytes, content_type)"
            )
        filename, data = value[0], value[1]
        content_type = value[2] if len(value) == 3 else None
    elif isinstance(value, (str, os.PathLike)):
        path = Path(value)
        try:
            data = read_limited(path, MAX_ATTACHMENT_BYTES)
        except OSError as error:
            raise ValidationError(
                f"the attachment {shown(os.fspath(value))} cannot be read ({error.strerror})"
            ) from None
        except ValueError:  # a NUL byte or a lone surrogate: no file has that name
            raise ValidationError(
                f"no attachment can have the path {shown(os.fspath(value))}"
            ) from None
        filename, content_type = path.name, None
    else:
        raise ValidationError(
            "an attachment is a path, (filename, bytes) or (filename, bytes, content_type)"
        )
    problem = attachment_name_problem(filename)
    if problem is not None:
        raise ValidationError(f"the attachment's filename {shown(filename, 300)}: {problem}")
    if not data:
        raise ValidationError(f"the attachment {shown(filename, 300)} is empty")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"the attachment {shown(filename, 300)} has {len(data)} bytes; at most 5 MiB "
            f"({MAX_ATTACHMENT_BYTES} bytes)"
        )
    if content_type is None:
        content_type = _CONTENT_TYPES.get(Path(filename).suffix.lower(), "application/octet-stream")
    if not isinstance(content_type, str):
        raise ValidationError(
            f"the attachment's content type is a media type such as application/pdf, got "
            f"{shown(content_type)}"
        )
    content_type = content_type.strip()
    problem = media_type_problem(content_type)
    if problem is not None:
        raise ValidationError(f"the attachment's content type: {problem}")
    return {
        "filename": filename,
        "content_type": content_type,
        "content_base64": base64.b64encode(data).decode("ascii"),
    }


def _text(value: Any, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{what} is required")
    if len(value.strip()) > limit:
        raise ValidationError(f"{what} has {len(value.strip())} characters; at most {limit}")
    return value.strip()


def _one_line(value: str, what: str) -> str:
    """``value`` if it is one line of visible text (a subject: no control character)."""
    try:
        return name_text(value, what)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def _per_page(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PER_PAGE:
        raise ValidationError(f"per_page must be a whole number from 1 to {MAX_PER_PAGE}")
    return value


def _ticket_path(ticket_id: str, suffix: str = "") -> str:
    return id_path(
        "/v1/my/tickets",
        ticket_id,
        name="ticket_id",
        kind="a ticket's id ('tkt_...')",
        suffix=suffix,
    )


def _pages() -> NumberedPages:
    return NumberedPages(field="page", location="params", key=by_id)


def list_orders_request(
    status: OrderStatus | str | None,
    created_from: date | str | None,
    created_to: date | str | None,
    per_page: int,
    **options: Any,
) -> APIRequest[Order]:
    """The request for the first page of the account's orders (filters checked here)."""
    params: dict[str, Any] = {"page": 1, "per_page": _per_page(per_page)}
    if status is not None:
        params["status"] = as_enum(OrderStatus, status, "order status").value
    days: dict[str, date] = {}
    for name, value in (("created_from", created_from), ("created_to", created_to)):
        if value is not None:  # as every date filter reads it: a datetime is its day in Chile
            try:
                days[name] = chile_date(value)
            except ValueError as error:
                raise ValidationError(
                    f"{name} must be a datetime.date or 'YYYY-MM-DD': {error}"
                ) from None
            params[name] = days[name].isoformat()
    if len(days) == 2 and days["created_from"] > days["created_to"]:
        raise ValidationError(
            f"created_from ({days['created_from']}) is after created_to ({days['created_to']}): "
            "no order fits"
        )
    return APIRequest(
        "GET",
        "/v1/my/orders",
        "platform",
        Order,
        params=params,
        auth="bearer",
        pagination=_pages(),
        **options,
    )


def retrieve_order_request(order_id: str, **options: Any) -> APIRequest[Order]:
    """The request for one of the account's orders."""
    path = id_path("/v1/my/orders", order_id, name="order_id", kind="an order's id ('ord_...')")
    return APIRequest("GET", path, "platform", Order, auth="bearer", **options)


def open_ticket_request(
    subject: str,
    category: TicketCategory | str,
    message: str,
    attachment: AttachmentInput | None,
    key: str | None,
    **options: Any,
) -> APIRequest[Ticket]:
    """The request opening a support ticket (checked here), keyed."""
    body: dict[str, Any] = {
        "subject": _one_line(_text(subject, "the ticket's subject", 120), "ticket's subject"),
        "category": as_enum(TicketCategory, category, "ticket category").value,
        "message": _text(message, "the ticket's message", 5000),
    }
    file = _attachment(attachment)
    if file is not None:
        body["attachment"] = file
    return APIRequest(
        "POST",
        "/v1/my/tickets",
        "platform",
        Ticket,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(key),
        creates="the ticket",
        **options,
    )


def list_tickets_request(
    status: TicketStatus | str | None, per_page: int, **options: Any
) -> APIRequest[Ticket]:
    """The request for the first page of the account's tickets."""
    params: dict[str, Any] = {"page": 1, "per_page": _per_page(per_page)}
    if status is not None:
        params["status"] = as_enum(TicketStatus, status, "ticket status").value
    return APIRequest(
        "GET",
        "/v1/my/tickets",
        "platform",
        Ticket,
        params=params,
        auth="bearer",
        pagination=_pages(),
        **options,
    )


def retrieve_ticket_request(ticket_id: str, **options: Any) -> APIRequest[Ticket]:
    """The request for a ticket and its thread."""
    return APIRequest("GET", _ticket_path(ticket_id), "platform", Ticket, auth="bearer", **options)


def reply_ticket_request(
    ticket_id: str,
    message: str,
    attachment: AttachmentInput | None,
    key: str | None,
    **options: Any,
) -> APIRequest[Ticket]:
    """The request adding the customer's reply (checked here), keyed."""
    body: dict[str, Any] = {"message": _text(message, "the reply", 5000)}
    file = _attachment(attachment)
    if file is not None:
        body["attachment"] = file
    return APIRequest(
        "POST",
        _ticket_path(ticket_id, "/messages"),
        "platform",
        Ticket,
        json=body,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(key),
        creates="the reply",
        **options,
    )


def ticket_action_request(ticket_id: str, action: str, **options: Any) -> APIRequest[Ticket]:
    """The request closing or reopening a ticket (``action``), keyed."""
    return APIRequest(
        "POST",
        _ticket_path(ticket_id, f"/{action}"),
        "platform",
        Ticket,
        auth="bearer",
        idempotency_key=idempotency_key_or_new(None),
        creates="",
        **options,
    )

"""MyHaulmer on the fake platform: an account's purchase orders and its support tickets.

Orders belong to the account whose e-mail bought them. A ticket's thread grows with the
customer's replies and support's; support acknowledges every new ticket an hour later (fake
clock), and ``fake.platform_state.support_reply(ticket_id, text)`` writes any other answer. Each
support answer is e-mailed to the customer.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from haulmer._platform import address_key, attachment_name_problem, media_type_problem
from haulmer._shown import shown
from haulmer.testing._clock import later, reached
from haulmer.testing.platform import _emails as emails
from haulmer.testing.platform._accounts import AccountSteps
from haulmer.testing.platform._errors import (
    PlatformError,
    already_done,
    forbidden,
    invalid,
    not_found,
)
from haulmer.testing.platform._models import Account, Order
from haulmer.testing.platform._validation import new_id, raise_if

T = TypeVar("T")

TICKET_CATEGORIES = (
    "billing",
    "technical",
    "openfactura",
    "point",
    "catalogue",
    "account",
    "other",
)
"""What a ticket is about."""

TICKET_STATUSES = ("open", "answered", "closed")
"""``open`` waits for support, ``answered`` for the customer, ``closed`` is done."""

REOPEN_WINDOW = timedelta(days=7)
"""How long after closing a ticket may be reopened."""

SUPPORT_ACKNOWLEDGES_AFTER = timedelta(hours=1)
"""When support's first answer lands after a ticket is opened, on the fake clock."""

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
"""The largest attachment a ticket message takes (5 MiB)."""

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass
class TicketMessage:
    """One message of a ticket's thread: the customer's or support's."""

    id: str
    author: str
    author_name: str
    body: str
    at: datetime
    attachment: dict[str, Any] | None = None

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "author": self.author,
            "author_name": self.author_name,
            "body": self.body,
            "attachment": dict(self.attachment) if self.attachment else None,
            "at": _iso(self.at),
        }


@dataclass
class Ticket:
    """A support ticket: subject, category, status and its thread."""

    id: str
    number: int
    account_id: str
    subject: str
    category: str
    created_at: datetime
    status: str = "open"
    messages: list[TicketMessage] = field(default_factory=list)
    closed_at: datetime | None = None
    acknowledge_due: datetime | None = None
    status_changed_at: datetime | None = None
    """When it was last closed or reopened (a reopening clears ``closed_at``)."""

    @property
    def updated_at(self) -> datetime:
        """The latest of its moments, by the instant (two times of one zone compare by their
        wall clocks, wrong in the hour Chile lives twice in April)."""
        return max(
            [
                self.created_at,
                *(m.at for m in self.messages),
                self.status_changed_at or self.created_at,
            ],
            key=datetime.timestamp,
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "subject": self.subject,
            "category": self.category,
            "status": self.status,
            "messages": [message.to_wire() for message in self.messages],
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "closed_at": _iso(self.closed_at),
            "reopen_until": _iso(self.closed_at + REOPEN_WINDOW) if self.closed_at else None,
        }


def page_of(
    items: Sequence[T],
    query: dict[str, str],
    render: Callable[[T], Any],
    *,
    default_per_page: int = DEFAULT_PER_PAGE,
) -> dict[str, Any]:
    """One numbered page (``page``, ``per_page`` from the query) of ``items`` as the contract's
    ``{"data", "current_page", "last_page", "per_page", "total"}``."""
    problems: list[tuple[str, str]] = []
    page = _positive(query, "page", 1, problems)
    per_page = _positive(query, "per_page", default_per_page, problems)
    if per_page > MAX_PER_PAGE:
        problems.append(("per_page", f"at most {MAX_PER_PAGE}"))
    raise_if(problems, "the page")
    last = max(1, math.ceil(len(items) / per_page))
    chunk = items[(page - 1) * per_page : page * per_page]
    return {
        "data": [render(item) for item in chunk],
        "current_page": page,
        "last_page": last,
        "per_page": per_page,
        "total": len(items),
    }


def _positive(
    query: dict[str, str], name: str, default: int, problems: list[tuple[str, str]]
) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or int(raw) < 1:
        problems.append((name, "a whole number, 1 or more"))
        return default
    return int(raw)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""A date as the contract writes it: ``date.fromisoformat`` also reads ``20260101`` and the
week date ``2026-W01-1`` (29 December 2025) from Python 3.11 on, which the contract is not."""


def _date(query: dict[str, str], name: str, problems: list[tuple[str, str]]) -> date | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        problems.append((name, "a date, YYYY-MM-DD"))
        return None


TICKET_FIELDS = ("subject", "category", "message", "attachment")
REPLY_FIELDS = ("message", "attachment")
ATTACHMENT_FIELDS = ("filename", "content_type", "content_base64")
"""The fields of a new ticket, a reply and an attachment: any other is refused, not dropped
unsaid (a misspelt ``attachments`` would open the ticket without its file)."""


def _unknown(
    body: dict[str, Any], known: tuple[str, ...], what: str, problems: list[tuple[str, str]]
) -> None:
    """Note each field of ``body`` that is not one of ``known``."""
    problems += [
        (name, f"not a field of {what} ({', '.join(known)})") for name in body if name not in known
    ]


def _attachment(value: Any, where: str, problems: list[tuple[str, str]]) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append((where, "an object with filename, content_type and content_base64"))
        return None
    found: list[tuple[str, str]] = []
    _unknown(value, ATTACHMENT_FIELDS, "an attachment", found)
    problems += [(f"{where}.{name}", issue) for name, issue in found]
    filename, content_type = value.get("filename"), value.get("content_type")
    if not isinstance(filename, str):
        problems.append((f"{where}.filename", "the file's name, 1 to 255 characters"))
    elif (problem := attachment_name_problem(filename)) is not None:
        problems.append((f"{where}.filename", problem))
    if not isinstance(content_type, str):
        problems.append((f"{where}.content_type", "a media type such as application/pdf"))
    else:
        content_type = content_type.strip()
        if (problem := media_type_problem(content_type)) is not None:
            problems.append((f"{where}.content_type", problem))
    try:
        data = base64.b64decode(str(value.get("content_base64", "")), validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data:
        problems.append((f"{where}.content_base64", "the file's bytes in base64"))
    elif len(data) > MAX_ATTACHMENT_BYTES:
        problems.append((f"{where}.content_base64", "at most 5 MiB"))
    return {"filename": filename, "content_type": content_type, "size": len(data)}


def _text(body: dict[str, Any], name: str, limit: int, problems: list[tuple[str, str]]) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append((name, "required, non-empty text"))
        return ""
    if len(value.strip()) > limit:
        problems.append((name, f"at most {limit} characters"))
    return value.strip()


def _one_line(subject: str, problems: list[tuple[str, str]]) -> None:
    """Note a subject that is not one line of visible text (the SDK's ``name_text``)."""
    from haulmer._platform import name_text

    try:
        name_text(subject, "ticket's subject")
    except ValueError as error:
        problems.append(("subject", str(error)))


class MyHaulmerSteps(AccountSteps):
    """The customer area: the account's orders, and its support tickets."""

    tickets: dict[str, Ticket]
    next_ticket_number: int

    def reset(self) -> None:
        """Forget every ticket too."""
        with self.lock:
            self.tickets = {}
            self.next_ticket_number = 1
            super().reset()

    # -- orders -------------------------------------------------------------------------------

    def my_orders(self, account: Account, query: dict[str, str]) -> dict[str, Any]:
        """The account's orders, newest first, filtered by status and creation date."""
        problems: list[tuple[str, str]] = []
        status = query.get("status")
        known = (
            "created",
            "payment_method_selected",
            "awaiting_bank_validation",
            "paid",
            "payment_rejected",
        )
        if status is not None and status not in known:
            problems.append(("status", f"one of {', '.join(known)}"))
        since, until = _date(query, "created_from", problems), _date(query, "created_to", problems)
        if since and until and since > until:
            problems.append(("created_from", "on or before created_to"))
        raise_if(problems, "the filters")
        with self.lock:
            orders = [
                order
                for order in self.orders.values()
                if address_key(order.buyer["email"]) == address_key(account.email)
                and (status is None or order.status == status)
                and (since is None or order.created_at.date() >= since)
                and (until is None or order.created_at.date() <= until)
            ]
        # by the instant: two times of one zone compare by their wall clocks, which put an order
        # of the hour Chile lives twice in April before an earlier one
        orders.sort(key=lambda order: (order.created_at.timestamp(), order.number), reverse=True)
        return page_of(orders, query, Order.to_wire)

    def my_order(self, account: Account, order_id: str) -> Order:
        """One of the account's orders (404 for another account's: order ids are not shared)."""
        order = self.orders.get(order_id)
        if order is None or address_key(order.buyer["email"]) != address_key(account.email):
            raise not_found(f"order {shown(order_id)} of this account")
        return order

    # -- tickets ------------------------------------------------------------------------------

    def open_ticket(self, account: Account, body: dict[str, Any]) -> Ticket:
        """A new ticket with its first message (and optional attachment)."""
        problems: list[tuple[str, str]] = []
        _unknown(body, TICKET_FIELDS, "a ticket", problems)
        subject = _text(body, "subject", 120, problems)
        if subject:
            _one_line(subject, problems)
        message = _text(body, "message", 5000, problems)
        category = body.get("category")
        if category not in TICKET_CATEGORIES:
            problems.append(("category", f"one of {', '.join(TICKET_CATEGORIES)}"))
        attachment = _attachment(body.get("attachment"), "attachment", problems)
        raise_if(problems, "the ticket")
        with self.lock:
            now = self.now()
            ticket = Ticket(
                id=new_id("tkt"),
                number=self.next_ticket_number,
                account_id=account.id,
                subject=subject,
                category=str(category),
                created_at=now,
                acknowledge_due=later(now, SUPPORT_ACKNOWLEDGES_AFTER),
            )
            self.next_ticket_number += 1
            ticket.messages.append(
                TicketMessage(new_id("msg"), "customer", account.name, message, now, attachment)
            )
            self.tickets[ticket.id] = ticket
            return ticket

    def my_tickets(self, account: Account, query: dict[str, str]) -> dict[str, Any]:
        """The account's tickets, newest first, filtered by status."""
        status = query.get("status")
        if status is not None and status not in TICKET_STATUSES:
            raise invalid(
                "unknown ticket status", [("status", f"one of {', '.join(TICKET_STATUSES)}")]
            )
        with self.lock:
            tickets = [
                t
                for t in self.tickets.values()
                if t.account_id == account.id and (status is None or t.status == status)
            ]
        tickets.sort(key=lambda t: t.number, reverse=True)
        return page_of(tickets, query, Ticket.to_wire)

    def ticket(self, account: Account, ticket_id: str) -> Ticket:
        """One ticket: 404 if unknown, 403 if another account's."""
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise not_found(f"ticket {shown(ticket_id)}")
        if ticket.account_id != account.id:
            raise forbidden(f"ticket {shown(ticket_id)} belongs to another account")
        return ticket

    def reply_ticket(self, account: Account, ticket_id: str, body: dict[str, Any]) -> Ticket:
        """The customer's reply: the ticket waits for support again."""
        problems: list[tuple[str, str]] = []
        _unknown(body, REPLY_FIELDS, "a reply", problems)
        message = _text(body, "message", 5000, problems)
        attachment = _attachment(body.get("attachment"), "attachment", problems)
        with self.lock:
            ticket = self.ticket(account, ticket_id)
            if ticket.status == "closed":
                raise PlatformError(
                    409,
                    "ticket_closed",
                    f"ticket N° {ticket.number} is closed: reopen it (within 7 days of closing) "
                    "or open a new ticket",
                )
            raise_if(problems, "the reply")
            now = self.now()
            ticket.messages.append(
                TicketMessage(new_id("msg"), "customer", account.name, message, now, attachment)
            )
            ticket.status = "open"
            return ticket

    def close_ticket(self, account: Account, ticket_id: str) -> Ticket:
        """Close a ticket; it may be reopened within ``REOPEN_WINDOW``."""
        with self.lock:
            ticket = self.ticket(account, ticket_id)
            if ticket.status == "closed":
                raise already_done(f"ticket N° {ticket.number} is already closed")
            ticket.status = "closed"
            ticket.closed_at = ticket.status_changed_at = self.now()
            ticket.acknowledge_due = None
            return ticket

    def reopen_ticket(self, account: Account, ticket_id: str) -> Ticket:
        """Reopen a closed ticket within 7 days of closing (409 afterwards)."""
        with self.lock:
            ticket = self.ticket(account, ticket_id)
            if ticket.status != "closed" or ticket.closed_at is None:
                raise already_done(f"ticket N° {ticket.number} is not closed ({ticket.status})")
            until = ticket.closed_at + REOPEN_WINDOW
            if not reached(until, self.now()):
                raise PlatformError(
                    409,
                    "reopen_window_closed",
                    f"ticket N° {ticket.number} was closed more than 7 days ago (it could be "
                    f"reopened until {until.isoformat()}): open a new ticket",
                )
            ticket.status = "open"
            ticket.closed_at = None
            ticket.status_changed_at = self.now()
            return ticket

    def support_reply(self, ticket_id: str, text: str, *, agent: str = "Soporte Haulmer") -> Ticket:
        """Support answers a ticket (a test's control): the thread grows and the customer is
        e-mailed. ``text`` and ``agent`` are non-blank text (a TypeError or ValueError
        otherwise: an answer the SDK cannot read would make the ticket unreadable)."""
        for name, value in (("text", text), ("agent", agent)):
            if not isinstance(value, str):
                raise TypeError(
                    f"support_reply() takes {name} as text (str), got {type(value).__name__}"
                )
            if not value.strip():
                raise ValueError(f"support_reply() takes a non-blank {name}, got {shown(value)}")
        with self.lock:
            self.catch_up()
            ticket = self.tickets.get(ticket_id)
            if ticket is None:
                raise KeyError(f"no ticket {shown(ticket_id)}")
            if ticket.status == "closed":
                raise ValueError(f"ticket N° {ticket.number} is closed")
            self._support_answers(ticket, text, agent, self.now())
            return ticket

    def _support_answers(self, ticket: Ticket, text: str, agent: str, when: datetime) -> None:
        ticket.messages.append(TicketMessage(new_id("msg"), "support", agent, text, when))
        ticket.status = "answered"
        ticket.acknowledge_due = None
        account = self.accounts[ticket.account_id]
        self._send(
            account.email,
            emails.ticket_reply_subject(ticket.number),
            f"Hola {account.name}, respondimos tu ticket N° {ticket.number} "
            f"«{ticket.subject}»:\n\n{text}",
            [emails.plain_link(f"/my/tickets/{ticket.id}", "view_ticket")],
            when,
        )

    def _acknowledgements_due(self, now: datetime) -> list[tuple[datetime, Callable[[], None]]]:
        """Support's first answer to each ticket whose hour has passed."""
        due: list[tuple[datetime, Callable[[], None]]] = []
        for ticket in self.tickets.values():
            when = ticket.acknowledge_due
            if when is not None and reached(now, when) and ticket.status != "closed":

                def apply(ticket: Ticket = ticket, when: datetime = when) -> None:
                    self._support_answers(
                        ticket,
                        "Recibimos tu solicitud y un especialista ya la está revisando. Te "
                        "responderemos en este mismo ticket.",
                        "Soporte Haulmer",
                        when,
                    )

                due.append((when, apply))
        return due

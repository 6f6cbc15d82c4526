"""Support tickets: open, list, read the thread, reply, close, reopen within 7 days; support's
answers arrive by e-mail; typed errors for unknown, closed and someone else's tickets."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from haulmer import Haulmer
from haulmer.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ReopenWindowClosedError,
    TicketClosedError,
    ValidationError,
)
from haulmer.myhaulmer import TicketAuthor, TicketCategory, TicketStatus
from haulmer.testing import FakeHaulmer
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    BUYER_EMAIL,
    PASSWORD,
    ReadyWorkspace,
    log_in,
    owner_with_password,
    ready_workspace,
)

SUBJECT = "No puedo emitir boletas"


@pytest.fixture
def owner(fake: FakeHaulmer, client: Haulmer) -> Haulmer:
    return owner_with_password(fake, client)


def test_a_ticket_is_opened_answered_by_email_replied_closed_and_reopened(
    fake: FakeHaulmer, owner: Haulmer
) -> None:
    ticket = owner.myhaulmer.open_ticket(
        subject=SUBJECT,
        category=TicketCategory.POINT,
        message="La caja dice que no hay folios.",
        attachment=("pantalla.png", b"\x89PNG fake image"),
    )
    assert ticket.status is TicketStatus.OPEN
    assert ticket.number == 1
    (first,) = ticket.messages
    assert first.author is TicketAuthor.CUSTOMER
    assert first.attachment is not None
    assert (first.attachment.filename, first.attachment.content_type) == (
        "pantalla.png",
        "image/png",
    )
    assert first.attachment.size == 15

    fake.clock.advance(hours=1)  # support acknowledges within the hour
    email = fake.outbox.last(to=BUYER_EMAIL, subject_contains="[Soporte Haulmer]")
    assert email.subject == "[Soporte Haulmer] Respuesta a tu ticket N° 1"
    assert email.link("view_ticket").url.endswith(f"/my/tickets/{ticket.id}")
    ticket = owner.myhaulmer.retrieve_ticket(ticket.id)
    assert ticket.status is TicketStatus.ANSWERED
    assert [m.author for m in ticket.messages] == [TicketAuthor.CUSTOMER, TicketAuthor.SUPPORT]

    fake.platform_state.support_reply(ticket.id, "Revisa la sección Folios de OpenFactura.")
    assert "Revisa la sección Folios" in fake.outbox.last(to=BUYER_EMAIL).body
    ticket = owner.myhaulmer.reply_ticket(ticket.id, "Listo, gracias.")
    assert ticket.status is TicketStatus.OPEN
    assert len(ticket.messages) == 4

    closed = owner.myhaulmer.close_ticket(ticket.id)
    assert closed.is_closed
    assert closed.closed_at is not None
    assert closed.reopen_until is not None
    assert (closed.reopen_until - closed.closed_at).days == 7
    with pytest.raises(TicketClosedError, match="reopen"):
        owner.myhaulmer.reply_ticket(ticket.id, "Una cosa más")
    with pytest.raises(ConflictError):
        owner.myhaulmer.close_ticket(ticket.id)

    fake.clock.advance(days=6)
    reopened = owner.myhaulmer.reopen_ticket(ticket.id)
    assert reopened.status is TicketStatus.OPEN
    assert reopened.closed_at is None
    assert owner.myhaulmer.reply_ticket(ticket.id, "Una cosa más").messages[-1].body == (
        "Una cosa más"
    )
    with pytest.raises(ConflictError):
        owner.myhaulmer.reopen_ticket(ticket.id)  # not closed


def test_a_ticket_closed_more_than_seven_days_ago_cannot_be_reopened(
    fake: FakeHaulmer, owner: Haulmer
) -> None:
    ticket = owner.myhaulmer.open_ticket(subject=SUBJECT, category="billing", message="Hola")
    owner.myhaulmer.close_ticket(ticket.id)
    fake.clock.advance(days=7, seconds=1)
    with pytest.raises(ReopenWindowClosedError) as caught:
        owner.myhaulmer.reopen_ticket(ticket.id)
    assert caught.value.code == "reopen_window_closed"
    assert "open_ticket" in str(caught.value)


def test_tickets_are_listed_newest_first_by_status_and_page(
    fake: FakeHaulmer, owner: Haulmer
) -> None:
    numbers = [
        owner.myhaulmer.open_ticket(subject=f"Consulta {n}", category="other", message="?").number
        for n in range(5)
    ]
    owner.myhaulmer.close_ticket(owner.myhaulmer.list_tickets().items[0].id)
    page = owner.myhaulmer.list_tickets(per_page=2)
    assert (page.total, page.last_page) == (5, 3)
    assert [t.number for t in page] == numbers[::-1]
    assert [t.number for t in owner.myhaulmer.list_tickets(status="closed")] == [5]
    assert len(list(owner.myhaulmer.list_tickets(status=TicketStatus.OPEN))) == 4


def test_someone_elses_or_an_unknown_ticket_is_refused(fake: FakeHaulmer, client: Haulmer) -> None:
    ready: ReadyWorkspace = ready_workspace(fake, client)
    ticket = ready.owner.myhaulmer.open_ticket(subject=SUBJECT, category="point", message="x")
    admin = log_in(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert admin.myhaulmer.list_tickets().total == 0
    for call in (
        lambda: admin.myhaulmer.retrieve_ticket(ticket.id),
        lambda: admin.myhaulmer.reply_ticket(ticket.id, "hola"),
        lambda: admin.myhaulmer.close_ticket(ticket.id),
        lambda: admin.myhaulmer.reopen_ticket(ticket.id),
    ):
        with pytest.raises(PermissionDeniedError):
            call()
    with pytest.raises(NotFoundError):
        admin.myhaulmer.retrieve_ticket("tkt_0000000000000000")


def test_a_ticket_is_checked_before_it_is_sent(
    fake: FakeHaulmer, owner: Haulmer, tmp_path: Path
) -> None:
    sent = len(fake.requests)
    open_ticket = owner.myhaulmer.open_ticket
    with pytest.raises(ValidationError, match="subject is required"):
        open_ticket(subject=" ", category="billing", message="x")
    with pytest.raises(ValidationError, match="unknown ticket category"):
        open_ticket(subject="s", category="sales", message="x")
    with pytest.raises(ValidationError, match="at most 5000"):
        open_ticket(subject="s", category="billing", message="x" * 5001)
    with pytest.raises(ValidationError, match="5 MiB"):
        open_ticket(
            subject="s", category="billing", message="x", attachment=("a.pdf", b"0" * (5 << 20 | 1))
        )
    with pytest.raises(ValidationError, match="cannot be read"):
        open_ticket(subject="s", category="billing", message="x", attachment=tmp_path / "none.pdf")
    with pytest.raises(ValidationError, match="is empty"):
        open_ticket(subject="s", category="billing", message="x", attachment=("a.pdf", b""))
    with pytest.raises(ValidationError, match="ticket_id"):
        owner.myhaulmer.retrieve_ticket("../orders")
    assert len(fake.requests) == sent
    invoice = tmp_path / "factura.pdf"
    invoice.write_bytes(b"%PDF-1.4 fake")
    ticket = open_ticket(subject="s", category="billing", message="x", attachment=invoice)
    assert ticket.messages[0].attachment is not None
    assert ticket.messages[0].attachment.content_type == "application/pdf"


def test_a_retried_ticket_is_opened_once(fake: FakeHaulmer, owner: Haulmer) -> None:
    fake.control.drop_connection("myhaulmer.open_ticket", when="after")
    ticket = owner.myhaulmer.open_ticket(subject=SUBJECT, category="point", message="x")
    assert len(fake.requests.for_route("myhaulmer.open_ticket")) == 2
    assert owner.myhaulmer.list_tickets().total == 1
    assert ticket.number == 1


def test_the_async_client_opens_replies_closes_and_reopens(
    fake: FakeHaulmer, owner: Haulmer
) -> None:
    async def walk() -> list[str]:
        async with fake.async_client() as anonymous:
            session = await anonymous.accounts.login(BUYER_EMAIL, PASSWORD, platform="my_haulmer")
            me = anonymous.with_options(access_token=session.access_token)
            ticket = await me.myhaulmer.open_ticket(subject=SUBJECT, category="point", message="a")
            await me.myhaulmer.reply_ticket(ticket.id, "b")
            await me.myhaulmer.close_ticket(ticket.id)
            with pytest.raises(TicketClosedError):
                await me.myhaulmer.reply_ticket(ticket.id, "c")
            await me.myhaulmer.reopen_ticket(ticket.id)
            read = await me.myhaulmer.retrieve_ticket(ticket.id)
            listed = [t.id async for t in me.myhaulmer.list_tickets()]
            assert listed == [ticket.id]
            return [message.body for message in read.messages]

    assert asyncio.run(walk()) == ["a", "b"]


@pytest.mark.parametrize(
    ("subject", "says"),
    [
        ("No puedo\nemitir", r"subject holds a control character \(U\+000A\) at position 9"),
        ("Ayuda\x00", "a control character \\(U\\+0000\\)"),
        ("Ayuda\ud800", "a lone surrogate"),
    ],
)
def test_a_subject_with_a_control_character_is_refused_here_and_by_the_platform(
    fake: FakeHaulmer, owner: Haulmer, subject: str, says: str
) -> None:
    import json
    import re

    import httpx

    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=says):
        owner.myhaulmer.open_ticket(subject=subject, category="other", message="hola")
    assert len(fake.requests) == sent
    token = owner.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    body = {"subject": subject, "category": "other", "message": "hola"}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            "/v1/my/tickets",
            content=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    assert answer.status_code == 400
    (detail,) = answer.json()["error"]["details"]
    assert detail["field"] == "subject"
    assert re.search(says, detail["issue"])


def test_a_message_may_still_span_lines(owner: Haulmer) -> None:
    ticket = owner.myhaulmer.open_ticket(
        subject=SUBJECT, category="other", message="Hola.\nNo puedo emitir."
    )
    assert ticket.messages[0].body == "Hola.\nNo puedo emitir."


@pytest.mark.parametrize(
    ("filename", "content_type", "field", "says"),
    [
        ("factura\n.pdf", "application/pdf", "filename", r"control character \(U\+000A\)"),
        ("factura.pdf\x00", "application/pdf", "filename", r"control character \(U\+0000\)"),
        ("factura\ud800.pdf", "application/pdf", "filename", "a lone surrogate"),
        ("..", "application/pdf", "filename", "a plain name"),
        ("a.pdf", "application/pdf\r\nX-Evil: 1", "content_type", "is not a media type"),
        ("a.pdf", "application/pdf\x00", "content_type", "is not a media type"),
        ("a.pdf", "application/ pdf", "content_type", "is not a media type"),
        ("a.pdf", "aplicación/pdf", "content_type", "is not a media type"),
    ],
)
def test_an_attachments_name_or_type_with_a_control_character_is_refused_here_and_by_the_platform(
    fake: FakeHaulmer, owner: Haulmer, filename: str, content_type: str, field: str, says: str
) -> None:
    # A file name or a media type is one line of visible text: a line break in a content type
    # would split the header the attachment is served with, one in a name hides its end.
    import json
    import re

    import httpx

    sent = len(fake.requests)
    with pytest.raises(ValidationError, match=says):
        owner.myhaulmer.open_ticket(
            subject=SUBJECT,
            category="other",
            message="hola",
            attachment=(filename, b"%PDF-1.4", content_type),
        )
    assert len(fake.requests) == sent
    token = owner.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    attachment = {"filename": filename, "content_type": content_type, "content_base64": "JVBERg=="}
    body = {"subject": SUBJECT, "category": "other", "message": "hola", "attachment": attachment}
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            "/v1/my/tickets",
            content=json.dumps(body),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
    assert answer.status_code == 400
    (detail,) = answer.json()["error"]["details"]
    assert detail["field"] == f"attachment.{field}"
    assert re.search(says, detail["issue"])


def test_an_attachment_keeps_a_media_type_with_its_parameters(owner: Haulmer) -> None:
    ticket = owner.myhaulmer.open_ticket(
        subject=SUBJECT,
        category="other",
        message="hola",
        attachment=("notas.txt", b"hola", " text/plain; charset=utf-8 "),
    )
    assert ticket.messages[0].attachment is not None
    assert ticket.messages[0].attachment.content_type == "text/plain; charset=utf-8"


def test_a_reply_in_the_hour_chile_lives_twice_is_the_tickets_last_update(
    fake: FakeHaulmer, client: Haulmer
) -> None:
    from datetime import datetime

    owner_with_password(fake, client)
    fake.clock.set(datetime(2027, 4, 3, 23, 30))  # 23:30 -03:00; at 24:00 it is 23:00 again
    owner = log_in(client, BUYER_EMAIL, PASSWORD)
    ticket = owner.myhaulmer.open_ticket(subject="Hola", category="other", message="Uno")
    fake.clock.advance(minutes=40)  # 23:10 -04:00, 40 minutes later
    replied = owner.myhaulmer.reply_ticket(ticket.id, "Dos")
    assert replied.updated_at == replied.messages[-1].at
    assert replied.updated_at.utcoffset() != ticket.created_at.utcoffset()


@pytest.mark.parametrize(
    ("text", "agent", "error"),
    [(123, "Soporte", TypeError), ("  ", "Soporte", ValueError), ("Hola", None, TypeError)],
)
def test_a_support_reply_the_sdk_could_not_read_is_refused_and_the_ticket_stays_readable(
    fake: FakeHaulmer, owner: Haulmer, text: object, agent: object, error: type[Exception]
) -> None:
    ticket = owner.myhaulmer.open_ticket(subject="Hola", category="other", message="Uno")
    with pytest.raises(error, match="support_reply"):
        fake.platform_state.support_reply(ticket.id, text, agent=agent)  # type: ignore[arg-type]
    assert len(owner.myhaulmer.retrieve_ticket(ticket.id).messages) == 1


def test_reopening_a_ticket_is_its_last_update_not_a_moment_before_it_was_closed(
    fake: FakeHaulmer, owner: Haulmer
) -> None:
    ticket = owner.myhaulmer.open_ticket(subject="Hola", category="other", message="Uno")
    fake.clock.advance(minutes=10)
    closed = owner.myhaulmer.close_ticket(ticket.id)
    assert closed.updated_at == closed.closed_at
    fake.clock.advance(days=2)
    reopened = owner.myhaulmer.reopen_ticket(ticket.id)
    assert reopened.updated_at == fake.clock.now()
    assert owner.myhaulmer.retrieve_ticket(ticket.id).updated_at == fake.clock.now()


@pytest.mark.parametrize(
    ("path", "body", "fields"),
    [
        (
            "/v1/my/tickets",
            {
                "subject": "Ayuda",
                "category": "other",
                "message": "hola",
                "attachments": {"filename": "a.txt", "content_type": "text/plain"},
            },
            ["attachments"],
        ),
        (
            "/v1/my/tickets",
            {
                "subject": "Ayuda",
                "category": "other",
                "message": "hola",
                "attachment": {
                    "filename": "a.txt",
                    "content_type": "text/plain",
                    "content_base64": "aG9sYQ==",
                    "size": 4,
                },
            },
            ["attachment.size"],
        ),
        ("{ticket}/messages", {"message": "hola", "priority": "high"}, ["priority"]),
    ],
)
def test_the_platform_refuses_a_field_a_ticket_or_reply_does_not_have_naming_it(
    fake: FakeHaulmer, owner: Haulmer, path: str, body: dict[str, object], fields: list[str]
) -> None:
    """The fake dropped it unsaid: a misspelt ``attachments`` opened the ticket without its
    file, which the customer believed sent."""
    import httpx

    ticket = owner.myhaulmer.open_ticket(subject=SUBJECT, category="other", message="hola")
    before = len(ticket.messages)
    token = owner.accounts.login(BUYER_EMAIL, PASSWORD).access_token
    with httpx.Client(transport=fake.transport, base_url="http://fake") as http:
        answer = http.post(
            path.format(ticket=f"/v1/my/tickets/{ticket.id}"),
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400, answer.text
    assert [d["field"] for d in answer.json()["error"]["details"]] == fields
    assert len(owner.myhaulmer.list_tickets().items) == 1
    assert len(owner.myhaulmer.retrieve_ticket(ticket.id).messages) == before

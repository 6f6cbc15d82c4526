"""An answer carrying a state the SDK does not know yet still reads: known values stay the SDK's
enums, unknown ones are kept as the platform's text (accounts, support, workspace, point)."""

from __future__ import annotations

from typing import Any

import pytest

from haulmer.accounts import Account, LinkPurpose, LinkResent, Platform, Session
from haulmer.myhaulmer import Ticket, TicketAuthor, TicketCategory, TicketStatus
from haulmer.point import Paper, PointDocument, PointOfSale, SalePayment, SalePaymentMethod
from haulmer.workspace import WorkspaceDetails, WorkspaceStatus

AT = "2026-12-01T10:00:00Z"
ACCOUNT: dict[str, Any] = {
    "id": "acc_1",
    "email": "ana@example.cl",
    "name": "Ana",
    "has_password": True,
    "created_at": AT,
}
WORKSPACE: dict[str, Any] = {
    "id": "w1",
    "order_id": "o1",
    "owner_email": "a@b.cl",
    "created_at": AT,
}


def _ticket(category: str, status: str, author: str) -> Ticket:
    message = {"id": "m1", "author": author, "body": "Hola", "at": AT}
    return Ticket.model_validate(
        {
            "id": "t1",
            "number": 7,
            "subject": "Folios",
            "category": category,
            "status": status,
            "messages": [message],
            "created_at": AT,
        }
    )


def _point(document: str, paper: str) -> PointOfSale:
    return PointOfSale.model_validate(
        {
            "id": "p1",
            "workspace_id": "w1",
            "name": "Caja 1",
            "default_document": document,
            "paper": paper,
            "created_at": AT,
        }
    )


def _read(kind: str, value: str) -> list[object]:
    """The fields of one kind of answer read with ``value`` where the SDK has an enum."""
    if kind == "account":
        account = Account.model_validate({**ACCOUNT, "platforms": [value]})
        session = Session.model_validate(
            {"access_token": "t", "expires_at": AT, "platform": value, "account": ACCOUNT}
        )
        return [account.platforms[0], session.platform]
    if kind == "link":
        return [LinkResent.model_validate({"status": "sent", "purpose": value}).purpose]
    if kind == "ticket":
        ticket = _ticket(value, value, value)
        return [ticket.category, ticket.status, ticket.messages[0].author]
    if kind == "workspace":
        details = {**WORKSPACE, "status": value}
        return [WorkspaceDetails.model_validate(details).status]
    if kind == "point":
        point = _point(value, value)
        payment = SalePayment.model_validate({"method": value, "amount": 1000})
        return [point.default_document, point.paper, payment.method]
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("kind", "known", "enums"),
    [
        ("account", Platform.OPENFACTURA.value, [Platform, Platform]),
        ("link", next(iter(LinkPurpose)).value, [LinkPurpose]),
        ("ticket", None, [TicketCategory, TicketStatus, TicketAuthor]),
        ("workspace", next(iter(WorkspaceStatus)).value, [WorkspaceStatus]),
        ("point", None, [PointDocument, Paper, SalePaymentMethod]),
    ],
)
def test_an_answer_keeps_known_values_typed_and_unknown_ones_as_text(
    kind: str, known: str | None, enums: list[type]
) -> None:
    unknown = "a-state-added-later"
    assert _read(kind, unknown) == [unknown] * len(enums)
    assert all(type(value) is str for value in _read(kind, unknown))
    if known is not None:
        assert [type(value) for value in _read(kind, known)] == enums


def test_known_ticket_and_point_values_stay_typed() -> None:
    ticket = _ticket(
        next(iter(TicketCategory)).value,
        TicketStatus.CLOSED.value,
        next(iter(TicketAuthor)).value,
    )
    assert ticket.status is TicketStatus.CLOSED
    assert ticket.is_closed
    assert isinstance(ticket.category, TicketCategory)
    assert isinstance(ticket.messages[0].author, TicketAuthor)
    point = _point(PointDocument.BOLETA.value, Paper.ROLL_80MM.value)
    assert point.default_document is PointDocument.BOLETA
    assert point.paper is Paper.ROLL_80MM
    payment = SalePayment.model_validate({"method": SalePaymentMethod.CASH.value, "amount": 1})
    assert payment.method is SalePaymentMethod.CASH


def test_a_workspace_in_an_unknown_status_is_not_active() -> None:
    workspace = WorkspaceDetails.model_validate({**WORKSPACE, "status": "migrating"})
    assert workspace.status == "migrating"
    assert not workspace.is_active


def test_a_certification_stage_is_labelled_by_its_name_or_by_the_platform_s_word() -> None:
    from haulmer.openfactura.certification import CertificationStatus

    def status(stage: str) -> CertificationStatus:
        return CertificationStatus.model_validate(
            {
                "setup_id": "set_1",
                "status": "in_progress",
                "stage": stage,
                "started_at": AT,
                "estimated_completion": "2026-12-10",
            }
        )

    assert status("set_de_pruebas").stage_label == "Set de pruebas aprobado"
    assert status("revision_manual").stage_label == "revision_manual"

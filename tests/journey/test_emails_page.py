"""docs/guides/emails.md, claim by claim: its table of e-mails (subject, link purpose), the links
``resend_link`` sends again, the tokens' lifetime and the errors a used or old token raises."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import haulmer.errors
from haulmer.accounts import LinkPurpose
from haulmer.testing import FakeHaulmer
from haulmer.testing.platform import _tokens
from journey.story import (
    BUYER,
    PFX_PASSWORD,
    certified_shop,
    legal_representative_pfx,
    new_fake,
    ready_workspace,
    setup_with_certificate,
)

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "guides" / "emails.md").read_text("utf-8")


def _rows() -> list[tuple[str, str]]:
    """(subject pattern, link purpose or "") of each row of the page's table."""
    rows = []
    for line in PAGE.splitlines():
        if not line.startswith("| ") or line.startswith("| e-mail"):
            continue
        subject, _to, purpose, _next = (cell.strip() for cell in line.split("|")[1:-1])
        subject = subject.split(" (")[0]
        pattern = re.escape(subject).replace(r"\.\.\.", ".*")
        rows.append((pattern, purpose.strip("`")))
    return rows


@pytest.fixture(scope="module")
def outbox() -> list[tuple[str, list[str]]]:
    """(subject, link purposes) of every e-mail of a journey that sends each kind once."""
    fake: FakeHaulmer = new_fake()
    client = fake.client()
    shop = certified_shop(fake, client)
    owner = shop.ready.owner
    ticket = owner.myhaulmer.open_ticket(subject="Papel", category="point", message="Hola")
    fake.clock.advance(hours=1)
    fake.platform_state.reject_next_payment = True
    rejected = client.checkout.create_order(
        buyer={**BUYER, "email": "bruno@example.com"}, products={"openfactura": 1}
    )
    client.checkout.choose_payment_method(rejected.id, "webpay")
    client.checkout.choose_payment_medium(rejected.id, "credit_card")
    fake.clock.advance(minutes=2)
    assert owner.myhaulmer.retrieve_ticket(ticket.id).messages
    sent = list(fake.outbox) + _stopped_certification_emails("certificate_expired")
    sent += _stopped_certification_emails("rejected_by_sii")
    return [(email.subject, [link.purpose for link in email.links]) for email in sent]


def _stopped_certification_emails(reason: str) -> list[Any]:
    """The e-mails of a certification stopped for ``reason`` (then resumed by a new upload,
    when the reason allows it), on a fake of their own."""
    fake: FakeHaulmer = new_fake()
    ready = ready_workspace(fake, fake.client())
    setup = setup_with_certificate(fake, ready)
    fake.control.stop_certification(reason, at="set_de_pruebas", setup_id=setup.id)
    ready.admin.openfactura.setup.choose_dte_types(setup)
    fake.clock.advance(days=5)
    if reason != "rejected_by_sii":
        ready.admin.openfactura.setup.upload_certificate(
            setup.id, legal_representative_pfx(), password=PFX_PASSWORD
        )
    return list(fake.outbox)


def test_each_email_sent_is_a_row_of_the_table_with_its_link_purpose(
    outbox: list[tuple[str, list[str]]],
) -> None:
    rows = _rows()
    assert len(rows) >= 10
    for subject, purposes in outbox:
        matching = [purpose for pattern, purpose in rows if re.fullmatch(pattern, subject)]
        assert matching, f"{subject!r} is sent but not in the table"
        assert purposes == ([matching[-1]] if matching[-1] else []), subject


def test_each_row_of_the_table_is_an_email_the_platform_sends(
    outbox: list[tuple[str, list[str]]],
) -> None:
    for pattern, purpose in _rows():
        found = [purposes for subject, purposes in outbox if re.fullmatch(pattern, subject)]
        assert found, f"{pattern} is in the table but the journey never sent it"
        assert any(purpose in purposes for purposes in found), pattern


def test_the_links_resend_link_sends_again_are_the_sdks_link_purposes() -> None:
    paragraph = " ".join(PAGE.split("An expired link is never a dead end")[1].split("\n"))
    named = re.findall(r"`(\w+)`", paragraph.split("LinkPurpose")[0])
    assert named == [purpose.value for purpose in LinkPurpose]


def test_tokens_last_72_hours_and_a_used_or_old_one_is_an_invalid_token_error() -> None:
    assert "Tokens expire after 72 hours and work once" in PAGE
    assert timedelta(hours=72) == _tokens.TOKEN_LIFETIME
    for name in ("TokenAlreadyUsedError", "TokenExpiredError"):
        error = getattr(haulmer.errors, name)
        assert issubclass(error, haulmer.errors.InvalidTokenError)
        assert issubclass(error, haulmer.errors.BadRequestError)  # HTTP 400


def test_a_token_is_read_from_the_links_query_string_only_as_the_page_says() -> None:
    from haulmer.accounts import token_from_link

    assert "reads the token from its query string (`?token=...`)" in PAGE
    assert "or the path" not in PAGE
    assert token_from_link("https://fake-haulmer.invalid/p?token=abc-123") == "abc-123"
    with pytest.raises(haulmer.errors.ValidationError, match="carries no token"):
        token_from_link("https://fake-haulmer.invalid/p/abc-123")


def test_a_create_password_link_is_resent_even_when_the_password_exists_as_the_page_says() -> None:
    assert "even one whose\npassword exists" in PAGE
    fake = new_fake()
    client = fake.client()
    ready = ready_workspace(fake, client)
    sent = len(fake.outbox)
    client.accounts.resend_link(ready.owner.accounts.me().email, "create_password")
    assert len(fake.outbox) == sent + 1
    assert fake.outbox[-1].link("create_password").token

"""The fake platform's outbox: e-mails in order, filters, links, and no token in any repr."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from haulmer.testing._outbox import Email, Link, Outbox

WHEN = datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)


def _outbox() -> Outbox:
    outbox = Outbox(now=lambda: WHEN)
    outbox.send("ana@example.com", "Compra exitosa", "Gracias")
    outbox.send(
        "Ana@Example.com",
        "[Haulmer Accounts] Crea tu nueva contraseña",
        "Crea tu contraseña",
        [Link("https://fake-haulmer.invalid/p?token=s3cr3t", "create_password", "s3cr3t")],
    )
    outbox.send("admin@example.com", "[OpenFactura] Configura tu empresa", "Hola")
    return outbox


def test_emails_are_kept_in_order_with_the_time_they_were_sent() -> None:
    outbox = _outbox()
    assert len(outbox) == 3
    assert outbox.subjects()[0] == "Compra exitosa"
    assert outbox[0].sent_at == WHEN
    assert outbox[-1].to == "admin@example.com"
    assert [e.to for e in outbox[1:]] == ["Ana@Example.com", "admin@example.com"]


def test_for_address_and_last_filter_case_insensitively() -> None:
    outbox = _outbox()
    assert len(outbox.for_address("ANA@example.com")) == 2
    assert outbox.last(to="ana@example.com").subject.startswith("[Haulmer Accounts]")
    assert outbox.last(subject_contains="OpenFactura").to == "admin@example.com"
    assert outbox.subjects(to="admin@example.com") == ["[OpenFactura] Configura tu empresa"]


def test_last_says_what_it_looked_for_when_nothing_matches() -> None:
    with pytest.raises(LookupError, match=r"to 'nadie@example.com'.*3 e-mails"):
        _outbox().last(to="nadie@example.com")


def test_links_are_found_by_purpose_and_carry_their_token() -> None:
    email = _outbox().last(subject_contains="Crea tu nueva contraseña")
    assert email.link("create_password").token == "s3cr3t"
    assert email.token == "s3cr3t"
    with pytest.raises(LookupError, match="'create_password'"):
        email.link("activate_workspace")
    with pytest.raises(LookupError, match="0 links"):
        _ = _outbox()[0].token


def test_no_repr_shows_a_token_or_a_body() -> None:
    outbox = _outbox()
    email = outbox[1]
    for text in (repr(email), repr(email.links[0]), repr(outbox), repr(list(outbox))):
        assert "s3cr3t" not in text
    assert "Crea tu contraseña" not in repr(email)
    assert "token=%2A%2A%2A" in repr(email.links[0])


def test_clear_forgets_everything_and_before_read_runs_first() -> None:
    outbox = _outbox()
    calls: list[int] = []
    outbox.before_read(lambda: calls.append(len(calls)))
    assert len(outbox) == 3
    assert calls
    outbox.clear()
    assert list(outbox) == []


def test_an_email_defaults_to_now_in_utc() -> None:
    email = Email(to="a@example.com", subject="s", body="b")
    assert email.sent_at.tzinfo is not None


@pytest.mark.parametrize(
    ("filters", "name"), [({"to": 123}, "to"), ({"subject_contains": 5}, "subject_contains")]
)
def test_last_refuses_a_filter_that_is_no_text_naming_it(
    filters: dict[str, object], name: str
) -> None:
    with pytest.raises(TypeError, match=rf"outbox\.last\({name}=\) takes text, got int"):
        _outbox().last(**filters)  # type: ignore[arg-type]


def test_last_finds_a_subject_however_its_accents_are_encoded() -> None:
    """A subject filter typed with decomposed accents (ñ as n and U+0303, as macOS and some
    editors write it) looks the same as the subject, and matches it."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Crea tu nueva contraseña")
    assert decomposed != "Crea tu nueva contraseña"
    assert _outbox().last(subject_contains=decomposed).to == "Ana@Example.com"
    outbox = Outbox(now=lambda: WHEN)
    outbox.send("ana@example.com", unicodedata.normalize("NFD", "¿Boleta o factura?"), "x")
    assert outbox.last(subject_contains="¿Boleta o factura?").to == "ana@example.com"

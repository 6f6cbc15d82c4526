"""A journal of one's own that fails (its store down, a bug answering for another sale): the batch
ends with a ConfigurationError naming the journal's step, the sale, and what was sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from haulmer.errors import ConfigurationError
from haulmer.journal import JournalEntry, SQLiteJournal
from haulmer.testing import FakeHaulmer

from .sales import sales

EMIT = "openfactura.documents.emit"


class _StoreDown(RuntimeError):
    """What a store of one's own raises (a database driver's error, say)."""


class _FailsAt(SQLiteJournal):
    """A journal whose ``method`` raises the store's own error from the second sale on."""

    def __init__(self, path: Path, method: str) -> None:
        super().__init__(path)
        self._method = method

    def _maybe_fail(self, method: str, sale_id: str) -> None:
        if method == self._method and not sale_id.endswith("00000"):
            raise _StoreDown("connection to the store lost")

    def lookup(self, sale_id: str) -> JournalEntry | None:
        self._maybe_fail("lookup", sale_id)
        return super().lookup(sale_id)

    def record_attempt(self, sale_id: str, idempotency_key: str) -> JournalEntry:
        self._maybe_fail("record_attempt", sale_id)
        return super().record_attempt(sale_id, idempotency_key)

    def record_failed(self, sale_id: str, error: str) -> None:
        self._maybe_fail("record_failed", sale_id)
        super().record_failed(sale_id, error)


@pytest.fixture
def fake() -> FakeHaulmer:
    return FakeHaulmer()


@pytest.mark.parametrize(
    ("method", "doing"),
    [("lookup", "look up"), ("record_attempt", "record the attempt of")],
)
def test_a_journal_that_fails_before_a_send_ends_the_batch_saying_nothing_was_sent(
    fake: FakeHaulmer, tmp_path: Path, method: str, doing: str
) -> None:
    batch = sales(3, fake.clock.today())
    journal = _FailsAt(tmp_path / "j.db", method)
    reported = []
    with fake.client() as client, pytest.raises(ConfigurationError) as raised:
        for result in client.openfactura.documents.emit_many(batch, journal=journal, concurrency=1):
            reported.append(result)
    journal.close()
    message = str(raised.value)
    assert f"could not {doing} sale 1 ({batch[1]['id']!r})" in message
    assert "_StoreDown: connection to the store lost" in message
    assert "nothing was sent for it" in message
    assert isinstance(raised.value.__cause__, _StoreDown)
    assert [r.status for r in reported] == ["issued"]
    assert len(fake.openfactura_state.documents) == 1


def test_a_journal_that_cannot_record_a_failure_says_the_sales_own_error(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(2, fake.clock.today())
    fake.control.fail_next(EMIT, status=400, code="OF-10", times=2)
    journal = _FailsAt(tmp_path / "j.db", "record_failed")
    with fake.client() as client, pytest.raises(ConfigurationError) as raised:
        list(client.openfactura.documents.emit_many(batch, journal=journal, concurrency=1))
    journal.close()
    message = str(raised.value)
    assert f"sale 1 ({batch[1]['id']!r}) failed" in message
    assert "OF-10" in message  # the sale's own error, which the journal could not keep
    assert "_StoreDown: connection to the store lost" in message
    assert "nothing was issued for it" in message
    assert not fake.openfactura_state.documents


class _AnswersForAnotherSale(SQLiteJournal):
    """A store with a bug: asked for one sale, it answers with the entry of another."""

    def lookup(self, sale_id: str) -> JournalEntry | None:
        entries = list(self.entries())
        return entries[0] if entries else None


def test_a_journal_answering_for_another_sale_ends_the_batch_instead_of_its_document(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(2, fake.clock.today())
    with fake.client() as client:
        list(client.openfactura.documents.emit_many(batch[:1], journal=tmp_path / "j.db"))
        journal = _AnswersForAnotherSale(tmp_path / "j.db")
        with pytest.raises(ConfigurationError) as raised:
            list(client.openfactura.documents.emit_many(batch, journal=journal))
        journal.close()
    message = str(raised.value)
    assert f"answered lookup({batch[1]['id']!r}) with the entry of {batch[0]['id']!r}" in message
    assert len(fake.openfactura_state.documents) == 1


class _CannotCheck(SQLiteJournal):
    def check_binding(self, api_key_fingerprint: str, openfactura_url: str | None) -> None:
        raise _StoreDown("connection to the store lost")


def test_a_journal_that_cannot_check_its_binding_is_refused_before_any_sale(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    journal = _CannotCheck(tmp_path / "j.db")
    with fake.client() as client, pytest.raises(ConfigurationError) as raised:
        client.openfactura.documents.emit_many(sales(2, fake.clock.today()), journal=journal)
    journal.close()
    assert "could not check which API key and OpenFactura it is tied to" in str(raised.value)
    assert "_StoreDown: connection to the store lost; nothing was sent" in str(raised.value)
    assert not fake.openfactura_state.documents


class _AnswersWithARow(SQLiteJournal):
    """A store that hands back its own row type instead of a JournalEntry."""

    def lookup(self, sale_id: str) -> JournalEntry | None:
        entry = super().lookup(sale_id)
        return None if entry is None else vars(entry)  # type: ignore[return-value]


def test_a_journal_answering_with_something_else_than_an_entry_ends_the_batch_saying_so(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(1, fake.clock.today())
    with fake.client() as client:
        list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
        journal = _AnswersWithARow(tmp_path / "j.db")
        with pytest.raises(ConfigurationError) as raised:
            list(client.openfactura.documents.emit_many(batch, journal=journal))
        journal.close()
    assert "lookup('sale-00000') returned a dict" in str(raised.value)
    assert "a JournalEntry or None" in str(raised.value)
    assert len(fake.openfactura_state.documents) == 1


class _NeverRecordsIssued(SQLiteJournal):
    """A journal whose store goes down after recording each attempt: no document is recorded."""

    def record_issued(self, sale_id: str, **recorded: Any) -> None:
        raise _StoreDown("connection to the store lost")


def test_every_document_issued_that_the_journal_could_not_record_is_named(
    fake: FakeHaulmer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The batch ends with the first such error; the other sales in flight are named too."""
    journal = _NeverRecordsIssued(tmp_path / "j.db")
    with fake.client() as client, pytest.raises(ConfigurationError) as raised:
        list(
            client.openfactura.documents.emit_many(
                sales(3, fake.clock.today()), journal=journal, concurrency=3
            )
        )
    journal.close()
    issued = fake.openfactura_state.documents
    assert len(issued) == 3  # all three were in flight
    said = str(raised.value) + "\n".join(r.getMessage() for r in caplog.records)
    for document in issued:
        assert f"was issued (token {document.token}, folio {document.folio})" in said

"""A sale whose outcome the journal never learnt is not sent again once OpenFactura may have
forgotten its Idempotency-Key (24 h): sent then, it would be issued a second time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from haulmer._chile import to_chile
from haulmer.errors import ConfigurationError, ValidationError
from haulmer.journal import SQLiteJournal
from haulmer.ratelimit import api_key_fingerprint
from haulmer.testing import SANDBOX_API_KEY, FakeClock, FakeHaulmer

from .sales import sales

EMIT = "openfactura.documents.emit"


@pytest.fixture
def fake() -> FakeHaulmer:
    return FakeHaulmer()


def _emitted(fake: FakeHaulmer) -> int:
    return len(fake.openfactura_state.documents)


def _crashed_during_the_send(fake: FakeHaulmer, journal_path: Path, sale: dict[str, Any]) -> str:
    """A first run killed after OpenFactura issued ``sale``, before the journal recorded it."""
    with fake.client() as client:
        issued = client.openfactura.documents.emit(sale["document"], idempotency_key=sale["id"])
        with SQLiteJournal(journal_path) as journal:
            journal.bind(api_key_fingerprint(client._config.api_key or ""))
            journal.record_attempt(sale["id"], sale["id"])
    return issued.token


def test_a_sale_attempted_more_than_a_day_ago_is_not_sent_again(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(2, fake.clock.today())
    _crashed_during_the_send(fake, tmp_path / "j.db", batch[0])
    fake.clock.advance(hours=25)  # OpenFactura no longer remembers the key
    with fake.client() as client:
        results = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in results] == ["failed", "issued"]
    assert isinstance(results[0].error, ValidationError)
    message = str(results[0].error)
    for said in ("24 h", "issued twice", "record_issued", "record_failed"):
        assert said in message
    assert _emitted(fake) == 2  # the first sale once, the second once
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert journal.lookup(batch[0]["id"]).state == "attempted"  # type: ignore[union-attr]


def test_a_sale_attempted_within_the_day_is_sent_again_and_returned(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(1, fake.clock.today())
    token = _crashed_during_the_send(fake, tmp_path / "j.db", batch[0])
    fake.clock.advance(hours=20)
    with fake.client() as client:
        (result,) = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    assert result.status == "already_issued"
    assert result.document is not None
    assert result.document.token == token
    assert _emitted(fake) == 1


def test_a_sale_whose_answer_was_lost_is_not_sent_again_a_day_later(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(1, fake.clock.today())
    fake.control.drop_connection(EMIT, when="after")
    with fake.client() as client:
        (lost,) = client.openfactura.documents.emit_many(
            batch, journal=tmp_path / "j.db", max_retries=0
        )
    assert getattr(lost.error, "may_have_been_carried_out", False)
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert journal.lookup(batch[0]["id"]).state == "attempted"  # type: ignore[union-attr]
    fake.clock.advance(hours=25)
    with fake.client() as client:
        (again,) = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    assert again.status == "failed"
    assert "issued twice" in str(again.error)
    assert _emitted(fake) == 1


def test_the_day_counts_from_the_first_attempt_whose_outcome_is_unknown(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(1, fake.clock.today())
    fake.control.drop_connection(EMIT, when="after", times=2)
    with fake.client() as client:
        list(
            client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db", max_retries=0)
        )
        fake.clock.advance(hours=20)
        list(
            client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db", max_retries=0)
        )
        fake.clock.advance(hours=5)  # 5 h after the second attempt, 25 h after the first
        (third,) = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    assert third.status == "failed"
    assert "issued twice" in str(third.error)
    assert _emitted(fake) == 1


def test_a_sale_that_failed_without_issuing_is_sent_again_any_day(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(1, fake.clock.today())
    fake.control.fail_next(EMIT, status=400, code="OF-10", times=1)
    with fake.client() as client:
        (refused,) = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
        assert refused.status == "failed"
        fake.clock.advance(hours=25)
        (again,) = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    assert again.status == "issued"
    assert _emitted(fake) == 1


def test_a_sale_resolved_by_hand_after_a_day_is_answered_or_sent(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """What the error says to do: record what was found, and the batch follows it."""
    batch = sales(2, fake.clock.today())
    token = _crashed_during_the_send(fake, tmp_path / "j.db", batch[0])
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.record_attempt(batch[1]["id"], batch[1]["id"])  # killed before it was sent
    fake.clock.advance(hours=25)
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.record_issued(batch[0]["id"], token=token, folio=None)
        journal.record_failed(batch[1]["id"], "not issued (checked in the issued list)")
    with fake.client() as client:
        results = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in results] == ["already_issued", "issued"]
    assert _emitted(fake) == 2


async def test_on_the_async_face_too_a_sale_attempted_a_day_ago_is_not_sent_again(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(1, fake.clock.today())
    _crashed_during_the_send(fake, tmp_path / "j.db", batch[0])
    fake.clock.advance(hours=25)
    async with fake.async_client() as client:
        results = [
            r
            async for r in client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
        ]
    assert [r.status for r in results] == ["failed"]
    assert "issued twice" in str(results[0].error)
    assert _emitted(fake) == 1


def test_a_client_clock_giving_naive_chilean_times_counts_the_day_by_the_instant(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    # A naive now= (datetime.now, say) is Chilean local time wherever the client reads it; the
    # window was counted with the machine's zone instead: on a server in UTC, three hours short,
    # so a sale attempted 25 hours ago was sent again under a key OpenFactura had forgotten.
    batch = sales(2, fake.clock.today())
    _crashed_during_the_send(fake, tmp_path / "j.db", batch[0])
    fake.clock.advance(hours=25)
    later = to_chile(dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=25))
    with fake.client(now=lambda: later) as client:
        results = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in results] == ["failed", "issued"]
    assert "24 h" in str(results[0].error)
    assert _emitted(fake) == 2  # the first sale once, the second once


@pytest.mark.parametrize(
    "fault",
    [
        {"drop_before": True},  # nothing reached OpenFactura
        {"status": 429},  # refused before it looked at the key
        {"status": 503},  # maybe acted, maybe not
    ],
)
def test_a_rerun_that_fails_without_reaching_the_key_keeps_an_interrupted_sale_attempted(
    fake: FakeHaulmer, tmp_path: Path, fault: dict[str, Any]
) -> None:
    """A first run interrupted during the send may have issued the sale; a rerun that fails in a
    way that tells nothing of the key (the connection refused, a 429, a 5xx) must not record it
    as failed: a day later it would be sent again under a forgotten key and issued twice."""
    batch = sales(1, fake.clock.today())
    _crashed_during_the_send(fake, tmp_path / "j.db", batch[0])
    if fault.get("drop_before"):
        fake.control.drop_connection(EMIT, when="before")
    else:
        fake.control.fail_next(EMIT, status=fault["status"])
    with fake.client() as client:
        (rerun,) = client.openfactura.documents.emit_many(
            batch, journal=tmp_path / "j.db", max_retries=0
        )
    assert rerun.status == "failed"
    assert rerun.may_have_been_issued  # the first run's send may have issued it
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert journal.lookup(batch[0]["id"]).state == "attempted"  # type: ignore[union-attr]
    fake.clock.advance(hours=25)
    with fake.client() as client:
        (later,) = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    assert later.status == "failed"
    assert "issued twice" in str(later.error)
    assert _emitted(fake) == 1


def test_a_rerun_refused_by_openfactura_settles_an_interrupted_sale_as_failed(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """OpenFactura answers a key it remembers with the document (OF-06), so a refusal of the
    document itself (OF-10) within the day says the interrupted send issued nothing."""
    batch = sales(1, fake.clock.today())
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.bind(api_key_fingerprint(SANDBOX_API_KEY))
        journal.record_attempt(batch[0]["id"], batch[0]["id"])
    fake.control.fail_next(EMIT, status=400, code="OF-10")
    with fake.client() as client:
        (rerun,) = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    assert rerun.status == "failed"
    assert not rerun.may_have_been_issued
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert journal.lookup(batch[0]["id"]).state == "failed"  # type: ignore[union-attr]


def _lost_answer_on(fake: FakeHaulmer, journal: Path, batch: list[dict[str, Any]]) -> None:
    """A first run whose emission was issued and its answer lost: the sale stays attempted."""
    fake.control.drop_connection(EMIT, when="after")
    with fake.client() as client:
        (lost,) = client.openfactura.documents.emit_many(batch, journal=journal, max_retries=0)
    assert lost.may_have_been_issued


def test_a_day_on_a_fake_clock_set_in_the_past_is_counted_on_that_clock(tmp_path: Path) -> None:
    # The journal stamped its attempts with the machine's clock while the batch read the
    # client's: on a fake whose clock was set a year back, the day never ran out, and the sale
    # was sent again under a key the fake had forgotten: issued twice.
    fake = FakeHaulmer(clock=FakeClock(dt.datetime(2025, 3, 3, 10, 0)))
    batch = sales(1, fake.clock.today())
    _lost_answer_on(fake, tmp_path / "j.db", batch)
    fake.clock.advance(hours=25)
    with fake.client() as client:
        (again,) = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    assert again.status == "failed"
    assert "issued twice" in str(again.error)
    assert _emitted(fake) == 1


def test_a_sale_rerun_at_once_on_a_fake_clock_set_ahead_is_sent_again_and_returned(
    tmp_path: Path,
) -> None:
    # The converse: with the fake's clock a year ahead of the machine's, every attempt looked a
    # year old, and a sale whose answer was lost a moment ago was refused instead of returned.
    fake = FakeHaulmer(
        clock=FakeClock(to_chile(dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365)))
    )
    batch = sales(1, fake.clock.today())
    _lost_answer_on(fake, tmp_path / "j.db", batch)
    with fake.client() as client:
        (again,) = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    assert again.status == "already_issued"
    assert _emitted(fake) == 1


def test_a_journal_stamps_its_records_with_the_clock_it_is_given(tmp_path: Path) -> None:
    with SQLiteJournal(tmp_path / "j.db", clock=lambda: 1_700_000_000.0) as journal:
        entry = journal.record_attempt("sale-1", "sale-1")
    assert entry.attempted_at == 1_700_000_000.0


def test_a_journal_clock_that_is_not_callable_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="clock"):
        SQLiteJournal(tmp_path / "j.db", clock=1_700_000_000.0)  # type: ignore[arg-type]
    assert not (tmp_path / "j.db").exists()

"""documents.emit_many: in order, journaled, resumable, a failed sale never stops the batch."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from haulmer.errors import (
    ClientClosedError,
    ConfigurationError,
    DocumentError,
    RateLimiterUnavailableError,
    ValidationError,
)
from haulmer.journal import JournalEntry, SQLiteJournal
from haulmer.openfactura.batch import BatchProgress, SaleResult
from haulmer.ratelimit import Booking, InProcessRateLimiter, api_key_fingerprint
from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer

from .sales import sales


@pytest.fixture
def fake() -> FakeHaulmer:
    return FakeHaulmer()


def _emitted(fake: FakeHaulmer) -> int:
    return len(fake.openfactura_state.documents)


def test_results_come_in_order_with_progress_and_a_rerun_sends_nothing(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(12, fake.clock.today())
    progress: list[BatchProgress] = []
    with fake.client() as client:
        results = list(
            client.openfactura.documents.emit_many(
                batch, journal=tmp_path / "j.db", concurrency=4, on_progress=progress.append
            )
        )
        assert [r.sale_id for r in results] == [s["id"] for s in batch]
        assert [r.status for r in results] == ["issued"] * 12
        assert [p.done for p in progress] == list(range(1, 13))
        assert (progress[-1].total, progress[-1].issued, progress[-1].failed) == (12, 12, 0)
        sent = fake.requests.total
        again = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert fake.requests.total == sent  # answered from the journal
    assert all(r.from_journal and r.status == "already_issued" for r in again)
    assert [r.document.token for r in again] == [r.document.token for r in results]  # type: ignore[union-attr]
    assert _emitted(fake) == 12
    with SQLiteJournal(tmp_path / "j.db") as journal:
        tokens = {e.sale_id: e.token for e in journal.entries()}
    assert tokens == {d.sale_id: d.document.token for d in results}  # type: ignore[union-attr]


def test_a_failed_sale_does_not_stop_the_batch_and_is_retried_on_rerun(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch: list[Any] = sales(5, fake.clock.today())
    batch[2] = {"id": "broken", "document": {"Encabezado": {}}}
    batch.insert(3, {"document": {}})  # no id
    fake.control.fail_next("openfactura.documents.emit", status=400)  # the first sale: a 4xx
    with fake.client() as client:
        results = list(
            client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db", concurrency=1)
        )
        assert [r.status for r in results] == [
            "failed",
            "issued",
            "failed",
            "failed",
            "issued",
            "issued",
        ]
        assert isinstance(results[2].error, DocumentError)
        assert isinstance(results[3].error, ValidationError)
        assert "its id could not be read" in str(results[3].error)
        again = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in again][:2] == ["issued", "already_issued"]
    assert _emitted(fake) == 4
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert journal.lookup("sale-00000").attempts == 2  # type: ignore[union-attr]
        assert journal.lookup("broken").state == "failed"  # type: ignore[union-attr]


def test_a_sale_sent_before_a_crash_is_returned_not_issued_again(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(3, fake.clock.today())
    with fake.client() as client:
        # The crash: the attempt was recorded and sent, its result never recorded.
        first = client.openfactura.documents.emit(
            batch[1]["document"], idempotency_key=batch[1]["id"]
        )
        with SQLiteJournal(tmp_path / "j.db") as journal:
            journal.bind(api_key_fingerprint(client._config.api_key or ""))
            journal.record_attempt(batch[1]["id"], batch[1]["id"])
        results = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in results] == ["issued", "already_issued", "issued"]
    assert results[1].document.token == first.token  # type: ignore[union-attr]
    assert _emitted(fake) == 3


def test_duplicate_ids_in_a_batch_fail_the_later_sale(fake: FakeHaulmer) -> None:
    batch = sales(2, fake.clock.today())
    batch.append({"id": batch[0]["id"], "document": batch[1]["document"]})
    with fake.client() as client:
        results = list(client.openfactura.documents.emit_many(batch))
    assert [r.status for r in results] == ["issued", "issued", "failed"]
    assert "came before in this batch" in str(results[2].error)


def test_key_and_document_may_be_functions_or_the_sale_itself(fake: FakeHaulmer) -> None:
    batch = sales(2, fake.clock.today())
    with fake.client() as client:
        by_function = list(
            client.openfactura.documents.emit_many(
                batch, key=lambda s: s["id"] + "-f", document=lambda s: s["document"]
            )
        )
        documents = [s["document"] for s in batch]
        itself = list(
            client.openfactura.documents.emit_many(
                documents,
                key=lambda d: f"doc-{d['Encabezado']['Totales']['MntTotal']}",
                document=None,
            )
        )
    assert [r.sale_id for r in by_function] == ["sale-00000-f", "sale-00001-f"]
    assert all(r.ok for r in by_function + itself)


def test_rows_of_a_sqlite_cursor_are_read_by_their_field_names(fake: FakeHaulmer) -> None:
    """sqlite3.Row, the standard library's cursor row, is read by name (row["id"]) and is no
    mapping: every sale of a cursor failed, its id "could not be read", under key="id"."""
    import json

    database = sqlite3.connect(":memory:")
    database.row_factory = sqlite3.Row
    database.execute("CREATE TABLE sale (id TEXT, document TEXT)")
    for sale in sales(2, fake.clock.today()):
        database.execute(
            "INSERT INTO sale VALUES (?, ?)", (sale["id"], json.dumps(sale["document"]))
        )
    with fake.client() as client:
        results = list(
            client.openfactura.documents.emit_many(
                database.execute("SELECT id, document FROM sale ORDER BY id"),
                document=lambda row: json.loads(row["document"]),
            )
        )
        missing = list(
            client.openfactura.documents.emit_many(
                database.execute("SELECT id, document FROM sale"), key="sale_id"
            )
        )
    database.close()
    assert [(r.sale_id, r.status) for r in results] == [
        ("sale-00000", "issued"),
        ("sale-00001", "issued"),
    ]
    assert all("its id could not be read (field 'sale_id'" in str(r.error) for r in missing)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sales": "sale-1"}, "iterable of sales"),
        ({"key": ""}, "key= names"),
        ({"document": 3}, "document= names"),
        ({"concurrency": 0}, "between 1 and 64"),
        ({"concurrency": True}, "must be an int"),
        ({"journal": 3}, "journal= takes"),
        ({"response": ["PDFF"]}, "unknown response option 'PDFF'"),
        ({"response": ["80MM", "LETTER"]}, "choose one PDF format, not 80MM and LETTER"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_sent(
    fake: FakeHaulmer, arguments: dict[str, Any], message: str
) -> None:
    call: dict[str, Any] = {"sales": sales(1, fake.clock.today()), **arguments}
    with fake.client() as client, pytest.raises(ValidationError, match=message):
        client.openfactura.documents.emit_many(call.pop("sales"), **call)
    assert fake.requests.total == 0


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Idempotency-Key", "each sale goes under its own id as its Idempotency-Key"),
        ("APIKEY", "the journal is tied to the client's key"),
    ],
)
async def test_extra_headers_that_would_replace_a_sales_key_or_the_api_key_are_refused(
    fake: FakeHaulmer, tmp_path: Path, header: str, message: str
) -> None:
    """An Idempotency-Key in extra_headers sent every sale under that one key (the journal
    recording each under its id), and an apikey issued them under a key the journal is not
    tied to: refused on both faces before anything is sent or the journal is created."""
    batch = sales(2, fake.clock.today())
    extra = {header: "0123456789abcdef0123456789abcdef"}
    with fake.client() as client, pytest.raises(ValidationError, match=message) as blocking:
        client.openfactura.documents.emit_many(
            batch, journal=tmp_path / "j.db", extra_headers=extra
        )
    async with fake.async_client() as async_client:
        with pytest.raises(ValidationError, match=message):
            async_client.openfactura.documents.emit_many(
                batch, journal=tmp_path / "j.db", extra_headers=extra
            )
    assert "0123456789abcdef" not in str(blocking.value)  # a key given there is not shown
    assert fake.requests.total == 0
    assert not (tmp_path / "j.db").exists()


def test_a_journal_of_another_key_is_refused(fake: FakeHaulmer, tmp_path: Path) -> None:
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.bind(api_key_fingerprint("another-key"))
    with fake.client() as client, pytest.raises(ConfigurationError, match="another API key"):
        client.openfactura.documents.emit_many([], journal=tmp_path / "j.db")


async def test_an_api_key_no_request_can_carry_is_refused_at_the_call_on_both_faces(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """A key holding a byte that is no UTF-8 raised a bare UnicodeEncodeError, and one holding
    a no-break space tied the journal to it with its sales recorded as sent, none sent."""
    for pasted in (
        SANDBOX_API_KEY[:8] + "\udce9" + SANDBOX_API_KEY[8:],
        SANDBOX_API_KEY[:8] + "\N{NO-BREAK SPACE}" + SANDBOX_API_KEY[8:],
    ):
        with (
            fake.client(api_key=pasted) as client,
            pytest.raises(ConfigurationError, match="not ASCII") as blocking,
        ):
            client.openfactura.documents.emit_many(sales(1, fake.clock.today()), journal=None)
        async with fake.async_client(api_key=pasted) as async_client:
            with pytest.raises(ConfigurationError, match="not ASCII") as asynchronous:
                async_client.openfactura.documents.emit_many(
                    sales(1, fake.clock.today()), journal=tmp_path / "j.db"
                )
        for refused in (blocking.value, asynchronous.value):
            assert SANDBOX_API_KEY[8:] not in str(refused)
    assert fake.requests.total == 0
    assert not (tmp_path / "j.db").exists()


def test_a_sale_id_must_fit_an_idempotency_key_header(fake: FakeHaulmer) -> None:
    batch = [{"id": "venta-ñandú", "document": {}}, {"id": 12.5, "document": {}}]
    with fake.client() as client:
        results = list(client.openfactura.documents.emit_many(batch))
    assert "printable ASCII" in str(results[0].error)
    assert "a string or a whole number, got 12.5" in str(results[1].error)
    assert fake.requests.total == 0


async def test_the_async_face_streams_in_order_and_resumes(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(9, fake.clock.today())
    async with fake.async_client() as client:
        results = [
            r
            async for r in client.openfactura.documents.emit_many(
                batch[:6], journal=tmp_path / "j.db", concurrency=3
            )
        ]
        rest = [
            r
            async for r in client.openfactura.documents.emit_many(
                batch, journal=tmp_path / "j.db", concurrency=3
            )
        ]
    assert [r.sale_id for r in results] == [s["id"] for s in batch[:6]]
    assert [r.from_journal for r in rest] == [True] * 6 + [False] * 3
    assert _emitted(fake) == 9


class _HeldJournal(SQLiteJournal):
    """A journal whose every read and write waits until the event loop has run another task
    (a slow disk's fsync, made certain): the threads it ran on are noted."""

    def __init__(self, path: Path, loop_ran: threading.Event) -> None:
        super().__init__(path)
        self.loop_ran = loop_ran
        self.threads: set[int] = set()

    def _held(self) -> None:
        self.threads.add(threading.get_ident())
        assert self.loop_ran.wait(10), "the event loop was held while the journal worked"

    def lookup(self, sale_id: str) -> JournalEntry | None:
        self._held()
        return super().lookup(sale_id)

    def record_attempt(self, sale_id: str, idempotency_key: str) -> JournalEntry:
        self._held()
        return super().record_attempt(sale_id, idempotency_key)

    def record_issued(self, sale_id: str, **fields: Any) -> None:
        self._held()
        super().record_issued(sale_id, **fields)


async def test_on_the_async_face_the_journal_works_off_the_event_loop(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    loop_ran = threading.Event()
    journal = _HeldJournal(tmp_path / "j.db", loop_ran)
    batch = sales(3, fake.clock.today())
    async with fake.async_client() as client:
        asyncio.get_running_loop().call_soon(loop_ran.set)  # runs only while the loop is free
        results = [
            r
            async for r in client.openfactura.documents.emit_many(
                batch, journal=journal, concurrency=2
            )
        ]
    journal.close()
    assert [r.status for r in results] == ["issued"] * 3
    assert journal.threads
    assert threading.get_ident() not in journal.threads
    reopened = SQLiteJournal(tmp_path / "j.db")
    assert [e.state for e in reopened.entries()] == ["issued"] * 3
    reopened.close()


async def test_on_the_async_face_the_journal_file_is_opened_and_closed_off_the_event_loop(
    fake: FakeHaulmer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a journal (SQLite's connect, WAL, schema, the key's binding) and closing it (a
    checkpoint) are disk work: they wait here until the event loop has run another task."""
    loop_ran = threading.Event()
    threads: dict[str, int] = {}

    class HeldOpening(SQLiteJournal):
        def _connect(self) -> sqlite3.Connection:
            threads["open"] = threading.get_ident()
            assert loop_ran.wait(10), "the event loop was held while the journal opened"
            return super()._connect()

        def close(self) -> None:
            threads["close"] = threading.get_ident()
            super().close()

    monkeypatch.setattr("haulmer.openfactura.batch.SQLiteJournal", HeldOpening)
    batch = sales(2, fake.clock.today())
    async with fake.async_client() as client:
        results = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
        assert not (tmp_path / "j.db").exists()  # nothing opened by the call itself
        asyncio.get_running_loop().call_soon(loop_ran.set)  # runs only while the loop is free
        statuses = [r.status async for r in results]
    assert statuses == ["issued"] * 2
    assert set(threads) == {"open", "close"}
    assert threading.get_ident() not in threads.values()


async def test_on_the_async_face_a_journal_of_another_key_is_refused_before_any_sale(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.bind(api_key_fingerprint("another-key"))
    async with fake.async_client() as client:
        results = client.openfactura.documents.emit_many(
            sales(1, fake.clock.today()), journal=tmp_path / "j.db"
        )
        with pytest.raises(ConfigurationError, match="another API key"):
            [r async for r in results]
    assert fake.requests.total == 0


async def test_an_async_batch_cancelled_while_its_journal_records_lets_the_record_finish(
    fake: FakeHaulmer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The consumer is cancelled while the journal records a document just issued: the batch
    closes the journal it opened only once that record is written (a rerun then sends nothing)."""
    entered, release = threading.Event(), threading.Event()
    events: list[str] = []

    class SlowToRecord(SQLiteJournal):
        def record_issued(self, sale_id: str, **fields: Any) -> None:
            entered.set()
            assert release.wait(10), "never released"
            super().record_issued(sale_id, **fields)
            events.append("recorded")

        def close(self) -> None:
            events.append("closed")
            super().close()

    monkeypatch.setattr("haulmer.openfactura.batch.SQLiteJournal", SlowToRecord)
    batch = sales(1, fake.clock.today())
    async with fake.async_client() as client:

        async def consume() -> list[Any]:
            documents = client.openfactura.documents
            return [r async for r in documents.emit_many(batch, journal=tmp_path / "j.db")]

        task = asyncio.ensure_future(consume())
        await asyncio.to_thread(entered.wait, 10)
        task.cancel()
        asyncio.get_running_loop().call_soon(release.set)
        with pytest.raises(asyncio.CancelledError):
            await task
    assert events == ["recorded", "closed"]
    journal = SQLiteJournal(tmp_path / "j.db")
    (entry,) = journal.entries()
    journal.close()
    assert entry.state == "issued"
    assert entry.token == fake.openfactura_state.documents[0].token


def test_a_429_holds_every_client_sharing_the_limiter(fake: FakeHaulmer) -> None:
    limiter = InProcessRateLimiter(clock=lambda: 100.0)  # a clock that stands still
    fake.control.fail_next("openfactura.organization.retrieve", status=429, retry_after=7)
    with fake.client(rate_limit=limiter) as client:
        client.openfactura.organization.retrieve()
        bucket = api_key_fingerprint(client._config.api_key or "")
    route = fake.requests.for_route("openfactura.organization.retrieve")
    assert [r.status for r in route] == [429, 200]
    # The retry was booked after the hold; so is any other client's next call on this key.
    assert limiter.book(bucket).wait == pytest.approx(7.0)
    assert limiter.book(api_key_fingerprint("another key")).wait == 0.0


def test_a_client_without_a_key_ends_the_batch_instead_of_failing_each_sale(
    fake: FakeHaulmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    with fake.client() as client:
        keyless = client.with_options(api_key=None)
        results = keyless.openfactura.documents.emit_many(sales(3, fake.clock.today()))
        with pytest.raises(ConfigurationError, match="No OpenFactura API key"):
            next(iter(results))
    assert fake.requests.total == 0


def test_a_client_without_a_key_creates_no_journal_file(
    fake: FakeHaulmer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    journal = tmp_path / "journal.db"
    batch = sales(3, fake.clock.today())
    with (
        fake.client(api_key=None) as keyless,
        pytest.raises(ConfigurationError, match="No OpenFactura API key"),
    ):
        list(keyless.openfactura.documents.emit_many(batch, journal=journal))
    assert not journal.exists()


def _sales_then_failure(batch: list[dict[str, Any]], fail_at: int) -> Iterator[dict[str, Any]]:
    """The sales of ``batch`` as a cursor would give them, failing before sale ``fail_at``."""
    for index, sale in enumerate(batch):
        if index == fail_at:
            raise OSError("the cursor of sales was lost")
        yield sale


class _FailingLimiter(InProcessRateLimiter):
    """An in-process limiter whose store is unreachable at its ``fail_at``-th booking, on the
    fake's clock: a busy machine's real time never makes a booking wait for a turn that the
    fake's sleep would not wait for."""

    def __init__(self, fail_at: int, clock: Callable[[], float], *, lasting: bool = False) -> None:
        super().__init__(clock=clock)
        self._fail_at = fail_at
        self._lasting = lasting
        """Whether the store stays unreachable from then on."""
        self._booked = 0
        self._count_lock = threading.Lock()

    def _count(self) -> None:
        with self._count_lock:
            self._booked += 1
            if self._booked == self._fail_at or (self._lasting and self._booked > self._fail_at):
                raise RateLimiterUnavailableError("the limiter's store cannot be reached")

    def book(self, bucket: str) -> Booking:
        self._count()
        return super().book(bucket)

    async def abook(self, bucket: str) -> Booking:
        self._count()
        return super().book(bucket)


def _failing(fake: FakeHaulmer, fail_at: int, *, lasting: bool = False) -> _FailingLimiter:
    return _FailingLimiter(fail_at=fail_at, clock=fake.clock.timestamp, lasting=lasting)


def test_sales_that_cannot_be_read_on_end_the_batch_after_every_sent_sale_is_reported(
    fake: FakeHaulmer,
) -> None:
    batch = sales(10, fake.clock.today())
    reported: list[str | None] = []
    with fake.client() as client, pytest.raises(OSError, match="cursor of sales was lost"):
        for result in client.openfactura.documents.emit_many(
            _sales_then_failure(batch, 6), concurrency=4
        ):
            reported.append(result.sale_id)
    assert reported == [s["id"] for s in batch[:6]]
    assert _emitted(fake) == 6


async def test_on_the_async_face_too_every_sent_sale_is_reported_before_the_error(
    fake: FakeHaulmer,
) -> None:
    batch = sales(10, fake.clock.today())
    reported: list[str | None] = []
    async with fake.async_client() as client:
        with pytest.raises(OSError, match="cursor of sales was lost"):
            async for result in client.openfactura.documents.emit_many(
                _sales_then_failure(batch, 6), concurrency=4
            ):
                reported.append(result.sale_id)
    assert reported == [s["id"] for s in batch[:6]]
    assert _emitted(fake) == 6


def test_a_sale_that_ends_the_batch_comes_after_the_results_of_the_sales_in_flight(
    fake: FakeHaulmer,
) -> None:
    batch = sales(8, fake.clock.today())
    reported: list[SaleResult] = []
    with (
        fake.client(rate_limit=_failing(fake, 3)) as client,
        pytest.raises(RateLimiterUnavailableError),
    ):
        for result in client.openfactura.documents.emit_many(batch, concurrency=4):
            reported.append(result)
    assert all(result.status == "issued" for result in reported)
    assert len(reported) == _emitted(fake) >= 3  # every document issued is reported


async def test_on_the_async_face_a_sale_that_ends_the_batch_comes_after_those_in_flight(
    fake: FakeHaulmer,
) -> None:
    batch = sales(8, fake.clock.today())
    reported: list[SaleResult] = []
    async with fake.async_client(rate_limit=_failing(fake, 3)) as client:
        with pytest.raises(RateLimiterUnavailableError):
            async for result in client.openfactura.documents.emit_many(batch, concurrency=4):
                reported.append(result)
    assert all(result.status == "issued" for result in reported)
    assert len(reported) == _emitted(fake) >= 3


@pytest.mark.parametrize("face", ["blocking", "asyncio"])
async def test_a_sale_the_unreachable_limiter_kept_from_sending_is_not_recorded_as_sent(
    fake: FakeHaulmer, tmp_path: Path, face: str
) -> None:
    """The limiter's store down before the first send: nothing went, but the sale stayed
    "attempted", first sent then; rerun two days later, it was an outcome unknown for 23 hours,
    never sent again and to be settled by hand."""
    batch = sales(2, fake.clock.today())
    journal = tmp_path / "j.db"
    with pytest.raises(RateLimiterUnavailableError):
        if face == "blocking":
            with fake.client(rate_limit=_failing(fake, 1)) as client:
                list(client.openfactura.documents.emit_many(batch, concurrency=1, journal=journal))
        else:
            async with fake.async_client(rate_limit=_failing(fake, 1)) as async_client:
                async for _ in async_client.openfactura.documents.emit_many(
                    batch, concurrency=1, journal=journal
                ):
                    pass
    assert _emitted(fake) == 0
    with SQLiteJournal(journal) as written:
        entry = written.lookup(batch[0]["id"])
    assert entry is not None
    assert entry.state == "failed"
    assert entry.error is not None
    assert "RateLimiterUnavailableError" in entry.error
    fake.clock.advance(days=2)
    with fake.client() as client:
        results = list(client.openfactura.documents.emit_many(batch, journal=journal))
    assert [result.status for result in results] == ["issued", "issued"]
    assert _emitted(fake) == 2


class _ClosesTheClient(SQLiteJournal):
    """A journal whose first recorded attempt is followed by the client being closed (a
    shutdown handler closing it while the batch runs): the sale meets a closed client."""

    def __init__(self, path: Path, close: Any) -> None:
        super().__init__(path)
        self._close = close

    def record_attempt(self, sale_id: str, idempotency_key: str) -> JournalEntry:
        entry = super().record_attempt(sale_id, idempotency_key)
        self._close()
        return entry


@pytest.mark.parametrize("face", ["blocking", "asyncio"])
async def test_a_sale_a_closed_client_kept_from_sending_is_not_recorded_as_sent(
    fake: FakeHaulmer, tmp_path: Path, face: str
) -> None:
    """The client closed between a sale's recorded attempt and its send: nothing went, and
    rerun two days later the sale is sent, not held as an outcome unknown to settle by hand."""
    batch = sales(2, fake.clock.today())
    path = tmp_path / "j.db"
    with pytest.raises(ClientClosedError):
        if face == "blocking":
            client = fake.client()
            with _ClosesTheClient(path, client.close) as journal:
                list(client.openfactura.documents.emit_many(batch, concurrency=1, journal=journal))
        else:
            async_client = fake.async_client()
            closing = _ClosesTheClient(path, lambda: asyncio.run(async_client.aclose()))
            with closing as journal:
                async for _ in async_client.openfactura.documents.emit_many(
                    batch, concurrency=1, journal=journal
                ):
                    pass
    assert _emitted(fake) == 0
    with SQLiteJournal(path) as written:
        entry = written.lookup(batch[0]["id"])
    assert entry is not None
    assert (entry.state, "ClientClosedError" in (entry.error or "")) == ("failed", True)
    fake.clock.advance(days=2)
    with fake.client() as client:
        results = list(client.openfactura.documents.emit_many(batch, journal=path))
    assert [result.status for result in results] == ["issued", "issued"]
    assert _emitted(fake) == 2


@pytest.mark.parametrize("face", ["blocking", "asyncio"])
async def test_a_sale_found_issued_by_its_retry_is_recorded_issued_when_the_limiter_then_fails(
    fake: FakeHaulmer, tmp_path: Path, face: str
) -> None:
    """The emission's answer lost, its retry met OF-06, and the limiter failed as the document
    issued was being fetched: the sale was recorded as not issued and the journal untied from
    the key, so a rerun a day later issued it twice. The document is recorded by its token."""
    batch = sales(2, fake.clock.today())
    path = tmp_path / "j.db"
    fake.control.drop_connection("openfactura.documents.emit", when="after")
    results: list[SaleResult] = []
    with pytest.raises(RateLimiterUnavailableError):  # the second sale meets the limiter down
        if face == "blocking":
            with fake.client(rate_limit=_failing(fake, 3, lasting=True)) as client:
                documents = client.openfactura.documents
                results.extend(documents.emit_many(batch, concurrency=1, journal=path))
        else:
            limiter = _failing(fake, 3, lasting=True)
            async with fake.async_client(rate_limit=limiter) as async_client:
                async for result in async_client.openfactura.documents.emit_many(
                    batch, concurrency=1, journal=path
                ):
                    results.append(result)
    (issued,) = fake.openfactura_state.documents
    assert [(r.status, r.document.token) for r in results] == [  # type: ignore[union-attr]
        ("already_issued", issued.token)
    ]
    with SQLiteJournal(path) as written:
        entry = written.lookup(batch[0]["id"])
        assert entry is not None
        assert (entry.state, entry.token) == ("issued", issued.token)
        with pytest.raises(ConfigurationError, match="another API key"):
            written.check_binding(api_key_fingerprint("another-key"), None)
    fake.clock.advance(days=2)
    with fake.client() as client:
        again = list(client.openfactura.documents.emit_many(batch, journal=path))
    assert [r.status for r in again] == ["already_issued", "issued"]
    assert _emitted(fake) == 2


class _FillsUpAfterAttempts(SQLiteJournal):
    """A journal whose disk fills up once a sale's attempt is recorded: its result cannot be."""

    def record_attempt(self, sale_id: str, idempotency_key: str) -> JournalEntry:
        entry = super().record_attempt(sale_id, idempotency_key)
        self._here.execute("PRAGMA query_only = 1")
        return entry


def test_a_journal_that_cannot_record_an_issued_sale_ends_the_batch_naming_the_document(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(3, fake.clock.today())
    with fake.client() as client:
        full = _FillsUpAfterAttempts(tmp_path / "j.db")
        with pytest.raises(ConfigurationError) as raised:
            list(client.openfactura.documents.emit_many(batch, journal=full, concurrency=1))
        full.close()
        (issued,) = fake.openfactura_state.documents
        assert f"was issued (token {issued.token}, folio {issued.folio})" in str(raised.value)
        assert "Run the batch again" in str(raised.value)
        # Once the journal can be written, the rerun gets that same document back.
        again = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in again] == ["already_issued", "issued", "issued"]
    assert again[0].document.token == issued.token  # type: ignore[union-attr]
    assert _emitted(fake) == 3


def test_an_id_the_journal_records_for_another_document_fails_that_sale(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    first = sales(3, fake.clock.today())
    # The next batch numbers its sales from the same ids, with other documents in two of them.
    reused = [
        {"id": sale["id"], "document": other["document"]}
        for sale, other in zip(first, sales(3, fake.clock.today(), start=1), strict=True)
    ]
    reused[2] = first[2]
    with fake.client() as client:
        issued = list(client.openfactura.documents.emit_many(first, journal=tmp_path / "j.db"))
        sent = fake.requests.total
        again = list(client.openfactura.documents.emit_many(reused, journal=tmp_path / "j.db"))
    assert [r.status for r in again] == ["failed", "failed", "already_issued"]
    assert isinstance(again[0].error, ValidationError)
    message = str(again[0].error)
    token = issued[0].document.token  # type: ignore[union-attr]
    assert f"'sale-00000' was issued before as another document (token {token}" in message
    assert "total (MntTotal) 150 there, 300 in this call" in message
    assert again[2].from_journal
    assert fake.requests.total == sent  # nothing sent, as OpenFactura's OF-06 would refuse them
    assert _emitted(fake) == 3


def test_a_journal_written_at_another_platform_is_refused_before_anything_is_sent(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """A batch tried on a local fake, then run against the sandbox with the same journal, was
    answered from the journal: every sale "already issued", with tokens the sandbox never had."""
    batch = sales(3, fake.clock.today())
    with fake.client() as client:
        first = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in first] == ["issued"] * 3
    elsewhere = FakeHaulmer()
    with (
        elsewhere.client(base_urls={"openfactura": "http://127.0.0.1:8080"}) as client,
        pytest.raises(ConfigurationError, match="records a batch issued at") as caught,
    ):
        client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    said = str(caught.value)
    assert "'http://haulmer.fake'" in said
    assert "'http://127.0.0.1:8080'" in said
    assert "Use a new journal file" in said
    assert elsewhere.requests.total == 0


def test_a_journal_keeps_the_platform_without_its_user_info(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    with SQLiteJournal(tmp_path / "j.db") as journal:  # a journal written before platforms were
        journal.bind(api_key_fingerprint(SANDBOX_API_KEY))
    url = "http://user:s3cret@haulmer.fake/"
    batch = sales(1, fake.clock.today())
    with fake.client(base_urls={"openfactura": url}) as client:
        results = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in results] == ["issued"]  # the platform is tied once it issued
    with (
        pytest.raises(ConfigurationError) as caught,
        SQLiteJournal(tmp_path / "j.db") as journal,
    ):
        journal.bind_platform("https://api.haulmer.com")
    assert "'http://haulmer.fake'" in str(caught.value)
    assert "s3cret" not in (tmp_path / "j.db").read_bytes().decode("latin-1")


@pytest.mark.parametrize(
    "unwritable", [float("nan"), float("inf"), "\ud800"], ids=["nan", "infinity", "surrogate"]
)
def test_a_sale_whose_document_cannot_be_written_as_json_fails_alone(
    fake: FakeHaulmer, tmp_path: Path, unwritable: object
) -> None:
    """A field the models pass through (an extra one) holding NaN, Infinity or a lone surrogate
    made the request unwritable when it was sent, which ended the whole batch at that sale."""
    batch = sales(3, fake.clock.today())
    batch[1]["document"]["Encabezado"]["Extra"] = unwritable
    with fake.client() as client:
        results = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in results] == ["issued", "failed", "issued"]
    assert isinstance(results[1].error, ValidationError)
    assert _emitted(fake) == 2
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert journal.lookup("sale-00001").state == "failed"  # type: ignore[union-attr]


async def test_an_async_batch_left_early_in_an_async_with_block_stops_its_sales_at_once(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """Leaving the block (a ``break``) cancels the sales in flight there and then, each journal
    write under way ending first: a rerun issues every sale once."""
    batch = sales(8, fake.clock.today())
    async with fake.async_client() as client:
        documents = client.openfactura.documents
        async with documents.emit_many(batch, journal=tmp_path / "j.db", concurrency=4) as results:
            async for result in results:
                first = result
                break
        assert first.status == "issued"
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
        sent = fake.requests.total
        await asyncio.sleep(0)
        assert fake.requests.total == sent  # nothing runs on after the block
        with SQLiteJournal(tmp_path / "j.db") as journal:
            states = {e.sale_id: e.state for e in journal.entries()}
        assert states[batch[0]["id"]] == "issued"
        assert set(states.values()) <= {"issued", "attempted"}
        rest = [r async for r in documents.emit_many(batch, journal=tmp_path / "j.db")]
    assert all(r.ok for r in rest)
    assert _emitted(fake) == 8  # no sale issued twice
    assert len({r.document.token for r in rest if r.document is not None}) == 8


async def test_an_async_batch_closed_with_aclose_stops_at_once() -> None:
    fake = FakeHaulmer()
    async with fake.async_client() as client:
        results = client.openfactura.documents.emit_many(sales(6, fake.clock.today()))
        assert (await results.__anext__()).status == "issued"
        await results.aclose()
        await results.aclose()  # again: nothing left to stop
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
        with pytest.raises(StopAsyncIteration):
            await results.__anext__()


def test_a_batch_left_early_in_a_with_block_starts_no_further_sale(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(8, fake.clock.today())
    with fake.client() as client:
        documents = client.openfactura.documents
        with documents.emit_many(batch, journal=tmp_path / "j.db", concurrency=2) as results:
            first = next(results)
        sent = fake.requests.total
        assert first.status == "issued"
        assert list(results) == []  # closed: nothing more comes, nothing more is sent
        assert fake.requests.total == sent
        rest = list(documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert all(r.ok for r in rest)
    assert _emitted(fake) == 8


@pytest.mark.parametrize("how", ["with_block", "close"])
def test_a_batch_stopped_before_its_first_result_closes_the_journal_it_opened(
    fake: FakeHaulmer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The blocking face opens the journal when emit_many is called: a batch stopped before
    anything was asked of it (an early return, Ctrl+C) still closes that journal, sending
    nothing."""
    events: list[str] = []

    class Watched(SQLiteJournal):
        def close(self) -> None:
            events.append("closed")
            super().close()

    monkeypatch.setattr("haulmer.openfactura.batch.SQLiteJournal", Watched)
    batch = sales(3, fake.clock.today())
    with fake.client() as client:
        results = client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
        if how == "with_block":
            with results:
                pass
        else:
            results.close()
        assert events == ["closed"]
        results.close()  # again: nothing left to close
        assert events == ["closed"]
        assert list(results) == []
        assert fake.requests.total == 0
        again = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in again] == ["issued"] * 3


def test_a_blocking_batch_closed_sends_no_further_retry_of_a_sale_in_flight(
    fake: FakeHaulmer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sale waiting to retry when its batch is closed (a ``with`` block left, Ctrl+C) sent its
    retries after the close all the same, one more request per retry, as the asyncio face's
    cancelled sales do not: it stops at its next attempt, left attempted in the journal."""
    import httpx

    import haulmer._core.concurrency as concurrency

    batch = sales(2, fake.clock.today())
    in_retry_wait = threading.Event()
    batch_closing = threading.Event()
    retried_key = batch[1]["id"]
    attempts: list[str] = []

    class Unavailable(httpx.BaseTransport):
        """The fake, but the second sale's emission answers 503 (the SDK retries it)."""

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.headers.get("idempotency-key") == retried_key:
                attempts.append(retried_key)
                return httpx.Response(503, json={"message": "Service Unavailable"})
            return fake.transport.handle_request(request)

    class WatchedPool(concurrency.ThreadPoolExecutor):
        def shutdown(self, wait: bool = True, **options: Any) -> None:
            batch_closing.set()  # the batch is stopping: the sale's wait may end now
            super().shutdown(wait, **options)

    def retry_wait(seconds: float) -> None:
        in_retry_wait.set()
        assert batch_closing.wait(timeout=30)

    monkeypatch.setattr(concurrency, "ThreadPoolExecutor", WatchedPool)
    http_client = httpx.Client(transport=Unavailable())
    with fake.client(http_client=http_client, sleep=retry_wait, max_retries=2) as client:
        documents = client.openfactura.documents
        with documents.emit_many(batch, journal=tmp_path / "j.db", concurrency=2) as results:
            first = next(results)
            assert in_retry_wait.wait(timeout=30)
        assert first.status == "issued"
        assert attempts == [retried_key]  # the first attempt only: no retry after the close
        with SQLiteJournal(tmp_path / "j.db") as journal:
            assert journal.lookup(retried_key).state == "attempted"  # type: ignore[union-attr]
    http_client.close()


def test_a_blocking_batch_closed_wakes_a_sale_sleeping_in_time_sleep_at_once(
    fake: FakeHaulmer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the default sleep (time.sleep), a sale waiting out a server's Retry-After held the
    batch's close (Ctrl+C, the end of its with block) for the rest of that wait: the worker
    thread slept on. It now waits on the batch's stop, so the close wakes it at once."""
    import time

    import httpx

    batch = sales(2, fake.clock.today())
    retried_key = batch[1]["id"]
    asked_to_wait = threading.Event()
    slept_for_real: list[float] = []

    class Unavailable(httpx.BaseTransport):
        """The fake, but the second sale's emission answers 503, asking to come back in 20 s."""

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.headers.get("idempotency-key") == retried_key:
                asked_to_wait.set()
                return httpx.Response(
                    503, json={"message": "Service Unavailable"}, headers={"Retry-After": "20"}
                )
            return fake.transport.handle_request(request)

    monkeypatch.setattr(time, "sleep", slept_for_real.append)  # any real sleep is recorded
    http_client = httpx.Client(transport=Unavailable())
    started = time.monotonic()
    with fake.client(http_client=http_client, sleep=time.sleep, max_retries=2) as client:
        documents = client.openfactura.documents
        with documents.emit_many(batch, journal=tmp_path / "j.db", concurrency=2) as results:
            first = next(results)
            assert asked_to_wait.wait(timeout=30)
    assert time.monotonic() - started < 15  # not the 20 s the server asked for
    assert first.status == "issued"
    assert slept_for_real == []
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert journal.lookup(retried_key).state == "attempted"  # type: ignore[union-attr]
    http_client.close()


async def test_an_async_batch_closed_by_another_task_while_it_is_iterated_stops_at_once(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """aclose() from another task (a shutdown handler) while the consumer awaited a result
    raised asyncio's bare RuntimeError "asynchronous generator is already running" and stopped
    nothing: the batch went on. It stops the sales in flight, the consumer's loop ends, and the
    journal the batch opened is closed."""
    batch = sales(6, fake.clock.today())
    retrying = asyncio.Event()
    never = asyncio.Event()

    async def retry_wait(seconds: float) -> None:
        if not retrying.is_set():  # the first retry's wait is ended only by the batch's stop
            retrying.set()
            await never.wait()

    fake.control.fail_next("openfactura.documents.emit", status=503, times=1)
    async with fake.async_client(sleep=retry_wait) as client:
        results = client.openfactura.documents.emit_many(
            batch, journal=tmp_path / "j.db", concurrency=2
        )
        seen: list[SaleResult] = []

        async def consume() -> None:
            async for result in results:
                seen.append(result)

        consumer = asyncio.ensure_future(consume())
        await retrying.wait()
        await results.aclose()
        assert consumer.done()
        await consumer  # its loop ended, without an error
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []
        sent = fake.requests.total
        await results.aclose()  # again: nothing left to stop
        assert fake.requests.total == sent
        rest = [
            r
            async for r in client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
        ]
    assert all(r.ok for r in seen + rest)
    assert _emitted(fake) == 6  # no sale issued twice


def test_a_blocking_batch_closed_from_another_thread_while_it_is_iterated_stops(
    fake: FakeHaulmer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """close() from another thread (a watchdog, a cancel button) while the consumer waited
    for a result raised "ValueError: generator already executing" and stopped nothing: every
    sale was still sent. It stops the batch: the consumer's loop ends, the sale in flight
    sends no further attempt, and a rerun issues each sale once."""
    batch = sales(6, fake.clock.today())
    retrying = threading.Event()
    closing = threading.Event()

    def retry_wait(seconds: float) -> None:
        if not retrying.is_set():  # the first retry's wait lasts until close() is called
            retrying.set()
            assert closing.wait(timeout=30)

    import haulmer._core.concurrency as concurrency

    requested = concurrency._Stop.request

    def request(stop: Any) -> None:
        requested(stop)
        closing.set()  # close() has stopped the batch: the sale's wait may end now

    monkeypatch.setattr(concurrency._Stop, "request", request)
    fake.control.fail_next("openfactura.documents.emit", status=503, times=1)
    with fake.client(sleep=retry_wait) as client:
        results = client.openfactura.documents.emit_many(
            batch, journal=tmp_path / "j.db", concurrency=2
        )
        seen: list[SaleResult] = []
        raised: list[BaseException] = []

        def consume() -> None:
            try:
                seen.extend(results)
            except BaseException as exc:
                raised.append(exc)

        consumer = threading.Thread(target=consume)
        consumer.start()
        assert retrying.wait(timeout=30)
        closer = threading.Thread(target=results.close)
        closer.start()
        closer.join(timeout=30)
        consumer.join(timeout=30)
        assert not closer.is_alive()
        assert not consumer.is_alive()
        assert raised == []  # the consumer's loop ended, without an error
        assert len(seen) < len(batch)  # stopped before the end
        assert list(results) == []
        rest = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert all(r.ok for r in seen + rest)
    assert _emitted(fake) == 6  # no sale issued twice


async def test_an_async_batch_closed_between_two_results_ends_the_consumers_loop(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """aclose() from another task while the consumer handled a result: the consumer asking
    for the next one while the batch was closing met asyncio's bare RuntimeError ("anext():
    asynchronous generator is already running"); its loop ends instead."""
    batch = sales(6, fake.clock.today())
    handled = asyncio.Event()
    go_on = asyncio.Event()
    async with fake.async_client() as client:
        results = client.openfactura.documents.emit_many(
            batch, journal=tmp_path / "j.db", concurrency=2
        )
        seen: list[SaleResult] = []

        async def consume() -> None:
            async for result in results:
                seen.append(result)
                handled.set()
                await go_on.wait()

        consumer = asyncio.ensure_future(consume())
        await handled.wait()
        closer = asyncio.ensure_future(results.aclose())
        await asyncio.sleep(0)  # the close is under way (its journal closes in a thread)
        go_on.set()
        await asyncio.gather(closer, consumer)
    assert [r.status for r in seen] == ["issued"]


def test_a_blocking_batch_closed_between_two_results_ends_the_consumers_loop(
    fake: FakeHaulmer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The blocking face's twin: "ValueError: generator already executing" in the consumer."""
    batch = sales(6, fake.clock.today())
    handled = threading.Event()
    closing = threading.Event()
    go_on = threading.Event()

    class Closing(SQLiteJournal):
        def close(self) -> None:
            closing.set()
            assert go_on.wait(timeout=30)  # the consumer asks for a result meanwhile
            super().close()

    monkeypatch.setattr("haulmer.openfactura.batch.SQLiteJournal", Closing)
    raised: list[BaseException] = []
    seen: list[SaleResult] = []
    with fake.client() as client:
        results = client.openfactura.documents.emit_many(
            batch, journal=tmp_path / "j.db", concurrency=2
        )

        def consume() -> None:
            try:
                for result in results:
                    seen.append(result)
                    handled.set()
                    assert closing.wait(timeout=30)
                    go_on.set()
            except BaseException as exc:
                raised.append(exc)

        consumer = threading.Thread(target=consume)
        consumer.start()
        assert handled.wait(timeout=30)
        results.close()
        consumer.join(timeout=30)
    assert raised == []
    assert [r.status for r in seen] == ["issued"]


async def _async_progress(progress: BatchProgress) -> None:
    """A progress callback written as a coroutine function, which nothing awaits."""


async def test_an_async_progress_callback_is_refused_before_anything_is_sent(
    fake: FakeHaulmer,
) -> None:
    # on_progress is called, never awaited: an async def one only made coroutines, so the
    # progress was silently never reported (a RuntimeWarning at best) while the batch ran.
    batch = sales(2, fake.clock.today())
    async with fake.async_client() as client:
        with pytest.raises(ValidationError, match="on_progress") as refused:
            client.openfactura.documents.emit_many(batch, on_progress=_async_progress)
    assert "async def" in str(refused.value)
    with fake.client() as blocking, pytest.raises(ValidationError, match="on_progress"):
        blocking.openfactura.documents.emit_many(batch, on_progress=_async_progress)
    assert fake.requests.total == 0


async def test_a_progress_callback_returning_a_coroutine_ends_the_batch_with_a_typed_error(
    fake: FakeHaulmer,
) -> None:
    batch = sales(2, fake.clock.today())
    async with fake.async_client() as client:
        with pytest.raises(ValidationError, match="on_progress"):
            async for _ in client.openfactura.documents.emit_many(
                batch, on_progress=lambda progress: _async_progress(progress)
            ):
                pass


@pytest.mark.parametrize("argument", ["key", "document"])
async def test_an_async_key_or_document_function_is_refused_before_anything_is_sent(
    fake: FakeHaulmer, argument: str
) -> None:
    # Called, never awaited: every sale failed with "got coroutine" and a RuntimeWarning each.
    async def read(sale: dict[str, Any]) -> Any:
        return sale["id" if argument == "key" else "document"]

    batch = sales(2, fake.clock.today())
    async with fake.async_client() as client:
        with pytest.raises(ValidationError, match=f"{argument}=") as refused:
            client.openfactura.documents.emit_many(batch, **{argument: read})
    assert "async def" in str(refused.value)
    assert fake.requests.total == 0


async def test_an_async_iterable_of_sales_is_refused_saying_how_to_pass_its_sales(
    fake: FakeHaulmer,
) -> None:
    """An async generator of sales (an async database driver's rows) was told to emit one
    document with emit(), advice for a single document, not for sales read with async for."""

    async def rows() -> Any:
        for sale in sales(2, fake.clock.today()):
            yield sale

    async with fake.async_client() as client:
        unread = rows()
        with pytest.raises(ValidationError, match="async for") as refused:
            client.openfactura.documents.emit_many(unread)
        await unread.aclose()
    assert "emit()" not in str(refused.value)
    assert fake.requests.total == 0


@pytest.mark.parametrize("function", ["key", "document"])
def test_a_key_or_document_function_that_raises_for_one_sale_fails_only_that_sale(
    fake: FakeHaulmer, tmp_path: Path, function: str
) -> None:
    """A document kept as JSON text in a database, one row of it cut short: json.loads in the
    document= function raised JSONDecodeError, which ended the batch there, the sales after it
    unsent. It fails that sale only, saying which function raised what, and records nothing."""
    import json

    rows = [
        {"id": sale["id"], "document": json.dumps(sale["document"])}
        for sale in sales(3, fake.clock.today())
    ]
    rows[1] = {"id": '"cut', "document": '{"Encabezado": '}  # both cut short
    call: dict[str, Any] = {"document": lambda row: json.loads(row["document"])}
    if function == "key":
        call = {
            "key": lambda row: json.loads(row["id"]) if row["id"].startswith('"') else row["id"]
        }
        rows[1]["document"] = rows[0]["document"]
        call["document"] = lambda row: json.loads(row["document"])
    with fake.client() as client:
        results = list(
            client.openfactura.documents.emit_many(
                rows, journal=tmp_path / "j.db", concurrency=1, **call
            )
        )
    assert [r.status for r in results] == ["issued", "failed", "issued"]
    error = str(results[1].error)
    assert isinstance(results[1].error, ValidationError)
    assert f"the {function}= function raised JSONDecodeError" in error, error
    assert _emitted(fake) == 2
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert [entry.sale_id for entry in journal.entries()] == ["sale-00000", "sale-00002"]

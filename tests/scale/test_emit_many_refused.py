"""emit_many when OpenFactura refuses the account, not a sale (a wrong key, a 403, OF-04): the
batch stops at once, the sales not sent stay for a rerun, and the journal is not tied to the
refused key."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from haulmer.errors import (
    AuthenticationError,
    BadRequestError,
    BatchStoppedError,
    ConfigurationError,
    PermissionDeniedError,
    ServerError,
)
from haulmer.journal import Journal, JournalEntry, SQLiteJournal
from haulmer.ratelimit import api_key_fingerprint
from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer

from .sales import sales

WRONG_KEY = "0123456789abcdef0123456789abcdef"
EMIT = "openfactura.documents.emit"


@pytest.fixture
def fake() -> FakeHaulmer:
    return FakeHaulmer()


def _emissions(fake: FakeHaulmer) -> int:
    return len(fake.requests.for_route(EMIT))


def test_a_wrong_key_stops_the_batch_at_its_first_refusal(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(30, fake.clock.today())
    reported = []
    with fake.client(api_key=WRONG_KEY) as client, pytest.raises(BatchStoppedError) as stopped:
        for result in client.openfactura.documents.emit_many(
            batch, journal=tmp_path / "j.db", concurrency=4
        ):
            reported.append(result)
    assert reported == []  # every sale sent was refused: none has a result to report
    assert 1 <= _emissions(fake) <= 4  # the sales in flight, not one request per sale
    error = stopped.value
    assert isinstance(error.error, AuthenticationError)
    assert (error.sale_index, error.sale_id) == (0, "sale-00000")
    said = str(error)
    assert "The batch stopped at sale 0 ('sale-00000')" in said
    assert "refused it for the whole account" in said
    assert "HAULMER_API_KEY" in said  # what to fix
    assert "run the batch again" in said
    assert WRONG_KEY not in said
    with SQLiteJournal(tmp_path / "j.db") as journal:
        entries = list(journal.entries())
    assert len(entries) == _emissions(fake)  # only the sales sent were recorded
    assert all(entry.state == "failed" for entry in entries)


def test_a_rerun_with_the_right_key_takes_the_journal_a_wrong_key_left(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(6, fake.clock.today())
    with (
        fake.client(api_key=WRONG_KEY) as wrong,
        pytest.raises(BatchStoppedError),
    ):
        list(wrong.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    with fake.client() as right:
        results = list(right.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in results] == ["issued"] * 6
    assert len(fake.openfactura_state.documents) == 6
    # Now that it holds documents of this key's taxpayer, the journal refuses another key.
    with (
        fake.client(api_key=WRONG_KEY) as wrong,
        pytest.raises(ConfigurationError, match="another API key"),
    ):
        wrong.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")


async def test_on_the_async_face_a_wrong_key_stops_the_batch_and_leaves_the_journal_free(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    batch = sales(30, fake.clock.today())
    async with fake.async_client(api_key=WRONG_KEY) as wrong:
        with pytest.raises(BatchStoppedError) as stopped:
            async for _ in wrong.openfactura.documents.emit_many(
                batch, journal=tmp_path / "j.db", concurrency=4
            ):
                pass  # pragma: no cover - every sale sent is refused
    assert isinstance(stopped.value.error, AuthenticationError)
    assert 1 <= _emissions(fake) <= 4
    async with fake.async_client() as right:
        statuses = [
            result.status
            async for result in right.openfactura.documents.emit_many(
                batch, journal=tmp_path / "j.db", concurrency=4
            )
        ]
    assert statuses == ["issued"] * 30


@pytest.mark.parametrize(
    ("fault", "refusal"),
    [
        ({"status": 401}, AuthenticationError),
        ({"status": 403}, PermissionDeniedError),
        ({"code": "OF-04"}, BadRequestError),  # the company's electronic signature is unusable
    ],
)
def test_a_refusal_of_the_account_part_way_reports_what_was_issued_then_stops(
    fake: FakeHaulmer, tmp_path: Path, fault: dict[str, Any], refusal: type[Exception]
) -> None:
    batch = sales(10, fake.clock.today())
    reported = []
    with fake.client() as client:
        for result in client.openfactura.documents.emit_many(batch[:3], journal=tmp_path / "j.db"):
            reported.append(result)
        fake.control.fail_next(EMIT, times=100, **fault)
        with pytest.raises(BatchStoppedError) as stopped:
            for result in client.openfactura.documents.emit_many(
                batch, journal=tmp_path / "j.db", concurrency=1
            ):
                reported.append(result)
        assert type(stopped.value.error) is refusal
        assert stopped.value.sale_id == "sale-00003"
        assert [r.status for r in reported] == ["issued"] * 3 + ["already_issued"] * 3
        assert _emissions(fake) == 4  # three issued, then one refused: nothing after it
        fake.control.clear()
        again = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in again] == ["already_issued"] * 3 + ["issued"] * 7
    assert len(fake.openfactura_state.documents) == 10


def test_a_refusal_of_one_sale_still_fails_only_that_sale(fake: FakeHaulmer) -> None:
    fake.control.fail_next(EMIT, code="OF-07")  # no folios for this type: the sale's own
    with fake.client() as client:
        results = list(
            client.openfactura.documents.emit_many(sales(3, fake.clock.today()), concurrency=1)
        )
    assert [r.status for r in results] == ["failed", "issued", "issued"]


def test_a_sale_whose_answer_was_lost_ties_the_journal_to_its_key(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """Its document may exist under the key: the journal must refuse another key from then."""
    fake.control.drop_connection(EMIT, when="after")
    with fake.client() as client:
        (result,) = client.openfactura.documents.emit_many(
            sales(1, fake.clock.today()), journal=tmp_path / "j.db", max_retries=0
        )
    assert result.status == "failed"
    assert result.error is not None
    assert getattr(result.error, "may_have_been_carried_out", False)
    with SQLiteJournal(tmp_path / "j.db") as journal, pytest.raises(ConfigurationError):
        journal.check_binding(api_key_fingerprint(WRONG_KEY), None)


def test_a_server_error_after_retries_ties_the_journal_too(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    fake.control.fail_next(EMIT, status=503, times=3)
    with fake.client() as client:
        (result,) = client.openfactura.documents.emit_many(
            sales(1, fake.clock.today()), journal=tmp_path / "j.db"
        )
    assert isinstance(result.error, ServerError)
    with SQLiteJournal(tmp_path / "j.db") as journal, pytest.raises(ConfigurationError):
        journal.check_binding(api_key_fingerprint(WRONG_KEY), None)


def test_checking_a_journal_ties_it_to_nothing(tmp_path: Path) -> None:
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.check_binding("aaaa", "http://haulmer.fake")
        journal.check_binding("bbbb", "http://elsewhere.fake")  # nothing was tied
        journal.bind("aaaa")
        journal.bind_platform("http://haulmer.fake")
        journal.check_binding("aaaa", "http://haulmer.fake")
        with pytest.raises(ConfigurationError, match="another API key"):
            journal.check_binding("bbbb", "http://haulmer.fake")
        with pytest.raises(ConfigurationError, match="records a batch issued at"):
            journal.check_binding("aaaa", "http://elsewhere.fake")


class _DictJournal(Journal):
    """A journal of one's own that implements only the abstract methods, as a custom store of
    an earlier release does: it is tied when a batch opens it, as before."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.sales: dict[str, JournalEntry] = {}

    def bind(self, api_key_fingerprint: str) -> None:
        if self.key is None:
            self.key = api_key_fingerprint
        elif self.key != api_key_fingerprint:
            raise ConfigurationError("another API key")

    def lookup(self, sale_id: str) -> JournalEntry | None:
        return self.sales.get(sale_id)

    def record_attempt(self, sale_id: str, idempotency_key: str) -> JournalEntry:
        entry = JournalEntry(sale_id, idempotency_key, "attempted", 1)
        self.sales[sale_id] = entry
        return entry

    def record_issued(
        self,
        sale_id: str,
        *,
        token: str,
        folio: int | None,
        document: Mapping[str, Any] | None = None,
    ) -> None:
        old = self.sales[sale_id]
        self.sales[sale_id] = JournalEntry(
            sale_id, old.idempotency_key, "issued", old.attempts, token, folio, None, document
        )

    def record_failed(self, sale_id: str, error: str) -> None:
        old = self.sales[sale_id]
        self.sales[sale_id] = JournalEntry(
            sale_id, old.idempotency_key, "failed", old.attempts, error=error
        )

    def entries(self) -> Iterator[JournalEntry]:
        return iter(list(self.sales.values()))


def test_a_journal_of_ones_own_without_check_binding_keeps_working(fake: FakeHaulmer) -> None:
    journal = _DictJournal()
    batch = sales(3, fake.clock.today())
    with fake.client(api_key=WRONG_KEY) as wrong, pytest.raises(BatchStoppedError):
        list(wrong.openfactura.documents.emit_many(batch, journal=journal, concurrency=1))
    assert _emissions(fake) == 1
    assert journal.key == api_key_fingerprint(WRONG_KEY)  # tied at open, as its release did
    with fake.client() as right, pytest.raises(ConfigurationError, match="another API key"):
        right.openfactura.documents.emit_many(batch, journal=journal)
    fresh = _DictJournal()
    with fake.client() as right:
        results = list(right.openfactura.documents.emit_many(batch, journal=fresh))
    assert [r.status for r in results] == ["issued"] * 3
    assert fresh.key == api_key_fingerprint(SANDBOX_API_KEY)


class _Killed(BaseException):
    """The process ending during a send (a KeyboardInterrupt, SIGTERM's handler, a crash)."""


class _DiesWhileSending(httpx.BaseTransport):
    """Hands each request to the fake, which issues it, and dies before the answer arrives."""

    def __init__(self, fake: FakeHaulmer) -> None:
        self._fake = fake

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._fake.transport.handle_request(request)
        raise _Killed


def test_a_process_killed_during_the_first_send_leaves_the_journal_tied_to_its_key(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """The journal was tied to a key only once an answer came: a process killed during the
    first send left it free, and a rerun with another key sent that sale again under it,
    although its document already existed under the first key's taxpayer."""
    batch = sales(3, fake.clock.today())
    dying = httpx.Client(transport=_DiesWhileSending(fake))
    with fake.client(http_client=dying) as client, pytest.raises(_Killed):
        list(
            client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db", concurrency=1)
        )
    assert len(fake.openfactura_state.documents) == 1  # issued, its answer never read
    with (
        fake.client(api_key=WRONG_KEY) as other,
        pytest.raises(ConfigurationError, match="another API key"),
    ):
        other.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db")
    with fake.client() as same:  # the same key resumes: the sale's key gets its document back
        again = list(same.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in again] == ["already_issued", "issued", "issued"]
    assert len(fake.openfactura_state.documents) == 3


def test_a_batch_whose_documents_were_all_refused_leaves_the_journal_free(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """Nothing was issued under the key, so the journal is tied to none."""
    batch = sales(3, fake.clock.today())
    with fake.client() as client:
        fake.control.fail_next(EMIT, times=3, code="OF-10")
        results = list(client.openfactura.documents.emit_many(batch, journal=tmp_path / "j.db"))
    assert [r.status for r in results] == ["failed"] * 3
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.check_binding(api_key_fingerprint(WRONG_KEY), None)  # free for any key


class _CannotRelease(SQLiteJournal):
    """A journal whose disk fills up as the batch ends: it cannot be untied."""

    def release(self, api_key_fingerprint: str) -> None:
        self._here.execute("PRAGMA query_only = 1")
        super().release(api_key_fingerprint)


def test_a_journal_that_cannot_be_untied_does_not_hide_why_the_batch_stopped(
    fake: FakeHaulmer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = _CannotRelease(tmp_path / "j.db")
    with fake.client(api_key=WRONG_KEY) as client, pytest.raises(BatchStoppedError) as stopped:
        list(client.openfactura.documents.emit_many(sales(3, fake.clock.today()), journal=journal))
    journal.close()
    assert isinstance(stopped.value.error, AuthenticationError)
    (warning,) = [r for r in caplog.records if "could not be untied" in r.getMessage()]
    assert "a new journal file" in warning.getMessage()
    assert WRONG_KEY not in warning.getMessage()


class _AnotherBatchSends(SQLiteJournal):
    """A journal file another batch (another process, on the same key) uses at once: once this
    batch has tied it, the other records its attempt of a sale and is killed during its send."""

    def bind(self, api_key_fingerprint: str) -> None:
        super().bind(api_key_fingerprint)
        with SQLiteJournal(self.path) as other:
            other.record_attempt("other-batch-sale", "other-batch-sale")


def test_a_batch_that_issued_nothing_leaves_tied_a_journal_another_batch_has_a_sale_in_flight_in(
    fake: FakeHaulmer, tmp_path: Path
) -> None:
    """The other batch's sale may exist under the key: the journal stays tied to it, so that a
    run with another key does not send that sale under another taxpayer's key."""
    batch = sales(2, fake.clock.today())
    with fake.client() as client, _AnotherBatchSends(tmp_path / "j.db") as journal:
        fake.control.fail_next(EMIT, times=2, code="OF-10")
        results = list(client.openfactura.documents.emit_many(batch, journal=journal))
    assert [r.status for r in results] == ["failed"] * 2
    with SQLiteJournal(tmp_path / "j.db") as reopened:
        assert reopened.lookup("other-batch-sale").state == "attempted"  # type: ignore[union-attr]
        with pytest.raises(ConfigurationError, match="another API key"):
            reopened.check_binding(api_key_fingerprint(WRONG_KEY), None)

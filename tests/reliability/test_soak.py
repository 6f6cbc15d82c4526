"""Soak with faults: many emissions through the fake while about a fifth of all attempts fail.

Each attempt (an emission, or a read an emission makes after a lost answer) meets, at random,
a 500, 502 or 503 (with ``Retry-After``), a 429 "Try again in N seconds" or without a wait,
an OF-21, a connection dropped before the server saw it, one dropped after the server issued
the document, or an answer slower than the read timeout (issued too). Three ways of calling:
one sync client, an ``AsyncHaulmer`` with 50 emissions in flight, one sync client shared by 16
threads. Calls mix their own idempotency keys with keys derived from the content, and 0, 1 or 2
retries.

What must hold, per run:

- every call returns a document or raises an ``APIError``; nothing else escapes;
- a returned document exists in the fake, is the sale the call described, and carries its folio
  (or none, when the answer was lost and the read of the folio failed too);
- no sale is issued twice; folios are unique and gapless per document type;
- an error says whether the document may exist: when it does not say so, nothing was issued;
  when it does, it names the key sent, and repeating the call with that key returns the existing
  document and issues nothing new (or issues the one document when none was issued);
- afterwards the fake holds exactly the documents the calls and their repeats returned.

The quick variant (``QUICK`` emissions per way) runs in the default suite; the long one
(``LONG_RUN``) with ``HAULMER_LONG_TESTS=1``. The seed of a run is printed on failure;
``HAULMER_SOAK_SEED=n`` replays it (the threads' interleaving aside).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

import haulmer
import haulmer.dte as dte
from haulmer import AsyncHaulmer, Haulmer
from haulmer.openfactura import SANDBOX_API_KEY, EmittedDocument
from haulmer.testing import FakeClock, FakeHaulmer

from .conftest import LONG

QUICK = 150
LONG_RUN = 1000
EMISSIONS = LONG_RUN if LONG else QUICK
IN_FLIGHT = 50
THREADS = 16
FAULT_SHARE = 0.2
"""About this share of all attempts fails."""

KINDS = [
    *(("failed", status) for status in (500, 502, 503, 429, 400)),
    ("dropped_before", None),
    ("dropped_after", 200),
    ("timed_out", 200),
]
"""How the fake's request log records each kind of fault (400: OF-21; 200: it acted)."""
NOTHING_DONE = ("could not connect", "requests/s and 100/min per API key", "did nothing with it")
"""What an error says when the server did nothing: refused connection, 429, OF-21."""

START = dt.datetime(2026, 3, 2, 10, 0)
EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "actecos": [620200],
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}
RECEPTOR = {
    "rut": "76430498-5",
    "razon_social": "HOSTY SPA",
    "giro": "Informática",
    "direccion": "Arturo Prat 527",
    "comuna": "Curicó",
}


@dataclass(frozen=True)
class Sale:
    """One emission of the run: its number, type, key (None: derived) and retries."""

    number: int
    dte_type: int
    key: str | None
    max_retries: int

    @property
    def item(self) -> str:
        """The line's name, which tells the sale's documents apart in the fake."""
        return f"Soak venta {self.number}"

    def document(self, fake: FakeHaulmer) -> dte.Document:
        lines = [{"nombre": self.item, "cantidad": 1, "precio": 1000 + self.number}]
        if self.dte_type == 33:
            return dte.factura(
                emisor=EMISOR, receptor=RECEPTOR, lines=lines, fecha=fake.clock.today()
            )
        return dte.boleta(emisor=EMISOR, lines=lines, fecha=fake.clock.today())


@dataclass
class Outcome:
    """What one call gave: the document returned, or the error raised."""

    sale: Sale
    emitted: EmittedDocument | None = None
    error: haulmer.APIError | None = None


def _sales(rng: random.Random, mode: str) -> list[Sale]:
    return [
        Sale(
            number=number,
            dte_type=rng.choice((39, 39, 39, 33)),
            key=None if rng.random() < 0.3 else f"soak-{mode}-{number}",
            max_retries=rng.choice((0, 1, 2, 2)),
        )
        for number in range(EMISSIONS)
    ]


def _faulty_fake(seed: int) -> FakeHaulmer:
    """A fake where every attempt fails with a chance of about FAULT_SHARE, in nine ways (two
    429s: the gateway's "Try again in N seconds" and the emission docs' bare variant)."""
    fake = FakeHaulmer(clock=FakeClock(START))
    fake.control.rate_limit(None)  # the soak's 429s are the scripted ones
    fake.requests.maxlen = None
    fake.control.random.seed(seed)
    control, each, times = fake.control, 1 - (1 - FAULT_SHARE) ** (1 / 9), 10**9
    for status in (500, 502):
        control.fail_next(status=status, times=times, probability=each)
    control.fail_next(status=503, retry_after=3, times=times, probability=each)
    control.fail_next(status=429, retry_after=2, times=times, probability=each)
    control.fail_next(
        status=400,
        code="OF-21",
        message="Base de datos no disponible",
        times=times,
        probability=each,
    )
    control.drop_connection(when="before", times=times, probability=each)
    control.drop_connection(when="after", times=times, probability=each)
    control.fail_next(status=429, message="API rate limit exceeded", times=times, probability=each)
    control.slow(seconds=45, times=times, probability=each)  # past the 30 s read timeout
    return fake


def _emit(client: Haulmer, fake: FakeHaulmer, sale: Sale) -> Outcome:
    try:
        emitted = client.openfactura.documents.emit(
            sale.document(fake),
            idempotency_key=sale.key,
            response=["FOLIO"],
            max_retries=sale.max_retries,
        )
    except haulmer.APIError as error:
        return Outcome(sale, error=error)
    return Outcome(sale, emitted=emitted)


async def _aemit(client: AsyncHaulmer, fake: FakeHaulmer, sale: Sale) -> Outcome:
    try:
        emitted = await client.openfactura.documents.emit(
            sale.document(fake),
            idempotency_key=sale.key,
            response=["FOLIO"],
            max_retries=sale.max_retries,
        )
    except haulmer.APIError as error:
        return Outcome(sale, error=error)
    return Outcome(sale, emitted=emitted)


def _run_sync(fake: FakeHaulmer, sales: list[Sale]) -> list[Outcome]:
    with fake.client() as client:
        return [_emit(client, fake, sale) for sale in sales]


def _run_async(fake: FakeHaulmer, sales: list[Sale]) -> list[Outcome]:
    async def run() -> list[Outcome]:
        slots = asyncio.Semaphore(IN_FLIGHT)
        async with fake.async_client() as client:

            async def one(sale: Sale) -> Outcome:
                async with slots:
                    return await _aemit(client, fake, sale)

            return list(await asyncio.gather(*(one(sale) for sale in sales)))

    return asyncio.run(run())


def _run_threads(fake: FakeHaulmer, sales: list[Sale]) -> list[Outcome]:
    barrier = threading.Barrier(THREADS)
    with fake.client() as client:

        def share(start: int) -> list[Outcome]:
            barrier.wait()
            return [_emit(client, fake, sale) for sale in sales[start::THREADS]]

        with ThreadPoolExecutor(THREADS) as pool:
            return [outcome for batch in pool.map(share, range(THREADS)) for outcome in batch]


MODES: dict[str, Callable[[FakeHaulmer, list[Sale]], list[Outcome]]] = {
    "sync": _run_sync,
    "async-50-in-flight": _run_async,
    "16-threads-one-client": _run_threads,
}


def _documents_by_sale(fake: FakeHaulmer) -> dict[int, list[Any]]:
    """The fake's documents, by the sale whose line they carry."""
    found: dict[int, list[Any]] = {}
    for doc in fake.openfactura_state.documents:
        name = doc.dte["Detalle"][0]["NmbItem"]
        assert name.startswith("Soak venta "), name
        found.setdefault(int(name.removeprefix("Soak venta ")), []).append(doc)
    return found


def _issued_under(fake: FakeHaulmer, key: str) -> str | None:
    """The token the fake remembers under an Idempotency-Key of HAULMER SPA's."""
    state = fake.openfactura_state
    tenant = state.tenant_for_key(SANDBOX_API_KEY)
    assert tenant is not None
    return state.replayed_token(tenant, key)


def _check_error(fake: FakeHaulmer, outcome: Outcome, issued: list[Any]) -> None:
    """An error says whether the document may exist; when it says no, none was issued; when
    it says yes, it names the key the document (if any) was issued under."""
    error, sale = outcome.error, outcome.sale
    assert error is not None
    text = str(error)
    if not error.may_have_been_carried_out:
        assert issued == [], f"sale {sale.number}: issued, but the error does not say so: {text}"
        assert "may exist" not in text
        assert any(words in text for words in NOTHING_DONE), text
        assert error.idempotency_key is None
        return
    assert error.idempotency_key, text
    if sale.key is not None:
        assert error.idempotency_key == sale.key
    assert "the document may exist" in text or "the document (token" in text, text
    assert f"idempotency_key={error.idempotency_key!r}" in text, text
    assert _issued_under(fake, error.idempotency_key) == (issued[0].token if issued else None)
    if isinstance(error, haulmer.APIConnectionError):
        assert error.request_sent, text  # an earlier attempt reached the server


def _check_returned(fake: FakeHaulmer, outcome: Outcome, issued: list[Any]) -> None:
    """A returned document is the sale's one document, with its folio when it has one."""
    emitted, sale = outcome.emitted, outcome.sale
    assert emitted is not None
    assert [doc.token for doc in issued] == [emitted.token], f"sale {sale.number}"
    if sale.key is not None:
        assert _issued_under(fake, sale.key) == emitted.token
    if emitted.folio is not None or not emitted.already_issued:
        assert emitted.folio == issued[0].folio, f"sale {sale.number}"
    assert issued[0].dte_type == sale.dte_type


def _repeat(fake: FakeHaulmer, outcome: Outcome) -> EmittedDocument:
    """Repeat a failed call as its error says: with the key it names, or as it was."""
    error, sale = outcome.error, outcome.sale
    assert error is not None
    key = error.idempotency_key if error.may_have_been_carried_out else sale.key
    with fake.client() as client:
        return client.openfactura.documents.emit(
            sale.document(fake), idempotency_key=key, response=["FOLIO"]
        )


def _soak(mode: str, seed: int) -> Counter[str]:
    rng = random.Random(seed)
    sales = _sales(rng, mode)
    fake = _faulty_fake(seed)
    outcomes = MODES[mode](fake, sales)
    assert sorted(o.sale.number for o in outcomes) == list(range(EMISSIONS))

    attempts = Counter(entry.outcome for entry in fake.requests)
    failed = sum(attempts.values()) - attempts["answered"]
    assert 0.08 < failed / sum(attempts.values()) < 0.34, attempts  # the soak did inject faults
    if LONG:  # each kind fires about 30 times in a long run (a handful in a quick one)
        kinds = {(e.outcome, e.status) for e in fake.requests if e.outcome != "answered"}
        assert {(outcome, status) for outcome, status in KINDS} <= kinds, kinds

    by_sale = _documents_by_sale(fake)
    twice = {number: len(docs) for number, docs in by_sale.items() if len(docs) > 1}
    assert not twice, f"sales issued more than once: {twice}"
    for outcome in outcomes:
        issued = by_sale.get(outcome.sale.number, [])
        if outcome.error is not None:
            _check_error(fake, outcome, issued)
        else:
            _check_returned(fake, outcome, issued)

    # Faults off: repeat every failed call as its error says, and check nothing doubles.
    fake.control.clear()
    fake.control.rate_limit(None)
    tokens = {o.emitted.token for o in outcomes if o.emitted is not None}
    for outcome in outcomes:
        if outcome.error is None:
            continue
        before = by_sale.get(outcome.sale.number, [])
        repeated = _repeat(fake, outcome)
        after = _documents_by_sale(fake)[outcome.sale.number]
        if before:
            assert repeated.already_issued
            assert repeated.token == before[0].token
            assert repeated.folio == before[0].folio
            assert after == before, f"sale {outcome.sale.number}: the repeat issued again"
        else:
            assert not repeated.already_issued
            assert [d.token for d in after] == [repeated.token]
        tokens.add(repeated.token)

    documents = fake.openfactura_state.documents
    assert {doc.token for doc in documents} == tokens
    assert len(documents) == EMISSIONS  # every sale once, no other document
    for dte_type in (33, 39):
        folios = sorted(doc.folio for doc in documents if doc.dte_type == dte_type)
        assert folios == list(range(1, len(folios) + 1)), f"type {dte_type}: folios {folios}"
    return Counter(
        "returned" if o.emitted is not None else type(o.error).__name__ for o in outcomes
    ) + Counter({f"attempts {kind}": count for kind, count in attempts.items()})


@pytest.fixture
def seed() -> int:
    """The run's seed: HAULMER_SOAK_SEED, else a new one (printed when the test fails)."""
    value = int(os.environ.get("HAULMER_SOAK_SEED") or random.SystemRandom().randrange(2**32))
    print(f"soak seed: HAULMER_SOAK_SEED={value}")
    return value


@pytest.mark.parametrize("mode", list(MODES))
def test_emissions_under_random_faults_are_issued_once_and_never_silently(
    mode: str, seed: int
) -> None:
    summary = _soak(mode, seed)
    print(f"{mode}, {EMISSIONS} emissions: {dict(sorted(summary.items()))}")
    assert summary["returned"] > EMISSIONS / 2  # most calls ride the faults out

"""OpenFactura's 3 requests/s and 100/min per key, on by default, on the fake clock."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest
from fake_bodies import HAULMER_KEY, HOSTY_KEY, START, boleta

import haulmer.dte as dte
from haulmer.errors import RateLimitError
from haulmer.testing import FakeClock, FakeHaulmer, FakeRequest, serve

EMISOR = {
    "rut": "76795561-8",
    "razon_social": "HAULMER SPA",
    "giro": "Software",
    "direccion": "ARTURO PRAT 527",
    "comuna": "Curicó",
}


@pytest.fixture
def limited() -> FakeHaulmer:
    """A fake as users get it: the limit on."""
    return FakeHaulmer(clock=FakeClock(START))


def _wire(fake: FakeHaulmer, key: str = HAULMER_KEY) -> httpx.Client:
    return httpx.Client(transport=fake.transport, base_url="http://fake", headers={"apikey": key})


def test_a_new_fake_enforces_3_per_second_and_100_per_minute_per_key(
    limited: FakeHaulmer,
) -> None:
    with _wire(limited) as haulmer, _wire(limited, HOSTY_KEY) as hosty:
        assert [haulmer.get("/v2/dte/organization").status_code for _ in range(4)] == [
            200,
            200,
            200,
            429,
        ]
        assert hosty.get("/v2/dte/organization").status_code == 200  # per key
        for _ in range(32):
            limited.clock.advance(seconds=1)
            assert all(haulmer.get("/v2/dte/organization").status_code == 200 for _ in range(3))
        # 3 + 96 = 99 in this minute: one more, then the minute is full.
        limited.clock.advance(seconds=1)
        assert haulmer.get("/v2/dte/organization").status_code == 200
        over = haulmer.get("/v2/dte/organization")
        assert over.status_code == 429
        assert over.json() == {
            "statusCode": 429,
            "message": "Rate limit is exceeded. Try again in 27 seconds.",
        }


def test_the_wait_named_is_never_shorter_than_the_window_needs(limited: FakeHaulmer) -> None:
    with _wire(limited) as wire:
        for _ in range(3):
            wire.get("/v2/dte/organization")
        limited.clock.advance(seconds=0.4)
        # 0.6 s remain: a client told "0" or rounding down would retry too early.
        assert "Try again in 1 seconds" in wire.get("/v2/dte/organization").text


def _arriving(fake: FakeHaulmer, seconds: float) -> int:
    """The status of a GET that arrived ``seconds`` after START (the fake's clock), served now."""
    at = FakeClock(START).now() + dt.timedelta(seconds=seconds)  # START, aware, in Chile
    headers = httpx.Headers({"apikey": HAULMER_KEY})
    request = FakeRequest("GET", "/v2/dte/organization", headers=headers, arrived_at=at)
    outcome = fake.handle(request)
    assert outcome.entry.at == at  # the log records the arrival too
    return outcome.response.status


def test_the_limit_counts_when_requests_arrived_not_when_they_were_served(
    limited: FakeHaulmer,
) -> None:
    # Three arrive in the first 0.3 s but wait their turn behind a slow request: served at 0.9 s.
    limited.clock.advance(seconds=0.9)
    assert [_arriving(limited, d) for d in (0.0, 0.1, 0.2)] == [200, 200, 200]
    # One that arrived at 1.05 s, a second after the first arrived, is within the limit even
    # though it is served within a second of the three.
    limited.clock.advance(seconds=0.2)
    assert _arriving(limited, 1.05) == 200
    # One that arrived at 0.95 s was the fourth in a second, wherever its turn came.
    assert _arriving(limited, 0.95) == 429


def test_a_request_served_after_one_that_arrived_later_is_counted_at_its_arrival(
    limited: FakeHaulmer,
) -> None:
    limited.clock.advance(seconds=3)
    assert [_arriving(limited, d) for d in (0.0, 0.5, 2.0)] == [200, 200, 200]
    # Served last, arrived second-to-last: its second (0.8 .. 1.8] held none of the others.
    assert _arriving(limited, 1.8) == 200
    # (1.1 .. 2.1] now holds two, (0.0 .. 1.0] two: both still have room for one.
    assert _arriving(limited, 2.1) == 200
    assert _arriving(limited, 0.6) == 200
    assert _arriving(limited, 0.7) == 429  # (-0.3 .. 0.7] holds 0.0, 0.5 and 0.6


def test_rate_limit_none_is_the_way_out_and_reset_brings_the_limit_back(
    limited: FakeHaulmer,
) -> None:
    limited.control.rate_limit(None)
    with _wire(limited) as wire:
        assert all(wire.get("/v2/dte/organization").status_code == 200 for _ in range(20))
        limited.reset()
        assert [wire.get("/v2/dte/organization").status_code for _ in range(4)][-1] == 429


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "3"])
def test_a_limit_that_is_not_a_positive_int_is_refused(limited: FakeHaulmer, bad: object) -> None:
    with pytest.raises(ValueError, match="int >= 1"):
        limited.control.rate_limit(bad)  # type: ignore[arg-type]


def test_the_sdk_rides_out_the_limit_on_the_fake_clock_without_sleeping(
    limited: FakeHaulmer,
) -> None:
    start = limited.clock.now()
    with limited.client() as client:
        folios = [
            client.openfactura.documents.emit(
                dte.boleta(
                    emisor=EMISOR,
                    lines=[{"nombre": f"Venta {i}", "cantidad": 1, "precio": 1000 + i}],
                    fecha=limited.clock.today(),
                ),
                response=["FOLIO"],
            ).require_folio()
            for i in range(12)
        ]
    assert folios == list(range(1, 13))
    statuses = [entry.status for entry in limited.requests]
    assert statuses.count(429) >= 3  # the limit did bite, and the retries waited it out
    assert (limited.clock.now() - start).total_seconds() >= 3


def test_a_fake_clock_set_back_is_not_moved_forward_again_by_the_clients_limiter(
    limited: FakeHaulmer,
) -> None:
    # the limiter's turns stayed where the clock had been: the next call waited them out on the
    # fake clock, which the call moved a day ahead again, unseen, as the fake's gateway does not
    with limited.client(rate_limit=True) as client:
        for _ in range(3):
            client.openfactura.organization.retrieve()
        earlier = limited.clock.now() - dt.timedelta(days=1)
        limited.clock.set(earlier)
        client.openfactura.organization.retrieve()
    assert (limited.clock.now() - earlier).total_seconds() <= 1 + 0.1


def test_a_callers_own_sleep_still_moves_the_fake_clock(limited: FakeHaulmer) -> None:
    slept: list[float] = []
    with limited.client(sleep=slept.append) as client:
        for _ in range(5):
            client.openfactura.organization.retrieve()
    assert slept == [1.0]
    assert limited.requests[-1].status == 200


async def test_an_async_callers_own_sleep_still_moves_the_fake_clock(
    limited: FakeHaulmer,
) -> None:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    async with limited.async_client(sleep=record) as client:
        for _ in range(5):
            await client.openfactura.organization.retrieve()
    assert slept == [1.0]


async def test_async_tasks_sharing_a_rate_limited_client_meet_no_429_on_the_fake(
    limited: FakeHaulmer,
) -> None:
    """rate_limit=True keeps an AsyncHaulmer's tasks within 3 requests/s, and the fake counts
    them as the gateway would: each task's sleep moved the shared clock by its own wait, so a
    task woken after another's wait sent late, at once with the turns booked then, and the fake
    answered 429 where Haulmer would not (a threads' client met none)."""
    gate = asyncio.Semaphore(4)
    async with limited.async_client(rate_limit=True) as client:

        async def retrieve() -> None:
            async with gate:
                await client.openfactura.organization.retrieve()

        await asyncio.gather(*(retrieve() for _ in range(30)))
    statuses = [entry.status for entry in limited.requests]
    assert statuses == [200] * 30
    seconds = (limited.requests[-1].at - limited.requests[0].at).total_seconds()
    assert 9 <= seconds <= 11  # 30 requests at 3 a second, no more time than the limit needs


async def test_async_tasks_with_a_callers_own_sleep_meet_no_429_on_the_fake_either(
    limited: FakeHaulmer,
) -> None:
    """A ``sleep=`` of the caller's, wrapped to move the fake clock, moves it as the fake's own
    async sleep does: each task's wait ends at its own moment, not after the others'."""
    slept: list[float] = []

    async def record(seconds: float) -> None:  # a test's sleep: records, lets other tasks run
        slept.append(seconds)
        await asyncio.sleep(0)

    gate = asyncio.Semaphore(4)
    async with limited.async_client(rate_limit=True, sleep=record) as client:

        async def retrieve() -> None:
            async with gate:
                await client.openfactura.organization.retrieve()

        await asyncio.gather(*(retrieve() for _ in range(30)))
    assert [entry.status for entry in limited.requests] == [200] * 30
    assert slept


async def test_concurrent_fake_sleeps_end_at_their_own_moments_not_one_after_another() -> None:
    """Tasks sleeping at once on the fake clock wake in the order of their moments, each at its
    own, as on a real clock: the clock ends at the longest wait, not at the sum of the waits."""
    clock = FakeClock(START)
    start = clock.now()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.asleep(seconds)
        woke.append((name, (clock.now() - start).total_seconds()))

    await asyncio.gather(sleeper("long", 3), sleeper("short", 1), sleeper("middle", 2))
    assert woke == [("short", 1.0), ("middle", 2.0), ("long", 3.0)]
    assert (clock.now() - start).total_seconds() == 3


def test_without_retries_the_limit_surfaces_as_rate_limit_error(limited: FakeHaulmer) -> None:
    with limited.client(max_retries=0) as client:
        for _ in range(3):
            client.openfactura.organization.retrieve()
        with pytest.raises(RateLimitError) as caught:
            client.openfactura.organization.retrieve()
    assert caught.value.retry_after == 1.0


def test_a_drop_after_the_service_acted_waits_for_a_request_the_limit_lets_through(
    limited: FakeHaulmer,
) -> None:
    with _wire(limited) as wire:
        for _ in range(3):
            wire.get("/v2/dte/organization")
        limited.control.drop_connection("openfactura.documents.emit", when="after")
        refused = wire.post("/v2/dte/document", json=boleta())
        assert refused.status_code == 429  # the gateway refused: nothing acted, nothing dropped
        assert limited.requests.last.outcome == "answered"
        limited.clock.advance(seconds=1)
        with pytest.raises(httpx.ReadError):
            wire.post("/v2/dte/document", json=boleta())
    assert len(limited.openfactura_state.documents) == 1  # issued, then the answer was lost
    assert limited.requests.last.outcome == "dropped_after"


def test_a_slow_answer_is_the_service_s_not_the_gateway_s_429(limited: FakeHaulmer) -> None:
    with _wire(limited) as wire:
        for _ in range(3):
            wire.get("/v2/dte/organization")
        limited.control.slow("openfactura.organization.retrieve", seconds=20)
        before = limited.clock.now()
        assert wire.get("/v2/dte/organization").status_code == 429
        assert limited.clock.now() == before
        limited.clock.advance(seconds=1)
        assert wire.get("/v2/dte/organization", timeout=30).status_code == 200
    assert (limited.clock.now() - before).total_seconds() == 21


def test_an_answer_lost_after_issuing_is_recovered_even_when_the_limit_bit_first(
    limited: FakeHaulmer,
) -> None:
    with limited.client() as client:
        documents = client.openfactura.documents
        sale = dte.boleta(
            emisor=EMISOR,
            lines=[{"nombre": "Marraqueta", "cantidad": 10, "precio": 150}],
            fecha=limited.clock.today(),
        )
        first = documents.emit(sale, idempotency_key="sale-0001")
        documents.emit(sale, idempotency_key="sale-0001")  # 3 requests in this second
        limited.control.drop_connection("openfactura.documents.emit", when="after")
        lost = documents.emit(sale, idempotency_key="sale-0002")
    assert lost.already_issued
    assert lost.folio == first.require_folio() + 1
    assert len(limited.openfactura_state.documents) == 2


def test_serve_enforces_the_limit_on_the_fake_clock(limited: FakeHaulmer) -> None:
    with serve(limited) as url, httpx.Client(base_url=url, headers={"apikey": HAULMER_KEY}) as wire:
        assert [wire.get("/v2/dte/organization").status_code for _ in range(4)][-1] == 429
        limited.clock.advance(seconds=1)
        assert wire.get("/v2/dte/organization").status_code == 200


def test_serve_makes_the_fake_clock_follow_real_time_and_stops_after(
    limited: FakeHaulmer,
) -> None:
    assert not limited.clock.follows_real_time
    with serve(limited):
        assert limited.clock.follows_real_time
    assert not limited.clock.follows_real_time
    with serve(limited, real_time=False):
        assert not limited.clock.follows_real_time


def test_two_servers_of_one_fake_keep_its_clock_on_real_time_until_the_last_stops(
    limited: FakeHaulmer,
) -> None:
    # Served on two ports (or IPv4 and IPv6) at once and stopped in the order they started:
    # the second's clients must still see real time pass, and none after both stopped.
    first = serve(limited)
    second = serve(limited)
    first.__enter__()
    second.__enter__()
    try:
        first.__exit__(None, None, None)
        assert limited.clock.follows_real_time
    finally:
        second.__exit__(None, None, None)
    assert not limited.clock.follows_real_time


def test_a_clock_told_to_follow_real_time_keeps_following_after_serving(
    limited: FakeHaulmer,
) -> None:
    limited.clock.follow_real_time()
    first = serve(limited)
    second = serve(limited)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    second.__exit__(None, None, None)
    assert limited.clock.follows_real_time


def test_a_clock_following_real_time_moves_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import haulmer.testing._clock as clock_module

    real = [1000.0]
    monkeypatch.setattr(clock_module.time, "monotonic", lambda: real[0])
    clock = FakeClock(START)
    clock.follow_real_time()
    first = clock.now()
    real[0] += 2.5
    assert (clock.now() - first).total_seconds() == 2.5
    clock.advance(seconds=10)
    assert (clock.now() - first).total_seconds() == 12.5
    clock.follow_real_time(False)
    real[0] += 100
    assert (clock.now() - first).total_seconds() == 12.5


def test_a_per_minute_limit_given_with_per_second_none_is_refused_not_dropped(
    limited: FakeHaulmer,
) -> None:
    with pytest.raises(ValueError, match="per_minute=50 would be ignored"):
        limited.control.rate_limit(None, per_minute=50)
    assert limited.control.openfactura_rate_limit == (3, 100)  # left as it was
    limited.control.rate_limit(per_second=5)
    assert limited.control.openfactura_rate_limit == (5, 100)  # per_minute left out: Haulmer's

"""The opt-in limiter keeps to 3 requests/s and 100/min, measured on a fake clock."""

from __future__ import annotations

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from haulmer import AsyncHaulmer, ConfigurationError, Haulmer, RateLimitError
from haulmer._core.request import APIRequest
from haulmer.errors import RateLimiterUnavailableError
from haulmer.ratelimit import SLOT_MARGIN, Booking, InProcessRateLimiter, RateLimiter

from .conftest import PLATFORM, SANDBOX
from .helpers import asend, get_org, send


class FakeClock:
    """Monotonic seconds that move only when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def test_three_requests_pass_then_the_fourth_waits_for_the_second() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    assert [limiter.book("key").wait for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.book("key").wait == pytest.approx(1.0 + SLOT_MARGIN)
    clock.now += 0.4
    # booked behind the fourth, in the same second
    assert limiter.book("key").wait == pytest.approx(0.6 + SLOT_MARGIN)


def test_a_hold_delays_every_send_booked_after_it_and_a_turn_booked_ahead_of_it() -> None:
    # A turn booked for a later moment asks again when that moment comes (confirm): a hold
    # recorded meanwhile moves it past the hold, as it does every booking made after the hold.
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    for _ in range(3):
        limiter.book("key")
    ahead = limiter.book("key")  # the fourth, booked for the next second
    assert ahead.wait == pytest.approx(1.0 + SLOT_MARGIN)
    clock.now += 0.1
    limiter.hold("key", 7.0)
    assert limiter.book("key").wait == pytest.approx(7.0)
    clock.now += ahead.wait - 0.1  # the booked moment
    more = limiter.confirm(ahead)
    assert clock.now + more == pytest.approx(1007.1)
    clock.now += more
    assert limiter.confirm(ahead) == 0.0


def test_a_turn_booked_ahead_goes_at_its_moment_when_no_hold_reaches_it() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    for _ in range(3):
        limiter.book("key")
    ahead = limiter.book("key")
    limiter.hold("key", 0.5)  # ends before the turn's moment
    clock.now += ahead.wait
    assert limiter.confirm(ahead) == 0.0


def test_of_two_holds_reaching_a_booked_turn_the_later_ending_one_wins() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    for _ in range(3):
        limiter.book("key")
    ahead = limiter.book("key")
    limiter.hold("key", 7.0)
    limiter.hold("key", 3.0)  # a shorter one after it pulls nothing back
    after = limiter.book("key")  # booked to the first hold's end
    clock.now += after.wait
    limiter.hold("key", 5.0)  # a longer one now reaches the turn booked after the first
    assert clock.now + limiter.confirm(after) == pytest.approx(1012.0)
    assert clock.now + limiter.confirm(ahead) == pytest.approx(1012.0)


def test_a_turn_moved_past_a_hold_is_the_one_a_release_gives_back() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(limits=((1, 1.0),), clock=clock)
    limiter.book("key")
    ahead = limiter.book("key")
    limiter.hold("key", 5.0)
    clock.now += ahead.wait
    assert limiter.confirm(ahead) > 0
    limiter.release(ahead)  # cancelled while it waited out the hold
    assert limiter.book("key").wait == pytest.approx(1000 + 5.0 - clock.now)


def _sent_with_a_hold_arriving_while_the_fourth_waits(
    mock: respx.MockRouter, clock: FakeClock
) -> list[float]:
    """The times (on ``clock``) at which the organization is asked for."""
    sent: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        return httpx.Response(200, json={"rut": "1-9"})

    mock.get(f"{SANDBOX}/v2/dte/organization").mock(side_effect=answer)
    return sent


def test_a_send_booked_ahead_waits_out_a_hold_recorded_while_it_waited(
    mock: respx.MockRouter,
) -> None:
    from haulmer.ratelimit import api_key_fingerprint

    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    sent = _sent_with_a_hold_arriving_while_the_fourth_waits(mock, clock)

    def sleep(seconds: float) -> None:
        if not clock.sleeps:  # another client sharing the limiter meets a 429 meanwhile
            clock.now += 0.1
            limiter.hold(api_key_fingerprint("k"), 7.0)
            seconds -= 0.1
        clock.sleep(seconds)

    with Haulmer("k", environment="sandbox", rate_limit=limiter, clock=clock, sleep=sleep) as c:
        for _ in range(4):
            send(c, get_org())
    assert sent[:3] == [1000.0] * 3
    assert sent[3] == pytest.approx(1007.1)


async def test_async_a_send_booked_ahead_waits_out_a_hold_recorded_while_it_waited(
    mock: respx.MockRouter,
) -> None:
    from haulmer.ratelimit import api_key_fingerprint

    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    sent = _sent_with_a_hold_arriving_while_the_fourth_waits(mock, clock)

    async def sleep(seconds: float) -> None:
        if not clock.sleeps:
            clock.now += 0.1
            await limiter.ahold(api_key_fingerprint("k"), 7.0)
            seconds -= 0.1
        clock.sleep(seconds)

    async with AsyncHaulmer(
        "k", environment="sandbox", rate_limit=limiter, clock=clock, sleep=sleep
    ) as c:
        for _ in range(4):
            await asend(c, get_org())
    assert sent[:3] == [1000.0] * 3
    assert sent[3] == pytest.approx(1007.1)


def test_the_gateway_counting_arrivals_refuses_none_when_the_first_request_arrives_late() -> None:
    """The first request arrives 40 ms after its slot (it opens the connection), the rest at
    once: the gateway, counting arrivals as the fake does, refuses none of them."""
    import datetime as dt

    from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer, FakeRequest

    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    fake = FakeHaulmer()
    start = fake.clock.now()
    statuses = []
    for n in range(30):
        clock.now += limiter.book("key").wait
        late = 0.04 if n == 0 else 0.0
        arrived = start + dt.timedelta(seconds=clock.now - 1000.0 + late)
        fake.clock.set(arrived)
        request = FakeRequest(
            "GET", "/v2/dte/organization", headers=httpx.Headers({"apikey": SANDBOX_API_KEY})
        )
        statuses.append(fake.handle(request).response.status)
    assert statuses == [200] * 30


def test_a_hundred_and_first_request_waits_for_the_minute_window() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    start = clock.now
    for _ in range(100):
        clock.now += limiter.book("key").wait
    # 3 per second: 100 requests span 33 windows of a second (each a hair past its edge)
    assert clock.now - start == pytest.approx(33 * (1.0 + SLOT_MARGIN))
    clock.now += limiter.book("key").wait
    assert clock.now - start == pytest.approx(60.0 + SLOT_MARGIN)


def test_limits_must_be_positive() -> None:
    with pytest.raises(ConfigurationError):
        InProcessRateLimiter(limits=[(0, 1.0)])


@pytest.mark.parametrize("clock", [3, "time.monotonic", None])
def test_an_in_process_clock_that_is_not_callable_is_refused_where_the_limiter_is_made(
    clock: object,
) -> None:
    # it was a bare "'int' object is not callable" at the first call, as RedisRateLimiter's is not
    with pytest.raises(ConfigurationError, match="clock= is a callable"):
        InProcessRateLimiter(clock=clock)  # type: ignore[arg-type]


@pytest.mark.parametrize("reading", [float("nan"), float("inf"), "x", None, True, 10**400])
async def test_an_in_process_clock_reading_that_is_no_number_of_seconds_is_refused(
    reading: object,
) -> None:
    # NaN was booked as a turn "at nan" that every later turn of the key compared with, text a
    # bare TypeError
    limiter = InProcessRateLimiter(clock=lambda: reading)  # type: ignore[arg-type, return-value]
    with pytest.raises(ConfigurationError, match="clock= returned"):
        limiter.book("a")
    with pytest.raises(ConfigurationError, match="clock= returned"):
        await limiter.abook("a")
    with pytest.raises(ConfigurationError, match="clock= returned"):
        limiter.hold("a", 1.0)
    assert "a" not in limiter._buckets or not any(limiter._buckets["a"].sent)


def test_a_clock_stepped_back_delays_no_turn_by_the_step() -> None:
    # turns booked before the step stayed at the old times: the next waited the whole step
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    assert [limiter.book("k").wait for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now -= 86_400.0
    assert limiter.book("k").wait == pytest.approx(1.0 + SLOT_MARGIN)
    clock.now += 1.0 + SLOT_MARGIN
    assert limiter.book("k").wait == 0.0


def test_a_clock_stepped_back_keeps_what_is_left_of_a_hold_and_a_turn_booked_ahead() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(limits=[(1, 1.0)], clock=clock)
    assert limiter.book("k").wait == 0.0
    ahead = limiter.book("k")
    assert ahead.wait == pytest.approx(1.0 + SLOT_MARGIN)
    limiter.hold("j", 30.0)
    clock.now -= 3_600.0
    assert limiter.confirm(ahead) == 0.0  # its moment kept its distance from now
    assert limiter.book("j").wait == pytest.approx(30.0)


def _send_times(gaps: list[float]) -> list[float]:
    """When each call goes out, when calls arrive ``gaps`` seconds apart and wait their slot."""
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    sent: list[float] = []
    for gap in gaps:
        clock.now += gap
        sent.append(clock.now + limiter.book("key").wait)
    return sent


def _most_in_a_window(sent: list[float], seconds: float) -> int:
    """The most calls sent in any ``seconds``-long window that ends on a send."""
    return max(
        (sum(1 for t in sent[: i + 1] if t > at - seconds) for i, at in enumerate(sent)), default=0
    )


@given(gaps=st.lists(st.floats(0, 2, allow_nan=False), max_size=150))
def test_no_window_ever_holds_more_than_its_limit(gaps: list[float]) -> None:
    sent = _send_times(gaps)
    assert _most_in_a_window(sent, 1.0) <= 3
    assert _most_in_a_window(sent, 60.0) <= 100
    assert sent == sorted(sent)


def test_a_slot_on_a_window_edge_is_not_shared_through_float_rounding() -> None:
    # gaps that once put four sends in one second: (x + 1.0) - 1.0 != x in floats
    gaps = [2.0] * 5 + [1.50261165499953, 1.85083270237861, 1.667353719318824]
    gaps += [1.9736864973971182, 1.269441155903513, 1.398797663451272, 1.2529055800276432]
    gaps += [1.1495506351403522, 0.954903694903585, 0.0, 0.0, 0.0]
    assert _most_in_a_window(_send_times(gaps), 1.0) <= 3


def test_client_with_rate_limit_spaces_openfactura_calls(mock: respx.MockRouter) -> None:
    clock = FakeClock()
    route = mock.get(f"{SANDBOX}/v2/dte/organization").respond(json={"rut": "1-9"})
    with Haulmer(
        "k", environment="sandbox", rate_limit=True, clock=clock, sleep=clock.sleep
    ) as client:
        times = []
        for _ in range(7):
            send(client, get_org())
            times.append(clock.now)
    assert route.call_count == 7
    second, third = 1000 + 1 + SLOT_MARGIN, 1000 + 2 * (1 + SLOT_MARGIN)
    assert times == pytest.approx([1000, 1000, 1000, second, second, second, third])
    assert clock.sleeps == pytest.approx([1.0 + SLOT_MARGIN, 1.0 + SLOT_MARGIN])


def test_copies_share_one_limiter(mock: respx.MockRouter) -> None:
    clock = FakeClock()
    mock.get(f"{SANDBOX}/v2/dte/organization").respond(json={"rut": "1-9"})
    with Haulmer(
        "k", environment="sandbox", rate_limit=True, clock=clock, sleep=clock.sleep
    ) as client:
        other = client.with_options(timeout=5)
        for target in (client, other, client, other):
            send(target, get_org())
    assert clock.sleeps == pytest.approx([1.0 + SLOT_MARGIN])


def test_limiter_is_off_by_default_and_skips_platform_calls(mock: respx.MockRouter) -> None:
    clock = FakeClock()
    mock.get(f"{SANDBOX}/v2/dte/organization").respond(json={"rut": "1-9"})
    mock.get(f"{PLATFORM}/v1/ping").respond(json={})
    with Haulmer("k", environment="sandbox", clock=clock, sleep=clock.sleep) as client:
        for _ in range(5):
            send(client, get_org())
    ping = APIRequest("GET", "/v1/ping", "platform", dict)
    with Haulmer(
        "k", base_urls={"platform": PLATFORM}, rate_limit=True, clock=clock, sleep=clock.sleep
    ) as client:
        for _ in range(5):
            send(client, ping)
    assert clock.sleeps == []


async def test_async_client_waits_with_its_injected_sleep(mock: respx.MockRouter) -> None:
    clock = FakeClock()
    mock.get(f"{SANDBOX}/v2/dte/organization").mock(
        return_value=httpx.Response(200, json={"rut": "1-9"})
    )
    async with AsyncHaulmer(
        "k", environment="sandbox", rate_limit=True, clock=clock, sleep=clock.async_sleep
    ) as client:
        for _ in range(4):
            await asend(client, get_org())
    assert clock.sleeps == pytest.approx([1.0 + SLOT_MARGIN])


async def test_a_call_cancelled_while_it_waits_for_its_slot_gives_the_slot_back(
    mock: respx.MockRouter,
) -> None:
    import asyncio

    waits: list[float] = []
    impatient = True

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if impatient:
            raise asyncio.CancelledError  # as asyncio.wait_for does when the caller's time is up

    route = mock.get(f"{SANDBOX}/v2/dte/organization").mock(
        return_value=httpx.Response(200, json={"rut": "1-9"})
    )
    async with AsyncHaulmer(
        "k", environment="sandbox", rate_limit=True, clock=lambda: 0.0, sleep=sleep
    ) as client:
        for _ in range(3):
            await asend(client, get_org())
        for _ in range(3):
            with pytest.raises(asyncio.CancelledError):
                await asend(client, get_org())
        impatient = False
        await asend(client, get_org())
    assert route.call_count == 4
    # The three cancelled calls sent nothing, so the fourth call takes the first free slot.
    assert waits == pytest.approx([1.0 + SLOT_MARGIN] * 4)


def test_released_slots_free_the_window_only_for_what_was_never_sent() -> None:
    limiter = InProcessRateLimiter(limits=((1, 1.0),), clock=lambda: 0.0)
    assert limiter.book("key").wait == 0.0
    booking = limiter.book("key")
    assert booking.wait == pytest.approx(1.0 + SLOT_MARGIN)
    limiter.release(booking)
    assert limiter.book("key").wait == pytest.approx(1.0 + SLOT_MARGIN)
    assert limiter.book("key").wait == pytest.approx(2.0 + 2 * SLOT_MARGIN)


def test_a_turn_given_back_twice_takes_no_other_calls_turn_of_the_same_moment() -> None:
    limiter = InProcessRateLimiter(clock=lambda: 1000.0)
    for _ in range(3):
        limiter.book("key")
    first, second, third = (limiter.book("key") for _ in range(3))  # all in the next second
    limiter.release(first)
    limiter.release(first)  # a caller's cleanup run twice
    later = [limiter.book("key"), limiter.book("key")]
    moments = [1000.0 + b.wait for b in (second, third, *later)]
    assert sum(1 for at in moments if at < 1002.0) == 3  # second, third and one more


def test_a_429_asking_for_years_holds_the_limiter_no_longer_than_the_retry_loop_sleeps(
    mock: respx.MockRouter,
) -> None:
    from haulmer._core.retry import MAX_SERVER_WAIT

    clock = FakeClock()
    mock.get(f"{SANDBOX}/v2/dte/organization").side_effect = [
        httpx.Response(429, headers={"Retry-After": "100000000"}),  # three years
        httpx.Response(200, json={"rut": "1-9"}),
        httpx.Response(200, json={"rut": "1-9"}),
    ]
    with Haulmer(
        "k", environment="sandbox", rate_limit=True, clock=clock, sleep=clock.sleep
    ) as client:
        send(client, get_org())
        send(client, get_org())
    assert sum(clock.sleeps) <= MAX_SERVER_WAIT + 1


async def test_async_a_429_asking_for_years_holds_the_limiter_at_most_a_minute(
    mock: respx.MockRouter,
) -> None:
    from haulmer._core.retry import MAX_SERVER_WAIT

    clock = FakeClock()
    mock.get(f"{SANDBOX}/v2/dte/organization").side_effect = [
        httpx.Response(429, headers={"Retry-After": "Fri, 31 Dec 2999 23:59:59 GMT"}),
        httpx.Response(429, headers={"Retry-After": "1e300"}),
        httpx.Response(200, json={"rut": "1-9"}),
    ]
    async with AsyncHaulmer(
        "k", environment="sandbox", rate_limit=True, clock=clock, sleep=clock.async_sleep
    ) as client:
        await asend(client, get_org())
    assert sum(clock.sleeps) <= 2 * MAX_SERVER_WAIT + 1


def test_a_registry_sync_refused_for_its_own_window_does_not_hold_the_other_calls() -> None:
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    today = fake.clock.today()
    periodo = today.year * 100 + today.month
    with fake.client(rate_limit=True) as client:
        client.openfactura.registry.sync_rcv("sales", periodo)
        with pytest.raises(RateLimitError) as refused:
            client.openfactura.registry.sync_rcv("sales", periodo)  # OF-429: ten minutes
        assert refused.value.retry_after == 600
        before = fake.clock.now()
        client.openfactura.organization.retrieve()
        assert (fake.clock.now() - before).total_seconds() < 1


@pytest.mark.parametrize("cls", [Haulmer, AsyncHaulmer])
def test_a_redis_limiter_without_redis_py_is_refused_when_the_client_is_made(
    monkeypatch: pytest.MonkeyPatch, cls: type[Haulmer | AsyncHaulmer]
) -> None:
    import sys

    from haulmer.errors import MissingDependencyError
    from haulmer.ratelimit import RedisRateLimiter

    monkeypatch.setitem(sys.modules, "redis", None)  # the redis extra is not installed
    with pytest.raises(MissingDependencyError, match=r"pip install 'haulmer\[redis\]'"):
        cls("k", rate_limit="redis://:s3cr3t@localhost:6379/0")
    monkeypatch.setenv("HAULMER_RATE_LIMIT_URL", "redis://localhost:6379/0")
    with pytest.raises(MissingDependencyError) as info:
        cls("k")
    assert info.value.extra == "redis"
    with pytest.raises(MissingDependencyError):
        RedisRateLimiter("redis://localhost:6379/0")


class _TurnAheadLimiter(RateLimiter):
    """A limiter of one's own, written against book/release/hold only, that books each turn
    a second ahead."""

    def __init__(self) -> None:
        self.released: list[Booking] = []

    def book(self, bucket: str) -> Booking:
        return Booking(bucket, "turn", 1.0)

    def release(self, booking: Booking) -> None:
        self.released.append(booking)

    def hold(self, bucket: str, seconds: float) -> None:
        pass


def test_a_limiter_of_ones_own_without_confirm_sends_at_the_booked_moment() -> None:
    from haulmer.testing import FakeHaulmer

    clock = FakeClock()
    with FakeHaulmer().client(rate_limit=_TurnAheadLimiter(), sleep=clock.sleep) as client:
        assert client.openfactura.organization.retrieve().rut
    assert clock.sleeps == [1.0]


class _ConfirmingLimiter(_TurnAheadLimiter):
    """Confirms every turn with the answer given."""

    def __init__(self, answer: object) -> None:
        super().__init__()
        self.answer = answer

    def confirm(self, booking: Booking) -> float:
        return self.answer  # type: ignore[return-value]


_CONFIRMATIONS_NO_SLEEP_CAN_KEEP = [
    float("nan"),
    float("inf"),
    1e300,
    10**400,  # an int no float holds: it was a bare OverflowError
    -(10**400),
    "soon",
    None,
    True,
]


@pytest.mark.parametrize("answer", _CONFIRMATIONS_NO_SLEEP_CAN_KEEP, ids=repr)
def test_a_confirmation_no_sleep_can_keep_is_a_typed_error_and_the_turn_is_given_back(
    answer: object,
) -> None:
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    limiter = _ConfirmingLimiter(answer)
    clock = FakeClock()
    with (
        fake.client(rate_limit=limiter, sleep=clock.sleep) as client,
        pytest.raises(RateLimiterUnavailableError) as info,
    ):
        client.openfactura.organization.retrieve()
    assert "_ConfirmingLimiter" in str(info.value)
    assert "confirm()" in str(info.value)
    assert "nothing was sent" in str(info.value)
    assert fake.requests.for_route("openfactura.organization.retrieve") == []
    assert [booking.slot for booking in limiter.released] == ["turn"]


@pytest.mark.parametrize("answer", _CONFIRMATIONS_NO_SLEEP_CAN_KEEP, ids=repr)
async def test_async_a_confirmation_no_sleep_can_keep_is_a_typed_error_before_sending(
    answer: object,
) -> None:
    from haulmer.testing import FakeHaulmer

    fake = FakeHaulmer()
    limiter = _ConfirmingLimiter(answer)
    clock = FakeClock()
    async with fake.async_client(rate_limit=limiter, sleep=clock.async_sleep) as client:
        with pytest.raises(RateLimiterUnavailableError, match=r"confirm\(\)"):
            await client.openfactura.organization.retrieve()
    assert fake.requests.for_route("openfactura.organization.retrieve") == []
    assert [booking.slot for booking in limiter.released] == ["turn"]


@pytest.mark.parametrize("answer", [-3.0, 0, -float("0")])
def test_a_confirmation_of_no_wait_or_less_sends_at_once(answer: float) -> None:
    from haulmer.testing import FakeHaulmer

    clock = FakeClock()
    with FakeHaulmer().client(rate_limit=_ConfirmingLimiter(answer), sleep=clock.sleep) as c:
        assert c.openfactura.organization.retrieve().rut
    assert clock.sleeps == [1.0]


def test_a_confirmation_asking_for_more_waits_it_then_confirms_again() -> None:
    from haulmer.testing import FakeHaulmer

    answers = [2.5, 0.0]

    class MovedOnce(_TurnAheadLimiter):
        def confirm(self, booking: Booking) -> float:
            return answers.pop(0)

    clock = FakeClock()
    with FakeHaulmer().client(rate_limit=MovedOnce(), sleep=clock.sleep) as client:
        assert client.openfactura.organization.retrieve().rut
    assert clock.sleeps == [1.0, 2.5]


async def test_a_call_cancelled_while_it_waits_out_a_hold_gives_its_moved_turn_back(
    mock: respx.MockRouter,
) -> None:
    import asyncio

    from haulmer.ratelimit import api_key_fingerprint

    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    _sent_with_a_hold_arriving_while_the_fourth_waits(mock, clock)

    async def sleep(seconds: float) -> None:
        if not clock.sleeps:  # the booked wait: another client's 429 holds the key meanwhile
            clock.now += 0.1
            await limiter.ahold(api_key_fingerprint("k"), 7.0)
            clock.sleep(seconds - 0.1)
            return
        raise asyncio.CancelledError  # the wait past the hold: the caller gives up

    async with AsyncHaulmer(
        "k", environment="sandbox", rate_limit=limiter, clock=clock, sleep=sleep
    ) as c:
        for _ in range(3):
            await asend(c, get_org())
        with pytest.raises(asyncio.CancelledError):
            await asend(c, get_org())
    bucket = api_key_fingerprint("k")
    after_hold = [clock.now + limiter.book(bucket).wait for _ in range(4)]
    # the cancelled call's turn, moved to the hold's end, was given back: three fit there
    assert after_hold[:3] == pytest.approx([1007.1] * 3)
    assert after_hold[3] == pytest.approx(1007.1 + 1 + SLOT_MARGIN)


def test_a_call_whose_client_is_closed_while_it_waits_for_its_turn_gives_the_turn_back(
    mock: respx.MockRouter,
) -> None:
    from haulmer import ClientClosedError
    from haulmer.ratelimit import api_key_fingerprint

    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    _sent_with_a_hold_arriving_while_the_fourth_waits(mock, clock)
    closing: list[Haulmer] = []

    def sleep(seconds: float) -> None:
        for client in closing:
            client.close()  # another thread closes the client meanwhile
        clock.sleep(seconds)

    with Haulmer("k", environment="sandbox", rate_limit=limiter, clock=clock, sleep=sleep) as c:
        for _ in range(3):
            send(c, get_org())
        closing.append(c)
        with pytest.raises(ClientClosedError):
            send(c, get_org())
    assert clock.now == pytest.approx(1000.0 + 1.0 + SLOT_MARGIN)  # the fourth's moment
    # nothing was sent at it: the second from it still has room for three
    waits = [limiter.book(api_key_fingerprint("k")).wait for _ in range(3)]
    assert waits == [0.0, 0.0, 0.0]


def test_the_windows_of_keys_gone_quiet_are_forgotten() -> None:
    # A process serving many taxpayers' keys kept every key's last minute of turns for good.
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    for tenant in range(1000):
        for _ in range(5):
            clock.now += limiter.book(f"key {tenant}").wait
        clock.now += 2.0
    assert len(limiter._buckets) <= 100  # about the keys of the last minute or two
    assert limiter.book("key 999").wait == 0.0  # what is kept still counts


def test_forgetting_quiet_keys_keeps_the_windows_and_holds_still_running() -> None:
    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    for _ in range(100):
        clock.now += limiter.book("busy").wait
    limiter.hold("held", 50.0)
    held_until = clock.now + 50.0
    for tenant in range(500):  # many other keys, each once
        limiter.book(f"key {tenant}")
    clock.now += 0.5
    for tenant in range(500):
        limiter.book(f"other {tenant}")
    started = clock.now
    assert started + limiter.book("busy").wait >= 1000 + 60.0  # the minute is still full
    assert limiter.book("held").wait == pytest.approx(held_until - started)


_LIMITER_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("book"), st.just(0.0)),
        st.tuples(st.just("hold"), st.floats(0, 10)),
        st.tuples(st.just("advance"), st.floats(0, 3)),
        st.tuples(st.just("release"), st.integers(0, 20)),
    ),
    max_size=80,
)


@given(steps=_LIMITER_STEPS)
def test_no_turn_goes_inside_a_hold_nor_past_a_window_whatever_comes_between(
    steps: list[tuple[str, float]],
) -> None:
    """Calls book, wait for their moment and confirm it, as the engine does, while holds come
    and waiting calls give up: no send goes while a hold recorded before it runs, and no second
    holds more than three sends."""
    import heapq
    import itertools

    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    waiting: list[tuple[float, int, Booking]] = []  # (moment it wakes, order, its turn)
    order = itertools.count()
    sent: list[float] = []
    holds: list[tuple[float, float]] = []

    def wake_until(moment: float) -> None:
        while waiting and waiting[0][0] <= moment:
            wakes, _, booking = heapq.heappop(waiting)
            clock.now = max(clock.now, wakes)
            more = limiter.confirm(booking)
            if more > 0:
                heapq.heappush(waiting, (clock.now + more, next(order), booking))
            else:
                sent.append(clock.now)
        clock.now = max(clock.now, moment)

    for step, value in steps:
        if step == "book":
            booking = limiter.book("key")
            heapq.heappush(waiting, (clock.now + booking.wait, next(order), booking))
            wake_until(clock.now)
        elif step == "hold":
            limiter.hold("key", value)
            holds.append((clock.now, clock.now + value))
        elif step == "advance":
            wake_until(clock.now + value)
        elif waiting:  # a waiting call gives up
            _, _, booking = waiting.pop(int(value) % len(waiting))
            heapq.heapify(waiting)
            limiter.release(booking)
    while waiting:
        wake_until(waiting[0][0])
    for at in sent:
        assert sum(1 for other in sent if at - 1.0 < other <= at) <= 3
        assert not any(start < at < end - 1e-9 for start, end in holds)


def test_each_client_made_with_rate_limit_true_counts_apart_unless_given_one_limiter(
    mock: respx.MockRouter,
) -> None:
    """What docs/scale.md says of ``True``: a client and its copies share its limiter; clients
    made apart share one only when it is given to each."""
    clock = FakeClock()
    mock.get(f"{SANDBOX}/v2/dte/organization").respond(json={"rut": "1-9"})
    with (
        Haulmer("k", environment="sandbox", rate_limit=True, clock=clock, sleep=clock.sleep) as a,
        Haulmer("k", environment="sandbox", rate_limit=True, clock=clock, sleep=clock.sleep) as b,
    ):
        assert a.rate_limiter is not b.rate_limiter
        assert a.with_options(timeout=5).rate_limiter is a.rate_limiter
        shared = InProcessRateLimiter(clock=clock)
        with (
            Haulmer("k", environment="sandbox", rate_limit=shared, sleep=clock.sleep) as c,
            Haulmer("k", environment="sandbox", rate_limit=shared, sleep=clock.sleep) as d,
        ):
            for target in (c, d, d, c):
                send(target, get_org())
    assert clock.sleeps == pytest.approx([1.0 + SLOT_MARGIN])


def test_a_call_whose_http_client_is_closed_while_it_waits_for_its_turn_gives_the_turn_back(
    mock: respx.MockRouter,
) -> None:
    from haulmer import ClientClosedError
    from haulmer.ratelimit import api_key_fingerprint

    clock = FakeClock()
    limiter = InProcessRateLimiter(clock=clock)
    _sent_with_a_hold_arriving_while_the_fourth_waits(mock, clock)
    pool = httpx.Client()

    def sleep(seconds: float) -> None:
        pool.close()  # the user's own pool, closed by another thread meanwhile
        clock.sleep(seconds)

    with Haulmer(
        "k", environment="sandbox", rate_limit=limiter, clock=clock, sleep=sleep, http_client=pool
    ) as c:
        for _ in range(3):
            send(c, get_org())
        with pytest.raises(ClientClosedError):
            send(c, get_org())
    assert clock.now == pytest.approx(1000.0 + 1.0 + SLOT_MARGIN)
    waits = [limiter.book(api_key_fingerprint("k")).wait for _ in range(3)]
    assert waits == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    "url",
    ["redis://:pw-SECRET@localhost:notaport/0", "redis://:pw-SECRET@localhost:6379/x"],
    ids=["port", "database"],
)
@pytest.mark.parametrize(
    "entry", ["RedisRateLimiter", "rate_limiter_from_url", "resolve_rate_limit"]
)
def test_the_frames_of_a_refused_limiter_url_keep_no_password_and_show_by_repr(
    url: str, entry: str
) -> None:
    import haulmer.ratelimit

    with pytest.raises(ConfigurationError) as caught:
        getattr(haulmer.ratelimit, entry)(url)
    found, seen = [], set()
    current: BaseException | None = caught.value
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            if "/haulmer/" in tb.tb_frame.f_code.co_filename.replace("\\", "/"):
                for name, value in tb.tb_frame.f_locals.items():
                    shown = repr(value)  # what an error tracker records; it must not raise
                    if "pw-SECRET" in shown:
                        found.append(f"{tb.tb_frame.f_code.co_name}: {name}")
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    assert found == []

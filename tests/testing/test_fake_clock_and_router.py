"""The fake clock (Chilean time, moves only when told) and path-template routing."""

from __future__ import annotations

import datetime as dt

import pytest

from haulmer.testing import FakeClock, FakeRequest, FakeResponse, Router


def test_clock_starts_where_told_in_santiago_time() -> None:
    clock = FakeClock(dt.datetime(2026, 1, 15, 9, 30))
    assert clock.now().isoformat() == "2026-01-15T09:30:00-03:00"
    assert clock.today() == dt.date(2026, 1, 15)


def test_clock_without_start_begins_at_real_now_and_stays_put() -> None:
    clock = FakeClock()
    first = clock.now()
    assert abs((dt.datetime.now(dt.timezone.utc) - first).total_seconds()) < 60
    assert clock.now() == first


def test_advance_set_sleep_and_reset() -> None:
    clock = FakeClock(dt.datetime(2026, 6, 1, 12, 0))
    clock.advance(days=1, hours=2, minutes=3, seconds=4)
    assert clock.now().isoformat() == "2026-06-02T14:03:04-04:00"
    clock.sleep(56)
    assert clock.now().second == 0
    clock.set(dt.datetime(2026, 6, 10, 0, 0, tzinfo=dt.timezone.utc))
    assert clock.now().isoformat() == "2026-06-09T20:00:00-04:00"
    clock.reset()
    assert clock.now().isoformat() == "2026-06-01T12:00:00-04:00"
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(seconds=-1)


@pytest.mark.parametrize(
    "move",
    [{"days": 10**30}, {"days": 3_000_000}, {"seconds": float("nan")}, {"hours": float("inf")}],
)
def test_advance_past_what_a_datetime_holds_is_a_value_error_and_moves_nothing(
    move: dict[str, float],
) -> None:
    clock = FakeClock(dt.datetime(2026, 6, 1, 12, 0))
    with pytest.raises(ValueError, match=r"FakeClock\.advance\(\)"):
        clock.advance(**move)
    with pytest.raises(ValueError, match=r"FakeClock\.advance\(\)"):
        clock.sleep(1e300)  # a retry's absurd wait, given to the clock as its sleep
    assert clock.now().isoformat() == "2026-06-01T12:00:00-04:00"


async def test_async_sleep_advances_the_clock() -> None:
    clock = FakeClock(dt.datetime(2026, 6, 1, 12, 0))
    await clock.asleep(90)
    assert (clock.now().minute, clock.now().second) == (1, 30)
    assert clock.timestamp() == clock.now().timestamp()


@pytest.mark.parametrize("seconds", [1e-7, 4e-7, 1e-300])
def test_a_sleep_shorter_than_the_clocks_microsecond_still_moves_it(seconds: float) -> None:
    # A wait's last sleep is what its deadline has left, a hair after float rounding: a sleep
    # that moved nothing would have it poll forever without time passing.
    clock = FakeClock(dt.datetime(2026, 6, 1, 12, 0))
    before = clock.now()
    clock.sleep(seconds)
    assert clock.now() - before == dt.timedelta(microseconds=1)


def test_async_sleep_driven_without_an_event_loop_still_moves_the_clock_at_once() -> None:
    clock = FakeClock(dt.datetime(2026, 6, 1, 12, 0))
    sleeping = clock.asleep(90)
    with pytest.raises(StopIteration):
        sleeping.send(None)
    assert (clock.now().minute, clock.now().second) == (1, 30)


def test_advance_counts_elapsed_time_across_a_dst_change() -> None:
    # Chile moved clocks forward on 2026-09-06 at 00:00 (-04:00 -> -03:00).
    clock = FakeClock(dt.datetime(2026, 9, 5, 12, 0))
    clock.advance(hours=24)
    assert clock.now().isoformat() == "2026-09-06T13:00:00-03:00"


def _answer(text: str) -> object:
    return lambda request: FakeResponse(json={"route": text, "params": request.path_params})


def test_router_matches_templates_and_prefers_literals() -> None:
    router = Router()
    router.add("GET", "/v2/dte/document/{token}/{value}", _answer("token"), name="by_token")  # type: ignore[arg-type]
    router.add("GET", "/v2/dte/organization/document", _answer("org"))  # type: ignore[arg-type]
    router.add("GET", "/v2/dte/{a}/{b}", _answer("generic"))  # type: ignore[arg-type]
    route, params = router.match("GET", "/v2/dte/document/abc/xml") or (None, {})
    assert route is not None
    assert route.name == "by_token"
    assert params == {"token": "abc", "value": "xml"}
    org = router.match("get", "/v2/dte/organization/document")
    assert org is not None
    assert org[0].name == "GET /v2/dte/organization/document"
    assert router.match("POST", "/v2/dte/organization/document") is None
    assert router.match("GET", "/v2/dte/document/abc/xml/extra") is None


def test_route_selectors() -> None:
    router = Router()
    route = router.add("POST", "/v1/orders", _answer("orders"), name="checkout.create")  # type: ignore[arg-type]
    for selector in ("checkout.create", "/v1/orders", "POST /v1/orders", "*"):
        assert route.matches(selector)
    assert not route.matches("GET /v1/orders")
    assert router.find("checkout.create") == [route]


def test_fake_request_json_and_case_insensitive_headers() -> None:
    from haulmer.testing._wire import Headers

    request = FakeRequest(
        "POST", "/x", headers=Headers({"Content-Type": "application/json"}), content=b'{"a": 1}'
    )
    assert request.json() == {"a": 1}
    assert request.headers["content-type"] == "application/json"
    assert "CONTENT-TYPE" in request.headers
    response = FakeResponse(201, json={"ok": True})
    assert response.all_headers()["Content-Type"].startswith("application/json")
    assert FakeResponse(204).body == b""


def test_every_public_name_of_haulmer_testing_resolves() -> None:
    import haulmer.testing

    for name in haulmer.testing.__all__:
        assert getattr(haulmer.testing, name) is not None
    assert set(haulmer.testing.__all__) <= set(dir(haulmer.testing))
    with pytest.raises(AttributeError):
        _ = haulmer.testing.Nope  # type: ignore[attr-defined]


def test_a_clock_set_in_the_hour_chile_skips_reads_the_time_chile_has_then() -> None:
    # 2026-09-06 00:00-04:00 became 01:00-03:00: 00:30 never happened on Chilean clocks.
    clock = FakeClock(dt.datetime(2026, 9, 6, 0, 30))
    assert clock.now().isoformat() == "2026-09-06T01:30:00-03:00"
    clock.set(dt.datetime(2026, 9, 6, 0, 59, 59))
    assert clock.now().isoformat() == "2026-09-06T01:59:59-03:00"
    assert clock.now().time() == dt.time(1, 59, 59)


def test_a_clock_set_in_the_hour_chile_lives_twice_keeps_which_time_it_is() -> None:
    # 2026-04-05 00:00-03:00 became 2026-04-04 23:00-04:00: 23:30 happened twice.
    first = FakeClock(dt.datetime(2026, 4, 4, 23, 30))
    second = FakeClock(dt.datetime(2026, 4, 4, 23, 30, fold=1))
    assert first.now().isoformat() == "2026-04-04T23:30:00-03:00"
    assert second.now().isoformat() == "2026-04-04T23:30:00-04:00"
    assert first.advance(hours=1).isoformat() == "2026-04-04T23:30:00-04:00"
    assert first.today() == dt.date(2026, 4, 4)


@pytest.mark.parametrize(
    "clock", [dt.datetime(2026, 1, 2, 9, 0), dt.date(2026, 1, 2), "2026-01-02", FakeClock]
)
def test_a_fake_given_a_clock_that_is_no_fake_clock_refuses_it_at_once(clock: object) -> None:
    # A start time where the clock goes is a natural slip; taken, it failed at the first call
    # with an AttributeError ('datetime.datetime' object has no attribute 'sleep').
    from haulmer.testing import FakeHaulmer

    with pytest.raises(TypeError, match=r"clock= takes a FakeClock.*FakeClock\("):
        FakeHaulmer(clock=clock)  # type: ignore[arg-type]


@pytest.mark.parametrize("start", [0, "", dt.date(2026, 1, 2)])
def test_a_clock_started_at_something_that_is_no_datetime_is_a_type_error(start: object) -> None:
    with pytest.raises(TypeError, match=r"datetime\.datetime"):
        FakeClock(start)  # type: ignore[arg-type]

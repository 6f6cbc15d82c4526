"""``fake.client()`` / ``fake.async_client()``: the SDK's clients served by the fake in-process."""

from __future__ import annotations

import asyncio
import copy

import httpx
import pytest
from fake_bodies import HOSTY_KEY, factura
from hypothesis import HealthCheck, given, settings

import haulmer
from built_documents import built_documents
from haulmer.dte.document import Document
from haulmer.sii import parse
from haulmer.testing import SANDBOX_API_KEY, FakeHaulmer, serve


def test_client_defaults_to_the_haulmer_sandbox_key(fake: FakeHaulmer) -> None:
    client = fake.client()
    assert isinstance(client, haulmer.Haulmer)
    org = client.openfactura.organization.retrieve()
    assert str(org.rut) == "76795561-8"
    assert fake.requests.last.headers["apikey"] == SANDBOX_API_KEY


_REAL_SERVICE_VARIABLES = {
    "HAULMER_ENVIRONMENT": "no-such-environment",
    "HAULMER_BASE_URL": "https://api.example.invalid",
    "HAULMER_RATE_LIMIT_URL": "redis://redis.example.invalid:6379/0",
}


def test_the_real_services_variables_do_not_reach_a_client_on_the_fake(
    fake: FakeHaulmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _REAL_SERVICE_VARIABLES.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(haulmer.errors.ConfigurationError):
        haulmer.Haulmer("k")  # a client of the real service reads them
    client = fake.client()
    emitted = client.openfactura.documents.emit(copy.deepcopy(factura()["dte"]), response=["FOLIO"])
    assert emitted.folio == 1
    assert str(client.openfactura.organization.retrieve().rut) == "76795561-8"


async def test_the_real_services_variables_do_not_reach_an_async_client_on_the_fake(
    fake: FakeHaulmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _REAL_SERVICE_VARIABLES.items():
        monkeypatch.setenv(name, value)
    async with fake.async_client() as client:
        organization = await client.openfactura.organization.retrieve()
    assert str(organization.rut) == "76795561-8"


def test_client_accepts_another_key(fake: FakeHaulmer) -> None:
    client = fake.client(api_key=HOSTY_KEY)
    assert client.openfactura.organization.retrieve().razon_social == "HOSTY SPA"


def test_sdk_emission_and_status_round_trip(fake: FakeHaulmer) -> None:
    client = fake.client()
    emitted = client.openfactura.documents.emit(copy.deepcopy(factura()["dte"]), response=["FOLIO"])
    assert emitted.folio == 1
    assert client.openfactura.documents.status(emitted.token).estado == "Pendiente"
    fake.clock.advance(minutes=3)
    assert client.openfactura.documents.status(emitted.token).estado == "Aceptado"


def test_retries_after_5xx_do_not_sleep_for_real(fake: FakeHaulmer) -> None:
    client = fake.client(max_retries=2)
    fake.control.fail_next("openfactura.organization.retrieve", status=503, times=2, retry_after=20)
    before = fake.clock.now()
    assert client.openfactura.organization.retrieve().razon_social == "HAULMER CHILE SPA"
    assert len(fake.requests.for_route("openfactura.organization.retrieve")) == 3
    # The waits the server asked for passed on the fake clock, not the real one.
    assert (fake.clock.now() - before).total_seconds() >= 40


def test_exhausted_retries_surface_the_typed_error(fake: FakeHaulmer) -> None:
    client = fake.client(max_retries=1)
    fake.control.fail_next(status=500, times=5)
    with pytest.raises(haulmer.ServerError) as caught:
        client.openfactura.organization.retrieve()
    assert caught.value.status_code == 500


def test_a_dropped_emission_is_retried_and_returns_the_document_once(fake: FakeHaulmer) -> None:
    client = fake.client()
    fake.control.drop_connection("openfactura.documents.emit", when="after")
    emitted = client.openfactura.documents.emit(copy.deepcopy(factura()["dte"]), response=["FOLIO"])
    assert len(fake.openfactura_state.documents) == 1
    assert emitted.token == fake.openfactura_state.documents[0].token


def test_wrong_key_raises_authentication_error(fake: FakeHaulmer) -> None:
    client = fake.client(api_key="f" * 32)
    with pytest.raises(haulmer.AuthenticationError):
        client.openfactura.organization.retrieve()


async def test_async_client_is_served_by_the_same_fake(fake: FakeHaulmer) -> None:
    client = fake.async_client()
    assert isinstance(client, haulmer.AsyncHaulmer)
    emitted = await client.openfactura.documents.emit(
        copy.deepcopy(factura()["dte"]), response=["FOLIO"]
    )
    assert emitted.folio == 1
    fake.control.fail_next(status=503, retry_after=5)
    org = await client.openfactura.organization.retrieve()
    assert org.razon_social == "HAULMER CHILE SPA"
    assert fake.clock.now() > fake.requests[0].at


def test_a_timed_out_emission_is_retried_and_found_already_issued(fake: FakeHaulmer) -> None:
    client = fake.client()
    fake.control.slow("openfactura.documents.emit", seconds=120)
    before = fake.clock.now()
    emitted = client.openfactura.documents.emit(copy.deepcopy(factura()["dte"]), response=["FOLIO"])
    assert emitted.already_issued
    assert emitted.folio == 1
    assert len(fake.openfactura_state.documents) == 1
    assert fake.requests.for_route("openfactura.documents.emit")[0].outcome == "timed_out"
    assert (fake.clock.now() - before).total_seconds() >= 30


def test_reads_that_keep_timing_out_raise_api_timeout_error(fake: FakeHaulmer) -> None:
    client = fake.client(max_retries=1, timeout=10)
    fake.control.slow("openfactura.organization.retrieve", seconds=60, times=2)
    with pytest.raises(haulmer.APITimeoutError):
        client.openfactura.organization.retrieve()
    assert len(fake.requests) == 2


_FAKE_TYPES = (33, 34, 39, 41, 43, 46, 52, 56, 61)
"""The types the fake's sandbox company issues (it has no export folios)."""


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(built_documents(types=_FAKE_TYPES, emisor_rut="76795561-8"))
def test_property_an_emitted_document_reads_back_as_built(document: Document) -> None:
    client = FakeHaulmer().client()
    documents = client.openfactura.documents
    emitted = documents.emit(document, response=["FOLIO", "TOKEN"])
    assert emitted.folio is not None
    assert emitted.token is not None
    expected = document.with_folio(emitted.folio).completed()
    by_folio = documents.json(rut="76795561-8", dte_type=document.tipo_dte, folio=emitted.folio)
    assert documents.json(emitted.token).to_document() == expected
    assert by_folio.to_document() == expected
    assert parse(documents.xml(emitted.token)) == expected
    (row,) = documents.list_issued()
    assert (row.tipo_dte, row.folio, row.mnt_total) == (
        document.tipo_dte,
        emitted.folio,
        expected.totals.mnt_total,
    )


def test_a_client_given_an_http_client_of_its_own_must_send_through_the_fake(
    fake: FakeHaulmer,
) -> None:
    with (
        httpx.Client(timeout=5) as network,
        pytest.raises(ValueError, match=r"httpx\.Client\(transport=fake\.transport"),
    ):
        fake.client(http_client=network)  # would have sent to http://haulmer.fake for real
    seen: list[str] = []
    with httpx.Client(
        transport=fake.transport, event_hooks={"request": [lambda r: seen.append(r.url.path)]}
    ) as routed:
        assert fake.client(http_client=routed).openfactura.organization.retrieve().razon_social
    assert seen == ["/v2/dte/organization"]


async def test_an_async_client_given_an_http_client_of_its_own_must_send_through_the_fake(
    fake: FakeHaulmer,
) -> None:
    async with httpx.AsyncClient() as network:
        with pytest.raises(ValueError, match=r"httpx\.AsyncClient\(transport=fake\.transport"):
            fake.async_client(http_client=network)
    async with httpx.AsyncClient(transport=fake.transport) as routed:
        organization = await fake.async_client(
            http_client=routed
        ).openfactura.organization.retrieve()
    assert str(organization.rut) == "76795561-8"


def test_a_client_given_an_http_client_on_another_fakes_transport_is_refused(
    fake: FakeHaulmer,
) -> None:
    # Its requests would be served by the other fake (its state and log) while its waits moved
    # this fake's clock: two fakes in one test, silently mixed.
    other = FakeHaulmer()
    with (
        httpx.Client(transport=other.transport) as elsewhere,
        pytest.raises(ValueError, match=r"another FakeHaulmer.*transport=fake\.transport"),
    ):
        fake.client(http_client=elsewhere)
    assert other.requests.total == 0


async def test_an_async_client_given_an_http_client_on_another_fakes_transport_is_refused(
    fake: FakeHaulmer,
) -> None:
    other = FakeHaulmer()
    async with httpx.AsyncClient(transport=other.transport) as elsewhere:
        with pytest.raises(ValueError, match=r"another FakeHaulmer.*transport=fake\.transport"):
            fake.async_client(http_client=elsewhere)
    assert other.requests.total == 0


def test_a_client_with_base_urls_of_its_own_may_send_through_the_network(
    fake: FakeHaulmer,
) -> None:
    with serve(fake) as url, httpx.Client() as network:
        urls = {"openfactura": url, "platform": url}
        client = fake.client(base_urls=urls, http_client=network)
        assert str(client.openfactura.organization.retrieve().rut) == "76795561-8"


async def test_an_async_client_refuses_a_sleep_that_is_no_async_function(
    fake: FakeHaulmer,
) -> None:
    waits: list[float] = []
    with pytest.raises(TypeError, match=r"async def"):  # a builtin: refused where it is given
        fake.async_client(sleep=waits.append)  # type: ignore[arg-type]
    # A plain function is judged by what it returns, when the client first waits.
    client = fake.async_client(sleep=lambda seconds: None)  # type: ignore[arg-type]
    fake.control.fail_next("openfactura.organization.retrieve", status=503, retry_after=2)
    with pytest.raises(TypeError, match=r"async def.*returned NoneType, not an awaitable"):
        await client.openfactura.organization.retrieve()


def test_a_blocking_fake_client_refuses_an_async_sleep(fake: FakeHaulmer) -> None:
    with pytest.raises(TypeError, match=r"asyncio.sleep is for AsyncHaulmer"):
        fake.client(sleep=asyncio.sleep)  # type: ignore[arg-type]
    client = fake.client(sleep=lambda seconds: asyncio.sleep(seconds))
    fake.control.fail_next("openfactura.organization.retrieve", status=503, retry_after=2)
    with pytest.raises(TypeError, match=r"returned coroutine, which does not wait"):
        client.openfactura.organization.retrieve()


async def test_an_async_client_takes_a_plain_function_returning_an_awaitable(
    fake: FakeHaulmer,
) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    client = fake.async_client(sleep=lambda seconds: record(seconds))
    fake.control.fail_next("openfactura.organization.retrieve", status=503, retry_after=2)
    assert str((await client.openfactura.organization.retrieve()).rut) == "76795561-8"
    assert waits == [2.0]


async def test_an_async_client_takes_an_async_sleep_of_its_own(fake: FakeHaulmer) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    client = fake.async_client(sleep=record)
    fake.control.fail_next("openfactura.organization.retrieve", status=503, retry_after=2)
    before = fake.clock.now()
    assert str((await client.openfactura.organization.retrieve()).rut) == "76795561-8"
    assert waits == [2.0]
    assert (fake.clock.now() - before).total_seconds() == 2


def test_a_client_given_now_and_clock_none_runs_on_the_fake_clock_as_without_them(
    fake: FakeHaulmer,
) -> None:
    import datetime as dt

    import haulmer.dte as dte

    fake.control.rate_limit(None)
    fake.clock.set(fake.clock.now() - dt.timedelta(days=30))  # the fake's today is in the past
    client = fake.client(now=None, clock=None)  # a wrapper passing its defaults on
    factura_of_the_day = dte.factura(
        emisor={"rut": "76795561-8", "razon_social": "HAULMER SPA", "giro": "Software",
                "actecos": [620200], "direccion": "Arturo Prat 527", "comuna": "Curicó"},
        receptor={"rut": "76430498-5", "razon_social": "HOSTY SPA", "giro": "Informática",
                  "direccion": "Arturo Prat 527", "comuna": "Curicó"},
        lines=[{"nombre": "Hosting", "cantidad": 1, "precio": 2000}],
        fecha=fake.clock.today(),
    )  # fmt: skip
    issued = client.openfactura.documents.emit(factura_of_the_day)
    note = client.openfactura.documents.credit_note(issued, reason="Anula")  # no fecha: today
    assert note.folio == 1
    assert fake.openfactura_state.documents[-1].fch_emis == fake.clock.today().isoformat()


def test_a_limiter_on_the_machines_clock_under_the_fakes_sleep_is_a_typed_error_at_its_wait(
    fake: FakeHaulmer,
) -> None:
    # The fake's sleep moves fake time, never the limiter's real clock: each turn was booked
    # later than the last, and 200 calls moved the fake clock 2.6 hours ahead instead of 95 s.
    from haulmer.ratelimit import InProcessRateLimiter

    with fake.client(rate_limit=InProcessRateLimiter()) as client:
        for _ in range(3):  # within the limit: nothing to wait for
            client.openfactura.organization.retrieve()
        with pytest.raises(haulmer.ConfigurationError) as refused:
            client.openfactura.organization.retrieve()
    assert "clock=fake.clock.timestamp" in str(refused.value)
    assert "Nothing was sent" in str(refused.value)
    assert fake.requests.total == 3


async def test_an_async_client_says_so_too(fake: FakeHaulmer) -> None:
    from haulmer.ratelimit import InProcessRateLimiter

    async with fake.async_client(rate_limit=InProcessRateLimiter()) as client:
        with pytest.raises(haulmer.ConfigurationError, match="real clock"):
            for _ in range(4):
                await client.openfactura.organization.retrieve()
    assert fake.requests.total == 3


def test_a_redis_limiter_on_redis_time_under_the_fakes_sleep_is_a_typed_error_at_its_wait(
    fake: FakeHaulmer,
) -> None:
    # Asked again at once after each fake sleep, Redis answered "not yet" thousands of times a
    # second: 8 calls made 4,929 bookings and moved the fake clock 42 minutes ahead.
    from haulmer.ratelimit import Booking, RedisRateLimiter

    class NotYet(RedisRateLimiter):
        def book(self, bucket: str) -> Booking:
            return Booking(bucket, None, 1.5, reserved=False)

    limiter = NotYet("redis://127.0.0.1:1/0")
    with (
        fake.client(rate_limit=limiter) as client,
        pytest.raises(haulmer.ConfigurationError, match="RedisRateLimiter"),
    ):
        client.openfactura.organization.retrieve()
    assert fake.requests.total == 0


def test_a_limiter_on_the_fakes_clock_paces_calls_in_fake_time_as_the_service_does(
    fake: FakeHaulmer,
) -> None:
    from haulmer.ratelimit import InProcessRateLimiter

    shared = InProcessRateLimiter(clock=fake.clock.timestamp)
    start = fake.clock.timestamp()
    with fake.client(rate_limit=shared) as one, fake.client(rate_limit=shared) as other:
        for number in range(200):
            (one if number % 2 else other).openfactura.organization.retrieve()
    assert 93 < fake.clock.timestamp() - start < 100  # 100 a minute, 3 a second: 94 s
    assert {entry.status for entry in fake.requests} == {200}


def test_a_limiter_on_a_real_clock_is_taken_with_a_sleep_of_ones_own(fake: FakeHaulmer) -> None:
    from haulmer.ratelimit import InProcessRateLimiter

    limiter = InProcessRateLimiter()
    with fake.client(rate_limit=limiter, sleep=lambda seconds: None) as client:
        assert client.rate_limiter is limiter


def test_a_limiter_on_the_machines_clock_is_kept_with_a_sleep_that_waits_for_real(
    fake: FakeHaulmer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from haulmer.ratelimit import InProcessRateLimiter

    limiter = InProcessRateLimiter()  # on time.monotonic, as made
    machine = [time.monotonic()]
    monkeypatch.setattr(time, "monotonic", lambda: machine[0])

    def waits(seconds: float) -> None:  # the machine's clock moves as a real sleep's would
        machine[0] += seconds

    with fake.client(rate_limit=limiter, sleep=waits) as client:
        for _ in range(5):
            client.openfactura.organization.retrieve()
    assert fake.requests.total == 5


@pytest.mark.parametrize("environment", ["sandbox", "production"])
def test_a_client_given_the_fakes_own_environment_is_served_the_platform_too(
    environment: str,
) -> None:
    # The platform has no public URL in either environment: such a client refused every
    # checkout or accounts call with a ConfigurationError, on a fake that serves them.
    fake = FakeHaulmer(environment=environment)  # type: ignore[arg-type]
    client = fake.client(environment=environment)
    assert client.checkout.catalog()
    assert client.openfactura.organization.retrieve().rut
    assert client.environment == environment


async def test_an_async_client_given_the_fakes_own_environment_is_served_the_platform_too() -> None:
    fake = FakeHaulmer(environment="production")
    client = fake.async_client(environment="production")
    assert await client.checkout.catalog()


def test_a_client_given_another_environment_than_the_fakes_is_refused() -> None:
    # The fake answers as its own environment whatever the client says: a test of production's
    # behaviour on a sandbox fake would pass for the wrong reason.
    fake = FakeHaulmer()
    with pytest.raises(ValueError, match=r"FakeHaulmer\(environment='production'\)"):
        fake.client(environment="production")
    with pytest.raises(ValueError, match=r"FakeHaulmer\(environment='production'\)"):
        fake.async_client(environment="production")


@pytest.mark.parametrize("face", ["client", "async_client"])
def test_the_frames_of_a_fake_client_refused_at_construction_keep_no_key_or_token(
    fake: FakeHaulmer, face: str
) -> None:
    make = getattr(fake, face)
    with pytest.raises(haulmer.errors.ConfigurationError) as caught:
        make(api_key="key_secret_0123456789", access_token="tok_secret_0123456789\r\nX-Evil: 1")
    found, seen = [], set()
    current: BaseException | None = caught.value
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            if "/haulmer/" in tb.tb_frame.f_code.co_filename.replace("\\", "/"):
                for name, value in tb.tb_frame.f_locals.items():
                    if "_secret_" in repr(value):
                        found.append(f"{tb.tb_frame.f_code.co_name}: {name}")
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
    assert found == []

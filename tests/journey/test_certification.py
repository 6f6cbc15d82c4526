"""SII certification: business days (weekends and Chilean holidays), status, wait(), API key."""

from __future__ import annotations

import asyncio
import math
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haulmer import Haulmer
from haulmer.errors import (
    APIStatusError,
    ConflictError,
    NotFoundError,
    StepOutOfOrderError,
    ValidationError,
    WaitTimeoutError,
)
from haulmer.openfactura.certification import (
    CERTIFICATION_BUSINESS_DAYS,
    CERTIFICATION_STAGES,
    CertificationStage,
    add_business_days,
    business_days_between,
    estimated_completion,
    is_business_day,
)
from haulmer.openfactura.setup import OpenFacturaSetup
from haulmer.testing import FakeHaulmer
from journey.story import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ReadyWorkspace,
    ready_workspace,
    setup_with_certificate,
)

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


def test_weekends_and_chilean_holidays_are_not_business_days() -> None:
    assert is_business_day(date(2026, 12, 7))  # Monday
    assert not is_business_day(date(2026, 12, 5))  # Saturday
    assert not is_business_day(date(2026, 12, 8))  # Inmaculada Concepción
    assert not is_business_day(date(2026, 9, 18))  # Fiestas Patrias
    assert not is_business_day(date(2027, 1, 1))


@pytest.mark.parametrize(
    "day",
    [
        date(2027, 6, 7),  # a Monday, Asalto y Toma del Morro: Arica y Parinacota's alone
        date(2026, 8, 20),  # a Thursday, Nacimiento del Prócer: Chillán's alone
        date(2026, 12, 31),  # a Thursday the banks close, the SII does not
    ],
)
def test_a_regional_or_bank_holiday_is_a_business_day_for_the_sii_in_santiago(day: date) -> None:
    assert is_business_day(day)


def test_holidays_that_move_to_a_monday_or_friday_are_not_business_days() -> None:
    assert not is_business_day(date(2027, 6, 28))  # San Pedro y San Pablo, from Tuesday 29
    assert not is_business_day(date(2027, 10, 11))  # Encuentro de Dos Mundos, from Tuesday 12
    assert not is_business_day(date(2027, 9, 17))  # the Friday before a Saturday 18
    assert not is_business_day(date(2025, 6, 20))  # Pueblos Indígenas, the solstice's day
    assert not is_business_day(date(2028, 10, 27))  # Iglesias Evangélicas, from Tuesday 31
    assert is_business_day(date(2027, 6, 29))
    assert is_business_day(date(2027, 10, 12))
    assert is_business_day(date(2028, 10, 31))


def test_seven_business_days_skip_a_weekend_and_a_holiday() -> None:
    assert estimated_completion(date(2026, 12, 3)) == date(2026, 12, 15)
    assert business_days_between(date(2026, 12, 3), date(2026, 12, 15)) == 7


@given(days, st.integers(min_value=0, max_value=40))
def test_adding_business_days_lands_on_a_business_day_that_many_away(
    start: date, count: int
) -> None:
    end = add_business_days(start, count)
    assert business_days_between(start, end) == count
    if count:
        assert is_business_day(end)
        assert business_days_between(start, end - timedelta(days=1)) == count - 1


@given(days)
def test_certification_never_ends_sooner_than_seven_calendar_days(start: date) -> None:
    end = estimated_completion(start)
    assert end - start >= timedelta(days=CERTIFICATION_BUSINESS_DAYS)


def test_negative_business_days_are_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        add_business_days(date(2026, 12, 3), -1)


@pytest.mark.parametrize("days", [2.5, 7.0, "7", None, True])
def test_a_count_of_business_days_that_is_no_whole_number_is_refused_at_once(
    days: object,
) -> None:
    # 2.5 used to count past 0 (2.5, 1.5, 0.5, -0.5...) to the calendar's end: seconds of work,
    # then an OverflowError.
    with pytest.raises(ValidationError, match="whole number of business days"):
        add_business_days(date(2026, 12, 3), days)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="whole number of business days"):
        estimated_completion(date(2026, 12, 3), days)  # type: ignore[arg-type]


def test_a_day_that_is_no_date_is_refused_with_a_typed_error() -> None:
    with pytest.raises(ValidationError, match=r"day must be a datetime\.date or its text YYYY"):
        is_business_day(20261208)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"start: '03/12/2026' is not a date written YYYY"):
        add_business_days("03/12/2026", 7)
    with pytest.raises(ValidationError, match=r"end: '2026-02-30' is no day of the calendar"):
        business_days_between(date(2026, 12, 3), "2026-02-30")
    with pytest.raises(ValidationError, match=r"end must be a datetime\.date or its text YYYY"):
        business_days_between(date(2026, 12, 3), None)  # type: ignore[arg-type]


def test_a_day_written_yyyy_mm_dd_is_read_as_other_date_arguments_are() -> None:
    """Caf.is_valid_on(), the document models and the list filters take a day as its ISO text;
    the business-day calendar refused it."""
    assert is_business_day("2026-12-07") is True
    assert is_business_day(" 2026-12-08 ") is False  # Inmaculada Concepción
    assert add_business_days("2026-12-04", 1) == date(2026, 12, 7)
    assert business_days_between("2026-12-04", "2026-12-09") == 2
    assert estimated_completion("2026-12-04") == estimated_completion(date(2026, 12, 4))


def test_business_days_past_the_calendars_end_are_refused_at_once() -> None:
    with pytest.raises(ValidationError, match="year 9999"):
        add_business_days(date(2026, 12, 3), 10**9)
    with pytest.raises(ValidationError, match="year 9999"):
        add_business_days(date(9999, 12, 24), 10)


def test_a_moment_before_the_calendars_first_day_in_chile_is_refused_at_once() -> None:
    first_moment = datetime.min.replace(tzinfo=timezone.utc)  # still year 0 in Santiago
    with pytest.raises(ValidationError, match="before 0001-01-01 in Chile"):
        is_business_day(first_moment)
    with pytest.raises(ValidationError, match=r"start.*before 0001-01-01 in Chile"):
        add_business_days(first_moment, 1)
    with pytest.raises(ValidationError, match=r"end.*before 0001-01-01 in Chile"):
        business_days_between(date(2026, 12, 3), first_moment)


def test_an_aware_moment_counts_from_its_day_in_chile() -> None:
    # 02:30 UTC on Saturday 5 December is 23:30 on Friday 4 December in Santiago.
    late_friday = datetime(2026, 12, 5, 2, 30, tzinfo=timezone.utc)
    assert is_business_day(late_friday)
    assert add_business_days(late_friday, 1) == date(2026, 12, 7)
    assert estimated_completion(late_friday) == estimated_completion(date(2026, 12, 4))
    assert type(estimated_completion(late_friday)) is date
    assert business_days_between(late_friday, date(2026, 12, 7)) == 1
    # A naive moment is Chilean local time already.
    assert add_business_days(datetime(2026, 12, 4, 23, 30), 1) == date(2026, 12, 7)


@pytest.fixture
def ready(fake: FakeHaulmer, client: Haulmer) -> ReadyWorkspace:
    return ready_workspace(fake, client)


@pytest.fixture
def certifying(fake: FakeHaulmer, ready: ReadyWorkspace) -> OpenFacturaSetup:
    setup = setup_with_certificate(fake, ready)
    return ready.admin.openfactura.setup.choose_dte_types(setup, [33, 39])


def test_certification_status_before_the_dte_types_is_out_of_order(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = setup_with_certificate(fake, ready)
    with pytest.raises(StepOutOfOrderError, match="certification has not started"):
        ready.admin.openfactura.certification.retrieve(setup.id)


def test_progress_follows_the_clock_day_by_day(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    certification = ready.admin.openfactura.certification
    seen = []
    for _ in range(14):
        status = certification.retrieve(certifying.id)
        seen.append((fake.clock.today(), status.stage, status.business_days_elapsed))
        fake.clock.advance(days=1)
    stages = {day: stage for day, stage, _ in seen}
    assert stages[date(2026, 12, 3)] is CertificationStage.POSTULACION
    assert stages[date(2026, 12, 8)] is CertificationStage.SET_DE_PRUEBAS  # holiday: no change
    assert stages[date(2026, 12, 14)] is CertificationStage.MUESTRAS_IMPRESION
    assert stages[date(2026, 12, 15)] is CertificationStage.CERTIFIED
    assert max(elapsed for _, _, elapsed in seen) == CERTIFICATION_BUSINESS_DAYS
    progress = [e for e in fake.outbox.for_address(ADMIN_EMAIL) if "certific" in e.subject]
    assert len(progress) == len(CertificationStage)
    assert all(e.sent_at.hour == 9 for e in progress[1:])
    assert all(e.sent_at.date().weekday() < 5 for e in progress)


def test_a_business_day_counts_as_elapsed_from_the_hour_its_stage_is_reached(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    certification = ready.admin.openfactura.certification
    fake.clock.set(datetime(2026, 12, 15, 8, 30))  # the 7th business day, before 09:00
    early = certification.retrieve(certifying.id)
    assert not early.is_certified
    assert early.stage is CertificationStage.MUESTRAS_IMPRESION
    assert early.business_days_elapsed == 6  # not "7 of 7" while still waiting
    fake.clock.set(datetime(2026, 12, 15, 9, 0))
    certified = certification.retrieve(certifying.id)
    assert certified.is_certified
    assert certified.business_days_elapsed == 7


def test_all_business_days_have_elapsed_exactly_when_certified(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    certification = ready.admin.openfactura.certification
    stage_days = {stage: day for day, stage in CERTIFICATION_STAGES}
    for _ in range(4 * 14):
        status = certification.retrieve(certifying.id)
        assert status.is_certified == (status.business_days_elapsed == CERTIFICATION_BUSINESS_DAYS)
        assert status.business_days_elapsed >= stage_days[status.stage]
        fake.clock.advance(hours=6)


def test_wait_polls_until_certified(ready: ReadyWorkspace, certifying: OpenFacturaSetup) -> None:
    status = ready.admin.openfactura.certification.wait(certifying.id, poll_interval=24 * 3600)
    assert status.is_certified
    assert status.estimated_completion == date(2026, 12, 15)


def test_wait_passes_extra_headers_and_max_retries_to_each_poll(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    certification = ready.admin.openfactura.certification
    before = len(fake.requests.for_route("openfactura.certification.retrieve"))
    certification.wait(
        certifying.id,
        poll_interval=24 * 3600,
        extra_headers={"X-Trace": "erp-7"},
        max_retries=0,
    )
    polls = fake.requests.for_route("openfactura.certification.retrieve")[before:]
    assert len(polls) > 1
    assert all(poll.headers["X-Trace"] == "erp-7" for poll in polls)


def test_wait_rides_out_server_errors_and_dropped_connections(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    fake.control.fail_next("openfactura.certification.retrieve", status=503, times=5)
    fake.control.drop_connection("openfactura.certification.retrieve", times=2)
    status = ready.admin.openfactura.certification.wait(certifying.id, poll_interval=24 * 3600)
    assert status.is_certified
    assert fake.clock.today() == date(2026, 12, 15)


def test_wait_that_only_met_failures_times_out_naming_the_last_one(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    fake.control.fail_next("openfactura.certification.retrieve", status=502, times=1000)
    with pytest.raises(WaitTimeoutError, match="The last poll failed: HTTP 502") as caught:
        ready.admin.openfactura.certification.wait(
            certifying.id, timeout=3 * 3600, poll_interval=3600, max_retries=0
        )
    assert caught.value.last is None
    assert caught.value.waited == 3 * 3600
    assert certifying.id in str(caught.value)


@pytest.mark.parametrize("status", [401, 404, 409])
def test_wait_fails_at_once_on_an_error_that_will_not_go_away(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup, status: int
) -> None:
    fake.control.fail_next("openfactura.certification.retrieve", status=status, times=1000)
    before = fake.clock.now()
    with pytest.raises(APIStatusError) as caught:
        ready.admin.openfactura.certification.wait(certifying.id, poll_interval=3600)
    assert caught.value.status_code == status
    assert fake.clock.now() == before


def test_wait_gives_up_at_its_deadline(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    before = fake.clock.now()
    with pytest.raises(WaitTimeoutError, match="2026-12-15") as caught:
        ready.admin.openfactura.certification.wait(
            certifying.id, timeout=2 * 24 * 3600, poll_interval=3600
        )
    assert fake.clock.now() - before == timedelta(days=2)
    assert caught.value.waited == 2 * 24 * 3600
    assert caught.value.last.stage is CertificationStage.POSTULACION


@pytest.mark.parametrize(("timeout", "poll_interval"), [(5.3, 1), (0.1, 0.03), (1e-7, 1)])
def test_a_wait_with_a_fractional_timeout_on_the_fake_clock_ends_at_its_deadline(
    fake: FakeHaulmer,
    client: Haulmer,
    certifying: OpenFacturaSetup,
    timeout: float,
    poll_interval: float,
) -> None:
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        assert len(sleeps) < 1000, "the wait polls on without the fake clock moving"

    session = client.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    admin = fake.client(api_key=None, access_token=session.access_token, sleep=sleep)
    with pytest.raises(WaitTimeoutError) as caught:
        admin.openfactura.certification.wait(
            certifying.id, timeout=timeout, poll_interval=poll_interval
        )
    assert caught.value.waited == pytest.approx(timeout, abs=1e-5)
    assert len(sleeps) <= math.ceil(timeout / poll_interval) + 1


async def test_an_async_wait_with_a_fractional_timeout_on_the_fake_clock_ends_at_its_deadline(
    fake: FakeHaulmer, certifying: OpenFacturaSetup
) -> None:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        assert len(sleeps) < 1000, "the wait polls on without the fake clock moving"

    async with fake.async_client(api_key=None) as anonymous:
        session = await anonymous.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    async with fake.async_client(
        api_key=None, access_token=session.access_token, sleep=sleep
    ) as admin:
        with pytest.raises(WaitTimeoutError) as caught:
            await admin.openfactura.certification.wait(certifying.id, timeout=5.3, poll_interval=1)
    assert caught.value.waited == pytest.approx(5.3, abs=1e-5)
    assert len(sleeps) <= math.ceil(5.3 / 1) + 1


async def test_an_async_wait_on_the_fake_clock_lets_other_tasks_run_and_can_be_cancelled(
    fake: FakeHaulmer, certifying: OpenFacturaSetup
) -> None:
    async with fake.async_client(api_key=None) as anonymous:
        session = await anonymous.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    async with fake.async_client(api_key=None, access_token=session.access_token) as admin:
        waiting = asyncio.create_task(
            admin.openfactura.certification.wait(certifying.id, poll_interval=600)
        )
        await asyncio.sleep(0)  # the wait starts and polls
        polls = len(fake.requests.for_route("openfactura.certification.retrieve"))
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        # It paused on the fake clock as on asyncio.sleep: this task ran, and cancelled it
        # long before the 12 days of polls every 10 minutes that certify the company.
        assert 1 <= polls < 10
        status = await admin.openfactura.certification.retrieve(certifying.id)
        assert not status.is_certified
        after = len(fake.requests.for_route("openfactura.certification.retrieve"))
        await asyncio.sleep(0)
        assert len(fake.requests.for_route("openfactura.certification.retrieve")) == after


def test_wait_checks_its_arguments(ready: ReadyWorkspace, certifying: OpenFacturaSetup) -> None:
    with pytest.raises(ValidationError, match="poll_interval"):
        ready.admin.openfactura.certification.wait(certifying.id, poll_interval=0)
    with pytest.raises(ValidationError, match="timeout"):
        ready.admin.openfactura.certification.wait(certifying.id, timeout=-1)


def test_the_api_key_comes_once_certified_and_once_only(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    certification = ready.admin.openfactura.certification
    with pytest.raises(StepOutOfOrderError, match="2026-12-15"):
        certification.create_api_key(certifying.id)
    fake.clock.advance(days=12)
    key = certification.create_api_key(certifying.id)
    assert str(key.organization_rut) == "76086428-5"
    assert key.api_key not in repr(key)
    with pytest.raises(ConflictError):
        certification.create_api_key(certifying.id)
    setup = ready.admin.openfactura.setup.retrieve(certifying.id)
    assert setup.api_key_created_at is not None


def test_an_api_key_asked_for_before_the_certification_ends_says_to_wait_for_it(
    ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    with pytest.raises(StepOutOfOrderError) as caught:
        ready.admin.openfactura.certification.create_api_key(certifying.id)
    # The step still missing is the SII's, not the caller's: the way on is to wait for it.
    assert "client.openfactura.certification.wait(setup_id)" in str(caught.value)
    assert "Do the missing step" not in str(caught.value)


def test_the_certified_company_is_authorized_by_a_resolution_of_its_certification_day(
    fake: FakeHaulmer, client: Haulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    certification = ready.admin.openfactura.certification
    fake.clock.advance(days=20)
    key = certification.create_api_key(certifying.id)
    status = certification.retrieve(certifying.id)
    assert status.certified_at is not None
    company = client.with_options(api_key=key.api_key).openfactura.organization.retrieve()
    assert company.resolucion is not None
    # Not the sandbox company's 2018 resolution: the SII authorized it when it certified it.
    assert company.resolucion.fecha == status.certified_at.date() == date(2026, 12, 15)


async def test_the_async_wait_moves_on_the_async_sleep(
    fake: FakeHaulmer, ready: ReadyWorkspace
) -> None:
    setup = setup_with_certificate(fake, ready)
    ready.admin.openfactura.setup.choose_dte_types(setup, [33, 39])
    async with fake.async_client() as anonymous:
        session = await anonymous.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    async with fake.async_client(access_token=session.access_token) as admin:
        with pytest.raises(WaitTimeoutError):
            await admin.openfactura.certification.wait(setup.id, timeout=3600)
        status = await admin.openfactura.certification.wait(setup.id, poll_interval=86400)
    assert status.is_certified
    assert fake.clock.today() == date(2026, 12, 15)


async def test_the_async_wait_rides_out_rate_limits_and_fails_at_once_on_a_missing_setup(
    fake: FakeHaulmer, ready: ReadyWorkspace, certifying: OpenFacturaSetup
) -> None:
    async with fake.async_client() as anonymous:
        session = await anonymous.accounts.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    async with fake.async_client(access_token=session.access_token, max_retries=0) as admin:
        fake.control.fail_next("openfactura.certification.retrieve", status=429, times=3)
        fake.control.fail_next("openfactura.certification.retrieve", status=500, times=3)
        status = await admin.openfactura.certification.wait(certifying.id, poll_interval=86400)
        assert status.is_certified
        fake.control.fail_next("openfactura.certification.retrieve", status=503, times=1000)
        with pytest.raises(WaitTimeoutError, match="HTTP 503") as caught:
            await admin.openfactura.certification.wait(certifying.id, timeout=600)
        assert caught.value.last is None
        fake.control.clear()
        with pytest.raises(NotFoundError):
            await admin.openfactura.certification.wait("setup_missing", poll_interval=86400)

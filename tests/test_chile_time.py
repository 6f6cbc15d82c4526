"""One "now" and one "today" in Chile, for the domain layer and the products alike."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from haulmer import _chile
from haulmer._chile import chile_now, chile_today, from_chile, santiago, to_chile


def test_today_and_now_are_in_santiago() -> None:
    now = dt.datetime.now(santiago())
    assert chile_today() in (now.date(), (now + dt.timedelta(seconds=5)).date())
    local = chile_now()
    assert local.tzinfo is None
    assert local.microsecond == 0
    assert abs(from_chile(local) - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(seconds=5)


class _NoDatabase:
    def ZoneInfo(self, name: str) -> None:
        raise KeyError(name)


def test_without_a_time_zone_database_chile_keeps_its_summer_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = santiago()
    monkeypatch.setitem(sys.modules, "zoneinfo", _NoDatabase())
    santiago.cache_clear()
    try:
        assert santiago().utcoffset(None) == dt.timedelta(hours=-4)  # standard time
        # 00:30 on New Year's Day in Chile (UTC-3 in summer) is 03:30 UTC: a document issued
        # then is dated 1 January, not 31 December as a fixed UTC-4 would date it.
        utc = dt.datetime(2026, 1, 1, 3, 30, tzinfo=dt.timezone.utc)
        assert to_chile(utc) == dt.datetime(2026, 1, 1, 0, 30)
        assert chile_today(utc) == dt.date(2026, 1, 1)
        expected = dt.datetime.now(real).date()
        assert chile_today() in (expected, expected + dt.timedelta(days=1))
    finally:
        santiago.cache_clear()


def _moments_around_chiles_clock_changes(first: int, last: int) -> list[dt.datetime]:
    """Every half hour of the three days around each of Chile's clock changes (April and
    September) of the years ``first`` to ``last``, and noon UTC of every other day."""
    moments = []
    day = dt.datetime(first, 1, 1, 12, tzinfo=dt.timezone.utc)
    while day.year <= last:
        if day.month in (4, 9) and 2 <= day.day <= 9:
            moments += [day + dt.timedelta(minutes=30 * step) for step in range(-24, 24)]
        else:
            moments.append(day)
        day += dt.timedelta(days=1)
    return moments


def test_without_a_time_zone_database_chiles_clock_changes_from_2023_are_the_databases(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = santiago()
    monkeypatch.setitem(sys.modules, "zoneinfo", _NoDatabase())
    santiago.cache_clear()
    try:
        rule = santiago()
        assert rule is not real
        for moment in _moments_around_chiles_clock_changes(2023, 2035):
            local = moment.astimezone(rule)
            assert (local.replace(tzinfo=None), local.fold, local.utcoffset()) == (
                moment.astimezone(real).replace(tzinfo=None),
                moment.astimezone(real).fold,
                moment.astimezone(real).utcoffset(),
            ), moment
            # a wall clock read back, also in the hours lived twice or skipped (any wall clock:
            # the UTC one's numbers too)
            for wall in (
                local.replace(tzinfo=None, fold=0),
                local.replace(tzinfo=None, fold=1),
                moment.replace(tzinfo=None, fold=0),
                moment.replace(tzinfo=None, fold=1),
            ):
                assert wall.replace(tzinfo=rule).astimezone(dt.timezone.utc) == wall.replace(
                    tzinfo=real
                ).astimezone(dt.timezone.utc), wall
    finally:
        santiago.cache_clear()


def test_the_domain_and_the_products_share_the_one_definition() -> None:
    import haulmer.dte.builders.base as builders
    import haulmer.openfactura.notes as notes

    assert builders.chile_today is _chile.chile_today
    assert notes.chile_today is _chile.chile_today


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-11-27T10:30:00", dt.datetime(2026, 11, 27, 13, 30)),  # the SII's form, UTC-3
        ("2026-06-01T10:30:00", dt.datetime(2026, 6, 1, 14, 30)),  # winter, UTC-4
        ("2026-11-27T10:30:00.123456789", dt.datetime(2026, 11, 27, 13, 30, 0, 123456)),
        ("2026-11-27T13:30:00Z", dt.datetime(2026, 11, 27, 13, 30)),
        ("2026-11-27T10:30:00-03:00", dt.datetime(2026, 11, 27, 13, 30)),
        (" 2026-11-27T10:30:00\n", dt.datetime(2026, 11, 27, 13, 30)),
        ("2026-12-31T24:00:00", dt.datetime(2027, 1, 1, 3)),  # xs:dateTime's end of the day
        ("2028-02-29T12:00:00", dt.datetime(2028, 2, 29, 15)),
        # The hour Chile lives twice (4 April 2026, 23:00 to 24:00): its first time.
        ("2026-04-04T23:30:00", dt.datetime(2026, 4, 5, 2, 30)),
        # The hour Chile skips (6 September 2026, 00:00 to 01:00): read at the old offset.
        ("2026-09-06T00:30:00", dt.datetime(2026, 9, 6, 4, 30)),
    ],
)
def test_a_timestamp_is_read_in_the_sii_forms_of_xs_datetime(text: str, utc: dt.datetime) -> None:
    assert _chile.read_timestamp(text) == utc.replace(tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-27T10:30",
        "20261127T103000",
        "2026-11-27 10:30:00",
        "2026-11-27",
        "2026-02-29T10:00:00",
        "2026-11-27T10:30:00+15:00",
        "9999-12-31T23:59:59",
        "",
    ],
)
def test_what_is_no_xs_datetime_is_not_read_as_a_timestamp(text: str) -> None:
    assert _chile.read_timestamp(text) is None


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (dt.date(2028, 2, 29), dt.date(2028, 2, 29)),
        ("2026-02-03", dt.date(2026, 2, 3)),
        # 02:00 UTC on New Year's Day is 23:00 on 31 December in Chile (UTC-3 in summer).
        (dt.datetime(2027, 1, 1, 2, 0, tzinfo=dt.timezone.utc), dt.date(2026, 12, 31)),
        (dt.datetime(2026, 7, 1, 3, 59, tzinfo=dt.timezone.utc), dt.date(2026, 6, 30)),
        (dt.datetime(2026, 7, 1, 4, 0, tzinfo=dt.timezone.utc), dt.date(2026, 7, 1)),
        (dt.datetime(2026, 12, 31, 23, 59), dt.date(2026, 12, 31)),  # naive: Chilean local time
    ],
)
def test_a_date_given_by_a_user_is_its_day_in_chile(value: object, day: dt.date) -> None:
    assert _chile.chile_date(value) == day


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-02-30", "is no day of the calendar"),
        ("2026-2-3", "is not a date written YYYY-MM-DD"),
        ("03-02-2026", "is not a date written YYYY-MM-DD"),
        ("20260203", "is not a date written YYYY-MM-DD"),
        ("2026-W05-2", "is not a date written YYYY-MM-DD"),
        (20260203, "must be a datetime.date or its text YYYY-MM-DD, not int"),
    ],
)
def test_what_is_no_date_is_refused_saying_the_form_asked(value: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        _chile.chile_date(value)


def test_a_moment_before_the_calendars_first_day_in_chile_is_refused_as_a_value_error() -> None:
    # 03:00 UTC on 1 January of year 1 is still year 0 in Santiago (UTC-4:42 then): no
    # datetime.date holds that day, and callers turn a ValueError into their typed error.
    first_moment = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    with pytest.raises(ValueError, match="before 0001-01-01 in Chile"):
        _chile.chile_date(first_moment)


def test_today_at_a_naive_wall_clock_is_its_own_date_not_the_machines_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    monkeypatch.setenv("TZ", "UTC")  # a server's zone: 01:30 there is 22:30 of the eve in Chile
    time.tzset()
    try:
        assert chile_today(dt.datetime(2027, 1, 1, 1, 30)) == dt.date(2027, 1, 1)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert chile_today(dt.datetime(2027, 1, 1, 2, 30, tzinfo=dt.timezone.utc)) == dt.date(
        2026, 12, 31
    )


class _NoOffset(dt.tzinfo):
    """A tzinfo that gives no offset: Python calls a datetime holding it naive."""

    def utcoffset(self, when: dt.datetime | None) -> None:
        return None

    def dst(self, when: dt.datetime | None) -> None:
        return None

    def tzname(self, when: dt.datetime | None) -> None:
        return None


def test_a_datetime_whose_tzinfo_gives_no_offset_is_chilean_local_time_like_a_naive_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    wall_clock = dt.datetime(2027, 1, 1, 1, 30, tzinfo=_NoOffset())
    monkeypatch.setenv("TZ", "UTC")  # read in the machine's zone, it would be the eve in Chile
    time.tzset()
    try:
        assert chile_today(wall_clock) == dt.date(2027, 1, 1)
        assert _chile.chile_date(wall_clock) == dt.date(2027, 1, 1)
        assert to_chile(wall_clock) == dt.datetime(2027, 1, 1, 1, 30)
        assert from_chile(wall_clock) == dt.datetime(2027, 1, 1, 4, 30, tzinfo=dt.timezone.utc)
    finally:
        monkeypatch.undo()
        time.tzset()

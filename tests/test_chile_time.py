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


def test_without_a_time_zone_database_chile_is_utc_minus_4(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoDatabase:
        def ZoneInfo(self, name: str) -> None:
            raise KeyError(name)

    monkeypatch.setitem(sys.modules, "zoneinfo", NoDatabase())
    santiago.cache_clear()
    try:
        assert santiago().utcoffset(None) == dt.timedelta(hours=-4)
        utc = dt.datetime(2026, 1, 1, 3, 30, tzinfo=dt.timezone.utc)
        assert to_chile(utc) == dt.datetime(2025, 12, 31, 23, 30)
        expected = dt.datetime.now(dt.timezone(dt.timedelta(hours=-4))).date()
        assert chile_today() in (expected, expected + dt.timedelta(days=1))
    finally:
        santiago.cache_clear()


def test_the_domain_and_the_products_share_the_one_definition() -> None:
    import haulmer.dte.builders.base as builders
    import haulmer.openfactura.notes as notes

    assert builders.chile_today is _chile.chile_today
    assert notes.chile_today is _chile.chile_today

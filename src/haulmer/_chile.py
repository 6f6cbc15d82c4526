"""Chilean local time, in which the SII writes every timestamp (TSTED, TmstFirma, TmstFirmaEnv)
and dates every document: the one definition of "now" and "today" in Chile, with one fallback.

Pure and light, for the domain layer (``dte``, ``sii``) and the products alike.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Final

__all__ = [
    "chile_date",
    "chile_now",
    "chile_today",
    "from_chile",
    "read_timestamp",
    "santiago",
    "to_chile",
]


@cache
def santiago() -> dt.tzinfo:
    """America/Santiago, or Chile's summer-time rule (:class:`_ChileanClock`) when no tz
    database is installed (Alpine, a Windows without tzdata): never a fixed UTC-4, which would
    date what is issued from 00:00 to 01:00 of a summer night the day before."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/Santiago")
    except Exception:
        return _ChileanClock()


_STANDARD: Final = dt.timedelta(hours=-4)
_SUMMER: Final = dt.timedelta(hours=-3)
_HOUR: Final = dt.timedelta(hours=1)


def _first_sunday_from_the_2nd(year: int, month: int) -> dt.datetime:
    """The first Sunday on or after the 2nd of ``month``, at midnight: the day Chile's clocks
    change."""
    second = dt.datetime(year, month, 2)
    return second + dt.timedelta(days=(6 - second.weekday()) % 7)


class _ChileanClock(dt.tzinfo):
    """Chile's rule since 2023, as the tz database writes it: UTC-4 from the first Sunday on or
    after 2 April (03:00 UTC) to the first Sunday on or after 2 September (04:00 UTC), UTC-3
    the rest of the year. Naive wall clocks read as zoneinfo reads them (``fold``)."""

    def _summer_ends(self, year: int) -> dt.datetime:
        """When summer time ends, in UTC (naive): 24:00 of the Saturday, Chile's clocks back."""
        return _first_sunday_from_the_2nd(year, 4) + 3 * _HOUR

    def _summer_starts(self, year: int) -> dt.datetime:
        """When summer time starts, in UTC (naive): 24:00 of the Saturday, clocks forward."""
        return _first_sunday_from_the_2nd(year, 9) + 4 * _HOUR

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        if when is None:
            return _STANDARD
        wall = when.replace(tzinfo=None, fold=0)
        ends = self._summer_ends(wall.year) + _SUMMER  # Sunday 00:00 on the summer clock
        starts = self._summer_starts(wall.year) + _STANDARD  # Sunday 00:00 on the winter clock
        if wall < ends - _HOUR or wall >= starts + _HOUR:
            return _SUMMER
        if wall < ends:  # the hour lived twice: its first time is summer's
            return _STANDARD if when.fold else _SUMMER
        if wall < starts:
            return _STANDARD
        return _SUMMER if when.fold else _STANDARD  # the hour skipped: read at the old offset

    def dst(self, when: dt.datetime | None) -> dt.timedelta:
        return self.utcoffset(when) - _STANDARD

    def tzname(self, when: dt.datetime | None) -> str:
        return "-03" if self.utcoffset(when) == _SUMMER else "-04"

    def fromutc(self, when: dt.datetime) -> dt.datetime:
        if when.tzinfo is not self:
            raise ValueError("fromutc: the datetime's tzinfo is not this one")
        utc = when.replace(tzinfo=None)
        ends = self._summer_ends(utc.year)
        winter = ends <= utc < self._summer_starts(utc.year)
        local = utc + (_STANDARD if winter else _SUMMER)
        return local.replace(tzinfo=self, fold=int(winter and utc < ends + _HOUR))


def to_chile(when: dt.datetime) -> dt.datetime:
    """Naive Chilean local time to the second; aware datetimes are converted, naive kept."""
    if when.utcoffset() is not None:  # aware as Python reads it: a tzinfo that gives an offset
        return when.astimezone(santiago()).replace(tzinfo=None, microsecond=0)
    return when.replace(tzinfo=None, microsecond=0)


def from_chile(local: dt.datetime) -> dt.datetime:
    """An aware UTC datetime from a naive Chilean local time (aware ones are just converted)."""
    if local.utcoffset() is None:  # naive, or a tzinfo that gives no offset: Chilean local time
        local = local.replace(tzinfo=santiago())
    return local.astimezone(dt.timezone.utc)


def chile_now() -> dt.datetime:
    """Now, as naive Chilean local time to the second."""
    return to_chile(dt.datetime.now(dt.timezone.utc))


def chile_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Chile: the date the SII goes by (FchEmis, a CAF's expiry); at ``now`` (a
    client's wall clock: aware, or naive Chilean local time) when given, else at the real time."""
    if now is not None and now.utcoffset() is None:
        return now.date()  # naive is Chilean local time here, never the machine's zone
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(santiago()).date()


def chile_date(value: object) -> dt.date:
    """The Chilean calendar day a user means by ``value``: a date as it is, an aware datetime at
    its moment in Chile (02:00 UTC on 1 January is still 31 December there), a naive one as
    Chilean local time, text as ``'YYYY-MM-DD'`` only. ``ValueError`` saying why otherwise."""
    if isinstance(value, _DATETIME):
        try:
            return chile_today(value)
        except OverflowError:  # 0001-01-01 03:00 UTC is still year 0 in Chile
            raise ValueError(
                f"{value.isoformat()} falls before 0001-01-01 in Chile, the first day a date holds"
            ) from None
    if isinstance(value, _DATE):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _ISO_DATE.fullmatch(text):
            try:
                return _DATE.fromisoformat(text)
            except ValueError as exc:  # 2026-02-30, 2026-13-01
                raise ValueError(f"{text!r} is no day of the calendar ({exc})") from None
        raise ValueError(
            f"{text[:40]!r} is not a date written YYYY-MM-DD (2026-02-03, with a 4-digit year "
            "and 2-digit month and day)"
        )
    raise ValueError(
        f"a date must be a datetime.date or its text YYYY-MM-DD, not {type(value).__name__}"
    )


_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE: Final = dt.date
_DATETIME: Final = dt.datetime
_UTC: Final = dt.timezone.utc
"""datetime's own classes, kept at import: freezegun swaps the module's for subclasses that a
date made before the freeze is no instance of."""


def read_timestamp(text: str) -> dt.datetime | None:
    """An xs:dateTime as an aware UTC datetime: the SII's form (Chilean local time without
    offset, ``2026-04-04T23:30:00``), or with a fraction of a second, a ``Z`` or an offset.
    None for anything else (no seconds, ISO's basic form, a space for the ``T``), on every
    Python (3.11's ``fromisoformat`` reads forms 3.10 and the schema refuse)."""
    match = _XS_DATETIME.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int(fraction.ljust(6, "0")[:6]) if fraction else 0
    end_of_day = hour == "24" and (minute, second, micro) == ("00", "00", 0)  # next midnight
    if zone is None and not end_of_day:  # the SII's form, made aware at once (no replace())
        try:
            local = _DATETIME(
                int(year),
                int(month),
                int(day),
                int(hour),
                int(minute),
                int(second),
                micro,
                santiago(),
            )
            return local.astimezone(_UTC)
        except (ValueError, OverflowError):
            return None
    offset = dt.timedelta(0)
    if zone is not None and zone != "Z":
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 14 or minutes > 59 or (hours == 14 and minutes):
            return None
        offset = dt.timedelta(hours=hours, minutes=minutes) * (-1 if zone[0] == "-" else 1)
    try:
        when = _DATETIME(
            int(year),
            int(month),
            int(day),
            0 if end_of_day else int(hour),
            int(minute),
            int(second),
            micro,
        )
        if end_of_day:
            when += dt.timedelta(days=1)
        if zone is None:
            return from_chile(when)
        return (when - offset).replace(tzinfo=dt.timezone.utc)
    except (ValueError, OverflowError):  # 2026-02-30, or past the years datetime holds
        return None


_XS_DATETIME: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?"
)

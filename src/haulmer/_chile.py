"""Chilean local time, in which the SII writes every timestamp (TSTED, TmstFirma, TmstFirmaEnv)
and dates every document: the one definition of "now" and "today" in Chile, with one fallback.

Pure and light, for the domain layer (``dte``, ``sii``) and the products alike.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

__all__ = ["chile_now", "chile_today", "from_chile", "santiago", "to_chile"]


@cache
def santiago() -> dt.tzinfo:
    """America/Santiago, or Chile's standard offset (UTC-4) when no tz database is installed."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/Santiago")
    except Exception:
        return dt.timezone(dt.timedelta(hours=-4))


def to_chile(when: dt.datetime) -> dt.datetime:
    """Naive Chilean local time to the second; aware datetimes are converted, naive kept."""
    if when.tzinfo is not None:
        when = when.astimezone(santiago()).replace(tzinfo=None)
    return when.replace(microsecond=0)


def from_chile(local: dt.datetime) -> dt.datetime:
    """An aware UTC datetime from a naive Chilean local time (aware ones are just converted)."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=santiago())
    return local.astimezone(dt.timezone.utc)


def chile_now() -> dt.datetime:
    """Now, as naive Chilean local time to the second."""
    return to_chile(dt.datetime.now(dt.timezone.utc))


def chile_today(now: dt.datetime | None = None) -> dt.date:
    """Today in Chile: the date the SII goes by (FchEmis, a CAF's expiry); at ``now`` (an aware
    datetime, a client's wall clock) when given, else at the real time."""
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(santiago()).date()

"""The base of every text-valued enum: ``str()`` and ``format()`` give the value, everywhere.

Python 3.11 changed what ``format()`` of a ``(str, Enum)`` gives and 3.12 what ``str()`` gives;
one base keeps ``str(OrderStatus.PAID) == f"{OrderStatus.PAID}" == "paid"`` on 3.10 to 3.13.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["StrEnum"]


class StrEnum(str, Enum):
    """A ``str`` enum that prints as its value (as ``enum.StrEnum`` of Python 3.11 does)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)

"""The bases of every enum with values: ``str()`` and ``format()`` give the value, everywhere.

Python 3.11 changed what ``format()`` of a ``(str, Enum)`` gives and what ``str()`` of an
``IntEnum`` gives, and 3.12 what ``str()`` of a ``(str, Enum)`` gives; these bases keep
``str(OrderStatus.PAID) == f"{OrderStatus.PAID}" == "paid"`` and ``str(DTEType.FACTURA) ==
"33"`` on 3.10 to 3.13.
"""

from __future__ import annotations

import enum
from enum import Enum

__all__ = ["IntEnum", "StrEnum"]


class StrEnum(str, Enum):
    """A ``str`` enum that prints as its value (as ``enum.StrEnum`` of Python 3.11 does)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


class IntEnum(enum.IntEnum):
    """An ``int`` enum that prints as its number, as Python 3.11's ``IntEnum`` does (3.10's
    ``str()`` gives ``"DTEType.FACTURA"``, which would go into XML and messages)."""

    def __str__(self) -> str:
        return str(self.value)

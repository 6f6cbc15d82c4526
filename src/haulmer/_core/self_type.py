"""``Self`` at run time on every supported Python, so ``typing.get_type_hints`` resolves the
``__enter__``, ``__iter__`` and ``__copy__`` of the SDK's public classes (typing_extensions,
which pydantic requires, on 3.10)."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from typing import Self
else:
    from typing_extensions import Self

__all__ = ["Self"]

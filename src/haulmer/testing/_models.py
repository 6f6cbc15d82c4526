"""Every SDK model built up front, for test suites that freeze time with freezegun."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

__all__ = ["load_models"]

_NOT_LOADED = ("haulmer.__main__",)
"""Modules that run something when imported."""

_HAULMER_DIR = Path(__file__).parent.parent
"""The haulmer package's directory (``haulmer.__path__``), read without importing it."""


def load_models() -> int:
    """Import every module of the SDK and finish building its pydantic models; the count of
    modules imported (those that need an extra that is not installed are left out).

    The SDK loads its modules, and so builds its models, on first use. freezegun replaces
    ``datetime.date`` and ``datetime.datetime`` while time is frozen, and pydantic v2 cannot build
    a model then (``PydanticSchemaGenerationError`` for ``FakeDate``), so a first call inside
    ``freeze_time`` fails. Call this once before freezing; the pytest plugin calls it when the
    collected tests have imported freezegun. time-machine and the fake's own clock need nothing.
    """
    import pydantic

    loaded = []
    for found in pkgutil.walk_packages([str(_HAULMER_DIR)], "haulmer."):
        if found.name in _NOT_LOADED:
            continue
        try:
            loaded.append(importlib.import_module(found.name))
        except ImportError:  # an extra not installed (the PDF, Redis, pytest): not used here
            continue
    for module in loaded:
        for value in list(vars(module).values()):
            if (
                isinstance(value, type)
                and issubclass(value, pydantic.BaseModel)
                and value.__module__ == module.__name__
                and not value.__pydantic_complete__
            ):
                value.model_rebuild()
    return len(loaded)

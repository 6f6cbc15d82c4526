"""A module named now and imported on the first access to one of its attributes, importing
nothing else: ``haulmer.errors`` names its annotations' modules with it, and
``haulmer._lazy.LazyModule``, which adds the optional extras' ``MissingDependencyError``, builds
on it, so neither imports the other back."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["DeferredModule"]


class DeferredModule:
    """A module named now and imported on the first access to one of its attributes (a
    submodule is an attribute too); a failed import raises as ``import`` would."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return self._module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            # Probes such as inspect.unwrap's __wrapped__ (doctest, pytest) load nothing.
            raise AttributeError(name)
        module = self._load()
        try:
            return getattr(module, name)
        except AttributeError:
            submodule = f"{module.__name__}.{name}"
            try:
                return importlib.import_module(submodule)
            except ModuleNotFoundError as exc:
                if exc.name != submodule:
                    raise
                raise AttributeError(
                    f"module {module.__name__!r} has no attribute {name!r}"
                ) from None

    def __repr__(self) -> str:
        state = "loaded" if self._module is not None else "not loaded yet"
        return f"<module {self._name!r} ({state})>"

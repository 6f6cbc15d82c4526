"""Lazy public names for a package (PEP 562): each is imported from its module on first use.

Keeps ``import haulmer`` (and ``haulmer.sii``, ``haulmer.testing``, ``haulmer.openfactura``) cheap:
lxml, cryptography, httpx and the fake load only when a name that needs them is touched.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["LazyNames"]


_NOISE = frozenset({"TYPE_CHECKING", "annotations", "LazyNames"})
"""Names every package module binds for itself, not part of its public surface."""


class LazyNames:
    """A package's ``__getattr__`` and ``__dir__`` over a table of name -> defining module.

    ``submodules`` are served too (``haulmer.sii`` without ``import haulmer.sii``).
    """

    def __init__(
        self,
        package: str,
        table: Mapping[str, str],
        namespace: dict[str, Any],
        *,
        submodules: Iterable[str] = (),
    ) -> None:
        self._package = package
        self._table = table
        self._namespace = namespace
        self._submodules = frozenset(submodules)

    def getattr(self, name: str) -> Any:
        """Import ``name`` from its module (or the submodule ``name``), cache it, return it."""
        module_name = self._table.get(name)
        if module_name is not None:
            value = getattr(importlib.import_module(module_name), name)
        elif name in self._submodules:
            value = importlib.import_module(f"{self._package}.{name}")
        else:
            raise AttributeError(f"module {self._package!r} has no attribute {name!r}")
        self._namespace[name] = value
        return value

    def dir(self) -> list[str]:
        """The package's public names, the lazy ones included (for ``dir()`` and completion)."""
        bound = {
            name
            for name in self._namespace
            if name not in _NOISE and (name.startswith("__") or not name.startswith("_"))
        }
        return sorted(bound | set(self._table) | self._submodules)

"""Lazy public names for a package (PEP 562): each is imported from its module on first use.

Keeps ``import haulmer`` (and ``haulmer.sii``, ``haulmer.testing``, ``haulmer.openfactura``) cheap:
lxml, cryptography, httpx and the fake load only when a name that needs them is touched.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

__all__ = ["LazyNames"]


class LazyNames:
    """A package's ``__getattr__`` and ``__dir__`` over a table of name -> defining module."""

    def __init__(self, package: str, table: Mapping[str, str], namespace: dict[str, Any]) -> None:
        self._package = package
        self._table = table
        self._namespace = namespace

    def getattr(self, name: str) -> Any:
        """Import ``name`` from its module, cache it in the package, return it."""
        module_name = self._table.get(name)
        if module_name is None:
            raise AttributeError(f"module {self._package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name), name)
        self._namespace[name] = value
        return value

    def dir(self) -> list[str]:
        """The package's names, the lazy ones included (for ``dir()`` and completion)."""
        return sorted(set(self._namespace) | set(self._table))

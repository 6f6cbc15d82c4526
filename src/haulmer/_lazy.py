"""Lazy public names for a package (PEP 562): each is imported from its module on first use.

Keeps ``import haulmer`` (and ``haulmer.sii``, ``haulmer.testing``, ``haulmer.openfactura``) cheap:
lxml, cryptography, httpx and the fake load only when a name that needs them is touched.
``LazyModule`` does the same for the modules that annotations name.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

from haulmer._deferred import DeferredModule
from haulmer.errors import MissingDependencyError

__all__ = ["LazyModule", "LazyNames"]


_NOISE = frozenset({"TYPE_CHECKING", "annotations", "LazyNames", "LazyModule"})
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


class LazyModule(DeferredModule):
    """A module named now and imported on the first access to one of its attributes.

    Bound, outside ``if TYPE_CHECKING:``, to the name an annotation uses (``httpx`` in
    ``http_client: httpx.Client | None``), so that ``typing.get_type_hints()`` and the tools
    built on it (FastAPI, pydantic's ``validate_call``, typer, documentation generators) resolve
    the annotation, importing the module only then, while importing the annotated module stays
    cheap. A submodule is an attribute too (``redis.asyncio.Redis``). A module of an optional
    extra that is not installed raises ``MissingDependencyError`` saying what to install.
    """

    __slots__ = ("_extra", "_missing")

    def __init__(self, name: str, *, extra: str | None = None, missing: str = "") -> None:
        """``extra``: the optional extra that installs the module; ``missing``: the message
        of the ``MissingDependencyError`` raised when it is not installed."""
        super().__init__(name)
        self._extra = extra
        self._missing = missing or f"{name} is not installed: pip install 'haulmer[{extra}]'"

    def _load(self) -> ModuleType:
        try:
            return super()._load()
        except ImportError as exc:
            if self._extra is None:
                raise
            raise MissingDependencyError(self._missing, extra=self._extra) from exc

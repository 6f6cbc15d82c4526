"""Haulmer and AsyncHaulmer expose the same resources, methods, parameters and docstrings.

Walks the resource tree generically (anything hanging off a client through properties that
holds the client as ``_client``), so every resource added later is checked without editing this
file. A product module that does not exist yet is recorded as missing on both sides. Each method
is compared by its parameters (names, kinds, defaults and annotations), its return annotation
and its docstring, which is written once for both faces; an async annotation is read as its
blocking twin's (``AsyncPaginator[X]`` as ``SyncPage[X]``, ``Awaitable[None]`` as ``None``).
"""

from __future__ import annotations

import functools
import inspect
import re
from typing import Any

import pytest

from haulmer import AsyncHaulmer, Haulmer
from haulmer._core import AsyncAPIResource, SyncAPIResource
from haulmer._core._async.runner import AsyncRawResponses
from haulmer._core._sync.runner import SyncRawResponses
from haulmer.pagination import AsyncPaginator, SyncPage

Tree = dict[str, Any]
_CLIENT_ONLY = {"close", "aclose"}  # the one intended difference: close() vs aclose()


_ASYNC_SPELLINGS = [
    (re.compile(r"\bAsyncPaginator\["), "SyncPage["),
    (re.compile(r"\bAsyncPage\["), "SyncPage["),
    (re.compile(r"\bAwaitable\[None\]"), "None"),
    (re.compile(r"\bAsync(?=[A-Z][a-z])"), ""),
]
"""How an async annotation is spelt on the blocking face."""


def _blocking_spelling(annotation: Any) -> str:
    """``annotation`` as text, its async names read as their blocking twins."""
    if annotation is inspect.Parameter.empty:
        return "<none>"
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    for pattern, blocking in _ASYNC_SPELLINGS:
        text = pattern.sub(blocking, text)
    return text


def _parameters(function: Any) -> tuple[list[tuple[str, str, str, str]], str, str]:
    """``function``'s parameters (name, kind, default, annotation), return annotation and
    docstring, as the parity test compares them."""
    signature = inspect.signature(function)
    parameters = [
        (
            p.name,
            p.kind.name,
            "<none>" if p.default is inspect.Parameter.empty else repr(p.default),
            _blocking_spelling(p.annotation),
        )
        for p in signature.parameters.values()
        if p.name != "self"
    ]
    returned = _blocking_spelling(signature.return_annotation)
    return parameters, returned, inspect.cleandoc(function.__doc__ or "")


def _is_resource(value: Any) -> bool:
    module = type(value).__module__
    return module.startswith("haulmer.") and hasattr(value, "_client")


def _raw_walk(raw: Any) -> Tree:
    """The methods of a ``with_raw_response`` (set on it as it is made) and, for a namespace of
    them (``openfactura.with_raw_response``), each resource's, recursively."""
    tree: Tree = {}
    for name, member in vars(raw).items():
        if not name.startswith("_") and callable(member):
            tree[name] = ("method", _parameters(member))
    for name in dir(type(raw)):
        static = inspect.getattr_static(type(raw), name)
        if not name.startswith("_") and isinstance(static, (property, functools.cached_property)):
            tree[name] = ("raw responses", _raw_walk(getattr(raw, name)))
    return tree


def walk(obj: Any, *, skip: frozenset[str] = frozenset()) -> Tree:
    """Public methods (with parameters and docstrings), resource properties and their
    ``with_raw_response`` (recursively), and the docstring of ``obj``'s class."""
    cls = type(obj)
    # A class's docstring may name its own face's classes (``client.openfactura`` of Haulmer).
    doc = _blocking_spelling(inspect.cleandoc(cls.__doc__ or ""))
    tree: Tree = {"<docstring>": ("docstring", doc)}
    for name in dir(cls):
        if name.startswith("_") or name in skip:
            continue
        static = inspect.getattr_static(cls, name)
        if isinstance(static, (property, functools.cached_property)):
            try:
                value = getattr(obj, name)
            except ModuleNotFoundError as exc:
                if not (exc.name or "").startswith("haulmer"):
                    raise
                tree[name] = ("missing module", exc.name)
                continue
            if _is_resource(value):
                tree[name] = ("resource", type(value).__name__, walk(value))
            elif name == "with_raw_response":
                tree[name] = ("raw responses", _raw_walk(value))
            continue
        if isinstance(static, (staticmethod, classmethod)):
            static = static.__func__
        if inspect.isfunction(static):
            tree[name] = ("method", _parameters(static))
    return tree


def _strip_async(tree: Tree) -> Tree:
    out: Tree = {}
    for name, node in tree.items():
        if node[0] == "resource":
            kind, cls_name, children = node
            assert cls_name.startswith("Async"), f"{cls_name} should be named Async<SyncName>"
            out[name] = (kind, cls_name.removeprefix("Async"), _strip_async(children))
        else:
            out[name] = node
    return out


def _diff(sync: Tree, async_: Tree, path: str = "client") -> list[str]:
    problems = []
    for name in sorted(set(sync) | set(async_)):
        where = f"{path}.{name}"
        if name not in async_:
            problems.append(f"{where}: only on Haulmer")
        elif name not in sync:
            problems.append(f"{where}: only on AsyncHaulmer")
        elif sync[name][0] == "resource" and async_[name][0] == "resource":
            if sync[name][1] != async_[name][1]:
                problems.append(f"{where}: {sync[name][1]} vs Async{async_[name][1]}")
            problems += _diff(sync[name][2], async_[name][2], where)
        elif sync[name][0] == "raw responses" and async_[name][0] == "raw responses":
            problems += _diff(sync[name][1], async_[name][1], where)
        elif sync[name] != async_[name]:
            problems.append(f"{where}: {sync[name]!r} != {async_[name]!r}")
    return problems


@pytest.fixture
def trees() -> tuple[Tree, Tree]:
    sync_client = Haulmer("k", environment="local")
    async_client = AsyncHaulmer("k", environment="local")
    try:
        return walk(sync_client, skip=frozenset(_CLIENT_ONLY)), _strip_async(
            walk(async_client, skip=frozenset(_CLIENT_ONLY))
        )
    finally:
        sync_client.close()


def test_sync_and_async_clients_expose_the_same_resources_and_signatures(
    trees: tuple[Tree, Tree],
) -> None:
    sync_tree, async_tree = trees
    assert _diff(sync_tree, async_tree) == []


def test_the_documented_resources_are_walked(trees: tuple[Tree, Tree]) -> None:
    sync_tree, _ = trees
    for name in ("openfactura", "checkout", "accounts", "workspace"):
        assert name in sync_tree
    assert "with_options" in sync_tree


def test_the_walker_reports_a_missing_method_and_a_parameter_mismatch() -> None:
    class Things(SyncAPIResource):
        def get(self, thing_id: str, *, timeout: float | None = None) -> None: ...

        def only_sync(self) -> None: ...

    class AsyncThings(AsyncAPIResource):
        async def get(self, thing_id: str, *, timeout: float | None = 5) -> None: ...

    class SyncRoot:
        def __init__(self, client: Any) -> None:
            self._client = client

        @functools.cached_property
        def things(self) -> Things:
            return Things(self._client)

    class AsyncRoot(SyncRoot):
        @functools.cached_property
        def things(self) -> AsyncThings:  # type: ignore[override]
            return AsyncThings(self._client)

    SyncRoot.__module__ = AsyncRoot.__module__ = "haulmer.example"
    Things.__module__ = AsyncThings.__module__ = "haulmer.example"
    sync_tree = walk(SyncRoot(object()))
    async_tree = _strip_async({"root": ("resource", "AsyncRoot", walk(AsyncRoot(object())))})
    problems = _diff({"root": ("resource", "Root", sync_tree)}, async_tree)
    assert [problem.split(":")[0] for problem in problems] == [
        "client.root.things.get",
        "client.root.things.only_sync",
    ]
    assert "'None'" in problems[0]
    assert "'5'" in problems[0]
    assert problems[1].endswith("only on Haulmer")


def test_the_two_clients_take_the_same_settings_and_say_the_same_of_themselves() -> None:
    assert _parameters(Haulmer.__init__) == _parameters(AsyncHaulmer.__init__)
    assert _blocking_spelling(AsyncHaulmer.__doc__) == _blocking_spelling(Haulmer.__doc__)


def test_the_walker_reports_an_annotation_a_return_type_and_a_docstring_that_differ() -> None:
    class Things(SyncAPIResource):
        def count(self, kind: str) -> int:
            """How many things of ``kind``."""
            return 0

        def names(self) -> list[str]:
            """Their names."""
            return []

        def describe(self) -> str:
            """What they are."""
            return ""

        def pages(self) -> SyncPage[str]: ...

    class AsyncThings(AsyncAPIResource):
        async def count(self, kind: int) -> int:  # type: ignore[empty-body]
            """How many things of ``kind``."""

        async def names(self) -> list[bytes]:  # type: ignore[empty-body]
            """Their names."""

        async def describe(self) -> str:  # type: ignore[empty-body]
            """What they are; await it."""

        def pages(self) -> AsyncPaginator[str]: ...

    sync_tree, async_tree = walk(Things(object())), walk(AsyncThings(object()))
    problems = _diff(sync_tree, async_tree)
    assert [problem.split(":")[0] for problem in problems] == [
        "client.count",
        "client.describe",
        "client.names",
    ]
    assert "'int'" in problems[0]
    assert "'str'" in problems[0]
    assert "await it" in problems[1]
    assert "list[bytes]" in problems[2]


def test_the_walker_compares_the_methods_of_with_raw_response() -> None:
    class Things(SyncAPIResource):
        def get(self, thing_id: str) -> str: ...

    class ThingsRaw(SyncRawResponses):
        def __init__(self, resource: Things) -> None:
            super().__init__(resource)
            self.get = self._raw(resource.get)

    class AsyncThings(AsyncAPIResource):
        async def get(self, thing_id: str) -> str: ...  # type: ignore[empty-body]

    class AsyncThingsRaw(AsyncRawResponses):
        def __init__(self, resource: AsyncThings) -> None:
            super().__init__(resource)
            self.get = self._raw(resource.get)

    sync_raw = _raw_walk(ThingsRaw(Things(object())))
    async_raw = _raw_walk(AsyncThingsRaw(AsyncThings(object())))
    assert sync_raw == async_raw
    assert sync_raw["get"][1][1] == "APIResponse[str]"
    assert _diff(sync_raw, _raw_walk(AsyncRawResponses(AsyncThings(object())))) == [
        "client.get: only on Haulmer"
    ]

"""Haulmer and AsyncHaulmer expose the same resources, methods and parameter lists.

Walks the resource tree generically (anything hanging off a client through properties that
holds the client as ``_client``), so every resource added later is checked without editing this
file. A product module that does not exist yet is recorded as missing on both sides.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

import pytest

from haulmer import AsyncHaulmer, Haulmer
from haulmer._core import AsyncAPIResource, SyncAPIResource

Tree = dict[str, Any]
_CLIENT_ONLY = {"close", "aclose"}  # the one intended difference: close() vs aclose()


def _parameters(function: Any) -> list[tuple[str, str, str]]:
    signature = inspect.signature(function)
    return [
        (p.name, p.kind.name, "<none>" if p.default is inspect.Parameter.empty else repr(p.default))
        for p in signature.parameters.values()
        if p.name != "self"
    ]


def _is_resource(value: Any) -> bool:
    module = type(value).__module__
    return module.startswith("haulmer.") and hasattr(value, "_client")


def walk(obj: Any, *, skip: frozenset[str] = frozenset()) -> Tree:
    """Public methods (with parameters) and resource properties (recursively) of ``obj``."""
    tree: Tree = {}
    cls = type(obj)
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

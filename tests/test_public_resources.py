"""Every resource a client hangs from a property, and every page a listing returns, can be
imported by its class name from a public module (``haulmer.resources``, ``haulmer.pagination``)
for annotations, and importing those modules stays cheap."""

from __future__ import annotations

import functools
import inspect
import subprocess
import sys
import typing
from collections.abc import Iterator

import haulmer
import haulmer.pagination
import haulmer.resources
from haulmer.testing import FakeHaulmer


def _resources(obj: object) -> Iterator[object]:
    """Every resource reachable from ``obj`` through its public properties (not the
    ``with_raw_response`` views, which mirror a resource's methods)."""
    for name in dir(type(obj)):
        if name.startswith("_") or name == "with_raw_response":
            continue
        static = inspect.getattr_static(type(obj), name)
        if not isinstance(static, (property, functools.cached_property)):
            continue
        value = getattr(obj, name)
        if type(value).__module__.startswith(("haulmer._sync.", "haulmer._async.")):
            yield value
            yield from _resources(value)


def test_every_resource_of_both_clients_is_exported_under_its_class_name() -> None:
    fake = FakeHaulmer()
    found = []
    with fake.client() as client:
        found += [type(resource) for resource in _resources(client)]
    async_client = fake.async_client()
    found += [type(resource) for resource in _resources(async_client)]
    assert len(found) >= 26, found
    for cls in found:
        assert getattr(haulmer.resources, cls.__name__) is cls, cls
    assert sorted({cls.__name__ for cls in found}) == sorted(haulmer.resources.__all__)


def test_listings_return_the_public_page_classes() -> None:
    fake = FakeHaulmer()
    with fake.client() as client:
        page = client.openfactura.documents.list_issued()
    assert isinstance(page, haulmer.pagination.SyncPage)
    assert isinstance(page.info, haulmer.pagination.PageInfo)


async def test_async_listings_return_the_public_page_classes() -> None:
    async with FakeHaulmer().async_client() as client:
        paginator = client.openfactura.documents.list_issued()
        assert isinstance(paginator, haulmer.pagination.AsyncPaginator)
        assert isinstance(await paginator, haulmer.pagination.AsyncPage)


def test_importing_them_loads_no_client() -> None:
    code = (
        "import sys, haulmer.resources, haulmer.pagination; "
        "print(sorted(m for m in ('httpx', 'haulmer._sync.client') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_every_public_method_resolves_its_annotations_at_run_time() -> None:
    """``typing.get_type_hints`` works on every method, for tools that read signatures
    (FastAPI, typer, pydantic's validate_call, documentation generators)."""
    unresolved = []
    for name in haulmer.resources.__all__:
        cls = getattr(haulmer.resources, name)
        for method_name, method in inspect.getmembers(cls, inspect.isfunction):
            if method_name.startswith("_"):
                continue
            try:
                typing.get_type_hints(method)
            except NameError as error:
                unresolved.append(f"{name}.{method_name}: {error}")
    assert unresolved == []


def _raw_methods(client: object) -> Iterator[tuple[str, object, object]]:
    """(name, method, raw form) of every method of every resource that has a raw form."""
    for resource in _resources(client):
        raw = getattr(resource, "with_raw_response", None)
        if raw is None:
            continue
        for name in vars(raw):
            if not name.startswith("_"):
                yield (
                    f"{type(resource).__name__}.{name}",
                    getattr(resource, name),
                    getattr(raw, name),
                )


def test_a_raw_form_shows_the_parameters_of_its_method() -> None:
    """``help()``, IDEs and ``inspect.signature`` read a ``with_raw_response`` method's own
    parameters, not ``(*args, **kwargs)``, and its answer as an ``APIResponse``."""
    fake = FakeHaulmer()
    seen = []
    for client in (fake.client(), fake.async_client()):
        for name, method, raw in _raw_methods(client):
            own = inspect.signature(method)  # type: ignore[arg-type]
            shown = inspect.signature(raw)  # type: ignore[arg-type]
            assert shown.parameters == own.parameters, name
            assert str(shown.return_annotation).startswith("APIResponse["), name
            seen.append(name)
    assert len(seen) > 100


def test_a_raw_form_resolves_its_annotations_to_what_parse_returns() -> None:
    from haulmer import APIResponse
    from haulmer.openfactura.models import EmittedDocument, IssuedDocumentSummary

    fake = FakeHaulmer()
    raw = fake.client().openfactura.documents.with_raw_response
    async_raw = fake.async_client().openfactura.documents.with_raw_response
    hints = typing.get_type_hints(raw.emit)
    assert hints["return"] == APIResponse[EmittedDocument]
    assert hints["idempotency_key"] == str | None
    assert (
        typing.get_type_hints(raw.list_issued)["return"]
        == (APIResponse[haulmer.pagination.SyncPage[IssuedDocumentSummary]])
    )
    assert (
        typing.get_type_hints(async_raw.list_issued)["return"]
        == (APIResponse[haulmer.pagination.AsyncPage[IssuedDocumentSummary]])
    )
    assert typing.get_type_hints(async_raw.emit)["return"] == APIResponse[EmittedDocument]


def test_every_raw_form_resolves_the_hints_of_its_method() -> None:
    fake = FakeHaulmer()
    for client in (fake.client(), fake.async_client()):
        for name, method, raw in _raw_methods(client):
            hints = typing.get_type_hints(raw)
            assert hints.pop("return").__origin__ is haulmer.APIResponse, name
            own = typing.get_type_hints(method)
            own.pop("return")
            assert hints == own, name

"""Every public callable's annotations resolve at run time (``typing.get_type_hints``), for the
tools that read them: FastAPI, pydantic's ``validate_call``, typer, injector, documentation
generators. Annotations naming a module that loads lazily (httpx, cryptography, redis, the
resources, ``haulmer.dte``) load it when resolved, and only then."""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import subprocess
import sys
import typing

import pytest

import haulmer

PUBLIC_MODULES = (
    "haulmer",
    "haulmer.dte",
    "haulmer.sii",
    "haulmer.openfactura",
    "haulmer.testing",
    "haulmer.rut",
    "haulmer.pfx",
    "haulmer.passwords",
    "haulmer.accounts",
    "haulmer.checkout",
    "haulmer.workspace",
    "haulmer.myhaulmer",
    "haulmer.catalogue",
    "haulmer.point",
    "haulmer.errors",
    "haulmer.journal",
    "haulmer.ratelimit",
    "haulmer.pagination",
    "haulmer.resources",
)
"""The modules users import; every other module whose path has no ``_x`` part is walked too."""


def _all_public_modules() -> list[str]:
    found = dict.fromkeys(PUBLIC_MODULES)
    for info in pkgutil.walk_packages(haulmer.__path__, "haulmer."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found[info.name] = None
    return list(found)


def _members(cls: type) -> list[tuple[str, typing.Any]]:
    """A class's ``__init__`` and its public methods, properties' getters included."""
    found = []
    for attr, value in vars(cls).items():
        if attr.startswith("_") and attr != "__init__":
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        elif isinstance(value, property):
            value = value.fget
        elif isinstance(value, functools.cached_property):
            value = value.func
        if inspect.isfunction(value):
            found.append((attr, value))
    return found


def _public_callables() -> list[tuple[str, typing.Any]]:
    found: dict[str, typing.Any] = {}
    for module_name in _all_public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if inspect.isclass(obj):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
                for attr, function in _members(obj):
                    found[f"{obj.__module__}.{obj.__qualname__}.{attr}"] = function
            elif inspect.isfunction(obj):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return sorted(found.items())


PUBLIC_CALLABLES = _public_callables()


def test_the_walk_sees_the_clients_the_resources_and_the_domain() -> None:
    names = {name for name, _ in PUBLIC_CALLABLES}
    assert "haulmer._sync.client.Haulmer.__init__" in names
    assert "haulmer._async.client.AsyncHaulmer.openfactura" in names
    assert "haulmer._sync.openfactura.OpenFactura.documents" in names
    assert "haulmer.dte.checked.CheckedDocument" in names
    assert "haulmer._core.redis_ratelimit.RedisRateLimiter.__init__" in names
    assert "haulmer.testing.certificates.make_test_certificate" in names
    assert "haulmer.dte.rules.check_document" in names
    assert len(names) > 500


@pytest.mark.parametrize(("name", "obj"), PUBLIC_CALLABLES, ids=[n for n, _ in PUBLIC_CALLABLES])
def test_every_public_callable_and_class_resolves_its_annotations(name: str, obj: object) -> None:
    typing.get_type_hints(obj)


if sys.version_info >= (3, 11):
    _SELF: object = typing.Self
else:
    from typing_extensions import Self as _SELF


def _client_dunders() -> list[tuple[str, typing.Any]]:
    """The dunders of the clients and of the classes they inherit from in haulmer
    (``__enter__``, ``__aenter__``, ``__exit__``...), which ``_members`` leaves out."""
    found = []
    for client in (haulmer.Haulmer, haulmer.AsyncHaulmer):
        for cls in client.__mro__:
            if not cls.__module__.startswith("haulmer"):
                continue
            for attr, value in vars(cls).items():
                if attr.startswith("__") and attr.endswith("__") and inspect.isfunction(value):
                    found.append((f"{client.__qualname__}.{attr} ({cls.__qualname__})", value))
    return found


CLIENT_DUNDERS = _client_dunders()


@pytest.mark.parametrize(("name", "obj"), CLIENT_DUNDERS, ids=[n for n, _ in CLIENT_DUNDERS])
def test_the_clients_dunders_resolve_their_annotations(name: str, obj: object) -> None:
    """``with Haulmer() as client`` is typed by ``__enter__``: its ``Self`` resolves at run
    time too, for the tools that read it."""
    hints = typing.get_type_hints(obj)
    assert "return" in hints


def test_the_clients_enter_the_with_block_as_themselves() -> None:
    assert typing.get_type_hints(haulmer.Haulmer.__enter__)["return"] is _SELF
    assert typing.get_type_hints(haulmer.AsyncHaulmer.__aenter__)["return"] is _SELF
    assert {name.split(" ")[0] for name, _ in CLIENT_DUNDERS} >= {
        "Haulmer.__enter__",
        "Haulmer.__exit__",
        "AsyncHaulmer.__aenter__",
        "AsyncHaulmer.__aexit__",
    }


def test_the_hints_are_the_real_types() -> None:
    from haulmer import dte, resources
    from haulmer.openfactura import DocumentJson
    from haulmer.pfx import Certificate
    from haulmer.ratelimit import RedisRateLimiter
    from haulmer.testing import FakeHaulmer, FakeTransport

    httpx = pytest.importorskip("httpx")
    x509 = pytest.importorskip("cryptography.x509")
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    redis_asyncio = pytest.importorskip("redis.asyncio")

    assert typing.get_type_hints(haulmer.Haulmer.__init__)["http_client"] == httpx.Client | None
    assert (
        typing.get_type_hints(haulmer.AsyncHaulmer.__init__)["http_client"]
        == httpx.AsyncClient | None
    )
    assert typing.get_type_hints(haulmer.Haulmer.openfactura.func)["return"] is (
        resources.OpenFactura
    )
    assert typing.get_type_hints(resources.AsyncOpenFactura.documents.func)["return"] is (
        resources.AsyncDocuments
    )
    assert typing.get_type_hints(Certificate.__init__) == {
        "certificate": x509.Certificate,
        "private_key": rsa.RSAPrivateKey,
        "return": type(None),
    }
    assert typing.get_type_hints(dte.CheckedDocument)["document"] is dte.Document
    assert typing.get_type_hints(DocumentJson.to_document)["return"] is dte.Document
    assert typing.get_type_hints(FakeHaulmer.client)["return"] is haulmer.Haulmer
    assert typing.get_type_hints(FakeHaulmer.async_client)["return"] is haulmer.AsyncHaulmer
    assert typing.get_type_hints(FakeHaulmer.transport.fget)["return"] is FakeTransport
    hints = typing.get_type_hints(RedisRateLimiter.__init__)
    assert hints["async_client"] == redis_asyncio.Redis | None


def _run(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_resolving_the_clients_hints_is_what_loads_httpx_and_the_resources() -> None:
    code = (
        "import sys, typing, haulmer; from haulmer.testing import FakeHaulmer; "
        "heavy = ('httpx', 'haulmer._sync.openfactura'); "
        "before = [m for m in heavy if m in sys.modules]; "
        "typing.get_type_hints(haulmer.Haulmer.openfactura.func); "
        "typing.get_type_hints(haulmer.Haulmer.__init__); "
        "print(before, [m for m in heavy if m in sys.modules])"
    )
    assert _run(code) == "[] ['httpx', 'haulmer._sync.openfactura']"


def test_resolving_the_certificates_hints_is_what_loads_cryptography() -> None:
    code = (
        "import sys, typing; from haulmer.pfx import Certificate; "
        "before = 'cryptography' in sys.modules; "
        "typing.get_type_hints(Certificate.__init__); "
        "print(before, 'cryptography' in sys.modules)"
    )
    assert _run(code) == "False True"


def test_without_the_redis_extra_the_limiters_hints_say_what_to_install() -> None:
    code = (
        "import sys, typing; sys.modules['redis'] = None; "
        "from haulmer.errors import MissingDependencyError; "
        "from haulmer.ratelimit import RedisRateLimiter\n"
        "try:\n"
        "    typing.get_type_hints(RedisRateLimiter.__init__)\n"
        "except MissingDependencyError as error:\n"
        "    print(error.extra, error)"
    )
    assert _run(code) == (
        "redis The shared rate limiter needs redis-py: pip install 'haulmer[redis]'"
    )


@pytest.mark.parametrize(("name", "obj"), PUBLIC_CALLABLES, ids=[n for n, _ in PUBLIC_CALLABLES])
def test_every_public_callable_and_class_has_a_readable_signature(name: str, obj: object) -> None:
    """``inspect.signature`` (help(), IDEs, dependency injection) reads every one, the errors
    included: a class without an ``__init__`` of its own has none to read."""
    assert callable(obj)
    if typing.is_typeddict(obj):
        return  # a TypedDict is a dict: Python gives its class no signature to read
    inspect.signature(obj)


def test_a_wait_timeouts_last_names_what_every_wait_helper_answers() -> None:
    """``WaitTimeoutError.last`` is typed as the union of what the ``wait...()`` helpers poll:
    a new helper polling something else must be named there, or its callers would narrow
    ``last`` to types it never holds."""
    from haulmer import resources
    from haulmer.errors import WaitTimeoutError

    classes = [getattr(resources, name) for name in resources.__all__]
    helpers = [
        getattr(resource, name)
        for resource in classes
        if isinstance(resource, type)
        for name in vars(resource)
        if name.startswith("wait")
    ]
    answered = {typing.get_type_hints(helper)["return"] for helper in helpers}
    last = typing.get_type_hints(WaitTimeoutError.__init__)["last"]
    assert len(helpers) >= 4
    assert set(typing.get_args(last)) == answered | {type(None)}


def _returned_classes() -> list[type]:
    """The public classes, and the classes the public methods return without a public name
    (a batch's results)."""
    from haulmer._core.concurrency import AsyncBatchResults, BatchResults

    found: list[type] = [obj for _, obj in PUBLIC_CALLABLES if inspect.isclass(obj)]
    return [*found, BatchResults, AsyncBatchResults]


def _public_dunders() -> list[tuple[str, typing.Any]]:
    """The dunders every public class defines in haulmer itself (``__enter__``, ``__iter__``,
    ``__copy__``...), which ``_members`` leaves out."""
    found: dict[str, typing.Any] = {}
    for public in _returned_classes():
        for cls in public.__mro__:
            if not cls.__module__.startswith("haulmer"):
                continue
            for attr, value in vars(cls).items():
                if attr.startswith("__") and attr.endswith("__") and inspect.isfunction(value):
                    found[f"{cls.__module__}.{cls.__qualname__}.{attr}"] = value
    return sorted(found.items())


PUBLIC_DUNDERS = _public_dunders()


@pytest.mark.parametrize(("name", "obj"), PUBLIC_DUNDERS, ids=[n for n, _ in PUBLIC_DUNDERS])
def test_every_public_classes_dunders_resolve_their_annotations(name: str, obj: object) -> None:
    """``with Journal(...) as journal``, ``for result in client...emit_many(...)`` and
    ``copy.copy(page)`` are typed by ``Self``: it resolves at run time too."""
    typing.get_type_hints(obj)


def test_the_journal_the_batches_and_the_pages_give_themselves() -> None:
    from haulmer._core.concurrency import AsyncBatchResults, BatchResults
    from haulmer.journal import Journal
    from haulmer.pagination import SyncPage

    assert typing.get_type_hints(Journal.__enter__)["return"] is _SELF
    assert typing.get_type_hints(BatchResults.__iter__)["return"] is _SELF
    assert typing.get_type_hints(AsyncBatchResults.__aenter__)["return"] is _SELF
    assert typing.get_type_hints(SyncPage.__copy__)["return"] is _SELF
    names = {name for name, _ in PUBLIC_DUNDERS}
    assert "haulmer.journal._journal.Journal.__enter__" in names

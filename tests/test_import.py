"""`import haulmer` stays cheap and exposes the documented names."""

import subprocess
import sys

import haulmer


def test_import_haulmer_loads_no_heavy_dependency() -> None:
    code = (
        "import sys, haulmer; "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'lxml', 'signxml', 'cryptography', 'httpx', 'tenacity'}); print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_a_first_client_loads_no_pydantic_model_machinery() -> None:
    # The clients name pydantic's SecretStr in their signatures only: importing it at run time
    # loads pydantic.types and its schema machinery, a fifth more than a first client costs.
    code = (
        "import sys, haulmer; haulmer.Haulmer('k'); "
        "print(sorted(m for m in sys.modules if m in ('pydantic.types', 'pydantic.main')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_first_client_loads_no_request_answer_or_paging_module_until_its_first_call() -> None:
    # Their dataclasses cost about half of a first client; the runner that needs them is made
    # at the first call, and a with_options() copy or a closed client does not need it either.
    per_call = (
        "haulmer._core._sync.runner",
        "haulmer._core.request",
        "haulmer._core.prepare",
        "haulmer._core.responses",
        "haulmer._core.pagination",
        "haulmer._core.plans",
        "haulmer._core.retry",
        "haulmer._core.raw",
    )
    code = (
        "import sys, haulmer; client = haulmer.Haulmer('k'); copy = client.with_options(); "
        f"copy.close(); print(copy.is_closed, client.is_closed, "
        f"sorted(m for m in sys.modules if m in {per_call!r})); "
        "client._runner; print(sorted(m for m in sys.modules if m in "
        f"{per_call!r}) == sorted({per_call!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["True False []", "True"]


def test_version_is_a_string() -> None:
    assert haulmer.__version__.count(".") == 2


def test_every_public_error_is_a_haulmer_error() -> None:
    for name in haulmer.errors.__all__:
        obj = getattr(haulmer.errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, haulmer.HaulmerError)


def test_every_error_class_is_served_from_the_package_root() -> None:
    for name in haulmer.errors.__all__:
        obj = getattr(haulmer.errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert getattr(haulmer, name) is obj
            assert name in haulmer.__all__


def test_subpackages_are_reachable_as_attributes_and_load_lazily() -> None:
    code = (
        "import sys, haulmer; before = 'haulmer.sii' in sys.modules; "
        "verify = haulmer.sii.verify; print(before, callable(verify), 'sii' in dir(haulmer))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]


def test_dir_lists_public_names_without_import_helpers() -> None:
    names = dir(haulmer)
    for noise in ["TYPE_CHECKING", "annotations", "LazyNames", "_LAZY"]:
        assert noise not in names
    for public in ["Haulmer", "AsyncHaulmer", "Rut", "dte", "sii", "testing", "__version__"]:
        assert public in names


def _public_modules() -> list[object]:
    """Every module of the package whose path has no private part, imported."""
    import importlib
    import pkgutil

    found: list[object] = [haulmer]
    for info in pkgutil.walk_packages(haulmer.__path__, "haulmer."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        if info.name == "haulmer.__main__":
            continue
        try:
            found.append(importlib.import_module(info.name))
        except ImportError:  # an optional extra that is not installed (redis, the PDF's)
            continue
    return found


def _classes_in(annotation: object) -> list[type]:
    import typing

    arguments = typing.get_args(annotation)
    if arguments:
        return [found for argument in arguments for found in _classes_in(argument)]
    return [annotation] if isinstance(annotation, type) else []


def test_every_model_or_enum_an_exported_model_holds_is_exported_too() -> None:
    # A user annotating ``sale.items[0]`` or ``sale.payment`` needs to import its type.
    from enum import Enum

    from pydantic import BaseModel

    modules = _public_modules()
    exported = {
        id(getattr(module, name)) for module in modules for name in getattr(module, "__all__", [])
    }
    models = [
        getattr(module, name)
        for module in modules
        for name in getattr(module, "__all__", [])
        if isinstance(getattr(module, name), type) and issubclass(getattr(module, name), BaseModel)
    ]
    unexported = sorted(
        f"{held.__module__}.{held.__name__} (in {model.__name__}.{field})"
        for model in models
        for field, info in model.model_fields.items()
        for held in _classes_in(info.annotation)
        if issubclass(held, BaseModel | Enum)
        and held.__module__.startswith("haulmer")
        and id(held) not in exported
    )
    assert unexported == []

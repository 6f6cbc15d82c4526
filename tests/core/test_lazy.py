"""Lazy package names (PEP 562): loaded on first use, cached, listed by dir()."""

from __future__ import annotations

import sys
import types

import pytest

import haulmer
import haulmer.openfactura
import haulmer.sii
import haulmer.testing
from haulmer._deferred import DeferredModule
from haulmer._lazy import LazyModule, LazyNames
from haulmer.errors import MissingDependencyError


def _package(table: dict[str, str]) -> types.ModuleType:
    module = types.ModuleType("example_package")
    names = LazyNames(module.__name__, table, vars(module))
    module.__getattr__ = names.getattr  # type: ignore[method-assign]
    module.__dir__ = names.dir  # type: ignore[method-assign]
    return module


def test_a_lazy_name_is_imported_from_its_module_and_cached() -> None:
    package = _package({"OrderedDict": "collections"})
    value = package.OrderedDict
    assert value is sys.modules["collections"].OrderedDict
    assert vars(package)["OrderedDict"] is value


def test_an_unknown_name_raises_attribute_error_naming_the_package() -> None:
    package = _package({})
    with pytest.raises(AttributeError, match=r"module 'example_package' has no attribute 'nope'"):
        _ = package.nope
    assert not hasattr(package, "nope")


def test_dir_lists_lazy_names_before_they_load() -> None:
    package = _package({"OrderedDict": "collections"})
    assert "OrderedDict" in dir(package)
    assert "OrderedDict" not in vars(package)


@pytest.mark.parametrize("package", [haulmer, haulmer.sii, haulmer.testing, haulmer.openfactura])
def test_every_public_name_of_the_lazy_packages_resolves(package: types.ModuleType) -> None:
    for name in package.__all__:
        assert getattr(package, name) is not None, name
        assert name in dir(package)
    with pytest.raises(AttributeError, match=package.__name__):
        _ = package.no_such_name


def test_a_lazy_module_loads_on_its_first_attribute_and_serves_submodules() -> None:
    module = LazyModule("email")
    assert "not loaded yet" in repr(module)
    assert module.message.Message is sys.modules["email.message"].Message
    assert "loaded" in repr(module)


def test_a_lazy_modules_dunder_probes_load_nothing() -> None:
    """``inspect.unwrap`` (doctest collection, pytest) asks globals for ``__wrapped__``."""
    module = LazyModule("haulmer_no_such_module", extra="nothing")
    assert not hasattr(module, "__wrapped__")
    assert "not loaded yet" in repr(module)


def test_a_lazy_module_of_a_missing_extra_says_what_to_install() -> None:
    module = LazyModule("haulmer_no_such_module", extra="nothing", missing="X needs Y: pip it")
    with pytest.raises(MissingDependencyError, match="X needs Y: pip it") as caught:
        _ = module.anything
    assert caught.value.extra == "nothing"


def test_a_lazy_modules_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="'email' has no attribute 'no_such_name'"):
        _ = LazyModule("email").no_such_name


def test_a_deferred_module_loads_on_first_use_and_a_missing_one_raises_as_import_would() -> None:
    """``haulmer.errors`` names its annotations' modules with it: it knows no extras."""
    module = DeferredModule("email")
    assert "not loaded yet" in repr(module)
    assert module.message.Message is sys.modules["email.message"].Message
    with pytest.raises(ModuleNotFoundError, match="haulmer_no_such_module"):
        _ = DeferredModule("haulmer_no_such_module").anything

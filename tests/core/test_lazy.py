"""Lazy package names (PEP 562): loaded on first use, cached, listed by dir()."""

from __future__ import annotations

import sys
import types

import pytest

import haulmer
import haulmer.openfactura
import haulmer.sii
import haulmer.testing
from haulmer._lazy import LazyNames


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

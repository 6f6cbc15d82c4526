"""Every public class, function, method and property of the public modules says what it is for."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any

import haulmer

_SKIPPED = {"haulmer.cli"}
"""The command line documents itself through argparse's help."""


def _public_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(haulmer.__path__, "haulmer."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts) or info.name in _SKIPPED:
            continue
        names.append(info.name)
    return names


def _function(member: Any) -> Any:
    if isinstance(member, property):
        return member.fget
    if isinstance(member, staticmethod | classmethod):
        return member.__func__
    return member


def _undocumented(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    missing = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module_name:
            continue
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if not (obj.__doc__ or "").strip():
            missing.append(f"{module_name}.{name}")
        if inspect.isclass(obj):
            for member_name, member in vars(obj).items():
                function = _function(member)
                if member_name.startswith("_") or not inspect.isfunction(function):
                    continue
                if not (function.__doc__ or "").strip():
                    missing.append(f"{module_name}.{name}.{member_name}")
    return missing


def test_the_public_modules_are_found() -> None:
    modules = _public_modules()
    assert "haulmer.sii.signature" in modules
    assert "haulmer.openfactura.registry" in modules
    assert not any("._" in name for name in modules)


def test_every_public_member_has_a_docstring() -> None:
    missing = [name for module in _public_modules() for name in _undocumented(module)]
    assert missing == []

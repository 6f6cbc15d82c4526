"""``typing.get_type_hints`` resolves the public signatures of ``haulmer.sii``, for tools that read
them at run time (pydantic's ``validate_call``, FastAPI, typer)."""

from __future__ import annotations

import inspect
import typing

import pytest

from haulmer import sii


@pytest.mark.parametrize("name", sii.__all__)
def test_every_public_function_and_method_of_the_sii_layer_has_resolvable_hints(name: str) -> None:
    obj = getattr(sii, name)
    if inspect.isfunction(obj):
        functions = [obj]
    else:
        functions = [
            f for attr, f in vars(obj).items() if inspect.isfunction(f) and not attr.startswith("_")
        ]
    for function in functions:
        hints = typing.get_type_hints(function)
        assert "return" in hints, f"{name}.{function.__name__} has no return annotation"

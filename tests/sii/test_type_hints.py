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


def test_a_logo_is_typed_as_bytes_a_path_or_a_pil_image() -> None:
    """``render_pdf(logo=...)`` names what it prints (no ``Any``): a type checker refuses
    anything else, and Pillow loads only when the hint is resolved."""
    import os

    from PIL import Image

    for function in (sii.render_pdf, sii.render_pdfs):
        assert typing.get_type_hints(function)["logo"] == (
            bytes | bytearray | str | os.PathLike[str] | Image.Image | None
        )


def test_without_the_pdf_extra_the_logos_hint_says_what_to_install() -> None:
    import subprocess
    import sys

    code = (
        "import sys, typing; sys.modules['PIL'] = None; "
        "from haulmer.errors import MissingDependencyError; from haulmer import sii\n"
        "try:\n"
        "    typing.get_type_hints(sii.render_pdf)\n"
        "except MissingDependencyError as error:\n"
        "    print(error.extra, error)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == (
        "pdf a PIL image as logo= needs Pillow: pip install 'haulmer[pdf]'"
    )

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


def test_version_is_a_string() -> None:
    assert haulmer.__version__.count(".") == 2


def test_every_public_error_is_a_haulmer_error() -> None:
    for name in haulmer.errors.__all__:
        obj = getattr(haulmer.errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, haulmer.HaulmerError)

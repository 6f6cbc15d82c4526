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

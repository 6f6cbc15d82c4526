"""Every program in examples/ runs as an integrator would run it, against the fake, offline."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PROGRAMS = sorted(path.name for path in EXAMPLES.glob("*.py"))


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAULMER_")}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_examples_folder_has_the_promised_programs() -> None:
    assert {
        "issue_and_download.py",
        "async_batch.py",
        "sign_and_verify.py",
        "journey.py",
        "asgi_boleta.py",
    } <= set(PROGRAMS)
    assert (EXAMPLES / "pytest_suite" / "test_invoicing.py").is_file()


@pytest.mark.parametrize("program", PROGRAMS)
def test_example_runs_and_says_what_it_did(program: str, tmp_path: Path) -> None:
    result = _run([str(EXAMPLES / program)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert list(tmp_path.iterdir()) == []  # files go to a temporary folder, never the cwd


def test_example_issue_and_download_writes_the_xml_and_pdf(tmp_path: Path) -> None:
    result = _run([str(EXAMPLES / "issue_and_download.py"), "--out", str(tmp_path)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "factura-33-1.pdf",
        "factura-33-1.xml",
    ]
    assert (tmp_path / "factura-33-1.pdf").read_bytes().startswith(b"%PDF")


def test_example_pytest_suite_passes_with_the_plugin(tmp_path: Path) -> None:
    result = _run(
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLES / "pytest_suite")],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def test_example_pytest_suite_passes_copied_into_a_project_of_its_own(tmp_path: Path) -> None:
    # Outside this repository no pyproject sets asyncio_mode = "auto": pytest-asyncio runs in its
    # default strict mode, where an unmarked async test fails, so the suite must mark its own.
    for name in ("invoicing.py", "test_invoicing.py"):
        (tmp_path / name).write_bytes((EXAMPLES / "pytest_suite" / name).read_bytes())
    result = _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout

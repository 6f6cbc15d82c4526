"""``scripts/unasync.py``: the sync face is what the async source gives, and drift is caught."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "unasync.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


unasync = _load()


def test_the_committed_sync_face_has_not_drifted() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_the_generated_face_says_nothing_of_the_async_one() -> None:
    pattern = re.compile(r"\basync (def|for|with)\b|\bawait\b|\bAsync[A-Z]|\baclose\b")
    for _, target in unasync.pairs():
        body = target.read_text(encoding="utf-8").split("\n", 1)[1]
        assert not pattern.search(body), f"{target}: {pattern.search(body)}"


def test_async_code_becomes_its_sync_twin() -> None:
    source = (
        "import asyncio\n"
        "from haulmer._core._async.runner import AsyncAPIResource\n"
        "class AsyncDocuments(AsyncAPIResource):\n"
        "    async def emit(self) -> AsyncPaginator[int]:\n"
        "        await asyncio.sleep(1)\n"
        "        async with self._client as c:\n"
        "            async for x in lazy_pages(c.aclose):\n"
        "                await c.aread()\n"
    )
    assert unasync.unasync_text(source) == (
        "import time\n"
        "from haulmer._core._sync.runner import SyncAPIResource\n"
        "class Documents(SyncAPIResource):\n"
        "    def emit(self) -> SyncPage[int]:\n"
        "        time.sleep(1)\n"
        "        with self._client as c:\n"
        "            for x in fetched_pages(c.close):\n"
        "                c.read()\n"
    )


def test_check_fails_on_drift_and_a_run_repairs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "pkg" / "_async" / "thing.py"
    source.parent.mkdir(parents=True)
    source.write_text('"""A thing."""\n\n\nasync def fetch() -> None:\n    """Fetch."""\n')
    target = tmp_path / "pkg" / "_sync" / "thing.py"
    monkeypatch.setattr(unasync, "ROOT", tmp_path)
    monkeypatch.setattr(unasync, "FACES", [source.parent])
    assert unasync.main(["--check"]) == 1  # not generated yet
    assert unasync.main([]) == 0
    text = target.read_text()
    assert text.startswith("# Generated from pkg/_async/thing.py by scripts/unasync.py")
    assert "def fetch() -> None:" in text
    assert "async" not in text.split("\n", 1)[1]
    assert unasync.main(["--check"]) == 0
    target.write_text(text + "# edited by hand\n")
    assert unasync.main(["--check"]) == 1
    stale = target.parent / "gone.py"
    stale.write_text("")
    assert unasync.main([]) == 0
    assert not stale.exists()
    assert target.read_text() == text

"""Write the sync face from the hand-written async one, as httpcore does: token substitutions.

Every ``_async`` folder listed in ``FACES`` is the source; its ``_sync`` sibling is generated, each
file headed by a comment saying so. ``--check`` writes nothing and exits 1 when a generated file
differs from what its source gives (drift), so CI fails until this script is run again.

    python scripts/unasync.py          # regenerate the sync face
    python scripts/unasync.py --check  # fail on drift
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FACES = [
    ROOT / "src/haulmer/_core/_async",
    ROOT / "src/haulmer/_async",
]
"""Folders written by hand; each ``_async`` gets a generated ``_sync`` beside it."""

SUBSTITUTIONS = [
    # Names of the engine's two faces.
    ("AsyncAPIResource", "SyncAPIResource"),
    ("AsyncRawResponses", "SyncRawResponses"),
    ("AsyncRunner", "SyncRunner"),
    ("AsyncSender", "SyncSender"),
    ("AsyncPaginator", "SyncPage"),
    ("AsyncPage", "SyncPage"),
    ("lazy_pages", "fetched_pages"),
    ("async_client_class", "sync_client_class"),
    ("default_async_client", "default_sync_client"),
    # httpx, tenacity and the standard library.
    ("AsyncClient", "Client"),
    ("AsyncRetrying", "Retrying"),
    ("AsyncIterator", "Iterator"),
    ("Awaitable[None]", "None"),
    ("__aenter__", "__enter__"),
    ("__aexit__", "__exit__"),
    ("aclose", "close"),
    (".abook(", ".book("),
    (".arelease(", ".release("),
    (".ahold(", ".hold("),
    (".aconfirm(", ".confirm("),
    ("aread", "read"),
    ("aiter_bytes", "iter_bytes"),
    ("asyncio.sleep", "time.sleep"),
    ("run_blocking(step)", "step.run()"),
    ("checked_async_sleep", "checked_blocking_sleep"),
    ("awaited_sleep", "slept"),
    ("import asyncio", "import time"),
    # Paths of the generated modules.
    ("._async", "._sync"),
    ("/_async/", "/_sync/"),
]
"""Exact substitutions, made first, longest names before their prefixes."""

PATTERNS = [
    (re.compile(r"\basync def\b"), "def"),
    (re.compile(r"\basync with\b"), "with"),
    (re.compile(r"\basync for\b"), "for"),
    (re.compile(r"\bawait "), ""),
    # Public face classes: AsyncHaulmer -> Haulmer, AsyncDocuments -> Documents...
    (re.compile(r"\bAsync(?=[A-Z][a-z])"), ""),
]

HEADER = "# Generated from {source} by scripts/unasync.py: do not edit.\n"


def unasync_text(text: str) -> str:
    """The sync source of an async module."""
    for old, new in SUBSTITUTIONS:
        text = text.replace(old, new)
    for pattern, new in PATTERNS:
        text = pattern.sub(new, text)
    return text


def _ruff(*args: str, source: str, path: Path) -> str:
    """``source`` passed through ruff (format, import order) as if it were ``path``."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode not in (0, 1) or not result.stdout:
        raise SystemExit(f"ruff failed on the generated {path}:\n{result.stderr}")
    return result.stdout


def generated(source: Path, target: Path) -> str:
    """The complete text of the sync module written from ``source``."""
    text = HEADER.format(source=source.relative_to(ROOT).as_posix()) + unasync_text(
        source.read_text(encoding="utf-8")
    )
    text = _ruff("check", "--fix", "--select", "I,F401", "--quiet", source=text, path=target)
    return _ruff("format", "--quiet", source=text, path=target)


def pairs() -> list[tuple[Path, Path]]:
    """Every (hand-written async module, generated sync module)."""
    out = []
    for folder in FACES:
        for source in sorted(folder.rglob("*.py")):
            target = folder.parent / "_sync" / source.relative_to(folder)
            out.append((source, target))
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    drift = []
    expected = set()
    for source, target in pairs():
        expected.add(target)
        text = generated(source, target)
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if check:
            drift.append(target)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    for folder in FACES:
        sync = folder.parent / "_sync"
        for stale in sorted(sync.rglob("*.py")) if sync.exists() else []:
            if stale not in expected:
                if check:
                    drift.append(stale)
                else:
                    stale.unlink()
                    print(f"removed {stale.relative_to(ROOT)}")
    if drift:
        names = "\n  ".join(str(path.relative_to(ROOT)) for path in drift)
        print(f"the sync face differs from its async source:\n  {names}")
        print("run: python scripts/unasync.py")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

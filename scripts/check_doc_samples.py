"""Type-check every code sample of the README and the documentation site with ``mypy --strict``.

Each page's Python blocks (```python, which the tests run, and ```py, which need the network) are
joined in order into one module, as the tests run them in one namespace, and mypy checks all the
modules together with the project's settings (``[tool.mypy]`` in pyproject.toml). Errors are
reported against the page and line they come from. The programs in ``examples/`` are checked in
the same run.

    python scripts/check_doc_samples.py            # exit status 1 when mypy finds an error
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^([ \t]*)```(?:python|py)\n(.*?)^[ \t]*```", re.M | re.S)


def pages() -> list[Path]:
    """The README and every Markdown page of the site."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _dedent(block: str) -> str:
    lines = block.splitlines(keepends=True)
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    margin = min(indents, default=0)
    return "".join(line[margin:] if line.strip() else line for line in lines)


def sample_module(page: Path) -> tuple[str, list[int]] | None:
    """The page's samples as one module, and for each of its lines the page's line number."""
    text = page.read_text(encoding="utf-8")
    source: list[str] = []
    origin: list[int] = []
    for match in BLOCK.finditer(text):
        first_line = text.count("\n", 0, match.start(2)) + 1
        for offset, line in enumerate(_dedent(match.group(2)).splitlines()):
            source.append(line)
            origin.append(first_line + offset)
    if not source:
        return None
    return "\n".join(source) + "\n", origin


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="haulmer-doc-samples-") as folder:
        work = Path(folder)
        origins: dict[str, tuple[Path, list[int]]] = {}
        for page in pages():
            sample = sample_module(page)
            if sample is None:
                continue
            relative = page.relative_to(ROOT)
            name = "sample_" + re.sub(r"\W", "_", str(relative.with_suffix(""))) + ".py"
            (work / name).write_text(sample[0], encoding="utf-8")
            origins[str(work / name)] = (relative, sample[1])
        examples = sorted(str(path) for path in (ROOT / "examples").rglob("*.py"))
        command = [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            # Each page is its own module, as each is run in a namespace of its own.
            "--scripts-are-modules",
            *sorted(origins),
            *examples,
        ]
        result = subprocess.run(command, capture_output=True, text=True, cwd=work)
        print(_map_lines(result.stdout, origins), end="")
        print(result.stderr, end="", file=sys.stderr)
        print(f"checked {len(origins)} pages of samples and {len(examples)} example files")
        return result.returncode


def _map_lines(output: str, origins: dict[str, tuple[Path, list[int]]]) -> str:
    def replace(match: re.Match[str]) -> str:
        path, line = match.group(1), int(match.group(2))
        for generated, (page, lines) in origins.items():
            if Path(generated).name == Path(path).name:
                return f"{page}:{lines[line - 1]}:"
        return match.group(0)

    return re.sub(r"^(\S+\.py):(\d+):", replace, output, flags=re.M)


if __name__ == "__main__":
    raise SystemExit(main())

"""Every page of the documentation site: its ```python blocks run as written, in order, sharing one
namespace per page (```py blocks need the network). docs/dte.md and docs/sii.md have tests of their
own (tests/dte/test_dte_docs.py, tests/sii/test_sii_docs.py) that also check what they print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
TESTED_ELSEWHERE = {"dte.md", "sii.md"}
PROSE_ONLY = {"glossary.md", "examples.md", "changelog.md", "security.md", "reliability.md"}
"""Pages that explain or include other files and need no code of their own."""
PAGES = sorted(
    str(path.relative_to(DOCS))
    for path in DOCS.rglob("*.md")
    if str(path.relative_to(DOCS)) not in TESTED_ELSEWHERE
    and path.relative_to(DOCS).parts[0] != "includes"  # snippets other pages include
)
GUIDES = [page for page in PAGES if page not in PROSE_ONLY]
_PYTHON_BLOCK = re.compile(r"^[ \t]*```python\n(.*?)^[ \t]*```", re.M | re.S)


def runnable_blocks(guide: str) -> list[str]:
    """The ```python blocks of a guide, dedented when they sit inside a list item."""
    text = (DOCS / guide).read_text(encoding="utf-8")
    return [_dedent(block) for block in _PYTHON_BLOCK.findall(text)]


def _dedent(block: str) -> str:
    lines = block.splitlines(keepends=True)
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip()]
    margin = min(indents, default=0)
    return "".join(line[margin:] if line.strip() else line for line in lines)


@pytest.mark.parametrize("guide", GUIDES)
def test_each_guide_has_runnable_examples(guide: str) -> None:
    assert runnable_blocks(guide), f"docs/{guide} has no ```python block"


def test_every_page_is_found() -> None:
    assert {"clients.md", "quickstart.md", "guides/idempotency.md"} <= set(PAGES)
    assert len(PAGES) + len(TESTED_ELSEWHERE) >= 15


@pytest.mark.parametrize("guide", PAGES)
def test_guide_examples_run_in_order(
    guide: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HAULMER_API_KEY", raising=False)
    monkeypatch.delenv("HAULMER_LOG", raising=False)
    module = "docs_" + guide.removesuffix(".md").replace("/", "_").replace("-", "_")
    namespace: dict[str, object] = {"__name__": module}
    for index, code in enumerate(runnable_blocks(guide), start=1):
        exec(compile(code, f"{DOCS / guide}#block{index}", "exec"), namespace)
    assert list(tmp_path.iterdir()) == []  # the examples leave no files behind


def test_the_error_tree_of_the_clients_page_names_every_error_class() -> None:
    import haulmer.errors

    text = (DOCS / "clients.md").read_text(encoding="utf-8")
    tree = text.split("## Errors (`haulmer.errors`)", 1)[1].split("```")[1]
    classes = [
        name
        for name in haulmer.errors.__all__
        if isinstance(getattr(haulmer.errors, name), type)
        and issubclass(getattr(haulmer.errors, name), haulmer.errors.HaulmerError)
    ]
    assert "ConflictError" in classes
    assert sorted(name for name in classes if not re.search(rf"\b{name}\b", tree)) == []


def test_the_command_line_guide_shows_each_command_with_its_own_usage() -> None:
    import argparse

    from haulmer.cli import build_parser

    text = (DOCS / "guides" / "command-line.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `haulmer ([\w-]+)([^`]*)` \|", text, re.M))
    (commands,) = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    assert sorted(rows) == sorted(commands.choices)
    for name, parser in commands.choices.items():
        usage = parser.format_usage()
        for option in re.findall(r"--[\w-]+", rows[name]):
            assert option in usage, f"haulmer {name}: {option}"
        shown_many = re.search(r"[A-Z]\w*(\.xml)?\.\.\.", rows[name]) is not None
        assert shown_many == ("...]" in usage), f"haulmer {name}: how many arguments it takes"


def test_the_dte_page_names_every_option_the_builders_share() -> None:
    """docs/dte.md lists what every builder takes (DocumentOptions) and what facturas add
    (PaymentOptions): a new option is named there too."""
    from haulmer.dte.builders.inputs import DocumentOptions, PaymentOptions

    page = (DOCS / "dte.md").read_text(encoding="utf-8")
    for options in (DocumentOptions, PaymentOptions):
        missing = [key for key in options.__annotations__ if f"`{key}`" not in page]
        assert not missing, f"docs/dte.md does not name {options.__name__}'s {missing}"


def test_the_pytest_sample_of_the_fake_page_runs_alone_as_a_test_file_would() -> None:
    """docs/testing.md's fixture sample used `dte`, `FakeHaulmer` and a `my_factura` of the
    page's first block: copied into a test file, it failed with NameError."""
    (sample,) = [block for block in runnable_blocks("testing.md") if "def test_invoice" in block]
    exec(compile(sample, "docs/testing.md#pytest", "exec"), {"__name__": "test_sample"})

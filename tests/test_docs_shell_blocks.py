"""Every shell block (```sh, ```bash, ```console) of the README, CONTRIBUTING.md, SECURITY.md and
the docs/ pages shows commands that exist: ``haulmer ...`` and ``python -m haulmer.testing ...``
lines parse with the real parsers, scripts, paths and extras exist, flags are ones the program
reads, and ``pytest -k`` selects a test. A program this file does not know fails the test, so a
new kind of command is taught here before a page shows it."""

from __future__ import annotations

import ast
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    ROOT / "SECURITY.md",
    *sorted((ROOT / "docs").rglob("*.md")),
]
_SHELL_BLOCK = re.compile(r"^[ \t]*```(?:sh|bash|console)\n(.*?)^[ \t]*```", re.M | re.S)
_ENVIRONMENT_VARIABLES = {"HAULMER_LONG_TESTS", "HAULMER_LIVE_SANDBOX", "HAULMER_API_KEY"}
"""The variables a shown command may set; each is checked to be read somewhere below."""


def shell_lines() -> list[tuple[str, str]]:
    """(page, line) for each command line of each shell block, comments left off."""
    found = []
    for page in PAGES:
        for block in _SHELL_BLOCK.findall(page.read_text(encoding="utf-8")):
            for line in block.splitlines():
                command = line.split("  #", 1)[0].strip().removeprefix("$ ")
                if command:
                    found.append((str(page.relative_to(ROOT)), command))
    return found


LINES = shell_lines()


def simple_commands(line: str) -> list[list[str]]:
    """The words of each command of a line joined by ``&&``, ``||`` or ``|``, redirections and
    the variables set before it left off."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="&|>")
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    redirected = False
    for word in lexer:
        if word in {"&&", "||", "|"}:
            commands.append([])
            redirected = False
        elif word == ">":
            redirected = True
        elif redirected:
            redirected = False  # the file written to
        else:
            commands[-1].append(word)
    return commands


def _strip_variables(words: list[str]) -> list[str]:
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        name = words.pop(0).split("=", 1)[0]
        assert name in _ENVIRONMENT_VARIABLES, f"{name} is not a variable the project reads"
    return words


def _strings_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _check_flags(path: Path, arguments: list[str]) -> None:
    """Each ``--flag`` is a string the program's source names; other words are paths or values."""
    strings = _strings_of(path)
    for word in arguments:
        if word.startswith("--"):
            assert word in strings, f"{path.relative_to(ROOT)} reads no {word}"


def _check_extras(spec: str) -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = pyproject.split("[project.optional-dependencies]\n", 1)[1].split("\n[", 1)[0]
    extras = set(re.findall(r"^([\w-]+) = \[", section, re.M))
    assert {"pdf", "dev"} <= extras
    match = re.fullmatch(r"(\.|haulmer)(?:\[([\w,]+)\])?", spec)
    assert match, f"pip installs {spec!r}, neither the checkout nor haulmer"
    for extra in (match.group(2) or "").split(","):
        assert not extra or extra in extras, f"no extra {extra!r} in pyproject.toml"


def _check_pytest(arguments: list[str]) -> None:
    values = {
        arguments[at + 1]
        for at, word in enumerate(arguments[:-1])
        if word in {"-k", "-n", "-p", "--numprocesses"}
    }
    for at, word in enumerate(arguments[:-1]):
        if word in {"-n", "--numprocesses"}:
            count = arguments[at + 1]
            assert count in {"auto", "logical"} or count.isdigit(), f"-n is given {count}"
    selection = arguments[arguments.index("-k") + 1] if "-k" in arguments else None
    paths = [word for word in arguments if not word.startswith("-") and word not in values]
    for word in paths:
        assert (ROOT / word).exists(), f"pytest is given {word}, which does not exist"
    if selection is not None:
        tests = {
            name
            for word in paths
            for file in (
                [ROOT / word] if word.endswith(".py") else (ROOT / word).rglob("test_*.py")
            )
            for name in re.findall(
                r"^(?:async )?def (test_\w+)", file.read_text(encoding="utf-8"), re.M
            )
        }
        assert any(selection in name for name in tests), f"-k {selection} selects no test"


def check_command(words: list[str]) -> None:
    """Fail unless the command exists and takes these arguments."""
    from haulmer.cli import build_parser
    from haulmer.testing.__main__ import build_parser as testing_parser

    words = _strip_variables(list(words))
    program, arguments = words[0], words[1:]
    if program in {"python", "python3", ".venv/bin/python"}:
        if arguments[:2] == ["-m", "venv"]:
            return
        if arguments[:2] == ["-m", "haulmer"]:
            build_parser().parse_args(arguments[2:])
        elif arguments[:2] == ["-m", "haulmer.testing"]:
            testing_parser().parse_args(arguments[2:])
        elif arguments[:2] == ["-m", "benchmarks"]:
            _check_flags(ROOT / "benchmarks" / "__main__.py", arguments[2:])
        else:
            script = ROOT / arguments[0]
            assert script.is_file(), f"no {arguments[0]}"
            _check_flags(script, arguments[1:])
    elif program == "haulmer":
        build_parser().parse_args(arguments)  # a usage error would exit
    elif program in {"pip", ".venv/bin/pip"}:
        assert arguments[0] == "install"
        specs = [word for word in arguments[1:] if not word.startswith("-")]
        assert specs
        for spec in specs:
            _check_extras(spec)
    elif program in {"pytest", ".venv/bin/pytest"}:
        _check_pytest(arguments)
    elif program in {"ruff", ".venv/bin/ruff"}:
        assert arguments[0] in {"check", "format"}
        for word in arguments[1:]:
            assert word.startswith("--") or (ROOT / word).is_dir(), f"ruff is given {word}"
    elif program in {"mypy", ".venv/bin/mypy"}:
        assert "[tool.mypy]" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    elif program == "sh":
        assert (ROOT / arguments[0]).is_file(), f"no {arguments[0]}"
    elif program == ".ci/run":
        assert (ROOT / program).is_file()
        assert (ROOT / program).stat().st_mode & 0o111, f"{program} is not executable"
    elif program == "echo":
        return
    else:
        raise AssertionError(f"a command this test does not know: {program}")


def test_the_pages_show_shell_blocks() -> None:
    pages = {page for page, _ in LINES}
    assert {
        "README.md",
        "CONTRIBUTING.md",
        "docs/pdf.md",
        "docs/testing.md",
        "docs/scale.md",
    } <= pages


@pytest.mark.parametrize(("page", "line"), LINES, ids=[f"{p}:{line[:40]}" for p, line in LINES])
def test_each_shown_command_exists_as_shown(page: str, line: str) -> None:
    commands = simple_commands(line)
    assert all(commands), f"{page}: an empty command in {line!r}"
    for words in commands:
        check_command(words)


def test_the_variables_a_command_may_set_are_read_by_the_project() -> None:
    sources = [*(ROOT / "src").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources if path != Path(__file__))
    assert sorted(name for name in _ENVIRONMENT_VARIABLES if f'"{name}"' not in text) == []


def test_a_wrong_command_fails_the_check() -> None:
    for wrong in (
        "haulmer verify --no-such-flag DTE.xml",
        ".venv/bin/python scripts/unasync.py --chek",
        "pip install '.[pfd]'",
        "pytest tests/openfactura/test_contract.py -k no_such_scenario",
        "python -m haulmer.testing serve --prot 8080",
        "make docs",
    ):
        with pytest.raises((AssertionError, SystemExit)):
            for words in simple_commands(wrong):
                check_command(words)

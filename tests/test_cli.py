"""``haulmer.cli.main``: what every command shares (interruption, the parser, the version)."""

from __future__ import annotations

from pathlib import Path

import pytest

from haulmer import _support_commands
from haulmer.cli import main

FACTURA = Path(__file__).parent / "sii" / "fixtures" / "DTE--76354771-K--33--170.xml"


def test_ctrl_c_stops_a_command_with_one_line_and_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(_support_commands, "verify", interrupted)
    assert main(["verify", str(FACTURA)]) == 130
    captured = capsys.readouterr()
    assert captured.err.strip() == "haulmer: interrupted"
    assert captured.out == ""


def test_version_prints_the_sdk_version(capsys: pytest.CaptureFixture[str]) -> None:
    from haulmer import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"haulmer {__version__}\n"


class _FullDisk:
    """A standard output on a full disk: every write fails with ENOSPC."""

    def write(self, text: str) -> int:
        import errno

        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:
        pass


def test_output_that_cannot_be_written_is_one_line_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setattr(sys, "stdout", _FullDisk())
    assert main(["parse", str(FACTURA)]) == 1
    assert capsys.readouterr().err == "haulmer parse: stopped: No space left on device\n"


def test_a_file_name_that_is_not_utf8_is_printed_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name in Latin-1 (a zip from an old Windows) reaches Python with surrogates; a UTF-8
    terminal whose encoding is strict could not print it."""
    import io
    import os
    import sys

    if sys.platform == "win32" or os.fsencode("\udcd1") != b"\xd1":  # pragma: no cover
        pytest.skip("file names are bytes on this platform only")
    name = tmp_path / "factura-\udcd1u\udcf1oa.xml"  # "Ñuñoa" in Latin-1 bytes
    name.write_bytes(FACTURA.read_bytes())
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["verify", str(name)]) == 0
    out.flush()
    printed = out.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]
    assert "factura-\\udcd1u\\udcf1oa.xml: verified" in printed
    assert out.errors == "strict"  # the caller's stream is left as it was


def _subcommands() -> dict[str, object]:
    import argparse

    from haulmer.cli import build_parser

    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_each_command_help_shows_examples_that_parse(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import shlex

    from haulmer.cli import build_parser

    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert "Exit status" in text or "exit status" in text
    assert "examples:" in text
    examples = [line.strip() for line in text.split("examples:", 1)[1].splitlines() if line.strip()]
    assert examples
    for example in examples:
        words = shlex.split(example.split("  #", 1)[0])
        assert words[:2] == ["haulmer", command], example
        words = words[2:]
        for stop in ("<", ">", "|"):  # what the shell takes: redirections and pipes
            if stop in words:
                words = words[: words.index(stop)]
        build_parser().parse_args([command, *words])  # a usage error would exit


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_each_argument_of_a_command_says_what_it_is_and_its_default(command: str) -> None:
    """`haulmer pdf --help` showed --paper with no word of what it chooses or which is the
    default, and `haulmer serve --help` a --port without its default, 8080."""
    import argparse

    parser = _subcommands()[command]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = action.option_strings[-1] if action.option_strings else action.dest
        assert action.help, f"haulmer {command} {name} has no help"
        default = action.default
        if default not in (None, False, argparse.SUPPRESS) and action.nargs != 0:
            assert str(default) in action.help, f"haulmer {command} {name}: default {default}"
        if not action.option_strings:
            assert action.metavar, f"haulmer {command}: name {action.dest!r} for the help"


def test_python_m_haulmer_testing_serve_explains_itself_as_haulmer_serve_does() -> None:
    """`python -m haulmer.testing serve --help` had no description, no exit status and no
    default port; it now says what `haulmer serve --help` says."""
    import argparse

    from haulmer.testing.__main__ import build_parser as testing_parser

    def serve_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return commands.choices["serve"]

    ours = serve_parser(testing_parser())
    theirs = _subcommands()["serve"]
    assert ours.description is not None
    assert "Exit status" in ours.description
    helps = {action.dest: action.help for action in ours._actions}
    assert helps == {action.dest: action.help for action in theirs._actions}
    assert "8080" in str(helps["port"])


def test_ctrl_c_while_the_command_line_is_read_is_one_line_and_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the parser's imports take a twentieth of a second at every start: Ctrl+C then printed a
    # traceback of an import, and the status of a Python that died of SIGINT
    import haulmer._batch_command

    def interrupted(commands: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(haulmer._batch_command, "add_emit_batch_command", interrupted)
    try:
        code: int | None = main(["demo"])
    except KeyboardInterrupt:
        code = None
    assert code == 130
    captured = capsys.readouterr()
    assert (captured.err.strip(), captured.out) == ("haulmer: interrupted", "")


def test_ctrl_c_while_python_m_haulmer_imports_the_command_line_is_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.abc
    import runpy
    import sys

    class Interrupted(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *args: object) -> None:
            if name == "haulmer.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "haulmer.cli")
    monkeypatch.delitem(sys.modules, "haulmer.__main__", raising=False)
    finders = [f for f in sys.meta_path if type(f).__name__ != "AssertionRewritingHook"]
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *finders])  # runpy needs get_code()
    try:
        runpy.run_module("haulmer", run_name="__main__")
    except SystemExit as exited:
        code: object = exited.code
    except KeyboardInterrupt:
        code = None
    assert code == 130
    assert capsys.readouterr().err.strip() == "haulmer: interrupted"


@pytest.mark.parametrize(
    ("argv", "status"),
    [(["--help"], 0), (["verify"], 2), (["no-such-command"], 2), (["rut", "--bogus"], 2)],
)
def test_main_returns_the_exit_status_of_help_and_a_wrong_command_line(
    argv: list[str], status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command-line page says main(argv) returns the exit status, which a test of support
    tooling asserts: argparse's own end of the process (help, usage errors) is returned too."""
    assert main(argv) == status
    captured = capsys.readouterr()
    assert ("usage:" in captured.out) if status == 0 else ("usage:" in captured.err)


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["demo", "--out", ""], "--out"),
        (["demo", "--json", "--out", "  "], "--out"),
        (["pdf", "DTE.xml", "-o", ""], "-o/--output"),
        (["emit-batch", "ventas.jsonl", "--journal", ""], "--journal"),
        (["journal", ""], "FILE.db"),
    ],
)
def test_an_empty_path_is_a_wrong_command_line_not_the_current_folder(
    argv: list[str],
    option: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # --out "$DIR" with DIR unset wrote the demo's six files among the current folder's own,
    # and -o "" the PDF into it, both with status 0
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"argument {option}: a path, not an empty value (a variable left unset?)" in (
        captured.err
    )
    assert list(tmp_path.iterdir()) == []

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

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
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

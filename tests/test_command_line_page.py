"""docs/guides/command-line.md, claim by claim: the defaults and choices its table shows (serve's
port, emit-batch's concurrency and rate limit, pdf's papers, verify's test CAFs) are the
parser's."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from haulmer.cli import build_parser, main

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "guides" / "command-line.md").read_text(
    "utf-8"
)


def _options(command: str) -> dict[str, argparse.Action]:
    (commands,) = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    parser = commands.choices[command]
    return {option: action for action in parser._actions for option in action.option_strings}


def test_serve_listens_on_loopback_port_8080_by_default() -> None:
    assert "`haulmer serve [--host HOST] [--port 8080]`" in PAGE
    assert "the fake platform over HTTP on loopback" in PAGE
    options = _options("serve")
    assert options["--port"].default == 8080
    assert options["--host"].default == "127.0.0.1"


def test_emit_batch_runs_4_at_a_time_with_the_rate_limit_on_by_default() -> None:
    assert "[--concurrency 4] [--rate-limit on\\|off\\|URL]" in PAGE
    options = _options("emit-batch")
    assert options["--concurrency"].default == 4
    assert options["--rate-limit"].default == "on"


def test_pdf_prints_on_letter_or_80mm_paper() -> None:
    assert "[--paper letter\\|80mm]" in PAGE
    options = _options("pdf")
    assert options["--paper"].choices == ("letter", "80mm")
    assert options["--paper"].default == "letter"


def test_verify_takes_allow_test_cafs_only_with_check_caf(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert "`--allow-test-cafs` (only with `--check-caf`: alone it is a wrong command line" in PAGE
    assert main(["verify", "--allow-test-cafs", "DTE.xml"]) == 2
    assert "--allow-test-cafs counts only with --check-caf" in capsys.readouterr().err

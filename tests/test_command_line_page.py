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


def test_caf_json_has_the_fields_the_page_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from haulmer.testing.caf import make_test_caf_xml

    fields = ('"idk"', '"sii_environment"', '"signed_by_sii"', '"signed_by_test_key"')
    assert all(f"`{field}`" in PAGE for field in fields)
    caf = tmp_path / "caf.xml"
    caf.write_bytes(make_test_caf_xml(rut="76086428-5", razon_social="X", dte_type=33))
    assert main(["caf", "--json", "--allow-test-cafs", str(caf)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {json.loads(field) for field in fields} <= set(report)
    assert (report["sii_environment"], report["signed_by_test_key"]) == (None, True)


def test_journal_lists_the_fields_the_page_and_its_help_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from haulmer.journal import SQLiteJournal

    path = tmp_path / "emissions.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("s1", "s1")
    assert main(["journal", str(path)]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    named = ["id", "state", "attempts", "token", "folio", "error", "first_sent", "next"]
    assert list(row) == named
    assert "(id, state, attempts, token, folio, error, `first_sent` of a sale" in PAGE
    (commands,) = [
        action
        for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    help_text = " ".join((commands.choices["journal"].description or "").split())
    assert "its id, state, attempts, token, folio, error, first_sent: " in help_text
    assert (row["state"], row["next"]) == ("attempted", "rerun")

"""``haulmer journal FILE.db``: the sales of an emit-batch journal as JSON lines, and the
settling by hand of a sale whose outcome the journal never learnt, which a batch no longer sends
once OpenFactura may have forgotten its key (24 h)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from haulmer._journal_command import SETTLED_NOT_ISSUED
from haulmer.cli import main
from haulmer.journal import SQLiteJournal
from haulmer.ratelimit import api_key_fingerprint
from haulmer.testing import FakeHaulmer

from .sales import sales
from .servers import ROOT


def _attempted(fake: FakeHaulmer, path: Path, sale: dict[str, Any], *, issued: bool) -> str | None:
    """A first run killed during ``sale``'s send: OpenFactura issued it, or never got it."""
    with fake.client() as client:
        token = None
        if issued:
            document = client.openfactura.documents.emit(
                sale["document"], idempotency_key=sale["id"]
            )
            token = document.token
        with SQLiteJournal(path) as journal:
            journal.bind(api_key_fingerprint(client._config.api_key or ""))
            journal.record_attempt(sale["id"], sale["id"])
    return token


def _run(fake: FakeHaulmer, path: Path, batch: list[dict[str, Any]]) -> list[Any]:
    with fake.client() as client:
        return list(client.openfactura.documents.emit_many(batch, journal=path))


def _journal(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["journal", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_sale_found_issued_is_recorded_and_the_rerun_answers_it_without_sending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, path = FakeHaulmer(), tmp_path / "emisiones.db"
    batch = sales(2, fake.clock.today())
    token = _attempted(fake, path, batch[0], issued=True)
    assert token is not None
    fake.clock.advance(hours=25)
    first = _run(fake, path, batch)
    assert [result.status for result in first] == ["failed", "issued"]
    assert "haulmer journal FILE.db --issued 'sale-00000'" in str(first[0].error)

    code, out, err = _journal(capsys, str(path), "--state", "attempted")
    assert (code, err) == (0, "")
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row["id"] == "sale-00000"
    assert row["state"] == "attempted"
    assert row["token"] is None
    assert row["first_sent"].endswith("+00:00")

    folio = fake.openfactura_state.documents[0].folio
    code, out, err = _journal(
        capsys, str(path), "--issued", "sale-00000", "--token", token, "--folio", str(folio)
    )
    assert (code, err) == (0, "")
    assert "recorded as issued" in out
    sent = len(fake.openfactura_state.documents)
    (again, _) = _run(fake, path, batch)
    assert again.status == "already_issued"
    assert again.document is not None
    assert again.document.token == token
    assert len(fake.openfactura_state.documents) == sent  # nothing issued twice


def test_a_sale_found_not_issued_is_sent_by_the_next_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, path = FakeHaulmer(), tmp_path / "emisiones.db"
    batch = sales(1, fake.clock.today())
    _attempted(fake, path, batch[0], issued=False)
    fake.clock.advance(hours=25)
    assert [result.status for result in _run(fake, path, batch)] == ["failed"]
    code, out, err = _journal(capsys, str(path), "--not-issued", "sale-00000")
    assert (code, err) == (0, "")
    assert "the next emit-batch run sends it" in out
    with SQLiteJournal(path) as journal:
        entry = journal.lookup("sale-00000")
        assert entry is not None
        assert (entry.state, entry.error) == ("failed", SETTLED_NOT_ISSUED)
    (result,) = _run(fake, path, batch)
    assert result.status == "issued"
    assert len(fake.openfactura_state.documents) == 1


def test_every_sale_is_listed_and_a_state_chooses_some(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "emisiones.db"
    with SQLiteJournal(path) as journal:
        for sale in ("a", "b", "c"):
            journal.record_attempt(sale, sale)
        journal.record_issued("a", token="ab" * 32, folio=7)
        journal.record_failed("c", "DocumentError: no lines")
    code, out, _ = _journal(capsys, str(path))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emisiones.db"]  # nothing left beside
    assert [(row["id"], row["state"], row["folio"]) for row in rows] == [
        ("a", "issued", 7),
        ("b", "attempted", None),
        ("c", "failed", None),
    ]
    assert rows[0]["first_sent"] is None
    assert rows[1]["first_sent"] is not None
    assert rows[2]["error"] == "DocumentError: no lines"
    code, out, _ = _journal(capsys, str(path), "--state", "failed")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["c"]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--issued", "b"], "--issued needs --token"),
        (["--issued", "b", "--token", "a/b"], "--token: the TOKEN OpenFactura returned"),
        (["--token", "ab"], "--token and --folio go with --issued ID"),
        (["--not-issued", "b", "--state", "attempted"], "--state lists sales"),
        (["--not-issued", "zz"], "the journal has no sale 'zz'"),
        (["--not-issued", "a"], "'a' is recorded as issued (token abab"),
        (["--issued", "a", "--token", "cd"], "'a' is recorded as issued (token abab"),
    ],
)
def test_what_would_contradict_the_journal_is_refused_and_nothing_is_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    path = tmp_path / "emisiones.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("a", "a")
        journal.record_issued("a", token="ab" * 32, folio=7)
        journal.record_attempt("b", "b")
        before = list(journal.entries())
    code, out, err = _journal(capsys, str(path), *argv)
    assert (code, out) == (2, "")
    assert said in err
    with SQLiteJournal(path) as journal:
        assert list(journal.entries()) == before


def test_a_sale_already_recorded_with_that_token_is_left_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "emisiones.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("a", "a")
        journal.record_issued("a", token="ab" * 32, folio=7)
    code, out, _ = _journal(capsys, str(path), "--issued", "a", "--token", "ab" * 32)
    assert code == 0
    assert "already" in out


def test_a_journal_that_is_not_there_is_named_and_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "emisoines.db"
    code, out, err = _journal(capsys, str(missing))
    assert (code, out) == (2, "")
    assert "there is no journal at" in err
    assert not missing.exists()


def test_a_folder_given_as_the_journal_is_said_to_be_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "there is no journal at 'lotes'" of a folder that is there (emit-batch --journal lotes
    # says it is a folder): the folder's journal file is what to give
    folder = tmp_path / "lotes"
    folder.mkdir()
    code, out, err = _journal(capsys, str(folder))
    assert (code, out) == (2, "")
    assert err.startswith(f"haulmer journal: {str(folder)!r} is a folder, not a journal: ")
    assert "give the file emit-batch was given as --journal" in err
    assert list(folder.iterdir()) == []


def test_a_journal_path_that_cannot_be_looked_at_is_a_clear_refusal_with_status_2(
    tmp_path: Path,
) -> None:
    # a name longer than the system allows (as a folder one may not enter): the path cannot even
    # be looked at; the command says so as it refuses any unusable journal, with status 2
    unreachable = tmp_path / ("j" * 300 + ".db")
    done = subprocess.run(
        [sys.executable, "-m", "haulmer", "journal", str(unreachable)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("haulmer journal: cannot look at the journal ")
    assert "File name too long" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_journal_that_cannot_be_opened_for_writing_is_listed_and_settling_says_why_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.journal import _sqlite

    path = tmp_path / "emisiones.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("a", "a")
        journal.record_issued("a", token="ab" * 32, folio=7)
        journal.record_attempt("b", "b")

    def as_for_another_user(path: Path) -> Any:  # a read-only file and folder (root writes any)
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(_sqlite, "_open", as_for_another_user)
    monkeypatch.setattr(_sqlite, "_writable", lambda path: False)
    code, out, err = _journal(capsys, str(path))
    assert (code, err) == (0, "")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a", "b"]

    code, out, err = _journal(capsys, str(path), "--not-issued", "b")
    assert (code, out) == (2, "")
    assert "the file or its folder is read-only to this user" in err
    assert "listing its sales needs no writing" in err


def test_a_file_that_is_no_journal_is_advised_in_the_commands_own_terms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    erp, damaged = tmp_path / "erp.db", tmp_path / "damaged.db"
    db = sqlite3.connect(erp)
    db.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    db.commit()
    db.close()
    damaged.write_bytes(b"these bytes are no SQLite file at all " * 100)
    for path, said in (
        (erp, "an SQLite database of something else"),
        (damaged, "is not an SQLite journal, or is damaged"),
    ):
        code, out, err = _journal(capsys, str(path))
        assert (code, out) == (2, "")
        assert said in err
        assert "FILE.db" in err
        assert "emit-batch was given as --journal" in err or "(its --journal)" in err
        assert "--journal emissions.db" not in err  # no batch option: this command has FILE.db
        assert "created if new" not in err  # this command creates no journal


def test_settling_in_a_journal_file_only_its_folder_lets_be_written_says_why_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.journal import _sqlite

    path = tmp_path / "emisiones.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("b", "b")
    real = _sqlite._open

    def read_only_file(path: Path) -> sqlite3.Connection:  # SQLite opens it read-only then
        db = real(path)
        db.execute("PRAGMA query_only = 1")
        return db

    monkeypatch.setattr(_sqlite, "_open", read_only_file)
    code, out, err = _journal(capsys, str(path), "--not-issued", "b")
    assert (code, out) == (2, "")
    assert "Cannot write to the journal" in err
    assert "the file or its folder is read-only to this user" in err
    assert "run the batch again" not in err  # this command is no batch


def test_listed_lines_are_json_a_utf8_reader_takes_on_a_cp1252_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    path = tmp_path / "emisiones.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("a", "a")
        journal.record_failed("a", "DocumentRejectedError: OF-10 Folio inválido (señal ✓)")
    written = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(written, encoding="cp1252"))
    code = main(["journal", str(path)])
    sys.stdout.flush()
    assert code == 0
    row = json.loads(written.getvalue())
    assert row["error"] == "DocumentRejectedError: OF-10 Folio inválido (señal ✓)"


def test_a_token_recorded_for_another_sale_is_refused_and_nothing_is_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "emisiones.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("a", "a")
        journal.record_issued("a", token="ab" * 32, folio=7)
        journal.record_attempt("b", "b")
        before = list(journal.entries())
    # the token copied again from the last sale settled: b would be answered with a's document
    code, out, err = _journal(capsys, str(path), "--issued", "b", "--token", "ab" * 32)
    assert (code, out) == (2, "")
    assert "is recorded for the sale 'a' already" in err
    with SQLiteJournal(path) as journal:
        assert list(journal.entries()) == before


def test_each_listed_sale_says_what_comes_next_and_those_to_settle_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer import _journal_command
    from haulmer.journal import _sqlite

    path, day = tmp_path / "emisiones.db", 24 * 3600.0
    clock = iter([0.0, 0.0, 1.0, 1.0, 2.0, day - 5, day - 4, day - 4])
    monkeypatch.setattr(_sqlite.time, "time", lambda: next(clock))
    with SQLiteJournal(path) as journal:
        journal.record_attempt("issued", "issued")  # 0
        journal.record_issued("issued", token="ab" * 32, folio=7)  # 0
        journal.record_attempt("failed", "failed")  # 1
        journal.record_failed("failed", "ServerError: HTTP 503")  # 1
        journal.record_attempt("old", "old")  # 2: past the 23 hours by the listing's clock
        journal.record_attempt("recent", "recent")  # a day later
    monkeypatch.setattr(_journal_command, "_now", lambda: day)
    code, out, err = _journal(capsys, str(path))
    assert code == 0
    assert [(row["id"], row["next"]) for row in map(json.loads, out.splitlines())] == [
        ("issued", None),
        ("failed", "rerun"),
        ("old", "settle"),
        ("recent", "rerun"),
    ]
    assert err.startswith("haulmer journal: 1 sale(s) to settle by hand")
    assert "--issued ID --token TOKEN, or --not-issued ID" in err


def test_a_journal_written_on_a_clock_ahead_of_the_machine_s_says_whose_clock_judged_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch on a fake's clock stamps its journal by that clock: listed by the machine's,
    its sales were first sent in the future, and the listing said nothing of it."""
    from haulmer import _journal_command

    path, day = tmp_path / "emisiones.db", 24 * 3600.0
    with SQLiteJournal(path, clock=lambda: 30 * day) as journal:
        journal.record_attempt("ahead", "ahead")
    with SQLiteJournal(path, clock=lambda: day) as journal:
        journal.record_attempt("behind", "behind")
    monkeypatch.setattr(_journal_command, "_now", lambda: 2 * day)
    code, out, err = _journal(capsys, str(path))
    assert code == 0
    assert [(row["id"], row["next"]) for row in map(json.loads, out.splitlines())] == [
        ("ahead", "rerun"),
        ("behind", "settle"),
    ]
    assert "1 sale(s) first sent after 1970-01-03T00:00:00+00:00" in err
    assert "this machine's clock" in err
    assert "as emit-batch judges it" in err


def test_a_state_is_read_in_any_case_as_emit_batch_reads_its_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "emisiones.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("a", "a")
        journal.record_failed("a", "DocumentError: no lines")
    code, out, err = _journal(capsys, str(path), "--state", "Failed")
    assert code == 0, err
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a"]


@pytest.mark.parametrize("argv", [[], ["--not-issued", "a"]])
def test_an_empty_file_is_no_journal_and_nothing_is_written_to_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """A 0-byte file listed no sale with status 0 (SQLite reads it as an empty database), and
    settling made a journal of it before saying it had no such sale."""
    path = tmp_path / "emisiones.db"
    path.write_bytes(b"")
    code, out, err = _journal(capsys, str(path), *argv)
    assert (code, out) == (2, "")
    assert "is an empty file (0 bytes)" in err
    assert "give as FILE.db the file emit-batch was given as --journal" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emisiones.db"]
    assert path.read_bytes() == b""


def test_journal_and_emit_batch_accept_json_as_they_always_print_json_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A script passing --json to every command met a usage error (status 2) on these two,
    whose standard output is JSON lines whatever is given."""
    from haulmer.cli import build_parser

    fake = FakeHaulmer()
    path = tmp_path / "j.db"
    _run(fake, path, sales(2, fake.clock.today()))
    code, out, err = _journal(capsys, "--json", str(path))
    assert code == 0, err
    assert [json.loads(line)["state"] for line in out.splitlines()] == ["issued", "issued"]
    args = build_parser().parse_args(["emit-batch", "sales.jsonl", "--journal", "j.db", "--json"])
    assert args.command == "emit-batch"
    for command in ("journal", "emit-batch"):
        assert main([command, "--help"]) == 0
        assert "--json" in capsys.readouterr().out

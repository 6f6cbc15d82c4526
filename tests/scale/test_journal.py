"""The SQLite journal records attempts and results durably, and survives SIGKILL at any point."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from haulmer.errors import ConfigurationError
from haulmer.journal import JournalEntry, SQLiteJournal


def test_a_sale_moves_from_attempted_to_issued(tmp_path: Path) -> None:
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert journal.lookup("s1") is None
        entry = journal.record_attempt("s1", "s1")
        assert entry == JournalEntry("s1", "s1", "attempted", 1)
        journal.record_failed("s1", "ServerError: HTTP 503")
        assert journal.lookup("s1") == JournalEntry(
            "s1", "s1", "failed", 1, error="ServerError: HTTP 503"
        )
        journal.record_attempt("s1", "s1")
        journal.record_issued("s1", token="ab" * 32, folio=7)
        assert journal.lookup("s1") == JournalEntry("s1", "s1", "issued", 2, "ab" * 32, 7)
        journal.record_failed("s1", "late")  # a result never undoes an issued document
        assert journal.lookup("s1").state == "issued"  # type: ignore[union-attr]
    with SQLiteJournal(tmp_path / "j.db") as reopened:
        assert [e.sale_id for e in reopened.entries()] == ["s1"]


def test_a_journal_belongs_to_one_api_key(tmp_path: Path) -> None:
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.bind("aaaa")
        journal.bind("aaaa")
        with pytest.raises(ConfigurationError, match="another API key"):
            journal.bind("bbbb")


def test_a_sale_cannot_change_its_idempotency_key(tmp_path: Path) -> None:
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.record_attempt("s1", "s1")
        with pytest.raises(ConfigurationError, match="could issue it twice"):
            journal.record_attempt("s1", "other")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_a_journal_opened_before_a_fork_serves_the_child_on_a_connection_of_its_own(
    tmp_path: Path,
) -> None:
    journal = SQLiteJournal(tmp_path / "j.db")
    journal.bind("f" * 32)
    journal.record_attempt("parent-1", "parent-1")
    reading, writing = os.pipe()
    with journal._lock:  # as another thread of the parent, mid-write, holds it at the fork
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child, which never returns to pytest
            try:
                signal.alarm(20)  # a child stuck on the parent's lock dies instead of hanging
                journal.record_attempt("child-1", "child-1")
                journal.record_issued("child-1", token="cd" * 32, folio=2)
                entry = journal.lookup("parent-1")
                journal.close()
                os.write(writing, repr(entry and entry.state).encode())
            finally:
                os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        assert pipe.read() == b"'attempted'"
    os.waitpid(pid, 0)
    journal.record_issued("parent-1", token="ab" * 32, folio=1)  # the parent's connection works on
    assert [(e.sale_id, e.state) for e in journal.entries()] == [
        ("parent-1", "issued"),
        ("child-1", "issued"),
    ]
    journal.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform")
def test_a_forked_child_closing_a_journal_it_never_used_opens_nothing(tmp_path: Path) -> None:
    """The child's close() opened a connection of its own to close it: a journal file the
    parent had removed meanwhile was made again, empty, by the close."""
    path = tmp_path / "j.db"
    journal = SQLiteJournal(path)
    journal.bind("f" * 32)
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child, which never returns to pytest
        try:
            signal.alarm(20)
            for leftover in tmp_path.iterdir():  # as the parent, done, removes its journal
                leftover.unlink()
            journal.close()
            try:
                list(journal.entries())
                said = "read after close"
            except ConfigurationError as error:
                said = "closed" if "was closed" in str(error) else str(error)
            os.write(writing, repr((said, path.exists())).encode())
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        assert pipe.read() == repr(("closed", False)).encode()
    os.waitpid(pid, 0)
    journal.close()


def test_a_new_journal_opened_while_another_batch_writes_it_waits_its_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import haulmer.journal._sqlite as sqlite_journal

    path = tmp_path / "emissions.db"
    other = sqlite3.connect(path, isolation_level=None)  # another batch, creating the file
    other.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    other.execute("BEGIN IMMEDIATE")
    waits: list[float] = []

    def other_batch_finishes(seconds: float) -> None:  # no real wait: the lock goes at once
        waits.append(seconds)
        if other.in_transaction:
            other.execute("COMMIT")

    monkeypatch.setattr(sqlite_journal, "_sleep", other_batch_finishes, raising=False)
    journal = SQLiteJournal(path)  # SQLite said "database is locked", without waiting
    journal.bind("fp")
    assert journal.record_attempt("sale-1", "sale-1").state == "attempted"
    assert len(waits) == 1
    journal.close()
    other.close()


def test_an_unwritable_path_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="Cannot open the journal"):
        SQLiteJournal(tmp_path / "missing-folder" / "j.db")


def test_a_path_with_a_nul_byte_is_a_configuration_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="NUL byte") as caught:
        SQLiteJournal(f"{tmp_path}/emissions\x00.db")
    assert "name a file" in str(caught.value)


def test_sqlites_in_memory_name_is_refused_as_a_journal_lost_with_the_process() -> None:
    with pytest.raises(ConfigurationError, match="in-memory database") as caught:
        SQLiteJournal(":memory:")
    assert "SQLiteJournal('emissions.db')" in str(caught.value)  # advice names its path


def test_a_fifo_given_as_the_journal_is_refused_and_nothing_is_written_beside_it(
    tmp_path: Path,
) -> None:
    fifo = tmp_path / "journal.db"
    os.mkfifo(fifo)  # as /dev/null or a named pipe: no file SQLite can keep a journal in
    with pytest.raises(ConfigurationError, match="not a regular file") as caught:
        SQLiteJournal(fifo)
    assert "SQLiteJournal('emissions.db')" in str(caught.value)  # advice names its path
    assert sorted(path.name for path in tmp_path.iterdir()) == ["journal.db"]


def test_a_path_with_spaces_and_a_tilde_n_holds_a_journal(tmp_path: Path) -> None:
    folder = tmp_path / "ventas de año" / "cierre diario"
    folder.mkdir(parents=True)
    with SQLiteJournal(folder / "emisión ñandú.db") as journal:
        journal.record_attempt("s1", "s1")
    with SQLiteJournal(folder / "emisión ñandú.db") as reopened:
        assert [entry.sale_id for entry in reopened.entries()] == ["s1"]


def test_an_issued_sale_keeps_what_identifies_its_document(tmp_path: Path) -> None:
    identity = {"Encabezado": {"IdDoc": {"TipoDTE": "39"}}, "Detalle": [{"NmbItem": "Pan"}]}
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.record_attempt("s1", "s1")
        journal.record_issued("s1", token="ab" * 32, folio=7, document=identity)
    with SQLiteJournal(tmp_path / "j.db") as reopened:
        assert reopened.lookup("s1") == JournalEntry(
            "s1", "s1", "issued", 1, "ab" * 32, 7, document=identity
        )


def test_a_journal_written_before_documents_were_kept_is_read_and_keeps_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.db"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE sales (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, sale_id TEXT NOT NULL UNIQUE,
            idempotency_key TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
            token TEXT, folio INTEGER, error TEXT, updated_at REAL NOT NULL
        );
        INSERT INTO sales VALUES (1, 'old', 'old', 'issued', 1, 'cd', 3, NULL, 0);
        """
    )
    db.close()
    with SQLiteJournal(path) as journal:
        assert journal.lookup("old") == JournalEntry("old", "old", "issued", 1, "cd", 3)
        journal.record_attempt("new", "new")
        journal.record_issued("new", token="ef", folio=4, document={"Encabezado": {}})
        assert journal.lookup("new").document == {"Encabezado": {}}  # type: ignore[union-attr]


def test_an_attempted_sale_keeps_when_its_unknown_outcome_began(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter([1000.0, 2000.0, 3000.0, 4000.0, 5000.0])
    monkeypatch.setattr("haulmer.journal._sqlite.time.time", lambda: next(clock))
    with SQLiteJournal(tmp_path / "j.db") as journal:
        assert journal.record_attempt("s1", "s1").attempted_at == 1000.0
        assert journal.record_attempt("s1", "s1").attempted_at == 1000.0  # still unknown
        journal.record_failed("s1", "DocumentError: no lines")  # 3000: known, nothing issued
        assert journal.lookup("s1").attempted_at is None  # type: ignore[union-attr]
        assert journal.record_attempt("s1", "s1").attempted_at == 4000.0  # begins again
        journal.record_issued("s1", token="ab" * 32, folio=7)
        assert [entry.attempted_at for entry in journal.entries()] == [None]


def test_an_attempted_sale_of_a_journal_from_before_attempt_times_has_its_last_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.db"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE sales (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, sale_id TEXT NOT NULL UNIQUE,
            idempotency_key TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
            token TEXT, folio INTEGER, error TEXT, updated_at REAL NOT NULL, document TEXT
        );
        INSERT INTO sales VALUES (1, 'old', 'old', 'attempted', 1, NULL, NULL, NULL, 77, NULL);
        """
    )
    db.close()
    with SQLiteJournal(path) as journal:
        assert journal.lookup("old").attempted_at == 77  # type: ignore[union-attr]
        assert journal.record_attempt("old", "old").attempted_at == 77


def test_two_batches_opening_an_old_journal_together_both_open_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each adds the missing columns after reading them again under the write lock."""
    path = tmp_path / "j.db"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE sales (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, sale_id TEXT NOT NULL UNIQUE,
            idempotency_key TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
            token TEXT, folio INTEGER, error TEXT, updated_at REAL NOT NULL
        );
        """
    )
    db.close()
    from haulmer.journal import _sqlite

    real = _sqlite._missing_columns
    seen: list[list[tuple[str, str]]] = []

    def first_look_before_the_other_batch(db: sqlite3.Connection) -> list[tuple[str, str]]:
        missing = real(db)
        if not seen:  # the other batch adds the columns between this look and the lock
            seen.append(missing)
            with SQLiteJournal(path):
                pass
        return missing

    monkeypatch.setattr(_sqlite, "_missing_columns", first_look_before_the_other_batch)
    with SQLiteJournal(path) as journal:
        journal.record_attempt("s1", "s1")
    assert seen == [[("document", "TEXT"), ("attempted_at", "REAL")]]


def test_a_journal_locked_past_the_busy_wait_names_the_lock_not_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.journal import _sqlite

    monkeypatch.setattr(_sqlite, "BUSY_TIMEOUT", 0.0)  # the wait ends at once: no real sleep
    path = tmp_path / "j.db"
    with SQLiteJournal(path) as journal:
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # an sqlite3 shell left with a transaction open
        try:
            with pytest.raises(ConfigurationError) as caught:
                journal.record_attempt("s1", "s1")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    said = str(caught.value)
    assert "database is locked" in said
    assert "another program or batch held it" in said
    assert "disk has room" not in said


def test_a_journal_locked_past_the_busy_wait_while_opening_names_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.journal import _sqlite

    monkeypatch.setattr(_sqlite, "BUSY_TIMEOUT", 0.0)  # the wait ends at once: no real sleep
    path = tmp_path / "j.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing the file, not yet in WAL
    try:
        with pytest.raises(ConfigurationError) as caught:
            SQLiteJournal(path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    said = str(caught.value)
    assert "another program or batch held it" in said
    assert "folder you can write to" not in said


def _read_only(journal: SQLiteJournal) -> None:
    """Make ``journal``'s connection refuse writes, as a read-only file or a full disk does."""
    journal._here.execute("PRAGMA query_only = 1")


def test_a_journal_that_cannot_be_written_is_a_configuration_error_naming_it(
    tmp_path: Path,
) -> None:
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.record_attempt("s1", "s1")
        _read_only(journal)
        for write in (
            lambda: journal.record_attempt("s2", "s2"),
            lambda: journal.record_issued("s1", token="ab" * 32, folio=7),
            lambda: journal.record_failed("s1", "boom"),
            lambda: journal.bind("aaaa"),
        ):
            with pytest.raises(ConfigurationError, match=r"Cannot write to the journal .*j\.db"):
                write()
        assert journal.lookup("s1") == JournalEntry("s1", "s1", "attempted", 1)
        journal._here.execute("PRAGMA query_only = 0")  # writable again: no transaction was left
        journal.record_issued("s1", token="ab" * 32, folio=7)
        assert journal.lookup("s1").state == "issued"  # type: ignore[union-attr]


def test_a_journal_damaged_while_open_is_a_configuration_error_on_reading(tmp_path: Path) -> None:
    with SQLiteJournal(tmp_path / "j.db") as journal:
        journal.record_attempt("s1", "s1")
        journal._here.execute("DROP TABLE sales")  # what a damaged or foreign file reads as
        with pytest.raises(ConfigurationError, match=r"Cannot read the journal .*no such table"):
            journal.lookup("s1")
        with pytest.raises(ConfigurationError, match="Cannot read the journal"):
            list(journal.entries())


_WRITER = textwrap.dedent(
    """
    import sys
    from haulmer.journal import SQLiteJournal

    journal = SQLiteJournal(sys.argv[1])
    number = 0
    while True:
        sale = f"s{number % 50}"
        journal.record_attempt(sale, sale)
        print("attempt", flush=True)
        if number % 3:
            journal.record_issued(sale, token=f"t{number}", folio=number)
        else:
            journal.record_failed(sale, "boom")
        print("result", flush=True)
        number += 1
    """
)
"""Writes to the journal forever, printing a line after each write (so a test knows how far)."""


def test_sigkill_at_random_points_leaves_a_consistent_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    rng = random.Random(17)
    for _ in range(3):
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert writer.stdout is not None
        for _ in range(rng.randint(1, 2000)):  # let it write a random number of times, no clock
            assert writer.stdout.readline()
        writer.send_signal(signal.SIGKILL)  # while it keeps writing, wherever it is
        writer.wait()
        writer.stdout.close()
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for state, token, attempts in db.execute("SELECT state, token, attempts FROM sales"):
            assert (state == "issued") == (token is not None) or state == "failed"
            assert attempts >= 1
        attempts_logged = db.execute("SELECT COUNT(*) FROM events WHERE kind = 'attempt'")
        assert (
            attempts_logged.fetchone()[0]
            == db.execute("SELECT SUM(attempts) FROM sales").fetchone()[0]
        )
        db.close()


def _tables(path: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(path)
    try:
        return list(db.execute("SELECT name, sql FROM sqlite_master ORDER BY name"))
    finally:
        db.close()


@pytest.mark.parametrize(
    "schema",
    [
        "CREATE TABLE customers (id INTEGER, name TEXT)",
        "CREATE TABLE sales (id INTEGER, total INTEGER)",  # a journal's name, not its columns
        "CREATE TABLE meta (key TEXT)",
    ],
)
def test_another_programs_database_is_refused_and_left_as_it_is(
    tmp_path: Path, schema: str
) -> None:
    path = tmp_path / "erp.db"
    db = sqlite3.connect(path)
    db.execute(schema)
    db.commit()
    db.close()
    before = _tables(path)
    with pytest.raises(ConfigurationError, match="an SQLite database of something else") as caught:
        SQLiteJournal(path)
    assert "Name a file of the journal's own" in str(caught.value)
    assert _tables(path) == before  # no journal table added, no column altered
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # not switched to WAL
    db.close()


def test_a_journal_with_an_operators_view_and_table_added_is_still_a_journal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("s1", "s1")
        journal.record_issued("s1", token="ab" * 32, folio=7)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE VIEW issued AS SELECT sale_id, token, folio FROM sales WHERE state = 'issued';
        CREATE TABLE reconciled (sale_id TEXT, checked_at TEXT);
        """
    )
    db.close()
    with SQLiteJournal(path) as journal:
        assert journal.lookup("s1").token == "ab" * 32  # type: ignore[union-attr]
    db = sqlite3.connect(path)
    assert db.execute("SELECT folio FROM issued").fetchall() == [(7,)]  # left as it was
    db.close()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"these bytes are no SQLite file at all " * 100,
        lambda data: data[: len(data) // 2],
        lambda data: data[:100],
    ],
    ids=["not-sqlite", "truncated-half", "truncated-header"],
)
def test_a_damaged_or_foreign_file_is_named_as_such_with_what_to_do(
    tmp_path: Path, damage: Any
) -> None:
    path = tmp_path / "j.db"
    with SQLiteJournal(path) as journal:
        for n in range(50):
            journal.record_attempt(f"s{n}", f"s{n}")
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ConfigurationError) as caught:
        SQLiteJournal(path)
    said = str(caught.value)
    assert "is not an SQLite journal, or is damaged" in said
    assert "restored from a backup" in said
    assert "folder you can write to" not in said  # the folder was never the problem


def test_a_folder_given_as_the_journal_is_named_as_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is a folder: name a file") as caught:
        SQLiteJournal(tmp_path)
    assert "emissions.db" in str(caught.value)


def test_a_journal_another_batch_is_still_creating_is_taken_as_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.commit()
    db.close()
    with SQLiteJournal(path) as journal:
        journal.record_attempt("s1", "s1")
        assert journal.lookup("s1") == JournalEntry("s1", "s1", "attempted", 1)


def _journal_of_three_sales(path: Path) -> None:
    with SQLiteJournal(path) as journal:
        for sale in ("a", "b", "c"):
            journal.record_attempt(sale, sale)
        journal.record_issued("a", token="ab" * 32, folio=7)
        journal.record_failed("c", "DocumentError: no lines")


def test_a_journal_opened_read_only_is_read_and_refuses_to_record(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    _journal_of_three_sales(path)
    before = path.read_bytes()
    with SQLiteJournal(path, read_only=True) as journal:
        assert [(e.sale_id, e.state) for e in journal.entries()] == [
            ("a", "issued"),
            ("b", "attempted"),
            ("c", "failed"),
        ]
        assert journal.lookup("a").token == "ab" * 32  # type: ignore[union-attr]
        for write in (
            lambda: journal.record_attempt("d", "d"),
            lambda: journal.record_issued("b", token="cd" * 32, folio=8),
            lambda: journal.record_failed("b", "boom"),
            lambda: journal.bind("aaaa"),
        ):
            with pytest.raises(ConfigurationError, match="opened with read_only=True") as caught:
                write()
            assert "Open it without read_only" in str(caught.value)
    assert path.read_bytes() == before


def test_a_journal_in_a_folder_this_user_cannot_write_is_read_as_it_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.journal import _sqlite

    path = tmp_path / "j.db"
    _journal_of_three_sales(path)
    # SQLite cannot make its WAL index beside the file there (root may: the check is replaced)
    monkeypatch.setattr(_sqlite, "_writable", lambda path: False)
    with SQLiteJournal(path, read_only=True) as journal:
        assert [e.sale_id for e in journal.entries()] == ["a", "b", "c"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.db"]  # nothing made beside it


def test_a_journal_read_only_while_a_batch_writes_it_shows_its_latest_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.journal import _sqlite

    path = tmp_path / "j.db"
    with SQLiteJournal(path) as batch:  # still open: its records are in the -wal file
        batch.record_attempt("a", "a")
        batch.record_issued("a", token="ab" * 32, folio=7)
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # and it is writing another one now
        monkeypatch.setattr(_sqlite, "BUSY_TIMEOUT", 0.0)  # a reader that waited would fail
        monkeypatch.setattr(_sqlite, "_writable", lambda path: False)
        try:
            with SQLiteJournal(path, read_only=True) as reader:
                assert [(e.sale_id, e.state) for e in reader.entries()] == [("a", "issued")]
        finally:
            holder.execute("ROLLBACK")
            holder.close()


def test_a_journal_read_only_from_an_earlier_release_or_still_being_created_is_read(
    tmp_path: Path,
) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    db = sqlite3.connect(old)
    db.executescript(
        """
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE sales (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, sale_id TEXT NOT NULL UNIQUE,
            idempotency_key TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,
            token TEXT, folio INTEGER, error TEXT, updated_at REAL NOT NULL
        );
        CREATE TABLE events (seq INTEGER PRIMARY KEY, sale_id TEXT, kind TEXT, detail TEXT,
                             at REAL);
        INSERT INTO sales VALUES (1, 'old', 'old', 'attempted', 1, NULL, NULL, NULL, 77);
        """
    )
    db.close()
    db = sqlite3.connect(new)  # another batch has made its first table only
    db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.commit()
    db.close()
    with SQLiteJournal(old, read_only=True) as journal:
        assert journal.lookup("old") == JournalEntry("old", "old", "attempted", 1)
        assert journal.lookup("old").attempted_at == 77  # type: ignore[union-attr]
    with SQLiteJournal(new, read_only=True) as journal:
        assert list(journal.entries()) == []
        assert journal.lookup("s1") is None
        journal.check_binding("aaaa", "https://api.haulmer.com")


def test_a_missing_journal_opened_read_only_is_refused_and_not_created(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="There is no journal at"):
        SQLiteJournal(tmp_path / "j.db", read_only=True)
    assert list(tmp_path.iterdir()) == []


def test_a_journal_that_cannot_be_opened_for_writing_says_to_make_it_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haulmer.journal import _sqlite

    path = tmp_path / "j.db"
    _journal_of_three_sales(path)

    def as_for_another_user(path: Path) -> sqlite3.Connection:  # root writes any file
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(_sqlite, "_open", as_for_another_user)
    with pytest.raises(ConfigurationError) as caught:
        SQLiteJournal(path)
    said = str(caught.value)
    assert "the file or its folder is read-only to this user" in said
    assert "SQLiteJournal(path, read_only=True)" in said
    assert "folder you can write to" not in said  # naming a new file would lose its records


def test_emit_many_advises_on_a_journal_in_its_own_arguments_terms(tmp_path: Path) -> None:
    from haulmer.testing import FakeHaulmer

    fifo = tmp_path / "journal.db"
    os.mkfifo(fifo)
    with FakeHaulmer().client() as client, pytest.raises(ConfigurationError) as caught:
        list(client.openfactura.documents.emit_many([], journal=fifo))
    said = str(caught.value)
    assert "name a file, such as journal='emissions.db' (created if new)" in said
    assert "--journal" not in said


def test_the_entries_of_a_large_journal_are_read_a_page_at_a_time(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "j.db"
    SQLiteJournal(path).close()
    db = sqlite3.connect(path)
    db.executemany(
        "INSERT INTO sales (sale_id, idempotency_key, state, attempts, token, folio, updated_at) "
        "VALUES (?, ?, 'issued', 1, ?, ?, 0)",
        ((f"sale-{n:07d}", f"sale-{n:07d}", "ab" * 32, n) for n in range(1, 20_001)),
    )
    db.commit()
    db.close()
    with SQLiteJournal(path) as journal:
        tracemalloc.start()
        try:
            folios = [entry.folio for entry in journal.entries()]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert folios == list(range(1, 20_001))  # every sale, in order
    assert peak < 3_000_000  # a page of entries, not 20 000 (about 12 MB read whole)


def test_a_journal_of_a_newer_release_is_refused_and_left_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from haulmer.cli import main

    path = tmp_path / "j.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("s1", "s1")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (1,)  # what this release writes
    db.execute("PRAGMA user_version = 2")  # as a later release, whose records differ, would
    db.close()
    before = path.read_bytes()
    for read_only in (False, True):
        with pytest.raises(ConfigurationError, match="written by a newer release") as caught:
            SQLiteJournal(path, read_only=read_only)
        assert "upgrade haulmer" in str(caught.value)
    assert main(["journal", str(path)]) == 2
    assert "written by a newer release" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_recording_what_came_of_a_sale_the_journal_lacks_is_refused_and_writes_nothing(
    tmp_path: Path,
) -> None:
    from haulmer.errors import ValidationError

    path = tmp_path / "j.db"
    with SQLiteJournal(path) as journal:
        journal.record_attempt("venta-17", "venta-17")
        for record in (
            lambda: journal.record_issued("venta-71", token="ab" * 32, folio=7),  # mistyped
            lambda: journal.record_failed("venta-71", "not issued"),
        ):
            with pytest.raises(ValidationError, match="has no sale 'venta-71'"):
                record()
        assert [(e.sale_id, e.state) for e in journal.entries()] == [("venta-17", "attempted")]
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (1,)  # the attempt only
    db.close()


def test_an_empty_file_opened_read_only_is_refused_as_no_journal_and_left_empty(
    tmp_path: Path,
) -> None:
    """SQLite opens a 0-byte file as an empty database: read as a journal, it listed no sale as
    if a batch had recorded none, when no batch ever wrote to it (a `touch`ed or wrong file)."""
    path = tmp_path / "j.db"
    path.write_bytes(b"")
    with pytest.raises(ConfigurationError, match="is an empty file") as caught:
        SQLiteJournal(path, read_only=True)
    assert "no batch has written a journal in it" in str(caught.value)
    assert "read_only=True reads a journal a batch wrote" in str(caught.value)
    assert path.read_bytes() == b""


def test_an_empty_file_is_a_new_journal_to_record_in(tmp_path: Path) -> None:
    path = tmp_path / "j.db"  # what mktemp makes: a journal is created in it
    path.write_bytes(b"")
    with SQLiteJournal(path) as journal:
        journal.record_attempt("a", "a")
    with SQLiteJournal(path, read_only=True) as journal:
        assert [e.sale_id for e in journal.entries()] == ["a"]


def test_a_journal_used_after_it_was_closed_says_so_not_that_its_disk_may_be_full(
    tmp_path: Path,
) -> None:
    # A journal passed to emit_many after its with block ended was refused with the advice for
    # a full disk or a damaged file, which trying again never cures.
    from haulmer.testing import FakeHaulmer

    with SQLiteJournal(tmp_path / "j.db") as journal:
        pass
    for use in (lambda: journal.lookup("s1"), lambda: journal.record_attempt("s1", "s1")):
        with pytest.raises(ConfigurationError) as refused:
            use()
        assert "closed" in str(refused.value)
        assert "disk" not in str(refused.value)
        assert "SQLiteJournal(" in str(refused.value)
    fake = FakeHaulmer()
    with fake.client() as client, pytest.raises(ConfigurationError, match="was closed"):
        list(client.openfactura.documents.emit_many([], journal=journal))
    assert fake.requests.total == 0

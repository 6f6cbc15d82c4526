"""The embedded journal: one SQLite file in WAL mode, every record its own durable transaction.

Killed at any point, the file holds every record whose call returned and nothing half-written:
SQLite's transactions are atomic and ``synchronous=FULL`` makes each commit durable.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from haulmer._forks import ForkSafeLock
from haulmer._shown import shown
from haulmer.errors import ConfigurationError, ValidationError
from haulmer.journal._journal import Journal, JournalEntry

__all__ = ["SQLiteJournal"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sales (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('attempted', 'issued', 'failed')),
    attempts INTEGER NOT NULL,
    token TEXT,
    folio INTEGER,
    error TEXT,
    updated_at REAL NOT NULL,
    document TEXT,
    attempted_at REAL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('attempt', 'issued', 'failed')),
    detail TEXT,
    at REAL NOT NULL
);
"""


SCHEMA_VERSION = 1
"""The journal version this release writes (SQLite's ``user_version``); one written by a later
release, of a higher version, is refused rather than misread. 0, a journal from before versions
were kept, is this one."""

BUSY_TIMEOUT = 30.0
"""Seconds a journal waits for another connection's lock (another batch writing the file)."""

_sleep = time.sleep
"""How a journal waits before asking SQLite again for WAL mode (replaced in tests)."""


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch ``db`` to WAL. While another connection holds a write lock (two batches opening
    one new journal together), SQLite answers "database is locked" at once, without the busy
    wait other statements get: asked again, a little later each time, for ``BUSY_TIMEOUT``."""
    deadline = time.monotonic() + BUSY_TIMEOUT
    pause = 0.005
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        _sleep(pause)
        pause = min(pause * 2, 0.1)


class SQLiteJournal(Journal):
    """A journal in the SQLite file at ``path`` (created if missing), shareable by threads and,
    through SQLite's locking, by processes on one host.

    A journal opened before ``os.fork()`` opens the file again in the child: SQLite's
    connections must not cross a fork, and the parent's is left to the parent.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """``read_only``: open an existing journal only to read it (``entries``, ``lookup``),
        which a file or folder this user cannot write allows; recording then raises
        ConfigurationError. ``clock``: POSIX seconds the records are stamped with (by default
        ``time.time``; a fake's ``clock.timestamp`` in tests), the clock OpenFactura's 24 h for
        a key run on."""
        self._setup(path, read_only, _NAMINGS["path"], clock)

    @classmethod
    def _named_by(
        cls,
        path: str | os.PathLike[str],
        *,
        naming: EntryPoint,
        read_only: bool = False,
        clock: Callable[[], float] | None = None,
    ) -> SQLiteJournal:
        """The journal at ``path``, whose errors advise in the terms of the entry point that
        named it (``emit_many``'s ``journal=``, emit-batch's ``--journal``, ``haulmer journal``'s
        FILE.db) rather than ``SQLiteJournal``'s ``path``."""
        journal = cls.__new__(cls)
        journal._setup(path, read_only, _NAMINGS[naming], clock)
        return journal

    def _setup(
        self,
        path: str | os.PathLike[str],
        read_only: bool,
        naming: _Naming,
        clock: Callable[[], float] | None,
    ) -> None:
        if clock is not None and not callable(clock):
            raise ConfigurationError(
                f"A journal's clock= is a function returning POSIX seconds, such as time.time "
                f"(or a fake's clock.timestamp); got {shown(clock)}"
            )
        self._clock = clock
        """When records are stamped: the clock the batch judges an attempt's age by (None: the
        machine's, ``time.time``)."""
        self.path: Path = Path(path)
        self._naming = naming
        self._read_only = read_only
        self._columns: str | None = _ENTRY_COLUMNS
        """What ``_entry`` reads from ``sales``; None for a journal read-only without one yet."""
        self._db = self._connect()
        self._pid = os.getpid()
        self._inherited: list[sqlite3.Connection] = []
        """The parent's connections in a forked child: kept, never used nor closed here."""
        self._lock = ForkSafeLock()
        """Another thread of the parent may hold it at a fork: a forked child gets it free."""
        self._tied_here: dict[str, str] = {}
        """What this object's ``bind`` and ``bind_platform`` tied the file to (``release``
        unties only that): the meta row's name -> its value."""

    def _connect(self) -> sqlite3.Connection:
        naming = self._naming
        if "\x00" in str(self.path):  # SQLite's connect raises a bare ValueError for one
            raise ConfigurationError(
                f"The journal path {shown(str(self.path), 300)} holds a NUL byte, which no file "
                f"name can: {naming.name_a_file()}"
            )
        if str(self.path) == ":memory:":  # SQLite's name for a database in memory, not a file
            raise ConfigurationError(
                "The journal ':memory:' is SQLite's in-memory database, lost when the process "
                "ends: a rerun after a crash would find nothing of this batch. "
                f"{_capital(naming.name_a_file())}"
            )
        if self.path.exists() and not self.path.is_file() and not self.path.is_dir():
            raise ConfigurationError(  # SQLite would write its -journal file beside it first
                f"The journal {shown(str(self.path), 300)} is not a regular file (a device, a "
                f"named pipe or a socket), which cannot hold a journal: {naming.name_a_file()}"
            )
        if self.path.is_dir():
            raise ConfigurationError(
                f"The journal {shown(str(self.path), 300)} is a folder: "
                f"{naming.name_a_file(str(self.path / 'emissions.db'))}"
            )
        if self._read_only and not self.path.exists():
            raise ConfigurationError(
                f"There is no journal at {shown(str(self.path), 300)}: "
                f"{naming.name_a_file() if not naming.such_as else _READ_ONLY_NEEDS_A_FILE}"
            )
        if (self._read_only or not naming.such_as) and _is_empty_file(self.path):
            # SQLite reads it as an empty database: it would list no sale, as if none were sent
            advice = naming.name_a_file() if not naming.such_as else _READ_ONLY_NEEDS_A_FILE
            raise ConfigurationError(
                f"The journal {shown(str(self.path), 300)} is an empty file (0 bytes): no batch "
                f"has written a journal in it: {advice} (a batch started on this file "
                "this very moment writes it within a second: then try again)"
            )
        try:
            db = _open_read_only(self.path) if self._read_only else _open(self.path)
            try:
                foreign = _foreign_tables(db)
            except sqlite3.DatabaseError as exc:
                db.close()
                if not _is_not_a_database(exc):
                    raise
                raise ConfigurationError(
                    f"The journal {shown(str(self.path), 300)} is not an SQLite journal, or is "
                    f"damaged ({exc}): {naming.own_file()}"
                ) from exc
            if foreign:
                db.close()
                raise ConfigurationError(
                    f"The journal {shown(str(self.path), 300)} is an SQLite database of something "
                    f"else (it holds {', '.join(shown(name, 40) for name in foreign[:5])}), not "
                    "an emission journal; it was left as it is. "
                    f"{_capital(naming.name_a_file(own=True))}"
                )
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                db.close()
                raise ConfigurationError(
                    f"The journal {shown(str(self.path), 300)} was written by a newer release "
                    f"of haulmer (its journal version is {version}; this release knows "
                    f"{SCHEMA_VERSION}), whose records this one could misread and send sales "
                    "again: upgrade haulmer to the release that wrote it; it was left as it is"
                )
            if self._read_only:
                self._columns = _readable_columns(db)
            else:
                _use_wal(db)
                db.execute("PRAGMA synchronous=FULL")
                db.executescript(_SCHEMA)
                _add_new_columns(db)
                if version < SCHEMA_VERSION:
                    _mark_version(db)
        except sqlite3.Error as exc:
            if _is_locked(exc):
                raise self._unusable("open", exc) from exc
            if not self._read_only and _is_read_only(exc):
                raise ConfigurationError(
                    f"Cannot open the journal {shown(str(self.path), 300)} to write to it "
                    f"({exc}): the file or its folder is read-only to this user (SQLite "
                    f"writes its -wal and -shm files beside it). {naming.make_writable}"
                ) from exc
            raise ConfigurationError(
                f"Cannot open the journal {shown(str(self.path), 300)} ({exc}): "
                f"{naming.cannot_open(self._read_only)}"
            ) from exc
        return db

    def _now(self) -> float:
        """Now in POSIX seconds, by the journal's clock."""
        return time.time() if self._clock is None else self._clock()

    @property
    def _here(self) -> sqlite3.Connection:
        """This process's connection (under ``_lock``): a forked child opens its own."""
        if self._pid != os.getpid():
            self._inherited.append(self._db)
            self._db = self._connect()
            self._pid = os.getpid()
        return self._db

    def __repr__(self) -> str:
        return f"SQLiteJournal({str(self.path)!r})"

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on this process's connection, under ``_lock``: committed (durably)
        when the block ends, rolled back if it raises; a store error is ``_unusable``."""
        if self._read_only:
            raise ConfigurationError(
                f"The journal {shown(str(self.path), 300)} was opened with read_only=True, "
                "which records nothing: nothing was written. Open it without read_only to "
                "record in it"
            )
        with self._lock:
            try:
                db = self._here
                with _immediate(db):
                    yield db
            except sqlite3.Error as exc:
                raise self._unusable("write to", exc) from exc

    def _unusable(self, doing: str, exc: sqlite3.Error) -> ConfigurationError:
        """The error for a journal file that cannot be read or written any more, or that another
        connection kept locked past ``BUSY_TIMEOUT``, or for this object used once closed."""
        if _is_closed(exc):
            return ConfigurationError(
                f"Cannot {doing} the journal {shown(str(self.path), 300)}: this SQLiteJournal "
                "was closed (close(), or the end of its with block), and reads and records "
                f"nothing since. Open the file again, SQLiteJournal({shown(str(self.path), 300)}), "
                "and use that one (emit_many also takes the path itself as journal=)"
            )
        if _is_locked(exc):
            return ConfigurationError(
                f"Cannot {doing} the journal {shown(str(self.path), 300)} ({exc}): another "
                f"program or batch held it for more than {BUSY_TIMEOUT:g} s (an sqlite3 shell or "
                f"a database browser with a transaction open, a copy being taken): end that, "
                f"then {self._naming.again}"
            )
        if _is_read_only(exc):
            return ConfigurationError(
                f"Cannot {doing} the journal {shown(str(self.path), 300)} ({exc}): the file or "
                f"its folder is read-only to this user. {self._naming.make_writable}"
            )
        return ConfigurationError(
            f"Cannot {doing} the journal {shown(str(self.path), 300)} ({exc}): check that its "
            f"disk has room and that the file is writable and intact, then {self._naming.again}"
        )

    def _write(self, sale_id: str, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        """Run ``statements``, what came of ``sale_id``, in one transaction; committed (durably)
        when this returns. A sale the journal has no attempt of raises ValidationError, with
        nothing written: a result recorded under an id mistyped would be lost, and the sale
        left as it was."""
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM sales WHERE sale_id = ?", (sale_id,)).fetchone() is None:
                raise ValidationError(
                    f"The journal {shown(str(self.path), 300)} has no sale {shown(sale_id, 300)}"
                    " (no attempt of it was recorded): nothing was written. Record what came "
                    "of a sale the journal lists (entries()), its id written as the batch "
                    "wrote it"
                )
            for sql, args in statements:
                db.execute(sql, args)

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return list(self._here.execute(sql, args))
            except sqlite3.Error as exc:
                raise self._unusable("read", exc) from exc

    def bind(self, api_key_fingerprint: str) -> None:
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'api_key_fingerprint'").fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO meta VALUES ('api_key_fingerprint', ?)", (api_key_fingerprint,)
                )
                self._tied_here["api_key_fingerprint"] = api_key_fingerprint
        if row is not None and row[0] != api_key_fingerprint:
            raise self._other_key(row[0], api_key_fingerprint)

    def bind_platform(self, openfactura_url: str) -> None:
        with self._transaction() as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'openfactura_url'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('openfactura_url', ?)", (openfactura_url,))
                self._tied_here["openfactura_url"] = openfactura_url
        if row is not None and row[0] != openfactura_url:
            raise self._other_platform(row[0], openfactura_url)

    def release(self, api_key_fingerprint: str) -> None:
        if self._tied_here.get("api_key_fingerprint") != api_key_fingerprint:
            return  # tied before this object was opened, or by another: not ours to untie
        with self._transaction() as db:
            # a document recorded, or one that may exist (a sale of another batch on this
            # file in flight, or killed during its send): tied for good
            if db.execute(
                "SELECT 1 FROM sales WHERE state IN ('issued', 'attempted') LIMIT 1"
            ).fetchone():
                return
            for name, value in self._tied_here.items():
                db.execute("DELETE FROM meta WHERE name = ? AND value = ?", (name, value))
        self._tied_here.clear()

    def check_binding(self, api_key_fingerprint: str, openfactura_url: str | None) -> None:
        if self._columns is None:  # read-only, and not a journal yet: tied to nothing
            return
        bound = dict(
            self._read(
                "SELECT name, value FROM meta "
                "WHERE name IN ('api_key_fingerprint', 'openfactura_url')"
            )
        )
        key = bound.get("api_key_fingerprint")
        if key is not None and key != api_key_fingerprint:
            raise self._other_key(key, api_key_fingerprint)
        platform = bound.get("openfactura_url")
        if openfactura_url is not None and platform is not None and platform != openfactura_url:
            raise self._other_platform(platform, openfactura_url)

    def _other_key(self, bound: str, given: str) -> ConfigurationError:
        """The error for a journal tied to the key ``bound``, used with the key ``given``."""
        return ConfigurationError(
            f"The journal {shown(str(self.path), 300)} records a batch emitted with another "
            f"API key (fingerprint {bound}, not {given}): its documents belong "
            "to that key's taxpayer. Use a new journal file for this key"
        )

    def _other_platform(self, bound: str, given: str) -> ConfigurationError:
        """The error for a journal tied to the OpenFactura ``bound``, used at ``given``."""
        return ConfigurationError(
            f"The journal {shown(str(self.path), 300)} records a batch issued at "
            f"{shown(bound, 200)}, not {shown(given, 200)}: the documents it "
            "records exist only there, so answering from it would leave these sales without "
            "documents here. Use a new journal file for this platform (or point the client "
            "back at the one the journal was written at)"
        )

    def lookup(self, sale_id: str) -> JournalEntry | None:
        if self._columns is None:
            return None
        rows = self._read(
            f"SELECT {self._columns} FROM sales WHERE sale_id = ?",
            (sale_id,),
        )
        return _entry(rows[0]) if rows else None

    def record_attempt(self, sale_id: str, idempotency_key: str) -> JournalEntry:
        now = self._now()
        with self._transaction() as db:
            row = db.execute(
                "SELECT idempotency_key FROM sales WHERE sale_id = ?", (sale_id,)
            ).fetchone()
            if row is not None and row[0] != idempotency_key:
                raise ConfigurationError(
                    f"Sale {shown(sale_id, 300)} was sent before under the idempotency key "
                    f"{shown(row[0], 300)}, not {shown(idempotency_key, 300)}: sending it "
                    "under a new key could issue it twice. Derive the key from the sale id "
                    "as the first run did"
                )
            db.execute(
                "INSERT INTO sales (sale_id, idempotency_key, state, attempts, updated_at, "
                "attempted_at) "
                "VALUES (?, ?, 'attempted', 1, ?, ?) ON CONFLICT (sale_id) DO UPDATE SET "
                "attempts = attempts + 1, updated_at = excluded.updated_at, "
                "state = CASE WHEN state = 'issued' THEN 'issued' ELSE 'attempted' END, "
                # an outcome still unknown keeps the time its attempts began (OpenFactura's
                # 24 h for the key run from the first); after a known one they begin again
                "attempted_at = CASE WHEN state = 'attempted' "
                "THEN COALESCE(attempted_at, updated_at) ELSE excluded.attempted_at END",
                (sale_id, idempotency_key, now, now),
            )
            db.execute(
                "INSERT INTO events (sale_id, kind, detail, at) VALUES (?, 'attempt', ?, ?)",
                (sale_id, idempotency_key, now),
            )
            entry = db.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM sales WHERE sale_id = ?",
                (sale_id,),
            ).fetchone()
        return _entry(entry)

    def record_issued(
        self,
        sale_id: str,
        *,
        token: str,
        folio: int | None,
        document: Mapping[str, Any] | None = None,
    ) -> None:
        now = self._now()
        identity = None if document is None else json.dumps(document, sort_keys=True)
        self._write(
            sale_id,
            [
                (
                    "UPDATE sales SET state = 'issued', token = ?, folio = ?, error = NULL, "
                    "document = ?, updated_at = ? WHERE sale_id = ?",
                    (token, folio, identity, now, sale_id),
                ),
                (
                    "INSERT INTO events (sale_id, kind, detail, at) VALUES (?, 'issued', ?, ?)",
                    (sale_id, token, now),
                ),
            ],
        )

    def record_failed(self, sale_id: str, error: str) -> None:
        now = self._now()
        self._write(
            sale_id,
            [
                (
                    "UPDATE sales SET state = 'failed', error = ?, updated_at = ? "
                    "WHERE sale_id = ? AND state != 'issued'",
                    (error, now, sale_id),
                ),
                (
                    "INSERT INTO events (sale_id, kind, detail, at) VALUES (?, 'failed', ?, ?)",
                    (sale_id, error, now),
                ),
            ],
        )

    def entries(self) -> Iterator[JournalEntry]:
        """Read a page of ``_PAGE`` sales at a time (a journal of a million sales is listed
        in the memory of one page); the first now, so that a journal that cannot be read says
        so here. A sale recorded while they are read comes at the end."""
        if self._columns is None:
            return iter([])
        return self._pages(self._page(0))

    def _page(self, after: int) -> list[tuple[Any, ...]]:
        """The sales recorded after the one numbered ``after`` (its ``seq``), ``_PAGE`` at most."""
        return self._read(
            f"SELECT seq, {self._columns} FROM sales WHERE seq > ? ORDER BY seq LIMIT ?",
            (after, _PAGE),
        )

    def _pages(self, page: list[tuple[Any, ...]]) -> Iterator[JournalEntry]:
        while page:
            for row in page:
                yield _entry(row[1:])
            if len(page) < _PAGE:
                return
            page = self._page(page[-1][0])

    def close(self) -> None:
        with self._lock:
            if self._pid != os.getpid():
                # A forked child that never used it has no connection of its own to close: it
                # opens none (which would make the file again, were it gone), and keeps the
                # parent's for the parent.
                self._inherited.append(self._db)
                self._db = _closed_connection()
                self._pid = os.getpid()
                return
            self._db.close()


EntryPoint = Literal["path", "journal=", "--journal", "FILE.db"]
"""How the journal's file was named: ``SQLiteJournal(path)``, ``emit_many(journal=)``,
``haulmer emit-batch --journal`` or ``haulmer journal FILE.db``."""


@dataclass(frozen=True)
class _Naming:
    """How an entry point names the journal's file, so that an error's advice is in its terms."""

    argument: str
    """The argument or option that names the file."""
    such_as: str
    """An example of naming the file ``{name}``; empty where no new file can be named."""
    make_writable: str
    """What to do about a journal whose file or folder is read-only to this user."""
    again: str
    """What to do once the cause of an error is gone."""

    def name_a_file(self, name: str = "emissions.db", *, own: bool = False) -> str:
        """The advice to name another file (``own``: one of the journal's own)."""
        if not self.such_as:
            return f"give as {self.argument} the file emit-batch was given as --journal"
        whose = " of the journal's own" if own else ""
        return f"name a file{whose}, such as {self.such_as.format(name=name)} (created if new)"

    def own_file(self) -> str:
        """The advice for a file that is not a journal, or a damaged one."""
        if not self.such_as:
            return (
                f"{self.argument} names the journal file emit-batch wrote (its --journal): give "
                "that file, restored from a backup if damaged"
            )
        return (
            f"{self.argument} names a file of the journal's own (created if new). Give the "
            "journal file the batch wrote (restored from a backup if damaged), or a new file: "
            "sent again under their ids, the sales issued in the last 24 hours come back as "
            "the same documents"
        )

    def cannot_open(self, read_only: bool) -> str:
        """The advice for a journal SQLite cannot open."""
        if read_only:
            return "check that the file can be read"
        if not self.such_as:
            return "check that the file and its folder can be read and written"
        example = self.such_as.format(name="emissions.db")
        return f"name a file in a folder you can write to, such as {example}"


_NAMINGS: dict[EntryPoint, _Naming] = {
    "path": _Naming(
        "path",
        "SQLiteJournal({name!r})",
        "Make both writable to record in it; to read it only, open it with "
        "SQLiteJournal(path, read_only=True)",
        "try again",
    ),
    "journal=": _Naming(
        "journal=",
        "journal={name!r}",
        "Make both writable, then run the batch again: a new file would not know what this "
        "one recorded",
        "run the batch again",
    ),
    "--journal": _Naming(
        "--journal",
        "--journal {name}",
        "Make both writable, then run the batch again: a new --journal file would not know "
        "what this one recorded",
        "run the batch again",
    ),
    "FILE.db": _Naming(
        "FILE.db",
        "",
        "Make both writable to record what came of a sale (listing its sales needs no writing)",
        "run the command again",
    ),
}


_READ_ONLY_NEEDS_A_FILE = "read_only=True reads a journal a batch wrote: name that file"


def _capital(text: str) -> str:
    """``text`` begun as a sentence."""
    return text[:1].upper() + text[1:]


def _open(path: Path) -> sqlite3.Connection:
    """``path`` opened to read and write (created if missing)."""
    return sqlite3.connect(
        path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
    )


def _open_read_only(path: Path) -> sqlite3.Connection:
    """``path`` opened only to read it, which needs no write access to the file: SQLite opens a
    file it may not write for reading. Queries only, so that nothing is written, while the
    connection may still tidy up the -wal and -shm files it used as it closes (``mode=ro``
    leaves them beside the file). A file, or a folder, this user cannot write (where SQLite
    can make no index beside the file, or could not remove it), with no batch at work on it
    (no -wal file), is read as it stands (``immutable``)."""
    writable = _writable(path.absolute().parent) and _writable(path)
    if not writable and not Path(f"{path}-wal").exists():
        db = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro&immutable=1",
            uri=True,
            timeout=BUSY_TIMEOUT,
            isolation_level=None,
            check_same_thread=False,
        )
    else:
        db = _open(path)
    db.execute("PRAGMA query_only = 1")
    return db


def _is_empty_file(path: Path) -> bool:
    """Whether ``path`` is a file of 0 bytes, which SQLite opens as an empty database."""
    try:
        return path.stat().st_size == 0
    except OSError:  # gone, or not to be looked at: SQLite's open says why
        return False


def _writable(path: Path) -> bool:
    """Whether this user may write ``path``, a file or a folder to make files in (replaced in
    tests, which run as root)."""
    return os.access(path, os.W_OK)


def _is_read_only(exc: sqlite3.Error) -> bool:
    """Whether SQLite could not write because the file, or its folder, is read-only."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11 on
    if isinstance(code, int):
        return code & 0xFF == _SQLITE_READONLY
    return "readonly database" in str(exc)


_SQLITE_READONLY = 8
"""SQLite's primary result code for a write to a read-only database."""


def _readable_columns(db: sqlite3.Connection) -> str | None:
    """What ``_entry`` reads from the ``sales`` of a journal opened read-only, which may come
    from an earlier release (without the newer columns) or be still being created (no
    ``sales``: None)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(sales)")}
    if not columns:
        return None
    present = _ENTRY_COLUMNS
    for name, _kind in _NEW_COLUMNS:
        if name not in columns:
            present = present.replace(name, "NULL")
    return present


_JOURNAL_COLUMNS = {
    "meta": {"name", "value"},
    "sales": {"sale_id", "idempotency_key", "state", "attempts", "token", "folio", "error"},
    "events": {"sale_id", "kind", "detail", "at"},
}
"""The tables of a journal and the columns each has had since the first release."""


_NEW_COLUMNS = (
    ("document", "TEXT"),  # what identifies an issued document
    ("attempted_at", "REAL"),  # when the attempts of an unknown outcome began
)
"""Columns of ``sales`` a journal written by an earlier release lacks, in the order added."""


def _add_new_columns(db: sqlite3.Connection) -> None:
    """Give a journal written by an earlier release the columns it lacks, in one transaction
    that reads the columns again: two batches opening such a journal together both succeed.
    A journal that has them all is not written to (it may be a read-only copy)."""
    if not _missing_columns(db):
        return
    with _immediate(db):
        for name, kind in _missing_columns(db):
            db.execute(f"ALTER TABLE sales ADD COLUMN {name} {kind}")


def _mark_version(db: sqlite3.Connection) -> None:
    """Record ``SCHEMA_VERSION`` in the journal, unless another batch recorded a later one. A
    journal this user may not write is left at 0, read as this version (what records in it
    says it cannot be written)."""
    try:
        with _immediate(db):
            if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except sqlite3.OperationalError as exc:
        if not _is_read_only(exc):
            raise


@contextlib.contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[None]:
    """A write transaction taken at once (BEGIN IMMEDIATE, so that no other writer slips in
    between its reads and writes): committed when the block ends, rolled back if it raises."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise


def _missing_columns(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """The columns of ``_NEW_COLUMNS`` the journal's ``sales`` lacks."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(sales)")}
    return [(name, kind) for name, kind in _NEW_COLUMNS if name not in columns]


def _foreign_tables(db: sqlite3.Connection) -> list[str]:
    """The tables of ``db`` that no journal has, or that have a journal's name but not its
    columns (another program's database, which a journal must not write to); empty for a new
    file and for a journal, whole or still being created by another batch, and for a whole
    journal to which tables or views of one's own were added (a report's view, say)."""
    names = [
        row[0]
        for row in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        if not row[0].startswith("sqlite_")
    ]
    foreign = []
    whole = set()
    for name in names:
        wanted = _JOURNAL_COLUMNS.get(name)
        columns = {row[1] for row in db.execute("SELECT * FROM pragma_table_info(?)", (name,))}
        if wanted is None or not wanted <= columns:
            foreign.append(name)
        else:
            whole.add(name)
    return [] if whole == set(_JOURNAL_COLUMNS) else foreign


def _closed_connection() -> sqlite3.Connection:
    """A connection already closed: what a journal closed before it opened one of its own
    uses, so that a later read or write says the journal was closed."""
    db = sqlite3.connect(":memory:")
    db.close()
    return db


def _is_closed(exc: sqlite3.Error) -> bool:
    """Whether SQLite refused a connection that was closed (the journal's ``close()``)."""
    return isinstance(exc, sqlite3.ProgrammingError) and "closed" in str(exc)


def _is_locked(exc: sqlite3.Error) -> bool:
    """Whether SQLite gave up waiting for another connection's lock."""
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def _is_not_a_database(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite found the file is no database, or a damaged one (not a locked or
    unreadable file, which says so)."""
    text = str(exc)
    return "not a database" in text or "malformed" in text


_PAGE = 500
"""Sales ``entries`` reads at a time."""


_ENTRY_COLUMNS = (
    "sale_id, idempotency_key, state, attempts, token, folio, error, document, "
    "CASE WHEN state = 'attempted' THEN COALESCE(attempted_at, updated_at) END"
)
"""What ``_entry`` reads: an attempted sale recorded before ``attempted_at`` was kept has its
last attempt's time, the best known."""


def _entry(row: tuple[Any, ...]) -> JournalEntry:
    sale_id, key, state, attempts, token, folio, error, document, attempted_at = row
    identity = None if document is None else json.loads(document)
    return JournalEntry(sale_id, key, state, attempts, token, folio, error, identity, attempted_at)

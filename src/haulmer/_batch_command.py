"""``haulmer emit-batch FILE.jsonl --journal FILE.db``: issue a file of sales, resumably.

Each line of the file is one sale, a JSON object with its id and its document (SII names). The
journal makes a rerun of the same command issue only what is missing; the results are printed
as JSON lines, the progress on stderr.
"""

from __future__ import annotations

import argparse
import codecs
import errno
import json
import math
import shlex
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO, cast

from haulmer._cli_choices import choice_word
from haulmer._core.responses import exact_json_number
from haulmer._files import home_expanded
from haulmer._shown import shown
from haulmer.errors import BatchStoppedError, HaulmerError, ValidationError

if TYPE_CHECKING:
    from haulmer.journal import SQLiteJournal

__all__ = [
    "EXIT_FAILED_SALES",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNUSABLE",
    "NumberedSale",
    "SalesFile",
    "emit_batch",
    "read_numbered_sales",
    "read_sales",
]

EXIT_OK = 0
"""Every sale has its document."""
EXIT_FAILED_SALES = 1
"""Some sales failed (their lines say why); rerun the command to retry them."""
EXIT_UNUSABLE = 2
"""The file (one holding no sale too), the journal or the configuration cannot be used: nothing
was sent, unless the journal or a shared limiter that could not be reached any more failed part
way (the lines printed, and the message, say what was issued then); or OpenFactura refused the
account as a whole (a wrong API key, a 403, an unusable electronic signature): the batch stopped
at that sale, and the sales after it were not sent."""
EXIT_INTERRUPTED = 130
"""Ctrl+C: rerun the same command to go on where it stopped."""


MAX_SALE_LINE_BYTES = 4 * 1024 * 1024
"""The longest line a sale may take: a DTE of the most lines the SII allows is far shorter, and
a file that is no JSON-lines file (``/dev/zero``, a binary) is refused at its first 4 MiB."""


def read_sales(path: str) -> list[dict[str, Any]]:
    """Every sale of a JSON-lines file (``-``: standard input; blank lines skipped); ValueError
    names a bad line.

    The file is read a line at a time, each at most ``MAX_SALE_LINE_BYTES``.
    """
    return [sale.sale for sale in read_numbered_sales(path)]


class NumberedSale(NamedTuple):
    """A sale and the line of the file it is on (from 1), which its result line names."""

    line: int
    sale: dict[str, Any]


class SalesFile:
    """The sales of a file, every line checked when read, each kept as its line's bytes and
    read again when the batch reaches it: read into Python objects a sale takes about eight
    times its line (400 MB for a 50 MB file), held for the hours a batch of it takes."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._lines: list[int] = []
        self._raws: list[bytes] = []

    def add(self, line: int, raw: bytes) -> None:
        """Keep the sale on ``line``, whose bytes ``_sale_of`` found to be one."""
        self._lines.append(line)
        self._raws.append(raw)

    def __len__(self) -> int:
        return len(self._raws)

    def __getitem__(self, index: int) -> NumberedSale:
        line = self._lines[index]
        sale = _sale_of(self._raws[index], self._path, line)
        assert sale is not None  # it was a sale when it was read, and its bytes are the same
        return NumberedSale(line, sale)

    def __iter__(self) -> Iterator[NumberedSale]:
        return (self[index] for index in range(len(self)))

    def sale_name(self, index: int) -> str:
        """How ``emit_many``'s messages name the sale at ``index``: by its line, counted from 1
        as the result lines and the command's own messages count, not by its index."""
        return f"the sale on line {self._lines[index]}"


def read_numbered_sales(path: str) -> SalesFile:
    """:func:`read_sales`, each sale with its line number."""
    try:
        if path == "-":
            if sys.stdin is None:  # started without one (pythonw, a closed descriptor)
                raise OSError(errno.EBADF, "there is no standard input")
            return _sales_in(sys.stdin.buffer, "standard input")
        with open(Path(path), "rb") as handle:
            return _sales_in(handle, path)
    except OSError as exc:
        where = "standard input" if path == "-" else path
        raise ValueError(f"cannot read {where}: {exc.strerror or exc}") from exc


def _sales_in(handle: Any, path: str) -> SalesFile:
    sales = SalesFile(path)
    for number, raw in enumerate(iter(_line_reader(handle), b""), start=1):
        if _sale_of(raw, path, number) is not None:
            sales.add(number, raw)
    return sales


def _line_reader(handle: Any) -> Any:
    """A reader of the next line of ``handle``, cut one byte past the bound to notice it."""
    return lambda: handle.readline(MAX_SALE_LINE_BYTES + 1)


def _sale_of(raw: bytes, path: str, number: int) -> dict[str, Any] | None:
    """Line ``number`` of the file as a sale, None when blank; ValueError says what is wrong."""
    if len(raw) > MAX_SALE_LINE_BYTES:
        raise ValueError(
            f"{path}, line {number}: longer than {MAX_SALE_LINE_BYTES // (1024 * 1024)} MiB; no "
            "sale is that long (is this a JSON-lines file, one sale per line?)"
        )
    line = _text_of(raw, path, number)
    if not line.strip():
        return None
    try:
        sale = json.loads(
            line,
            parse_constant=_no_constant,
            parse_float=_finite_float,
            object_pairs_hook=_object_of_distinct_keys,
        )
    except _UnsendableJSON as exc:
        raise ValueError(f"{path}, line {number}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path}, line {number}: not JSON ({exc.msg}, column {exc.pos + 1}){_hint(line)}"
        ) from exc
    except (ValueError, RecursionError) as exc:  # a number of 5,000 digits; deep nesting
        raise ValueError(f"{path}, line {number}: not JSON a sale can be ({exc})") from None
    if isinstance(sale, list) and number == 1:
        raise ValueError(
            f"{path}, line 1: the file is one JSON array; emit-batch reads JSON lines, one sale "
            "object a line (jq -c '.[]' sales.json > sales.jsonl writes them)"
        )
    if not isinstance(sale, dict):
        raise ValueError(f"{path}, line {number}: a sale is a JSON object, got {sale!r:.40}")
    return sale


_SAVE_AS_UTF8 = "save the file as UTF-8"
_SQLITE_HEADER = b"SQLite format 3\x00"
"""How every SQLite database file starts, a journal's too."""


def _text_of(raw: bytes, path: str, number: int) -> str:
    """Line ``number``'s bytes as UTF-8 text; ValueError names the encoding the file is in
    when it can tell (what Excel, PowerShell and older ERPs write) and how to save it."""
    if number == 1 and raw.startswith(_SQLITE_HEADER):  # the two files given the other way round
        raise ValueError(
            f"{path}, line 1: an SQLite database (an emit-batch journal?), not a JSON-lines file "
            "of sales; give the sales file first and the journal after --journal"
        )
    if number == 1 and raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise ValueError(f"{path}, line 1: UTF-32, not UTF-8; {_SAVE_AS_UTF8}")
    if number == 1 and raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # PowerShell 5's "> sales.jsonl" writes UTF-16
        raise ValueError(
            f"{path}, line 1: UTF-16, not UTF-8; {_SAVE_AS_UTF8} (in PowerShell: Out-File "
            "-Encoding utf8)"
        )
    if b"\x00" in raw:  # no UTF-8 JSON line holds one; UTF-16 and UTF-32 text without a BOM do
        raise ValueError(
            f"{path}, line {number}: holds NUL bytes, which no UTF-8 JSON line does: is the file "
            f"UTF-16 or UTF-32? {_SAVE_AS_UTF8}"
        )
    try:  # a BOM starts what Windows tools write, and each file of several concatenated
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = f"{path}, line {number}: not UTF-8 ({exc.reason} at byte {exc.start + 1})"
        try:
            shown_as = raw[exc.start : exc.start + 1].decode("cp1252")
        except UnicodeDecodeError:
            raise ValueError(f"{where}; {_SAVE_AS_UTF8}") from None
        raise ValueError(
            f"{where}: {shown_as!r} in Latin-1 or Windows-1252, as Excel and older systems "
            f"write; {_SAVE_AS_UTF8} (iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE-utf8.jsonl, "
            'or Excel\'s "CSV UTF-8" / your editor\'s "Save with encoding")'
        ) from None


def _hint(line: str) -> str:
    """What a line that is not JSON probably is, to follow its message ("" when unknown)."""
    text = line.strip()
    if "\r" in text:
        return "; its lines end with a CR alone (classic Mac OS): save the file with LF line ends"
    if text.startswith(("#", "//")):
        return "; a JSON-lines file has no comment lines: remove them"
    if text in ("{", "[") or text.startswith(('"', "}", "]")):
        return (
            "; a sale takes one line: is the file pretty-printed JSON? (jq -c '.[]' for an "
            "array, jq -c . for objects, writes one a line)"
        )
    return ""


class _UnsendableJSON(ValueError):
    """A number Python reads and JSON has not (NaN, Infinity, 1e400), or a key given twice: no
    request can carry it as written."""


def _no_constant(name: str) -> Any:
    """``json.loads(parse_constant=)``: NaN, Infinity and -Infinity are Python's, not JSON's."""
    raise _UnsendableJSON(
        f"{name} is no JSON number (JSON has no NaN or Infinity); write the number, or null"
    )


def _finite_float(text: str) -> float | Decimal:
    """``json.loads(parse_float=)``: a number a float holds exactly as a float, else as the
    Decimal of its digits (an 18-digit QtyItem); one too large for a float would be Infinity."""
    value = exact_json_number(text)
    if isinstance(value, float) and math.isinf(value):
        raise _UnsendableJSON(f"{shown(text, 40)} is too large a number; write the amount itself")
    return value


def _object_of_distinct_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads(object_pairs_hook=)``: an object that names a key twice is refused, since
    JSON readers differ on which value they keep (Python's the last, others the first)."""
    sale = dict(pairs)
    if len(sale) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _UnsendableJSON(
                    f"the key {shown(key, 40)} appears more than once in one object, and JSON "
                    "readers differ on which value they keep; write it once, with the value meant"
                )
            seen.add(key)
    return sale


class ProgressDisplay:
    """One status line on a terminal (redrawn), or a line per 5% of the batch otherwise."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self._stream = stream
        self._enabled = enabled
        self._tty = stream.isatty()
        self._started = time.monotonic()
        self._last_step = -1
        self._unended = False
        """Whether the terminal's status line was drawn and not ended yet."""

    def __call__(self, progress: Any) -> None:
        if not self._enabled:
            return
        total = progress.total or 0
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = progress.done / elapsed
        width = 30
        filled = int(width * progress.done / total) if total else 0
        eta = (total - progress.done) / rate if rate and total else 0.0
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{total} "
            f"issued {progress.issued}, already issued {progress.already_issued}, "
            f"failed {progress.failed}, {rate:.1f}/s, {eta:.0f} s left"
        )
        if self._tty:
            self._stream.write("\r" + line)
            self._unended = progress.done != total
            if not self._unended:
                self._stream.write("\n")
        else:
            step = int(20 * progress.done / total) if total else progress.done
            if step == self._last_step and progress.done != total:
                return
            self._last_step = step
            self._stream.write(line + "\n")
        self._stream.flush()

    def end(self) -> None:
        """End the terminal's status line if the batch stopped before its last sale, so that
        a message printed next starts a line of its own."""
        if self._unended:
            self._unended = False
            self._stream.write("\n")
            self._stream.flush()


def _sale_id(field: str) -> Callable[[NumberedSale], str | int]:
    """What ``emit_many(key=)`` reads a sale's id with: the ``--key`` field, refused in the
    command line's terms when it is missing or cannot be an idempotency key."""
    from haulmer.openfactura.batch import sale_id_problem

    def read(numbered: NumberedSale) -> str | int:
        sale = numbered.sale
        if field not in sale:
            raise ValidationError(
                f"the sale has no {shown(field)} field holding its id; name the field that holds "
                "it with --key"
            )
        raw = sale[field]
        problem = sale_id_problem(raw)
        if problem is not None:
            raise ValidationError(
                f"its id ({shown(field)}) {problem}; give the sale an id that fits"
            )
        return cast("str | int", raw)  # sale_id_problem found it a str or an int

    return read


def _sale_document(field: str) -> Callable[[NumberedSale], Any]:
    """What ``emit_many(document=)`` reads a sale's document with: the ``--document`` field."""

    def read(numbered: NumberedSale) -> Any:
        if field not in numbered.sale:
            raise ValidationError(
                f"the sale has no {shown(field)} field holding its document; name the field "
                "that holds it with --document"
            )
        return numbered.sale[field]

    return read


def _raw_id(numbered: NumberedSale, field: str) -> str | None:
    """The id a sale's line holds, as text (a refused one too, so that the user can find it);
    None when the line holds none."""
    if field not in numbered.sale:
        return None
    raw = numbered.sale[field]
    return raw if isinstance(raw, str) else json.dumps(raw)


def _result_line(result: Any, numbered: NumberedSale, key: str, output: TextIO) -> str:
    from haulmer._json_output import json_text

    document = result.document
    return json_text(
        {
            "index": result.index,
            "line": numbered.line,
            "id": result.sale_id if result.sale_id is not None else _raw_id(numbered, key),
            "status": result.status,
            "token": document.token if document else None,
            "folio": document.folio if document else None,
            "error": f"{type(result.error).__name__}: {result.error}" if result.error else None,
            "may_have_been_issued": result.may_have_been_issued,
        },
        output,
    )


def emit_batch(args: argparse.Namespace) -> int:
    """Run ``haulmer emit-batch``; returns the exit code."""
    from haulmer import Haulmer

    try:
        sales = read_numbered_sales(args.file)
    except ValueError as exc:
        print(f"haulmer: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    if not sales:
        where = "standard input" if args.file == "-" else args.file
        print(
            f"haulmer: {where} holds no sales (no line holds a JSON object): nothing to issue",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    if not _env_api_key():
        print(
            f"haulmer: no API key: set {_API_KEY_ENV} to the OpenFactura API key to issue with",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    base_urls = {"openfactura": args.base_url} if args.base_url else None
    rate_limit: bool | str | None = args.rate_limit
    if rate_limit is True:
        rate_limit = None if _env_url() else True  # HAULMER_RATE_LIMIT_URL, else this process
    output: TextIO = sys.stdout
    failed = reported = maybe_issued = to_settle = 0
    unknown: list[str] = []
    """The failed sales whose document is not said to maybe exist: some may be to settle."""
    try:
        with (
            Haulmer(
                environment=args.environment,
                base_urls=base_urls,
                rate_limit=rate_limit,
                max_retries=args.max_retries,
            ) as client,
            _opened_journal(args.journal) as journal,
        ):
            display = ProgressDisplay(sys.stderr, enabled=not args.quiet)
            # The batch is stopped (Ctrl+C, an error) before the client closes: a sale it had
            # yet to send never meets a closed client, and those running end first.
            try:
                with client.openfactura.documents.emit_many(
                    sales,
                    key=_sale_id(args.key),
                    document=_sale_document(args.document),
                    concurrency=args.concurrency,
                    journal=journal,
                    on_progress=display,
                ) as results:
                    for result in results:
                        failed += not result.ok
                        maybe_issued += result.may_have_been_issued
                        reported += 1
                        if not result.ok and not result.may_have_been_issued and result.sale_id:
                            unknown.append(result.sale_id)
                        line = _result_line(result, sales[result.index], args.key, output)
                        output.write(line + "\n")
                        output.flush()
            finally:
                display.end()
            to_settle = _to_settle(journal, unknown)
    except KeyboardInterrupt:
        print(
            "\nhaulmer: interrupted; run the same command again to go on where it stopped "
            "(the journal keeps what was issued)",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    except BatchStoppedError as exc:
        print(f"haulmer: {exc}", file=sys.stderr)
        where = "standard input" if args.file == "-" else args.file
        done = (
            f", after {reported} of {len(sales)} sales (their lines are above)" if reported else ""
        )
        print(
            f"haulmer: stopped at {sales.sale_name(exc.sale_index)} of {where}{done}; "
            "fix what the message says, then run the same command again to go on where it "
            "stopped",
            file=sys.stderr,
        )
        return EXIT_UNUSABLE
    except HaulmerError as exc:
        print(f"haulmer: {exc}", file=sys.stderr)
        if reported:
            print(
                f"haulmer: stopped after {reported} of {len(sales)} sales (their lines are above); "
                "run the same command again to go on where it stopped",
                file=sys.stderr,
            )
        return EXIT_UNUSABLE
    if failed:
        retry = "" if to_settle else "; run the same command again to retry them"
        print(
            f"haulmer: {failed} of {len(sales)} sales failed (see their lines){retry}",
            file=sys.stderr,
        )
        if to_settle:
            others = (
                "; run the same command again to retry the others" if to_settle < failed else ""
            )
            journal_command = f"haulmer journal {shlex.quote(args.journal)}"
            print(
                f"haulmer: {to_settle} of them a rerun does not send: first sent 23 hours ago or "
                "more, their answer never learnt (OpenFactura forgets a key after 24 hours). "
                "Look for each among the documents issued since (documents.list_issued), then "
                f"record it with {journal_command} --issued ID --token TOKEN, or --not-issued "
                f'ID ({journal_command} lists them with "next": "settle"){others}',
                file=sys.stderr,
            )
        if maybe_issued:
            print(
                f"haulmer: {maybe_issued} of them may have been issued (their answer was lost: "
                '"may_have_been_issued": true): run the same command again within 24 hours to '
                "get their documents under their ids, never under another id",
                file=sys.stderr,
            )
        return EXIT_FAILED_SALES
    return EXIT_OK


def _to_settle(journal: SQLiteJournal, sale_ids: list[str]) -> int:
    """How many of ``sale_ids`` are to settle by hand, as ``haulmer journal`` judges them: first
    sent 23 hours ago or more, their outcome never learnt, so that no rerun sends them."""
    from haulmer._journal_command import _next

    now = time.time()
    count = 0
    for sale_id in sale_ids:
        try:
            entry = journal.lookup(sale_id)
        except HaulmerError:  # the batch has ended: its results stand without this advice
            break
        if entry is not None and _next(entry.state, entry.attempted_at, now) == "settle":
            count += 1
    return count


def _opened_journal(path: str) -> SQLiteJournal:
    """The ``--journal`` file, whose errors name it as the option it was given with (the
    batch closes it at its end)."""
    from haulmer.journal import SQLiteJournal

    return SQLiteJournal._named_by(path, naming="--journal")


_API_KEY_ENV = "HAULMER_API_KEY"


def _env_api_key() -> str:
    import os

    return os.environ.get(_API_KEY_ENV, "").strip()


def _concurrency(text: str) -> int:
    """``--concurrency``: emissions in flight at once, as many as ``emit_many`` takes."""
    from haulmer.openfactura.batch import MAX_CONCURRENCY

    try:
        value = int(text) if text.strip().isascii() else 0
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            f"1 to {MAX_CONCURRENCY} emissions in flight at once, not {shown(text)} (Haulmer "
            "takes 3 requests a second per key, so more only wait in line)"
        )
    return value


def _max_retries(text: str) -> int:
    """``--max-retries``: retries of each emission."""
    try:
        value = int(text) if text.strip().isascii() else -1
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"0 or more retries of each emission, not {shown(text)}")
    return value


def _field_name(text: str) -> str:
    """``--key``, ``--document``: the name of a field of each sale's JSON object."""
    if not text:
        raise argparse.ArgumentTypeError("the name of the field of each sale, not empty")
    return text


def _base_url(text: str) -> str:
    """``--base-url``: OpenFactura's base URL, checked as the client checks it (not echoed: it
    may hold a password)."""
    from haulmer._core.environments import resolve_base_urls
    from haulmer.errors import ConfigurationError

    try:
        resolve_base_urls("production", {"openfactura": text})
    except ConfigurationError:
        raise argparse.ArgumentTypeError(
            "an http:// or https:// URL of a scheme, a host and an optional path prefix (no "
            "?query or #fragment), such as http://127.0.0.1:8080"
        ) from None
    return text


_LIMITER_SCHEMES = ("redis", "rediss", "unix", "memory")
"""The URLs ``Haulmer(rate_limit=)`` takes: Redis (shared by every process) or this process."""


def _rate_limit(text: str) -> bool | str:
    """``--rate-limit``: on or off (in any case), or the URL of a limiter."""
    choice = text.strip()
    if choice.lower() in ("on", "off"):
        return choice.lower() == "on"
    scheme, separator, _ = choice.partition("://")
    if not (separator and scheme.lower() in _LIMITER_SCHEMES):
        # a URL is not echoed: it may hold a password
        if separator:
            given = f"a {shown(scheme, 20)}:// URL"
        elif "@" in text:  # a URL whose "//" was mistyped: its user info may hold a password
            given = "that value (not shown: it may hold a password)"
        else:
            given = shown(text)
        raise argparse.ArgumentTypeError(
            "on, off, or the URL of a limiter: redis://host:6379/0 (shared by every process "
            "using that Redis), rediss:// or unix:// for Redis, memory:// (this process "
            f"only); not {given}"
        )
    return choice


def _env_url() -> str:
    import os

    from haulmer.ratelimit import RATE_LIMIT_URL_ENV

    return os.environ.get(RATE_LIMIT_URL_ENV, "").strip()


def add_emit_batch_command(commands: Any) -> None:
    """Register ``emit-batch`` on the ``haulmer`` command line."""
    parser = commands.add_parser(
        "emit-batch",
        help="issue a JSON-lines file of sales, resumably (a journal records what was issued)",
        description="Issue every sale of FILE.jsonl (one JSON object a line: its id and its "
        "document in SII names) through OpenFactura, each under its id as idempotency key. The "
        "journal records each attempt before it is sent and each result after: run the same "
        "command again after a crash or Ctrl+C and only what is missing is issued. The API key "
        "comes from HAULMER_API_KEY. Prints one JSON line per sale; progress goes to stderr. "
        "Exit status: 0 every sale issued, 1 some failed, 2 the file (one holding no sale too), "
        "journal or configuration cannot be used, or OpenFactura refused the account (a wrong "
        "API key: the batch stops at the first refusal), 130 interrupted.",
    )
    parser.add_argument(
        "file",
        metavar="FILE.jsonl",
        help="the sales, one JSON object a line ('-' for standard input)",
    )
    parser.add_argument(
        "--journal",
        required=True,
        type=home_expanded,
        metavar="FILE.db",
        help="the SQLite journal (created if new)",
    )
    parser.add_argument(
        "--key", type=_field_name, default="id", help="the field holding each sale's id (id)"
    )
    parser.add_argument(
        "--document",
        type=_field_name,
        default="document",
        help="the field holding each document (document)",
    )
    parser.add_argument(
        "--concurrency", type=_concurrency, default=4, help="emissions in flight at once (4)"
    )
    parser.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default="on",
        metavar="on|off|URL",
        help="keep to 3 requests/s and 100/min: 'on' (HAULMER_RATE_LIMIT_URL if set, else this "
        "process), 'off', or a redis:// URL shared with other processes (default on)",
    )
    parser.add_argument(
        "--environment",
        type=choice_word,
        choices=("production", "sandbox", "local"),
        default=None,
        help="production, sandbox or local (default: HAULMER_ENVIRONMENT, else production; "
        "without this option HAULMER_BASE_URL and the per-product URL variables apply too)",
    )
    parser.add_argument(
        "--base-url", type=_base_url, help="OpenFactura's base URL (e.g. the fake's server)"
    )
    parser.add_argument(
        "--max-retries", type=_max_retries, default=5, help="retries of each emission (5)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress display")
    parser.add_argument(
        "--json",
        action="store_true",
        help="accepted and ignored: the results are always printed as JSON lines (for scripts "
        "that pass --json to every command)",
    )
    parser.set_defaults(handler=emit_batch)

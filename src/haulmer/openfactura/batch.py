"""Batch emission: each sale keyed by its own id, journaled, and resumable. No I/O of its own:
the plans yield the journal's reads and writes as ``Blocking`` steps, which
``documents.emit_many`` runs with the client's runner, and the batch's ``open_journal`` and
``close`` are run by the ordered runner (in a worker thread on asyncio).

A sale's idempotency key is its id, so a rerun (after a crash, or by a job queue retrying a
task) sends it under the same key: OpenFactura answers OF-06 and the earlier document is
returned. A sale the journal records as issued is answered from the journal, with no request.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
from collections.abc import AsyncIterable, Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TypeGuard, TypeVar
from urllib.parse import urlsplit, urlunsplit

from haulmer._core.log import logger
from haulmer._core.plans import Blocking, Plan
from haulmer._core.prepare import check_api_key_header
from haulmer._forks import ForkSafeLock
from haulmer._models import encode_json
from haulmer._shown import cut, shown
from haulmer.errors import (
    AlreadyIssuedError,
    APIError,
    APIStatusError,
    AuthenticationError,
    BatchStoppedError,
    ClientClosedError,
    ConfigurationError,
    HaulmerError,
    PermissionDeniedError,
    RateLimiterUnavailableError,
    ValidationError,
)
from haulmer.journal import Journal, JournalEntry, SQLiteJournal
from haulmer.openfactura.documents.business import DocumentInput, emission_plan
from haulmer.openfactura.emission import (
    Emission,
    build_emission,
    document_identity,
    identity_differences,
)
from haulmer.openfactura.models import EmittedDocument
from haulmer.ratelimit import api_key_fingerprint

__all__ = [
    "MAX_CONCURRENCY",
    "BatchProgress",
    "EmissionBatch",
    "JournalArg",
    "SaleDocument",
    "SaleKey",
    "SaleResult",
    "fingerprint_or_none",
]

T = TypeVar("T")

SaleKey = str | Callable[[Any], object]
"""How to get a sale's id: a field name (a mapping's key, an attribute, or a cursor row's
field) or a function."""

SaleDocument = str | Callable[[Any], DocumentInput] | None
"""How to get a sale's document: a field name, a function, or None (the sale is the document)."""

JournalArg = Journal | str | os.PathLike[str] | None
"""A journal, the path of a SQLite journal file, or None (no journal)."""

MAX_CONCURRENCY = 64
"""More emissions in flight than this only queue behind Haulmer's 3 requests a second."""

RESEND_WINDOW = 23 * 3600.0
"""Seconds after its first attempt that a sale of unknown outcome is still sent again: OpenFactura
remembers an Idempotency-Key for 24 h, less an hour for clocks that disagree and slow attempts."""

MAX_SALE_ID_LENGTH = 255
"""A sale's id is sent as its Idempotency-Key header: one line of printable ASCII, this long."""


def sale_id_problem(raw: object) -> str | None:
    """Why ``raw`` cannot be a sale's id, worded to follow "its id" (``None``: it can, as
    ``str(raw).strip()``). The one check ``emit_many`` and ``haulmer emit-batch`` share."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        try:
            seen = cut(json.dumps(raw), 60)
        except (TypeError, ValueError):
            seen = type(raw).__name__
        return f"must be a string or a whole number, got {seen}"
    text = str(raw).strip()
    if not text or len(text) > MAX_SALE_ID_LENGTH:
        return f"must have 1 to {MAX_SALE_ID_LENGTH} characters, got {len(text)}"
    if not text.isascii() or not text.isprintable():
        return (
            f"{shown(text, 300)} is sent as the Idempotency-Key header, which takes printable "
            "ASCII only"
        )
    return None


@dataclass(frozen=True)
class SaleResult:
    """One sale's outcome, in the order the sales came: its document, or the error that failed it.

    ``from_journal``: the journal recorded it as issued by an earlier run, so nothing was sent
    (``document`` then has the token and folio only, ``already_issued=True``).
    """

    index: int
    sale_id: str | None
    document: EmittedDocument | None = None
    error: HaulmerError | None = None
    from_journal: bool = False

    @property
    def ok(self) -> bool:
        """Whether the sale has its document."""
        return self.document is not None

    @property
    def may_have_been_issued(self) -> bool:
        """Whether the sale failed yet its document may exist (its answer lost): run the batch
        again within 24 h to get the document under the sale's id, never under another id."""
        return bool(getattr(self.error, "may_have_been_carried_out", False))

    @property
    def status(self) -> Literal["issued", "already_issued", "failed"]:
        """``issued`` now, ``already_issued`` earlier (journal or OF-06), or ``failed``."""
        if self.document is None:
            return "failed"
        return "already_issued" if self.document.already_issued else "issued"


@dataclass(frozen=True)
class BatchProgress:
    """Where a batch stands after ``last``: counts so far (``total`` None for an iterator);
    ``may_have_been_issued`` counts the failed sales whose document may exist."""

    done: int
    total: int | None
    issued: int
    already_issued: int
    failed: int
    last: SaleResult
    may_have_been_issued: int = 0


def _field(sale: Any, name: str) -> Any:
    """The field ``name`` of ``sale``: a mapping's key, an attribute, or else what the sale
    gives by name (``row[name]``: a cursor's row, such as ``sqlite3.Row``, is no mapping)."""
    if isinstance(sale, Mapping):
        return sale[name]
    try:
        return getattr(sale, name)
    except AttributeError:
        if isinstance(sale, (str, bytes)) or not hasattr(type(sale), "__getitem__"):
            raise
        try:
            return sale[name]
        except (KeyError, IndexError, TypeError):
            raise AttributeError(
                f"{type(sale).__name__!r} object has no attribute or field {name!r}"
            ) from None


class EmissionBatch:
    """The sales of one ``emit_many`` call, checked, turned into one plan each, and tallied."""

    def __init__(
        self,
        sales: Iterable[Any],
        *,
        key: SaleKey,
        document: SaleDocument,
        concurrency: int,
        journal: JournalArg,
        on_progress: Callable[[BatchProgress], None] | None,
        key_fingerprint: str | None,
        emission: Mapping[str, Any],
        base_url: str | None = None,
        options: Mapping[str, Any],
        today: Callable[[], dt.date] | None = None,
        now: Callable[[], float] | None = None,
    ) -> None:
        if isinstance(sales, AsyncIterable) and not isinstance(sales, Iterable):
            raise ValidationError(
                f"emit_many(sales) reads its sales with a plain for loop, got a "
                f"{type(sales).__name__} read with async for (an async database driver's "
                "rows): pass the sales as a list, or as a plain iterable of them, a page at a "
                "time (one emit_many per page, with the same journal)"
            )
        if isinstance(sales, (str, bytes, Mapping)) or not isinstance(sales, Iterable):
            raise ValidationError(
                "emit_many(sales) takes an iterable of sales (a list, a generator, rows of a "
                f"file), got {type(sales).__name__}; emit one document with emit()"
            )
        if not (isinstance(key, str) and key) and not callable(key):
            raise ValidationError(
                "key= names how to get a sale's id: a field name such as 'id', or a function "
                f"of the sale; got {shown(key)}"
            )
        if not (document is None or (isinstance(document, str) and document) or callable(document)):
            raise ValidationError(
                "document= names how to get a sale's document: a field name such as "
                f"'document', a function of the sale, or None; got {shown(document)}"
            )
        if isinstance(concurrency, bool) or not isinstance(concurrency, int):
            raise ValidationError(f"concurrency= must be an int, got {shown(concurrency)}")
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise ValidationError(
                f"concurrency= must be between 1 and {MAX_CONCURRENCY}, got {concurrency}: "
                "Haulmer takes 3 requests a second per key, so more only wait in line"
            )
        if on_progress is not None and not callable(on_progress):
            raise ValidationError("on_progress= takes a function of a BatchProgress")
        if inspect.iscoroutinefunction(on_progress):
            raise ValidationError(_PROGRESS_NOT_AWAITED)
        for name, function in (("key", key), ("document", document)):
            if inspect.iscoroutinefunction(function):
                raise ValidationError(
                    f"{name}= is called for each sale, never awaited, so an async def gives a "
                    "coroutine, not the sale's "
                    f"{'id' if name == 'key' else 'document'}: pass a plain function (or a "
                    "field name), and read what it needs before the batch"
                )
        _check_extra_headers(options.get("extra_headers"))
        self.concurrency = concurrency
        self._sales = sales
        namer = getattr(sales, "sale_name", None)
        self._name: Callable[[int], str] = namer if callable(namer) else _sale_at
        """How messages name a sale: by its index, or as ``sales.sale_name(index)`` says (the
        command line's file of sales names each by its line, as its result lines do)."""
        self._key = key
        self._document = document
        self._emission = dict(emission)
        self._options = dict(options)
        self._today = today
        """Today in Chile by the client's clock, read as each sale is sent (a FchEmis after it
        is refused); None leaves the day unchecked."""
        self._now = now
        """The client's wall clock (POSIX seconds), against the journal's ``attempted_at``;
        None sends a sale of unknown outcome again at any age."""
        self._on_progress = on_progress
        self._total = len(sales) if isinstance(sales, Sized) else None
        self._journal_arg = _checked_journal(journal, key_fingerprint)
        self._journal: Journal | None = None
        self._owns_journal = False
        self._binding = (
            key_fingerprint or "",
            None if base_url is None else _without_user_info(base_url),
        )
        self._bound = False
        self._open_sends = 0
        """Sends whose outcome is not known yet (or never will be: cancelled, or the process
        interrupted)."""
        self._maybe_issued = False
        """Whether a send of this batch issued a document under its key, or may have."""
        self._stop: tuple[int, str, APIStatusError] | None = None
        """The first refusal of the whole account: the batch starts no sale after it."""
        self._seen: set[str] = set()
        self._lock = ForkSafeLock()
        self._done = self._issued = self._already = self._failed = self._maybe = 0

    def open_journal(self) -> None:
        """Open the journal (a path's SQLite file, created if missing) and bind it to the API
        key: blocking file work, which the asyncio client runs in a worker thread."""
        journal = self._journal_arg
        if journal is None or self._journal is not None:
            return
        if isinstance(journal, Journal):
            opened, owns = journal, False
        else:
            # stamped on the client's clock, which the batch reads an attempt's age by
            opened = SQLiteJournal._named_by(journal, naming="journal=", clock=self._now)
            owns = True
        try:  # tied at the first send: see _bind_journal
            try:
                opened.check_binding(*self._binding)
            except HaulmerError:
                raise
            except Exception as exc:  # a store of one's own that failed
                raise _journal_failed(
                    opened,
                    "check which API key and OpenFactura it is tied to",
                    exc,
                    "nothing was sent",
                ) from exc
        except BaseException:
            if owns:
                opened.close()
            raise
        self._journal, self._owns_journal = opened, owns

    def close(self) -> None:
        """Untie the journal from the batch's key when nothing it sent was, or may have been,
        issued (a key OpenFactura refused outright, documents it refused): the journal is tied
        only to a key a document may exist under. Close the journal if the batch opened it."""
        journal = self._journal
        if journal is None:
            return
        with self._lock:
            issued_nothing = self._bound and not self._maybe_issued and not self._open_sends
        try:
            if issued_nothing:  # another key can use the journal on the rerun
                self._release(journal)
        finally:
            if self._owns_journal:
                journal.close()

    def _release(self, journal: Journal) -> None:
        """Untie ``journal`` from the batch's key. A journal that cannot be written any more
        stays tied, as one without ``release`` does: said in the log, since raising here would
        hide the error the batch ends with (a key refused) behind the journal's."""
        try:
            journal.release(self._binding[0])
        except Exception as exc:
            logger.warning(
                "The journal (%s) could not be untied from the API key this batch used, which "
                "issued nothing (%s: %s): a rerun with another key is refused until it uses a "
                "new journal file",
                type(journal).__name__,
                type(exc).__name__,
                cut(str(exc), 500),
            )

    def plans(self) -> Iterator[Plan[SaleResult]]:
        """One plan per sale, in order; a sale whose id or document cannot be read, or whose
        id came before in this batch, gets a plan that only returns its failure."""
        for index, sale in enumerate(self._sales):
            if self._stop is not None:
                return  # the account was refused: the sales left are for the next run
            try:
                sale_id = self._sale_id(index, sale)
            except ValidationError as error:
                yield _failed(SaleResult(index, None, error=error))
                continue
            try:
                document = self._sale_document(index, sale)
                if sale_id in self._seen:
                    raise ValidationError(
                        f"{self._name(index)}: the id {shown(sale_id, 300)} came before in this "
                        "batch; "
                        "each sale needs an id of its own (it is the sale's idempotency key)"
                    )
            except ValidationError as error:
                yield _failed(SaleResult(index, sale_id, error=error))
                continue
            self._seen.add(sale_id)
            yield self._sale_plan(index, sale_id, document)

    def _sale_id(self, index: int, sale: Any) -> str:
        if callable(self._key):
            raw = self._called("key", self._key, index, sale, "id")
        else:
            raw = self._field_of(index, sale)
        problem = sale_id_problem(raw)
        if problem is not None:
            raise ValidationError(
                f"{self._name(index)}: its id {problem}; derive an id that fits "
                "(key=lambda sale: ...)"
            )
        return str(raw).strip()

    def _called(
        self, name: str, function: Callable[[Any], T], index: int, sale: Any, what: str
    ) -> T:
        """``function(sale)``, the ``key=`` or ``document=`` function (``name``): whatever it
        raises for this sale (a value it cannot parse) fails the sale, not the batch."""
        try:
            return function(sale)
        except ValidationError:
            raise  # the sale's own, saying why (a document a builder refused)
        except Exception as exc:
            raise ValidationError(
                f"{self._name(index)}: its {what} could not be read: the {name}= function "
                f"raised {type(exc).__name__}: {cut(str(exc), 300)}. Nothing was sent for it"
            ) from exc

    def _field_of(self, index: int, sale: Any) -> object:
        """The ``key=`` field of ``sale``, its id."""
        assert isinstance(self._key, str)
        try:
            return _field(sale, self._key)
        except (KeyError, AttributeError, TypeError, IndexError) as exc:
            raise ValidationError(
                f"{self._name(index)}: its id could not be read (field {shown(self._key)}: "
                f"{type(exc).__name__}: {exc}); pass key= naming the sale's id field, or a "
                "function returning it"
            ) from exc

    def _sale_document(self, index: int, sale: Any) -> DocumentInput:
        if self._document is None:
            document: DocumentInput = sale
            return document
        if callable(self._document):
            return self._called("document", self._document, index, sale, "document")
        try:
            found: DocumentInput = _field(sale, self._document)
            return found
        except (KeyError, AttributeError, TypeError, IndexError) as exc:
            raise ValidationError(
                f"{self._name(index)}: its document could not be read "
                f"({type(exc).__name__}: {exc}); pass document= naming the field that holds "
                "it, a function, or None when the sale is the document"
            ) from exc

    def _sale_plan(self, index: int, sale_id: str, document: DocumentInput) -> Plan[SaleResult]:
        """Answer from the journal, or record the attempt, emit under the sale's key, record.

        The journal's reads and writes are ``Blocking`` steps: the asyncio client runs them in
        a worker thread, so a slow disk does not hold up its event loop."""
        journal = self._journal
        name = self._name(index)
        unknown_before = False
        """Whether the journal had this sale attempted, its outcome unknown (an earlier run
        interrupted or its answer lost)."""
        if journal is not None:
            entry: JournalEntry | None = yield from _journal_step(
                journal, partial(journal.lookup, sale_id), f"look up {name}", sale_id
            )
            if entry is not None and not isinstance(entry, JournalEntry):
                raise ConfigurationError(
                    f"The journal ({type(journal).__name__}) lookup({shown(sale_id, 300)}) "
                    f"returned a {type(entry).__name__}: a journal's lookup returns a "
                    "JournalEntry or None. Nothing was sent for it; fix the journal's lookup, "
                    "then run the batch again"
                )
            if entry is not None and entry.sale_id != sale_id:
                raise _answered_for_another(journal, sale_id, entry)
            if entry is not None and entry.state == "issued" and entry.token:
                return self._from_journal(index, sale_id, document, entry)
            unknown_before = entry is not None and entry.state == "attempted"
            if entry is not None and entry.state == "attempted":
                since = self._key_forgotten_since(entry)
                if since is not None:
                    return SaleResult(index, sale_id, error=_outcome_unknown(name, sale_id, since))
        if self._stop is not None:  # refused while this sale waited its turn: left unsent
            stopped_at, stopped_id, refused = self._stop
            raise _stopped(stopped_at, self._name(stopped_at), stopped_id, refused)
        if journal is not None:  # tied first, then the attempt: see _bind_journal
            yield from _journal_step(
                journal, self._bind_journal, f"tie itself to the API key before {name}", sale_id
            )
            yield from _journal_step(
                journal,
                partial(journal.record_attempt, sale_id, sale_id),
                f"record the attempt of {name}",
                sale_id,
            )
        try:
            emission = build_emission(
                document,
                idempotency_key=sale_id,
                custom=None,
                today=None if self._today is None else self._today(),
                **self._emission,
            )
            # what no request can carry (NaN in a field passed through) fails this sale here;
            # found as the request is sent, it would end the batch
            encode_json(emission.body)
            emitted = yield from self._sent(emission)
        except (ConfigurationError, RateLimiterUnavailableError) as error:
            # not the sale's fault: no sale could go, so the batch ends here. A sale the limiter
            # or a closed client kept from going is recorded as not issued: left attempted, it
            # read as sent, and after 23 h as an outcome unknown, never sent again
            unsent = isinstance(error, (RateLimiterUnavailableError, ClientClosedError)) and not (
                unknown_before or error.may_have_been_carried_out
            )
            if journal is not None and unsent:
                failure = f"{type(error).__name__}: {error}"
                try:
                    yield Blocking(partial(journal.record_failed, sale_id, failure))
                except Exception as exc:
                    raise _failure_unrecorded(journal, name, sale_id, failure, exc) from exc
            raise
        except HaulmerError as error:
            refusal = error if _refuses_the_account(error) else None
            if refusal is not None:
                with self._lock:  # before the journal's writes: no sale starts after this
                    if self._stop is None:
                        self._stop = (index, sale_id, refusal)
            # an earlier run's send (interrupted, its answer lost) may have issued it, and a
            # failure that says nothing of the key leaves its outcome unknown: kept attempted
            still_unknown = unknown_before and not _settles_the_key(error)
            if still_unknown:
                _note_earlier_send(error, sale_id)
                with self._lock:  # the journal stays tied to the key it may exist under
                    self._maybe_issued = True
            # a failure that may have issued the document leaves the sale attempted: its outcome
            # is unknown, and a rerun after OpenFactura forgets the key must not send it
            maybe = still_unknown or getattr(error, "may_have_been_carried_out", False)
            if journal is not None and not maybe:
                failure = f"{type(error).__name__}: {error}"
                try:
                    yield Blocking(partial(journal.record_failed, sale_id, failure))
                except Exception as exc:
                    raise _failure_unrecorded(journal, name, sale_id, failure, exc) from exc
            if refusal is not None:
                raise _stopped(index, self._name(index), sale_id, refusal) from error
            return SaleResult(index, sale_id, error=error)
        if journal is not None:
            try:
                identity = document_identity(emission.body["dte"])
                yield Blocking(
                    partial(
                        journal.record_issued,
                        sale_id,
                        token=emitted.token,
                        folio=emitted.folio,
                        document=identity,
                    )
                )
            except Exception as exc:
                unrecorded = _unrecorded(name, sale_id, emitted, exc)
                # the batch ends with one error: the other sales in flight whose documents the
                # journal could not record are named here, so that none goes unreported
                logger.warning("%s", unrecorded)
                raise unrecorded from exc
        return SaleResult(index, sale_id, emitted)

    def _sent(self, emission: Emission) -> Plan[EmittedDocument]:
        """``emission_plan`` of one sale, counted while its outcome is unknown: ``close``
        unties the journal only when every send is known to have issued nothing."""
        with self._lock:
            self._open_sends += 1
        try:
            emitted = yield from emission_plan(emission, self._options)
        except HaulmerError as error:
            with self._lock:
                self._open_sends -= 1
                if getattr(error, "may_have_been_carried_out", False):
                    self._maybe_issued = True
            raise
        # (anything else, a cancellation or an interruption, leaves the outcome unknown)
        with self._lock:
            self._open_sends -= 1
            self._maybe_issued = True
        return emitted

    def _key_forgotten_since(self, entry: JournalEntry) -> float | None:
        """When ``entry``, an attempted sale, was first sent, if OpenFactura may have forgotten
        its key since (sent again, it could be issued a second time); None if it remembers."""
        since = entry.attempted_at
        if self._now is None or since is None or self._now() - since < RESEND_WINDOW:
            return None
        return since

    def _bind_journal(self) -> None:
        """Tie the journal to the key and the OpenFactura of this batch before its first sale
        is recorded or sent: a process killed during a send leaves the journal tied to the key
        the document may exist under. ``close`` unties it when nothing was issued."""
        journal = self._journal
        if journal is None or self._bound:
            return
        fingerprint, platform = self._binding
        journal.bind(fingerprint)
        if platform is not None:
            journal.bind_platform(platform)
        self._bound = True

    def _from_journal(
        self, index: int, sale_id: str, document: DocumentInput, entry: JournalEntry
    ) -> SaleResult:
        """The document the journal recorded for this sale, once the sale is checked to still be
        that document (as OpenFactura's OF-06 answer is): an id reused for another document
        fails, and nothing is sent."""
        if entry.document is not None:
            try:
                emission = build_emission(
                    document, idempotency_key=sale_id, custom=None, **self._emission
                )
            except HaulmerError as error:
                return SaleResult(index, sale_id, error=error)
            differences = identity_differences(emission.body["dte"], entry.document)
            if differences:
                return SaleResult(
                    index, sale_id, error=_id_reused(self._name(index), sale_id, entry, differences)
                )
        issued = EmittedDocument.model_validate(
            {"token": entry.token, "folio": entry.folio, "already_issued": True}
        )
        return SaleResult(index, sale_id, issued, from_journal=True)

    def finish(self, result: SaleResult) -> SaleResult:
        """Count ``result`` and report progress (in order, from the consuming thread)."""
        with self._lock:
            self._done += 1
            if result.status == "issued":
                self._issued += 1
            elif result.status == "already_issued":
                self._already += 1
            else:
                self._failed += 1
                self._maybe += result.may_have_been_issued
            progress = BatchProgress(
                self._done,
                self._total,
                self._issued,
                self._already,
                self._failed,
                result,
                self._maybe,
            )
        if self._on_progress is not None:
            called: Any = self._on_progress(progress)
            if inspect.isawaitable(called):
                close = getattr(called, "close", None)
                if callable(close):
                    close()  # no "never awaited" warning on top of the error
                raise ValidationError(_PROGRESS_NOT_AWAITED)
        return result


_PROGRESS_NOT_AWAITED = (
    "on_progress= is called after each sale's result, never awaited, so an async def (or a "
    "function returning a coroutine) would never run: pass a plain function of a "
    "BatchProgress (def on_progress(progress): ...), and start any async work of yours from it "
    "(asyncio.get_running_loop().create_task(...))"
)
"""Why an ``on_progress`` that makes coroutines is refused."""


_HEADERS_OF_THE_BATCH = {
    "idempotency-key": (
        "each sale goes under its own id as its Idempotency-Key (key= names it), so one key in "
        "extra_headers would send every sale under it, the journal recording each under its id: "
        "leave it out"
    ),
    "apikey": (
        "the sales are issued under the client's API key, and the journal is tied to the "
        "client's key: to issue under another key, make a client with it "
        "(Haulmer(api_key=...))"
    ),
}
"""Headers ``emit_many`` sends itself, which ``extra_headers`` would replace, and why not."""


def _check_extra_headers(extra_headers: object) -> None:
    """Refuse ``extra_headers`` that set a header the batch's guarantees rest on (its value,
    perhaps an API key, is never shown); anything else is checked as each emission sends it."""
    if not isinstance(extra_headers, Mapping):
        return
    for name in extra_headers:
        why = _HEADERS_OF_THE_BATCH.get(name.lower()) if isinstance(name, str) else None
        if why is not None:
            raise ValidationError(
                f"emit_many(extra_headers=) sets {shown(name, 40)}, which the batch sends "
                f"itself: {why}. Nothing was sent"
            )


def _without_user_info(url: str) -> str:
    """``url`` without a ``user:password@`` part, which a journal must not keep."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", ""))


def fingerprint_or_none(api_key: str | None) -> str | None:
    """What a batch is given of the client's API key: its fingerprint (None without a key), so
    that no frame of a batch refused before sending holds the key for a traceback to show.
    A key no request can carry is refused here (``ConfigurationError``), before the journal is
    tied to it and records sales as sent that never were."""
    if not api_key:
        return None
    check_api_key_header(api_key)
    return api_key_fingerprint(api_key)


def _checked_journal(journal: JournalArg, key_fingerprint: str | None) -> JournalArg:
    """``journal`` once it is known to be one ``emit_many`` can open, before anything is opened."""
    if journal is None:
        return None
    if not isinstance(journal, (str, os.PathLike, Journal)):
        raise ValidationError(
            "journal= takes a file path (a SQLite journal, created if missing), a "
            f"haulmer.journal.Journal, or None; got {type(journal).__name__}"
        )
    if not key_fingerprint:  # before a journal file is created for nothing
        raise ConfigurationError(
            "No OpenFactura API key: pass api_key= to the client or set HAULMER_API_KEY "
            "(the journal is tied to the key it issued with)"
        )
    return journal


def _refuses_the_account(error: HaulmerError) -> TypeGuard[APIStatusError]:
    """Whether OpenFactura refused the account rather than the sale, so that every sale after it
    would meet the same answer: the key refused (401), the account may not issue (403), the
    company's electronic signature unusable (OF-04)."""
    if isinstance(error, (AuthenticationError, PermissionDeniedError)):
        return True
    return isinstance(error, APIStatusError) and error.code == "OF-04"


_SAYS_NOTHING_OF_THE_KEY = frozenset({401, 403, 408, 429})
"""Refusals OpenFactura gives before it looks at a request's Idempotency-Key: the account's, or
"come back later"."""


def _settles_the_key(error: HaulmerError) -> bool:
    """Whether ``error`` says that nothing was issued under the sale's key before: OpenFactura
    refused the document itself (a 4xx), which it does not do to a key it remembers (OF-06
    returns that document). Within the day it remembers the key, as every send is."""
    if isinstance(error, AlreadyIssuedError):
        return False  # issued under the key: for another document
    return (
        isinstance(error, APIStatusError)
        and 400 <= error.status_code < 500
        and error.status_code not in _SAYS_NOTHING_OF_THE_KEY
        and error.code not in ("OF-04", "OF-21", "OF-429")
    )


def _note_earlier_send(error: HaulmerError, sale_id: str) -> None:
    """Have ``error``, which ends a sale an earlier run may have issued, say so and name the
    sale's key (the journal then keeps the sale attempted)."""
    noted = (APIError, ClientClosedError, RateLimiterUnavailableError)
    if isinstance(error, noted) and not error.may_have_been_carried_out:
        error.note_lost_answer(idempotency_key=sale_id, creates="the document", token=None)


def _sale_at(index: int) -> str:
    """How messages name the sale at ``index`` of the sales given (``SaleResult.index``)."""
    return f"sale {index}"


def _stopped(index: int, name: str, sale_id: str, error: APIStatusError) -> BatchStoppedError:
    """The error ending a batch whose account OpenFactura refused at sale ``index``, which
    messages call ``name``."""
    return BatchStoppedError(
        f"The batch stopped at {name} ({shown(sale_id, 300)}): OpenFactura refused it for "
        "the whole account, so every sale after it would be refused the same way: no further "
        f"sale was sent. {type(error).__name__}: {error}. Fix that, then run the batch again: "
        "the sales without a document (this one included) are sent then, under their ids, and "
        "those already issued are not issued twice",
        error=error,
        sale_index=index,
        sale_id=sale_id,
    )


def _id_reused(
    name: str, sale_id: str, entry: JournalEntry, differences: list[str]
) -> ValidationError:
    """The error of a sale (``name``) whose id the journal records as issued for another
    document."""
    return ValidationError(
        f"{name}: the id {shown(sale_id, 300)} was issued before as another document "
        f"(token {entry.token}, recorded in the journal): {'; '.join(differences)}. Nothing was "
        "sent. Give each sale an id of its own (it is the sale's idempotency key); the document "
        "already issued under this id is fetched with documents.json(token)"
    )


def _outcome_unknown(name: str, sale_id: str, since: float) -> ValidationError:
    """The error of a sale (``name``) first sent at ``since``, ``RESEND_WINDOW`` or more ago,
    whose outcome the journal never learnt: nothing is sent, and it says how to settle it."""
    when = dt.datetime.fromtimestamp(since, dt.timezone.utc)
    sale_id = shown(sale_id, 300)
    return ValidationError(
        f"{name}: the id {sale_id} was first sent at {when:%Y-%m-%d %H:%M} UTC and what came of "
        "it was never learnt (the batch was stopped, or the answer lost). OpenFactura remembers "
        "an Idempotency-Key for 24 h only, so sent again now it could be issued twice: nothing "
        "was sent. Look for it among the documents issued since then "
        "(documents.list_issued), then record what you find in the journal: "
        f"journal.record_issued({sale_id}, token=..., folio=...) if it was issued (the batch "
        f"then answers it from the journal), journal.record_failed({sale_id}, 'not issued') "
        "if not (the next run sends it); on the command line, haulmer journal FILE.db "
        f"--issued {sale_id} --token ... or --not-issued {sale_id}"
    )


def _journal_step(journal: Journal, call: Callable[[], T], doing: str, sale_id: str) -> Plan[T]:
    """``call``, the journal's work before a sale is sent, as a ``Blocking`` step: an error of a
    store of one's own (not the SDK's own errors, which say what they are) ends the batch as a
    ``ConfigurationError`` naming the step and the sale."""
    try:
        result: T = yield Blocking(call)
    except HaulmerError:
        raise
    except Exception as exc:
        raise _journal_failed(journal, f"{doing} ({shown(sale_id, 300)})", exc) from exc
    return result


def _journal_failed(
    journal: Journal, doing: str, exc: Exception, sent: str = "nothing was sent for it"
) -> ConfigurationError:
    """The error ending a batch whose journal (one's own store) raised ``exc`` while ``doing``
    what comes before a sale is sent (``sent`` says so)."""
    return ConfigurationError(
        f"The journal ({type(journal).__name__}) could not {doing}: {type(exc).__name__}: "
        f"{cut(str(exc), 500)}; {sent}. Run the batch again once the journal works: the sales "
        "it records as issued are not sent again"
    )


def _answered_for_another(
    journal: Journal, sale_id: str, entry: JournalEntry
) -> ConfigurationError:
    """The error ending a batch whose journal answered the lookup of ``sale_id`` with ``entry``,
    another sale's: its document is not this sale's, and nothing the journal says can be
    trusted."""
    return ConfigurationError(
        f"The journal ({type(journal).__name__}) answered lookup({shown(sale_id, 300)}) with "
        f"the entry of {shown(entry.sale_id, 300)}: a journal's lookup returns the sale asked "
        "for, or None. Nothing was sent for it; fix the journal's lookup, then run the batch "
        "again"
    )


def _failure_unrecorded(
    journal: Journal, name: str, sale_id: str, failure: str, exc: Exception
) -> ConfigurationError:
    """The error ending a batch whose journal could not record that a sale (``name``) failed
    with ``failure``, an error that issued nothing: it says both."""
    return ConfigurationError(
        f"{name} ({shown(sale_id, 300)}) failed ({cut(failure, 1000)}) and the journal "
        f"({type(journal).__name__}) could not record that ({type(exc).__name__}: "
        f"{cut(str(exc), 500)}): nothing was issued for it. Run the batch again once the "
        "journal can be written: the sale is sent again then"
    )


def _unrecorded(
    name: str, sale_id: str, emitted: EmittedDocument, exc: Exception
) -> ConfigurationError:
    """The error ending a batch whose journal could not record a document just issued: it names
    the document, which a rerun gets back under the same key (OF-06) once the journal works."""
    folio = f", folio {emitted.folio}" if emitted.folio is not None else ""
    return ConfigurationError(
        f"{name} ({shown(sale_id, 300)}) was issued (token {emitted.token}{folio}) but the "
        f"journal could not record it: {type(exc).__name__}: {exc}. Run the batch again once the "
        "journal can be written: the sale is sent again under its id and OpenFactura returns "
        "this same document"
    )


def _failed(result: SaleResult) -> Plan[SaleResult]:
    """A plan that sends nothing and returns ``result``."""
    return result
    yield  # pragma: no cover - makes this a generator

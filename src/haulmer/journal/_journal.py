"""The emission journal: what a batch tried and what came of it, so a rerun issues nothing twice.

``emit_many`` records each sale's attempt before sending it and its result after; on a rerun a
sale recorded as issued is answered from the journal, and one only attempted is sent again under
the same idempotency key (OpenFactura answers OF-06 and the SDK returns the earlier document).
Any store can implement ``Journal``; ``SQLiteJournal`` is the embedded one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from haulmer._core.self_type import Self

__all__ = ["Journal", "JournalEntry", "SaleState"]

SaleState = Literal["attempted", "issued", "failed"]
"""``attempted``: sent (or about to be) with no result recorded, or with one that may have issued
the document (its answer lost); ``issued``: a document exists; ``failed``: the last attempt ended
in an error that issued nothing (a rerun tries it again)."""


@dataclass(frozen=True)
class JournalEntry:
    """One sale as the journal knows it. ``error`` is the error's class and message (no secret
    is ever in one); ``document`` what identifies the document issued (see ``record_issued``)."""

    sale_id: str
    idempotency_key: str
    state: SaleState
    attempts: int
    token: str | None = None
    folio: int | None = None
    error: str | None = None
    document: Mapping[str, Any] | None = None
    attempted_at: float | None = field(default=None, compare=False)
    """For an ``attempted`` sale, when (POSIX seconds) the first attempt whose outcome is still
    unknown was recorded: OpenFactura remembers its key for 24 h from then. None when the store
    does not say (the batch then sends the sale again at any age)."""


class Journal(ABC):
    """A durable record of a batch's sales. Each method returns only once what it records
    survives the process being killed; implementations must be safe to share between threads."""

    @abstractmethod
    def bind(self, api_key_fingerprint: str) -> None:
        """Tie the journal to one API key (its fingerprint) on first use; a journal written for
        another key raises ConfigurationError, since its documents belong to another taxpayer.
        A batch calls it before its first send, so that a process killed during that send
        leaves the journal tied to the key its document may exist under."""

    def release(self, api_key_fingerprint: str) -> None:  # noqa: B027 (optional)
        """Untie the journal from ``api_key_fingerprint`` (and from its OpenFactura) if this
        object's ``bind`` tied it there and it records no document, issued or that may exist
        (a sale attempted, by another batch on the same store too): a batch calls it at its end
        when OpenFactura refused that key outright and nothing it sent may have been issued,
        so that a rerun with the right key can use the journal. A store that cannot may leave
        this as it is: the journal then stays tied to the refused key, and a rerun with another
        key is refused, naming it, until a new journal is used."""

    def bind_platform(self, openfactura_url: str) -> None:  # noqa: B027 (optional)
        """Tie the journal to the OpenFactura it issues at (its base URL, without user info) on
        first use; a journal written at another (production, the sandbox, a local fake) raises
        ConfigurationError, since its tokens name documents only that one holds. A store that
        keeps no such record may leave this as it is: nothing is checked then. A batch calls it
        when it calls ``bind``."""

    def check_binding(self, api_key_fingerprint: str, openfactura_url: str | None) -> None:
        """Raise ConfigurationError, as ``bind`` and ``bind_platform`` would, if the journal is
        tied to another key or OpenFactura, without tying it: a batch checks before it sends.

        Override it with a read of what ``bind`` stored: this default ties the journal at once
        (it calls ``bind`` and ``bind_platform``), so a batch whose key is refused as a whole
        leaves such a journal tied to that key."""
        self.bind(api_key_fingerprint)
        if openfactura_url is not None:
            self.bind_platform(openfactura_url)

    @abstractmethod
    def lookup(self, sale_id: str) -> JournalEntry | None:
        """What the journal knows of ``sale_id``, or None if it was never attempted."""

    @abstractmethod
    def record_attempt(self, sale_id: str, idempotency_key: str) -> JournalEntry:
        """Record that ``sale_id`` is about to be sent under ``idempotency_key`` (before sending).

        A sale already recorded under another key raises ConfigurationError: sending it under a
        new key could issue it twice. A store that can should keep, in ``attempted_at``, when
        the first attempt since the sale's last recorded outcome was made."""

    @abstractmethod
    def record_issued(
        self,
        sale_id: str,
        *,
        token: str,
        folio: int | None,
        document: Mapping[str, Any] | None = None,
    ) -> None:
        """Record the document issued for ``sale_id`` (after its answer came).

        ``document`` is what identifies it (type, total, receptor, date, lines: a small mapping
        of text, JSON as it is), kept so that a rerun can tell that the sale under this id is
        still that document before answering it from the journal."""

    @abstractmethod
    def record_failed(self, sale_id: str, error: str) -> None:
        """Record that the last attempt of ``sale_id`` failed with ``error``, which issued nothing
        (a failure that may have issued the document is left ``attempted``)."""

    @abstractmethod
    def entries(self) -> Iterator[JournalEntry]:
        """Every sale recorded, in the order first attempted."""

    def close(self) -> None:  # noqa: B027 (optional for stores without connections)
        """Release the store (a file, a connection)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

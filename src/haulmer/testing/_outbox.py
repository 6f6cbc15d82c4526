"""The fake platform's outbox: every e-mail the customer journey sends, in order, with its links.

Tests read it the way a customer reads an inbox (``fake.outbox.last(to=..., subject_contains=...)``)
and follow the links, whose tokens drive the next step. Tokens never appear in a repr.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import overload
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from haulmer._forks import ForkSafeLock
from haulmer._platform import address_key
from haulmer._shown import shown

__all__ = ["Email", "Link", "Outbox"]


def _masked_url(url: str) -> str:
    """The URL with every query value hidden, so a repr never leaks a token."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = urlencode([(key, "***") for key, _ in parse_qsl(parts.query, keep_blank_values=True)])
    return urlunsplit(parts._replace(query=query))


@dataclass(frozen=True)
class Link:
    """A link inside an e-mail: where it points, what it is for and the token it carries."""

    url: str
    purpose: str
    token: str = field(default="", repr=False)

    def __repr__(self) -> str:
        return f"Link(purpose={self.purpose!r}, url={_masked_url(self.url)!r})"


@dataclass(frozen=True)
class Email:
    """One e-mail sent by the platform: recipient, subject, plain-text body, links, send time."""

    to: str
    subject: str
    body: str = field(repr=False)
    links: list[Link] = field(default_factory=list)
    sent_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def link(self, purpose: str) -> Link:
        """The link with this purpose; raises LookupError naming the purposes present."""
        for candidate in self.links:
            if candidate.purpose == purpose:
                return candidate
        present = ", ".join(repr(candidate.purpose) for candidate in self.links) or "none"
        raise LookupError(
            f"the e-mail {shown(self.subject)} has no {shown(purpose)} link (it has: {present})"
        )

    @property
    def token(self) -> str:
        """The token of the e-mail's only link (most journey e-mails carry exactly one)."""
        if len(self.links) != 1:
            raise LookupError(
                f"the e-mail {shown(self.subject)} has {len(self.links)} links; "
                "use .link(purpose).token"
            )
        return self.links[0].token


class Outbox(Sequence[Email]):
    """Every e-mail sent, oldest first; thread-safe so the HTTP server mode can share it."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._emails: list[Email] = []
        self._lock = ForkSafeLock(reentrant=True)
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._before_read: list[Callable[[], None]] = []

    def before_read(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` before every read, so time-driven e-mails due on the clock are sent."""
        self._before_read.append(callback)

    def send(
        self,
        to: str,
        subject: str,
        body: str,
        links: Iterable[Link] = (),
        *,
        sent_at: datetime | None = None,
    ) -> Email:
        """Record an e-mail as sent and return it."""
        email = Email(
            to=to,
            subject=subject,
            body=body,
            links=list(links),
            sent_at=sent_at if sent_at is not None else self._now(),
        )
        with self._lock:
            self._emails.append(email)
        return email

    def for_address(self, address: str) -> list[Email]:
        """The e-mails sent to this address (compared as the platform compares addresses:
        case-insensitive, NFC, an IDN domain in Unicode or punycode), oldest first."""
        if not isinstance(address, str):
            raise TypeError(f"an e-mail address is text, got {type(address).__name__}")
        wanted = address_key(address)
        return [email for email in self if address_key(email.to) == wanted]

    def last(self, to: str | None = None, subject_contains: str | None = None) -> Email:
        """The newest e-mail matching the filters (``subject_contains`` read in Unicode NFC, so
        accents match however they were typed); raises LookupError saying what was looked for
        (a filter that is no text is a TypeError naming it)."""
        for name, value in (("to", to), ("subject_contains", subject_contains)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"outbox.last({name}=) takes text, got {type(value).__name__}")
        for email in reversed(self._matching(to, subject_contains)):
            return email
        filters = []
        if to is not None:
            filters.append(f"to {shown(to)}")
        if subject_contains is not None:
            filters.append(f"with a subject containing {shown(subject_contains)}")
        wanted_text = " ".join(filters) or "at all"
        raise LookupError(f"no e-mail was sent {wanted_text} ({len(self)} e-mails in the outbox)")

    def _matching(self, to: str | None, subject_contains: str | None) -> list[Email]:
        """The e-mails sent to ``to`` (compared as :meth:`for_address` compares) whose subject
        holds ``subject_contains`` (both read in Unicode NFC), oldest first; a filter None or
        empty matches every e-mail."""
        wanted = address_key(to) if to is not None else None
        part = unicodedata.normalize("NFC", subject_contains) if subject_contains else None
        return [
            email
            for email in self._snapshot()
            if (wanted is None or address_key(email.to) == wanted)
            and (part is None or part in unicodedata.normalize("NFC", email.subject))
        ]

    def subjects(self, to: str | None = None) -> list[str]:
        """The subjects sent (to one address if given), oldest first: handy in assertions."""
        emails = self.for_address(to) if to is not None else self._snapshot()
        return [email.subject for email in emails]

    def clear(self) -> None:
        """Forget every e-mail (the fake's reset calls this)."""
        with self._lock:
            self._emails.clear()

    def _snapshot(self) -> list[Email]:
        for callback in list(self._before_read):
            callback()
        with self._lock:
            return list(self._emails)

    @overload
    def __getitem__(self, index: int) -> Email: ...

    @overload
    def __getitem__(self, index: slice) -> list[Email]: ...

    def __getitem__(self, index: int | slice) -> Email | list[Email]:
        return self._snapshot()[index]

    def __len__(self) -> int:
        return len(self._snapshot())

    def __iter__(self) -> Iterator[Email]:
        return iter(self._snapshot())

    def __repr__(self) -> str:
        return f"Outbox({len(self)} e-mails)"

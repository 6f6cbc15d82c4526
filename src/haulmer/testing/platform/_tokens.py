"""E-mail link tokens: random, bound to one purpose and subject, single use, expiring."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from haulmer.testing._clock import later, reached
from haulmer.testing.platform._errors import PlatformError

TOKEN_LIFETIME = timedelta(hours=72)
"""How long an e-mail link stays usable (documented in docs/platform-api.md)."""


@dataclass
class TokenRecord:
    """What a token opens: ``purpose`` (e.g. ``create_password``) for ``subject`` (an id)."""

    purpose: str
    subject: str
    expires_at: datetime
    used_at: datetime | None = None
    superseded: bool = False


class TokenBook:
    """Issues and checks the tokens carried by e-mail links."""

    def __init__(self) -> None:
        self._records: dict[str, TokenRecord] = {}

    def clear(self) -> None:
        """Forget every token."""
        self._records.clear()

    def issue(self, purpose: str, subject: str, now: datetime) -> str:
        """A new token; earlier unused tokens of the same purpose and subject stop working."""
        for record in self._records.values():
            if record.purpose == purpose and record.subject == subject and record.used_at is None:
                record.superseded = True
        token = secrets.token_urlsafe(24)
        self._records[token] = TokenRecord(purpose, subject, later(now, TOKEN_LIFETIME))
        return token

    def check(self, token: object, purpose: str, now: datetime) -> TokenRecord:
        """The record of a usable token, or the refusal that says why it cannot be used."""
        if not isinstance(token, str) or not token:
            raise PlatformError(
                400,
                "validation_failed",
                "the e-mail link's token is missing",
                [("token", "required: copy it from the e-mail's link")],
            )
        record = self._records.get(token)
        if record is None or record.purpose != purpose:
            raise PlatformError(
                400,
                "token_invalid",
                f"this token does not open {purpose.replace('_', ' ')}: "
                "use the link of the right e-mail",
            )
        if record.used_at is not None:
            raise PlatformError(
                400,
                "token_used",
                "this e-mail link was already used; each link works once",
            )
        if record.superseded:
            raise PlatformError(
                400,
                "token_invalid",
                "a newer e-mail replaced this link: use the link of the latest e-mail",
            )
        if reached(now, record.expires_at):
            raise PlatformError(
                400,
                "token_expired",
                f"this e-mail link expired at {record.expires_at.isoformat()}; "
                "ask for a new e-mail",
            )
        return record

    def consume(self, record: TokenRecord, now: datetime) -> None:
        """Mark a token used, once its step succeeded."""
        record.used_at = now

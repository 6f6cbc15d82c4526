"""``Idempotency-Key`` on the fake platform: a repeated key answers the first answer for 24 hours.

Keys are scoped to the caller (the account behind the bearer token, or nobody) and bound to the
request they first came with (method, path and body). The same key with another request is refused
with 422 ``idempotency_key_reused``. Only successful answers are kept, so a request refused for its
content can be corrected and sent again under the same key.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from haulmer.testing._clock import elapsed
from haulmer.testing._wire import parse_json
from haulmer.testing.platform._errors import PlatformError, invalid

IDEMPOTENCY_WINDOW = timedelta(hours=24)
"""How long an ``Idempotency-Key`` keeps answering its first answer, on the fake clock."""

MAX_KEY_LENGTH = 255
"""The longest ``Idempotency-Key`` the platform accepts."""


@dataclass(frozen=True)
class StoredAnswer:
    """The first successful answer given under a key, and what request it answered."""

    fingerprint: bytes
    status: int
    payload: Any
    at: datetime


def _canonical(body: bytes) -> bytes:
    try:
        value = parse_json(body)
    except ValueError:
        return body
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def clean_key(value: str | None) -> str | None:
    """The header's key (None when absent or blank); 400 for one longer than MAX_KEY_LENGTH."""
    key = (value or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH:
        raise invalid(
            "the Idempotency-Key is too long",
            [("Idempotency-Key", f"at most {MAX_KEY_LENGTH} characters")],
        )
    return key


class IdempotencyStore:
    """First answers by (caller, key), each kept for IDEMPOTENCY_WINDOW."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str], StoredAnswer] = {}
        # Fingerprints are keyed hashes: a body may hold a password, never kept in the clear.
        self._secret = secrets.token_bytes(32)

    def clear(self) -> None:
        """Forget every key."""
        self._answers.clear()

    def fingerprint(self, method: str, path: str, body: bytes) -> bytes:
        """What identifies a request: its method, path and body (JSON compared by value, so key
        order and spacing do not matter).
        """
        message = b"\0".join((method.upper().encode(), path.encode(), _canonical(body)))
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def replay(
        self, scope: str, key: str, fingerprint: bytes, now: datetime
    ) -> tuple[int, Any] | None:
        """The first answer under ``key`` (a copy), None if there is none within the window.

        422 ``idempotency_key_reused`` when the key first came with another request.
        """
        stored = self._answers.get((scope, key))
        if stored is None or elapsed(stored.at, now) >= IDEMPOTENCY_WINDOW:
            return None
        if not hmac.compare_digest(stored.fingerprint, fingerprint):
            raise PlatformError(
                422,
                "idempotency_key_reused",
                "this Idempotency-Key was used in the last 24 hours for another request (another "
                "path or body); use a new key for a new request",
            )
        return stored.status, copy.deepcopy(stored.payload)

    def remember(
        self, scope: str, key: str, fingerprint: bytes, status: int, payload: Any, now: datetime
    ) -> None:
        """Keep a successful answer (a copy) as the one ``key`` answers from now on."""
        if not 200 <= status < 300:
            return
        if len(self._answers) % 256 == 255:
            self._answers = {
                known: answer
                for known, answer in self._answers.items()
                if elapsed(answer.at, now) < IDEMPOTENCY_WINDOW
            }
        self._answers[(scope, key)] = StoredAnswer(fingerprint, status, copy.deepcopy(payload), now)

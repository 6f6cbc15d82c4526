"""Haulmer Accounts on the fake platform: passwords from e-mail links, login, sessions."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta
from typing import Any

from haulmer._platform import EMAIL_ADDRESS, address_key
from haulmer._shown import shown
from haulmer.testing._clock import elapsed, later, reached
from haulmer.testing.platform import _emails as emails
from haulmer.testing.platform._base import FailedLogins, Session, StateBase
from haulmer.testing.platform._catalog import PLATFORMS
from haulmer.testing.platform._errors import PlatformError, invalid, unauthenticated
from haulmer.testing.platform._models import Account
from haulmer.testing.platform._validation import (
    hash_password,
    new_id,
    password_problems,
    raise_if,
)

ACCESS_TOKEN_LIFETIME = timedelta(days=30)
"""How long a login's access token works."""

FAILED_LOGINS_TO_LOCK = 5
"""Failed logins of one address within ``LOGIN_LOCK`` that lock its logins."""

LOGIN_LOCK = timedelta(minutes=15)
"""How long those failures are counted, and how long the lock then lasts."""


def session_key(access_token: str) -> str:
    """Where a login's session is kept: a digest of its access token, so the store (and a repr
    of it) holds no token that would call as the account."""
    return hashlib.sha256(access_token.encode("utf-8", "surrogatepass")).hexdigest()


class AccountSteps(StateBase):
    """Accounts: created at payment, password from the e-mail link, login and sessions."""

    def _account_for(self, email: str, name: str, when: datetime) -> Account:
        for account in self.accounts.values():
            if address_key(account.email) == address_key(email):
                return account
        account = Account(id=new_id("acc"), email=email, name=name, created_at=when)
        self.accounts[account.id] = account
        return account

    def _send_create_password(self, account: Account, when: datetime) -> None:
        token = self.tokens.issue("create_password", account.id, when)
        self._send(
            account.email,
            emails.CREATE_PASSWORD,
            "Crea la contraseña de tu cuenta Haulmer: la misma cuenta abre MyHaulmer, "
            "OpenFactura, Point y Catálogo.",
            [emails.token_link("/accounts/create-password", "create_password", token)],
            when,
        )

    def create_password(self, body: dict[str, Any]) -> Account:
        """Set the account's password from the create-password e-mail's token."""
        with self.lock:
            now = self.now()
            record = self.tokens.check(body.get("token"), "create_password", now)
            password = body.get("password")
            confirmation = body.get("password_confirmation")
            if not isinstance(password, str):
                raise invalid("the password is missing", [("password", "required")])
            if not isinstance(confirmation, str):
                raise invalid(
                    "the password's confirmation is missing",
                    [("password_confirmation", "required: the same password again")],
                )
            raise_if(password_problems(password, confirmation), "the password")
            account = self.accounts[record.subject]
            account.password_salt = secrets.token_bytes(16)
            account.password_hash = hash_password(password, account.password_salt)
            account.password_created_at = now
            self.tokens.consume(record, now)
            self._end_sessions_of(account.id)
            self.failed_logins.pop(address_key(account.email), None)
            return account

    def _end_sessions_of(self, account_id: str) -> None:
        """A new password ends every login made before it (one may be a thief's)."""
        for session in self.sessions.values():
            if session.account_id == account_id:
                session.ended_by_new_password = True

    def forgot_password(self, body: dict[str, Any]) -> None:
        """Re-send the create-password e-mail to the account's (the purchase's) address."""
        email = body.get("email")
        if not isinstance(email, str) or not EMAIL_ADDRESS.fullmatch(email.strip()):
            raise invalid("an e-mail address is needed", [("email", "required e-mail")])
        with self.lock:
            for account in self.accounts.values():
                if address_key(account.email) == address_key(email):
                    self._send_create_password(account, self.now())

    def login(self, body: dict[str, Any]) -> dict[str, Any]:
        """E-mail and password -> an access token for every Haulmer platform."""
        email, password = body.get("email"), body.get("password")
        platform = body.get("platform", "my_haulmer")
        if platform not in PLATFORMS:
            raise invalid("unknown platform", [("platform", f"one of {', '.join(PLATFORMS)}")])
        # What the SDK refuses before sending: no address, no password (says nothing of accounts).
        problems: list[tuple[str, str]] = []
        if not isinstance(email, str) or not EMAIL_ADDRESS.fullmatch(email.strip()):
            problems.append(("email", "required e-mail address"))
        if not isinstance(password, str) or not password:
            problems.append(("password", "required"))
        raise_if(problems, "the login")
        assert isinstance(email, str)  # raise_if refused any other
        assert isinstance(password, str)
        with self.lock:
            now = self.now()
            address = address_key(email)
            self._refuse_if_locked(address, now)
            account = next(
                (a for a in self.accounts.values() if address_key(a.email) == address), None
            )
            # One answer for an unknown address, an account without a password yet and a wrong
            # password: a login tells no one which addresses have accounts (as forgot-password).
            if (
                account is None
                or account.password_created_at is None
                or not hmac.compare_digest(
                    account.password_hash, hash_password(password, account.password_salt)
                )
            ):
                self._note_failed_login(address, now)
                raise PlatformError(
                    401,
                    "invalid_credentials",
                    "wrong e-mail or password (a password not created yet is created from the "
                    f"e-mail {shown(emails.CREATE_PASSWORD)}; forgot-password sends it again)",
                )
            self.failed_logins.pop(address, None)
            access_token = secrets.token_urlsafe(32)
            expires_at = later(now, ACCESS_TOKEN_LIFETIME)  # elapsed time, across DST too
            self.sessions[session_key(access_token)] = Session(account.id, expires_at)
            return {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_at": expires_at.isoformat(),
                "platform": platform,
                "account": account.to_wire(),
            }

    def _refuse_if_locked(self, address: str, now: datetime) -> None:
        """429 ``too_many_attempts`` while the address's logins are locked."""
        record = self.failed_logins.get(address)
        if record is None or record.locked_until is None:
            return
        if reached(now, record.locked_until):
            del self.failed_logins[address]
            return
        seconds = max(1, math.ceil(elapsed(now, record.locked_until).total_seconds()))
        raise PlatformError(
            429,
            "too_many_attempts",
            "too many failed logins for this address: its logins are refused until "
            f"{record.locked_until.isoformat()} (try again in {seconds} seconds); a new password "
            f"set from the e-mail {shown(emails.CREATE_PASSWORD)}, which forgot-password sends, "
            "ends the lock",
            headers={"Retry-After": str(seconds)},
        )

    def _note_failed_login(self, address: str, now: datetime) -> None:
        """Count a failure; ``FAILED_LOGINS_TO_LOCK`` within ``LOGIN_LOCK`` lock the address for
        ``LOGIN_LOCK``, whether or not it has an account, so a lock tells no one who is a
        customer."""
        record = self.failed_logins.setdefault(address, FailedLogins())
        record.times = [t for t in record.times if not reached(now, later(t, LOGIN_LOCK))]
        record.times.append(now)
        if len(record.times) >= FAILED_LOGINS_TO_LOCK:
            record.locked_until = later(now, LOGIN_LOCK)
            self._refuse_if_locked(address, now)

    def authenticate(self, authorization: str | None) -> Account:
        """The account behind ``Authorization: Bearer <token>``, or 401."""
        if not authorization or not authorization.lower().startswith("bearer "):
            raise unauthenticated(
                "log in first (POST /v1/accounts/login) and send the access token as "
                "'Authorization: Bearer <token>'"
            )
        session = self.sessions.get(session_key(authorization[7:].strip()))
        if session is None:
            raise unauthenticated("the access token is not valid; log in again")
        if session.ended_by_new_password:
            raise unauthenticated(
                "the account's password was changed after this login, which ended it; "
                "log in again with the new password"
            )
        if reached(self.now(), session.expires_at):
            raise unauthenticated("the access token expired; log in again")
        return self.accounts[session.account_id]

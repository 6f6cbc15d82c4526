"""Haulmer Accounts: the one login for MyHaulmer, OpenFactura, Point and Catalogue.

The password is created from the "[Haulmer Accounts] Crea tu nueva contraseña" e-mail's link and
checked locally against the policy (``haulmer.passwords``) before it is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from pydantic import Field

from haulmer._models import HaulmerModel
from haulmer._platform import EMAIL_ADDRESS, as_enum
from haulmer._resource import (
    APIRequest,
    AsyncAPIResource,
    SyncAPIResource,
    call_options,
    idempotency_key_or_new,
)
from haulmer._types import NOT_GIVEN, Headers, TimeoutArg
from haulmer.errors import ValidationError
from haulmer.passwords import validate_password

__all__ = [
    "Account",
    "Accounts",
    "AsyncAccounts",
    "ForgotPasswordResult",
    "LinkLike",
    "LinkPurpose",
    "LinkResent",
    "Platform",
    "Session",
    "token_from_link",
]


class Platform(str, Enum):
    """The Haulmer platforms one account opens."""

    MY_HAULMER = "my_haulmer"
    OPENFACTURA = "openfactura"
    POINT = "point"
    CATALOGUE = "catalogue"


class LinkPurpose(str, Enum):
    """The e-mail links that carry a token, each of which ``resend_link`` can send again."""

    CREATE_PASSWORD = "create_password"
    CHOOSE_TAX_DOCUMENT = "choose_tax_document"
    ACTIVATE_WORKSPACE = "activate_workspace"
    START_OPENFACTURA_SETUP = "start_openfactura_setup"


class _HasToken(Protocol):
    @property
    def token(self) -> str: ...


LinkLike = str | _HasToken
"""An e-mail link: its token, its URL (``...?token=...``) or a ``Link`` from the fake's outbox."""


def token_from_link(link: LinkLike) -> str:
    """The token an e-mail link carries; raises ValidationError (without the token) if none."""
    value = getattr(link, "token", link)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("an e-mail link (its URL or its token) is required")
    value = value.strip()
    if "://" not in value:
        return value
    tokens = parse_qs(urlsplit(value).query).get("token", [])
    if len(tokens) != 1 or not tokens[0]:
        raise ValidationError(
            "this link carries no token: pass the link from the e-mail as it was sent"
        )
    return tokens[0]


class Account(HaulmerModel):
    """A Haulmer Accounts identity."""

    id: str
    email: str
    name: str
    has_password: bool
    password_created_at: datetime | None = None
    platforms: list[Platform] = Field(default_factory=list)
    created_at: datetime


class Session(HaulmerModel):
    """A login: the bearer access token (hidden from repr), when it expires, and the account."""

    access_token: str = Field(repr=False)
    token_type: str = "Bearer"
    expires_at: datetime
    platform: Platform
    account: Account


class LinkResent(HaulmerModel):
    """The platform accepted a resend; the e-mail goes out only where that link is still due."""

    status: str
    purpose: LinkPurpose | None = None
    message: str = ""


class ForgotPasswordResult(HaulmerModel):
    """The platform accepted the request; the e-mail goes out only if the address has an account."""

    status: str
    message: str = ""


def _create_password_request(
    link: LinkLike,
    password: str,
    confirmation: str,
    idempotency_key: str | None,
    **options: Any,
) -> APIRequest[Account]:
    token = token_from_link(link)
    if not isinstance(password, str) or not isinstance(confirmation, str):
        raise ValidationError("type the password twice: password and confirmation are text")
    validate_password(password, confirmation)
    body = {"token": token, "password": password, "password_confirmation": confirmation}
    return APIRequest(
        "POST",
        "/v1/accounts/password",
        "platform",
        Account,
        json=body,
        auth="none",
        idempotency_key=idempotency_key_or_new(idempotency_key),
        **options,
    )


def _forgot_password_request(email: str, **options: Any) -> APIRequest[ForgotPasswordResult]:
    if not isinstance(email, str) or "@" not in email:
        raise ValidationError("give the e-mail address the purchase was made with")
    return APIRequest(
        "POST",
        "/v1/accounts/password/forgot",
        "platform",
        ForgotPasswordResult,
        json={"email": email.strip()},
        auth="none",
        **options,
    )


def _resend_link_request(
    email: str, purpose: LinkPurpose | str, **options: Any
) -> APIRequest[LinkResent]:
    chosen = as_enum(LinkPurpose, purpose, "e-mail link")
    if not isinstance(email, str) or not EMAIL_ADDRESS.fullmatch(email.strip()):
        raise ValidationError(
            f"{email!r:.60} is not an e-mail address: give the address the link was sent to"
        )
    return APIRequest(
        "POST",
        "/v1/accounts/links/resend",
        "platform",
        LinkResent,
        json={"email": email.strip(), "purpose": chosen.value},
        auth="none",
        **options,
    )


def _login_request(
    email: str, password: str, platform: Platform | str, **options: Any
) -> APIRequest[Session]:
    if not isinstance(email, str) or "@" not in email:
        raise ValidationError("log in with the account's e-mail address")
    if not isinstance(password, str) or not password:
        raise ValidationError("the password is required to log in")
    chosen = as_enum(Platform, platform, "platform")
    body: Mapping[str, Any] = {
        "email": email.strip(),
        "password": password,
        "platform": chosen.value,
    }
    return APIRequest(
        "POST", "/v1/accounts/login", "platform", Session, json=body, auth="none", **options
    )


def _me_request(**options: Any) -> APIRequest[Account]:
    return APIRequest("GET", "/v1/accounts/me", "platform", Account, auth="bearer", **options)


class Accounts(SyncAPIResource):
    """Create the password, re-send its e-mail, log in, read the logged-in account."""

    def create_password(
        self,
        link: LinkLike,
        *,
        password: str,
        confirmation: str,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Account:
        """Set the password from the e-mail's link (policy and confirmation checked first).

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) makes a retry after
        a lost answer get the account, not "link already used".
        """
        return self._request(
            _create_password_request(
                link,
                password,
                confirmation,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries),
            )
        )

    def forgot_password(
        self,
        email: str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> ForgotPasswordResult:
        """Re-send "[Haulmer Accounts] Crea tu nueva contraseña" to the purchase's address."""
        return self._request(
            _forgot_password_request(email, **call_options(extra_headers, timeout, max_retries))
        )

    def resend_link(
        self,
        email: str,
        purpose: LinkPurpose | str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> LinkResent:
        """Send an e-mail link again, with a new token (the old one stops working): a way back
        from an expired "¿Boleta o factura?", "[Workspace] ¡Bienvenido a Haulmer!",
        "[OpenFactura] Configura tu empresa" or create-password link.

        The answer is the same whether or not the address has such a link still due.
        """
        return self._request(
            _resend_link_request(
                email, purpose, **call_options(extra_headers, timeout, max_retries)
            )
        )

    def login(
        self,
        email: str,
        password: str,
        *,
        platform: Platform | str = Platform.MY_HAULMER,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Session:
        """Log in; use ``client.with_options(access_token=session.access_token)`` afterwards."""
        return self._request(
            _login_request(
                email, password, platform, **call_options(extra_headers, timeout, max_retries)
            )
        )

    def me(
        self,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Account:
        """The account of the client's access token."""
        return self._request(_me_request(**call_options(extra_headers, timeout, max_retries)))


class AsyncAccounts(AsyncAPIResource):
    """Create the password, re-send its e-mail, log in, read the logged-in account."""

    async def create_password(
        self,
        link: LinkLike,
        *,
        password: str,
        confirmation: str,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Account:
        """Set the password from the e-mail's link (policy and confirmation checked first).

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) makes a retry after
        a lost answer get the account, not "link already used".
        """
        return await self._request(
            _create_password_request(
                link,
                password,
                confirmation,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries),
            )
        )

    async def forgot_password(
        self,
        email: str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> ForgotPasswordResult:
        """Re-send "[Haulmer Accounts] Crea tu nueva contraseña" to the purchase's address."""
        return await self._request(
            _forgot_password_request(email, **call_options(extra_headers, timeout, max_retries))
        )

    async def resend_link(
        self,
        email: str,
        purpose: LinkPurpose | str,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> LinkResent:
        """Send an e-mail link again, with a new token (the old one stops working): a way back
        from an expired "¿Boleta o factura?", "[Workspace] ¡Bienvenido a Haulmer!",
        "[OpenFactura] Configura tu empresa" or create-password link.

        The answer is the same whether or not the address has such a link still due.
        """
        return await self._request(
            _resend_link_request(
                email, purpose, **call_options(extra_headers, timeout, max_retries)
            )
        )

    async def login(
        self,
        email: str,
        password: str,
        *,
        platform: Platform | str = Platform.MY_HAULMER,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Session:
        """Log in; use ``client.with_options(access_token=session.access_token)`` afterwards."""
        return await self._request(
            _login_request(
                email, password, platform, **call_options(extra_headers, timeout, max_retries)
            )
        )

    async def me(
        self,
        *,
        extra_headers: Headers | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Account:
        """The account of the client's access token."""
        return await self._request(_me_request(**call_options(extra_headers, timeout, max_retries)))

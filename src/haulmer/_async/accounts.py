"""The resources of ``haulmer.accounts`` (its business is in ``haulmer.accounts.business``)."""

from __future__ import annotations

from haulmer._core import AsyncAPIResource
from haulmer._core._async.runner import AsyncRawResponses
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer._frames import LocalsForgottenOnRefusal
from haulmer.accounts.business import (
    Account,
    ForgotPasswordResult,
    LinkLike,
    LinkPurpose,
    LinkResent,
    Platform,
    Session,
    create_password_request,
    forgot_password_request,
    login_request,
    me_request,
    resend_link_request,
)

__all__ = ["AsyncAccounts", "AsyncAccountsWithRawResponse"]


class AsyncAccounts(AsyncAPIResource):
    """Create the password, re-send its e-mail, log in, read the logged-in account."""

    @property
    def with_raw_response(self) -> AsyncAccountsWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return AsyncAccountsWithRawResponse(self)

    async def create_password(
        self,
        link: LinkLike,
        *,
        password: str,
        confirmation: str,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Account:
        """Set the password from the e-mail's link (policy and confirmation checked first).

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) makes a retry after
        a lost answer get the account, not "link already used".
        """
        try:
            with LocalsForgottenOnRefusal():
                request = create_password_request(
                    link,
                    password,
                    confirmation,
                    idempotency_key,
                    **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                )
        finally:
            del link, password, confirmation  # not in this frame's locals (error trackers)
        return await self._request(request)

    async def forgot_password(
        self,
        email: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> ForgotPasswordResult:
        """Re-send "[Haulmer Accounts] Crea tu nueva contraseña" to the purchase's address."""
        return await self._request(
            forgot_password_request(
                email, **call_options(extra_headers, timeout, max_retries, extra_query, extra_body)
            )
        )

    async def resend_link(
        self,
        email: str,
        purpose: LinkPurpose | str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> LinkResent:
        """Send an e-mail link again, with a new token (the old one stops working): a way back
        from an expired "¿Boleta o factura?", "[Workspace] ¡Bienvenido a Haulmer!",
        "[OpenFactura] Configura tu empresa" or create-password link.

        The answer is the same whether or not the address has such a link still due.
        """
        return await self._request(
            resend_link_request(
                email,
                purpose,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def login(
        self,
        email: str,
        password: str,
        *,
        platform: Platform | str = Platform.MY_HAULMER,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Session:
        """Log in; use ``client.with_options(access_token=session.access_token)`` afterwards."""
        try:
            with LocalsForgottenOnRefusal():
                request = login_request(
                    email,
                    password,
                    platform,
                    **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
                )
        finally:
            del password  # not in this frame's locals, which error trackers record
        return await self._request(request)

    async def me(
        self,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> Account:
        """The account of the client's access token."""
        return await self._request(
            me_request(**call_options(extra_headers, timeout, max_retries, extra_query, extra_body))
        )


class AsyncAccountsWithRawResponse(AsyncRawResponses):
    """``AsyncAccounts.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: AsyncAccounts) -> None:
        super().__init__(resource)
        self.create_password = self._raw(resource.create_password)
        self.forgot_password = self._raw(resource.forgot_password)
        self.resend_link = self._raw(resource.resend_link)
        self.login = self._raw(resource.login)
        self.me = self._raw(resource.me)

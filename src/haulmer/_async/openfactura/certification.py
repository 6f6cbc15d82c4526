"""The resources of ``haulmer.openfactura.certification`` (its business is
in ``haulmer.openfactura.certification.business``)."""

from __future__ import annotations

from haulmer._core import AsyncAPIResource
from haulmer._core._async.runner import AsyncRawResponses
from haulmer._core.request import call_options
from haulmer._core.types import NOT_GIVEN, Body, Headers, Query, TimeoutArg
from haulmer.openfactura.certification.business import (
    DEFAULT_POLL_INTERVAL,
    DEFAULT_WAIT_TIMEOUT,
    ApiKey,
    CertificationStatus,
    api_key_request,
    certified_wait,
    retrieve_request,
)

__all__ = ["AsyncCertification", "AsyncCertificationWithRawResponse"]


class AsyncCertification(AsyncAPIResource):
    """The SII certification: status, ``wait()`` until certified, then the API key."""

    @property
    def with_raw_response(self) -> AsyncCertificationWithRawResponse:
        """These methods answering an ``APIResponse`` (status, headers, request id) whose
        ``parse()`` gives what the method returns."""
        return AsyncCertificationWithRawResponse(self)

    async def retrieve(
        self,
        setup_id: str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> CertificationStatus:
        """The certification's stage, history and estimated completion date."""
        return await self._request(
            retrieve_request(
                setup_id,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )

    async def wait(
        self,
        setup_id: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        max_retries: int | None = None,
    ) -> CertificationStatus:
        """Poll until certified; WaitTimeoutError after ``timeout`` s of the client's clock.

        A certification that stops raises at once, naming the reason and what to do:
        CertificationActionRequiredError when it waits for the company (a new .pfx, say),
        CertificationFailedError when the SII refused it. ``extra_headers`` and ``max_retries``
        apply to each poll.
        """
        return await self._run(
            certified_wait(
                setup_id,
                timeout,
                poll_interval,
                call_options(extra_headers, NOT_GIVEN, max_retries, extra_query, extra_body),
            )
        )

    async def create_api_key(
        self,
        setup_id: str,
        *,
        idempotency_key: str | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutArg = NOT_GIVEN,
        max_retries: int | None = None,
    ) -> ApiKey:
        """The OpenFactura API key of the certified organization (shown only this once).

        The ``Idempotency-Key`` (yours, else a fresh one kept across retries) lets a retry after
        a lost answer get the same key again, within 24 hours, instead of "already created".
        """
        return await self._request(
            api_key_request(
                setup_id,
                idempotency_key,
                **call_options(extra_headers, timeout, max_retries, extra_query, extra_body),
            )
        )


class AsyncCertificationWithRawResponse(AsyncRawResponses):
    """``AsyncCertification.with_raw_response``: its methods, typed as they are, answering an
    ``APIResponse``."""

    def __init__(self, resource: AsyncCertification) -> None:
        super().__init__(resource)
        self.retrieve = self._raw(resource.retrieve)
        self.wait = self._raw(resource.wait)
        self.create_api_key = self._raw(resource.create_api_key)
